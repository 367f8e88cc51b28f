"""The `train` command: options in, `extractor.training.run.train` does the work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from extractor.training.run import RECIPES


def _parse_settings(settings: list[str]) -> dict[str, object]:
    """`KEY=VALUE` pairs as config overrides; values are JSON (numbers, strings in quotes, null)."""
    overrides: dict[str, object] = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--set expects KEY=VALUE, got {item!r}")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    return overrides


def train_command(
    train: Annotated[Path, typer.Option("--train", help="Gold JSON Lines file to train on.", exists=True)],
    dev: Annotated[Path, typer.Option("--dev", help="Gold JSON Lines file to pick the best model on.", exists=True)],
    recipe: Annotated[str, typer.Option("--recipe", help=f"One of: {', '.join(RECIPES)}.")],
    out: Annotated[Path, typer.Option("--out", help="Directory for the trained pipeline (e.g. models/NAME).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same model.")] = 0,
    config: Annotated[
        Path | None, typer.Option("--config", help="Training config (default: models/configs/RECIPE.cfg).")
    ] = None,
    trained_first: Annotated[
        bool,
        typer.Option("--trained-first/--rules-first", help="Hybrid only: which side wins a conflict."),
    ] = False,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a config value, KEY=VALUE with a JSON value (e.g. --set training.max_steps=500). "
            "Repeatable.",
        ),
    ] = None,
) -> None:
    """Train a pipeline from gold annotations and save it with its provenance and dev scores.

    The saved directory loads with `spacy.load` and with `extractor annotate --pipeline DIR`;
    its meta.json records the recipe, seed, data hash, library versions, device and
    the strict scores on --dev.
    """
    from extractor.training.run import train as run_training

    if recipe not in RECIPES:
        typer.echo(f"error: unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)}", err=True)
        raise typer.Exit(2)
    try:
        overrides = _parse_settings(settings or [])
        info = run_training(
            recipe, train, dev, out, seed=seed, config=config, overrides=overrides, trained_first=trained_first
        )
    except (FileNotFoundError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    micro = info["dev_scores"]["strict"]["micro"]
    typer.echo(f"trained {recipe} on {info['device']} in {info['training_seconds']}s -> {out}")
    typer.echo(f"dev strict micro P {micro['precision']:.3f} R {micro['recall']:.3f} F1 {micro['f1']:.3f}")
    typer.echo(json.dumps(info["dev_scores"]["strict"]["per_label"], indent=1))
