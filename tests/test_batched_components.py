"""The rule components run over a stream a batch at a time (`pipe`) with the same results and the
same error handling as one document at a time."""

from __future__ import annotations

import pytest

import extractor
from extractor.components.base import BatchedComponent
from extractor.spans import get_attrs

TEXTS = [
    "The Serious Organised Crime Agency (SOCA) made 528 arrests under Operation Pentameter 2.",
    "In this Act, “relevant body” means a body listed in Schedule 2 to the Fraud Act 2006.",
    "",
    "HMRC recovered £4.2 million in 2023. Kent Police closed 15 per cent. of the cases.",
    "No figures are held centrally.",
]


def _extractions(doc) -> list[tuple[int, int, str, dict]]:
    return [(span.start_char, span.end_char, span.label_, get_attrs(span)) for span in doc.spans["extractions"]]


def test_every_rule_component_runs_in_batches(nlp):
    for name, component in nlp.pipeline:
        assert isinstance(component, BatchedComponent), name


@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_pipe_in_batches_equals_one_document_at_a_time(nlp, batch_size):
    one_by_one = [_extractions(nlp(text)) for text in TEXTS]
    piped = [_extractions(doc) for doc in nlp.pipe(TEXTS, batch_size=batch_size)]
    assert piped == one_by_one
    assert any(one_by_one), "the texts have extractions to compare"


def _failing_on(nlp, marker: str) -> None:
    """Make the claim tagger fail on any document containing `marker`."""
    tagger = nlp.get_pipe("claim_tagger")
    find = tagger.find

    def failing_find(doc):
        if marker in doc.text:
            raise ValueError(f"cannot read {marker}")
        return find(doc)

    tagger.find = failing_find


def test_a_failing_document_goes_to_the_error_handler_and_the_rest_go_on():
    nlp = extractor.load("default")
    _failing_on(nlp, "BOOM")
    failures = []
    nlp.set_error_handler(lambda name, component, docs, error: failures.append((name, [d.text for d in docs], error)))
    texts = ["Europol made 12 arrests.", "BOOM 7 times.", "Kent Police made 3 arrests."]
    docs = list(nlp.pipe(texts, batch_size=8))
    assert [doc.text for doc in docs] == [texts[0], texts[2]]
    assert [(name, failed) for name, failed, _ in failures] == [("claim_tagger", ["BOOM 7 times."])]
    assert isinstance(failures[0][2], ValueError)


def test_without_a_handler_the_error_is_raised():
    nlp = extractor.load("default")
    _failing_on(nlp, "BOOM")
    with pytest.raises(ValueError, match="cannot read BOOM"):
        list(nlp.pipe(["Europol made 12 arrests.", "BOOM 7 times."], batch_size=8))
