"""OPERATION: named law-enforcement operations and campaigns.

"Operation X" with its number and coordinated numbers ("Operation Pentameter 1
and 2", one span), "Operations X and Y", and later short mentions of an
operation named earlier in the document ("Pentameter 2", "Kratos"). Only a
one- or two-digit number or a Roman numeral belongs to the name: in
"Operation Pentameter 299 were for human trafficking" the figure is a count
glued to the name by a lost character, not part of it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.base import Match, RuleTagger
from extractor.labels import OPERATION
from extractor.patterns import word_start_alternation
from extractor.spans import doc_text

_NAME = re.compile(r"[A-Z][A-Za-z'’\-]*[A-Za-z]")
_NUMBER = r"(?:\d{1,2}|[IVX]{1,4})(?![\w,.]?\d)(?![A-Za-z])"
_NUMBERS = re.compile(rf"[ \t\u00a0]+({_NUMBER}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*){_NUMBER})*)")
_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+|\s+")
_SPLIT_NUMBERS = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
_OPERATION_WORDS = ("Operation", "Operations", "OPERATION", "OPERATIONS")
_OPERATION_WORD = re.compile(rf"(?:{word_start_alternation(_OPERATION_WORDS)})\s+")
#: Capitalised words that follow "Operation" or a name without being a name.
_NOT_A_NAME = frozenset(
    {"The", "In", "And", "Of", "To", "On", "At", "By", "For", "Was", "Is", "Has", "Team", "Police",
     "Officers", "Which", "This", "That", "It", "He", "She", "They", "We", "A", "An", "As", "But",
     "Operation", "Operations", "OPERATION", "OPERATIONS", "Command", "Unit", "Manager", "Room"}
)


def _read_names(text: str, position: int) -> tuple[list[str], int]:
    """Names from `position` on: one name, or a list joined by commas and "and".

    A plain space joins two words of one name only when the second is not a
    word in `_NOT_A_NAME` ("Operation Golden Eye"); a list needs commas or "and".
    """
    names: list[str] = []
    end = position
    first = _NAME.match(text, position)
    if first is None or first.group() in _NOT_A_NAME:
        return names, end
    names.append(first.group())
    end = first.end()
    while True:
        separator = _SEPARATOR.match(text, end)
        if separator is None:
            break
        following = _NAME.match(text, separator.end())
        if following is None or following.group() in _NOT_A_NAME:
            break
        if separator.group().strip():
            names.append(following.group())
        elif len(names) == 1 and " " not in names[0]:
            names[0] = f"{names[0]} {following.group()}"
        else:
            break
        end = following.end()
    return names, end


class OperationTagger(RuleTagger):
    label = OPERATION

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc_text(doc)
        taken: list[tuple[int, int]] = []
        known: set[str] = set()
        for word in _OPERATION_WORD.finditer(text):
            names, end = _read_names(text, word.end())
            if not names:
                continue
            numbers_match = _NUMBERS.match(text, end)
            numbers = _SPLIT_NUMBERS.split(numbers_match.group(1)) if numbers_match else []
            if numbers_match:
                end = numbers_match.end()
            if len(names) > 1:
                full = [f"Operation {name}" for name in names]
            else:
                full = [f"Operation {names[0]} {n}" for n in numbers] or [f"Operation {names[0]}"]
            known.update(names)
            taken.append((word.start(), end))
            yield Match(word.start(), end, {"names": full})
        yield from self._short_mentions(text, known, taken)

    def _short_mentions(self, text: str, known: set[str], taken: list[tuple[int, int]]) -> Iterator[Match]:
        """Later mentions of an operation by its name alone, with or without numbers."""
        if not known:
            return
        pattern = re.compile(rf"(?P<name>{word_start_alternation(known)})\b")
        starts = [start for start, _ in taken]  # in text order, and never overlapping
        for match in pattern.finditer(text, starts[0]):
            index = bisect.bisect_right(starts, match.start()) - 1
            if index >= 0 and match.start() < taken[index][1]:
                continue
            end = match.end()
            numbers_match = _NUMBERS.match(text, end)
            numbers = _SPLIT_NUMBERS.split(numbers_match.group(1)) if numbers_match else []
            if numbers_match:
                end = numbers_match.end()
            full = [f"Operation {match['name']} {n}" for n in numbers] or [f"Operation {match['name']}"]
            yield Match(match.start(), end, {"names": full})


@Language.factory("operation_tagger", default_config={"spans_key": "operation"})
def make_operation_tagger(nlp: Language, name: str, spans_key: str) -> OperationTagger:
    return OperationTagger(nlp, name, spans_key)
