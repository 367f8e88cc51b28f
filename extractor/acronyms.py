"""Acronyms a document defines for itself: "Long Name (LN)" and "LN (Long Name)".

A Schwartz & Hearst (2003) style check, as in scispaCy's abbreviation
detector: the short form's letters must appear in order in the long form, the
first letter at the start of a word. Quotation marks around the short form
are allowed ("(‘SOCA’)"). The agency tagger uses the pairs to link acronyms
with no registry entry to the long form the document gave them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_QUOTES = "“”\"‘’'"
_LONG_WORD = r"(?:[A-Z][\w'’&\-]*|of|and|for|the|on|in|&)"
_LONG_THEN_SHORT = re.compile(
    rf"(?P<long>[A-Z][\w'’&\-]*(?:\s+{_LONG_WORD}){{0,9}})\s*\(\s*[{_QUOTES}]?(?P<short>[A-Z][A-Za-z&]{{1,9}})"
    rf"[{_QUOTES}]?\s*\)"
)
# `\b[A-Z]` written as `[A-Z](?<!\w.)`, so that `re` skips ahead to capitals (see `extractor.patterns`).
_SHORT_THEN_LONG = re.compile(
    rf"(?P<short>[A-Z](?<!\w.)[A-Z&]{{1,9}})\s*\(\s*[{_QUOTES}]?(?P<long>[A-Z][\w'’&\-]*(?:\s+{_LONG_WORD}){{1,9}})"
    rf"[{_QUOTES}]?\s*\)"
)


class AcronymDefinition(NamedTuple):
    short: str
    long: str
    long_start: int
    long_end: int


def _matches(short: str, long: str) -> bool:
    """Whether `short` abbreviates `long`: its letters in order, the first starting a word."""
    letters = [c.lower() for c in short if c.isalpha()]
    if len(letters) < 2 or not letters or long[:1].lower() != letters[0]:
        return False
    position = 0
    text = long.lower()
    for letter in letters:
        position = text.find(letter, position)
        if position == -1:
            return False
        position += 1
    return True


def _shortest_matching_suffix(short: str, long: str, offset: int) -> tuple[str, int] | None:
    """The long form trimmed from the left to the fewest words that still match."""
    words = list(re.finditer(r"\S+", long))
    for index in range(len(words) - 1, -1, -1):
        candidate = long[words[index].start():]
        if candidate[:1].isupper() and _matches(short, candidate):
            return candidate, offset + words[index].start()
    return None


#: Both patterns need a bracket opening on a capital: most documents without one are skipped.
_BRACKETED_CAPITAL = re.compile(rf"\(\s*[{_QUOTES}]?[A-Z]")


def find_acronym_definitions(text: str) -> list[AcronymDefinition]:
    """Every acronym the text defines, with the offsets of its long form."""
    found: list[AcronymDefinition] = []
    if "(" not in text or not _BRACKETED_CAPITAL.search(text):
        return found
    for match in _LONG_THEN_SHORT.finditer(text):
        short, long = match.group("short"), match.group("long")
        trimmed = _shortest_matching_suffix(short, long, match.start("long"))
        if trimmed is not None:
            found.append(AcronymDefinition(short, trimmed[0], trimmed[1], trimmed[1] + len(trimmed[0])))
    for match in _SHORT_THEN_LONG.finditer(text):
        short, long = match.group("short"), match.group("long").rstrip()
        if _matches(short, long):
            start = match.start("long")
            found.append(AcronymDefinition(short, long, start, start + len(long)))
    return found
