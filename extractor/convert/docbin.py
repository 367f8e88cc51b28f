"""spaCy DocBin (`.spacy`): the training format of `spacy train`, and a corpus for spaCy users.

Each record becomes a `Doc` tokenised by the project tokenizer (split further
where a span boundary falls inside a token), with every span in the span group
`options.spans_key` (the pipeline's "extractions") and its attributes in
`Span._.attrs`, and the non-overlapping subset in `doc.ents`, as the pipeline
itself produces. The DocBin stores user data, which keeps `Span._` values and
the document's `id` and `meta` (`doc.user_data["id"]`, `doc.user_data["meta"]`).

spaCy keys a `Span._` value by the span's character offsets only, so two spans
on the same characters (a definition that is exactly a name) share one
`attrs`: such spans are written only when their attributes are equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

from extractor.convert.common import (
    ConversionError,
    ConvertOptions,
    Origin,
    ReadItem,
    Report,
    atomic_output,
    encode_each,
    make_span,
)
from extractor.convert.tokens import aligned_doc, span_boundaries, tokenizer_pipeline
from extractor.labels import CONTAINER_LABELS
from extractor.records import DocRecord, RecordError
from extractor.spans import get_attrs, register_extensions, set_attrs

ID_KEY = "id"
META_KEY = "meta"


def record_to_doc(record: DocRecord, spans_key: str) -> Doc:
    """The `Doc` of a record, with its spans, attributes, entities, id and metadata."""
    register_extensions()
    doc = aligned_doc(record.text, span_boundaries(record))
    seen: dict[tuple[int, int], dict[str, Any]] = {}
    spans = []
    for span in record.sorted_spans():
        if seen.setdefault((span.start, span.end), span.attrs) != span.attrs:
            raise ConversionError(
                f"two spans on {span.start}-{span.end} {span.text!r} have different attributes; "
                "spaCy keeps one Span._ value per character range"
            )
        made = doc.char_span(span.start, span.end, label=span.label)
        set_attrs(made, span.attrs)
        spans.append(made)
    doc.spans[spans_key] = spans
    inner = filter_spans([span for span in spans if span.label_ not in CONTAINER_LABELS])
    outer = [
        span
        for span in filter_spans([span for span in spans if span.label_ in CONTAINER_LABELS])
        if not any(span.start < other.end and other.start < span.end for other in inner)
    ]
    doc.ents = sorted(inner + outer, key=lambda span: span.start)
    doc.user_data[ID_KEY] = record.id
    doc.user_data[META_KEY] = record.meta
    return doc


def _plain(value: Any) -> Any:
    """msgpack gives lists back as tuples; the records hold JSON values."""
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def doc_to_record(doc: Doc, spans_key: str, default_id: str) -> DocRecord:
    """The record of a `Doc`: spans from the span group, or from `doc.ents` when it has none."""
    meta = doc.user_data.get(META_KEY) or {}
    if not isinstance(meta, dict):
        raise ConversionError(f"user_data 'meta' must be a dict, got {meta!r}")
    source = doc.spans[spans_key] if spans_key in doc.spans else doc.ents
    spans = [
        make_span(doc.text, span.start_char, span.end_char, span.label_, _plain(get_attrs(span))) for span in source
    ]
    return DocRecord(id=str(doc.user_data.get(ID_KEY, default_id)), text=doc.text, spans=spans, meta=_plain(meta))


def read(path: Path, options: ConvertOptions) -> Iterator[ReadItem]:
    register_extensions()
    try:
        docs = list(DocBin(store_user_data=True).from_disk(path).get_docs(tokenizer_pipeline().vocab))
    except Exception as err:  # DocBin raises many kinds (msgpack, zlib, KeyError) on a file that is not one
        yield RecordError(path, None, f"not a spaCy DocBin file ({type(err).__name__}: {err})")
        return
    for number, doc in enumerate(docs, start=1):
        origin = Origin(str(path), None, f"doc {number}")
        try:
            yield origin, doc_to_record(doc, options.spans_key, f"{path.stem}-{number}")
        except ConversionError as err:
            yield origin.error(str(err))


def write(items: Iterable[tuple[Origin, DocRecord]], path: Path, options: ConvertOptions, report: Report) -> int:
    docbin = DocBin(store_user_data=True)
    for _, _, doc in encode_each(items, lambda record: record_to_doc(record, options.spans_key), report):
        docbin.add(doc)
    with atomic_output(path, binary=True) as handle:
        handle.write(docbin.to_bytes())
    return len(docbin)
