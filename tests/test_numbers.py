"""Tests for `extractor.numbers`: numbers and NUMERIC_CLAIM quantities as Hansard writes them.

The tables hold the guidelines' examples and the forms found in Hansard; the property tests check
whole families (every integer with thousands commas, every number in words below a million, money
with every scale word), so that a rule added for one example cannot quietly break its neighbours.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.numbers import (
    APPROXIMATORS,
    EUR,
    GBP,
    NUMBER_WORDS,
    PERCENT,
    RANGE_MARKERS,
    SCALE_WORDS,
    USD,
    Quantity,
    normalise_value,
    number_pattern_words,
    parse_number,
    parse_quantity,
    values_equal,
)

# --- a number-to-words writer, for round trips ------------------------------------------------------

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _below_thousand(n: int, hyphen: bool) -> str:
    words = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(f"{_ONES[hundreds]} hundred")
    if rest:
        if hundreds:
            words.append("and")
        if rest < 20:
            words.append(_ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            words.append(_TENS[tens] + (("-" if hyphen else " ") + _ONES[ones] if ones else ""))
    return " ".join(words)


def to_words(n: int, hyphen: bool = True) -> str:
    """British English: "one hundred and twenty-five thousand, three hundred and six"."""
    if n == 0:
        return "zero"
    parts = []
    for scale_value, scale_word in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, "")):
        group, n = divmod(n, scale_value)
        if group:
            parts.append((_below_thousand(group, hyphen) + " " + scale_word).strip())
    return ", ".join(parts)


def test_to_words_helper() -> None:
    assert to_words(125_306) == "one hundred and twenty-five thousand, three hundred and six"
    assert to_words(2_000_000_005, hyphen=False) == "two billion, five"


# --- parse_number -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("528", 528),
        ("1,234", 1234),
        ("4,000", 4000),
        ("1,500,000", 1_500_000),
        ("10 000", 10_000),
        ("2.3", 2.3),
        ("0.5", 0.5),
        (".5", 0.5),
        ("12.50", 12.5),
        ("-5", -5),
        ("−5", -5),  # a true minus sign
        ("56 ½", 56.5),
        ("56½", 56.5),
        ("56\u00a0½", 56.5),
        ("½", 0.5),
        ("¼", 0.25),
        ("¾", 0.75),
        ("⅓", 1 / 3),
        ("1/4", 0.25),
        ("1/40", 0.025),
        ("2 1/2", 2.5),
        ("2.3e6", 2_300_000),
        ("2.48×10−5", 2.48e-5),
        ("three", 3),
        ("Three", 3),
        ("zero", 0),
        ("Twenty-five", 25),
        ("twenty five", 25),
        ("ninety-nine", 99),
        ("one hundred and twenty", 120),
        ("one hundred twenty", 120),
        ("twelve hundred", 1200),
        ("two million", 2_000_000),
        ("two thousand and five", 2005),
        ("three million, two hundred & forty", 3_000_240),
        ("nine hundred and ninety-nine billion", 999e9),
        ("two dozen", 24),
        ("one and a half", 1.5),
        ("two and a half", 2.5),
        ("one and three quarters", 1.75),
        ("one and a half million", 1_500_000),
        ("one half", 0.5),
        ("one-half", 0.5),
        ("one sixth", 1 / 6),
        ("two thirds", 2 / 3),
        ("three halves", 1.5),
        ("three quarters", 0.75),
        ("2.3 million", 2_300_000),
        ("2.01 million", 2_010_000),
        ("4 thousand", 4000),
        ("1.5 billion", 1.5e9),
        ("  528  ", 528),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a",
        "a thousand",  # "a" is not a number
        "a hundred and two",
        "a half",
        "hundred",
        "thousand",
        "half",
        "dozen",
        "dozens",
        "millions",
        "first",
        "third",  # an ordinal, not a fraction
        "twenty-third",
        "one thirds",
        "two third",
        "nil",
        "none",
        "Nil",
        "1.2bn",  # a quantity: parse_quantity reads it
        "£5",
        "15%",
        "5 cases",
        "-",
        "–",
        "n/a",
        "..",
        "1,23",
        "1,2345",
        "12,34,567",
        "1.2.3",
        "2013/14",  # a financial year
        "3/2",
        "1/0",
        "1/04",
        "9/6/2008",
        "eleven and sixteen",  # two numbers, as in "between eleven and sixteen"
        "five six",
        "twenty ten",
        "one hundred and",
        "and five",
        "thousand million",
        "one thousand one million",
        "zero one",
        "1e999",
        "tenfold",
        "manifold",
    ],
)
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_with_thousands_commas(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}".replace(",", " ")) == n  # "10 000" as some tables print it


@given(st.integers(min_value=0, max_value=999_999), st.booleans(), st.booleans())
def test_words_round_trip(n: int, hyphen: bool, capitalise: bool) -> None:
    words = to_words(n, hyphen)
    assert parse_number(words.capitalize() if capitalise else words) == n


@given(st.integers(min_value=1, max_value=999_999_999_999))
def test_words_round_trip_to_billions(n: int) -> None:
    assert parse_number(to_words(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_decimals(whole: int, hundredths: int) -> None:
    assert parse_number(f"{whole:,}.{hundredths:02d}") == pytest.approx(whole + hundredths / 100)


@given(st.text(max_size=40))
def test_parse_number_never_raises(text: str) -> None:
    value = parse_number(text)
    assert value is None or math.isfinite(value)


# --- parse_quantity ---------------------------------------------------------------------------------


def q(
    value: float,
    unit: str | None = None,
    counted: str | None = None,
    approximator: str | None = None,
    is_range: bool = False,
) -> Quantity:
    return Quantity(value, unit, counted, approximator, is_range)


QUANTITIES = [
    # money
    ("£2.3 million", q(2_300_000, GBP)),
    ("£2.01 million", q(2_010_000, GBP)),
    ("£14.6million", q(14_600_000, GBP)),
    ("£14.6m", q(14_600_000, GBP)),
    ("£14.6 m", q(14_600_000, GBP)),
    ("£14.6 mn", q(14_600_000, GBP)),
    ("£14.6\u00a0million", q(14_600_000, GBP)),
    ("£14.6\u2009million", q(14_600_000, GBP)),
    ("14.6 million pounds", q(14_600_000, GBP)),
    ("£1.2bn", q(1.2e9, GBP)),
    ("£3 billion", q(3e9, GBP)),
    ("£250k", q(250_000, GBP)),
    ("£500,000", q(500_000, GBP)),
    ("£17 million", q(17_000_000, GBP)),
    ("£ 17 million", q(17_000_000, GBP)),
    ("£5 million sterling", q(5_000_000, GBP)),
    ("20 million pounds sterling", q(20_000_000, GBP)),
    ("300 pounds", q(300, GBP)),
    ("GBP 300", q(300, GBP)),
    ("€5 million", q(5_000_000, EUR)),
    ("5 million euros", q(5_000_000, EUR)),
    ("€10M", q(10_000_000, EUR)),
    ("-15€", q(-15, EUR)),
    ("$3m", q(3_000_000, USD)),
    ("US$10 million", q(10_000_000, USD)),
    ("10 000 dollars", q(10_000, USD)),
    ("5 million US dollars", q(5_000_000, USD)),
    ("$2.174T", q(2.174e12, USD)),
    ("$13,009 million", q(13_009_000_000, USD)),
    ("$-99.99", q(-99.99, USD)),
    ("-£5", q(-5, GBP)),
    ("(£1,234)", q(-1234, GBP)),  # accounts-style negative
    ("in excess of £250,000", q(250_000, GBP, approximator="in excess of")),
    ("just under £120,000", q(120_000, GBP, approximator="just under")),
    ("some £10 million", q(10_000_000, GBP, approximator="some")),
    ("over£5", q(5, GBP, approximator="over")),
    ("an estimated £1.2 billion", q(1.2e9, GBP, approximator="an estimated")),
    ("£1.5 million-£2 million", q(1_500_000, GBP, is_range=True)),
    ("£1.5 million to £2 million", q(1_500_000, GBP, is_range=True)),
    ("between £1 million and £2 million", q(1_000_000, GBP, is_range=True)),
    ("£1.5-2 million", q(1_500_000, GBP, is_range=True)),
    ("£2 million of funding", q(2_000_000, GBP, "of funding")),
    # percentages
    ("15 per cent", q(15, PERCENT)),
    ("15 per cent.", q(15, PERCENT)),
    ("15\u00a0per\u00a0cent", q(15, PERCENT)),
    ("15%", q(15, PERCENT)),
    ("15 %", q(15, PERCENT)),
    ("15 percent", q(15, PERCENT)),
    ("0.5 per cent", q(0.5, PERCENT)),
    ("15 percentage points", q(15, PERCENT, "percentage points")),
    ("one percentage point", q(1, PERCENT, "percentage point")),
    ("nearly 15 per cent", q(15, PERCENT, approximator="nearly")),
    ("ten per cent", q(10, PERCENT)),
    ("10-15 per cent", q(10, PERCENT, is_range=True)),
    ("10 to 15 per cent", q(10, PERCENT, is_range=True)),
    ("6 per cent. to 8 per cent", q(6, PERCENT, is_range=True)),
    ("50 to 80%", q(50, PERCENT, is_range=True)),
    ("about 10-15 per cent", q(10, PERCENT, approximator="about", is_range=True)),
    ("a 10 per cent increase", q(10, PERCENT, "increase")),
    # counts
    ("528 arrests", q(528, counted="arrests")),
    ("more than 4,000 women", q(4000, counted="women", approximator="more than")),
    ("More than 4,000 women", q(4000, counted="women", approximator="more than")),
    ("three victims", q(3, counted="victims")),
    ("Three victims", q(3, counted="victims")),
    ("11 confiscation order cases", q(11, counted="confiscation order cases")),
    ("248 confiscation orders", q(248, counted="confiscation orders")),
    ("nine cases", q(9, counted="cases")),
    ("one tax assessment", q(1, counted="tax assessment")),
    ("four overarching objectives", q(4, counted="overarching objectives")),
    ("twenty-five officers", q(25, counted="officers")),
    ("one hundred and twenty victims", q(120, counted="victims")),
    ("22 MPS officers", q(22, counted="MPS officers")),
    ("299", q(299)),
    ("fewer than 10 cases", q(10, counted="cases", approximator="fewer than")),
    ("at least 70 victims", q(70, counted="victims", approximator="at least")),
    ("up to 200 people", q(200, counted="people", approximator="up to")),
    ("around 1,000", q(1000, approximator="around")),
    ("approximately 300", q(300, approximator="approximately")),
    ("approx. 300", q(300, approximator="approx.")),
    ("c. 300", q(300, approximator="c.")),
    ("just over 2,000 people", q(2000, counted="people", approximator="just over")),
    ("well over 100", q(100, approximator="well over")),
    ("in the region of 400 arrests", q(400, counted="arrests", approximator="in the region of")),
    ("5m people", q(5_000_000, counted="people")),
    ("2.5 million people", q(2_500_000, counted="people")),
    ("two million people", q(2_000_000, counted="people")),
    ("a further 300", None),  # framing, not an approximator
    # multiplicative changes
    ("tenfold", q(10)),
    ("ten-fold", q(10)),
    ("10-fold", q(10)),
    ("10 fold", q(10)),
    ("two-fold", q(2)),
    ("twofold", q(2)),
    ("threefold", q(3)),
    ("Threefold", q(3)),
    ("a tenfold increase", q(10, counted="increase")),
    # ranges
    ("between 800-1,100", q(800, is_range=True)),
    ("between 800–1,100", q(800, is_range=True)),
    ("800 to 1,100", q(800, is_range=True)),
    ("800-1,100", q(800, is_range=True)),
    ("from three to 11 years", q(3, counted="years", is_range=True)),
    ("between 11 and 16", q(11, is_range=True)),
    ("between 11 & 16", q(11, is_range=True)),
    ("between eleven and sixteen", q(11, is_range=True)),
    ("between one hundred and twenty and two hundred", q(120, is_range=True)),
    ("between one and two million", q(1_000_000, is_range=True)),
    ("between 800 and 1 million", q(800, is_range=True)),
    ("twenty-five to thirty", q(25, is_range=True)),
    ("5-10 year sentences", q(5, counted="year sentences", is_range=True)),
    ("from 500 to 300", q(300, is_range=True)),
    ("7 to 10", q(7, is_range=True)),
    # durations and ages
    ("14 years old", q(14, counted="years")),
    ("14 years of age", q(14, counted="years")),
    ("six months old", q(6, counted="months")),
    ("56 ½ years’ imprisonment", q(56.5, counted="years’ imprisonment")),
    ("56½ years' imprisonment", q(56.5, counted="years' imprisonment")),
    ("two and a half years’ imprisonment", q(2.5, counted="years’ imprisonment")),
    ("more than two years", q(2, counted="years", approximator="more than")),
    ("six months", q(6, counted="months")),
    ("six weeks’", q(6, counted="weeks’")),
    ("45-day reflection period", q(45, counted="day reflection period")),
    # table figures
    ("1,234", q(1234)),
    ("12.5", q(12.5)),
    ("0", q(0)),
    ("528.", q(528)),
    # other written forms
    ("2 1/2 in", q(2.5, counted="in")),
    ("1/40", q(0.025)),
    ("2.48×10−5", q(2.48e-5)),
    ("three million, two hundred & forty", q(3_000_240)),
    ("one sixth", q(1 / 6)),
    ("  528 arrests  ", q(528, counted="arrests")),
    ("528\narrests", q(528, counted="arrests")),
]


@pytest.mark.parametrize(("surface", "expected"), QUANTITIES, ids=[s for s, _ in QUANTITIES])
def test_parse_quantity(surface: str, expected: Quantity | None) -> None:
    got = parse_quantity(surface)
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert got.value == expected.value  # exactly: "£2.01 million" is 2010000.0, as written
    assert (got.unit, got.counted, got.approximator, got.is_range) == (
        expected.unit,
        expected.counted,
        expected.approximator,
        expected.is_range,
    )


@pytest.mark.parametrize(
    "surface",
    [
        "",
        "-",
        "–",
        "n/a",
        "N/A",
        "..",
        "*",
        "£",
        "per cent",
        "dozens of victims",
        "hundreds of people",
        "several millions of pounds",
        "millions of pounds",
        "a thousand",
        "a hundred and two",
        "a million pounds",
        "a total of 528",  # framing stays outside a span
        "the police",
        "first",
        "nil",
        "none",
        "(241516)",  # a question number, not a negative amount
        "(299)",
        "between 11",  # a range marker promises a range
        "from 2008",
        "manifold",
        "1,23",
        "2013/14",
        "$99(",
        "($99",
    ],
)
def test_parse_quantity_rejects(surface: str) -> None:
    assert parse_quantity(surface) is None


@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from(["£", "€", "$", "US$"]),
    st.sampled_from(sorted(SCALE_WORDS)),
    st.sampled_from(["", " "]),
)
def test_money_with_scale_words(tenths: int, symbol: str, scale: str, space: str) -> None:
    amount = tenths / 10
    got = parse_quantity(f"{symbol}{amount}{space}{scale}")
    assert got is not None
    assert got.value == float(f"{amount}e{round(math.log10(SCALE_WORDS[scale]))}")  # as written, exactly
    assert got.unit == {"£": GBP, "€": EUR}.get(symbol, USD)
    assert got.counted is None


@given(
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["£", "€", "$"]),
    st.sampled_from(["", "in excess of ", "just under ", "some ", "about "]),
)
def test_money_with_commas_and_approximators(n: int, symbol: str, approximator: str) -> None:
    got = parse_quantity(f"{approximator}{symbol}{n:,}")
    assert got is not None
    assert got.value == n
    assert got.approximator == (approximator.strip() or None)


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=9))
def test_percentages(whole: int, tenth: int) -> None:
    for suffix in (" per cent", "%", " percent", " per cent."):
        got = parse_quantity(f"{whole}.{tenth}{suffix}")
        assert got == Quantity(whole + tenth / 10, PERCENT)


@given(st.sampled_from(APPROXIMATORS), st.integers(min_value=1, max_value=10**6))
def test_every_approximator(approximator: str, n: int) -> None:
    got = parse_quantity(f"{approximator} {n:,} cases")
    assert got == Quantity(n, None, "cases", approximator, False)


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_ranges_give_the_lower_bound(a: int, b: int) -> None:
    low, high = sorted((a, b))
    for surface in (f"between {low:,} and {high:,}", f"{low:,}-{high:,}", f"from {low:,} to {high:,} cases"):
        got = parse_quantity(surface)
        assert got is not None and got.value == low and got.is_range, surface


@given(st.integers(min_value=1, max_value=999_999))
def test_word_counts(n: int) -> None:
    assert parse_quantity(f"{to_words(n)} victims") == Quantity(n, None, "victims")


@given(st.sampled_from([" ", "\u00a0", "\u2009", "\u202f"]), st.integers(min_value=1, max_value=10**6))
def test_typographic_spaces_do_not_matter(space: str, n: int) -> None:
    surface = f"more than £{n:,} million in excess of 15 per cent"
    assert parse_quantity(surface.replace(" ", space)) == parse_quantity(surface)


@given(st.text(max_size=40))
def test_parse_quantity_never_raises(text: str) -> None:
    got = parse_quantity(text)
    assert got is None or math.isfinite(got.value)


# --- exported vocabulary ---------------------------------------------------------------------------


def test_number_pattern_words() -> None:
    words = number_pattern_words()
    assert words is NUMBER_WORDS
    assert {"one", "nineteen", "twenty", "ninety", "hundred", "thousand", "million", "billion"} <= words
    assert {"half", "dozen"} <= words
    assert "a" not in words and "and" not in words and "first" not in words
    assert all(word == word.lower() for word in words)


def test_scale_words() -> None:
    assert SCALE_WORDS["million"] == SCALE_WORDS["m"] == SCALE_WORDS["mn"] == 1e6
    assert SCALE_WORDS["bn"] == SCALE_WORDS["billion"] == 1e9
    assert SCALE_WORDS["k"] == SCALE_WORDS["thousand"] == 1e3
    with pytest.raises(TypeError):
        SCALE_WORDS["x"] = 1.0  # type: ignore[index]


def test_approximators_longest_first() -> None:
    assert len(set(APPROXIMATORS)) == len(APPROXIMATORS)
    for i, shorter in enumerate(APPROXIMATORS):
        for longer in APPROXIMATORS[i + 1 :]:
            assert not longer.endswith(" " + shorter) and not longer.startswith(shorter + " "), (
                f"{longer!r} must come before {shorter!r}"
            )
    assert {"in excess of", "just under", "some", "up to", "more than", "over"} <= set(APPROXIMATORS)
    assert "a further" not in APPROXIMATORS and "a total of" not in APPROXIMATORS
    assert RANGE_MARKERS == ("between", "from")


def test_quantity_is_frozen() -> None:
    quantity = Quantity(1.0, None, None, None, False)
    with pytest.raises(AttributeError):
        quantity.value = 2.0  # type: ignore[misc]


# --- comparing values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (528, 528.0),
        (2.5, 2.5),
        ("2300000", 2_300_000.0),
        ("2,300,000", 2_300_000.0),
        ("2.3e6", 2_300_000.0),
        ("2.3E+6", 2_300_000.0),
        (" 15 ", 15.0),
        ("-0.5", -0.5),
        (".5", 0.5),
    ],
)
def test_normalise_value(value: float | str, expected: float) -> None:
    assert normalise_value(value) == expected


@pytest.mark.parametrize(
    "value", ["", "abc", "three", "1,23", "e5", "2.3.4", "nan", "inf", None, True, math.nan, math.inf, [1]]
)
def test_normalise_value_rejects_garbage(value: object) -> None:
    with pytest.raises(ValueError):
        normalise_value(value)  # type: ignore[arg-type]


def test_values_equal() -> None:
    assert 2.01 * 1e6 != 2_010_000 and values_equal(2.01 * 1e6, 2_010_000)
    assert values_equal("2,300,000", 2.3e6)
    assert values_equal(0, 0.0)
    assert not values_equal(528, 529)
    assert not values_equal(0, 1e-12)
    with pytest.raises(ValueError):
        values_equal("many", 1)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_normalise_value_round_trips(x: float) -> None:
    assert normalise_value(repr(x)) == x
    assert values_equal(x, repr(x))
