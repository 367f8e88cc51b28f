"""Property tests: strict scores agree with spaCy's `Scorer.score_spans`; invariants hold.

Spans are generated on token boundaries of a text of numbered words, so that a
spaCy `Doc` built on the same words aligns one to one with the character offsets
the harness uses. Span sets are sets (spaCy scores sets of spans).
"""

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example

from extractor.evaluation.harness import evaluate
from extractor.evaluation.matching import SCHEMES, classify, micro, score_document
from extractor.records import DocRecord, SpanRecord

LABELS = ("AGENCY", "OPERATION", "NUMERIC_CLAIM")
NLP = spacy.blank("en")


def words(n: int) -> list[str]:
    return [f"w{i}" for i in range(n)]


def char_offsets(n: int) -> list[tuple[int, int]]:
    offsets, position = [], 0
    for word in words(n):
        offsets.append((position, position + len(word)))
        position += len(word) + 1
    return offsets


@st.composite
def token_spans(draw, n_tokens: int):
    pairs = st.tuples(st.integers(0, n_tokens - 1), st.integers(1, 4), st.sampled_from(LABELS))
    raw = draw(st.sets(pairs, max_size=8))
    return {(start, min(start + length, n_tokens), label) for start, length, label in raw}


@st.composite
def documents(draw):
    n_tokens = draw(st.integers(1, 25))
    return n_tokens, draw(token_spans(n_tokens)), draw(token_spans(n_tokens))


def record(doc_id: str, n_tokens: int, spans) -> DocRecord:
    text = " ".join(words(n_tokens))
    offsets = char_offsets(n_tokens)
    records = [
        SpanRecord(
            offsets[start][0], offsets[end - 1][1], label, text[offsets[start][0] : offsets[end - 1][1]]
        )
        for start, end, label in spans
    ]
    return DocRecord(id=doc_id, text=text, spans=records)


def spacy_doc(n_tokens: int, spans) -> Doc:
    doc = Doc(NLP.vocab, words=words(n_tokens))
    doc.spans["sc"] = [Span(doc, start, end, label=label) for start, end, label in spans]
    return doc


@settings(max_examples=150, deadline=None)
@given(st.lists(documents(), min_size=1, max_size=5))
def test_strict_scores_agree_with_spacy(docs):
    gold = [record(f"d{i}", n, g) for i, (n, g, _) in enumerate(docs)]
    pred = [record(f"d{i}", n, p) for i, (n, _, p) in enumerate(docs)]
    examples = [Example(spacy_doc(n, p), spacy_doc(n, g)) for n, g, p in docs]
    expected = Scorer.score_spans(
        examples, "sc", getter=lambda doc, attr: doc.spans[attr], allow_overlap=True
    )
    result = evaluate(gold, {"system": pred}, n_bootstrap=0).to_dict()
    strict = result["systems"]["system"]["scores"]["strict"]
    if expected["sc_f"] is None:  # spaCy: nothing to score at all
        assert strict["micro"]["n_gold"] == strict["micro"]["n_pred"] == 0
        return
    assert strict["micro"]["precision"] == pytest.approx(expected["sc_p"], abs=1e-9)
    assert strict["micro"]["recall"] == pytest.approx(expected["sc_r"], abs=1e-9)
    assert strict["micro"]["f1"] == pytest.approx(expected["sc_f"], abs=1e-9)
    for label, scores in expected["sc_per_type"].items():
        ours = strict["per_label"][label]
        assert ours["precision"] == pytest.approx(scores["p"], abs=1e-9)
        assert ours["recall"] == pytest.approx(scores["r"], abs=1e-9)
        assert ours["f1"] == pytest.approx(scores["f"], abs=1e-9)
    for label, ours in strict["per_label"].items():
        if label not in expected["sc_per_type"]:
            assert ours["n_gold"] == ours["n_pred"] == 0


@settings(max_examples=200, deadline=None)
@given(documents())
def test_invariants(doc):
    n, g, p = doc
    gold, pred = record("d", n, g).spans, record("d", n, p).spans
    scores = score_document(gold, pred)
    for scheme in SCHEMES:
        for tally in [*scores[scheme].values(), micro(scores[scheme].values())]:
            assert 0.0 <= tally.precision <= 1.0 and 0.0 <= tally.recall <= 1.0 and 0.0 <= tally.f1 <= 1.0
            assert tally.tp_gold <= tally.n_gold and tally.tp_pred <= tally.n_pred
    strict, partial = micro(scores["strict"].values()), micro(scores["partial"].values())
    assert partial.tp_gold >= strict.tp_gold and partial.f1 >= strict.f1
    for label, tally in scores["strict"].items():
        assert scores["partial"][label].f1 >= tally.f1
        assert scores["exact"][label].tp_gold >= tally.tp_gold
    assert micro(scores["partial_semeval"].values()).tp_gold >= strict.tp_gold
    assert scores["type"] == scores["partial"]


@settings(max_examples=100, deadline=None)
@given(documents())
def test_identical_gold_and_prediction_score_one(doc):
    n, g, _ = doc
    spans = record("d", n, g).spans
    scores = score_document(spans, spans)
    for scheme in SCHEMES:
        for tally in scores[scheme].values():
            assert tally.f1 == 1.0
    assert {o.category for o in classify(spans, spans)} <= {"correct"}


@settings(max_examples=200, deadline=None)
@given(documents())
def test_outcomes_account_for_every_span(doc):
    n, g, p = doc
    gold, pred = record("d", n, g).spans, record("d", n, p).spans
    outcomes = classify(gold, pred)
    count = {c: sum(o.category == c for o in outcomes) for c in ("correct", "partial", "missed", "spurious")}
    paired = sum(o.gold is not None and o.pred is not None for o in outcomes)
    assert paired + count["missed"] == len(gold)
    assert paired + count["spurious"] == len(pred)
    scores = score_document(gold, pred)
    assert count["correct"] == micro(scores["strict"].values()).tp_gold
    assert count["correct"] + count["partial"] == micro(scores["partial"].values()).tp_gold
