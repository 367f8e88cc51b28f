"""The gold format itself (JSON Lines, one document a line): the hub every conversion goes through.

Reading leans on `extractor.records`; writing is `DocRecord.to_json`, the one
serialisation of the project, so a round trip from the gold format back to it
gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from extractor.convert.common import ConvertOptions, Origin, ReadItem, Report, atomic_output
from extractor.records import DocRecord, RecordError, iter_jsonl_numbered


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    for number, item in iter_jsonl_numbered(path):
        yield item if isinstance(item, RecordError) else (Origin(str(path), number), item)


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    count = 0
    with atomic_output(path) as handle:
        for _, record in items:
            handle.write(record.to_json() + "\n")
            count += 1
    return count
