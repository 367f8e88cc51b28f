"""Check a gold file against the annotation guidelines, reporting every defect.

`extractor.records.iter_jsonl` is forgiving on purpose (it coerces ``"5"`` to 5,
fills a missing id, stops at a document's first bad span); a gold file must not
lean on that, so this module reads the raw JSON of each line and checks the
format and the span rules of the guidelines directly. Nothing stops at the first
problem: an annotator fixing a file wants the whole list at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.labels import CONTAINER_LABELS, LABELS, REQUIRED_ATTRS
from extractor.records import RecordError, iter_json_lines

#: Words a span must not start with (guidelines: "no leading determiner"), matched ignoring case.
LEADING_DETERMINERS: tuple[str, ...] = ("the", "its", "her")

#: Articles matched in lower case only: a capital "A" or "B" is usually a person in a statute
#: ("A arranges or facilitates B's travel"), not an article.
LOWERCASE_ARTICLES: tuple[str, ...] = ("a", "an")

#: Names where a determiner-like first word belongs to the name ("Her Majesty's Customs and Excise").
_DETERMINER_EXCEPTIONS: tuple[str, ...] = ("her majesty's", "her majesty\u2019s")


@dataclass(frozen=True)
class Problem:
    """One defect: where it is (file, 1-based line, span index if any) and what is wrong."""

    file: str
    line: int | None
    reason: str
    span: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        what = f"span {self.span}: {self.reason}" if self.span is not None else self.reason
        return f"{where}: {what}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _starts_with_determiner(text: str) -> str | None:
    words = text.split(maxsplit=1)
    if len(words) < 2 or text.casefold().startswith(_DETERMINER_EXCEPTIONS):
        return None
    first = words[0]
    return first if first.casefold() in LEADING_DETERMINERS or first in LOWERCASE_ARTICLES else None


def _check_span(span: Any, text: str) -> list[str]:
    """Reasons one span breaks the format or the span rules (empty when it is fine)."""
    if not isinstance(span, dict):
        return ["span is not a JSON object"]
    reasons = []
    for name in ("start", "end", "label", "text"):
        if name not in span:
            reasons.append(f"missing required field '{name}'")
    start, end, label, span_text = span.get("start"), span.get("end"), span.get("label"), span.get("text")
    offsets_ok = False
    for name, value in (("start", start), ("end", end)):
        if name in span and not _is_int(value):
            reasons.append(f"'{name}' must be an integer, got {value!r}")
    if _is_int(start) and _is_int(end):
        if not 0 <= start < end <= len(text):
            reasons.append(
                f"offsets {start}-{end} must satisfy 0 <= start < end <= {len(text)} (text length)"
            )
        else:
            offsets_ok = True
    if "label" in span and label not in LABELS:
        reasons.append(f"unknown label {label!r} (known: {', '.join(LABELS)})")
    if "text" in span and not isinstance(span_text, str):
        reasons.append("'text' must be a string")
    elif offsets_ok and "text" in span and text[start:end] != span_text:
        reasons.append(f"span text {span_text!r} != text[{start}:{end}] {text[start:end]!r}")
    if offsets_ok:
        covered = text[start:end]
        if covered != covered.strip():
            reasons.append(f"span {covered!r} starts or ends with whitespace")
        determiner = _starts_with_determiner(covered)
        if determiner:
            reasons.append(f"span {covered!r} starts with the determiner {determiner!r}")
    attrs = span.get("attrs", {})
    if attrs is not None and not isinstance(attrs, dict):
        reasons.append("'attrs' must be a JSON object")
        attrs = {}
    for name in REQUIRED_ATTRS.get(label, ()) if isinstance(label, str) else ():
        value = (attrs or {}).get(name)
        if value is None:
            reasons.append(f"{label} requires attribute '{name}'")
        elif name == "value" and not _is_number(value):
            reasons.append(f"attribute 'value' must be a number, got {value!r}")
        elif name == "term" and not (isinstance(value, str) and value.strip()):
            reasons.append(f"attribute 'term' must be a non-empty string, got {value!r}")
    return reasons


def _overlap_problems(spans: list[tuple[int, int, int, str]]) -> list[tuple[int, str]]:
    """Overlap and duplicate rules over a document's well-formed spans ``(index, start, end, label)``."""
    found = []
    for a, (i, a_start, a_end, a_label) in enumerate(spans):
        for j, b_start, b_end, b_label in spans[a + 1 :]:
            if not (a_start < b_end and b_start < a_end):
                continue
            if (a_start, a_end, a_label) == (b_start, b_end, b_label):
                found.append((j, f"duplicate of span {i} ({a_label} {a_start}-{a_end})"))
            elif a_label == b_label:
                found.append((j, f"{b_label} {b_start}-{b_end} overlaps span {i}, of the same label"))
            elif not (
                (a_label in CONTAINER_LABELS and a_start <= b_start and b_end <= a_end)
                or (b_label in CONTAINER_LABELS and b_start <= a_start and a_end <= b_end)
            ):
                found.append(
                    (
                        j,
                        f"{b_label} {b_start}-{b_end} overlaps span {i} ({a_label} {a_start}-{a_end}); "
                        "different labels may overlap only inside a LEGAL_DEFINITION",
                    )
                )
    return found


def _check_document(data: Any, file: str, line: int, seen_ids: dict[str, int]) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(file, line, "a document must be a JSON object")]
    problems = []
    doc_id = data.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        problems.append(Problem(file, line, f"'id' must be a non-empty string, got {doc_id!r}"))
    elif doc_id in seen_ids:
        problems.append(Problem(file, line, f"duplicate id {doc_id!r} (first on line {seen_ids[doc_id]})"))
    else:
        seen_ids[doc_id] = line
    text = data.get("text")
    if not isinstance(text, str):
        problems.append(Problem(file, line, "missing or non-string 'text'"))
        text = ""
    spans = data.get("spans")
    if not isinstance(spans, list):
        problems.append(Problem(file, line, "missing 'spans' list (use [] for a document with no spans)"))
        spans = []
    if "meta" in data and not isinstance(data["meta"], dict):
        problems.append(Problem(file, line, "'meta' must be a JSON object"))
    well_formed = []
    for index, span in enumerate(spans):
        reasons = _check_span(span, text)
        problems += [Problem(file, line, reason, index) for reason in reasons]
        if isinstance(span, dict) and _is_int(span.get("start")) and _is_int(span.get("end")):
            if span["start"] < span["end"] and isinstance(span.get("label"), str):
                well_formed.append((index, span["start"], span["end"], span["label"]))
    problems += [Problem(file, line, reason, index) for index, reason in _overlap_problems(well_formed)]
    return problems


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem in a gold JSONL file; an empty list means the file is clean."""
    file = str(path)
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    try:
        for line, data in iter_json_lines(path):
            if isinstance(data, RecordError):
                problems.append(Problem(file, line, data.reason))
            else:
                problems += _check_document(data, file, line, seen_ids)
    except OSError as err:
        return [Problem(file, None, f"cannot read file: {err.strerror or err}")]
    if not seen_ids and not problems:
        problems.append(Problem(file, None, "no documents in file"))
    return problems
