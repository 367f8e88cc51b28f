"""Numbers and quantities as Hansard writes them: the one place that parses them.

The claim tagger, the resolver and the evaluation harness all need to turn text
such as "£14.6million", "more than 4,000 women" or "56 ½ years’ imprisonment"
into a value. If each did it its own way, a gold `value` and a predicted one
could disagree only because two parsers read "£1.2bn" differently, so every
reading of a number lives here, with its rules written down once.

The rules follow the NUMERIC_CLAIM section of the annotation guidelines (v1.2):

- `value` is the number the span asserts, with any scale word applied
  ("£2.3 million" -> 2300000); for a range it is the lower bound.
- `unit` is "GBP", "EUR", "USD", "percent" or None (counts, durations, ages).
- `counted` is the noun phrase that follows the quantity in the span ("arrests",
  "confiscation order cases", "years’ imprisonment"), as written.

Choices the guidelines leave open, made here once:

- "a" is not a number: "a thousand" and "a hundred and two" give None, and so does
  "hundred" alone. A determiner before a number that stands on its own is skipped
  ("a tenfold increase" -> 10), so the two rules agree.
- "nil" and "none" give None: they report that there is nothing, and no figure is
  written. "zero" is a numeral and gives 0.
- Ordinals ("first", "twenty-third") are positions, not counts: None. A fraction
  word needs a numerator ("one third", "two thirds"), so "third" alone is None.
- "15 percentage points" has unit "percent" (the number is measured in percent)
  and counted "percentage points", which keeps a difference distinguishable from
  a level.
- "a further" and "a total of" are framing, not approximators: the guidelines keep
  framing words outside the span, so a surface that starts with them is not a
  quantity and gives None.
- Negative amounts are read from a minus sign ("-15", "$-99.99") and from
  accounts-style brackets round an amount of money ("(£1,234)"). Brackets round a
  bare number are not read, because "(241516)" in Hansard is a question number.
- A slash fraction must be proper ("1/4", "2 1/2"): "2013/14" is a financial year
  and "9/11" a date or name, never a count.
- Pence ("50p") are not converted to pounds: the guidelines give no unit for them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from numbers import Real
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "APPROXIMATORS",
    "EUR",
    "GBP",
    "NUMBER_WORDS",
    "PERCENT",
    "RANGE_MARKERS",
    "SCALE_WORDS",
    "USD",
    "Quantity",
    "normalise_value",
    "number_pattern_words",
    "parse_number",
    "parse_quantity",
    "values_equal",
]

GBP = "GBP"
EUR = "EUR"
USD = "USD"
PERCENT = "percent"

# --- vocabulary -----------------------------------------------------------------------------------

_UNITS: Mapping[str, int] = MappingProxyType(
    {
        word: value
        for value, word in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
            " fifteen sixteen seventeen eighteen nineteen".split()
        )
    }
)
_TENS: Mapping[str, int] = MappingProxyType(
    {
        word: 10 * (i + 2)
        for i, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
    }
)
_WORD_SCALES: Mapping[str, float] = MappingProxyType(
    {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
)
#: Denominators a numerator in words may take ("two thirds"). "second" is left out: "two seconds"
#: is a duration, never a fraction, in this domain.
_FRACTION_WORDS: Mapping[str, int] = MappingProxyType(
    {
        "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
        "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
        "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
        "tenth": 10, "tenths": 10,
    }
)  # fmt: skip
_VULGAR_FRACTIONS: Mapping[str, float] = MappingProxyType(
    {
        "½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5,
        "⅗": 3 / 5, "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅐": 1 / 7, "⅛": 1 / 8, "⅜": 3 / 8,
        "⅝": 5 / 8, "⅞": 7 / 8, "⅑": 1 / 9, "⅒": 1 / 10,
    }
)  # fmt: skip

#: Scale words and abbreviations that multiply the number before them, lower case. The single
#: letters ("m", "k", "b", "t") are read as scales only when money is named or when they are
#: written against the digits ("5m"), because "5 m" may be metres and "278,000 t" tonnes.
SCALE_WORDS: Mapping[str, float] = MappingProxyType(
    {
        **_WORD_SCALES,
        "k": 1e3,
        "m": 1e6,
        "mn": 1e6,
        "b": 1e9,
        "bn": 1e9,
        "t": 1e12,
        "tn": 1e12,
    }
)

#: Every word that can be part of a number written in words, lower case, for a tokenizer-based
#: tagger to spot candidates; `parse_number` then decides whether a run of them is a number.
NUMBER_WORDS: frozenset[str] = frozenset(
    {*_UNITS, *_TENS, "hundred", "dozen", *_WORD_SCALES, *_FRACTION_WORDS}
)

#: Phrases that qualify a quantity and stay inside a NUMERIC_CLAIM span, lower case, longest first
#: so that a matcher trying them in order takes "just under" before "under". "a further" and
#: "a total of" are not here: they are framing, which the guidelines keep outside the span.
APPROXIMATORS: tuple[str, ...] = tuple(
    sorted(
        {
            "about", "around", "approximately", "approx.", "approx", "roughly", "nearly",
            "almost", "over", "more than", "fewer than", "less than", "under", "up to",
            "at least", "at most", "some", "in excess of", "just under", "just over",
            "well over", "well under", "an estimated", "estimated", "circa", "c.", "ca.",
            "close to", "in the region of", "of the order of", "upwards of", "as many as",
            "as much as", "as few as", "no more than", "no fewer than", "no less than",
            "not more than", "not less than", "not fewer than", "above", "below",
            "just below", "just above", "getting on for",
        },
        key=lambda phrase: (-len(phrase.split()), -len(phrase), phrase),
    )
)  # fmt: skip

#: Words that open a range ("between 800-1,100", "from three to 11 years"); they stay inside
#: the span, and the value is the lower bound.
RANGE_MARKERS: tuple[str, ...] = ("between", "from")


def number_pattern_words() -> frozenset[str]:
    """The words that may make up a number written in words (see `NUMBER_WORDS`).

    A function as well as a constant so that a tagger's config can name it as a callable.
    """
    return NUMBER_WORDS


# --- normalisation --------------------------------------------------------------------------------

# Hansard's HTML carries non-breaking, thin and narrow spaces, and a true minus sign. Each is
# replaced by one character, so offsets into the normalised text are offsets into the original.
_TYPOGRAPHY = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
        "\u2212": "-",
    }
)


def _normalise(text: str) -> str:
    return text.translate(_TYPOGRAPHY)


# --- numerals -------------------------------------------------------------------------------------

# An integer part: comma-grouped, space-grouped ("10 000", as some tables print it) or plain.
_INT = r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:\x20\d{3})+(?!\d)|\d+"
_DEC = rf"(?:{_INT})(?:\.\d+)?|\.\d+"
_VULGAR_CLASS = "".join(_VULGAR_FRACTIONS)
_NUMERAL_RE = re.compile(
    rf"""
    (?P<sign>-)?
    (?:
        (?P<mant>{_DEC})(?:[eE](?P<exp>[-+]?\d+)|\s?×\s?10\^?(?P<exp2>[-+]?\d+)|\s?x\s?10\^(?P<exp3>[-+]?\d+))
      | (?:(?P<whole>{_INT})\s?)?(?P<vulgar>[{_VULGAR_CLASS}])
      | (?:(?P<whole2>{_INT})\s)?(?P<num>\d+)[/⁄](?P<den>\d+)
      | (?P<dec>{_DEC})
    )
    (?![\d,.]\d)
    """,
    re.VERBOSE,
)


def _digits(text: str) -> float:
    return float(text.replace(",", "").replace(" ", ""))


def _numeral_value(m: re.Match[str]) -> float | None:
    """The value of a `_NUMERAL_RE` match, or None when the form is not a count (an improper or
    zero-denominator fraction, an exponent that overflows)."""
    sign = -1.0 if m["sign"] else 1.0
    if m["mant"] is not None:
        exponent = int(m["exp"] or m["exp2"] or m["exp3"])
        # Through the float literal, so "2.48×10-5" is 2.48e-05 exactly as Python reads it, and an
        # exponent too large for a float gives infinity rather than an OverflowError.
        value = float(f"{_digits(m['mant'])}e{exponent}")
    elif m["vulgar"] is not None:
        value = (_digits(m["whole"]) if m["whole"] else 0.0) + _VULGAR_FRACTIONS[m["vulgar"]]
    elif m["num"] is not None:
        numerator, denominator = int(m["num"]), int(m["den"])
        if not 0 < numerator < denominator or m["den"].startswith("0"):
            return None
        value = (_digits(m["whole2"]) if m["whole2"] else 0.0) + numerator / denominator
    else:
        value = _digits(m["dec"])
    return sign * value if math.isfinite(value) else None


def _scaled(base: float, scale: float) -> float:
    """`base` times a scale word's power of ten, in decimal, so that "£2.01 million" is 2010000.0
    as written and not the binary product 2009999.9999999998."""
    if scale == 1.0:
        return base  # the decimal product would give the same float back
    return float(Decimal(repr(base)) * Decimal(int(scale)))


def _parse_numeral(text: str) -> float | None:
    m = _NUMERAL_RE.fullmatch(text)
    return _numeral_value(m) if m else None


# --- numbers in words -----------------------------------------------------------------------------


def _parse_words(text: str) -> float | None:
    """A number in words: "one hundred and twenty", "Twenty-five", "two million, three hundred",
    "one and a half million", "two thirds". None unless every word is part of the number.

    The grammar is checked, not just summed, so that "eleven and sixteen" (two numbers joined by
    "and", as in "between eleven and sixteen") is rejected rather than read as 27.
    """
    tokens = [t for t in re.split(r"[\s,\-]+", text.lower().replace("&", " and ")) if t]
    if tokens == ["zero"]:
        return 0.0
    total = 0.0
    group = 0.0  # the current group below the next scale word, e.g. 120 in "120 thousand"
    last_scale = math.inf
    state = "start"
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in _UNITS and tok != "zero":
            value = _UNITS[tok]
            if state == "tens" and value < 10:
                group += value
            elif state in ("start", "hundred", "and", "scale"):
                group += value
            else:
                return None
            state = "unit"
        elif tok in _TENS:
            if state not in ("start", "hundred", "and", "scale"):
                return None
            group += _TENS[tok]
            state = "tens"
        elif tok in ("hundred", "dozen"):
            if state not in ("unit", "tens") or not 0 < group < 100:
                return None
            group *= 100 if tok == "hundred" else 12
            state = "hundred"
        elif tok in _WORD_SCALES:
            scale = _WORD_SCALES[tok]
            if state not in ("unit", "tens", "hundred", "half") or group <= 0 or scale >= last_scale:
                return None
            total += group * scale
            group, last_scale, state = 0.0, scale, "scale"
        elif tok == "and" and i + 2 < len(tokens) and tokens[i + 2] in _FRACTION_WORDS:
            # "two and a half", "one and three quarters": a proper fraction added to the group.
            numerator = 1 if tokens[i + 1] == "a" else _UNITS.get(tokens[i + 1], 0)
            denominator = _FRACTION_WORDS[tokens[i + 2]]
            if state not in ("unit", "tens", "hundred") or not 0 < numerator < denominator:
                return None
            group += numerator / denominator
            state = "half"
            i += 2
        elif tok == "and":
            if state not in ("hundred", "scale"):
                return None
            state = "and"
        elif tok in _FRACTION_WORDS and i == len(tokens) - 1:
            # "one sixth", "two thirds", "three halves"; a singular denominator needs the numerator
            # one, so the ordinal "twenty-third" is not read as 20/3.
            if state not in ("unit", "tens") or total or (group == 1) == tok.endswith("s"):
                return None
            return group / _FRACTION_WORDS[tok]
        else:
            return None
        i += 1
    if state in ("start", "and"):
        return None
    return total + group


_MIXED_RE = re.compile(rf"(?P<num>-?(?:{_DEC}))\s*(?P<scale>{'|'.join(_WORD_SCALES)})", re.IGNORECASE)


def parse_number(text: str) -> float | None:
    """A single number as written, or None if `text` is not one number from end to end.

    Reads numerals ("528", "1,234", "2.3", "0.5", "56 ½", "½", "2 1/2", "2.3e6"), numbers in words
    up to trillions with "and", "&", commas and hyphens ("one hundred and twenty", "Twenty-five"),
    word fractions ("two thirds") and a numeral with a scale word ("2.3 million"), because a
    tokenizer-based tagger sees that as a run of number tokens. Currency, abbreviations ("1.2bn")
    and units are not numbers: `parse_quantity` reads those. "a thousand", ordinals, "nil" and
    "none" give None (see the module notes).
    """
    s = _normalise(text).strip()
    if not s:
        return None
    value = _parse_numeral(s)
    if value is None:
        value = _parse_words(s)
    if value is None and (m := _MIXED_RE.fullmatch(s)):
        base = _parse_numeral(m["num"])
        value = None if base is None else _scaled(base, _WORD_SCALES[m["scale"].lower()])
    return value


# --- quantities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """What a NUMERIC_CLAIM span asserts, in the guidelines' attributes plus how it is qualified.

    `value` has scale words applied and is the lower bound of a range; `unit` is "GBP", "EUR",
    "USD", "percent" or None; `counted` is the noun phrase after the quantity as written, or None;
    `approximator` is the qualifying phrase in lower case ("more than"), or None; `is_range` says
    that `value` is the lower end of a range.
    """

    value: float
    unit: str | None = None
    counted: str | None = None
    approximator: str | None = None
    is_range: bool = False


class _Head(NamedTuple):
    """One quantity without what is counted: "£1.5 million", "15 per cent", "tenfold".

    A named tuple rather than a dataclass: one is made for every number the claim tagger reads."""

    value: float
    scale: float  # the multiplier a scale word applied (1 if none), for ranges like "1.5-2 million"
    unit: str | None
    counted: str | None
    end: int


def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    # A phrase must be followed by a space or by the start of an amount ("c.500", "over£5"), so
    # "some" does not match the start of "something".
    return re.compile(rf"(?P<phrase>{alternatives})(?=[\s£€$\d]|$)\s*", re.IGNORECASE)


_APPROXIMATOR_RE = _phrase_re(APPROXIMATORS)
_RANGE_MARKER_RE = _phrase_re(RANGE_MARKERS)
_DETERMINER_RE = re.compile(r"(?:a|an|the)\s+", re.IGNORECASE)
_CURRENCY_PREFIX_RE = re.compile(r"(?P<cur>US\s?\$|\$|£|€|(?:USD|GBP|EUR)(?=[\s\d]))\s*", re.IGNORECASE)
_CURRENCY_SYMBOL_RE = re.compile(r"\s?(?P<cur>[£€$])")
_CURRENCY_WORD_RE = re.compile(
    r"\s+(?P<cur>pounds?\s+sterling|pounds?|sterling|euros?|(?:US\s+|U\.S\.\s+)?dollars?|GBP|EUR|USD)\b",
    re.IGNORECASE,
)
# Scales after a numeral, tried in order, each with the abbreviations it reads only when money is
# named: "£14.6 m" is millions but "5 m" may be metres; "5m" is millions but "278,000 t" is tonnes.
_NUMERAL_SCALES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(rf"\s*(?P<scale>{'|'.join(_WORD_SCALES)})\b", re.IGNORECASE), frozenset()),
    (re.compile(r"(?P<scale>bn|mn|tn|[mkbt])\b", re.IGNORECASE), frozenset({"b", "t"})),
    (re.compile(r"\s+(?P<scale>bn|mn|tn|[mkbt])\b", re.IGNORECASE), frozenset({"m", "k", "b", "t"})),
)
_PERCENT_RE = re.compile(r"\s*(?:%|per\s*cent\b|percent\b|(?P<points>percentage\s+points?)\b)", re.IGNORECASE)
_FOLD_RE = re.compile(r"\s*-?\s*fold\b", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z]+")
_WORD_GAP_RE = re.compile(r"\s*[,&]\s*|\s+|-")
_FOLD_WORD_RE = re.compile(r"(?P<stem>[A-Za-z]+(?:-[A-Za-z]+)*?)-?fold\b", re.IGNORECASE)


def _currency(text: str) -> str:
    """The unit of a currency symbol, code or word that one of the currency patterns matched."""
    key = text.lower()
    if "£" in key or key.startswith(("pound", "sterling", "gbp")):
        return GBP
    if "€" in key or key.startswith("eur"):
        return EUR
    return USD  # "$", "US$", "dollars", "USD"


def _words_at(s: str, pos: int) -> tuple[float, int] | None:
    """The longest number in words that starts at `pos`, with its end."""
    ends = []
    i = pos
    while len(ends) < 16 and (word := _WORD_RE.match(s, i)):
        ends.append(word.end())
        gap = _WORD_GAP_RE.match(s, word.end())
        if not gap:
            break
        i = gap.end()
    for end in reversed(ends):
        value = _parse_words(s[pos:end])
        if value is not None:
            return value, end
    return None


def _head(s: str, pos: int) -> _Head | None:
    """One quantity starting at `pos`: optional sign and currency, a number, a scale, a currency
    word or symbol, a percent or "-fold". None if no number starts there."""
    sign = 1.0
    unit: str | None = None
    counted: str | None = None
    if s.startswith("-", pos) and _CURRENCY_PREFIX_RE.match(s, pos + 1):
        sign, pos = -1.0, pos + 1  # "-£5"; in "$-99.99" and "-15€" the sign is the numeral's own
    if m := _CURRENCY_PREFIX_RE.match(s, pos):
        unit, pos = _currency(m["cur"]), m.end()

    if m := _NUMERAL_RE.match(s, pos):
        base = _numeral_value(m)
        if base is None or (sign < 0 and base < 0):
            return None
        pos = m.end()
        scale = 1.0
        for scale_re, needs_money in _NUMERAL_SCALES:
            sc = scale_re.match(s, pos)
            if sc and (unit or sc["scale"].lower() not in needs_money):
                scale, pos = SCALE_WORDS[sc["scale"].lower()], sc.end()
                break
        value = _scaled(base, scale)
    elif (m := _FOLD_WORD_RE.match(s, pos)) and (folded := _parse_words(m["stem"])) is not None:
        return _Head(sign * folded, 1.0, unit, None, m.end())
    elif words := _words_at(s, pos):
        value, pos = words
        # "two million": the scale is inside the words; a range such as "between one and two
        # million" needs it to scale its lower bound.
        scale = _WORD_SCALES.get(re.split(r"[\s,\-]+", s[:pos])[-1].lower(), 1.0)
    else:
        return None
    value *= sign

    if unit is None and (m := _CURRENCY_SYMBOL_RE.match(s, pos)):
        unit, pos = _currency(m["cur"]), m.end()
    if m := _CURRENCY_WORD_RE.match(s, pos):
        currency = _currency(m["cur"])
        if unit in (None, currency):
            unit, pos = currency, m.end()
    if unit is None and (m := _PERCENT_RE.match(s, pos)):
        unit, pos = PERCENT, m.end()
        counted = " ".join(m["points"].split()) if m["points"] else None
    elif unit is None and (m := _FOLD_RE.match(s, pos)):
        pos = m.end()
    return _Head(value, scale, unit, counted, pos)


# Range separators. "and" separates bounds only after "between": elsewhere "528 arrests and 299
# charges" is two claims, and "one hundred and twenty" one number.
_RANGE_SEP_RE = re.compile(r"\s*[-–—]\s*|\s+to\s+", re.IGNORECASE)
_BETWEEN_SEP_RE = re.compile(r"\s*[-–—]\s*|\s+to\s+|\s+(?:and|&)\s+", re.IGNORECASE)


def _range(s: str, pos: int, marker: str | None) -> tuple[_Head, float] | None:
    """A range "X-Y", "X to Y" or "between X and Y" starting at `pos`: its upper head (which holds
    the end, the unit and what is counted) and the lower bound.

    Each separator is tried as the split point, left to right, and the lower part must be a whole
    quantity: so "twenty-five to thirty" splits at "to", not inside "twenty-five". A split at a
    hyphen or "and" must give lower <= upper, which rejects "twenty-five" read as 20-5 and
    "2008-09"; "from 500 to 300" is a range in either order.
    """
    separators = _BETWEEN_SEP_RE if marker == "between" else _RANGE_SEP_RE
    for sep in separators.finditer(s, pos):
        if sep.group() in "-–—" and s[sep.start() - 1].isalpha() and s[sep.end() : sep.end() + 1].isalpha():
            continue  # the hyphen of "forty-one thousand", not a range
        lower = _head(s[: sep.start()], pos)
        # The lower bound must fill the text up to the separator; "6 per cent. to 8 per cent" keeps
        # Hansard's full stop after "per cent".
        if lower is None or s[lower.end : sep.start()] not in ("", "."):
            continue
        upper = _head(s, sep.end())
        if upper is None or (None not in (lower.unit, upper.unit) and lower.unit != upper.unit):
            continue
        low = lower.value
        # "between 1.5 and 2 million": the scale written once applies to both bounds, unless the
        # lower bound is already the larger number ("between 800 and 1 million").
        if lower.scale == 1.0 and upper.scale != 1.0 and low < upper.value / upper.scale:
            low = _scaled(low, upper.scale)
        if low > upper.value and sep.group().strip().lower() != "to":
            continue
        unit = lower.unit or upper.unit
        counted = upper.counted or lower.counted
        return _Head(upper.value, upper.scale, unit, counted, upper.end), min(low, upper.value)
    return None


_AGE_RE = re.compile(r"(?P<unit>(?:year|month|week|day)s?)\s+(?:old|of\s+age)", re.IGNORECASE)
#: What may follow a quantity: a space or dash before what is counted, or closing punctuation.
_AFTER_QUANTITY_RE = re.compile(r"[\s\-–—]|[.,;:]*$")


def _counted(rest: str, head_counted: str | None) -> str | None:
    """What is counted: the words after the quantity, as written, without the hyphen of "45-day",
    the full stop after "per cent." and the adjective of an age ("14 years old" -> "years")."""
    text = " ".join(rest.strip().lstrip("-–—").rstrip(".,;:").split())
    if age := _AGE_RE.fullmatch(text):
        text = age["unit"]
    return " ".join(part for part in (head_counted, text) if part) or None


#: How many distinct surfaces `parse_quantity` remembers. Claims repeat ("10 per cent", "£1
#: million", "two"): over the team's annotated corpus a quarter of claim surfaces repeat an earlier
#: one, and the share grows with the corpus. Bounded, so memory stays flat on any corpus.
PARSE_CACHE_SIZE = 8192


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_quantity(surface: str) -> Quantity | None:
    """Read a NUMERIC_CLAIM span's text into a `Quantity`, or None if it holds no number.

    The surface is read in the order the guidelines put a span together: an approximator
    ("in excess of"), a range marker ("between", "from"), the quantity (currency, number, scale,
    currency word, "per cent", "-fold"), an optional second bound, and what is counted. A surface
    that starts with anything else ("dozens of victims", "a total of 528", "n/a", "-") gives None,
    so a tagger that drew a span's boundary wrongly is caught rather than given a guess.

    Results are cached by surface (`PARSE_CACHE_SIZE`); a `Quantity` is immutable, so callers share it.
    """
    s = _normalise(surface).strip()
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        # Accounts write a negative amount in brackets; a bare number in brackets is a reference.
        inner = parse_quantity(s[1:-1])
        if inner is None or inner.unit not in (GBP, EUR, USD) or inner.value < 0:
            return None
        return Quantity(-inner.value, inner.unit, inner.counted, inner.approximator, inner.is_range)

    pos = 0
    approximator = None
    if m := _APPROXIMATOR_RE.match(s):
        approximator, pos = " ".join(m["phrase"].lower().split()), m.end()
    marker = None
    if m := _RANGE_MARKER_RE.match(s, pos):
        marker, pos = m["phrase"].lower(), m.end()

    starts = [pos]
    if determiner := _DETERMINER_RE.match(s, pos):
        starts.append(determiner.end())  # "a tenfold increase"; but "a thousand" fails as "thousand"
    for start in starts:
        if found := _range(s, start, marker):
            head, value = found
            is_range = True
        elif marker is None and (head := _head(s, start)):
            value, is_range = head.value, False
        else:
            continue
        rest = s[head.end :]
        if rest and not _AFTER_QUANTITY_RE.match(rest):
            # Letters or symbols against the number make it something else: "2nd", "1960s",
            # "10kg", "$99(".
            return None
        counted = _counted(rest, head.counted)
        return Quantity(value, head.unit, counted, approximator, is_range)
    return None


# --- comparing values -----------------------------------------------------------------------------

_PLAIN_NUMBER_RE = re.compile(r"[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def normalise_value(value: float | str) -> float:
    """A `value` attribute as a float, so that gold and predicted values compare as numbers.

    Accepts numbers and numeric strings ("2300000", "2,300,000", "2.3e6", " 15 "). Raises
    ValueError for anything else (booleans, words, None, NaN, infinity): a value that is not a
    finite number is an error in the data, and should not silently count as a mismatch.
    """
    if isinstance(value, Real) and not isinstance(value, bool):
        result = float(value)
    elif isinstance(value, str) and _PLAIN_NUMBER_RE.fullmatch(value.strip()):
        result = float(value.strip().replace(",", ""))
    else:
        raise ValueError(f"not a number: {value!r}")
    if not math.isfinite(result):
        raise ValueError(f"not a finite number: {value!r}")
    return result


def values_equal(a: float | str, b: float | str) -> bool:
    """Whether two values are the same number after `normalise_value`, to a relative 1e-9.

    A relative tolerance, because values range from 0.5 (per cent) to billions (pounds) and
    "£2.01 million" computed as 2.01 * 1e6 is 2009999.9999999998 in binary floating point.
    """
    return math.isclose(normalise_value(a), normalise_value(b), rel_tol=1e-9)
