"""Batch annotation of a corpus: stream the inputs, run any pipeline, write resumable outputs.

It takes any spaCy `Language` (or a pipeline's name or saved directory) and
knows nothing about labels. The corpus is never held: documents are read,
screened, annotated and written a batch at a time, so memory stays flat
whatever the corpus size (what grows is the set of document ids, to keep them
unique).

Screening comes first, in this process, whatever the engine: a document that
cannot be read, or whose id was already seen in this run, is an error naming
its file, line and reason (streamed to the errors file), and the rest go on;
with `resume`, a document whose id is already in the output is skipped.
Output goes out in whole batches or whole parts (see `extractor.outputs`),
so an interrupted run is finished by running it again with `resume`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from spacy.language import Language
from spacy.util import minibatch
from tqdm import tqdm

from extractor.engines import EngineError
from extractor.inputs import DEFAULT_FIELDS, Fields, InputError, Located, count_documents, iter_inputs
from extractor.limits import DEFAULT_MAX_CHARS
from extractor.outputs import (
    JsonlFileSink,
    PartsSink,
    format_for,
    prepare_jsonl_file,
    prepare_parts,
)
from extractor.records import DocRecord, RecordError

ENGINES = ("local", "dask")


@dataclass
class BatchSummary:
    """What a run did: documents written, spans, skipped (already written), failed, words, seconds."""

    written: int = 0
    spans: int = 0
    skipped: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


class _ErrorLog:
    """Streams errors to the errors file (id, file, line, reason) and to a callback, and counts them."""

    def __init__(self, path: str | Path | None, on_error: Callable[[RecordError], None] | None) -> None:
        self._handle = Path(path).open("w", encoding="utf-8") if path is not None else None
        self._on_error = on_error
        self.count = 0

    def add(self, error: RecordError) -> None:
        self.count += 1
        if self._handle is not None:
            doc_id = error.doc_id if isinstance(error, InputError) else None
            entry = {"id": doc_id, "file": error.path, "line": error.line, "reason": error.reason}
            self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._handle.flush()
        if self._on_error is not None:
            self._on_error(error)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


class _Progress:
    """A tqdm bar of documents with words per second, shown only on a terminal."""

    def __init__(self, stream: TextIO | None, inputs: Sequence[str | Path], skip: Sequence[Path]) -> None:
        shown = stream is not None and stream.isatty()
        total = count_documents(inputs, skip) if shown else None
        self._bar = tqdm(total=total, unit="doc", file=stream, disable=not shown, dynamic_ncols=True, smoothing=0.05)
        self._start = time.perf_counter()
        self._words = 0

    def advance(self, docs: int, words: int = 0) -> None:
        self._words += words
        if words:
            rate = self._words / max(time.perf_counter() - self._start, 1e-9)
            self._bar.set_postfix_str(f"{rate:,.0f} words/s", refresh=False)
        self._bar.update(docs)

    def close(self) -> None:
        self._bar.close()


def _screen(
    located: Iterable[Located],
    done: set[str],
    log: _ErrorLog,
    summary: BatchSummary,
    progress: _Progress,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[DocRecord]:
    """The documents to annotate: readable, at most `max_chars` long, with an id new to this run and not written."""
    seen: set[str] = set()
    for item, path, line in located:
        if isinstance(item, RecordError):
            log.add(item)
            progress.advance(1)
        elif len(item.text) > max_chars:
            reason = f"document {item.id!r} has {len(item.text):,} characters, over the limit of {max_chars:,}"
            reason += " (--max-chars)"
            log.add(InputError(path, line, reason, item.id))
            progress.advance(1)
        elif item.id in seen:
            log.add(InputError(path, line, f"duplicate id {item.id!r}: an earlier document has it", item.id))
            progress.advance(1)
        else:
            seen.add(item.id)
            if item.id in done:
                summary.skipped += 1
                progress.advance(1)
            else:
                yield item


def annotate_files(
    inputs: str | Path | Sequence[str | Path],
    output: str | Path,
    pipeline: str | Path | Language = "default",
    *,
    errors_path: str | Path | None = None,
    batch_size: int = 64,
    n_process: int = 1,
    fmt: str | None = None,
    resume: bool = False,
    fields: Fields = DEFAULT_FIELDS,
    engine: str = "local",
    scheduler: str | None = None,
    part_size: int = 1000,
    progress: TextIO | None = None,
    on_error: Callable[[RecordError], None] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> BatchSummary:
    """Annotate every readable document in `inputs` and write it to `output`.

    `output` is one JSON Lines file for the local engine's JSON Lines, and a
    folder of parts of `part_size` documents otherwise (Parquet, DocBin, or any
    format on Dask). `fmt` defaults to what the output's suffix names, else
    JSON Lines. `n_process` is the local engine's processes, or the workers of
    the Dask `LocalCluster` started when no `scheduler` address is given.
    `progress` is the stream for the progress bar, shown only if it is a terminal;
    `on_error` is called with each document that failed, as it is found.
    A document longer than `max_chars` characters is such a failure (spaCy's
    `nlp.max_length` is raised to `max_chars` for the local engine).
    """
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if batch_size < 1 or part_size < 1 or max_chars < 1:
        raise EngineError("--batch-size, --part-size and --max-chars must be at least 1")
    if engine == "dask" and max_chars > DEFAULT_MAX_CHARS:
        raise EngineError(f"Dask workers take documents of up to {DEFAULT_MAX_CHARS:,} characters: lower --max-chars")
    if engine == "dask" and isinstance(pipeline, Language):
        raise EngineError(
            "the Dask engine loads the pipeline on each worker: give its name or saved directory "
            "(nlp.to_disk), not a Language object"
        )
    output = Path(output)
    fmt = format_for(output, fmt)
    in_parts = engine == "dask" or fmt != "jsonl"
    nlp = _load_local(pipeline) if engine == "local" else None
    if nlp is not None:
        nlp.max_length = max(nlp.max_length, max_chars)
    if in_parts:
        done, first_part = prepare_parts(output, fmt, resume)
    else:
        done, first_part = prepare_jsonl_file(output, resume), 0
    own_files = [output] if errors_path is None else [output, Path(errors_path)]
    summary = BatchSummary()
    log = _ErrorLog(errors_path, on_error)
    bar = _Progress(progress, inputs, own_files)
    started = time.perf_counter()
    try:
        records = _screen(iter_inputs(inputs, fields, skip=own_files), done, log, summary, bar, max_chars)
        if engine == "dask":
            from extractor.engines.dask_engine import run_on_dask

            partitions = enumerate(minibatch(records, part_size), start=first_part)
            # Workers may run elsewhere: paths that exist here go as absolute paths.
            spec = str(Path(pipeline).resolve()) if Path(pipeline).is_dir() else str(pipeline)
            for part in run_on_dask(spec, partitions, output.resolve(), fmt, batch_size, scheduler, n_process):
                _count(summary, bar, part.docs, part.spans, part.words)
        else:
            from extractor.engines.local import annotate_batches

            assert nlp is not None
            sink = PartsSink(output, fmt, part_size, first_part) if in_parts else JsonlFileSink(output, resume)
            try:
                for batch in annotate_batches(nlp, minibatch(records, batch_size), fmt, n_process):
                    sink.write(batch)
                    _count(summary, bar, batch.docs, batch.spans, batch.words)
            finally:
                sink.close()
    finally:
        summary.failed = log.count
        summary.seconds = time.perf_counter() - started
        log.close()
        bar.close()
    return summary


def _load_local(pipeline: str | Path | Language) -> Language:
    from extractor.pipeline import load

    return pipeline if isinstance(pipeline, Language) else load(pipeline)


def _count(summary: BatchSummary, bar: _Progress, docs: int, spans: int, words: int) -> None:
    summary.written += docs
    summary.spans += spans
    summary.words += words
    bar.advance(docs, words)
