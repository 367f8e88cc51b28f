"""`extractor annotate` end to end: inputs, output format, bad documents, saved pipelines."""

from __future__ import annotations

import json

import spacy
from typer.testing import CliRunner

from extractor import __version__
from extractor.annotate import annotate_records
from extractor.cli import app
from extractor.records import DocRecord

runner = CliRunner()
TEXT = "SOCA made 528 arrests under Operation Nightjar 2 and the Fraud Act 2006."


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_annotates_txt_folder_and_jsonl_in_gold_format(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(json.dumps({"id": "x1", "text": "The Home Office paid £2.3 million."}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["annotate", str(folder), str(jsonl), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    records = _lines(out)
    assert [r["id"] for r in records] == ["a", "x1"]
    for record in records:
        assert set(record) == {"id", "text", "spans", "meta"}
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]
    labels = {s["label"] for s in records[0]["spans"]}
    assert labels == {"AGENCY", "NUMERIC_CLAIM", "OPERATION", "LEGISLATION"}


def test_bad_documents_are_reported_with_file_and_line_and_the_rest_annotated(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 SOCA".encode("latin-1"))
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    jsonl = tmp_path / "mixed.jsonl"
    jsonl.write_text(
        json.dumps({"id": "ok", "text": TEXT}) + "\n" + '{"id": "broken", "text": \n' + json.dumps({"id": "n"}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(app, ["annotate", str(tmp_path), "-o", str(out), "--errors", str(errors)])
    assert result.exit_code == 1
    assert [r["id"] for r in _lines(out)] == ["good", "ok"]
    problems = _lines(errors)
    reasons = {(p["file"].rsplit("/", 1)[-1], p["line"]): p["reason"] for p in problems}
    assert "no text" in reasons[("empty.txt", None)]
    assert "UTF-8" in reasons[("latin1.txt", None)]
    assert "malformed JSON" in reasons[("mixed.jsonl", 2)]
    assert "text" in reasons[("mixed.jsonl", 3)]
    assert "mixed.jsonl:2" in result.output


def test_missing_input_is_an_error_not_a_crash(tmp_path):
    result = runner.invoke(app, ["annotate", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_unknown_pipeline_is_a_clear_error(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "-p", "nope"])
    assert result.exit_code == 2
    assert "no pipeline called 'nope'" in result.output


def test_saved_pipeline_loads_with_spacy_load_and_gives_the_same_spans(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    reloaded = spacy.load(tmp_path / "model")
    assert reloaded.pipe_names == nlp.pipe_names
    record = DocRecord(id="d", text=TEXT)
    before = next(annotate_records(nlp, [record])).to_dict()
    after = next(annotate_records(reloaded, [record])).to_dict()
    assert before == after
    assert any(s["attrs"].get("canonical") == "Serious Organised Crime Agency" for s in after["spans"])


def test_saved_pipeline_loads_in_a_fresh_process_through_entry_points(nlp, tmp_path):
    """`spacy.load` alone, with nothing of extractor imported first, finds every component."""
    import subprocess
    import sys

    nlp.to_disk(tmp_path / "model")
    script = (
        "import spacy, sys\n"
        f"nlp = spacy.load({str(tmp_path / 'model')!r})\n"
        "doc = nlp('SOCA made 528 arrests.')\n"
        "print(sorted((s.label_, s.text) for s in doc.spans['extractions']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "('AGENCY', 'SOCA')" in result.stdout
    assert "('NUMERIC_CLAIM', '528 arrests')" in result.stdout


def test_csv_parquet_and_saved_dataset_inputs_with_named_fields(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    from datasets import Dataset

    (tmp_path / "in.csv").write_text(f'qid,answer\nc1,"{TEXT}"\n', encoding="utf-8")
    pq.write_table(pa.table({"qid": ["p1"], "answer": ["The Home Office paid £2.3 million."]}), tmp_path / "in.parquet")
    Dataset.from_dict({"qid": ["h1"], "answer": ["Europol helped."]}).save_to_disk(str(tmp_path / "saved"))
    out = tmp_path / "out.jsonl"
    inputs = [str(tmp_path / name) for name in ("in.csv", "in.parquet", "saved")]
    result = runner.invoke(app, ["annotate", *inputs, "-o", str(out), "--text-field", "answer", "--id-field", "qid"])
    assert result.exit_code == 0, result.output
    records = _lines(out)
    assert [r["id"] for r in records] == ["c1", "p1", "h1"]
    assert {s["label"] for s in records[0]["spans"]} == {"AGENCY", "NUMERIC_CLAIM", "OPERATION", "LEGISLATION"}
    assert "annotated 3 document(s)" in result.output and "0 failed" in result.output


def test_parquet_and_docbin_outputs(tmp_path):
    import pyarrow.parquet as pq
    from spacy.tokens import DocBin

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out.parquet"), "-q"])
    assert result.exit_code == 0, result.output
    [row] = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert row["id"] == "a" and {s["label"] for s in row["spans"]} >= {"AGENCY", "LEGISLATION"}
    out = tmp_path / "docs"
    result = runner.invoke(app, ["annotate", str(tmp_path / "a.txt"), "-o", str(out), "--format", "docbin", "-q"])
    assert result.exit_code == 0, result.output
    [doc] = DocBin().from_disk(out / "part-00000.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.user_data["id"] == "a" and len(doc.spans["extractions"]) == len(row["spans"])


def test_resume_on_the_command_line_skips_what_is_written(tmp_path):
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": TEXT}) + "\n" for i in range(3)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "d0", "text": TEXT, "spans": [], "meta": {}}) + '\n{"id": "d1", "te', "utf-8")
    result = runner.invoke(app, ["annotate", str(corpus), "-o", str(out), "--resume"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in _lines(out)] == ["d0", "d1", "d2"]
    assert "1 already written" in result.output


def test_no_progress_bar_when_standard_error_is_not_a_terminal(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("annotated 1 document(s)") and "\r" not in result.output
    assert "doc/s" not in result.output and "it/s" not in result.output


def test_output_in_the_input_folder_is_not_read_back(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    for _ in range(2):
        result = runner.invoke(app, ["annotate", str(tmp_path), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
    assert [r["id"] for r in _lines(out)] == ["a"]


def test_shared_text_copy_is_not_left_in_the_document(nlp):
    doc = nlp(TEXT)
    assert not any(isinstance(key, str) and key.startswith("extractor.") for key in doc.user_data)


def test_loading_a_pipeline_never_imports_transformers():
    """spaCy imports every registered factory when it loads a pipeline: the transformer
    component must not pull in transformers (seconds of start-up, and missing without the
    train extra) unless it is used."""
    import subprocess
    import sys

    script = "import sys, extractor\nextractor.load()\nprint('transformers' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
