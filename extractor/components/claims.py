"""NUMERIC_CLAIM: quantities the text asserts as facts, with value, unit and counted.

Candidates are every quantity written in digits or words, with currency,
scale ("million", "bn", "m"), percentage, fold and range markers, the
approximator before it ("more than", "in excess of") and the counted noun
after it ("528 arrests"). Each candidate then passes filters that say why a
number is *not* a claim, in the guidelines' order: figures asked for in a
question, dates, years and periods, reference numbers (question and column
numbers, sections, footnote and list markers), limits a law sets, time frames.
Numbers inside names are left to the resolver, where names win. What the
filters know (month names, reference words, cue phrases) is data in
`extractor/data/claims.json`; parsing the number is `extractor.numbers`.

`ClaimTagger.candidates` gives every candidate with the filter that rejected it
(a reason code from `REJECTIONS`, or None), so a trained filter
(`extractor.components.claim_filter`) can weigh the rules' verdict instead of
obeying it; `find` keeps the candidates no filter rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.base import Match, RuleTagger
from extractor.intervals import Intervals
from extractor.knowledge import load_data
from extractor.labels import NUMERIC_CLAIM
from extractor.numbers import APPROXIMATORS, NUMBER_WORDS, parse_quantity
from extractor.patterns import alternation
from extractor.spans import doc_text
from extractor.textlines import next_line, previous_line

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:\s?[½¼¾])?|[½¼¾]"
_NUMBER_WORD = alternation(NUMBER_WORDS - {"half", "halves", "quarter", "quarters", "dozen"})
_WORDS = rf"(?:{_NUMBER_WORD})(?:(?:[\s-]+(?:and\s+)?)(?:{_NUMBER_WORD}))*"
_CURRENCY = r"(?:US\s?\$|[£€$])"
_SCALE = r"(?:\s?(?:million|billion|trillion|bn|mn|m|k)\b|\s(?:thousand)\b)"
_PERCENT = r"(?:\s?%|\s?per\s?cent\b|\s?percent\b|\s?percentage\s+points?\b)"
_CURRENCY_WORDS = r"(?:\s(?:pounds|euros|dollars)\b)"
_ONE = rf"(?:{_CURRENCY}\s?)?(?:{_DIGITS}|(?i:{_WORDS}))(?:{_SCALE})?(?:{_PERCENT}|{_CURRENCY_WORDS})?"
_FOLD = rf"(?i:(?:{_NUMBER_WORD}|\d+)-?fold)\b"
_APPROXIMATOR = alternation(APPROXIMATORS)
_NOT_AFTER_WORD = r"(?<![\w£€$.,/-])"
_SINGLE = re.compile(
    rf"{_NOT_AFTER_WORD}(?P<quantity>(?P<first>{_FOLD}|{_ONE})(?:(?:[-–]|\s+[-–]\s+|\s+to\s+)(?P<second>{_ONE}))?)"
    r"(?![\w])"
)
#: "between" or "from", as `(?<![\w£€$.,/-])(?i:between|from)` reads them, written to begin with their
#: first letters so that `re` skips ahead to those (see `extractor.patterns`); in a case-insensitive
#: pattern "b" and "f" match only "b", "B", "f" and "F".
_RANGE_MARKER = r"[bBfF](?<![\w£€$.,/-].)(?:(?<=[bB])(?i:etween)|(?<=[fF])(?i:rom))"
_RANGE = re.compile(
    rf"(?P<quantity>{_RANGE_MARKER}\s+(?P<first>{_ONE})\s*(?:-|–|to|and)\s*(?P<second>{_ONE}))"
    r"(?![\w])"
)
_HALF = re.compile(rf"\b(?P<approx>(?i:{_APPROXIMATOR}))\s+(?P<quantity>(?:a\s+)?half)\b")
#: The approximator before a quantity ("more than 528"), read backwards from the quantity's start
#: in the reversed text: trying the long alternation once per quantity, rather than at every word
#: of the text, is the difference between this and a pattern with an optional approximator.
_APPROXIMATOR_BEHIND = re.compile(rf"\s+(?i:{alternation(APPROXIMATORS, backwards=True)})(?![\w£€$.,/-])")
_COUNTED_WORD = re.compile(r"\s+([a-z][a-z'’\-]+|[A-Z]{2,}s)\b")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# What comes before a number is read backwards: each `_..._BEHIND` pattern is matched at the
# start of the reversed text before the number, so it is tried once rather than at every one of
# the positions a search for "... at the end" tries. Each names the pattern it reads backwards.
#: The earlier items of a list of references, so "sections 2 and 3" reads as "sections 3":
#: `(?:\d+[A-Za-z]?(?:\(\w+\))*\s*(?:,|and|or|to)\s*)+$` read backwards.
_LIST_BEHIND = re.compile(r"(?:\s*(?:,|dna|ro|ot)\s*(?:\)\w+\()*[A-Za-z]?\d+)+")
#: `[(\[]\s*$` backwards: an opening bracket just before the number.
_BRACKET_BEHIND = re.compile(r"\s*[(\[]")
#: `(?i:up\s+to)\s+$` backwards.
_UP_TO_BEHIND = re.compile(r"\s+(?i:ot\s+pu)")
_CLOSING_BRACKET_AFTER = re.compile(r"\s*[)\]]")
_HAS_UNIT = re.compile(r"[£€$%]|per\s?cent|percent|million|billion|bn")
_IS_PERCENT = re.compile(r"%|per\s?cent|percent")
_SHORT_YEAR_OR_YEAR = re.compile(r"\d{2}|(?:1[89]|20)\d\d")
_TIME_OF_DAY_AFTER = re.compile(r"\s*(?:am|pm|a\.m\.|p\.m\.|[.:]\d\d\s*(?:am|pm|a\.m\.|p\.m\.|hours))\b")
_CODE_SUFFIX_AFTER = re.compile(r"[A-Z]{1,2}\b")
_SLASH_AFTER = re.compile(r"/\d")
_ONE_OF_AFTER = re.compile(r"\s+(?:of|or|another|way|off)\b")
_NEXT_TWO_WORDS = re.compile(r"\s+(\w+)(?:\s+(\w+))?")
_MARKER_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,2})?")
_MARKER_BEFORE_PROSE = re.compile(r"[ .)]\s?[A-Z“\"(]")
_LINE_END_AFTER = re.compile(r"[ \t]*\n")
_FIGURES_ONLY = re.compile(r"[\d.,£$€%\s()-]*")

#: Why a candidate is not a claim, in the order the filters are tried; "unparsable" is a
#: quantity `extractor.numbers` cannot read a value from.
REJECTIONS: tuple[str, ...] = (
    "question", "glued", "year", "period", "date", "time", "code_suffix", "reference", "slash_code",
    "bracketed", "rule", "up_to_duration", "hyphen_unit", "time_frame", "footnote", "word_number", "unparsable",
)


class Candidate(NamedTuple):
    """A quantity the tagger considered, before its filters decide.

    `text[start:end]` is the span it would be: the approximator, the quantity
    (`text[quantity_start:quantity_end]`) and the counted noun after it.
    `attrs` are the span's attributes (None when the value cannot be parsed);
    `rejected_by` is the first filter that rejected it (see `REJECTIONS`), None
    for a claim; `in_question` says it lies in a question paragraph, whether or
    not the tagger skips those.
    """

    start: int
    quantity_start: int
    quantity_end: int
    end: int
    attrs: dict[str, Any] | None
    rejected_by: str | None
    in_question: bool


class ClaimTagger(RuleTagger):
    label = NUMERIC_CLAIM

    def __init__(self, nlp: Language, name: str, spans_key: str, skip_questions: bool) -> None:
        super().__init__(nlp, name, spans_key)
        self.skip_questions = skip_questions
        data = load_data("claims.json")
        months = alternation(data["months"])
        self._date = re.compile(
            rf"^\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{months})\b|^(?:st|nd|rd|th)\b"
        )
        # Read backwards (see `_LIST_BEHIND`): `\b(?:MONTHS)\.?\s*$`, `\b(?:REFERENCE WORDS)\.?\s*$`
        # and `\b(?:RULE CUES)\s+(?:an?\s+|the\s+)?$`.
        self._month_behind = re.compile(rf"\s*\.?(?:{alternation(data['months'], backwards=True)})\b")
        references = alternation(data["reference_words"], backwards=True)
        capitalised_references = alternation(data["reference_words_capitalised"], backwards=True)
        self._reference_behind = re.compile(rf"\s*\.?(?:(?i:{references})|(?:{capitalised_references}))\b")
        rule_cues = alternation(data["rule_cues"], backwards=True)
        self._rule_behind = re.compile(rf"(?:\s+n?a|\s+eht)?\s+(?i:{rule_cues})\b")
        time_units = alternation(data["time_units"])
        self._time_unit_after = re.compile(rf"^(?:-|\s)(?i:{time_units})\b")
        self._hyphen_unit_after = re.compile(rf"^-(?i:{time_units}|strong|point|page|man|member|hour)\b")
        # `\b(?:TIME FRAME CUES)\s+$` backwards.
        self._time_frame_behind = re.compile(rf"\s+(?i:{alternation(data['time_frame_cues'], backwards=True)})\b")
        self._up_to_duration = re.compile(rf"^\s*(?i:{time_units})")
        self._stop_words = frozenset(data["counted_stop_words"])
        self._ing_nouns = frozenset(data["noun_ing_words"])
        self._partitive_verbs = frozenset(data["partitive_verbs"])

    def find(self, doc: Doc) -> Iterator[Match]:
        for candidate in self._judge(doc, read_rejected=False):
            if candidate.rejected_by is None and candidate.attrs is not None:
                yield Match(candidate.start, candidate.end, candidate.attrs)

    def candidates(self, doc: Doc) -> list[Candidate]:
        """Every quantity in the document, extended over its counted noun, with the filters' verdict."""
        return list(self._judge(doc, read_rejected=True))

    def _judge(self, doc: Doc, read_rejected: bool) -> Iterator[Candidate]:
        """The candidates with their verdicts; without `read_rejected`, a rejected candidate is not
        extended or parsed (its `end` is its quantity's end and `attrs` None), which `find` never
        needs and which is most of the work for the years and references a page is full of."""
        text = doc_text(doc)
        questions = _question_regions(text)
        for start, quantity_start, quantity_end, match in _candidates(text):
            in_question = bool(questions) and any(q_start <= start < q_end for q_start, q_end in questions)
            if in_question and self.skip_questions:
                rejected_by: str | None = "question"
            else:
                rejected_by = self._rejection(text, match, quantity_start, quantity_end)
            end, attrs = quantity_end, None
            if rejected_by is None or read_rejected:
                end, counted = self._counted(text, quantity_end, match)
                quantity = parse_quantity(text[start:end])
                if quantity is not None:
                    attrs = {"value": _plain(quantity.value), "unit": quantity.unit, "counted": counted}
            if rejected_by is None and attrs is None:
                rejected_by = "unparsable"
            yield Candidate(start, quantity_start, quantity_end, end, attrs, rejected_by, in_question)

    def _rejection(self, text: str, match: re.Match[str], start: int, end: int) -> str | None:
        """Which filter says the number is a date, year, reference, rule or time frame; None for a claim."""
        groups = match.groupdict()  # "about half" has no "first" or "second"
        quantity = groups["quantity"]
        first = groups.get("first") or quantity
        bare = first.replace(",", "").strip()
        has_unit = _HAS_UNIT.search(quantity) is not None
        is_word = first[:1].isalpha()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-/"):
            return "glued"  # footnote marker glued to a word ("Disruptions1") or part of a code
        if _YEAR.match(bare) and not has_unit and not self._has_counted_noun(text, end):
            return "year"
        second = groups.get("second")
        if second and _YEAR.match(bare) and _SHORT_YEAR_OR_YEAR.fullmatch(second.strip()):
            return "period"  # a period: "2006-07", "2006 to 2008"
        behind = text[max(0, start - 40):start][::-1]  # the text before the number, read backwards
        after = text[end:end + 30]
        if self._date.match(after) or self._month_behind.match(behind):
            return "date"
        if _TIME_OF_DAY_AFTER.match(after):
            return "time"
        if _CODE_SUFFIX_AFTER.match(after) and not is_word:
            return "code_suffix"  # "column 75W", "1234WS"
        if not has_unit and self._reference_behind.match(behind, _end_of(_LIST_BEHIND.match(behind))):
            return "reference"  # "column 75W", "sections 2 and 3", "Home Office Findings 202"
        if _SLASH_AFTER.match(after):
            return "slash_code"  # a date or code: "26/02/2021"
        if _BRACKET_BEHIND.match(behind) and _CLOSING_BRACKET_AFTER.match(after):
            return "bracketed"  # "(241516)", "[47253]", list markers "(1)"
        if self._rule_behind.match(behind):
            return "rule"
        if _UP_TO_BEHIND.match(behind) and self._up_to_duration.match(after):
            return "up_to_duration"  # "up to 14 days": a limit, not a measurement
        if self._hyphen_unit_after.match(after):
            return "hyphen_unit"  # "an eight-year period", "a 45-day reflection period"
        if self._time_unit_after.match(after) and self._time_frame_behind.match(behind):
            return "time_frame"  # "in the five years", "over the last three years"
        if _footnote_marker(text, start, bare):
            return "footnote"
        if is_word and not first.lower().endswith("fold") and not self._word_number_is_claim(text, first, end):
            return "word_number"
        return None

    def _has_counted_noun(self, text: str, end: int) -> bool:
        word = _COUNTED_WORD.match(text, end)
        return bool(word and self._is_counted_word(word.group(1)))

    def _is_counted_word(self, word: str) -> bool:
        lowered = word.lower().rstrip("'’")
        if lowered in self._stop_words:
            return False
        if lowered.endswith(("ed", "ing", "ly")) and lowered not in self._ing_nouns:
            return False
        return True

    def _word_number_is_claim(self, text: str, first: str, end: int) -> bool:
        """A number in words is a claim with a counted noun, a verb, or "of those"."""
        if self._has_counted_noun(text, end):
            return first.lower() != "one" or not _ONE_OF_AFTER.match(text, end)
        if first.lower() in {"one", "no", "none"}:
            return False
        following = _NEXT_TWO_WORDS.match(text[end:end + 30])
        if following is None:
            return False
        word, next_word = following.group(1).lower(), (following.group(2) or "").lower()
        if word in self._partitive_verbs:
            return True
        return word == "of" and next_word in {"those", "these", "them", "whom", "the"}

    def _counted(self, text: str, end: int, match: re.Match[str]) -> tuple[int, str | None]:
        """Extend the span over the counted noun after it: up to three words, no verb, no name."""
        if _IS_PERCENT.search(match.group("quantity")):
            return end, None
        words: list[str] = []
        position = end
        while len(words) < 4:
            word = _COUNTED_WORD.match(text, position)
            if word is None or "\n" in text[position:word.start(1)] or not self._is_counted_word(word.group(1)):
                break
            if len(words) == 3 and word.group(1) != "old":
                break
            words.append(word.group(1))
            position = word.end()
        if words and words[-1].endswith(("'", "’")) and len(words) == 1:
            return end, None
        return (position, " ".join(words)) if words else (end, None)


