"""Inter-annotator agreement: strict and partial F1 between two annotators, by hand."""

import json

import pytest
import typer
from typer.testing import CliRunner

from extractor.evaluation.agreement import agreement
from extractor.evaluation.cli import agreement_command
from extractor.records import DocRecord, SpanRecord, write_jsonl

TEXT = "Operation Kestrel was run by the Metropolitan Police Service and made 17 arrests."


def sp(sub: str, label: str) -> SpanRecord:
    start = TEXT.index(sub)
    return SpanRecord(start, start + len(sub), label, sub)


# Annotator A: OPERATION "Operation Kestrel", AGENCY "Metropolitan Police Service",
#              NUMERIC_CLAIM "17 arrests".
# Annotator B: OPERATION "Kestrel" (boundary differs), the same AGENCY, NUMERIC_CLAIM "17".
A_DOCS = [
    DocRecord(
        "d1",
        TEXT,
        [
            sp("Operation Kestrel", "OPERATION"),
            sp("Metropolitan Police Service", "AGENCY"),
            sp("17 arrests", "NUMERIC_CLAIM"),
        ],
    ),
    DocRecord("only-a", "Nothing here."),
    DocRecord("changed", "Original text."),
]
B_DOCS = [
    DocRecord(
        "d1",
        TEXT,
        [sp("Kestrel", "OPERATION"), sp("Metropolitan Police Service", "AGENCY"), sp("17", "NUMERIC_CLAIM")],
    ),
    DocRecord("only-b", "Something else."),
    DocRecord("changed", "Edited text."),
]


def test_agreement_by_hand():
    result = agreement(A_DOCS, B_DOCS).to_dict()
    assert result["n_docs"] == 1
    assert (result["only_in_a"], result["only_in_b"], result["text_differs"]) == (
        ["only-a"],
        ["only-b"],
        ["changed"],
    )
    strict, partial = result["scores"]["strict"], result["scores"]["partial"]
    # Strict: only the agency agrees -> 1 of 3 each side -> F1 1/3.
    assert strict["micro"]["f1"] == pytest.approx(1 / 3)
    assert (strict["micro"]["n_a"], strict["micro"]["n_b"]) == (3, 3)
    assert strict["per_label"]["AGENCY"]["f1"] == 1.0 and strict["per_label"]["OPERATION"]["f1"] == 0.0
    # Partial (same label, overlapping): all three agree -> 1.0.
    assert partial["micro"]["f1"] == 1.0
    assert partial["per_label"]["LEGISLATION"] == {
        "f1": 0.0,
        "precision": 0.0,
        "recall": 0.0,
        "n_a": 0,
        "n_b": 0,
    }


def test_agreement_is_symmetric_in_f1():
    ab = agreement(A_DOCS, B_DOCS).to_dict()["scores"]
    ba = agreement(B_DOCS, A_DOCS).to_dict()["scores"]
    for scheme in ("strict", "partial"):
        assert ab[scheme]["micro"]["f1"] == pytest.approx(ba[scheme]["micro"]["f1"])


def test_agreement_command(tmp_path):
    a, b, out = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "agreement.json"
    write_jsonl(A_DOCS, a)
    write_jsonl(B_DOCS, b)
    app = typer.Typer()
    app.command("agreement")(agreement_command)
    app.command("unused")(lambda: None)
    result = CliRunner().invoke(app, ["agreement", str(a), str(b), "--json-out", str(out)])
    assert result.exit_code == 0, result.output
    assert "only in" in result.output and "micro" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["scores"]["strict"]["micro"]["f1"] == pytest.approx(
        1 / 3
    )
