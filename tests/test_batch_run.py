"""Whole runs: resume after an interruption, unique ids, the errors file, processes, the progress bar."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest

from extractor import batch
from extractor.engines import EngineError, local
from extractor.inputs import Fields

TEXTS = [
    "SOCA made {n} arrests under Operation Nightjar {n}.",
    "The Home Office paid £{n}.5 million under the Fraud Act 2006.",
    "Europol and the Crown Prosecution Service charged {n} people.",
]


def _corpus(path, count=10, start=0):
    lines = [json.dumps({"id": f"d{i}", "text": TEXTS[i % 3].format(n=i + 2)}) for i in range(start, start + count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _parquet(folder):
    return pq.read_table(folder).to_pylist()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _interrupt_on_call(monkeypatch, number):
    """Make the `number`-th batch fail, as a kill would, after the earlier ones were written."""
    calls = {"n": 0}
    real = local.annotate_batch

    def annotate(nlp, records, fmt):
        calls["n"] += 1
        if calls["n"] == number:
            raise KeyboardInterrupt
        return real(nlp, records, fmt)

    monkeypatch.setattr(local, "annotate_batch", annotate)


def test_resume_after_an_interruption_and_a_torn_line_gives_the_uninterrupted_output(nlp, tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "in.jsonl")
    whole = tmp_path / "whole.jsonl"
    batch.annotate_files([corpus], whole, nlp, batch_size=2)
    out = tmp_path / "out.jsonl"
    with monkeypatch.context() as patch:
        _interrupt_on_call(patch, 3)
        with pytest.raises(KeyboardInterrupt):
            batch.annotate_files([corpus], out, nlp, batch_size=2)
    assert [r["id"] for r in _jsonl(out)] == ["d0", "d1", "d2", "d3"]  # whole batches only
    with out.open("ab") as handle:
        handle.write(b'{"id": "d4", "text": "SOCA ma')  # a write cut short by a crash
    summary = batch.annotate_files([corpus], out, nlp, batch_size=2, resume=True)
    assert (summary.skipped, summary.written, summary.failed) == (4, 6, 0)
    assert _jsonl(out) == _jsonl(whole)
    again = batch.annotate_files([corpus], out, nlp, batch_size=2, resume=True)
    assert (again.skipped, again.written) == (10, 0)
    assert _jsonl(out) == _jsonl(whole)


def test_resume_of_parquet_parts_writes_each_document_once(nlp, tmp_path, monkeypatch):
    corpus = _corpus(tmp_path / "in.jsonl")
    whole = tmp_path / "whole.parquet"
    batch.annotate_files([corpus], whole, nlp, batch_size=2, part_size=3)
    out = tmp_path / "out.parquet"
    with monkeypatch.context() as patch:
        _interrupt_on_call(patch, 3)
        with pytest.raises(KeyboardInterrupt):
            batch.annotate_files([corpus], out, nlp, batch_size=2, part_size=3)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet"]
    summary = batch.annotate_files([corpus], out, nlp, batch_size=2, part_size=3, resume=True)
    assert (summary.skipped, summary.written) == (4, 6)
    assert _parquet(out) == _parquet(whole)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]


def test_without_resume_a_rerun_starts_over(nlp, tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", count=3)
    out = tmp_path / "out.jsonl"
    batch.annotate_files([corpus], out, nlp)
    summary = batch.annotate_files([corpus], out, nlp)
    assert (summary.written, summary.skipped) == (3, 0)
    assert len(_jsonl(out)) == 3


def test_duplicate_ids_are_errors_and_written_once(nlp, tmp_path):
    first = _corpus(tmp_path / "a.jsonl", count=3)
    second = _corpus(tmp_path / "b.jsonl", count=2, start=2)  # d2 again, then d3
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    seen = []
    summary = batch.annotate_files([first, second], out, nlp, errors_path=errors, on_error=seen.append)
    assert [r["id"] for r in _jsonl(out)] == ["d0", "d1", "d2", "d3"]
    assert summary.failed == 1 and len(seen) == 1
    [problem] = _jsonl(errors)
    assert problem["id"] == "d2" and problem["file"].endswith("b.jsonl") and problem["line"] == 1
    assert "duplicate id 'd2'" in problem["reason"]


def test_errors_file_has_id_file_line_and_reason(nlp, tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        json.dumps({"id": "ok", "text": TEXTS[0].format(n=3)})
        + "\n"
        + json.dumps({"id": "empty", "text": " "})
        + "\n{broken\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.jsonl"
    summary = batch.annotate_files([corpus], tmp_path / "out.jsonl", nlp, errors_path=errors)
    assert (summary.written, summary.failed) == (1, 2)
    problems = _jsonl(errors)
    assert [set(p) for p in problems] == [{"id", "file", "line", "reason"}] * 2
    assert [(p["id"], p["line"]) for p in problems] == [("empty", 2), (None, 3)]
    assert "no text" in problems[0]["reason"] and "malformed JSON" in problems[1]["reason"]


def test_two_processes_write_what_one_writes(nlp, tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", count=12)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    batch.annotate_files([corpus], one, nlp, batch_size=2)
    summary = batch.annotate_files([corpus], two, nlp, batch_size=2, n_process=2)
    assert summary.written == 12
    assert _jsonl(two) == _jsonl(one)
    docbin = batch.annotate_files([corpus], tmp_path / "two.spacy", nlp, batch_size=5, n_process=2, part_size=7)
    assert docbin.written == 12 and len(list((tmp_path / "two.spacy").iterdir())) == 2


def test_text_and_id_fields_reach_the_run(nlp, tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"key": "k1", "body": TEXTS[0].format(n=5)}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    batch.annotate_files([corpus], out, nlp, fields=Fields(text="body", id="key"))
    [record] = _jsonl(out)
    assert record["id"] == "k1" and record["text"] == TEXTS[0].format(n=5) and record["spans"]


def test_progress_bar_only_on_a_terminal(nlp, tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", count=4)
    quiet = io.StringIO()
    batch.annotate_files([corpus], tmp_path / "a.jsonl", nlp, progress=quiet)
    assert quiet.getvalue() == ""
    terminal = _Tty()
    batch.annotate_files([corpus], tmp_path / "b.jsonl", nlp, progress=terminal)
    shown = terminal.getvalue()
    assert "4/4" in shown and "doc" in shown and "words/s" in shown


def test_bad_settings_are_clear_errors(nlp, tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", count=1)
    with pytest.raises(EngineError, match="unknown engine"):
        batch.annotate_files([corpus], tmp_path / "o.jsonl", nlp, engine="spark")
    with pytest.raises(EngineError, match="not a Language object"):
        batch.annotate_files([corpus], tmp_path / "o", nlp, engine="dask")
