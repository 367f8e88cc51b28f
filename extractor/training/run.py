"""One entry point for every recipe: train, evaluate on dev, save with provenance.

Each trained pipeline directory is a spaCy pipeline (`spacy.load` works) whose
meta.json carries, under "extractor", what is needed to trust and reproduce
it: the recipe, the seed, a hash of the training and dev files, the library
versions, the device used, and the strict scores on the dev file computed by
the project's own harness.
"""

from __future__ import annotations

import hashlib
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractor.annotate import annotate_records
from extractor.evaluation.harness import evaluate
from extractor.records import DocRecord, read_jsonl
from extractor.training.spacy_recipe import RECIPE_OUTPUT_KEYS, add_rules, train_spacy

RECIPES = ("spancat", "ner", "hybrid", "claim-filter", "transformer", "transformer-hybrid")
_LIBRARIES = ("extractor", "spacy", "thinc", "numpy", "torch", "transformers", "scikit-learn")


def file_hash(*paths: str | Path) -> str:
    """SHA-256 over the files' bytes, in order: the training data's fingerprint."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def spacy_device() -> tuple[int, str]:
    """GPU 0 when spaCy can use one (CuPy and CUDA present), else the CPU."""
    import spacy

    if spacy.prefer_gpu():
        return 0, "gpu:0"
    return -1, "cpu"


def dev_scores(nlp: Language, dev: list[DocRecord]) -> dict[str, Any]:
    """Strict P/R/F1 per label and micro on the dev records, from the harness."""
    unlabelled = [DocRecord(id=d.id, text=d.text, meta=dict(d.meta)) for d in dev]
    predicted = list(annotate_records(nlp, unlabelled))
    result = evaluate(dev, {"model": predicted}, n_bootstrap=0).to_dict()
    strict = result["systems"]["model"]["scores"]["strict"]
    return {"strict": {"micro": strict["micro"], "per_label": strict["per_label"]}}


def _train_claim_filter(records: list[DocRecord], seed: int) -> Language:
    """The rule pipeline with a claim filter trained on `records` (scikit-learn, saved as JSON)."""
    from extractor.components.claim_filter import add_claim_filter
    from extractor.pipeline import load
    from extractor.training.claim_filter import train_claim_filter

    model = train_claim_filter(records, seed=seed)
    nlp = load("default")
    add_claim_filter(nlp, model)
    return nlp


def _train_transformer(
    train: list[DocRecord],
    dev: list[DocRecord],
    seed: int,
    config: str | Path | None,
    overrides: dict[str, Any] | None,
) -> tuple[Language, dict[str, Any]]:
    """Fine-tune the packaged MiniLM encoder; return its pipeline and the training metrics."""
    import tempfile

    from extractor.training.transformer import (
        DEFAULT_CONFIG,
        build_transformer_pipeline,
        load_config,
        train_transformer,
    )

    settings = load_config(config or DEFAULT_CONFIG, overrides)
    with tempfile.TemporaryDirectory(prefix="extractor-transformer-") as work:
        metrics = train_transformer(train, dev, work, settings, seed)
        nlp = build_transformer_pipeline(Path(work) / "model")
        # The component holds its model in memory; saving the pipeline writes it out again.
        return nlp, metrics


def train(
    recipe: str,
    train_path: str | Path,
    dev_path: str | Path,
    out_dir: str | Path,
    seed: int = 0,
    config: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
    trained_first: bool = False,
) -> dict[str, Any]:
    """Train `recipe` on the gold files, save the pipeline to `out_dir`, return its meta."""
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)}")
    train_records, dev_records = read_jsonl(train_path), read_jsonl(dev_path)
    use_gpu, device = spacy_device()
    started = time.perf_counter()
    log: list[dict] = []
    if recipe == "claim-filter":
        nlp = _train_claim_filter(train_records, seed)
        device = "cpu"
    elif recipe.startswith("transformer"):
        nlp, metrics = _train_transformer(train_records, dev_records, seed, config, overrides)
        device = str(metrics.get("device", "cpu"))
        log = list(metrics.get("history", []))
        if recipe == "transformer-hybrid":
            from extractor.components.transformer_tagger import TRANSFORMER_KEY

            add_rules(nlp, TRANSFORMER_KEY, trained_first=trained_first)
    else:
        base = "spancat" if recipe == "hybrid" else recipe
        nlp, log = train_spacy(
            base, train_records, dev_records, seed=seed, config=config, use_gpu=use_gpu, overrides=overrides
        )
        if recipe == "hybrid":
            add_rules(nlp, RECIPE_OUTPUT_KEYS[base], trained_first=trained_first)
    info = {
        "recipe": recipe,
        "seed": seed,
        "train_file": str(train_path),
        "dev_file": str(dev_path),
        "data_sha256": file_hash(train_path, dev_path),
        "n_train_docs": len(train_records),
        "n_dev_docs": len(dev_records),
        "device": device,
        "training_seconds": round(time.perf_counter() - started, 1),
        "versions": library_versions(),
        "dev_scores": dev_scores(nlp, dev_records),
        "training_log": log,
    }
    if recipe == "hybrid":
        info["merge"] = "trained component wins conflicts" if trained_first else "rules win conflicts"
    nlp.meta["name"] = f"extractor_{recipe}"
    nlp.meta["extractor"] = info
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return info
