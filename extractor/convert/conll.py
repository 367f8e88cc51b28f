"""IOB (CoNLL-style) files for token classification: one token a line, a blank line between documents.

Each token line is `TOKEN<TAB>TAG<TAB>DEFINITION_TAG`: BIO tags of the labels
that never overlap, then of LEGAL_DEFINITION, which may contain them
(`extractor.convert.bio`). Tokens are the project tokenizer's, split at span
boundaries; whitespace is not a token. Each document starts with comment lines
whose values are JSON, so the round trip is exact:

    # id = "doc-1"
    # text = "The Home Office said…\\nNext line"
    # meta = {"source": "…"}
    # spans = [{"start": 4, "end": 15, "label": "AGENCY", "attrs": {...}}]

The tags are what defines the spans on import; `# spans` gives back the
attributes of the spans it lists at the same offsets and label. A file with no
comments (two or three columns) is read too: its text is its tokens joined by
single spaces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.convert.bio import DEFINITION_TAGS, OUTSIDE, TAGS, spans_from_tags, tag_record
from extractor.convert.common import (
    ConversionError,
    ConvertOptions,
    Origin,
    ReadItem,
    Report,
    atomic_output,
    attrs_lookup,
    dumps,
    encode_each,
    make_span,
)
from extractor.records import DocRecord, RecordError

_COMMENT = re.compile(r"# (\w+) = (.*)")


def record_to_block(record: DocRecord) -> str:
    """A document's lines, ending with the blank line that separates documents."""
    tagged = tag_record(record)
    spans = [
        {"start": span.start, "end": span.end, "label": span.label, "attrs": span.attrs}
        for span in record.sorted_spans()
    ]
    lines = [
        f"# id = {dumps(record.id)}",
        f"# text = {dumps(record.text)}",
        f"# meta = {dumps(record.meta)}",
        f"# spans = {dumps(spans)}",
    ]
    lines += [
        f"{record.text[start:end]}\t{tag}\t{definition_tag}"
        for (start, end), tag, definition_tag in zip(tagged.offsets, tagged.tags, tagged.definition_tags, strict=True)
    ]
    return "".join(line + "\n" for line in lines) + "\n"


@dataclass
class Block:
    """The lines of one document as read: its comments, and its token rows."""

    line: int
    comments: dict[str, Any] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    definition_tags: list[str] = field(default_factory=list)


def _token_offsets(text: str, tokens: list[str]) -> list[tuple[int, int]]:
    """Each token's offsets in `text`, found in order with only whitespace between them."""
    offsets, position = [], 0
    for number, token in enumerate(tokens, start=1):
        found = text.find(token, position)
        if found < 0 or text[position:found].strip():
            raise ConversionError(f"token {number} {token!r} is not the next word of the '# text' comment")
        offsets.append((found, found + len(token)))
        position = found + len(token)
    return offsets


def block_to_record(block: Block, default_id: str) -> DocRecord:
    """The record of one document's lines; `ConversionError` names the first thing wrong."""
    text = block.comments.get("text", " ".join(block.tokens))
    if not isinstance(text, str):
        raise ConversionError("'# text' must be a JSON string")
    meta = block.comments.get("meta", {})
    if not isinstance(meta, dict):
        raise ConversionError("'# meta' must be a JSON object")
    offsets = _token_offsets(text, block.tokens)
    attrs = attrs_lookup(block.comments.get("spans"))
    found = spans_from_tags(offsets, block.tags, TAGS) + spans_from_tags(
        offsets, block.definition_tags, DEFINITION_TAGS
    )
    spans = [make_span(text, start, end, label, attrs.get((start, end, label))) for start, end, label in found]
    doc_id = block.comments.get("id", default_id)
    return DocRecord(id=str(doc_id), text=text, spans=spans, meta=meta)


def _parse_line(block: Block, line: str) -> None:
    if "\t" in line:
        columns = line.split("\t")
        if len(columns) not in (2, 3):
            raise ConversionError(f"a token line has 2 or 3 tab-separated columns, this one has {len(columns)}")
        block.tokens.append(columns[0])
        block.tags.append(columns[1])
        block.definition_tags.append(columns[2] if len(columns) == 3 else OUTSIDE)
    elif match := _COMMENT.fullmatch(line):
        try:
            block.comments[match.group(1)] = json.loads(match.group(2))
        except json.JSONDecodeError as err:
            raise ConversionError(f"'# {match.group(1)}' is not JSON ({err.msg}, column {err.colno})") from err
    elif not line.startswith("#"):
        raise ConversionError(f"neither a token line (tab-separated) nor a comment: {line!r}")


def _blocks(path: Path) -> Iterator[tuple[Block, list[RecordError]]]:
    """Each document's lines, with the errors of its bad lines; lines are split at "\\n" only."""
    block, errors = None, []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError as err:
                block = block or Block(number)
                errors.append(RecordError(path, number, f"not valid UTF-8 ({err.reason} at byte {err.start})"))
                continue
            if not line.strip():
                if block is not None:
                    yield block, errors
                block, errors = None, []
                continue
            block = block or Block(number)
            try:
                _parse_line(block, line)
            except ConversionError as err:
                errors.append(RecordError(path, number, str(err)))
    if block is not None:
        yield block, errors


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    for block, errors in _blocks(path):
        if errors:
            yield from errors
            continue
        origin = Origin(str(path), block.line)
        try:
            yield origin, block_to_record(block, f"{path.stem}-{block.line}")
        except ConversionError as err:
            yield origin.error(str(err))


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    count = 0
    with atomic_output(path) as handle:
        for _, _, block in encode_each(items, record_to_block, report):
            handle.write(block)
            count += 1
    return count
