"""The resolver: the one place where the taggers' outputs meet.

It enforces the guidelines' overlap rules. Spans of different labels never
overlap, except that a LEGAL_DEFINITION may contain others. Conflicts are
settled by a stated precedence of labels (names before the numbers inside
them: "Pentameter 2", "Sexual Offences Act 2003"; a LEGISLATION name before
the body inside it: the "UN" in "UN Convention against ..."), then by length
(the longest name, as the guidelines ask), then by position. The result goes
to `doc.spans["extractions"]`, and the subset that does not overlap to
`doc.ents`.

With `prefer_earlier_sources`, a conflict is settled first by the order of
`source_keys` (a hybrid pipeline can let its rules or its trained component win),
then as above. Spans that arrive without attributes (from a trained component)
get them from `extractor.attributes`.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.attributes import infer_attrs
from extractor.components.base import BatchedComponent
from extractor.intervals import Intervals
from extractor.labels import CONTAINER_LABELS, LABELS, SPANS_KEY
from extractor.spans import forget_doc_text, has_attrs, register_extensions, set_attrs

DEFAULT_PRECEDENCE = ["LEGISLATION", "OPERATION", "AGENCY", "NUMERIC_CLAIM", "LEGAL_DEFINITION"]
DEFAULT_SOURCES = ["legislation", "operation", "agency", "definition", "claim"]


def _source(doc: Doc, key: str) -> list[Span]:
    """A source's spans: a span group, or the entities when the key is "ents" (an `ner` component)."""
    if key == "ents":
        return list(doc.ents)
    return list(doc.spans[key]) if key in doc.spans else []


class _Candidate(NamedTuple):
    label: str
    start: int
    end: int
    source: int
    span: Span


class ExtractionResolver(BatchedComponent):
    def __init__(
        self,
        name: str,
        source_keys: list[str],
        precedence: list[str],
        output_key: str,
        prefer_earlier_sources: bool = False,
    ) -> None:
        register_extensions()
        unknown = [label for label in precedence if label not in LABELS]
        if unknown:
            raise ValueError(f"unknown labels in the resolver's precedence: {unknown}")
        self.name = name
        self.source_keys = list(source_keys)
        self.precedence = list(precedence)
        self.output_key = output_key
        self.prefer_earlier_sources = prefer_earlier_sources
        self._label_ranks = {label: rank for rank, label in reversed(list(enumerate(self.precedence)))}

    def _rank(self, candidate: _Candidate) -> tuple[int, int, int, int]:
        label_rank = self._label_ranks.get(candidate.label, len(self.precedence))
        source_rank = candidate.source if self.prefer_earlier_sources else 0
        return (source_rank, label_rank, candidate.start - candidate.end, candidate.start)

    def __call__(self, doc: Doc) -> Doc:
        # Each span's label and offsets are read once: every read of them is a call into spaCy.
        candidates = [
            _Candidate(span.label_, span.start_char, span.end_char, source, span)
            for source, key in enumerate(self.source_keys)
            for span in _source(doc, key)
        ]
        # Accepted spans of one layer (containers, or the rest) never overlap each other, so a
        # sorted list of their offsets answers "does this overlap one?" by bisection.
        layers: dict[bool, Intervals] = {True: Intervals(), False: Intervals()}
        chosen: list[_Candidate] = []
        for candidate in sorted(candidates, key=self._rank):
            if layers[candidate.label in CONTAINER_LABELS].add(candidate.start, candidate.end):
                chosen.append(candidate)
        chosen.sort(key=lambda candidate: (candidate.start, -candidate.end))
        accepted = [candidate.span for candidate in chosen]
        for span in accepted:
            if not has_attrs(span):
                set_attrs(span, infer_attrs(span.label_, span.text, doc.user_data.get("year")))
        doc.spans[self.output_key] = accepted
        inner = [s for s in accepted if s.label_ not in CONTAINER_LABELS]
        containers = [
            s for s in accepted if s.label_ in CONTAINER_LABELS and not layers[False].overlaps(s.start_char, s.end_char)
        ]
        # `set_ents` is what the `doc.ents` setter calls, after building a new Span for each one given.
        doc.set_ents(sorted(inner + containers, key=lambda s: s.start_char))
        forget_doc_text(doc)
        return doc


@Language.factory(
    "extraction_resolver",
    default_config={
        "source_keys": DEFAULT_SOURCES,
        "precedence": DEFAULT_PRECEDENCE,
        "output_key": SPANS_KEY,
        "prefer_earlier_sources": False,
    },
)
def make_resolver(
    nlp: Language,
    name: str,
    source_keys: list[str],
    precedence: list[str],
    output_key: str,
    prefer_earlier_sources: bool,
) -> ExtractionResolver:
    return ExtractionResolver(name, source_keys, precedence, output_key, prefer_earlier_sources)
