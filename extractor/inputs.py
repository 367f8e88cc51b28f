"""Reading documents to annotate, as streams: .txt files and folders, JSON Lines, CSV,
Parquet and Hugging Face `datasets` saved with `save_to_disk`.

Every reader yields one `Located` item per document, never raises on one bad
document: an empty text, text that is not UTF-8, a malformed JSON line or a row
without the text field becomes a `RecordError` naming the file and line (the row
number for Parquet and datasets), and the rest go on. Readers hold one row, or one
Arrow record batch, at a time, so memory does not grow with the corpus.

Rows (JSON Lines, CSV, Parquet, datasets) take their text and id from the fields
named by `Fields`; a `meta` object is kept as the record's metadata, and any other
field is added to it, so a `date` column still reaches the pipeline.
"""

from __future__ import annotations

import csv
import datetime
import sys
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from extractor.records import DocRecord, RecordError, iter_json_lines

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet",)
FOLDER_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES
ARROW_BATCH_ROWS = 1024
# Row fields that are not metadata: the gold format's own spans are never input.
_NOT_META = frozenset({"meta", "spans"})


@dataclass(frozen=True)
class Fields:
    """Which row fields hold a document's text and id."""

    text: str = "text"
    id: str = "id"


DEFAULT_FIELDS = Fields()


class Located(NamedTuple):
    """A document or an error, with the file and line (or row) it came from."""

    item: DocRecord | RecordError
    path: Path
    line: int | None


class InputError(RecordError):
    """A `RecordError` that also names the document's id when the row gave one."""

    def __init__(self, path: str | Path, line: int | None, reason: str, doc_id: str | None = None) -> None:
        super().__init__(path, line, reason)
        self.doc_id = doc_id


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a value from Arrow (dates become ISO strings, the rest `str`)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def _row_record(row: dict[str, Any], fields: Fields, default_id: str, path: Path, line: int | None) -> Located:
    """The record of one row, or an error naming what is wrong with it."""
    raw_id = row.get(fields.id)
    doc_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
    text = row.get(fields.text)
    if not isinstance(text, str):
        reason = f"missing or non-string {fields.text!r} field"
        return Located(InputError(path, line, reason, doc_id if raw_id is not None else None), path, line)
    if not text.strip():
        return Located(InputError(path, line, f"document {doc_id!r} has no text", doc_id), path, line)
    given_meta = row.get("meta")
    meta = dict(given_meta) if isinstance(given_meta, dict) else {}
    for key, value in row.items():
        if key not in (fields.text, fields.id) and key not in _NOT_META and key not in meta:
            meta[key] = value
    return Located(DocRecord(id=doc_id, text=text, meta=meta), path, line)


def _read_text_file(path: Path, doc_id: str) -> Located:
    try:
        raw = path.read_bytes()
    except OSError as err:
        return Located(RecordError(path, None, f"cannot read file ({err.strerror})"), path, None)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Located(RecordError(path, None, f"not valid UTF-8 ({err.reason} at byte {err.start})"), path, None)
    if not text.strip():
        return Located(InputError(path, None, f"document {doc_id!r} has no text", doc_id), path, None)
    return Located(DocRecord(id=doc_id, text=text, meta={"source": str(path)}), path, None)


def _read_jsonl(path: Path, fields: Fields) -> Iterator[Located]:
    for number, row in iter_json_lines(path):
        if isinstance(row, RecordError):
            yield Located(row, path, number)
        elif not isinstance(row, dict):
            yield Located(RecordError(path, number, "a document must be a JSON object"), path, number)
        else:
            yield _row_record(row, fields, f"{path.stem}-{number}", path, number)


def _has_surrogates(values: Iterable[Any]) -> bool:
    """True when a CSV field held bytes that are not UTF-8 (decoded as lone surrogates)."""
    try:
        for value in values:
            if isinstance(value, str):
                value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _read_csv(path: Path, fields: Fields) -> Iterator[Located]:
    # Texts are long: lift the csv module's field limit (131,072 characters by default).
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            yield Located(RecordError(path, None, "empty CSV file (no header row)"), path, None)
            return
        if fields.text not in reader.fieldnames:
            reason = f"no {fields.text!r} column (columns: {', '.join(reader.fieldnames)})"
            yield Located(RecordError(path, 1, reason), path, 1)
            return
        start = reader.line_num + 1
        for row in reader:
            row.pop(None, None)  # cells beyond the header: not a field of their own
            if _has_surrogates(row.values()):
                yield Located(RecordError(path, start, "not valid UTF-8"), path, start)
            else:
                yield _row_record(row, fields, f"{path.stem}-{start}", path, start)
            start = reader.line_num + 1


def _missing_extra(path: Path, what: str) -> Located:
    reason = f"reading {what} needs pyarrow and datasets: pip install 'extractor[data]'"
    return Located(RecordError(path, None, reason), path, None)


