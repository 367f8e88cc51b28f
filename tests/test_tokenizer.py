"""The project's tokenizer: the splits the taggers need, exact text, and the text it hands on."""

from __future__ import annotations

import gc
import pickle

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokenizer import Tokenizer

from extractor.spans import _TEXTS, doc_text
from extractor.tokenizer import TextKeepingTokenizer


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£11.75m.", ["£", "11.75", "m", "."]),
        ("Disruptions1 and F2Concessionaires", ["Disruptions", "1", "and", "F", "2", "Concessionaires"]),
        ("c. 77.Immigration Act 1971", ["c", ".", "77", ".", "Immigration", "Act", "1971"]),
        ("Operation Ore.", ["Operation", "Ore", "."]),
        ("2006-07", ["2006", "-", "07"]),
    ],
)
def test_glued_tokens_are_split_where_the_taggers_need_a_boundary(nlp, text, expected):
    assert [token.text for token in nlp(text)] == expected


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_the_text_handed_to_the_taggers_is_the_text_given(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    assert doc_text(doc) == text


def test_the_text_is_not_stored_with_the_document_and_goes_with_it(nlp):
    text = "The Serious Fraud Office recovered £2 million."
    doc = nlp(text)
    assert isinstance(nlp.tokenizer, TextKeepingTokenizer)
    assert doc in _TEXTS
    assert text not in doc.user_data.values()
    before = len(_TEXTS)
    del doc
    gc.collect()
    assert len(_TEXTS) == before - 1


def test_doc_text_also_serves_documents_from_another_tokenizer():
    doc = spacy.blank("en")("Made by spaCy's own tokenizer.")
    assert doc not in _TEXTS
    assert doc_text(doc) == "Made by spaCy's own tokenizer."


def test_a_pickled_tokenizer_is_the_same_tokenizer(nlp):
    copy = pickle.loads(pickle.dumps(nlp.tokenizer))
    assert isinstance(copy, TextKeepingTokenizer)
    doc = copy("£11.75m.")
    assert [token.text for token in doc] == ["£", "11.75", "m", "."]
    assert doc_text(doc) == "£11.75m."


def _with_every_exception(tokenizer: TextKeepingTokenizer) -> Tokenizer:
    """spaCy's own tokenizer with the same patterns and exceptions, plus English's whitespace ones."""
    whitespace = {text: tokens for text, tokens in spacy.blank("en").tokenizer.rules.items() if not text.strip()}
    return Tokenizer(
        tokenizer.vocab,
        rules={**tokenizer.rules, **whitespace},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )


def _tokens(doc) -> list[tuple[str, str, str, str]]:
    return [(token.text, token.whitespace_, token.norm_, token.shape_) for token in doc]


def test_the_exceptions_that_spell_whitespace_as_itself_are_dropped(nlp):
    rules = nlp.tokenizer.rules
    assert not {"\n", "\t", " "} & set(rules)
    assert "\xa0" in rules, "an exception for whitespace that sets more than its text stays"
    assert "can't" in rules and "e.g." in rules


def test_a_saved_tokenizer_with_whitespace_exceptions_loads_without_them(nlp):
    data = _with_every_exception(nlp.tokenizer).to_bytes()
    loaded = TextKeepingTokenizer(nlp.vocab).from_bytes(data)
    assert "\n" not in loaded.rules and "can't" in loaded.rules


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(["Mr. Hoban", "can't", "e.g.", "£4.2m", "2006-07", "(SOCA)", "“cannabis”", "Act", "x"]),
            st.sampled_from([" ", "\n", "\t", "  ", " \n ", "\n\n", "\xa0", "\t\n", " \xa0 ", ""]),
        ),
        max_size=10,
    )
)
def test_dropping_them_changes_no_token(nlp, parts):
    """The same tokens as spaCy's tokenizer with every exception, twice over so the cache is read too."""
    text = "".join(word + gap for word, gap in parts)
    reference = _with_every_exception(nlp.tokenizer)
    for _ in range(2):
        assert _tokens(nlp.tokenizer(text)) == _tokens(reference(text))
