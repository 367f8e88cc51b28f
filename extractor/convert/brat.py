"""brat standoff: a folder of `.txt` + `.ann` pairs, one pair per document.

Each span is a text-bound `T` line; its attributes are a brat note on it
(`#1<TAB>AnnotatorNotes T1<TAB>{"canonical": ...}`, JSON), so they survive
editing in brat. brat holds one annotation per line and reads the `.ann` file
line by line, so a span that crosses a line break is written as brat itself
writes it: fragments split at the line breaks (`T1<TAB>LABEL 0 5;6 20`). On
import, fragments separated only by whitespace are joined back into one span;
truly discontinuous `T` lines (fragments with text between them) are rejected
with an error, since gold spans are contiguous. brat attribute lines
(`A1<TAB>Name T1 [value]`) become attributes too; relations, events,
normalisations and equivalences have no place in the gold format and are
skipped with a notice.

brat has nowhere for a document's id, metadata or place in the corpus, so the
folder also holds `documents.jsonl` (file stem, id and metadata, in corpus
order), and an `annotation.conf` declaring the labels. File stems are the ids
where those are safe file names, and `doc-NNNNNN` otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extractor.convert.common import (
    ConversionError,
    ConvertOptions,
    Origin,
    ReadItem,
    Report,
    dumps,
    encode_each,
    make_span,
)
from extractor.labels import LABELS
from extractor.records import DocRecord, RecordError, SpanRecord, iter_json_lines

MANIFEST = "documents.jsonl"
CONFIG = "annotation.conf"
DISCONTINUOUS_SEPARATOR = " "  # brat joins the texts of a span's fragments with a space

#: Characters at which Python's `str.splitlines` (and so brat's reader) ends a line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(rf"\s*[{LINE_BREAKS}]\s*")
_SAFE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_TEXTBOUND = re.compile(r"(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)", re.DOTALL)
_NOTE = re.compile(r"#\S*\t(\S+) (\S+)\t?(.*)", re.DOTALL)
_ATTRIBUTE = re.compile(r"[AM]\S*\t(\S+) (\S+)(?: (\S+))?")
CARRIAGE_RETURN_NOTICE = (
    "the text has carriage returns: brat reads text with universal newlines, so it will show offsets after them shifted"
)
_LINE_KINDS = {"R": "relation", "E": "event", "N": "normalisation", "*": "equivalence"}


# --- writing ---------------------------------------------------------------------------------------


def fragments(span: SpanRecord) -> list[tuple[int, int]]:
    """The span's (start, end) fragments: itself, cut where it crosses a line break."""
    pieces, start = [], span.start
    for run in _BREAK_RUN.finditer(span.text):
        pieces.append((start, span.start + run.start()))
        start = span.start + run.end()
    pieces.append((start, span.end))
    if any(piece_start >= piece_end for piece_start, piece_end in pieces):
        raise ConversionError(
            f"span {span.label} {span.start}-{span.end} {span.text!r} starts or ends with a line break, "
            "which a brat annotation line cannot hold"
        )
    return pieces


def _one_line(json_text: str) -> str:
    """JSON text with the line-break characters that `json.dumps` leaves alone escaped."""
    return "".join(f"\\u{ord(char):04x}" if char in LINE_BREAKS else char for char in json_text)


def record_to_ann(record: DocRecord) -> str:
    """The `.ann` file of a record: a `T` line per span, and a note with its attributes."""
    lines = []
    for number, span in enumerate(record.sorted_spans(), start=1):
        pieces = fragments(span)
        offsets = ";".join(f"{start} {end}" for start, end in pieces)
        quoted = DISCONTINUOUS_SEPARATOR.join(record.text[start:end] for start, end in pieces)
        lines.append(f"T{number}\t{span.label} {offsets}\t{quoted}")
        if span.attrs:
            lines.append(f"#{number}\tAnnotatorNotes T{number}\t{_one_line(dumps(span.attrs))}")
    return "".join(line + "\n" for line in lines)


def annotation_conf(labels: Iterable[str]) -> str:
    """brat's `annotation.conf`: the labels as entity types, and overlaps allowed (a definition holds names).

    brat forbids overlapping spans unless told otherwise; which overlaps the
    guidelines allow is checked by `extractor validate`, not by brat.
    """
    sections = {
        "entities": list(labels),
        "relations": ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"],
        "events": [],
        "attributes": [],
    }
    return "".join(f"[{name}]\n" + "".join(f"{line}\n" for line in lines) + "\n" for name, lines in sections.items())


def _stems(records: list[DocRecord]) -> list[str]:
    """A distinct file stem per record: its id when that is a safe file name, else `doc-NNNNNN`."""
    taken: set[str] = set()
    stems = []
    for index, record in enumerate(records, start=1):
        stem = record.id if _SAFE_STEM.fullmatch(record.id) else f"doc-{index:06d}"
        while stem.casefold() in taken:
            stem = f"doc-{index:06d}-{len(taken)}"
        taken.add(stem.casefold())
        stems.append(stem)
    return stems


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    """Write a brat folder; it must be new or hold no brat files already (they are not ours to overwrite)."""
    if path.exists() and (not path.is_dir() or any(path.glob("*.ann")) or (path / MANIFEST).exists()):
        raise FileExistsError(f"{path}: already holds brat files (or is a file); give a new or empty folder")
    encoded = list(encode_each(items, record_to_ann, report))
    records = [record for _, record, _ in encoded]
    path.mkdir(parents=True, exist_ok=True)
    with (path / MANIFEST).open("w", encoding="utf-8", newline="\n") as manifest:
        for stem, (origin, record, ann) in zip(_stems(records), encoded, strict=True):
            if "\r" in record.text:
                report(origin.notice(CARRIAGE_RETURN_NOTICE))
            (path / f"{stem}.txt").write_text(record.text, encoding="utf-8", newline="")
            (path / f"{stem}.ann").write_text(ann, encoding="utf-8", newline="")
            manifest.write(dumps({"file": stem, "id": record.id, "meta": record.meta}) + "\n")
    extra = sorted({span.label for record in records for span in record.spans} - set(LABELS))
    (path / CONFIG).write_text(annotation_conf([*LABELS, *extra]), encoding="utf-8", newline="\n")
    return len(records)


