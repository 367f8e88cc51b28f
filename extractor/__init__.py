"""extractor: entities and claims from UK parliamentary and government text."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from spacy.language import Language


def load(name_or_path: str = "default") -> Language:
    """Load a pipeline: "default" (the rule pipeline) or a saved pipeline directory.

    Imported lazily so that light modules (records, numbers, the evaluation
    harness) can be used without building spaCy objects.
    """
    from extractor.pipeline import load as load_pipeline

    return load_pipeline(name_or_path)


__all__ = ["__version__", "load"]
