"""Label Studio JSON (a list of tasks) for a `<Labels>` + `<Text>` labelling config.

Import reads completed tasks: of a task's annotations, the latest (by
`updated_at`, then `created_at`, then position) that was not cancelled, and
each region of type "labels" in its `result` (one span per label of a region).
Tasks with no such annotation are skipped with a notice, or, with
`use_predictions`, read from their latest prediction. A region whose
`value.text` disagrees with the text at its offsets is checked against UTF-16
offsets (what older Label Studio front ends stored when the text has characters
outside the Basic Multilingual Plane) and converted when that fits.

Export writes the records as pre-annotations to correct (`predictions`, with
`model_version` and a per-region `score`: the span's numeric `score`
attribute, or 1.0 for the rule pipeline, which gives none) or as finished
`annotations`. The gold id, metadata and span attributes go in the task's
`data` (`doc_id`, `meta`, `span_attrs`), which Label Studio keeps as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractor.convert.common import (
    ConversionError,
    ConvertOptions,
    Origin,
    ReadItem,
    Report,
    atomic_output,
    attrs_lookup,
    attrs_table,
    encode_each,
    make_span,
)
from extractor.labels import LABELS
from extractor.records import DocRecord, RecordError, SpanRecord

EXPORT_MODES = ("predictions", "annotations")
#: Keys of a task's `data` with a meaning here; any other key is read into the document's `meta`.
KNOWN_DATA_KEYS = frozenset({"text", "doc_id", "meta", "span_attrs"})
DEFAULT_SCORE = 1.0


def labelling_config(options: ConvertOptions | None = None, labels: Iterable[str] = LABELS) -> str:
    """The Label Studio labelling config (XML) that the export's regions refer to."""
    options = options or ConvertOptions()
    lines = [f'  <Labels name="{options.from_name}" toName="{options.to_name}">']
    lines += [f'    <Label value="{label}"/>' for label in labels]
    lines += ["  </Labels>", f'  <Text name="{options.to_name}" value="$text"/>']
    return "<View>\n" + "\n".join(lines) + "\n</View>\n"


def _score(span: SpanRecord) -> float:
    value = span.attrs.get("score")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else DEFAULT_SCORE


def record_to_task(record: DocRecord, options: ConvertOptions) -> dict[str, Any]:
    """The Label Studio task of a record, its spans as predictions or as an annotation."""
    results = []
    for index, span in enumerate(record.sorted_spans()):
        region = {
            "id": f"s{index}",
            "from_name": options.from_name,
            "to_name": options.to_name,
            "type": "labels",
            "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [span.label]},
        }
        if options.labelstudio_as == "predictions":
            region["score"] = _score(span)
        results.append(region)
    data = {"text": record.text, "doc_id": record.id, "meta": record.meta, "span_attrs": attrs_table(record)}
    if options.labelstudio_as == "annotations":
        return {"data": data, "annotations": [{"result": results, "was_cancelled": False}]}
    prediction: dict[str, Any] = {"model_version": options.model_version, "result": results}
    if results:
        prediction["score"] = sum(region["score"] for region in results) / len(results)
    return {"data": data, "predictions": [prediction]}


def _time(annotation: dict[str, Any]) -> datetime | None:
    stamp = annotation.get("updated_at") or annotation.get("created_at")
    try:
        moment = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def latest(entries: list[Any]) -> dict[str, Any] | None:
    """The latest non-cancelled annotation (or prediction) of a task, or None."""
    usable = [
        (index, entry)
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and not entry.get("was_cancelled")
    ]
    if not usable:
        return None
    oldest = datetime.min.replace(tzinfo=UTC)

    def order(item: tuple[int, dict[str, Any]]) -> tuple[datetime, int]:
        return (_time(item[1]) or oldest, item[0])

    return max(usable, key=order)[1]


def utf16_to_codepoints(text: str, offset: int) -> int:
    """The code-point offset of a UTF-16 code-unit offset into `text`."""
    units = 0
    for index, char in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def _region_spans(text: str, region: dict[str, Any], notes: list[str]) -> list[SpanRecord]:
    value = region.get("value")
    if not isinstance(value, dict):
        raise ConversionError("has no 'value' object")
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        raise ConversionError("has no 'labels' in its value")
    start, end, quoted = value.get("start"), value.get("end"), value.get("text")
    if isinstance(start, int) and isinstance(end, int) and isinstance(quoted, str) and text[start:end] != quoted:
        start16, end16 = utf16_to_codepoints(text, start), utf16_to_codepoints(text, end)
        if text[start16:end16] != quoted:
            raise ConversionError(f"its text {quoted!r} is not the task's text at {start}-{end}, {text[start:end]!r}")
        notes.append(f"offsets {start}-{end} were UTF-16 code units; read as {start16}-{end16}")
        start, end = start16, end16
    return [make_span(text, start, end, label) for label in labels]


def task_to_record(task: Any, default_id: str, use_predictions: bool = False) -> tuple[DocRecord | None, list[str]]:
    """The record of a completed task (None when it has none to give) and notes on how it was read."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ConversionError("a task must be an object with a 'data' object")
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise ConversionError("missing or non-string data 'text'")
    chosen = latest(task.get("annotations") or [])
    if chosen is None and use_predictions:
        chosen = latest(task.get("predictions") or [])
    if chosen is None:
        return None, ["no completed annotation: task skipped"]
    meta = data.get("meta") or {}
    if not isinstance(meta, dict):
        raise ConversionError(f"data 'meta' must be a JSON object, got {meta!r}")
    meta = {**meta, **{key: value for key, value in data.items() if key not in KNOWN_DATA_KEYS}}
    attrs = attrs_lookup(data.get("span_attrs"))
    notes: list[str] = []
    spans = []
    for region in chosen.get("result") or []:
        if not isinstance(region, dict) or region.get("type") != "labels":
            continue
        try:
            found = _region_spans(text, region, notes)
        except ConversionError as err:
            raise ConversionError(f"region {region.get('id', '?')}: {err}") from err
        spans += [SpanRecord(span.start, span.end, span.label, span.text, attrs.get(span.key, {})) for span in found]
    doc_id = data.get("doc_id", task.get("id"))
    return DocRecord(id=default_id if doc_id is None else str(doc_id), text=text, spans=spans, meta=meta), notes


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as err:
        yield RecordError(path, None, f"not valid UTF-8 ({err.reason} at byte {err.start})")
        return
    except json.JSONDecodeError as err:
        yield RecordError(path, err.lineno, f"malformed JSON ({err.msg}, column {err.colno})")
        return
    if not isinstance(tasks, list):
        yield RecordError(path, None, "a Label Studio export must be a JSON list of tasks")
        return
    for number, task in enumerate(tasks, start=1):
        origin = Origin(str(path), None, f"task {number}")
        try:
            record, notes = task_to_record(task, f"{path.stem}-{number}", options.use_predictions)
        except ConversionError as err:
            yield origin.error(str(err))
            continue
        yield from (origin.notice(note) for note in notes)
        if record is not None:
            yield origin, record


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    if options.labelstudio_as not in EXPORT_MODES:
        raise ValueError(f"labelstudio_as must be one of {', '.join(EXPORT_MODES)}, got {options.labelstudio_as!r}")
    tasks = [task for _, _, task in encode_each(items, lambda record: record_to_task(record, options), report)]
    with atomic_output(path) as handle:
        handle.write(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    return len(tasks)
