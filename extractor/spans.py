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

from spacy.tokens import Doc, Span

ATTRS_EXTENSION = "attrs"
#: Each live document's text, shared by the taggers (see `doc_text`).
_TEXTS: WeakKeyDictionary[Doc, str] = WeakKeyDictionary()


def register_extensions() -> None:
    """Register `Span._.attrs`, the guidelines' attributes of a span (idempotent)."""
    if not Span.has_extension(ATTRS_EXTENSION):
        Span.set_extension(ATTRS_EXTENSION, default=None)


def get_attrs(span: Span) -> dict[str, Any]:
    """The span's attributes, or an empty dict."""
    return dict(span._.get(ATTRS_EXTENSION) or {})


def has_attrs(span: Span) -> bool:
    """Whether the span has any attributes (cheaper than `get_attrs`, which copies them)."""
    return bool(span._.get(ATTRS_EXTENSION))


def set_attrs(span: Span, attrs: dict[str, Any]) -> None:
    span._.set(ATTRS_EXTENSION, dict(attrs))


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
