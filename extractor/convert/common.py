"""What every converter shares: where a document came from, how problems are reported, span checks.

Converters turn other tools' files into `DocRecord`s and back. A problem with
one document never stops the others: readers yield `RecordError`s (the
document is skipped) and `Notice`s (something worth knowing, the document is
still converted), each naming the file and line (or item) it came from.
Writers get `(Origin, DocRecord)` pairs so that a document they cannot write
is reported against the place it was read from.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from extractor import __version__
from extractor.labels import SPANS_KEY
from extractor.records import DocRecord, RecordError, SpanRecord


class ConversionError(ValueError):
    """One document (or one item of it) cannot be converted; the caller adds where it came from."""


@dataclass(frozen=True)
class Notice:
    """Something a user should know about a document that was still converted, or skipped on purpose."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Origin:
    """Where a document was read: a file, a 1-based line when the format has lines, or an item name."""

    path: str
    line: int | None = None
    item: str | None = None

    def _reason(self, reason: str) -> str:
        return f"{self.item}: {reason}" if self.item else reason

    def error(self, reason: str) -> RecordError:
        return RecordError(self.path, self.line, self._reason(reason))

    def notice(self, reason: str) -> Notice:
        return Notice(self.path, self.line, self._reason(reason))


@dataclass
class ConvertOptions:
    """Settings particular to some formats; each converter reads only the ones it needs."""

    #: DocBin: the span group that holds the spans (read from `doc.ents` when a DocBin lacks it).
    spans_key: str = SPANS_KEY
    #: Label Studio export: "predictions" (pre-annotations to correct) or "annotations" (finished work).
    labelstudio_as: str = "predictions"
    #: Label Studio export: the `model_version` of the predictions.
    model_version: str = f"extractor-{__version__}"
    #: Label Studio import: take a task's latest prediction when it has no completed annotation.
    use_predictions: bool = False
    #: Label Studio: the names of the `<Labels>` and `<Text>` tags of the labelling config.
    from_name: str = "label"
    to_name: str = "text"
    #: Hugging Face import: the split to read from a saved DatasetDict.
    split: str | None = None


#: What a reader yields: a document with its origin, or a problem.
ReadItem = tuple[Origin, DocRecord] | RecordError | Notice
#: Where writers send the documents they could not write, and notices.
Report = Callable[[RecordError | Notice], None]

T = TypeVar("T")


def encode_each(
    items: Iterable[tuple[Origin, DocRecord]], encode: Callable[[DocRecord], T], report: Report
) -> Iterator[tuple[Origin, DocRecord, T]]:
    """Apply a per-document `encode`, reporting the documents it rejects and going on with the rest."""
    for origin, record in items:
        try:
            yield origin, record, encode(record)
        except ConversionError as err:
            report(origin.error(str(err)))


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConversionError(f"span '{name}' must be an integer, got {value!r}")
    return value


def make_span(text: str, start: Any, end: Any, label: Any, attrs: Any = None) -> SpanRecord:
    """A span on `text[start:end]`, checking the offsets, the label and the attributes' shape."""
    start, end = _int(start, "start"), _int(end, "end")
    if not 0 <= start < end <= len(text):
        raise ConversionError(f"span offsets {start}-{end} must satisfy 0 <= start < end <= {len(text)} (text length)")
    if not isinstance(label, str) or not label:
        raise ConversionError(f"span {start}-{end} has no label (got {label!r})")
    if attrs is None:
        attrs = {}
    if not isinstance(attrs, dict):
        raise ConversionError(f"span {start}-{end} {label}: attributes must be a JSON object, got {attrs!r}")
    return SpanRecord(start, end, label, text[start:end], attrs)


def check_record(record: DocRecord) -> None:
    """Raise `ConversionError` unless every span has sound offsets and the text it claims to cover."""
    for index, span in enumerate(record.spans):
        try:
            made = make_span(record.text, span.start, span.end, span.label, span.attrs)
            if made.text != span.text:
                raise ConversionError(f"its text {span.text!r} is not the document's text there, {made.text!r}")
        except ConversionError as err:
            raise ConversionError(f"span {index} ({span.label} {span.start}-{span.end}): {err}") from err


def readable(items: Iterable[ReadItem], report: Report) -> Iterator[tuple[Origin, DocRecord]]:
    """The sound documents of a reader's output; problems, and documents that fail `check_record`, go to `report`."""
    for item in items:
        if not isinstance(item, tuple):
            report(item)
            continue
        origin, record = item
        try:
            check_record(record)
        except ConversionError as err:
            report(origin.error(str(err)))
            continue
        yield origin, record


def attrs_table(record: DocRecord) -> list[dict[str, Any]]:
    """The spans that have attributes, for formats that keep them beside the spans (doccano, Label Studio)."""
    return [
        {"start": span.start, "end": span.end, "label": span.label, "attrs": span.attrs}
        for span in record.sorted_spans()
        if span.attrs
    ]


def attrs_lookup(table: Any) -> dict[tuple[int, int, str], dict[str, Any]]:
    """`attrs_table`'s list read back, keyed by (start, end, label); spans edited in the tool lose theirs."""
    if table is None:
        return {}
    if not isinstance(table, list) or not all(isinstance(row, dict) for row in table):
        raise ConversionError(f"'span_attrs' must be a list of objects, got {table!r}")
    found = {}
    for row in table:
        attrs = row.get("attrs")
        if not isinstance(attrs, dict):
            raise ConversionError(f"'span_attrs' entry {row!r} has no 'attrs' object")
        found[(row.get("start"), row.get("end"), row.get("label"))] = attrs
    return found


def dumps(value: Any) -> str:
    """JSON on one line, keeping non-ASCII text readable (the gold format's own convention)."""
    return json.dumps(value, ensure_ascii=False)


@contextmanager
def atomic_output(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A handle on a temporary file beside `path`, renamed onto it only when the block succeeds.

    An interrupted conversion never leaves a half-written output. Text is
    written with "\\n" line ends whatever the platform, so files compare byte
    for byte.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        if binary:
            handle: IO[Any] = os.fdopen(descriptor, "wb")
        else:
            handle = os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")
        with handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_lines(
    items: Iterable[tuple[Origin, DocRecord]], path: Path, encode: Callable[[DocRecord], Any], report: Report
) -> int:
    """Write one JSON line per document that `encode` accepts; return how many were written."""
    count = 0
    with atomic_output(path) as handle:
        for _, _, line in encode_each(items, encode, report):
            handle.write(dumps(line) + "\n")
            count += 1
    return count
