"""Batch annotation of files: read inputs, run any pipeline, write gold-format JSON Lines.

It knows nothing about labels: it takes any `Language`, and documents that
cannot be read are collected as errors (file, line, reason) while the rest of
the batch goes on. Output is written through a temporary file and renamed
into place, so an interrupted run never leaves a half-written output file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from extractor.annotate import annotate_records
from extractor.inputs import iter_inputs
from extractor.records import DocRecord, RecordError


@dataclass
class BatchSummary:
    written: int = 0
    spans: int = 0
    errors: list[RecordError] = field(default_factory=list)


def _readable(items: Iterable[DocRecord | RecordError], summary: BatchSummary) -> Iterator[DocRecord]:
    for item in items:
        if isinstance(item, RecordError):
            summary.errors.append(item)
        else:
            yield item


def annotate_files(
    inputs: Iterable[str | Path],
    output: str | Path,
    pipeline: str | Language = "default",
    errors_path: str | Path | None = None,
    batch_size: int = 64,
) -> BatchSummary:
    """Annotate every readable document in `inputs` and write them to `output`."""
    from extractor.pipeline import load

    nlp = load(pipeline) if isinstance(pipeline, str) else pipeline
    summary = BatchSummary()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=output.parent, prefix=f".{output.name}.", delete=False
    )
    try:
        with handle:
            records = _readable(iter_inputs(inputs), summary)
            for record in annotate_records(nlp, records, batch_size=batch_size):
                handle.write(record.to_json() + "\n")
                summary.written += 1
                summary.spans += len(record.spans)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, output)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    if errors_path is not None:
        with Path(errors_path).open("w", encoding="utf-8") as errors_file:
            for error in summary.errors:
                errors_file.write(
                    json.dumps({"file": error.path, "line": error.line, "reason": error.reason}) + "\n"
                )
    return summary
