"""The unit of work every engine runs: annotate one batch of records and encode it.

It runs where the pipeline lives (this process, a pool worker, a Dask worker)
and returns the batch already in its output format, so only small payloads
cross process boundaries. Each batch is annotated inside `nlp.memory_zone()`,
so strings the batch added to the vocabulary are freed after it and memory does
not grow with the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

# `_year` gives documents the user data `annotate_records` gives them; annotate.py
# offers no public (Doc, record) iterator, and DocBin output needs the Docs.
from extractor.annotate import _year, doc_to_record
from extractor.outputs import EncodedBatch, encode_batch
from extractor.records import DocRecord


def _docs_with_records(nlp: Language, records: Sequence[DocRecord]) -> Iterator[tuple[Doc, DocRecord]]:
    for record in records:
        doc = nlp.make_doc(record.text)
        year = _year(record)
        if year is not None:
            doc.user_data["year"] = year
        yield doc, record


def annotate_batch(nlp: Language, records: Sequence[DocRecord], fmt: str) -> EncodedBatch:
    """Run `nlp` over `records` and encode the results in format `fmt`."""
    with nlp.memory_zone():
        pairs = list(nlp.pipe(_docs_with_records(nlp, records), as_tuples=True, batch_size=max(1, len(records))))
        docs = [doc for doc, _ in pairs]
        predicted = [doc_to_record(doc, record) for doc, record in pairs]
        batch = encode_batch(fmt, docs, predicted)
    batch.words = sum(len(record.text.split()) for record in records)
    return batch
