"""LEGAL_DEFINITION: a stated legal or official definition, with its term.

Two steps. First, find where definitions start and their terms: a quoted term
followed by "means", "includes", "has the meaning given by"... (optionally
with a qualifier between: ", in relation to land," or "(except in ...)"), two
quoted terms defined together, a capitalised term with "shall mean/include",
"a person is X if", "is guilty of X if", "the definition of X is",
"references to X are to be construed", "X falls within this subsection if".
Second, end each definition where its sentence or list item ends, or where the
next definition starts, whichever is first; the final full stop or separator
is left out, as the guidelines ask. A LEGISLATION span shortly before the
definition is recorded as its `instrument`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.base import Match, RuleTagger
from extractor.labels import LEGAL_DEFINITION
from extractor.spans import doc_text

_OPEN = "“\"‘"
_CLOSE = "”\"’"
_VERBS = (
    r"(?:shall\s+mean|means|mean|shall\s+include|includes|include|has\s+the\s+(?:same\s+)?meaning"
    r"|have\s+the\s+(?:same\s+)?meaning|is\s+defined\s+as|are\s+defined\s+as|is—|are—|is\s+to\s+be\s+construed"
    r"|(?<=[”\"’])—)(?![a-z])"
)
#: What may stand between a term and its verb: a qualifier (", in relation to land,"), a
#: parenthesis (one level of nesting), or a few words ("“dealing” with property includes").
_QUALIFIER = r"(?!\s*\))(?:\s*\((?:[^()\n]|\([^()\n]*\))*\)|[^.;:“”\"\n()]){0,160}?"
_QUOTED = rf"[{_OPEN}][^{_OPEN}{_CLOSE}\n]{{1,80}}[{_CLOSE}]"
#: Words without one of which `_VERBS` cannot match ("meaning", "shall mean", "is—"...).
_VERB_WORDS = ("mean", "include", "defined", "construed", "—")
#: Each start pattern, with the words it cannot match without: one of each group must be in the
#: text, or the pattern is not run. Most written answers define nothing, and a search of the
#: document for a few words costs far less than running seven patterns over it.
_STARTS: tuple[tuple[re.Pattern[str], tuple[tuple[str, ...], ...]], ...] = (
    (re.compile(rf"(?<![A-Za-z])(?P<term>{_QUOTED}(?:\s+and\s+{_QUOTED})?){_QUALIFIER}\s*{_VERBS}"),
     (tuple(_OPEN), _VERB_WORDS)),
    # A term whose opening quotation mark was lost at the start of a line; legislation.gov.uk
    # text glues editorial markers ("F2", "M1") to it, which stay outside the span.
    (re.compile(rf"(?m)^(?:\[?[FMC]\d+)?(?P<term>[A-Za-z][^{_OPEN}{_CLOSE}\n]{{0,60}}[{_CLOSE}]){_QUALIFIER}\s*{_VERBS}"),
     (tuple(_CLOSE), _VERB_WORDS)),
    (re.compile(r"(?:^|(?<=[.:!?]\s)|(?<=\n))(?P<term>(?!(?:This|That|It|These|Those|Which|What)\b)"
                r"[A-Z][a-z]+(?:\s+[a-z]+){0,3})\s+(?:shall\s+mean|shall\s+include|is\s+defined\s+as)\b"),
     (("shall", "defined"),)),
    (re.compile(r"\b(?:[Aa]n?|[Tt]he)\s+(?P<span>person\s+is\s+(?:only\s+)?(?:guilty\s+of\s+|an?\s+)?"
                r"(?P<term>[a-z][a-z ]{2,60}?)\s+(?:only\s+)?if)\b"),
     (("person",),)),
    (re.compile(r"\b[Dd]efinition\s+of\s+(?:an?\s+|the\s+)?(?P<term>[a-z][a-z ]{2,40}?)\s+is\b(?!\s+(?:set|not|in))"),
     (("efinition",),)),
    (re.compile(r"\b[Rr]eferences\s+to\s+(?P<term>[^,.;\n]{2,60}?)\s+are\s+to\s+be\s+construed"),
     (("eferences",),)),
    (re.compile(r"(?:^|(?<=[.:]\s)|(?<=\n))(?P<term>[A-Z][a-z]+(?:\s+[a-z]+){0,2})\s+falls\s+within\s+this\s+"
                r"(?:subsection|section)\s+if\b"),
     (("falls",),)),
)
_ABBREVIATIONS = ("c", "s", "ss", "No", "no", "e.g", "i.e", "etc", "para", "paras", "art", "arts", "Cm", "v", "St")
_SENTENCE_END = re.compile(
    r"\.(?=\s+[A-Z0-9“\"(\[]|\s*$|\]|\s*\n)|;(?=\s*\n\s*[“\"]|\s*$)|;\s*\n(?=\s*\n)"
    r"|\n(?=[ \t]*\(\d+[A-Z]?\))|\n(?=\s*\d+[A-Z]?\s*\n)"
)
#: What a definition never ends with: separators, and "and"/"or" joining it to the next one.
_TRAILING_WORDS = re.compile(r"(?:[\s,;:.—•·▪-]|;\]|\b(?:and|or)\b|\[?\b[FMC]\d+)+$")
_INSTRUMENT_WINDOW = 400


@dataclass(frozen=True)
class _Start:
    start: int
    body: int
    term: str


def _clean_term(raw: str) -> str:
    """The term without quotation marks; two quoted terms become "X and Y"."""
    parts = re.split(rf"[{_CLOSE}]\s+and\s+[{_OPEN}]", raw)
    cleaned = [p.strip(_OPEN + _CLOSE + " ") for p in parts]
    return " and ".join(c for c in cleaned if c)


class DefinitionTagger(RuleTagger):
    label = LEGAL_DEFINITION

    def __init__(self, nlp: Language, name: str, spans_key: str, instrument_spans_key: str) -> None:
        super().__init__(nlp, name, spans_key)
        self.instrument_spans_key = instrument_spans_key

    def _starts(self, text: str) -> list[_Start]:
        found: dict[int, _Start] = {}
        for pattern, needed in _STARTS:
            if not all(any(word in text for word in group) for group in needed):
                continue
            for match in pattern.finditer(text):
                group = "span" if "span" in pattern.groupindex else "term"
                start = match.start(group)
                if start not in found:
                    found[start] = _Start(start, match.end(), _clean_term(match.group("term")))
        return sorted(found.values(), key=lambda s: s.start)

    def _end(self, text: str, body: int, limit: int) -> int:
        position = body
        while True:
            match = _SENTENCE_END.search(text, position, limit)
            if match is None:
                return limit
            word = re.search(r"([\w.]+)$", text[max(0, match.start() - 6):match.start()])
            if match.group().startswith(".") and word and word.group(1) in _ABBREVIATIONS:
                position = match.end()
                continue
            return match.start()

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc_text(doc)
        starts = self._starts(text)
        if not starts:
            return
        instruments = list(doc.spans[self.instrument_spans_key]) if self.instrument_spans_key in doc.spans else []
        for index, start in enumerate(starts):
            limit = starts[index + 1].start if index + 1 < len(starts) else len(text)
            end = self._end(text, start.body, limit)
            end = start.body + len(_TRAILING_WORDS.sub("", text[start.body:end]))
            if end <= start.body or not start.term:
                continue
            attrs: dict[str, str] = {"term": start.term}
            before = [s for s in instruments if start.start - _INSTRUMENT_WINDOW <= s.end_char <= start.start]
            if before:
                attrs["instrument"] = before[-1].text
            yield Match(start.start, end, attrs)


@Language.factory(
    "definition_tagger", default_config={"spans_key": "definition", "instrument_spans_key": "legislation"}
)
def make_definition_tagger(
    nlp: Language, name: str, spans_key: str, instrument_spans_key: str
) -> DefinitionTagger:
    return DefinitionTagger(nlp, name, spans_key, instrument_spans_key)
