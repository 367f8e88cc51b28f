"""The unit of work: a batch annotated in a memory zone, after a once-per-process warm-up."""

from __future__ import annotations

import pytest
import spacy

from extractor.engines import work
from extractor.records import DocRecord


@pytest.fixture
def fresh_nlp():
    """A pipeline no batch has run through yet (the warm-up happens once per pipeline)."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "extractor.Tokenizer.v1"}}})
    nlp.add_pipe("claim_tagger")
    nlp.add_pipe("extraction_resolver")
    return nlp


def test_the_first_batch_words_stay_and_later_batches_words_are_freed(fresh_nlp):
    work.annotate_batch(fresh_nlp, [DocRecord(id="a", text="Quokkaville police counted 17 wombats.")], "jsonl")
    work.annotate_batch(fresh_nlp, [DocRecord(id="b", text="Zanzibarian inspectors counted 23 wombats.")], "jsonl")
    strings = fresh_nlp.vocab.strings
    assert "Quokkaville" in strings and "wombats" in strings
    assert "Zanzibarian" not in strings  # added inside the second batch's memory zone, freed after it


def test_the_warm_up_reads_only_the_start_of_the_first_batch(fresh_nlp, monkeypatch):
    monkeypatch.setattr(work, "WARM_UP_CHARACTERS", 12)
    text = "Quokkaville police counted 17 wombats."
    work.annotate_batch(fresh_nlp, [DocRecord(id="a", text=text), DocRecord(id="b", text="Zanzibarian ")], "jsonl")
    assert "Quokkaville" in fresh_nlp.vocab.strings
    assert "wombats" not in fresh_nlp.vocab.strings
    assert "Zanzibarian" not in fresh_nlp.vocab.strings


def test_a_warmed_pipeline_annotates_as_a_cold_one(fresh_nlp):
    records = [
        DocRecord(id="a", text="The force made 528 arrests and seized £2.3 million in 2008."),
        DocRecord(id="b", text="In 2009, 15 per cent of the 4,000 cases were referred."),
    ]
    first = work.annotate_batch(fresh_nlp, records, "jsonl")  # warms up, then annotates in a zone
    second = work.annotate_batch(fresh_nlp, records, "jsonl")
    assert first.payload == second.payload
    assert '"528 arrests"' in first.payload and '"£2.3 million"' in first.payload
