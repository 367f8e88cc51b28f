"""Converters between the gold JSON Lines format and annotation tools' and training formats.

Every format is a module with `read(path, options)` (yielding documents with
where they came from, and problems) and `write(items, path, options, report)`;
`convert` joins any reader to any writer through `DocRecord`s, so the gold
format is the hub. Format modules are imported only when used: `hf` needs
`datasets`, the others need nothing beyond spaCy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from extractor.convert.common import ConvertOptions, Notice, Report, readable
from extractor.records import RecordError

#: Format name -> module. "jsonl" is the gold format.
FORMATS: dict[str, str] = {
    "jsonl": "extractor.convert.jsonl",
    "prodigy": "extractor.convert.prodigy",
    "doccano": "extractor.convert.doccano",
    "labelstudio": "extractor.convert.labelstudio",
    "brat": "extractor.convert.brat",
    "docbin": "extractor.convert.docbin",
    "conll": "extractor.convert.conll",
    "hf": "extractor.convert.hf",
}


@dataclass
class ConvertSummary:
    """What a conversion did: documents written, documents that failed, and notices."""

    written: int = 0
    errors: list[RecordError] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def add(self, problem: RecordError | Notice) -> None:
        (self.notices if isinstance(problem, Notice) else self.errors).append(problem)


def format_module(name: str) -> ModuleType:
    """The module of a format, imported on first use."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}: choose one of {', '.join(FORMATS)}")
    return importlib.import_module(FORMATS[name])


def convert(
    source: str | Path,
    target: str | Path,
    from_format: str,
    to_format: str,
    options: ConvertOptions | None = None,
    report: Report | None = None,
) -> ConvertSummary:
    """Convert `source` (a file, or a folder for brat and hf) in `from_format` to `target` in `to_format`.

    A document that cannot be read or written is reported and left out; the
    rest are converted. With `--to hf`, a folder of gold JSON Lines files
    becomes a `DatasetDict` with one split per file (named by its stem).
    """
    options = options or ConvertOptions()
    summary = ConvertSummary()

    def collect(problem: RecordError | Notice) -> None:
        summary.add(problem)
        if report is not None:
            report(problem)

    source, target = Path(source), Path(target)
    reader, writer = format_module(from_format), format_module(to_format)
    if not source.exists():
        raise FileNotFoundError(f"{source}: no such file or folder")
    if to_format == "hf" and from_format == "jsonl" and source.is_dir():
        splits = {path.stem: path for path in sorted(source.glob("*.jsonl"))}
        if not splits:
            raise FileNotFoundError(f"{source}: no .jsonl split files in this folder")
        summary.written = writer.write_splits(splits, target, collect)
        return summary
    summary.written = writer.write(readable(reader.read(source, options), collect), target, options, collect)
    return summary


__all__ = ["FORMATS", "ConvertOptions", "ConvertSummary", "convert", "format_module"]
