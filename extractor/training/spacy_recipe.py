"""The `spancat` and `ner` recipes: spaCy's own training loop on the project's configs.

Gold records become DocBin files, `spacy.cli.train.train` trains from a config
in `models/configs/`, and the best model gets the project's resolver so its
output lands in `doc.spans["extractions"]` with attributes, like every other
pipeline's. `add_rules` makes the hybrid: the rule taggers beside the trained
component, merged by the resolver with a stated precedence.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from extractor import tokenizer as _tokenizer  # noqa: F401  (registers extractor.Tokenizer.v1)
from extractor.labels import CONTAINER_LABELS
from extractor.pipeline import DEFAULT_COMPONENTS
from extractor.records import DocRecord
from extractor.spans import register_extensions
from extractor.training import logger as _logger  # noqa: F401  (registers extractor.TrainingLog.v1)
from extractor.training.logger import read_log

#: Where each spaCy recipe puts its predictions, for the resolver to read.
RECIPE_OUTPUT_KEYS = {"spancat": "sc", "ner": "ents"}
RULE_SOURCE_KEYS = ["legislation", "operation", "agency", "definition", "claim"]
CONFIG_DIR = Path(__file__).resolve().parents[2] / "models" / "configs"


def config_path(recipe: str, config: str | Path | None = None) -> Path:
    """The recipe's config: the one given, else `models/configs/<recipe>.cfg` of this checkout."""
    path = Path(config) if config else CONFIG_DIR / f"{recipe}.cfg"
    if not path.exists():
        raise FileNotFoundError(f"no config for recipe {recipe!r} at {path}; pass --config PATH")
    return path


def records_to_docbin(nlp: Language, records: Iterable[DocRecord], recipe: str) -> DocBin:
    """Gold records as training Docs: span group "sc" for spancat, entities for ner.

    LEGAL_DEFINITION spans are left out: they contain other spans and run far
    beyond what these models can propose; the rule tagger keeps them.
    """
    docbin = DocBin(store_user_data=False)
    for record in records:
        doc: Doc = nlp.make_doc(record.text)
        spans = []
        for span in record.spans:
            if span.label in CONTAINER_LABELS:
                continue
            made = doc.char_span(span.start, span.end, label=span.label)
            if made is not None:
                spans.append(made)
        if recipe == "ner":
            doc.ents = filter_spans(spans)
        else:
            doc.spans["sc"] = spans
        docbin.add(doc)
    return docbin


def add_resolver(nlp: Language, source_keys: list[str], prefer_earlier_sources: bool = False) -> None:
    """Append (or replace) the resolver so the pipeline writes `doc.spans["extractions"]`."""
    if "extraction_resolver" in nlp.pipe_names:
        nlp.remove_pipe("extraction_resolver")
    nlp.add_pipe(
        "extraction_resolver",
        config={"source_keys": source_keys, "prefer_earlier_sources": prefer_earlier_sources},
    )


def add_rules(nlp: Language, trained_key: str, trained_first: bool) -> Language:
    """Make a hybrid: the rule taggers beside the trained component, merged by the resolver.

    With `trained_first` the trained component wins a conflict; otherwise the
    rules win and the trained component only adds what the rules missed.
    """
    for component in DEFAULT_COMPONENTS:
        if component != "extraction_resolver" and component not in nlp.pipe_names:
            nlp.add_pipe(component)
    sources = [trained_key, *RULE_SOURCE_KEYS] if trained_first else [*RULE_SOURCE_KEYS, trained_key]
    add_resolver(nlp, sources, prefer_earlier_sources=True)
    return nlp


def train_spacy(
    recipe: str,
    train: list[DocRecord],
    dev: list[DocRecord],
    seed: int = 0,
    config: str | Path | None = None,
    use_gpu: int = -1,
    overrides: dict | None = None,
) -> tuple[Language, list[dict]]:
    """Train `recipe` ("spancat" or "ner"); return the best pipeline (resolver added) and its log."""
    from spacy.cli.train import train as spacy_train

    register_extensions()
    if recipe not in RECIPE_OUTPUT_KEYS:
        raise ValueError(f"unknown spaCy recipe {recipe!r}; choose one of {sorted(RECIPE_OUTPUT_KEYS)}")
    cfg = config_path(recipe, config)
    blank = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})
    with tempfile.TemporaryDirectory(prefix="extractor-train-") as work:
        work_dir = Path(work)
        records_to_docbin(blank, train, recipe).to_disk(work_dir / "train.spacy")
        records_to_docbin(blank, dev, recipe).to_disk(work_dir / "dev.spacy")
        settings = {
            "paths.train": str(work_dir / "train.spacy"),
            "paths.dev": str(work_dir / "dev.spacy"),
            "paths.log": str(work_dir / "log.jsonl"),
            "system.seed": seed,
            **(overrides or {}),
        }
        spacy_train(cfg, output_path=work_dir / "output", overrides=settings, use_gpu=use_gpu)
        nlp = spacy.load(work_dir / "output" / "model-best")
        log = read_log(work_dir / "log.jsonl")
    add_resolver(nlp, [RECIPE_OUTPUT_KEYS[recipe]])
    return nlp, log
