"""Hugging Face `datasets` export of a gold corpus: token-classification and span-level columns in one table.

Every row is a document:

- `id`, `text`, and `meta` (JSON text: metadata is free-form, Arrow columns are not);
- `tokens` with `token_starts`/`token_ends` (character offsets, to map predictions
  back to the text) and two BIO tag columns of `ClassLabel`s in a fixed order
  (`extractor.convert.bio`): `tags` for the labels that never overlap and
  `definition_tags` for LEGAL_DEFINITION, which may contain them;
- `spans`: a list of `{start, end, label, text, attrs}` (`attrs` as JSON text).

The features are always given explicitly, so a corpus whose rows all have
empty span lists still gets typed columns (inferred, they would be null), and
the folder loads offline with `datasets.load_from_disk`. One file gives a
`Dataset`; `build_dataset_dict` makes a `DatasetDict` from split files
(train/dev/test). Import reads the span-level columns back, so the round trip
to the gold format is exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value, load_from_disk

from extractor.convert import jsonl
from extractor.convert.bio import DEFINITION_TAGS, TAGS, tag_record
from extractor.convert.common import (
    ConversionError,
    ConvertOptions,
    Origin,
    ReadItem,
    Report,
    dumps,
    encode_each,
    make_span,
    readable,
)
from extractor.records import DocRecord, RecordError


def features() -> Features:
    """The explicit schema of every export (a list of dicts for `spans`, in any `datasets` version)."""
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "tokens": Sequence(Value("string")),
            "token_starts": Sequence(Value("int64")),
            "token_ends": Sequence(Value("int64")),
            "tags": Sequence(ClassLabel(names=list(TAGS))),
            "definition_tags": Sequence(ClassLabel(names=list(DEFINITION_TAGS))),
            "spans": [
                {
                    "start": Value("int64"),
                    "end": Value("int64"),
                    "label": Value("string"),
                    "text": Value("string"),
                    "attrs": Value("string"),
                }
            ],
            "meta": Value("string"),
        }
    )


def record_to_row(record: DocRecord) -> dict[str, Any]:
    """A record as a row of the export; tags are class ids, in the order of `features()`."""
    tagged = tag_record(record)
    return {
        "id": record.id,
        "text": record.text,
        "tokens": [record.text[start:end] for start, end in tagged.offsets],
        "token_starts": [start for start, _ in tagged.offsets],
        "token_ends": [end for _, end in tagged.offsets],
        "tags": [TAGS.index(tag) for tag in tagged.tags],
        "definition_tags": [DEFINITION_TAGS.index(tag) for tag in tagged.definition_tags],
        "spans": [
            {"start": span.start, "end": span.end, "label": span.label, "text": span.text, "attrs": dumps(span.attrs)}
            for span in record.sorted_spans()
        ],
        "meta": dumps(record.meta),
    }


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConversionError(f"{what} is not JSON ({err.msg})") from err
    if not isinstance(value, dict):
        raise ConversionError(f"{what} must be a JSON object, got {value!r}")
    return value


def row_to_record(row: Mapping[str, Any]) -> DocRecord:
    """The record of a row, from its span-level columns."""
    text = row["text"]
    spans = []
    for index, span in enumerate(row["spans"]):
        made = make_span(
            text, span["start"], span["end"], span["label"], _json_object(span["attrs"], f"span {index} attrs")
        )
        if made.text != span["text"]:
            raise ConversionError(f"span {index}: its text {span['text']!r} is not the row's text at its offsets")
        spans.append(made)
    return DocRecord(id=row["id"], text=text, spans=spans, meta=_json_object(row["meta"], "meta"))


def build_dataset(items: Iterable[tuple[Origin, DocRecord]], report: Report) -> Dataset:
    """A `Dataset` of the records that can be tagged; the others are reported."""
    schema = features()
    columns: dict[str, list[Any]] = {name: [] for name in schema}
    for _, _, row in encode_each(items, record_to_row, report):
        for name, value in row.items():
            columns[name].append(value)
    return Dataset.from_dict(columns, features=schema)


def build_dataset_dict(splits: Mapping[str, str | Path], report: Report) -> DatasetDict:
    """A `DatasetDict` from gold split files, e.g. {"train": ..., "dev": ..., "test": ...}."""
    return DatasetDict(
        {
            name: build_dataset(readable(jsonl.read(Path(path), ConvertOptions()), report), report)
            for name, path in splits.items()
        }
    )


def write_splits(splits: Mapping[str, str | Path], path: Path, report: Report) -> int:
    """Save `build_dataset_dict(splits)` to the folder `path`; return the number of rows."""
    dataset = build_dataset_dict(splits, report)
    dataset.save_to_disk(str(path))
    return sum(len(split) for split in dataset.values())


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    dataset = build_dataset(items, report)
    dataset.save_to_disk(str(path))
    return len(dataset)


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    try:
        dataset = load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as err:
        yield RecordError(path, None, f"not a saved Hugging Face dataset ({err})")
        return
    if isinstance(dataset, DatasetDict):
        if options.split not in dataset:
            yield RecordError(path, None, f"a DatasetDict: choose a split with --split ({', '.join(dataset)})")
            return
        dataset = dataset[options.split]
    for number, row in enumerate(dataset, start=1):
        origin = Origin(str(path), None, f"row {number}")
        try:
            yield origin, row_to_record(row)
        except (ConversionError, KeyError, TypeError) as err:
            yield origin.error(str(err) if isinstance(err, ConversionError) else f"not an extractor export ({err!r})")
