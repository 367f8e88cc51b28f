"""The shared pattern builders match exactly what the plain alternations they replace match."""

from __future__ import annotations

import re
from functools import cache

import pytest
import spacy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extractor.patterns import alternation, word_start_alternation


def _flat(phrases: list[str], any_space: bool = True) -> str:
    """The plain alternation, longest first."""
    escaped = (re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return "|".join(e.replace(r"\ ", r"\s+") if any_space else e for e in escaped)


PHRASES = st.lists(st.text("abAB .", min_size=1, max_size=4).filter(lambda p: p.strip() == p), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    phrases=PHRASES,
    text=st.text("abAB .", max_size=12),
    flags=st.sampled_from([0, re.IGNORECASE]),
)
@example(phrases=["aaaa", "Ab", "a"], text="ab", flags=re.IGNORECASE)  # "a" and "A" groups: not grouped
def test_grouped_alternation_matches_what_the_flat_one_matches(phrases: list[str], text: str, flags: int) -> None:
    grouped = re.compile(f"(?:{alternation(phrases)})", flags)
    flat = re.compile(f"(?:{_flat(phrases)})", flags)
    for position in range(len(text) + 1):
        found, expected = grouped.match(text, position), flat.match(text, position)
        assert (found and found.group()) == (expected and expected.group())


WORD_PHRASES = st.lists(
    st.text("abAB1_ .", min_size=1, max_size=5).filter(lambda p: re.match(r"\w", p) is not None), min_size=1, max_size=8
)


@settings(max_examples=400, deadline=None)
@given(phrases=WORD_PHRASES, text=st.text("abAB1_ .\n-é", max_size=16))
@example(phrases=["ab"], text="ab")  # at the very start of the text
@example(phrases=["ab"], text="éab")  # a non-ASCII word character before the phrase
@example(phrases=["a", "ab"], text=" ab")  # longest first
def test_word_start_alternation_finds_what_the_boundary_form_finds(phrases: list[str], text: str) -> None:
    fast = re.compile(rf"(?:{word_start_alternation(phrases)})\b")
    plain = re.compile(rf"\b(?:{_flat(phrases, any_space=False)})\b")
    _assert_same_matches(fast, plain, text)


def _assert_same_matches(fast: re.Pattern[str], plain: re.Pattern[str], text: str) -> None:
    """Both patterns find the same matches, with the same groups, in `text`."""
    assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == [
        (m.span(), m.groupdict()) for m in plain.finditer(text)
    ]


def _searches_by_first_character(pattern: str) -> bool:
    """Whether `re` compiled the pattern with a prefix or first-character set to skip ahead to
    (the INFO block that opens its code; a CPython detail, read here only to test the builder)."""
    from re import _compiler, _constants, _parser

    code = _compiler._code(_parser.parse(pattern, 0), 0)
    return code[0] == _constants.INFO and bool(code[2] & (_constants.SRE_INFO_PREFIX | _constants.SRE_INFO_CHARSET))


def test_word_start_alternation_lets_re_skip_ahead():
    """What the builder is for: `re` can search for its first characters; the `\\b` form it replaces
    is tried in full at every character."""
    phrases = ["Act", "Convention", "Code of Practice"]
    assert _searches_by_first_character(rf"(?:{word_start_alternation(phrases)})\b")
    assert not _searches_by_first_character(rf"\b(?:{_flat(phrases, any_space=False)})\b")


def test_word_start_alternation_refuses_phrases_that_begin_with_punctuation():
    with pytest.raises(ValueError, match="word character"):
        word_start_alternation(["(a)"])


@cache
def _agency_name_pattern() -> re.Pattern[str]:
    from extractor.components.agencies import AgencyTagger

    return AgencyTagger(spacy.blank("en"), "agency_tagger", "agency", use_name_pattern=True)._name_pattern


def _texts_of(words: list[str], max_size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(words), max_size=max_size).map(lambda chosen: " ".join(chosen))


def _assert_same_as_plain_start(fast: re.Pattern[str], fast_start: str, plain_start: str, text: str) -> None:
    """`fast` begins with `fast_start`, a rewrite of `plain_start`; with the plain start put back
    the pattern must find the same matches in `text`."""
    assert fast.pattern.startswith(fast_start)
    plain = re.compile(plain_start + fast.pattern[len(fast_start):])
    _assert_same_matches(fast, plain, text)


NAME_TEXT = _texts_of(
    ["Her Majesty's", "HM", "Home", "Office", "Police", "Kent", "of", "the", "and", "Agency", "x",
     "Hx", "H", "éKent", "Service", "for", "Wales", " ", "  ", "\t", "\n", ".", "-", "'"],
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(text=NAME_TEXT)
@example(text="Her Majesty's Prison Service")
@example(text="HM Revenue and Customs Police")
@example(text="xKent Police and Kent Police")
def test_agency_name_pattern_finds_what_its_boundary_form_finds(text: str) -> None:
    """The agency tagger's name pattern begins with its first capital (see `extractor.patterns`);
    it must find what the same pattern with `\\b` and the plain first word finds."""
    word = r"(?:Her Majesty['’]s|HM|[A-Z][\w'’\-]*[\w])"
    first_word = r"[A-Z](?<!\w.)(?:(?<=H)er Majesty['’]s|(?<=H)M|[\w'’\-]*[\w])"
    _assert_same_as_plain_start(_agency_name_pattern(), first_word, r"\b" + word, text)


ACRONYM_TEXT = _texts_of(
    ["SOCA", "xSOCA", "éNCA", "(", ")", "Serious", "Organised", "Crime", "Agency", "of", "the", "‘", "’", " ", "A&E",
     "Q"],
    max_size=10,
)


@settings(max_examples=300, deadline=None)
@given(text=ACRONYM_TEXT)
@example(text="SOCA (Serious Organised Crime Agency)")
@example(text="xSOCA (Serious Organised Crime Agency)")
def test_short_then_long_acronym_pattern_finds_what_its_boundary_form_finds(text: str) -> None:
    from extractor import acronyms

    short = r"(?P<short>[A-Z](?<!\w.)[A-Z&]{1,9})"
    _assert_same_as_plain_start(acronyms._SHORT_THEN_LONG, short, r"\b(?P<short>[A-Z][A-Z&]{1,9})", text)