def _candidates(text: str) -> list[tuple[int, int, int, re.Match[str]]]:
    """Every quantity in the text, a range before the single numbers inside it, as (start with the
    approximator, quantity start, end, match), in order."""
    backwards = text[::-1]
    ranges = list(_with_approximators(text, backwards, _RANGE))
    others = list(_with_approximators(text, backwards, _SINGLE))
    if "half" in text:  # "about half" needs the approximator before it
        others += [(m.start(), m.start("quantity"), m.end(), m) for m in _HALF.finditer(text)]
    elif not ranges:
        return others  # already in order, and nothing covers them
    covered = Intervals()  # the ranges never overlap each other, so each is added
    for start, _, end, _ in ranges:
        covered.add(start, end)
    # A quantity inside a range is one whose first character a range overlaps.
    found = ranges + [candidate for candidate in others if not covered.overlaps(candidate[1], candidate[1] + 1)]
    return sorted(found, key=lambda candidate: candidate[0])


def _with_approximators(
    text: str, backwards: str, pattern: re.Pattern[str]
) -> Iterator[tuple[int, int, int, re.Match[str]]]:
    """The pattern's quantities, each with the start of the approximator before it, if any.

    The approximator must start after the previous quantity ends, as it would in one pattern
    with an optional approximator in front.
    """
    previous_end = 0
    for match in pattern.finditer(text):
        start = match.start()
        approximator = _APPROXIMATOR_BEHIND.match(backwards, len(text) - start, len(text) - previous_end)
        yield (len(text) - approximator.end() if approximator else start), start, match.end(), match
        previous_end = match.end()


