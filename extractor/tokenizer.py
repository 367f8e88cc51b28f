r"""The project's tokenizer: spaCy's English rules plus the splits the taggers need.

Spans must sit on token boundaries, and the taggers' offsets must never move.
Hansard and legislation.gov.uk text glues tokens together ("£11.75m",
"c. 77.Immigration Act 1971", "F2Concessionaires", "[F1“cannabis”"), so this
tokenizer also splits between digits and letters, at a full stop glued to a
capitalised word, and at double quotation marks inside a word. Exceptions
that keep a full stop on a word ("Ore.", "m.", "B.") are dropped: in this text
"Operation Ore." and "£11.75m." are a name or figure followed by a full stop.

The exceptions that spell a run of whitespace as itself ("\n", "\t", " ") are
dropped too, for speed: they give the same token the tokenizer makes without
them, but spaCy (3.8) stops caching a document's chunks after its first
exception (spaCy issue #13950), so one line break early in a document made the
rest of it be split by the affix patterns again, chunk by chunk. Without them
tokenizing the benchmark corpus is about twenty times faster once its chunks are
cached; `tests/test_tokenizer.py` checks the tokens are the same. "\xa0" stays:
its exception also sets a norm, which trained models read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from extractor.spans import remember_doc_text

EXTRA_INFIXES: tuple[str, ...] = (
    r"(?<=[0-9])(?=[A-Za-z])",
    r"(?<=[A-Za-z])(?=[0-9])",
    r"(?<=[A-Za-z0-9)\]])\.(?=[A-Z“\"‘])",
    r"[“”\"]",
    r"(?<=[0-9])[-–—/](?=[0-9])",
)

_WORD_WITH_FULL_STOP = re.compile(r"^[A-Za-z]+\.$")


def _spells_whitespace_as_itself(text: str, tokens: list[dict[Any, str]]) -> bool:
    """Whether an exception only says that a run of whitespace is one token of that whitespace."""
    return not text.strip() and len(tokens) == 1 and tokens[0] in ({ORTH: text}, {"ORTH": text})


def without_whitespace_exceptions(rules: Mapping[str, list[dict[Any, str]]] | None) -> dict[str, list]:
    """The tokenizer exceptions less those that spell whitespace as itself (see the module's docstring)."""
    return {text: tokens for text, tokens in (rules or {}).items() if not _spells_whitespace_as_itself(text, tokens)}


class TextKeepingTokenizer(Tokenizer):
    """spaCy's tokenizer, handing the text it was given to the taggers (`extractor.spans.doc_text`)
    so that they need not join it again from the tokens, and never taking the exceptions that
    spell whitespace as itself, from its arguments or from a saved pipeline's files."""

    def __init__(self, vocab, rules: Mapping[str, list] | None = None, *settings: Any, **named: Any) -> None:
        super().__init__(vocab, without_whitespace_exceptions(rules), *settings, **named)

    @property
    def rules(self) -> dict[str, list]:
        return Tokenizer.rules.__get__(self)

    @rules.setter
    def rules(self, rules: Mapping[str, list]) -> None:
        Tokenizer.rules.__set__(self, without_whitespace_exceptions(rules))

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        remember_doc_text(doc, text)
        return doc


@spacy.registry.tokenizers("extractor.Tokenizer.v1")
def create_tokenizer():
    """Registered so a saved pipeline's config rebuilds the same tokenizer."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        infixes = list(defaults.infixes or ()) + list(EXTRA_INFIXES)
        rules = {
            text: value
            for text, value in (defaults.tokenizer_exceptions or {}).items()
            if not _WORD_WITH_FULL_STOP.match(text)
        }
        return TextKeepingTokenizer(
            nlp.vocab,
            rules=rules,
            prefix_search=spacy.util.compile_prefix_regex(defaults.prefixes).search,
            suffix_search=spacy.util.compile_suffix_regex(defaults.suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=None,
            url_match=defaults.url_match,
        )

    return make
