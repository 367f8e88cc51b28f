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

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.attributes import infer_attrs
from extractor.labels import CONTAINER_LABELS, LABELS, SPANS_KEY
from extractor.spans import forget_doc_text, get_attrs, register_extensions, set_attrs

DEFAULT_PRECEDENCE = ["LEGISLATION", "OPERATION", "AGENCY", "NUMERIC_CLAIM", "LEGAL_DEFINITION"]
DEFAULT_SOURCES = ["legislation", "operation", "agency", "definition", "claim"]


def _source(doc: Doc, key: str) -> list[Span]:
    """A source's spans: a span group, or the entities when the key is "ents" (an `ner` component)."""
    if key == "ents":
        return list(doc.ents)
    return list(doc.spans[key]) if key in doc.spans else []


def _overlaps(a: Span, b: Span) -> bool:
    return a.start_char < b.end_char and b.start_char < a.end_char


class ExtractionResolver:
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

    def _rank(self, source: int, span: Span) -> tuple[int, int, int, int]:
        label_rank = self.precedence.index(span.label_) if span.label_ in self.precedence else len(self.precedence)
        source_rank = source if self.prefer_earlier_sources else 0
        return (source_rank, label_rank, -(span.end_char - span.start_char), span.start_char)

    def __call__(self, doc: Doc) -> Doc:
        candidates = [(source, span) for source, key in enumerate(self.source_keys) for span in _source(doc, key)]
        accepted: list[Span] = []
        for _, span in sorted(candidates, key=lambda item: self._rank(*item)):
            container = span.label_ in CONTAINER_LABELS
            rivals = [
                other for other in accepted
                if _overlaps(span, other)
                and (other.label_ in CONTAINER_LABELS) == container
            ]
            if not rivals:
                accepted.append(span)
        accepted.sort(key=lambda s: (s.start_char, -s.end_char))
        for span in accepted:
            if not get_attrs(span):
                set_attrs(span, infer_attrs(span.label_, span.text, doc.user_data.get("year")))
        doc.spans[self.output_key] = accepted
        inner = [s for s in accepted if s.label_ not in CONTAINER_LABELS]
        containers = [s for s in accepted if s.label_ in CONTAINER_LABELS and not any(_overlaps(s, i) for i in inner)]
        doc.ents = sorted(inner + containers, key=lambda s: s.start_char)
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
