"""Tokens for the token-based formats (Prodigy, spaCy DocBin, CoNLL, Hugging Face), aligned to the spans.

The tokens are the project's own (`extractor.tokenizer`), so a model trained on
an export sees the text cut as the rule taggers cut it. A gold span may still
start or end inside one of those tokens; such a token is split there, because
offsets are the product's contract and a converter must never move them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractor import tokenizer  # noqa: F401  (registers "extractor.Tokenizer.v1")
from extractor.records import DocRecord


@lru_cache(maxsize=1)
def tokenizer_pipeline() -> Language:
    """A blank English pipeline with the project's tokenizer (no components: building it is cheap)."""
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})


def span_boundaries(record: DocRecord) -> list[int]:
    """Every offset where a span starts or ends, sorted."""
    return sorted({offset for span in record.spans for offset in (span.start, span.end)})


def aligned_doc(text: str, cuts: Iterable[int], nlp: Language | None = None) -> Doc:
    """The project tokenizer's `Doc` of `text`, with a token boundary at every offset in `cuts`.

    Whitespace tokens stay tokens, so the `Doc`'s text is `text` exactly and
    `doc.char_span` finds every span whose ends are in `cuts`.
    """
    nlp = nlp or tokenizer_pipeline()
    cuts = sorted(set(cuts))
    base = nlp.make_doc(text)
    words: list[str] = []
    spaces: list[bool] = []
    for token in base:
        start, end = token.idx, token.idx + len(token.text)
        inner = cuts[bisect_right(cuts, start) : bisect_left(cuts, end)]
        edges = [start, *inner, end]
        for piece_start, piece_end in zip(edges, edges[1:], strict=False):
            words.append(text[piece_start:piece_end])
            spaces.append(piece_end == end and bool(token.whitespace_))
    return Doc(nlp.vocab, words=words, spaces=spaces)


def word_offsets(record: DocRecord) -> list[tuple[int, int]]:
    """(start, end) of each non-whitespace token of the aligned tokenisation, for tag sequences."""
    doc = aligned_doc(record.text, span_boundaries(record))
    return [(token.idx, token.idx + len(token.text)) for token in doc if not token.is_space]
