"""The `extractor` command line: thin wrappers over library functions.

Each command parses options and calls functions usable from Python; the
harness's commands live in `extractor.evaluation.cli` and are registered here.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from extractor import __version__
from extractor.annotate_cli import annotate_command
from extractor.convert.cli import convert_command
from extractor.evaluation.cli import agreement_command, evaluate_command, validate_command
from extractor.train_cli import train_command

app = typer.Typer(
    name="extractor",
    help="Tag agencies, operations, legislation, legal definitions and numeric claims in UK "
    "parliamentary and government text, and score the results against gold annotations.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"extractor {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Entities and claims from UK parliamentary and government text."""


app.command("annotate")(annotate_command)
app.command("evaluate")(evaluate_command)
app.command("validate")(validate_command)
app.command("agreement")(agreement_command)
app.command("train")(train_command)
app.command("convert")(convert_command)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="extractor")


if __name__ == "__main__":
    sys.exit(main())
