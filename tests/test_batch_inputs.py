"""Input readers: every format, configurable fields, bad rows as errors with file and line."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extractor.inputs import DEFAULT_FIELDS, Fields, InputError, count_documents, iter_inputs
from extractor.records import DocRecord, RecordError


@pytest.fixture(autouse=True)
def _offline_hub(monkeypatch, tmp_path_factory):
    """`datasets` must never reach a hub, and keeps its cache out of the home folder."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf_home")))


def _read(*paths, fields=DEFAULT_FIELDS):
    return list(iter_inputs(paths, fields))


def _docs(items):
    return [(item.id, item.text) for item, _, _ in items if isinstance(item, DocRecord)]


def _errors(items):
    return [(path.name, line, item.reason) for item, path, line in items if isinstance(item, RecordError)]


def test_txt_ids_are_paths_relative_to_the_folder(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("First text.", encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text("Second text.", encoding="utf-8")
    (tmp_path / "top.txt").write_text("Top text.", encoding="utf-8")
    assert _docs(_read(tmp_path)) == [("a/same", "First text."), ("b/same", "Second text."), ("top", "Top text.")]
    assert _docs(_read(tmp_path / "top.txt")) == [("top", "Top text.")]


def test_jsonl_with_other_field_names_keeps_the_rest_as_meta(tmp_path):
    path = tmp_path / "rows.jsonl"
    rows = [
        {"doc": "q1", "body": "SOCA made 528 arrests.", "date": "2008-12-17", "meta": {"house": "Commons"}},
        {"doc": "q2", "text": "no body field here"},
        {"body": "An answer without an id."},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    items = _read(path, fields=Fields(text="body", id="doc"))
    first = items[0].item
    assert (first.id, first.text) == ("q1", "SOCA made 528 arrests.")
    assert first.meta == {"house": "Commons", "date": "2008-12-17"}
    error = items[1].item
    assert isinstance(error, InputError) and error.doc_id == "q2" and "'body'" in error.reason
    assert (items[1].line, items[2].item.id) == (2, "rows-3")


def test_csv_rows_with_line_numbers_multiline_cells_and_bad_bytes(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_bytes(
        b"id,text,date\n"
        b'c1,"The Home Office paid\n\xc2\xa32.3 million.",2009-01-01\n'
        b"c2,,2009-01-02\n"
        b"c3,Caf\xe9 latin-1,2009-01-03\n"
        b"c4,Europol helped.,2009-01-04\n"
    )
    items = _read(path)
    assert _docs(items) == [("c1", "The Home Office paid\n£2.3 million."), ("c4", "Europol helped.")]
    assert items[0].item.meta == {"date": "2009-01-01"}
    errors = _errors(items)
    assert errors[0][:2] == ("answers.csv", 4) and "no text" in errors[0][2]
    assert errors[1][:2] == ("answers.csv", 5) and "UTF-8" in errors[1][2]
    assert [located.line for located in items] == [2, 4, 5, 6]


def test_csv_without_the_text_column_is_one_error_naming_the_columns(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,body\n1,Some text.\n", encoding="utf-8")
    assert _errors(_read(path)) == [("wrong.csv", 1, "no 'text' column (columns: id, body)")]


def test_parquet_rows_stream_with_row_numbers(tmp_path):
    path = tmp_path / "answers.parquet"
    table = pa.table(
        {
            "uid": ["p1", "p2", None],
            "body": ["SOCA made 528 arrests.", None, "Europol helped."],
            "day": pa.array([19000, 19001, 19002], type=pa.date32()),
        }
    )
    pq.write_table(table, path, row_group_size=2)
    items = _read(path, fields=Fields(text="body", id="uid"))
    assert _docs(items) == [("p1", "SOCA made 528 arrests."), ("answers-3", "Europol helped.")]
    assert items[0].item.meta == {"day": "2022-01-08"}
    assert _errors(items) == [("answers.parquet", 2, "missing or non-string 'body' field")]
    assert count_documents([path]) == 3


def test_not_a_parquet_file_is_an_error(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    [(name, line, reason)] = _errors(_read(path))
    assert (name, line) == ("broken.parquet", None) and "Parquet" in reason


def test_saved_datasets_and_dataset_dicts(tmp_path):
    from datasets import Dataset, DatasetDict

    single = Dataset.from_dict({"id": ["d1", "d2"], "text": ["SOCA made 528 arrests.", "  "]})
    single.save_to_disk(str(tmp_path / "single"))
    splits = DatasetDict(
        {"train": Dataset.from_dict({"content": ["Europol helped."]}), "test": Dataset.from_dict({"content": ["X."]})}
    )
    splits.save_to_disk(str(tmp_path / "splits"))
    items = _read(tmp_path / "single")
    assert _docs(items) == [("d1", "SOCA made 528 arrests.")]
    assert _errors(items) == [("single", 2, "document 'd2' has no text")]
    split_items = _read(tmp_path / "splits", fields=Fields(text="content"))
    assert sorted(_docs(split_items)) == [("splits-test-1", "X."), ("splits-train-1", "Europol helped.")]
    assert count_documents([tmp_path / "single", tmp_path / "splits"]) == 4


def test_skip_leaves_out_the_runs_own_files(tmp_path):
    (tmp_path / "a.txt").write_text("Some text.", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text(json.dumps({"id": "old", "text": "Old output."}) + "\n", encoding="utf-8")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part-00000.jsonl").write_text("", encoding="utf-8")
    items = list(iter_inputs([tmp_path], skip=[tmp_path / "out.jsonl", tmp_path / "parts"]))
    assert _docs(items) == [("a", "Some text.")]


def test_count_documents(tmp_path):
    (tmp_path / "x.jsonl").write_text('{"text": "a"}\n{"text": "b"}\n{"text": "c"}', encoding="utf-8")
    (tmp_path / "y.txt").write_text("text", encoding="utf-8")
    assert count_documents([tmp_path]) == 4
    (tmp_path / "z.csv").write_text("text\nabc\n", encoding="utf-8")
    assert count_documents([tmp_path]) is None
