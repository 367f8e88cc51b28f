"""Building and loading pipelines.

`load("default")` builds the rule pipeline from the registered factories; it
needs no downloaded weights. Any other argument is a pipeline saved with
`nlp.to_disk` (a trained or hybrid model), loaded with `spacy.load`, which
finds the project's components through their entry points.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

# Importing the modules registers the factories and the tokenizer; an installed
# package also registers them through entry points, for `spacy.load` elsewhere.
from extractor import tokenizer  # noqa: F401
from extractor.components import (  # noqa: F401
    agencies,
    claim_filter,
    claims,
    definitions,
    legislation,
    operations,
    resolver,
)
from extractor.limits import DEFAULT_MAX_CHARS
from extractor.safety import check_pipeline_dir
from extractor.spans import register_extensions

DEFAULT_COMPONENTS: tuple[str, ...] = (
    "legislation_tagger",
    "operation_tagger",
    "agency_tagger",
    "definition_tagger",
    "claim_tagger",
    "extraction_resolver",
)
PIPELINE_NAMES = ("default", "rules")


def build_default() -> Language:
    """The rule pipeline: the project's tokenizer, one tagger per label, the resolver."""
    register_extensions()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})
    for component in DEFAULT_COMPONENTS:
        nlp.add_pipe(component)
    nlp.meta["name"] = "extractor_rules"
    return nlp


def load(name_or_path: str | Path = "default", max_chars: int = DEFAULT_MAX_CHARS) -> Language:
    """The named built-in pipeline, or a saved pipeline directory, taking documents of up to `max_chars`.

    A directory is checked by `extractor.safety.check_pipeline_dir` first: a
    pipeline that could unpickle or import code from its files is refused
    before spaCy reads any of it. spaCy's own limit (`nlp.max_length`,
    1,000,000 characters) is set to `max_chars`.
    """
    register_extensions()
    if str(name_or_path) in PIPELINE_NAMES:
        nlp = build_default()
        nlp.max_length = max_chars
        return nlp
    path = Path(name_or_path)
    if not path.exists():
        raise FileNotFoundError(
            f"no pipeline called {str(name_or_path)!r}: give one of {', '.join(PIPELINE_NAMES)} "
            "or the directory of a saved pipeline"
        )
    check_pipeline_dir(path)
    nlp = spacy.load(path)
    nlp.max_length = max_chars
    return nlp
