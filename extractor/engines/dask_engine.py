"""Annotating on a Dask cluster (the `dask` extra): one part file per partition of the input.

The client streams the screened input, cuts it into partitions of `part_size`
documents and submits each to the cluster, with at most two partitions per
worker thread in flight, so the client's memory stays flat. A worker loads the
pipeline once per process (`engines.loader`), annotates its partition batch by
batch and writes it as one whole part (`OUT/part-00042.jsonl`, temporary file
then rename), so on a real cluster OUT must be a folder every worker and the
client can see (a shared filesystem). Parts come back in the order they finish;
their numbers keep the input order.

Without a scheduler address, a `LocalCluster` of `n_workers` single-threaded
worker processes is started on 127.0.0.1 with its dashboard off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from extractor.engines import EngineError
from extractor.engines.loader import load_pipeline
from extractor.engines.work import annotate_batch
from extractor.outputs import PartWriter, part_path
from extractor.records import DocRecord

IN_FLIGHT_PER_THREAD = 2


@dataclass(frozen=True)
class PartResult:
    """What a worker wrote: part number, documents, spans and words."""

    number: int
    docs: int
    spans: int
    words: int


def annotate_partition(
    records: Sequence[DocRecord], folder: str, number: int, fmt: str, pipeline: str, batch_size: int
) -> PartResult:
    """Runs on a worker: annotate one partition and write it as one whole part file."""
    nlp = load_pipeline(pipeline)
    part = PartWriter(part_path(Path(folder), number, fmt), fmt)
    words = 0
    for start in range(0, len(records), batch_size):
        batch = annotate_batch(nlp, records[start : start + batch_size], fmt)
        words += batch.words
        part.add(batch)
    part.commit()
    return PartResult(number, part.docs, part.spans, words)


def run_on_dask(
    pipeline: str,
    partitions: Iterable[tuple[int, Sequence[DocRecord]]],
    folder: Path,
    fmt: str,
    batch_size: int,
    scheduler: str | None = None,
    n_workers: int = 1,
) -> Iterator[PartResult]:
    """Annotate numbered partitions on a cluster; yield each part's result as it is written.

    `pipeline` is a name or saved directory that every worker can load.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise EngineError("--engine dask needs Dask: pip install 'extractor[dask]'") from err
    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(Client(cluster, set_as_default=False))
        else:
            client = stack.enter_context(Client(scheduler, set_as_default=False))
        window = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
        running = as_completed(loop=client.loop)
        for number, records in partitions:
            running.add(
                client.submit(
                    annotate_partition, list(records), str(folder), number, fmt, pipeline, batch_size, pure=False
                )
            )
            while running.count() >= window:
                yield next(running).result()
        for future in running:
            yield future.result()
