"""The `convert` command: options in, `extractor.convert.convert` does the work."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from extractor.convert import FORMATS, convert
from extractor.convert.common import ConvertOptions, Notice
from extractor.records import RecordError

DEFAULTS = ConvertOptions()
#: The formats as a choice for typer (it lists them in --help and rejects others).
Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


class LabelStudioMode(StrEnum):
    predictions = "predictions"
    annotations = "annotations"


def convert_command(
    input: Annotated[
        Path, typer.Argument(help="Input file; a folder for brat and hf, or of gold split files for --to hf.")
    ],
    output: Annotated[Path, typer.Argument(help="Output file (a new folder for brat and hf).")],
    from_format: Annotated[
        Format, typer.Option("--from", help="Format of INPUT; jsonl is the gold format.")
    ] = Format.jsonl,
    to_format: Annotated[Format, typer.Option("--to", help="Format of OUTPUT.")] = Format.jsonl,
    labelstudio_as: Annotated[
        LabelStudioMode,
        typer.Option(help="Label Studio export: pre-annotations to correct, or finished annotations."),
    ] = LabelStudioMode.predictions,
    model_version: Annotated[
        str, typer.Option(help="Label Studio export: the predictions' model_version.")
    ] = DEFAULTS.model_version,
    use_predictions: Annotated[
        bool, typer.Option(help="Label Studio import: read a task's latest prediction when it has no annotation.")
    ] = False,
    spans_key: Annotated[str, typer.Option(help="DocBin: the span group holding the spans.")] = DEFAULTS.spans_key,
    split: Annotated[str | None, typer.Option(help="Hugging Face import: the split of a saved DatasetDict.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Convert annotations between the gold JSON Lines format and other tools' formats.

    Formats: jsonl (gold), prodigy, doccano, labelstudio, brat, docbin (spaCy),
    conll (IOB tags for token classification) and hf (a Hugging Face dataset
    folder). One side is normally jsonl. A document that cannot be read or
    written is reported with its file and line on standard error, the rest are
    still converted, and the exit status is 1.
    """
    options = ConvertOptions(
        spans_key=spans_key,
        labelstudio_as=labelstudio_as.value,
        model_version=model_version,
        use_predictions=use_predictions,
        split=split,
    )

    def report(problem: RecordError | Notice) -> None:
        if isinstance(problem, RecordError):
            typer.echo(f"error: {problem}", err=True)
        elif not quiet:
            typer.echo(f"note: {problem}", err=True)

    try:
        summary = convert(input, output, from_format.value, to_format.value, options, report)
    except (FileNotFoundError, FileExistsError, NotADirectoryError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    if not quiet:
        typer.echo(
            f"converted {summary.written} document(s) from {from_format.value} to {to_format.value} -> {output}; "
            f"{len(summary.errors)} failed, {len(summary.notices)} note(s)",
            err=True,
        )
    if summary.errors:
        raise typer.Exit(1)
