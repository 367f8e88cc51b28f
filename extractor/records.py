"""The one record type for a document with spans.

The pipeline's writers, the gold readers, the converters and the evaluation
harness all exchange `DocRecord`s, so none of them depends on another's
internals (the harness never needs spaCy). Offsets are Python string offsets
(code points, end exclusive) into the original text, as the guidelines say.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SpanRecord:
    """One annotated span: a label on `text[start:end]` with free-form attributes."""

    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[int, int, str]:
        """What the strict score compares: boundaries and label."""
        return (self.start, self.end, self.label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "attrs": dict(self.attrs),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpanRecord:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            label=str(data["label"]),
            text=str(data.get("text", "")),
            attrs=dict(data.get("attrs") or {}),
        )


@dataclass
class DocRecord:
    """A document: its id, original text, spans (sorted by offset) and metadata."""

    id: str
    text: str
    spans: list[SpanRecord] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def sorted_spans(self) -> list[SpanRecord]:
        return sorted(self.spans, key=lambda s: (s.start, -s.end, s.label))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "spans": [s.to_dict() for s in self.sorted_spans()],
            "meta": dict(self.meta),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], default_id: str = "") -> DocRecord:
        if not isinstance(data, dict):
            raise ValueError("a document must be a JSON object")
        if "text" not in data or not isinstance(data["text"], str):
            raise ValueError("missing or non-string 'text' field")
        spans = data.get("spans") or []
        if not isinstance(spans, list):
            raise ValueError("'spans' must be a list")
        return cls(
            id=str(data.get("id", default_id) if data.get("id") is not None else default_id),
            text=data["text"],
            spans=[SpanRecord.from_dict(s) for s in spans],
            meta=dict(data.get("meta") or {}),
        )


class RecordError(ValueError):
    """A record that could not be read, with the file and line it came from."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


def iter_json_lines(path: str | Path) -> Iterator[tuple[int, Any]]:
    """`(line number, parsed JSON value or RecordError)` for each non-blank line.

    Lines are split at "\n" only; a byte-order mark on the first line is allowed.
    Errors are yielded, not raised, so one bad line never stops the rest of the file.
    """
    path = Path(path)
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                yield number, RecordError(path, number, f"not valid UTF-8 ({err.reason} at byte {err.start})")
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as err:
                yield number, RecordError(path, number, f"malformed JSON ({err.msg}, column {err.colno})")


def iter_jsonl_numbered(path: str | Path) -> Iterator[tuple[int, DocRecord | RecordError]]:
    """Yield `(line number, DocRecord or RecordError)` for each non-blank line.

    The default id is `<file stem>-<line>`.
    """
    path = Path(path)
    for number, data in iter_json_lines(path):
        if isinstance(data, RecordError):
            yield number, data
            continue
        try:
            yield number, DocRecord.from_dict(data, default_id=f"{path.stem}-{number}")
        except (ValueError, KeyError, TypeError) as err:
            yield number, RecordError(path, number, str(err))


def iter_jsonl(path: str | Path) -> Iterator[DocRecord | RecordError]:
    """Each line of a JSON Lines file as a `DocRecord`, or a `RecordError`."""
    for _, item in iter_jsonl_numbered(path):
        yield item


def read_jsonl(path: str | Path) -> list[DocRecord]:
    """Read a whole JSON Lines file, raising the first `RecordError` found."""
    records = []
    for item in iter_jsonl(path):
        if isinstance(item, RecordError):
            raise item
        records.append(item)
    return records


def write_jsonl(records: Iterable[DocRecord], path: str | Path) -> int:
    """Write records as JSON Lines; return how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.to_json() + "\n")
            count += 1
    return count
