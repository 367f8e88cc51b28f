"""The command-line functions, registered on a throw-away typer app as the main CLI does."""

import sys
import types
from pathlib import Path

import typer
from typer.testing import CliRunner

from extractor.evaluation.cli import evaluate_command
from extractor.records import DocRecord, read_jsonl

FIXTURES = Path(__file__).resolve().parent.parent / "evaluation" / "fixtures"
GOLD = FIXTURES / "gold_small.jsonl"
PRED = FIXTURES / "pred_small.jsonl"


def make_app() -> typer.Typer:
    app = typer.Typer()
    app.command("evaluate")(evaluate_command)
    app.command("unused")(lambda: None)  # two commands, so typer keeps the subcommand name
    return app


def test_evaluate_command_writes_the_three_reports(tmp_path):
    app = make_app()
    out = tmp_path / "reports"
    args = [
        "evaluate",
        str(GOLD),
        "--pred",
        str(PRED),
        "--name",
        "sys",
        "--n-bootstrap",
        "50",
        "--report",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "micro" in result.output and "NUMERIC_CLAIM" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "report.md"]
    again = CliRunner().invoke(app, [*args[:-2], "--compare", str(out / "report.json")])
    assert again.exit_code == 0 and "(same)" in again.output
    missing = CliRunner().invoke(app, ["evaluate", str(GOLD)])
    assert missing.exit_code == 2 and "--pred" in missing.output


def test_evaluate_command_reports_alignment_errors(tmp_path):
    app = make_app()
    partial = tmp_path / "partial.jsonl"
    partial.write_text(PRED.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(GOLD), "--pred", str(partial), "--n-bootstrap", "0"])
    assert result.exit_code == 2 and "no prediction for 3 gold document(s)" in result.output
    allowed = CliRunner().invoke(
        app, ["evaluate", str(GOLD), "--pred", str(partial), "--n-bootstrap", "0", "--allow-missing"]
    )
    assert allowed.exit_code == 0, allowed.output


def test_pipeline_option_annotates_gold_texts_without_their_spans(monkeypatch):
    # Stand-ins for extractor.pipeline.load and extractor.annotate.annotate_records:
    # the "pipeline" returns the fixture predictions for the texts it is given.
    predictions = {doc.id: doc for doc in read_jsonl(PRED)}
    seen: list[DocRecord] = []

    def annotate_records(nlp, records):
        for record in records:
            seen.append(record)
            yield DocRecord(record.id, record.text, predictions[record.id].spans)

    pipeline = types.ModuleType("extractor.pipeline")
    pipeline.load = lambda name_or_path="default": f"nlp:{name_or_path}"
    annotate = types.ModuleType("extractor.annotate")
    annotate.annotate_records = annotate_records
    monkeypatch.setitem(sys.modules, "extractor.pipeline", pipeline)
    monkeypatch.setitem(sys.modules, "extractor.annotate", annotate)
    result = CliRunner().invoke(
        make_app(), ["evaluate", str(GOLD), "--pipeline", "mine", "--n-bootstrap", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "== pipeline:mine" in result.output
    assert "micro                 10    10   0.600   0.600   0.600" in result.output
    assert len(seen) == 4 and all(record.spans == [] for record in seen)


def test_evaluate_with_a_missing_pipeline_is_a_clear_error_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "SOCA made 5 arrests.", "spans": []}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--pipeline", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "no pipeline called" in result.output
