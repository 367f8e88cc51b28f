"""The project's tokenizer: spaCy's English rules plus the splits the taggers need.

Spans must sit on token boundaries, and the taggers' offsets must never move.
Hansard and legislation.gov.uk text glues tokens together ("£11.75m",
"c. 77.Immigration Act 1971", "F2Concessionaires", "[F1“cannabis”"), so this
tokenizer also splits between digits and letters, at a full stop glued to a
capitalised word, and at double quotation marks inside a word. Exceptions
that keep a full stop on a word ("Ore.", "m.", "B.") are dropped: in this text
"Operation Ore." and "£11.75m." are a name or figure followed by a full stop.
"""

from __future__ import annotations

import re

import spacy
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


class TextKeepingTokenizer(Tokenizer):
    """spaCy's tokenizer, handing the text it was given to the taggers (`extractor.spans.doc_text`)
    so that they need not join it again from the tokens."""

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
