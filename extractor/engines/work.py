"""The unit of work every engine runs: annotate one batch of records and encode it.

It runs where the pipeline lives (this process, a pool worker, a Dask worker)
and returns the batch already in its output format, so only small payloads
cross process boundaries. Each batch is annotated inside `nlp.memory_zone()`,
so strings the batch added to the vocabulary are freed after it and memory does
not grow with the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language

from extractor.annotate import annotate_docs, doc_to_record
from extractor.outputs import EncodedBatch, encode_batch
from extractor.records import DocRecord


def annotate_batch(nlp: Language, records: Sequence[DocRecord], fmt: str) -> EncodedBatch:
    """Run `nlp` over `records` and encode the results in format `fmt`."""
    with nlp.memory_zone():
        pairs = list(annotate_docs(nlp, records, batch_size=max(1, len(records))))
        docs = [doc for doc, _ in pairs]
        predicted = [doc_to_record(doc, record) for doc, record in pairs]
        batch = encode_batch(fmt, docs, predicted)
    batch.words = sum(len(record.text.split()) for record in records)
    return batch
