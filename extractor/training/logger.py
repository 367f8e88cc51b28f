"""A spaCy training logger that also keeps the loss curve, for meta.json and tests.

It wraps spaCy's console logger (so training prints as usual) and appends each
step's losses and score to a JSON Lines file, which `extractor train` reads
back to record how training went.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import spacy
from spacy.language import Language


@spacy.registry.loggers("extractor.TrainingLog.v1")
def training_log(path: str | None = None, progress_bar: bool = False):
    console = spacy.registry.loggers.get("spacy.ConsoleLogger.v2")(progress_bar=progress_bar)

    def setup(nlp: Language, stdout: IO = sys.stdout, stderr: IO = sys.stderr):
        log_console, finalize_console = console(nlp, stdout, stderr)
        handle = Path(path).open("a", encoding="utf-8") if path else None

        def log_step(info: dict[str, Any] | None) -> None:
            log_console(info)
            if info is not None and handle is not None:
                record = {
                    "step": info["step"],
                    "epoch": info["epoch"],
                    "losses": {name: float(value) for name, value in info["losses"].items()},
                    "score": float(info["score"]),
                }
                handle.write(json.dumps(record) + "\n")
                handle.flush()

        def finalize() -> None:
            finalize_console()
            if handle is not None:
                handle.close()

        return log_step, finalize

    return setup


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """The logged evaluation steps, in order."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
