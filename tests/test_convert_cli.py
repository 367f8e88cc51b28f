"""`extractor convert` end to end, through a Typer app that registers the command as extractor/cli.py will."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from extractor.convert.cli import convert_command
from extractor.records import DocRecord, SpanRecord, write_jsonl

app = typer.Typer()


@app.callback()
def main() -> None:
    """Stands in for the `extractor` app (a callback keeps `convert` a sub-command)."""


app.command("convert")(convert_command)
runner = CliRunner()

RECORDS = [
    DocRecord(
        "a",
        "SOCA made 528 arrests.",
        [SpanRecord(0, 4, "AGENCY", "SOCA", {"canonical": "Serious Organised Crime Agency"})],
    ),
    DocRecord("b", "Nothing to see.", [], {"source": "test"}),
]


def test_round_trip_through_the_command_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    write_jsonl(RECORDS, gold)
    result = runner.invoke(app, ["convert", str(gold), str(tmp_path / "t.conll"), "--to", "conll"])
    assert result.exit_code == 0, result.output
    assert "converted 2 document(s) from jsonl to conll" in result.output
    result = runner.invoke(
        app, ["convert", str(tmp_path / "t.conll"), str(tmp_path / "back.jsonl"), "--from", "conll", "-q"]
    )
    assert result.exit_code == 0 and result.output == ""
    assert (tmp_path / "back.jsonl").read_bytes() == gold.read_bytes()


def test_bad_lines_are_reported_with_file_and_line_and_the_rest_converted(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    write_jsonl(RECORDS, gold)
    lines = gold.read_text("utf-8").splitlines()
    bad = {
        "id": "c",
        "text": "short",
        "spans": [{"start": 0, "end": 3, "label": "AGENCY", "text": "sho"}, {"start": 2, "end": 99, "label": "AGENCY"}],
    }
    gold.write_text("\n".join([lines[0], "{oops", json.dumps(bad), lines[1]]) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    gold.write_text(gold.read_text("utf-8") + json.dumps({**bad, "spans": [{**bad["spans"][0], "text": "xyz"}]}) + "\n")
    result = runner.invoke(app, ["convert", str(gold), str(out), "--to", "prodigy"])
    assert result.exit_code == 1
    assert f"error: {gold}:2: malformed JSON" in result.output
    assert f"error: {gold}:3: span 1 (AGENCY 2-99): span offsets 2-99 must satisfy" in result.output
    assert (
        f"error: {gold}:5: span 0 (AGENCY 0-3): its text 'xyz' is not the document's text there, 'sho'" in result.output
    )
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a", "b"]


def test_usage_errors_exit_with_status_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(tmp_path / "missing.jsonl"), str(tmp_path / "o"), "--to", "brat"])
    assert result.exit_code == 2 and "no such file or folder" in result.output
    result = runner.invoke(app, ["convert", "in", "out", "--to", "xml"])
    assert result.exit_code == 2 and "xml" in result.output
    gold = tmp_path / "gold.jsonl"
    write_jsonl(RECORDS, gold)
    assert runner.invoke(app, ["convert", str(gold), str(tmp_path / "brat"), "--to", "brat"]).exit_code == 0
    result = runner.invoke(app, ["convert", str(gold), str(tmp_path / "brat"), "--to", "brat"])
    assert result.exit_code == 2 and "already holds brat files" in result.output


def test_labelstudio_options_reach_the_converter(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    write_jsonl(RECORDS, gold)
    out = tmp_path / "ls.json"
    args = ["convert", str(gold), str(out), "--to", "labelstudio", "--model-version", "rules-7"]
    assert runner.invoke(app, args).exit_code == 0
    tasks = json.loads(out.read_text("utf-8"))
    assert [task["predictions"][0]["model_version"] for task in tasks] == ["rules-7", "rules-7"]
    result = runner.invoke(app, ["convert", str(out), str(tmp_path / "back.jsonl"), "--from", "labelstudio"])
    assert result.exit_code == 0 and "2 note(s)" in result.output and "no completed annotation" in result.output
    result = runner.invoke(
        app, ["convert", str(out), str(tmp_path / "back.jsonl"), "--from", "labelstudio", "--use-predictions"]
    )
    assert result.exit_code == 0 and (tmp_path / "back.jsonl").read_bytes() == gold.read_bytes()
    assert "--labelstudio-as" in runner.invoke(app, ["convert", "--help"]).output
