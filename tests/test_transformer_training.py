"""The transformer recipe end to end on a handful of short documents written for these tests.

One small model is trained once for the module (a few seconds on two CPU
cores) and reused: the loss falls, seen documents come back with exact
offsets (a definition around the agency inside it included), a long document
is read in windows with nothing cut, and a saved pipeline loads back with
`spacy.load` and predicts the same. Determinism is checked on a few steps.
"""

from __future__ import annotations

import os
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="extractor-hf-"))

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import spacy  # noqa: E402

# Importing the module registers the factory (until the entry point exists).
from extractor.components.transformer_tagger import encode_windows  # noqa: E402
from extractor.records import DocRecord, SpanRecord  # noqa: E402
from extractor.training.transformer import (  # noqa: E402
    build_transformer_pipeline,
    load_config,
    train_transformer,
)

TEXTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("The Border Force made 120 seizures last year.",
     [("Border Force", "AGENCY"), ("120 seizures", "NUMERIC_CLAIM")]),
    ("Kent Police recorded 45 offences under the Fraud Act 2006.",
     [("Kent Police", "AGENCY"), ("45 offences", "NUMERIC_CLAIM"), ("Fraud Act 2006", "LEGISLATION")]),
    ("Operation Lantern led to 30 arrests by the National Crime Agency.",
     [("Operation Lantern", "OPERATION"), ("30 arrests", "NUMERIC_CLAIM"), ("National Crime Agency", "AGENCY")]),
    ("In this Part “vessel” means any ship or boat used by the Border Force.",
     [("“vessel” means any ship or boat used by the Border Force", "LEGAL_DEFINITION"), ("Border Force", "AGENCY")]),
    ("The Home Office spent £4 million on the scheme.",
     [("Home Office", "AGENCY"), ("£4 million", "NUMERIC_CLAIM")]),
    ("The National Crime Agency seized 12 vehicles.",
     [("National Crime Agency", "AGENCY"), ("12 vehicles", "NUMERIC_CLAIM")]),
]


def _record(index: int, text: str, marks: list[tuple[str, str]]) -> DocRecord:
    spans = []
    for surface, label in marks:
        start = text.index(surface)
        spans.append(SpanRecord(start, start + len(surface), label, surface))
    return DocRecord(f"doc-{index}", text, spans)


RECORDS = [_record(i, text, marks) for i, (text, marks) in enumerate(TEXTS)]

#: Small windows so the long-document test needs many of them; a high learning rate for a quick fit.
SETTINGS = {
    "model.max_length": 48,
    "model.stride": 12,
    "training.epochs": 30,
    "training.patience": 4,
    "training.batch_size": 4,
    "training.learning_rate": 3e-4,
    "training.warmup_ratio": 0.0,
    "training.device": "cpu",
}


def _spans(doc, key: str = "transformer") -> set[tuple[int, int, str]]:
    return {(span.start_char, span.end_char, span.label_) for span in doc.spans[key]}


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("transformer")
    metrics = train_transformer(RECORDS, RECORDS, out, load_config(overrides=SETTINGS), seed=0)
    return metrics, out


@pytest.fixture(scope="module")
def nlp(trained):
    return build_transformer_pipeline(trained[1] / "model", device="cpu")


def test_the_loss_falls_and_the_run_reports_its_device(trained):
    metrics, out = trained
    history = metrics["history"]
    assert history[-1]["mean_loss"] < history[0]["mean_loss"] / 3
    assert metrics["device"] == "cpu"
    assert metrics["steps"] == len(metrics["losses"]) == sum(h["steps"] for h in history)
    assert metrics["train_seconds_per_epoch_per_1000_tokens"] > 0
    assert json.loads((out / "metrics.json").read_text())["best_epoch"] == metrics["best_epoch"]


def test_the_best_epoch_is_kept_and_saved_in_safe_formats_only(trained):
    metrics, out = trained
    best = max(h["dev_strict_f1"] for h in metrics["history"])
    assert metrics["dev_strict"]["micro"]["f1"] == best == 1.0
    names = sorted(p.name for p in (out / "model").iterdir())
    assert "model.safetensors" in names and "tagger.json" in names and "tokenizer.json" in names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth", ".pkl"))]


def test_seen_documents_are_tagged_with_exact_offsets(nlp):
    for record in RECORDS:
        doc = nlp(record.text)
        assert _spans(doc) == {span.key for span in record.spans}, record.text
    definition = nlp(RECORDS[3].text)
    outer = next(s for s in definition.spans["extractions"] if s.label_ == "LEGAL_DEFINITION")
    inner = next(s for s in definition.spans["extractions"] if s.label_ == "AGENCY")
    assert outer.text == "“vessel” means any ship or boat used by the Border Force"
    assert outer.start_char < inner.start_char < inner.end_char == outer.end_char


def test_a_long_document_is_read_in_windows_and_nothing_is_cut(nlp):
    sentence = RECORDS[1].text
    text = "\n".join([sentence] * 30)
    tagger = nlp.get_pipe("transformer_tagger")
    assert len(encode_windows(tagger.tokenizer, text, tagger.settings.max_length, tagger.settings.stride)) > 6
    doc = nlp(text)
    expected = {
        (offset + span.start, offset + span.end, span.label)
        for offset in range(0, len(text), len(sentence) + 1)
        for span in RECORDS[1].spans
    }
    assert _spans(doc) == expected


def test_a_saved_pipeline_loads_back_and_predicts_the_same(nlp, tmp_path: Path):
    texts = [record.text for record in RECORDS] + [
        "Operation Lantern and the Border Force made 7 arrests under the Fraud Act 2006.",
        "\n\n".join(record.text for record in RECORDS),
        "",
        "  \n ",
    ]
    nlp.to_disk(tmp_path / "pipeline")
    assert not list((tmp_path / "pipeline" / "transformer_tagger").glob("*.bin"))
    reloaded = spacy.load(tmp_path / "pipeline")
    assert reloaded.pipe_names == nlp.pipe_names
    for before, after in zip(nlp.pipe(texts), reloaded.pipe(texts), strict=True):
        assert _spans(after) == _spans(before)
        assert _spans(after, "extractions") == _spans(before, "extractions")


def test_a_saved_pipeline_with_a_planted_pickle_is_refused(nlp, tmp_path: Path):
    nlp.to_disk(tmp_path / "pipeline")
    (tmp_path / "pipeline" / "transformer_tagger" / "training_args.bin").write_bytes(b"\x80\x04N.")
    with pytest.raises(ValueError, match="training_args.bin: refusing to load"):
        spacy.load(tmp_path / "pipeline")


def test_the_same_seed_gives_the_same_losses(tmp_path: Path):
    config = load_config(overrides={**SETTINGS, "training.max_steps": 3})
    first = train_transformer(RECORDS, RECORDS[:1], tmp_path / "a", config, seed=7)
    second = train_transformer(RECORDS, RECORDS[:1], tmp_path / "b", config, seed=7)
    assert len(first["losses"]) == 3
    assert first["losses"] == second["losses"]


def test_an_existing_model_directory_is_not_overwritten(trained):
    with pytest.raises(FileExistsError, match="already exists"):
        train_transformer(RECORDS, RECORDS, trained[1], load_config(overrides=SETTINGS), seed=0)
