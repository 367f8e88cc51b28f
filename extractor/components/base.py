"""What every rule tagger shares: find matches in the text, write them as spans.

A tagger's job is `find(doc)`: character offsets and attributes. Writing the
spans to the tagger's own span group, and serialisation hooks, are the same
for all of them, as in spaCy's own `SpanRuler`. The resolver reads the groups
and is the one place where taggers' outputs meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from extractor.spans import make_span, register_extensions


class Match(NamedTuple):
    """A tagger's finding: `doc.text[start:end]` with its attributes."""

    start: int
    end: int
    attrs: dict[str, Any]


class RuleTagger:
    """Base class of the rule taggers; subclasses set `label` and implement `find`."""

    label: str = ""

    def __init__(self, nlp: Language, name: str, spans_key: str) -> None:
        register_extensions()
        self.name = name
        self.spans_key = spans_key

    def find(self, doc: Doc) -> Iterable[Match]:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match in self.find(doc):
            span = make_span(doc, match.start, match.end, self.label, match.attrs)
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc
