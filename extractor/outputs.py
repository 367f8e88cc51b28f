"""Writing annotated documents: JSON Lines, Parquet or spaCy DocBin, crash-safe and resumable.

Annotation runs far from the writer (another process, a Dask worker), so each
format is split in two: `encode_batch` turns a batch of annotated `Doc`s into
one picklable payload where the annotation ran, and a sink appends payloads to
the output. Output is only ever added in whole batches or whole parts:

- one JSON Lines file: each batch is appended as whole lines, flushed and
  fsynced, so a crash leaves whole batches (at worst a torn last line, which
  `--resume` truncates away);
- a folder of parts (`part-00000.jsonl`, `.parquet`, `.spacy`): each part is
  written to a hidden temporary file, fsynced and renamed into place, so a part
  that exists is whole, and leftovers of a crash are deleted on the next run.

`done_ids` reads back the ids already written, which is what `--resume` skips.
Parquet rows hold `id`, `text`, `spans` (start, end, label, text, attrs) and
`meta`, with `attrs` and `meta` as JSON text (their fields are free-form); a
DocBin keeps each document's id and meta in `Doc.user_data["id"]` and `["meta"]`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from spacy.tokens import Doc, DocBin

from extractor.records import DocRecord

FORMATS: dict[str, str] = {"jsonl": ".jsonl", "parquet": ".parquet", "docbin": ".spacy"}
_PART = re.compile(r"part-(\d{5,})(\.[a-z]+)$")


class OutputError(Exception):
    """The output cannot be written or resumed as asked (named with its path)."""


def format_for(output: str | Path, given: str | None = None) -> str:
    """The output format: the one given, else the one the output's suffix names, else JSON Lines."""
    if given is not None:
        if given not in FORMATS:
            raise OutputError(f"unknown output format {given!r}: use one of {', '.join(FORMATS)}")
        return given
    suffix = Path(output).suffix
    return next((name for name, ext in FORMATS.items() if ext == suffix), "jsonl")


def _parquet_schema() -> Any:
    try:
        import pyarrow as pa
    except ImportError as err:
        raise OutputError("writing Parquet needs pyarrow: pip install 'extractor[data]'") from err
    span = pa.struct(
        [
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("label", pa.string()),
            ("text", pa.string()),
            ("attrs", pa.string()),
        ]
    )
    return pa.schema([("id", pa.string()), ("text", pa.string()), ("spans", pa.list_(span)), ("meta", pa.string())])


@dataclass
class EncodedBatch:
    """A batch of annotated documents in its output format, ready to append."""

    fmt: str
    payload: Any  # jsonl: str of whole lines; parquet: a pyarrow Table; docbin: DocBin bytes
    docs: int
    spans: int
    words: int = 0  # whitespace-separated words of the batch's texts, for throughput figures


def encode_batch(fmt: str, docs: Sequence[Doc], records: Sequence[DocRecord]) -> EncodedBatch:
    """Encode annotated documents (`records[i]` is `docs[i]` as a record) in format `fmt`."""
    spans = sum(len(record.spans) for record in records)
    if fmt == "jsonl":
        payload: Any = "".join(record.to_json() + "\n" for record in records)
    elif fmt == "parquet":
        import pyarrow as pa

        rows = []
        for record in records:
            data = record.to_dict()
            for span in data["spans"]:
                span["attrs"] = json.dumps(span["attrs"], ensure_ascii=False)
            data["meta"] = json.dumps(data["meta"], ensure_ascii=False)
            rows.append(data)
        payload = pa.Table.from_pylist(rows, schema=_parquet_schema())
    elif fmt == "docbin":
        docbin = DocBin(store_user_data=True)
        for doc, record in zip(docs, records, strict=True):
            doc.user_data["id"] = record.id
            doc.user_data["meta"] = record.meta
            docbin.add(doc)
        payload = docbin.to_bytes()
    else:
        raise OutputError(f"unknown output format {fmt!r}")
    return EncodedBatch(fmt, payload, len(records), spans)


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable; a no-op where folders cannot be opened (Windows)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def write_whole(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a file through a hidden temporary file and rename it, so it is whole or absent."""
    temp = path.with_name(f".{path.name}.tmp")
    try:
        with temp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def part_path(folder: Path, number: int, fmt: str) -> Path:
    return folder / f"part-{number:05d}{FORMATS[fmt]}"


@dataclass
class PartWriter:
    """One part of a partitioned output: batches are collected, then written whole (at least one batch)."""

    path: Path
    fmt: str
    batches: list[EncodedBatch] = field(default_factory=list)
    docs: int = 0
    spans: int = 0

    def add(self, batch: EncodedBatch) -> None:
        self.batches.append(batch)
        self.docs += batch.docs
        self.spans += batch.spans

    def commit(self) -> None:
        if self.fmt == "jsonl":
            data = "".join(batch.payload for batch in self.batches).encode("utf-8")
            write_whole(self.path, lambda handle: handle.write(data))
        elif self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.concat_tables([batch.payload for batch in self.batches])
            write_whole(self.path, lambda handle: pq.write_table(table, handle))
        else:
            merged = DocBin(store_user_data=True)
            for batch in self.batches:
                merged.merge(DocBin(store_user_data=True).from_bytes(batch.payload))
            data = merged.to_bytes()
            write_whole(self.path, lambda handle: handle.write(data))
        self.batches.clear()


class JsonlFileSink:
    """One JSON Lines file, appended a whole batch at a time (write, flush, fsync)."""

    def __init__(self, path: Path, resume: bool) -> None:
        if path.is_dir():
            raise OutputError(f"{path}: is a folder; JSON Lines output from one process is a file")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("ab" if resume else "wb")

    def write(self, batch: EncodedBatch) -> None:
        self._handle.write(batch.payload.encode("utf-8"))
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


class PartsSink:
    """A folder of parts, a new one every `part_size` documents, numbered on from `first`."""

    def __init__(self, folder: Path, fmt: str, part_size: int, first: int) -> None:
        self.folder, self.fmt, self.part_size = folder, fmt, part_size
        folder.mkdir(parents=True, exist_ok=True)
        self._next = first
        self._part: PartWriter | None = None

    def write(self, batch: EncodedBatch) -> None:
        if self._part is None:
            self._part = PartWriter(part_path(self.folder, self._next, self.fmt), self.fmt)
            self._next += 1
        self._part.add(batch)
        if self._part.docs >= self.part_size:
            self._part.commit()
            self._part = None

    def close(self) -> None:
        if self._part is not None and self._part.docs:
            self._part.commit()
        self._part = None


def truncate_torn_line(path: Path) -> bool:
    """Cut a last line that has no newline (a write cut short); True when one was cut."""
    size = path.stat().st_size
    if size == 0:
        return False
    with path.open("rb+") as handle:
        end = size
        while end > 0:
            step = min(1 << 16, end)
            handle.seek(end - step)
            chunk = handle.read(step)
            if end == size and chunk.endswith(b"\n"):
                return False
            cut = chunk.rfind(b"\n")
            if cut >= 0:
                handle.truncate(end - step + cut + 1)
                return True
            end -= step
        handle.truncate(0)
        return True


def _jsonl_ids(path: Path) -> Iterator[str]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield str(json.loads(line)["id"])
            except (ValueError, KeyError, TypeError) as err:
                raise OutputError(f"{path}:{number}: not a record written by extractor annotate ({err})") from err


def _part_ids(path: Path, fmt: str) -> Iterator[str]:
    if fmt == "jsonl":
        yield from _jsonl_ids(path)
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        yield from (str(value) for value in pq.read_table(path, columns=["id"]).column("id").to_pylist())
    else:
        import srsly

        docbin = DocBin(store_user_data=True).from_bytes(path.read_bytes())
        for data in docbin.user_data:
            yield str(srsly.msgpack_loads(data, use_list=False)["id"])


def _parts(folder: Path, fmt: str) -> list[tuple[int, Path]]:
    found = []
    for path in folder.iterdir():
        match = _PART.fullmatch(path.name)
        if match and match.group(2) == FORMATS[fmt]:
            found.append((int(match.group(1)), path))
    return sorted(found)


def prepare_parts(folder: Path, fmt: str, resume: bool) -> tuple[set[str], int]:
    """Make `folder` ready for parts: the ids already written and the next part number.

    Temporary files left by a crash are deleted; without `resume`, so are the
    parts of an earlier run in this format (the run starts over).
    """
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: is a file; output in parts goes to a folder")
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".part-*.tmp"):
        leftover.unlink()
    parts = _parts(folder, fmt)
    if not resume:
        for _, path in parts:
            path.unlink()
        return set(), 0
    done: set[str] = set()
    for _, path in parts:
        done.update(_part_ids(path, fmt))
    return done, (parts[-1][0] + 1 if parts else 0)


def prepare_jsonl_file(path: Path, resume: bool) -> set[str]:
    """The ids already in a JSON Lines output when resuming (its torn last line cut), else none."""
    if not resume or not path.is_file():
        return set()
    truncate_torn_line(path)
    return set(_jsonl_ids(path))
