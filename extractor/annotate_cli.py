"""The `annotate` command: options in, `extractor.batch` does the work."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def annotate_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Input .txt files, folders of them, or JSON Lines files with 'text' (and 'id')."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSON Lines file (gold format).")],
    pipeline: Annotated[
        str, typer.Option("--pipeline", "-p", help="'default' (the rule pipeline) or a saved pipeline directory.")
    ] = "default",
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Write the documents that could not be read here (JSON Lines)."),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Documents per batch.")] = 64,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Annotate documents and write one gold-format line per document to OUTPUT.

    Offsets are character offsets into the original text. A document that cannot
    be read (no text, not UTF-8, malformed JSON) is reported with its file and
    line on standard error, and the rest are still annotated; the exit status is
    1 when any document failed.
    """
    from extractor.batch import annotate_files

    try:
        summary = annotate_files(inputs, output, pipeline=pipeline, errors_path=errors, batch_size=batch_size)
    except FileNotFoundError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    for problem in summary.errors:
        typer.echo(f"error: {problem}", err=True)
    if not quiet:
        typer.echo(
            f"annotated {summary.written} document(s) with {summary.spans} span(s) -> {output}; "
            f"{len(summary.errors)} failed",
            err=True,
        )
    if summary.errors:
        raise typer.Exit(1)
