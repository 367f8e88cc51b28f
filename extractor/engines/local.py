"""Annotating on this machine: in this process, or in a pool of `n_process` processes.

spaCy's own `nlp.pipe(n_process=...)` sends every annotated `Doc` back to the
parent as bytes (token arrays: about 30 bytes per character of text) and the
parent rebuilds it; for the rule pipeline that round trip costs about as much
as the annotation itself, so two processes ran no faster than one. Here each
worker runs `nlp.pipe` over whole batches and returns them already encoded in
the output format, so the parent only reads inputs and appends outputs.

Workers are forked from this process after the pipeline is loaded, so they
share it (copy-on-write) instead of loading or unpickling it, whatever
`Language` was given. Batches come back in input order, with at most two per
worker in flight, so memory stays flat.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from spacy.language import Language

from extractor.engines import EngineError
from extractor.engines.work import annotate_batch
from extractor.outputs import EncodedBatch
from extractor.records import DocRecord

IN_FLIGHT_PER_PROCESS = 2

_worker_nlp: Language | None = None


def _set_worker_nlp(nlp: Language) -> None:
    global _worker_nlp
    _worker_nlp = nlp


def _annotate_in_worker(records: Sequence[DocRecord], fmt: str) -> EncodedBatch:
    assert _worker_nlp is not None, "the pool's initializer sets the pipeline"
    return annotate_batch(_worker_nlp, records, fmt)


def _in_pool(
    nlp: Language, batches: Iterable[Sequence[DocRecord]], fmt: str, n_process: int
) -> Iterator[EncodedBatch]:
    if "fork" not in multiprocessing.get_all_start_methods():
        raise EngineError("--n-process above 1 needs the 'fork' start method (Linux, macOS); use --engine dask")
    pool = ProcessPoolExecutor(
        n_process, mp_context=multiprocessing.get_context("fork"), initializer=_set_worker_nlp, initargs=(nlp,)
    )
    pending: deque[Future[EncodedBatch]] = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(_annotate_in_worker, batch, fmt))
            if len(pending) >= IN_FLIGHT_PER_PROCESS * n_process:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def annotate_batches(
    nlp: Language, batches: Iterable[Sequence[DocRecord]], fmt: str, n_process: int = 1
) -> Iterator[EncodedBatch]:
    """Each batch annotated and encoded in format `fmt`, in input order."""
    if n_process < 1:
        raise EngineError(f"--n-process must be at least 1, not {n_process}")
    if n_process == 1:
        for batch in batches:
            yield annotate_batch(nlp, batch, fmt)
    else:
        yield from _in_pool(nlp, batches, fmt, n_process)
