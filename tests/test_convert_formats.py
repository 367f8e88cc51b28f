"""What each converter reads from files the tools write, and how it reports what it cannot convert."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.convert import brat, conll, docbin, doccano, labelstudio, prodigy
from extractor.convert.common import ConvertOptions, Notice, Origin, readable
from extractor.records import DocRecord, RecordError, SpanRecord

OPTIONS = ConvertOptions()


def read_all(module, path: Path, options: ConvertOptions = OPTIONS) -> tuple[list[DocRecord], list, list]:
    """(records, errors, notices) of a reader."""
    problems: list = []
    records = [record for _, record in readable(module.read(path, options), problems.append)]
    return (
        records,
        [p for p in problems if isinstance(p, RecordError)],
        [p for p in problems if isinstance(p, Notice)],
    )


def write_lines(path: Path, rows: list) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows), "utf-8")
    return path


def spans_of(record: DocRecord) -> list[tuple[int, int, str, dict]]:
    return [(s.start, s.end, s.label, s.attrs) for s in record.sorted_spans()]


TEXT = "The Home Office and SOCA made 528 arrests."


# --- Prodigy ----------------------------------------------------------------------------------------


def test_prodigy_export_has_tokens_token_indices_and_accept() -> None:
    record = DocRecord("d", TEXT, [SpanRecord(4, 15, "AGENCY", "Home Office", {"canonical": "Home Office"})])
    task = prodigy.record_to_task(record)
    assert task["answer"] == "accept"
    span = task["spans"][0]
    tokens = task["tokens"]
    assert (tokens[span["token_start"]]["text"], tokens[span["token_end"]]["text"]) == ("Home", "Office")
    assert span["attrs"] == {"canonical": "Home Office"}
    assert all(TEXT[t["start"] : t["end"]] == t["text"] for t in tokens)


def test_prodigy_import_skips_rejected_and_ignored_reads_token_only_spans_and_reports_bad_lines(tmp_path: Path) -> None:
    tokens = [
        {"text": w, "start": TEXT.index(w), "end": TEXT.index(w) + len(w), "id": i}
        for i, w in enumerate(["The", "Home", "Office"])
    ]
    path = write_lines(
        tmp_path / "prodigy.jsonl",
        [
            {
                "text": TEXT,
                "tokens": tokens,
                "spans": [{"token_start": 1, "token_end": 2, "label": "AGENCY"}],
                "answer": "accept",
                "_input_hash": 1,
            },
            {"text": TEXT, "spans": [], "answer": "reject"},
            {"text": TEXT, "spans": [], "answer": "ignore"},
            "{not json",
            {"text": TEXT, "spans": [{"start": 4, "end": 15, "label": "AGENCY", "text": "Home Offices"}]},
            {"text": TEXT, "spans": [{"start": 4, "end": 99, "label": "AGENCY"}]},
        ],
    )
    records, errors, notices = read_all(prodigy, path)
    assert [spans_of(r) for r in records] == [[(4, 15, "AGENCY", {})]]
    assert records[0].id == "prodigy-1"
    assert [str(n) for n in notices] == [
        f"{path}:2: answer is 'reject': task skipped",
        f"{path}:3: answer is 'ignore': task skipped",
    ]
    assert [e.line for e in errors] == [4, 5, 6]
    assert "malformed JSON" in errors[0].reason
    assert "not the task's text" in errors[1].reason
    assert "0 <= start < end <= 42" in errors[2].reason


# --- doccano ----------------------------------------------------------------------------------------


def test_doccano_reads_both_forms_and_keeps_unknown_columns_as_meta(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "doccano.jsonl",
        [
            {"id": 7, "text": TEXT, "label": [[20, 24, "AGENCY"]], "Comments": [], "source": "hansard"},
            {
                "id": 8,
                "text": TEXT,
                "entities": [{"id": 1, "label": "NUMERIC_CLAIM", "start_offset": 30, "end_offset": 41}],
                "relations": [],
            },
            {"id": 9, "text": TEXT, "label": ["positive"]},
        ],
    )
    records, errors, _ = read_all(doccano, path)
    assert [(r.id, spans_of(r), r.meta) for r in records] == [
        ("7", [(20, 24, "AGENCY", {})], {"source": "hansard"}),
        ("8", [(30, 41, "NUMERIC_CLAIM", {})], {}),
    ]
    assert len(errors) == 1 and errors[0].line == 3 and "sequence-labelling" in errors[0].reason


def test_doccano_attributes_follow_only_spans_left_unchanged(tmp_path: Path) -> None:
    record = DocRecord(
        "d", TEXT, [SpanRecord(20, 24, "AGENCY", "SOCA", {"canonical": "Serious Organised Crime Agency"})]
    )
    line = doccano.record_to_line(record)
    line["label"].append([30, 41, "NUMERIC_CLAIM"])  # an annotator adds a span in doccano
    [read_back], _, _ = read_all(doccano, write_lines(tmp_path / "d.jsonl", [line]))
    assert spans_of(read_back) == [
        (20, 24, "AGENCY", {"canonical": "Serious Organised Crime Agency"}),
        (30, 41, "NUMERIC_CLAIM", {}),
    ]


# --- Label Studio -----------------------------------------------------------------------------------


def region(start: int, end: int, label: str, text: str, region_id: str = "r") -> dict:
    return {
        "id": region_id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": [label]},
    }


def test_labelstudio_takes_the_latest_non_cancelled_annotation(tmp_path: Path) -> None:
    task = {
        "id": 12,
        "data": {"text": TEXT, "source": "hansard"},
        "annotations": [
            {"result": [region(4, 15, "AGENCY", "Home Office")], "updated_at": "2024-01-02T10:00:00Z"},
            {"result": [region(20, 24, "AGENCY", "SOCA")], "updated_at": "2024-03-01T10:00:00.123456Z"},
            {
                "result": [region(30, 41, "NUMERIC_CLAIM", "528 arrests")],
                "updated_at": "2024-05-01T10:00:00Z",
                "was_cancelled": True,
            },
        ],
    }
    skipped = {"id": 13, "data": {"text": TEXT}, "annotations": [{"result": [], "was_cancelled": True}]}
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task, skipped, {"data": {}}]), "utf-8")
    records, errors, notices = read_all(labelstudio, path)
    assert [(r.id, spans_of(r), r.meta) for r in records] == [("12", [(20, 24, "AGENCY", {})], {"source": "hansard"})]
    assert [str(n) for n in notices] == [f"{path}: task 2: no completed annotation: task skipped"]
    assert [str(e) for e in errors] == [f"{path}: task 3: missing or non-string data 'text'"]


def test_labelstudio_reads_utf16_offsets_and_one_span_per_label(tmp_path: Path) -> None:
    text = "🙂 SOCA and 𝔄 UKHTC"
    annotation = {
        "result": [
            region(3, 7, "AGENCY", "SOCA", "a"),
            region(15, 20, "AGENCY", "UKHTC", "b"),
            {"type": "relation", "from_id": "a", "to_id": "b"},
        ]
    }
    annotation["result"][0]["value"]["labels"] = ["AGENCY", "OPERATION"]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([{"data": {"text": text}, "annotations": [annotation]}]), "utf-8")
    [record], errors, notices = read_all(labelstudio, path)
    assert errors == []
    assert [(s.text, s.label) for s in record.sorted_spans()] == [
        ("SOCA", "AGENCY"),
        ("SOCA", "OPERATION"),
        ("UKHTC", "AGENCY"),
    ]
    assert any("UTF-16" in str(n) for n in notices)


def test_labelstudio_rejects_a_region_whose_text_fits_no_offsets(tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    path.write_text(
        json.dumps([{"data": {"text": TEXT}, "annotations": [{"result": [region(4, 15, "AGENCY", "Cabinet")]}]}]),
        "utf-8",
    )
    _, [error], _ = read_all(labelstudio, path)
    assert "region r" in error.reason and "'Cabinet'" in error.reason


def test_labelstudio_predictions_carry_model_version_and_scores() -> None:
    record = DocRecord(
        "d", TEXT, [SpanRecord(4, 15, "AGENCY", "Home Office"), SpanRecord(20, 24, "AGENCY", "SOCA", {"score": 0.5})]
    )
    task = labelstudio.record_to_task(record, ConvertOptions(model_version="rules-1"))
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "rules-1"
    assert [r["score"] for r in prediction["result"]] == [1.0, 0.5] and prediction["score"] == 0.75
    assert "annotations" not in task and task["data"]["doc_id"] == "d"
    assert '<Label value="LEGAL_DEFINITION"/>' in labelstudio.labelling_config()


def test_pipeline_predictions_export_to_labelstudio(tmp_path: Path, nlp) -> None:
    from extractor.annotate import annotate_records

    records = list(annotate_records(nlp, [DocRecord("d", "The Serious Fraud Office recovered £3.5 million.")]))
    task = labelstudio.record_to_task(records[0], OPTIONS)
    results = task["predictions"][0]["result"]
    assert {r["value"]["labels"][0] for r in results} == {"AGENCY", "NUMERIC_CLAIM"}
    assert all(task["data"]["text"][r["value"]["start"] : r["value"]["end"]] == r["value"]["text"] for r in results)


# --- brat -------------------------------------------------------------------------------------------


def brat_folder(tmp_path: Path, text: str, ann: str, stem: str = "doc") -> Path:
    folder = tmp_path / "brat"
    folder.mkdir(exist_ok=True)
    (folder / f"{stem}.txt").write_text(text, "utf-8", newline="")
    (folder / f"{stem}.ann").write_text(ann, "utf-8")
    return folder


def test_brat_splits_spans_at_line_breaks_and_joins_them_back() -> None:
    text = "“term” means\nthe Home Office"
    span = SpanRecord(0, len(text), "LEGAL_DEFINITION", text, {"term": "term"})
    ann = brat.record_to_ann(DocRecord("d", text, [span]))
    assert ann.splitlines()[0] == "T1\tLEGAL_DEFINITION 0 12;13 28\t“term” means the Home Office"
    assert ann.splitlines()[1] == '#1\tAnnotatorNotes T1\t{"term": "term"}'
    spans, errors, _ = brat.parse_ann(text, ann, Origin("x.ann"))
    assert errors == [] and [(s.start, s.end, s.attrs) for s in spans] == [(0, 28, {"term": "term"})]


def test_brat_rejects_discontinuous_spans_and_reads_notes_and_attributes(tmp_path: Path) -> None:
    text = "Home Office and SOCA staff"
    ann = (
        "T1\tAGENCY 0 4;16 20\tHome SOCA\n"
        "T2\tAGENCY 16 20\tSOCA\n"
        "#1\tAnnotatorNotes T2\tcheck this\n"
        "A1\tAcronym T2\n"
        "A2\tConfidence T2 High\n"
        "R1\tPartOf Arg1:T2 Arg2:T1\n"
    )
    records, errors, notices = read_all(brat, brat_folder(tmp_path, text, ann))
    assert records == []
    assert len(errors) == 1 and errors[0].line == 1 and "discontinuous span" in errors[0].reason
    ann = ann.replace("T1\tAGENCY 0 4;16 20\tHome SOCA\n", "")
    [record], errors, notices = read_all(brat, brat_folder(tmp_path, text, ann))
    assert spans_of(record) == [(16, 20, "AGENCY", {"note": "check this", "Acronym": True, "Confidence": "High"})]
    assert record.id == "doc" and any("relation R1 skipped" in str(n) for n in notices)


def test_brat_reports_a_text_that_does_not_match_and_refuses_to_overwrite(tmp_path: Path) -> None:
    folder = brat_folder(tmp_path, "Home Office", "T1\tAGENCY 0 4\tSOCA\nX1 nonsense\n")
    _, errors, _ = read_all(brat, folder)
    assert [(Path(e.path).name, e.line) for e in errors] == [("doc.ann", 1), ("doc.ann", 2)]
    with pytest.raises(FileExistsError, match="already holds brat files"):
        brat.write([], folder, OPTIONS, lambda problem: None)


# --- DocBin -----------------------------------------------------------------------------------------


def test_docbin_keeps_span_group_attrs_ents_id_and_meta(tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    from extractor.convert.tokens import tokenizer_pipeline

    text = "“relevant body” means the Home Office"
    record = DocRecord(
        "d-1",
        text,
        [
            SpanRecord(0, len(text), "LEGAL_DEFINITION", text, {"term": "relevant body"}),
            SpanRecord(26, 37, "AGENCY", "Home Office", {"canonical": "Home Office"}),
        ],
        {"date": "2008-12-17"},
    )
    path = tmp_path / "gold.spacy"
    assert docbin.write([(Origin("x"), record)], path, OPTIONS, print) == 1
    [doc] = DocBin().from_disk(path).get_docs(tokenizer_pipeline().vocab)
    assert [(s.label_, s._.attrs) for s in doc.spans["extractions"]] == [
        ("LEGAL_DEFINITION", {"term": "relevant body"}),
        ("AGENCY", {"canonical": "Home Office"}),
    ]
    assert [e.text for e in doc.ents] == ["Home Office"]
    assert (doc.user_data["id"], doc.user_data["meta"]) == ("d-1", {"date": "2008-12-17"})


def test_docbin_refuses_two_spans_on_one_range_with_different_attributes(tmp_path: Path) -> None:
    record = DocRecord(
        "d",
        TEXT,
        [SpanRecord(20, 24, "AGENCY", "SOCA", {"a": 1}), SpanRecord(20, 24, "LEGAL_DEFINITION", "SOCA", {"term": "x"})],
    )
    problems: list = []
    assert docbin.write([(Origin("in.jsonl", 3), record)], tmp_path / "x.spacy", OPTIONS, problems.append) == 0
    assert "in.jsonl:3" in str(problems[0]) and "one Span._ value per character range" in str(problems[0])


def test_docbin_reports_a_file_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "junk.spacy"
    path.write_bytes(b"not a docbin")
    _, [error], _ = read_all(docbin, path)
    assert "not a spaCy DocBin file" in str(error)


# --- CoNLL ------------------------------------------------------------------------------------------


def test_conll_writes_definitions_in_their_own_column() -> None:
    text = "“body” means the Home Office"
    record = DocRecord(
        "d",
        text,
        [SpanRecord(0, 28, "LEGAL_DEFINITION", text, {"term": "body"}), SpanRecord(17, 28, "AGENCY", "Home Office")],
    )
    rows = [line.split("\t") for line in conll.record_to_block(record).splitlines() if "\t" in line]
    assert rows == [
        ["“", "O", "B-LEGAL_DEFINITION"],
        ["body", "O", "I-LEGAL_DEFINITION"],
        ["”", "O", "I-LEGAL_DEFINITION"],
        ["means", "O", "I-LEGAL_DEFINITION"],
        ["the", "O", "I-LEGAL_DEFINITION"],
        ["Home", "B-AGENCY", "I-LEGAL_DEFINITION"],
        ["Office", "I-AGENCY", "I-LEGAL_DEFINITION"],
    ]


def test_conll_rejects_spans_it_cannot_tag(tmp_path: Path) -> None:
    overlapping = DocRecord(
        "d", TEXT, [SpanRecord(4, 15, "AGENCY", "Home Office"), SpanRecord(9, 15, "OPERATION", "Office")]
    )
    unknown = DocRecord("d", TEXT, [SpanRecord(4, 15, "ORG", "Home Office")])
    problems: list = []
    written = conll.write(
        [(Origin("in", 1), overlapping), (Origin("in", 2), unknown)], tmp_path / "o.conll", OPTIONS, problems.append
    )
    assert written == 0
    assert str(problems[0]).startswith("in:1: span OPERATION 9-15 'Office' overlaps AGENCY 4-15")
    assert str(problems[1]).startswith("in:2: label 'ORG' is not one of AGENCY")


def test_conll_reads_files_without_comments_and_reports_bad_tags(tmp_path: Path) -> None:
    path = tmp_path / "plain.conll"
    path.write_text("The\tO\nHome\tB-AGENCY\nOffice\tI-AGENCY\n\nSOCA\tI-AGENCY\n\nX\tO\tO\textra\n", "utf-8")
    records, errors, _ = read_all(conll, path)
    assert [(r.id, r.text, spans_of(r)) for r in records] == [("plain-1", "The Home Office", [(4, 15, "AGENCY", {})])]
    assert [(e.line, "does not continue" in e.reason or "2 or 3" in e.reason) for e in errors] == [(5, True), (7, True)]
