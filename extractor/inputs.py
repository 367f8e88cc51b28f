"""Reading documents to annotate: .txt files, folders of them, JSON Lines.

Every reader yields `DocRecord`s or `RecordError`s, never raises on one bad
document: an empty text, a file that is not UTF-8 or a malformed JSON line
becomes an error naming the file and line, and the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from extractor.records import DocRecord, RecordError, iter_jsonl_numbered

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")


def _read_text_file(path: Path) -> DocRecord | RecordError:
    try:
        raw = path.read_bytes()
    except OSError as err:
        return RecordError(path, None, f"cannot read file ({err.strerror})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return RecordError(path, None, f"not valid UTF-8 ({err.reason} at byte {err.start})")
    return DocRecord(id=path.stem, text=text, meta={"source": str(path)})


def _check(record: DocRecord | RecordError, path: Path, line: int | None) -> DocRecord | RecordError:
    if isinstance(record, DocRecord) and not record.text.strip():
        return RecordError(path, line, f"document {record.id!r} has no text")
    return record


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[DocRecord | RecordError]:
    """Documents from files and folders, in a stable order (folders sorted by name)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in TEXT_SUFFIXES + JSONL_SUFFIXES)
            yield from iter_inputs(files)
        elif not path.exists():
            yield RecordError(path, None, "no such file or folder")
        elif path.suffix in JSONL_SUFFIXES:
            for line, record in iter_jsonl_numbered(path):
                yield _check(record, path, line)
        else:
            yield _check(_read_text_file(path), path, None)
