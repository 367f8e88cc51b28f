"""Helpers every tagger shares: the span attribute extension and char-offset spans.

Taggers find their matches on the document's text with patterns, so their
results are character offsets. spaCy spans must sit on token boundaries; the
project's tokenizer (`extractor.tokenizer`) puts one wherever a tagger's match
starts or ends in practice, and where it does not, `make_span` gives no span
rather than move the offsets: offsets are the product's contract.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span

ATTRS_EXTENSION = "attrs"
#: Each live document's text, shared by the taggers (see `doc_text`).
_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def register_extensions() -> None:
    """Register `Span._.attrs`, the guidelines' attributes of a span (idempotent)."""
    if not Span.has_extension(ATTRS_EXTENSION):
        Span.set_extension(ATTRS_EXTENSION, default=None)


def _attrs_key(span: Span) -> tuple[str, str, int, int]:
    """Where spaCy keeps `span._.attrs`: a plain extension (no getter or setter) of a span is an
    entry of `doc.user_data` under this key. Reading and writing the entry directly is what
    `span._` does, without building an `Underscore` object for every access, which cost the rule
    pipeline a tenth of its time; `tests/test_spans.py` checks the two stay the same."""
    return ("._.", ATTRS_EXTENSION, span.start_char, span.end_char)


def get_attrs(span: Span) -> dict[str, Any]:
    """The span's attributes, or an empty dict."""
    return dict(span.doc.user_data.get(_attrs_key(span)) or {})


def has_attrs(span: Span) -> bool:
    """Whether the span has any attributes (cheaper than `get_attrs`, which copies them)."""
    return bool(span.doc.user_data.get(_attrs_key(span)))


def set_attrs(span: Span, attrs: dict[str, Any]) -> None:
    span.doc.user_data[_attrs_key(span)] = dict(attrs)


def make_span(doc: Doc, start: int, end: int, label: str, attrs: dict[str, Any] | None = None) -> Span | None:
    """A span of `label` on exactly `doc.text[start:end]`, or None.

    None when the range is empty, only whitespace, or does not fall on token
    boundaries: a span is never stretched or shrunk to fit the tokens.
    """
    if start >= end:
        return None
    if not doc_text(doc)[start:end].strip():
        return None
    span = doc.char_span(start, end, label=label)
    if span is None:
        return None
    if attrs is not None:
        set_attrs(span, attrs)
    return span


def doc_text(doc: Doc) -> str:
    """The document's text, joined once per document and shared by every tagger.

    `Doc.text` joins all the tokens each time it is read, which made reading it
    the largest cost of the rule pipeline; a document's text never changes, so
    one copy serves every component. The project's tokenizer hands over the text
    it was given (`remember_doc_text`), so it is not even joined once. The copy is
    held by a weak reference to the document, never in `Doc.user_data`, so it is
    not saved with the document and goes when the document goes.
    """
    text = _TEXTS.get(doc)
    if text is None:
        text = doc.text
        _TEXTS[doc] = text
    return text


def remember_doc_text(doc: Doc, text: str) -> None:
    """Record `text` as the document's text; only for the text the document was made from."""
    _TEXTS[doc] = text


def forget_doc_text(doc: Doc) -> None:
    """Drop the shared copy as soon as the taggers are done with it."""
    _TEXTS.pop(doc, None)


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Each token's start and end character, read from the document's arrays in one call.

    Reading `doc[i].idx` builds a `Token` object per read; a tagger that turns matcher results into
    offsets reads two per match. Not cached: a component may retokenize the document.
    """
    array = doc.to_array([IDX, LENGTH])
    starts = array[:, 0]
    return starts.tolist(), (starts + array[:, 1]).tolist()