def _read_parquet(path: Path, fields: Fields) -> Iterator[Located]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield _missing_extra(path, "Parquet")
        return
    try:
        parquet = pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ... for a file it cannot read
        yield Located(RecordError(path, None, f"not a readable Parquet file ({err})"), path, None)
        return
    names = parquet.schema_arrow.names
    if fields.text not in names:
        yield Located(RecordError(path, None, f"no {fields.text!r} column (columns: {', '.join(names)})"), path, None)
        return
    number = 0
    for batch in parquet.iter_batches(batch_size=ARROW_BATCH_ROWS):
        for row in batch.to_pylist():
            number += 1
            yield _row_record(_plain(row), fields, f"{path.stem}-{number}", path, number)


def is_saved_dataset(path: Path) -> bool:
    """True for a folder written by `Dataset.save_to_disk` or `DatasetDict.save_to_disk`."""
    return (path / "dataset_dict.json").is_file() or (
        (path / "state.json").is_file() and (path / "dataset_info.json").is_file()
    )


def _read_dataset(path: Path, fields: Fields) -> Iterator[Located]:
    try:
        from datasets import DatasetDict, load_from_disk
    except ImportError:
        yield _missing_extra(path, "a saved dataset")
        return
    try:
        loaded = load_from_disk(str(path))  # memory-mapped Arrow files: rows are read as iterated
    except Exception as err:  # datasets raises FileNotFoundError, ValueError, ... for a damaged folder
        yield Located(RecordError(path, None, f"not a readable saved dataset ({err})"), path, None)
        return
    splits = list(loaded.items()) if isinstance(loaded, DatasetDict) else [(None, loaded)]
    for split, dataset in splits:
        where = path / split if split else path
        prefix = f"{path.name}-{split}" if split else path.name
        if fields.text not in dataset.column_names:
            reason = f"no {fields.text!r} column (columns: {', '.join(dataset.column_names)})"
            yield Located(RecordError(where, None, reason), where, None)
            continue
        number = 0
        for batch in dataset.iter(batch_size=ARROW_BATCH_ROWS):
            for values in zip(*batch.values(), strict=True):
                number += 1
                row = _plain(dict(zip(batch, values, strict=True)))
                yield _row_record(row, fields, f"{prefix}-{number}", where, number)


def _folder_files(folder: Path, skip: Collection[Path]) -> list[tuple[Path, str]]:
    """The readable files under a folder, sorted, each with its id if it is a text file.

    Files that are, or lie under, a path in `skip` (the run's own output and errors
    file) are left out, so a run never reads what it writes.
    """
    skipped = {path.resolve() for path in skip}
    files = sorted(p for p in folder.rglob("*") if p.suffix in FOLDER_SUFFIXES and p.is_file())
    kept = [p for p in files if skipped.isdisjoint({p.resolve(), *p.resolve().parents})]
    return [(p, p.relative_to(folder).with_suffix("").as_posix()) for p in kept]


def _read_path(path: Path, fields: Fields, text_id: str) -> Iterator[Located]:
    if path.suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, fields)
    elif path.suffix in CSV_SUFFIXES:
        yield from _read_csv(path, fields)
    elif path.suffix in PARQUET_SUFFIXES:
        yield from _read_parquet(path, fields)
    else:
        yield _read_text_file(path, text_id)


def iter_inputs(
    paths: Iterable[str | Path], fields: Fields = DEFAULT_FIELDS, skip: Collection[Path] = ()
) -> Iterator[Located]:
    """Documents from files and folders, in a stable order (folders sorted by name).

    A `.txt` file's id is its name without the suffix; under a given folder, its
    path relative to that folder (`sub/name`), so files of the same name in two
    subfolders keep different ids. Files in a folder that are, or lie under, a
    path in `skip` are not read.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir() and is_saved_dataset(path):
            yield from _read_dataset(path, fields)
        elif path.is_dir():
            for file, text_id in _folder_files(path, skip):
                yield from _read_path(file, fields, text_id)
        elif not path.exists():
            yield Located(RecordError(path, None, "no such file or folder"), path, None)
        else:
            yield from _read_path(path, fields, path.stem)


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _count_path(path: Path) -> int | None:
    if path.suffix in JSONL_SUFFIXES:
        return _count_lines(path)
    if path.suffix in PARQUET_SUFFIXES:
        try:
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows
        except Exception:  # unreadable: reported when read; the count is only for the progress bar
            return 1
    if path.suffix in CSV_SUFFIXES:
        return None  # a row may span lines: no cheap count
    return 1


def _count_dataset(path: Path) -> int | None:
    try:
        from datasets import load_from_disk
    except ImportError:
        return 1  # reported as an error when read
    rows = load_from_disk(str(path)).num_rows
    return sum(rows.values()) if isinstance(rows, dict) else rows


def count_documents(paths: Iterable[str | Path], skip: Collection[Path] = ()) -> int | None:
    """How many documents `iter_inputs` will yield, about (for a progress bar), or None when unknown.

    JSON Lines are counted by lines (blank lines included) without parsing them,
    Parquet and datasets from their metadata; CSV has no cheap count.
    """
    total = 0
    for given in paths:
        path = Path(given)
        if path.is_dir() and is_saved_dataset(path):
            count: int | None = _count_dataset(path)
        elif path.is_dir():
            counts = [_count_path(file) for file, _ in _folder_files(path, skip)]
            count = None if None in counts else sum(c for c in counts if c is not None)
        else:
            count = _count_path(path) if path.exists() else 1
        if count is None:
            return None
        total += count
    return total
