"""`extractor train` with spaCy's loop: a tiny model on a few documents learns, and saves safely."""

from __future__ import annotations

import json

import spacy
from typer.testing import CliRunner

from extractor.annotate import annotate_records
from extractor.cli import app
from extractor.records import DocRecord, SpanRecord, write_jsonl

TEMPLATES = [
    ("The Harbour Crime Agency made {n} arrests last year.", "Harbour Crime Agency", "AGENCY"),
    ("Officers of the Harbour Crime Agency seized {n} kilograms of cocaine.", "Harbour Crime Agency", "AGENCY"),
    ("Operation Bluefin led to {n} arrests in Kent.", "Operation Bluefin", "OPERATION"),
    ("Under Operation Bluefin, {n} victims were found.", "Operation Bluefin", "OPERATION"),
]


def _record(index: int) -> DocRecord:
    template, name, label = TEMPLATES[index % len(TEMPLATES)]
    number = str(10 + 7 * index)
    text = template.format(n=number)
    spans = [SpanRecord(text.index(name), text.index(name) + len(name), label, name)]
    claim_start = text.index(number)
    claim_text = text[claim_start:].split(" ")[0] + " " + text[claim_start:].split(" ")[1]
    spans.append(SpanRecord(claim_start, claim_start + len(claim_text), "NUMERIC_CLAIM", claim_text,
                            {"value": int(number)}))
    return DocRecord(id=f"d{index}", text=text, spans=spans)


def test_tiny_spancat_learns_and_saves_with_provenance(tmp_path):
    records = [_record(i) for i in range(16)]
    write_jsonl(records[:12], tmp_path / "train.jsonl")
    write_jsonl(records[12:], tmp_path / "dev.jsonl")
    from extractor.training.run import train

    info = train(
        "spancat", tmp_path / "train.jsonl", tmp_path / "dev.jsonl", tmp_path / "model", seed=1,
        overrides={"training.max_steps": 120, "training.eval_frequency": 20, "training.patience": 0},
    )
    losses = [step["losses"]["spancat"] for step in info["training_log"]]
    assert losses[-1] < losses[0]
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert meta["extractor"]["recipe"] == "spancat"
    assert meta["extractor"]["seed"] == 1
    assert len(meta["extractor"]["data_sha256"]) == 64
    assert "spacy" in meta["extractor"]["versions"]
    assert not list((tmp_path / "model").rglob("*.pkl")) and not list((tmp_path / "model").rglob("*.pickle"))

    nlp = spacy.load(tmp_path / "model")
    seen = records[0]
    predicted = next(annotate_records(nlp, [DocRecord(id=seen.id, text=seen.text)]))
    assert ("Harbour Crime Agency", "AGENCY") in {(s.text, s.label) for s in predicted.spans}


def test_unknown_recipe_is_a_clear_error(tmp_path):
    write_jsonl([_record(0)], tmp_path / "t.jsonl")
    result = CliRunner().invoke(
        app,
        ["train", "--train", str(tmp_path / "t.jsonl"), "--dev", str(tmp_path / "t.jsonl"), "--recipe", "magic",
         "--out", str(tmp_path / "m")],
    )
    assert result.exit_code == 2
    assert "unknown recipe 'magic'" in result.output


def test_tiny_ner_trains_and_logs_plain_floats(tmp_path):
    """The ner recipe's losses are numpy floats; the training log must still be JSON."""
    records = [_record(i) for i in range(8)]
    write_jsonl(records[:6], tmp_path / "train.jsonl")
    write_jsonl(records[6:], tmp_path / "dev.jsonl")
    from extractor.training.run import train

    info = train(
        "ner", tmp_path / "train.jsonl", tmp_path / "dev.jsonl", tmp_path / "model", seed=0,
        overrides={"training.max_steps": 40, "training.eval_frequency": 20, "training.patience": 0},
    )
    assert info["recipe"] == "ner"
    assert all(isinstance(step["losses"]["ner"], float) for step in info["training_log"])
    json.dumps(info)
