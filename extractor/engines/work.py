"""The unit of work every engine runs: annotate one batch of records and encode it.

It runs where the pipeline lives (this process, a pool worker, a Dask worker)
and returns the batch already in its output format, so only small payloads
cross process boundaries. Each batch is annotated inside `nlp.memory_zone()`,
so strings the batch added to the vocabulary are freed after it and memory does
not grow with the corpus. That also frees the words every batch shares ("the",
"Home", "Office"), which the next batch must then add again: so each process
first tokenizes the start of its first batch outside a zone (`WARM_UP_CHARACTERS`),
which keeps the corpus's common words for good at a bounded cost in memory. It also
fills the tokenizer's cache of chunks (spaCy caches none inside a zone, and at most
10,000), so later batches find the common chunks' tokens there instead of splitting them
again with the affix patterns.
"""

from __future__ import annotations

from collections.abc import Sequence
from weakref import WeakSet

from spacy.language import Language

from extractor.annotate import annotate_docs, doc_to_record
from extractor.outputs import EncodedBatch, encode_batch
from extractor.records import DocRecord

#: How many characters of its first batch a process tokenizes outside a memory zone. A batch of
#: written answers is about this size, and its words are most of the words of the next ones.
WARM_UP_CHARACTERS = 200_000
#: The pipelines this process has warmed up (a forked process inherits its parent's).
_warmed: WeakSet[Language] = WeakSet()


def warm_up(nlp: Language, records: Sequence[DocRecord]) -> None:
    """Put the words of the start of `records` in the vocabulary for good, once per pipeline.

    Tokenizing is where new words enter the vocabulary; what is tokenized outside a
    memory zone stays, so later batches find their common words there instead of adding
    and freeing them again (about 1.6 times faster on real written answers), and their
    common chunks in the tokenizer's cache. Only
    `WARM_UP_CHARACTERS` characters are read, so a huge first document cannot fill memory.
    """
    if nlp in _warmed:
        return
    _warmed.add(nlp)
    budget = WARM_UP_CHARACTERS
    for record in records:
        if budget <= 0:
            break
        nlp.make_doc(record.text[:budget])
        budget -= len(record.text)


def annotate_batch(nlp: Language, records: Sequence[DocRecord], fmt: str) -> EncodedBatch:
    """Run `nlp` over `records` and encode the results in format `fmt`."""
    warm_up(nlp, records)
    with nlp.memory_zone():
        pairs = list(annotate_docs(nlp, records, batch_size=max(1, len(records))))
        docs = [doc for doc, _ in pairs]
        predicted = [doc_to_record(doc, record) for doc, record in pairs]
        batch = encode_batch(fmt, docs, predicted)
    batch.words = sum(len(record.text.split()) for record in records)
    return batch
