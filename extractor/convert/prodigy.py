"""Prodigy tasks (JSON Lines): text, tokens, spans with token indices, and an answer.

Export writes what Prodigy's manual NER interface and `db-in` expect: the
project tokenizer's tokens (`text`, `start`, `end`, `id`, `ws`), spans with
`token_start`/`token_end` (inclusive, as in Prodigy), and `"answer": "accept"`.
The gold format's own fields ride along where Prodigy keeps unknown keys: `id`
and `meta` on the task, `text` and `attrs` on each span. Import takes accepted
or unanswered tasks; rejected and ignored ones are skipped with a notice.
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
    make_span,
    write_json_lines,
)
from extractor.convert.tokens import aligned_doc, span_boundaries
from extractor.records import DocRecord, RecordError, SpanRecord, iter_json_lines

SKIPPED_ANSWERS = ("reject", "ignore")


def record_to_task(record: DocRecord) -> dict[str, Any]:
    """The Prodigy task for a record, tokenised so that every span sits on token boundaries."""
    doc = aligned_doc(record.text, span_boundaries(record))
    tokens = [
        {
            "text": token.text,
            "start": token.idx,
            "end": token.idx + len(token),
            "id": token.i,
            "ws": bool(token.whitespace_),
        }
        for token in doc
    ]
    first = {token["start"]: token["id"] for token in tokens}
    last = {token["end"]: token["id"] for token in tokens}
    spans = [
        {
            "start": span.start,
            "end": span.end,
            "token_start": first[span.start],
            "token_end": last[span.end],
            "label": span.label,
            "text": span.text,
            "attrs": span.attrs,
        }
        for span in record.sorted_spans()
    ]
    return {
        "id": record.id,
        "text": record.text,
        "tokens": tokens,
        "spans": spans,
        "meta": record.meta,
        "answer": "accept",
    }


def _offsets_from_tokens(span: dict[str, Any], tokens: Any) -> tuple[Any, Any]:
    """A span's character offsets, from `start`/`end`, or else from its token indices."""
    if "start" in span and "end" in span:
        return span["start"], span["end"]
    if not isinstance(tokens, list) or "token_start" not in span or "token_end" not in span:
        raise ConversionError("has neither 'start'/'end' nor 'token_start'/'token_end' with the task's 'tokens'")
    try:
        return tokens[span["token_start"]]["start"], tokens[span["token_end"]]["end"]
    except (IndexError, KeyError, TypeError) as err:
        raise ConversionError(f"token indices {span['token_start']}-{span['token_end']} do not fit the tokens") from err


def _span(text: str, span: Any, tokens: Any) -> SpanRecord:
    if not isinstance(span, dict):
        raise ConversionError("is not a JSON object")
    start, end = _offsets_from_tokens(span, tokens)
    made = make_span(text, start, end, span.get("label"), span.get("attrs"))
    if "text" in span and span["text"] != made.text:
        raise ConversionError(
            f"its text {span['text']!r} is not the task's text at {made.start}-{made.end}, {made.text!r}"
        )
    return made


def task_to_record(task: Any, default_id: str) -> DocRecord:
    """The record of one Prodigy task; `ConversionError` names the first thing wrong with it."""
    if not isinstance(task, dict):
        raise ConversionError("a task must be a JSON object")
    text = task.get("text")
    if not isinstance(text, str):
        raise ConversionError("missing or non-string 'text'")
    spans = task.get("spans") or []
    if not isinstance(spans, list):
        raise ConversionError("'spans' must be a list")
    meta = task.get("meta") or {}
    if not isinstance(meta, dict):
        raise ConversionError(f"'meta' must be a JSON object, got {meta!r}")
    records = []
    for index, span in enumerate(spans):
        try:
            records.append(_span(text, span, task.get("tokens")))
        except ConversionError as err:
            raise ConversionError(f"span {index}: {err}") from err
    doc_id = task.get("id")
    return DocRecord(id=default_id if doc_id is None else str(doc_id), text=text, spans=records, meta=meta)


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    for number, task in iter_json_lines(path):
        if isinstance(task, RecordError):
            yield task
            continue
        origin = Origin(str(path), number)
        answer = task.get("answer") if isinstance(task, dict) else None
        if answer in SKIPPED_ANSWERS:
            yield origin.notice(f"answer is {answer!r}: task skipped")
            continue
        try:
            yield origin, task_to_record(task, f"{path.stem}-{number}")
        except ConversionError as err:
            yield origin.error(str(err))


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    return write_json_lines(items, path, record_to_task, report)
