"""Annotating documents with a pipeline and turning the results into records.

`doc_to_record` is the one place where a spaCy `Doc` becomes the gold-format
record, so the CLI, the evaluation harness and the converters all write spans
the same way: offsets straight from the spans, attributes from `Span._.attrs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from extractor.labels import SPANS_KEY
from extractor.records import DocRecord, SpanRecord
from extractor.spans import get_attrs


def doc_to_record(doc: Doc, record: DocRecord, spans_key: str = SPANS_KEY) -> DocRecord:
    """The predicted record for `record`'s text (the text `doc` was made from): same id, text and
    meta, new spans. Each span's text is cut from that text at the span's offsets, which is what
    `span.text` gives after joining the span's tokens again."""
    text = record.text
    spans = [
        SpanRecord(span.start_char, span.end_char, span.label_, text[span.start_char : span.end_char], get_attrs(span))
        for span in (doc.spans[spans_key] if spans_key in doc.spans else doc.ents)
    ]
    return DocRecord(id=record.id, text=record.text, spans=spans, meta=dict(record.meta))


def _year(record: DocRecord) -> int | None:
    """The document's year from its metadata, used to pick between bodies sharing an acronym."""
    date = str(record.meta.get("date", ""))
    return int(date[:4]) if date[:4].isdigit() else None


def annotate_docs(
    nlp: Language, records: Iterable[DocRecord], batch_size: int = 64, n_process: int = 1
) -> Iterator[tuple[Doc, DocRecord]]:
    """Run `nlp` over the records' texts, yielding each annotated `Doc` with its record, in order.

    Each document first gets its year (from `meta["date"]`) as `doc.user_data["year"]`, so
    the agency tagger can tell apart bodies that had the same acronym at different times.
    """

    def docs_with_records() -> Iterator[tuple[Doc, DocRecord]]:
        for record in records:
            doc = nlp.make_doc(record.text)
            year = _year(record)
            if year is not None:
                doc.user_data["year"] = year
            yield doc, record

    yield from nlp.pipe(docs_with_records(), as_tuples=True, batch_size=batch_size, n_process=n_process)


def annotate_records(
    nlp: Language, records: Iterable[DocRecord], batch_size: int = 64, n_process: int = 1
) -> Iterator[DocRecord]:
    """Run `nlp` over the records' texts, yielding predicted records in order."""
    for doc, record in annotate_docs(nlp, records, batch_size, n_process):
        yield doc_to_record(doc, record)
