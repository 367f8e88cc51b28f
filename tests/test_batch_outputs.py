"""Output formats and their crash-safety: whole batches, whole parts, torn lines cut on resume."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import spacy
from spacy.tokens import DocBin

from extractor.engines.work import annotate_batch
from extractor.outputs import (
    JsonlFileSink,
    OutputError,
    PartsSink,
    format_for,
    prepare_jsonl_file,
    prepare_parts,
    truncate_torn_line,
)
from extractor.records import DocRecord
from extractor.spans import get_attrs

RECORDS = [
    DocRecord(id="r1", text="SOCA made 528 arrests under Operation Nightjar 2.", meta={"date": "2008-12-17"}),
    DocRecord(id="r2", text="The Home Office paid £2.3 million under the Fraud Act 2006."),
    DocRecord(id="r3", text="Nothing to tag here."),
]


def test_format_follows_the_suffix_unless_given():
    assert format_for("out.parquet") == "parquet"
    assert format_for("out.spacy") == "docbin"
    assert format_for("out") == "jsonl"
    assert format_for("out.parquet", "jsonl") == "jsonl"
    with pytest.raises(OutputError):
        format_for("out", "xml")


def test_the_three_formats_hold_the_same_records(nlp, tmp_path):
    expected = [json.loads(line) for line in annotate_batch(nlp, RECORDS, "jsonl").payload.splitlines()]
    assert any(span["label"] == "AGENCY" for span in expected[0]["spans"])

    sink = PartsSink(tmp_path / "pq", "parquet", part_size=2, first=0)
    for start in range(0, 3, 2):
        sink.write(annotate_batch(nlp, RECORDS[start : start + 2], "parquet"))
    sink.close()
    rows = pq.read_table(tmp_path / "pq").to_pylist()
    for row in rows:
        row["meta"] = json.loads(row["meta"])
        for span in row["spans"]:
            span["attrs"] = json.loads(span["attrs"])
    assert rows == expected

    sink = PartsSink(tmp_path / "db", "docbin", part_size=10, first=3)
    sink.write(annotate_batch(nlp, RECORDS, "docbin"))
    sink.close()
    assert [p.name for p in (tmp_path / "db").iterdir()] == ["part-00003.spacy"]
    docs = list(DocBin().from_disk(tmp_path / "db" / "part-00003.spacy").get_docs(nlp.vocab))
    assert [doc.user_data["id"] for doc in docs] == ["r1", "r2", "r3"]
    assert docs[0].user_data["meta"] == {"date": "2008-12-17"}
    for doc, record in zip(docs, expected, strict=True):
        spans = [
            {"start": s.start_char, "end": s.end_char, "label": s.label_, "text": s.text, "attrs": get_attrs(s)}
            for s in doc.spans["extractions"]
        ]
        spans = sorted(spans, key=lambda s: (s["start"], -s["end"]))
        assert json.loads(json.dumps(spans)) == record["spans"]  # DocBin gives lists back as tuples


def test_a_torn_last_line_is_cut_and_whole_lines_stay(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "b"}\n{"id": "c", "te')
    assert truncate_torn_line(path)
    assert path.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n'
    assert not truncate_torn_line(path)
    path.write_bytes(b'{"id": "only half')
    assert truncate_torn_line(path) and path.read_bytes() == b""


def test_resuming_a_jsonl_file_reads_its_ids_after_cutting_the_torn_line(nlp, tmp_path):
    path = tmp_path / "out.jsonl"
    sink = JsonlFileSink(path, resume=False)
    sink.write(annotate_batch(nlp, RECORDS[:2], "jsonl"))
    sink.close()
    with path.open("ab") as handle:
        handle.write(b'{"id": "r3", "text": "Noth')
    assert prepare_jsonl_file(path, resume=True) == {"r1", "r2"}
    assert path.read_text(encoding="utf-8").endswith("}\n")
    assert prepare_jsonl_file(path, resume=False) == set()


def test_a_line_that_is_not_a_record_stops_the_resume_with_file_and_line(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(OutputError, match="out.jsonl:2"):
        prepare_jsonl_file(path, resume=True)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "docbin"])
def test_parts_are_whole_and_crash_leftovers_go(nlp, tmp_path, fmt):
    folder = tmp_path / "parts"
    sink = PartsSink(folder, fmt, part_size=2, first=0)
    sink.write(annotate_batch(nlp, RECORDS[:2], fmt))  # fills part 0, which is written
    sink.write(annotate_batch(nlp, RECORDS[2:], fmt))  # part 1 is still being collected
    assert sorted(p.name for p in folder.iterdir()) == [f"part-00000{format_suffix(fmt)}"]
    (folder / f".part-00001{format_suffix(fmt)}.tmp").write_bytes(b"half a part")  # a crash while writing
    done, first = prepare_parts(folder, fmt, resume=True)
    assert (done, first) == ({"r1", "r2"}, 1)
    assert not list(folder.glob(".part-*"))
    assert prepare_parts(folder, fmt, resume=False) == (set(), 0)
    assert not list(folder.iterdir())


def test_parts_need_a_folder_and_one_file_needs_a_file(tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        prepare_parts(tmp_path / "file", "parquet", resume=False)
    with pytest.raises(OutputError, match="is a folder"):
        JsonlFileSink(tmp_path, resume=False)


def format_suffix(fmt: str) -> str:
    return {"jsonl": ".jsonl", "parquet": ".parquet", "docbin": ".spacy"}[fmt]


def test_docbin_output_keeps_no_private_copy_of_the_text_without_a_resolver(nlp):
    """The taggers share one copy of a document's text in `user_data`; the resolver drops it, and
    so must the DocBin writer when a pipeline has none, or every document is stored twice."""
    taggers_only = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})
    taggers_only.add_pipe("agency_tagger")
    batch = annotate_batch(taggers_only, RECORDS[:1], "docbin")
    (doc,) = DocBin().from_bytes(batch.payload).get_docs(taggers_only.vocab)
    assert doc.spans["agency"], "the agency tagger ran"
    assert doc.user_data["id"] == "r1"
    assert RECORDS[0].text not in doc.user_data.values()
