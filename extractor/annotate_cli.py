"""The `annotate` command: options in, `extractor.batch` does the work."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from extractor.limits import DEFAULT_MAX_CHARS
from extractor.records import RecordError


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"
    docbin = "docbin"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def _report(problem: RecordError) -> None:
    typer.echo(f"error: {problem}", err=True)


def annotate_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Input .txt files and folders of them, JSON Lines, CSV or Parquet files, "
            "or folders written by datasets' save_to_disk."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Output: a JSON Lines file, or a folder of parts (Parquet, DocBin, or any format with --engine dask).",
        ),
    ],
    pipeline: Annotated[
        str, typer.Option("--pipeline", "-p", help="'default' (the rule pipeline) or a saved pipeline directory.")
    ] = "default",
    fmt: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            help="Output format; by default the one OUTPUT's suffix names (.jsonl, .parquet, .spacy), else jsonl.",
            show_default=False,
        ),
    ] = None,
    text_field: Annotated[
        str, typer.Option("--text-field", help="Field or column holding the text (JSON Lines, CSV, Parquet, datasets).")
    ] = "text",
    id_field: Annotated[str, typer.Option("--id-field", help="Field or column holding the document id.")] = "id",
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Write the documents that failed here (JSON Lines: id, file, line, reason)."),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per batch (nlp.pipe).")] = 64,
    n_process: Annotated[
        int,
        typer.Option(
            "--n-process", min=1, help="Processes annotating at once (with --engine dask: local cluster workers)."
        ),
    ] = 1,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted run: skip documents already in OUTPUT."),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option("--engine", help="'local' (this machine) or 'dask' (a Dask cluster; needs the 'dask' extra)."),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address to join (tcp://HOST:8786); else a local cluster."),
    ] = None,
    part_size: Annotated[
        int, typer.Option("--part-size", min=1, help="Documents per part file when OUTPUT is a folder of parts.")
    ] = 1000,
    max_chars: Annotated[
        int,
        typer.Option("--max-chars", min=1, help="Longest document annotated, in characters; longer ones fail."),
    ] = DEFAULT_MAX_CHARS,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors; no progress bar.")] = False,
) -> None:
    """Annotate documents and write one gold-format record per document to OUTPUT.

    Inputs are streamed and output is written in whole batches, so memory stays
    flat and an interrupted run can be finished with --resume. A document that
    cannot be read (no text, not UTF-8, malformed JSON, no text field) or whose
    id repeats an earlier one is reported with its file and line on standard
    error, and the rest are still annotated; the exit status is 1 when any
    document failed.
    """
    from extractor.batch import annotate_files
    from extractor.engines import EngineError
    from extractor.inputs import Fields
    from extractor.outputs import OutputError
    from extractor.safety import UnsafePipelineError

    try:
        summary = annotate_files(
            inputs,
            output,
            pipeline=pipeline,
            errors_path=errors,
            batch_size=batch_size,
            n_process=n_process,
            fmt=fmt.value if fmt is not None else None,
            resume=resume,
            fields=Fields(text=text_field, id=id_field),
            engine=engine.value,
            scheduler=scheduler,
            part_size=part_size,
            progress=None if quiet else sys.stderr,
            on_error=_report,
            max_chars=max_chars,
        )
    except (FileNotFoundError, OutputError, EngineError, UnsafePipelineError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    if not quiet:
        skipped = f"{summary.skipped} already written, " if resume else ""
        typer.echo(
            f"annotated {summary.written} document(s) with {summary.spans} span(s) -> {output}; "
            f"{skipped}{summary.failed} failed; {summary.words:,} words in {summary.seconds:.1f} s "
            f"({summary.words_per_second:,.0f} words/s)",
            err=True,
        )
    if summary.failed:
        raise typer.Exit(1)