# --- reading ---------------------------------------------------------------------------------------


def _join_fragments(text: str, pieces: list[tuple[int, int]], offsets: str) -> tuple[int, int]:
    """One (start, end) from a T line's fragments, which may only be separated by whitespace."""
    for (_, end), (start, _) in zip(pieces, pieces[1:], strict=False):
        if start < end:
            raise ConversionError(f"fragments {offsets!r} overlap or are out of order")
        if text[end:start].strip():
            raise ConversionError(
                f"discontinuous span (fragments {offsets!r} leave out {text[end:start]!r}); "
                "gold spans are contiguous, so this annotation cannot be converted"
            )
    return pieces[0][0], pieces[-1][1]


def _parse_textbound(text: str, match: re.Match[str]) -> tuple[str, SpanRecord]:
    ann_id, label, offsets, quoted = match.groups()
    pieces = [(int(start), int(end)) for start, end in (piece.split() for piece in offsets.split(";"))]
    start, end = _join_fragments(text, pieces, offsets)
    span = make_span(text, start, end, label)
    expected = DISCONTINUOUS_SEPARATOR.join(text[a:b] for a, b in pieces)
    if not quoted.startswith(expected):
        raise ConversionError(f"{ann_id}: its text {quoted!r} is not the document's text at {offsets}, {expected!r}")
    return ann_id, span


def _note_attrs(note: str) -> dict[str, Any]:
    """A note's attributes: the JSON object this converter writes, or a person's note kept as `note`."""
    try:
        value = json.loads(note)
    except json.JSONDecodeError:
        value = None
    return value if isinstance(value, dict) else {"note": note}


def parse_ann(text: str, ann: str, origin: Origin) -> tuple[list[SpanRecord], list[RecordError], list[str]]:
    """The spans of an `.ann` file, the errors of its bad lines (each naming its line) and notes."""
    spans: dict[str, SpanRecord] = {}
    attrs: dict[str, dict[str, Any]] = {}
    errors, notes = [], []
    for number, line in enumerate(ann.splitlines(), start=1):
        if not line.strip():
            continue
        where = Origin(origin.path, number)
        try:
            if match := _TEXTBOUND.fullmatch(line):
                ann_id, span = _parse_textbound(text, match)
                spans[ann_id] = span
            elif match := _NOTE.fullmatch(line):
                if match.group(1) == "AnnotatorNotes":
                    attrs.setdefault(match.group(2), {}).update(_note_attrs(match.group(3)))
            elif match := _ATTRIBUTE.fullmatch(line):
                name, target, value = match.groups()
                attrs.setdefault(target, {})[name] = True if value is None else value
            elif line[0] in _LINE_KINDS:
                notes.append(f"line {number}: brat {_LINE_KINDS[line[0]]} {line.split(chr(9))[0]} skipped")
            else:
                raise ConversionError(f"not a brat annotation line: {line!r}")
        except ConversionError as err:
            errors.append(where.error(str(err)))
    for target in sorted(attrs.keys() - spans.keys()):
        notes.append(f"notes or attributes of {target}, which is not a text-bound annotation, skipped")
    records = [
        SpanRecord(span.start, span.end, span.label, span.text, attrs.get(ann_id, {})) for ann_id, span in spans.items()
    ]
    return records, errors, notes


def _documents(folder: Path) -> Iterator[tuple[str, Any] | RecordError]:
    """(stem, manifest entry or None) for each document, in the manifest's order, then the others by name."""
    listed: list[str] = []
    manifest = folder / MANIFEST
    if manifest.exists():
        for number, entry in iter_json_lines(manifest):
            if isinstance(entry, RecordError):
                yield entry
            elif not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                yield RecordError(manifest, number, "a manifest line must be an object with a string 'file'")
            else:
                listed.append(entry["file"])
                yield entry["file"], entry
    for text_file in sorted(folder.glob("*.txt")):
        if text_file.stem not in listed:
            yield text_file.stem, None


def _read_document(folder: Path, stem: str, entry: dict[str, Any] | None) -> Iterator[ReadItem]:
    text_path, ann_path = folder / f"{stem}.txt", folder / f"{stem}.ann"
    try:
        with text_path.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        ann = ann_path.read_text(encoding="utf-8") if ann_path.exists() else ""
    except (OSError, UnicodeDecodeError) as err:
        yield RecordError(text_path, None, f"cannot read the document: {err}")
        return
    origin = Origin(str(ann_path))
    if not ann_path.exists():
        yield origin.notice("no .ann file: the document has no spans")
    spans, errors, notes = parse_ann(text, ann, origin)
    yield from (origin.notice(note) for note in notes)
    if errors:
        yield from errors
        return
    meta = (entry or {}).get("meta") or {}
    if not isinstance(meta, dict):
        yield RecordError(folder / MANIFEST, None, f"{stem}: 'meta' must be a JSON object")
        return
    yield origin, DocRecord(id=str((entry or {}).get("id", stem)), text=text, spans=spans, meta=meta)


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    if not path.is_dir():
        yield RecordError(path, None, "a brat corpus is a folder of .txt and .ann files")
        return
    for item in _documents(path):
        if isinstance(item, RecordError):
            yield item
        else:
            yield from _read_document(path, *item)
