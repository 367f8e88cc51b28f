"""The Hugging Face `datasets` export: explicit features, BIO class ids, splits, offline loading."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="extractor-hf-home-"))

from datasets import Dataset, DatasetDict, load_from_disk  # noqa: E402

from extractor.convert import convert, hf  # noqa: E402
from extractor.convert.bio import DEFINITION_TAGS, TAGS  # noqa: E402
from extractor.convert.common import ConvertOptions  # noqa: E402
from extractor.records import DocRecord, SpanRecord, write_jsonl  # noqa: E402

TEXT = "“vessel” includes a hovercraft of the UK Border Agency"
RECORD = DocRecord(
    "doc-1",
    TEXT,
    [
        SpanRecord(0, len(TEXT), "LEGAL_DEFINITION", TEXT, {"term": "vessel"}),
        SpanRecord(38, 54, "AGENCY", "UK Border Agency", {"canonical": "UK Border Agency"}),
    ],
    {"source": "test"},
)


def test_tag_class_names_are_fixed_and_follow_the_label_order() -> None:
    features = hf.features()
    assert features["tags"].feature.names == list(TAGS)
    assert TAGS == (
        "O", "B-AGENCY", "I-AGENCY", "B-OPERATION", "I-OPERATION",
        "B-LEGISLATION", "I-LEGISLATION", "B-NUMERIC_CLAIM", "I-NUMERIC_CLAIM",
    )  # fmt: skip
    assert (
        features["definition_tags"].feature.names
        == list(DEFINITION_TAGS)
        == ["O", "B-LEGAL_DEFINITION", "I-LEGAL_DEFINITION"]
    )


def test_a_row_has_tokens_offsets_both_tag_columns_and_spans(tmp_path: Path) -> None:
    source = tmp_path / "gold.jsonl"
    write_jsonl([RECORD], source)
    summary = convert(source, tmp_path / "ds", "jsonl", "hf")
    assert summary.written == 1 and summary.errors == []
    dataset = load_from_disk(str(tmp_path / "ds"))
    assert isinstance(dataset, Dataset)
    row = dataset[0]
    names = dataset.features["tags"].feature.names
    definition_names = dataset.features["definition_tags"].feature.names
    tagged = [
        (token, names[tag], definition_names[dtag])
        for token, tag, dtag in zip(row["tokens"], row["tags"], row["definition_tags"], strict=True)
    ]
    assert tagged[0] == ("“", "O", "B-LEGAL_DEFINITION")
    assert tagged[-3:] == [
        ("UK", "B-AGENCY", "I-LEGAL_DEFINITION"),
        ("Border", "I-AGENCY", "I-LEGAL_DEFINITION"),
        ("Agency", "I-AGENCY", "I-LEGAL_DEFINITION"),
    ]
    assert all(TEXT[s:e] == t for t, s, e in zip(row["tokens"], row["token_starts"], row["token_ends"], strict=True))
    attrs = '{"canonical": "UK Border Agency"}'
    assert row["spans"][1] == {"start": 38, "end": 54, "label": "AGENCY", "text": "UK Border Agency", "attrs": attrs}
    assert hf.row_to_record(row).to_json() == RECORD.to_json()


def test_a_file_whose_rows_all_have_no_spans_keeps_typed_columns(tmp_path: Path) -> None:
    source = tmp_path / "empty.jsonl"
    write_jsonl([DocRecord("a", "Nothing here."), DocRecord("b", "")], source)
    convert(source, tmp_path / "ds", "jsonl", "hf")
    dataset = load_from_disk(str(tmp_path / "ds"))
    assert dataset.features == hf.features()
    assert dataset["spans"] == [[], []]
    assert dataset.data.schema.field("spans").type.value_type.field("start").type == "int64"


def test_split_files_become_a_dataset_dict_and_a_split_reads_back(tmp_path: Path) -> None:
    splits = tmp_path / "splits"
    splits.mkdir()
    for name, count in (("train", 3), ("dev", 1), ("test", 2)):
        write_jsonl([DocRecord(f"{name}-{i}", TEXT, RECORD.spans, {}) for i in range(count)], splits / f"{name}.jsonl")
    (splits / "dev.jsonl").open("a", encoding="utf-8").write("{broken\n")
    problems: list = []
    summary = convert(splits, tmp_path / "dd", "jsonl", "hf", report=problems.append)
    assert summary.written == 6 and [e.line for e in summary.errors] == [2]
    dataset = load_from_disk(str(tmp_path / "dd"))
    assert isinstance(dataset, DatasetDict) and {k: len(v) for k, v in dataset.items()} == {
        "dev": 1,
        "test": 2,
        "train": 3,
    }

    direct = hf.build_dataset_dict({"train": splits / "train.jsonl"}, problems.append)
    assert list(direct) == ["train"] and direct["train"].features == hf.features()

    no_split = convert(tmp_path / "dd", tmp_path / "x.jsonl", "hf", "jsonl")
    assert "choose a split with --split (dev, test, train)" in str(no_split.errors[0])
    back = tmp_path / "test.jsonl"
    convert(tmp_path / "dd", back, "hf", "jsonl", ConvertOptions(split="test"))
    assert [line[:20] for line in back.read_text("utf-8").splitlines()] == [
        '{"id": "test-0", "te',
        '{"id": "test-1", "te',
    ]
