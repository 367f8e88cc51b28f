"""The span helpers: attributes stored where `span._.attrs` reads them, spans only on exact offsets."""

from __future__ import annotations

from functools import cache

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.spans import get_attrs, has_attrs, make_span, register_extensions, set_attrs, token_offsets


@cache
def _nlp():
    register_extensions()
    return spacy.blank("en")


def _doc(text: str = "SOCA made 528 arrests in 2007."):
    return _nlp()(text)


def test_set_attrs_is_what_the_extension_reads():
    doc = _doc()
    span = doc.char_span(10, 21, label="NUMERIC_CLAIM")
    set_attrs(span, {"value": 528})
    assert span._.attrs == {"value": 528}
    # A fresh Span object over the same characters sees the same attributes, as spaCy's own do.
    assert doc.char_span(10, 21)._.attrs == {"value": 528}
    assert doc.char_span(10, 13)._.attrs is None


def test_get_and_has_attrs_read_what_the_extension_wrote():
    doc = _doc()
    span = doc.char_span(0, 4, label="AGENCY")
    assert not has_attrs(span) and get_attrs(span) == {}
    span._.attrs = {"canonical": "Serious Organised Crime Agency"}
    assert has_attrs(span)
    assert get_attrs(span) == {"canonical": "Serious Organised Crime Agency"}
    span._.attrs = {}
    assert not has_attrs(span)


def test_attrs_are_copied_both_ways():
    doc = _doc()
    span = doc.char_span(0, 4)
    given_attrs = {"canonical": "X"}
    set_attrs(span, given_attrs)
    given_attrs["canonical"] = "changed"
    read = get_attrs(span)
    read["canonical"] = "changed again"
    assert get_attrs(span) == {"canonical": "X"}


def test_attrs_travel_with_the_doc_through_serialisation():
    doc = _doc()
    set_attrs(doc.char_span(10, 21), {"value": 528})
    restored = spacy.tokens.Doc(doc.vocab).from_bytes(doc.to_bytes())
    assert get_attrs(restored.char_span(10, 21)) == {"value": 528}


@settings(deadline=None)
@given(st.integers(0, 31), st.integers(0, 31))
def test_make_span_keeps_offsets_or_gives_none(start, end):
    doc = _doc()
    text = doc.text
    end = min(end, len(text))
    start = min(start, end)
    span = make_span(doc, start, end, "NUMERIC_CLAIM", {"value": 1})
    aligned = doc.char_span(start, end) is not None
    if start < end and text[start:end].strip() and aligned:
        assert span is not None and (span.start_char, span.end_char) == (start, end)
        assert span.label_ == "NUMERIC_CLAIM" and span._.attrs == {"value": 1}
    else:
        assert span is None


@settings(deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1 \n.,£(")), max_size=40))
def test_token_offsets_are_each_tokens_characters(text):
    doc = _doc(text)
    starts, ends = token_offsets(doc)
    assert starts == [token.idx for token in doc]
    assert ends == [token.idx + len(token) for token in doc]