def _end_of(match: re.Match[str] | None) -> int:
    return match.end() if match else 0


def _plain(value: float) -> int | float:
    """Whole numbers as ints, so the JSON says 528 rather than 528.0."""
    return int(value) if float(value).is_integer() else value


def _footnote_marker(text: str, start: int, bare: str) -> bool:
    """A number that labels a note, paragraph or section rather than counting anything.

    "1 Victims of ..." (a footnote), "1.2 Following ..." (a numbered paragraph), or a
    number alone on its line between prose ("...over B.\n\n3\n\nA arranges..."), which
    in a table would have other figures above or below it instead.
    """
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() or not _MARKER_NUMBER.fullmatch(bare):
        return False
    end = start + len(bare)
    if _MARKER_BEFORE_PROSE.match(text, end, end + 3):
        return "." in bare or int(bare) <= 30
    if not _LINE_END_AFTER.match(text, end, end + 3):
        return False
    return _is_prose(previous_line(text, line_start)) and _is_prose(next_line(text, end))


def _is_prose(line: str) -> bool:
    """A line of words, not a figure or an empty table cell."""
    return bool(line) and not _FIGURES_ONLY.fullmatch(line)


def _question_regions(text: str) -> list[tuple[int, int]]:
    """Paragraphs that ask for figures: "To ask ..." and its numbered sub-questions.

    A question paragraph ends at a blank line or at its question number, and
    numbered parts "(2) what ..." that follow it belong to the question too.
    """
    regions = []
    opening = r"(?:To ask|\(\d+\)\s+(?:\w+\s+){0,3}?(?:what|how|whether|if|when|which|why))\b"
    for match in re.finditer(rf"(?m)^[ \t]*{opening}", text):
        end = text.find("\n", match.end())
        end = len(text) if end == -1 else end
        regions.append((match.start(), end))
    return regions


@Language.factory("claim_tagger", default_config={"spans_key": "claim", "skip_questions": True})
def make_claim_tagger(nlp: Language, name: str, spans_key: str, skip_questions: bool) -> ClaimTagger:
    return ClaimTagger(nlp, name, spans_key, skip_questions)
