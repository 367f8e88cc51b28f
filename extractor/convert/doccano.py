"""doccano sequence-labelling JSON Lines, in both the `label` and the newer `entities` forms.

Import reads `"label": [[start, end, "LABEL"], ...]` or
`"entities": [{"start_offset", "end_offset", "label"}, ...]`. Export writes the
`label` form, which doccano's import takes for sequence labelling. doccano
keeps every other column of an imported line as the example's metadata and
writes it back on export, so the gold id, metadata and span attributes travel
there: `doc_id`, `meta` and `span_attrs` (the spans that have attributes, with
their offsets and label; a span changed in doccano loses them). Other unknown
columns of a doccano file are read into the document's `meta`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from extractor.convert.common import (
    ConversionError,
    ConvertOptions,
    Origin,
    ReadItem,
    Report,
    attrs_lookup,
    attrs_table,
    make_span,
    write_json_lines,
)
from extractor.records import DocRecord, RecordError, iter_json_lines

#: Columns with a meaning in doccano or in this export; any other column is metadata.
KNOWN_COLUMNS = frozenset(
    {"id", "doc_id", "text", "label", "entities", "relations", "Comments", "comments", "meta", "span_attrs"}
)


def record_to_line(record: DocRecord) -> dict[str, Any]:
    """The doccano line of a record (the `label` form)."""
    return {
        "doc_id": record.id,
        "text": record.text,
        "label": [[span.start, span.end, span.label] for span in record.sorted_spans()],
        "meta": record.meta,
        "span_attrs": attrs_table(record),
    }


def _raw_spans(line: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    """(start, end, label) of each span, from `entities` or from `label`."""
    if "entities" in line:
        entities = line["entities"]
        if not isinstance(entities, list) or not all(isinstance(entity, dict) for entity in entities):
            raise ConversionError("'entities' must be a list of objects")
        return [(entity.get("start_offset"), entity.get("end_offset"), entity.get("label")) for entity in entities]
    labels = line.get("label") or []
    if not isinstance(labels, list) or not all(isinstance(item, list) and len(item) == 3 for item in labels):
        raise ConversionError(
            f"'label' must be a list of [start, end, label] triples (a sequence-labelling project), got {labels!r}"
        )
    return [tuple(item) for item in labels]


def line_to_record(line: Any, default_id: str) -> DocRecord:
    """The record of one doccano line; `ConversionError` names the first thing wrong with it."""
    if not isinstance(line, dict):
        raise ConversionError("a line must be a JSON object")
    text = line.get("text")
    if not isinstance(text, str):
        raise ConversionError("missing or non-string 'text'")
    meta = line.get("meta") or {}
    if not isinstance(meta, dict):
        raise ConversionError(f"'meta' must be a JSON object, got {meta!r}")
    meta = {**meta, **{key: value for key, value in line.items() if key not in KNOWN_COLUMNS}}
    attrs = attrs_lookup(line.get("span_attrs"))
    spans = []
    for index, (start, end, label) in enumerate(_raw_spans(line)):
        try:
            spans.append(make_span(text, start, end, label, attrs.get((start, end, label))))
        except ConversionError as err:
            raise ConversionError(f"span {index}: {err}") from err
    doc_id = line.get("doc_id", line.get("id"))
    return DocRecord(id=default_id if doc_id is None else str(doc_id), text=text, spans=spans, meta=meta)


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    for number, line in iter_json_lines(path):
        if isinstance(line, RecordError):
            yield line
            continue
        origin = Origin(str(path), number)
        try:
            yield origin, line_to_record(line, f"{path.stem}-{number}")
        except ConversionError as err:
            yield origin.error(str(err))


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    return write_json_lines(items, path, record_to_line, report)
