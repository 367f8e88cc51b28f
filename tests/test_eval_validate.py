"""The gold-file validator reports every defect with its file, line and reason; a clean file passes."""

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from extractor.evaluation.cli import validate_command
from extractor.evaluation.validate import Problem, validate_file

FIXTURES = Path(__file__).resolve().parent.parent / "evaluation" / "fixtures"
TEXT = "The Border Force seized 30 kilos at Dover under the Customs Act 1979."


def span(start: int, end: int, label: str, attrs=None, text: str | None = None) -> dict:
    return {
        "start": start,
        "end": end,
        "label": label,
        "text": TEXT[start:end] if text is None else text,
        "attrs": attrs or {},
    }


def doc(doc_id: str, spans: list, text: str = TEXT) -> str:
    return json.dumps({"id": doc_id, "text": text, "spans": spans}, ensure_ascii=False)


BORDER_FORCE = span(4, 16, "AGENCY")  # "Border Force"
CLAIM = span(24, 32, "NUMERIC_CLAIM", {"value": 30})  # "30 kilos"

# One defect per line; the expected reason fragment for each line.
DEFECTS: list[tuple[str, str]] = [
    ('{"id": "bad-json", "text": ', "malformed JSON"),
    ("__UTF8__", "not valid UTF-8"),
    ('["not", "an", "object"]', "must be a JSON object"),
    (json.dumps({"id": "no-text", "spans": []}), "'text'"),
    (json.dumps({"id": "no-spans", "text": TEXT}), "missing 'spans' list"),
    (json.dumps({"text": TEXT, "spans": []}), "'id' must be a non-empty string"),
    (doc("dup", []), ""),  # first occurrence: clean
    (doc("dup", []), "duplicate id 'dup' (first on line 7)"),
    (doc("str-offset", [{**BORDER_FORCE, "start": "4"}]), "'start' must be an integer"),
    (doc("out-of-range", [span(60, 90, "AGENCY", text="x")]), "0 <= start < end <= 69"),
    (doc("start-after-end", [span(16, 4, "AGENCY", text="")]), "0 <= start < end"),
    (
        doc("text-mismatch", [span(4, 16, "AGENCY", text="Border Farce")]),
        "span text 'Border Farce' != text[4:16]",
    ),
    (doc("unknown-label", [span(4, 16, "ORG")]), "unknown label 'ORG'"),
    (doc("whitespace", [span(3, 16, "AGENCY")]), "starts or ends with whitespace"),
    (doc("determiner", [span(0, 16, "AGENCY")]), "starts with the determiner 'The'"),
    (doc("cross-label", [span(17, 32, "AGENCY"), CLAIM]), "different labels may overlap only inside"),
    (doc("same-label", [span(4, 16, "AGENCY"), span(11, 23, "AGENCY")]), "of the same label"),
    (doc("no-term", [span(0, 68, "LEGAL_DEFINITION")]), "LEGAL_DEFINITION requires attribute 'term'"),
    (doc("string-value", [span(24, 32, "NUMERIC_CLAIM", {"value": "30"})]), "'value' must be a number"),
    (doc("duplicate-span", [BORDER_FORCE, BORDER_FORCE]), "duplicate of span 0"),
    (doc("bad-meta", []).replace('"spans": []', '"spans": [], "meta": "x"'), "'meta' must be a JSON object"),
]


def write_defects(path: Path) -> None:
    lines = [b"\xff\xfe not utf-8" if line == "__UTF8__" else line.encode("utf-8") for line, _ in DEFECTS]
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_each_defect_is_reported_on_its_line(tmp_path):
    path = tmp_path / "defects.jsonl"
    write_defects(path)
    problems = validate_file(path)
    assert all(p.file == str(path) for p in problems)
    for number, (_, reason) in enumerate(DEFECTS, start=1):
        on_line = [p for p in problems if p.line == number]
        if reason:
            assert any(reason in p.reason for p in on_line), (number, reason, on_line)
        else:
            assert on_line == []
    # No problem is reported on a line without a defect, and span problems name their span.
    assert {p.line for p in problems} == {n for n, (_, reason) in enumerate(DEFECTS, start=1) if reason}
    duplicate = next(p for p in problems if "duplicate of span" in p.reason)
    assert duplicate.span == 1 and str(duplicate) == f"{path}:20: span 1: {duplicate.reason}"


def test_every_defect_on_one_line_is_reported(tmp_path):
    # Three bad spans in one document: each gets its own problem, with its index.
    path = tmp_path / "many.jsonl"
    path.write_text(
        doc("many", [span(4, 16, "ORG"), span(3, 16, "AGENCY"), span(0, 68, "LEGAL_DEFINITION")]) + "\n",
        encoding="utf-8",
    )
    problems = validate_file(path)
    assert {p.span for p in problems if p.span is not None} >= {0, 1, 2}
    assert any("unknown label" in p.reason and p.span == 0 for p in problems)
    assert any("whitespace" in p.reason and p.span == 1 for p in problems)
    assert any("requires attribute 'term'" in p.reason and p.span == 2 for p in problems)


def test_spans_inside_a_legal_definition_are_allowed(tmp_path):
    path = tmp_path / "nested.jsonl"
    definition = span(4, 68, "LEGAL_DEFINITION", {"term": "Border Force"})
    path.write_text(doc("nested", [definition, BORDER_FORCE, CLAIM]) + "\n", encoding="utf-8")
    assert validate_file(path) == []


def test_her_majestys_is_not_a_determiner(tmp_path):
    text = "Her Majesty's Revenue and Customs replied."
    path = tmp_path / "hm.jsonl"
    path.write_text(
        doc("hm", [{"start": 0, "end": 33, "label": "AGENCY", "text": text[:33]}], text) + "\n",
        encoding="utf-8",
    )
    assert validate_file(path) == []


def test_clean_fixture_passes():
    assert validate_file(FIXTURES / "gold_small.jsonl") == []


def test_missing_and_empty_files(tmp_path):
    assert [p.reason for p in validate_file(tmp_path / "absent.jsonl")][0].startswith("cannot read file")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert validate_file(empty) == [Problem(str(empty), None, "no documents in file")]


def test_validate_command(tmp_path):
    app = typer.Typer()
    app.command("validate")(validate_command)
    app.command("unused")(lambda: None)  # two commands, so typer keeps the subcommand name
    bad = tmp_path / "defects.jsonl"
    write_defects(bad)
    result = CliRunner().invoke(app, ["validate", str(FIXTURES / "gold_small.jsonl"), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: malformed JSON" in result.output
    assert f"{bad}:13: span 0: unknown label 'ORG'" in result.output
    ok = CliRunner().invoke(app, ["validate", str(FIXTURES / "gold_small.jsonl")])
    assert ok.exit_code == 0 and "1 file(s) valid" in ok.output
