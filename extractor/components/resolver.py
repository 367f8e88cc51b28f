"""The resolver: the one place where the taggers' outputs meet.

It enforces the guidelines' overlap rules. Spans of different labels never
overlap, except that a LEGAL_DEFINITION may contain others. Conflicts are
settled by a stated precedence of labels (names before the numbers inside
them: "Pentameter 2", "Sexual Offences Act 2003"; a LEGISLATION name before
the body inside it: the "UN" in "UN Convention against ..."), then by length
(the longest name, as the guidelines ask), then by position. The result goes
to `doc.spans["extractions"]`, and the subset that does not overlap to
`doc.ents`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.labels import CONTAINER_LABELS, LABELS, SPANS_KEY
from extractor.spans import register_extensions

DEFAULT_PRECEDENCE = ["LEGISLATION", "OPERATION", "AGENCY", "NUMERIC_CLAIM", "LEGAL_DEFINITION"]
DEFAULT_SOURCES = ["legislation", "operation", "agency", "definition", "claim"]


def _overlaps(a: Span, b: Span) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


class ExtractionResolver:
    def __init__(self, name: str, source_keys: list[str], precedence: list[str], output_key: str) -> None:
        register_extensions()
        unknown = [label for label in precedence if label not in LABELS]
        if unknown:
            raise ValueError(f"unknown labels in the resolver's precedence: {unknown}")
        self.name = name
        self.source_keys = list(source_keys)
        self.precedence = list(precedence)
        self.output_key = output_key

    def _rank(self, span: Span) -> tuple[int, int, int]:
        label_rank = self.precedence.index(span.label_) if span.label_ in self.precedence else len(self.precedence)
        return (label_rank, -(span.end_char - span.start_char), span.start_char)

    def __call__(self, doc: Doc) -> Doc:
        candidates = [span for key in self.source_keys if key in doc.spans for span in doc.spans[key]]
        accepted: list[Span] = []
        for span in sorted(candidates, key=self._rank):
            container = span.label_ in CONTAINER_LABELS
            rivals = [
                other for other in accepted
                if _overlaps(span, other)
                and (other.label_ in CONTAINER_LABELS) == container
            ]
            if not rivals:
                accepted.append(span)
        accepted.sort(key=lambda s: (s.start_char, -s.end_char))
        doc.spans[self.output_key] = accepted
        inner = [s for s in accepted if s.label_ not in CONTAINER_LABELS]
        containers = [s for s in accepted if s.label_ in CONTAINER_LABELS and not any(_overlaps(s, i) for i in inner)]
        doc.ents = sorted(inner + containers, key=lambda s: s.start_char)
        return doc


@Language.factory(
    "extraction_resolver",
    default_config={"source_keys": DEFAULT_SOURCES, "precedence": DEFAULT_PRECEDENCE, "output_key": SPANS_KEY},
)
def make_resolver(
    nlp: Language, name: str, source_keys: list[str], precedence: list[str], output_key: str
) -> ExtractionResolver:
    return ExtractionResolver(name, source_keys, precedence, output_key)
