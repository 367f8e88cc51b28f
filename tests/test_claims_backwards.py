"""The claim tagger reads the text before a number backwards, for speed; it must read it as the
forward patterns would.

Each forward pattern below is the specification ("... at the end of the text before the
number"); the tagger's reversed patterns must agree with it on every generated text. The texts
are built from the words these patterns look for, so that near misses are common.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import extractor
from extractor.components import claims
from extractor.knowledge import load_data
from extractor.numbers import APPROXIMATORS, NUMBER_WORDS

DATA = load_data("claims.json")


def _flat(phrases: list[str] | tuple[str, ...]) -> str:
    """The plain alternation, longest first: what the tagger's grouped alternations must match as."""
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


FORWARD_LIST = re.compile(r"(?:\d+[A-Za-z]?(?:\(\w+\))*\s*(?:,|and|or|to)\s*)+$")
FORWARD_MONTH = re.compile(rf"\b(?:{_flat(DATA['months'])})\.?\s*$")
FORWARD_REFERENCE = re.compile(
    rf"(?:\b(?i:{_flat(DATA['reference_words'])})"
    rf"|\b(?:{_flat(DATA['reference_words_capitalised'])}))\.?\s*$"
)
FORWARD_RULE = re.compile(rf"(?i:\b(?:{_flat(DATA['rule_cues'])}))\s+(?:an?\s+|the\s+)?$")
FORWARD_TIME_FRAME = re.compile(rf"(?i:\b(?:{_flat(DATA['time_frame_cues'])}))\s+$")
FORWARD_BRACKET = re.compile(r"[(\[]\s*$")
FORWARD_UP_TO = re.compile(r"(?i:up\s+to)\s+$")
#: The quantity pattern as it was before the approximator was read backwards: one pattern, the
#: approximator optional in front.
_APPROXIMATOR_IN_FRONT = rf"(?<![\w£€$.,/-])(?:(?P<approx>(?i:{_flat(APPROXIMATORS)}))\s+)?"
_FLAT_NUMBER_WORD = _flat(sorted(NUMBER_WORDS - {"half", "halves", "quarter", "quarters", "dozen"}))
FORWARD_SINGLE = re.compile(
    _APPROXIMATOR_IN_FRONT
    + claims._SINGLE.pattern.removeprefix(claims._NOT_AFTER_WORD).replace(claims._NUMBER_WORD, _FLAT_NUMBER_WORD)
)
FORWARD_RANGE = re.compile(
    _APPROXIMATOR_IN_FRONT
    + claims._RANGE.pattern.replace(claims._RANGE_MARKER, "(?i:between|from)").replace(
        claims._NUMBER_WORD, _FLAT_NUMBER_WORD
    )
)

WORDS = [
    *DATA["months"][:6], *DATA["reference_words"][:12], *DATA["reference_words_capitalised"][:8],
    *DATA["rule_cues"][:10], *DATA["time_frame_cues"][:10], *APPROXIMATORS,
    "up", "to", "and", "or", ",", "(", "[", ")", "(a)", "2", "14", "3b", "2006", "the", "a", "an", ".",
    "between", "from", "Between", "FROM", "five", "£3", "1.5", "per cent", "million", "x", "subsection", "-", "–",
    "Sections",
]
GAPS = st.sampled_from(["", " ", "  ", "\n", " \n ", "\t"])
texts = st.lists(st.tuples(st.sampled_from(WORDS), GAPS), max_size=12).map(
    lambda parts: "".join(word + gap for word, gap in parts)
)


def _backwards_match(pattern: re.Pattern[str], text: str, at: int = 0) -> bool:
    return pattern.match(text[::-1], at) is not None


@settings(max_examples=400, deadline=None)
@given(before=texts)
def test_list_of_references_is_stripped_as_the_forward_pattern_strips_it(before: str) -> None:
    stripped = len(before) - claims._end_of(claims._LIST_BEHIND.match(before[::-1]))
    assert before[:stripped] == FORWARD_LIST.sub("", before)


@pytest.fixture(scope="module")
def tagger():
    return extractor.load("default").get_pipe("claim_tagger")


@settings(max_examples=400, deadline=None)
@given(before=texts)
def test_words_before_a_number_are_found_as_the_forward_patterns_find_them(tagger, before: str) -> None:
    stripped = FORWARD_LIST.sub("", before)
    listed = claims._end_of(claims._LIST_BEHIND.match(before[::-1]))
    assert _backwards_match(tagger._reference_behind, before, listed) == bool(FORWARD_REFERENCE.search(stripped))
    assert _backwards_match(tagger._month_behind, before) == bool(FORWARD_MONTH.search(before))
    assert _backwards_match(tagger._rule_behind, before) == bool(FORWARD_RULE.search(before))
    assert _backwards_match(tagger._time_frame_behind, before) == bool(FORWARD_TIME_FRAME.search(before))
    assert _backwards_match(claims._BRACKET_BEHIND, before) == bool(FORWARD_BRACKET.search(before))
    assert _backwards_match(claims._UP_TO_BEHIND, before) == bool(FORWARD_UP_TO.search(before))


def _forward_candidates(text: str) -> list[tuple[int, int, int]]:
    found = [(m.start(), m.start("quantity"), m.end()) for m in FORWARD_RANGE.finditer(text)]
    covered = [(start, end) for start, _, end in found]
    for m in FORWARD_SINGLE.finditer(text):
        if not any(start <= m.start("quantity") < end for start, end in covered):
            found.append((m.start(), m.start("quantity"), m.end()))
    return sorted(found)


@settings(max_examples=400, deadline=None)
@given(text=texts)
@example(text="xfrom 2 to 3, (From 4 to 5) and £Between 6 and 7")  # range words glued to a word or symbol
def test_approximators_are_found_as_one_forward_pattern_finds_them(text: str) -> None:
    found = [(start, quantity_start, end) for start, quantity_start, end, _ in claims._candidates(text)]
    assert sorted(found) == _forward_candidates(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Not more than 5 and no fewer than 3.", ["Not more than 5", "no fewer than 3"]),
        ("roundabout 40 cars", ["40"]),  # "about" inside a word is no approximator
        ("In excess of\n£2 million", ["In excess of\n£2 million"]),
        ("between 4 and 6, some 7", ["between 4 and 6", "some 7"]),
    ],
)
def test_candidates_start_at_their_approximator(text: str, expected: list[str]) -> None:
    assert [text[start:end] for start, _, end, _ in claims._candidates(text)] == expected
