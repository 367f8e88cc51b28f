"""Hand-worked examples of the outcome categories and every scoring scheme.

Offsets only matter for overlap, so spans carry no text. Each expected figure is
worked out by hand in the comments.
"""

import random

import pytest

from extractor.evaluation.matching import (
    SCHEMES,
    Tally,
    classify,
    macro,
    match_spans,
    micro,
    score_document,
)
from extractor.records import SpanRecord

A, OP, L, N = "AGENCY", "OPERATION", "LEGISLATION", "NUMERIC_CLAIM"


def s(start: int, end: int, label: str) -> SpanRecord:
    return SpanRecord(start, end, label, "")


# One example with one span in every outcome category.
G1, G2, G3, G4, G5 = s(0, 5, A), s(10, 20, OP), s(30, 40, L), s(50, 60, A), s(70, 80, N)
P1, P2, P3, P4, P5 = s(0, 5, A), s(10, 18, OP), s(30, 40, A), s(52, 58, OP), s(90, 95, A)
GOLD = [G1, G2, G3, G4, G5]
PRED = [P1, P2, P3, P4, P5]


def test_every_outcome_category():
    # G1/P1 identical -> correct; G2/P2 same label, overlap -> partial;
    # G3/P3 same bounds, other label -> incorrect; G4/P4 overlap, other label and bounds -> mismatch;
    # G5 alone -> missed; P5 alone -> spurious.
    outcomes = {(o.category, o.gold, o.pred) for o in classify(GOLD, PRED)}
    assert outcomes == {
        ("correct", G1, P1),
        ("partial", G2, P2),
        ("incorrect", G3, P3),
        ("mismatch", G4, P4),
        ("missed", G5, None),
        ("spurious", None, P5),
    }


def test_strict_scheme():
    # Only G1/P1 match: tp = 1 of 5 gold, 5 predicted -> P = R = F1 = 0.2.
    tallies = score_document(GOLD, PRED)["strict"]
    total = micro(tallies.values())
    assert (total.n_gold, total.n_pred, total.tp_gold, total.tp_pred) == (5, 5, 1, 1)
    assert total.precision == pytest.approx(0.2) and total.recall == pytest.approx(0.2)
    assert total.f1 == pytest.approx(0.2)
    # AGENCY: gold G1, G4 (2); predicted P1, P3, P5 (3); tp 1 -> P 1/3, R 1/2, F1 = 2*(1/6)/(5/6) = 0.4.
    agency = tallies[A]
    assert (agency.precision, agency.recall) == pytest.approx((1 / 3, 1 / 2))
    assert agency.f1 == pytest.approx(0.4)
    # OPERATION: gold G2, predicted P2, P4, nothing strict -> 0; NUMERIC_CLAIM: gold only -> 0.
    assert tallies[OP].f1 == 0.0 and tallies[N].f1 == 0.0 and tallies[N].n_pred == 0


def test_exact_scheme_ignores_labels():
    # G1/P1 and G3/P3 have the same bounds -> tp 2 of 5 -> P = R = 0.4.
    tallies = score_document(GOLD, PRED)["exact"]
    assert micro(tallies.values()).f1 == pytest.approx(0.4)
    # G3 (LEGISLATION) is found by P3 (AGENCY): LEGISLATION recall 1/1,
    # AGENCY precision 2/3 (P1 and P3 of P1, P3, P5).
    assert tallies[L].recall == 1.0 and tallies[L].precision == 0.0
    assert tallies[A].precision == pytest.approx(2 / 3)
    assert tallies[A].recall == pytest.approx(1 / 2)  # G1 found, G4 not


def test_partial_scheme_is_the_guidelines_definition():
    # Same label and overlapping: G1/P1 and G2/P2, each a full hit -> tp 2 -> P = R = 0.4.
    tallies = score_document(GOLD, PRED)["partial"]
    assert micro(tallies.values()).tp_gold == 2
    # OPERATION: G2 found (R 1/1), P2 right but P4 not (P 1/2) -> F1 = 2/3.
    assert tallies[OP].f1 == pytest.approx(2 / 3)


def test_type_scheme_equals_partial():
    scores = score_document(GOLD, PRED)
    assert scores["type"] == scores["partial"]


def test_partial_semeval_gives_half_credit():
    # Exact bounds: G1/P1 (1) and G3/P3 (1); overlaps: G2/P2 (0.5) and G4/P4 (0.5) -> 3 of 5 -> P = R = 0.6.
    total = micro(score_document(GOLD, PRED)["partial_semeval"].values())
    assert total.tp_gold == pytest.approx(3.0) and total.tp_pred == pytest.approx(3.0)
    assert total.precision == pytest.approx(0.6) and total.recall == pytest.approx(0.6)


def test_one_gold_never_matches_two_predictions():
    # Gold 0-10; predictions 0-5 (overlap 5) and 3-10 (overlap 7): the larger overlap wins,
    # the other is spurious. Partial: tp 1, P = 1/2, R = 1/1.
    gold, pred = [s(0, 10, A)], [s(0, 5, A), s(3, 10, A)]
    for scheme in SCHEMES:
        matches = match_spans(gold, pred, scheme)
        assert len(matches) <= 1
    (match,) = match_spans(gold, pred, "partial")
    assert match.pred == s(3, 10, A)
    total = micro(score_document(gold, pred)["partial"].values())
    assert (total.precision, total.recall) == (0.5, 1.0)


def test_one_prediction_never_matches_two_gold_spans():
    # Gold 0-5 and 6-10; one prediction 0-10 overlaps both (5 and 4 chars): it pairs with 0-5.
    # Partial: tp 1 -> P = 1/1, R = 1/2.
    gold, pred = [s(0, 5, A), s(6, 10, A)], [s(0, 10, A)]
    (match,) = match_spans(gold, pred, "partial")
    assert match.gold == s(0, 5, A)
    total = micro(score_document(gold, pred)["partial"].values())
    assert (total.precision, total.recall) == (1.0, 0.5)


def test_duplicate_predictions_count_once():
    # The same span predicted twice: one is a hit, the other spurious -> P = 1/2, R = 1.
    total = micro(score_document([s(0, 5, A)], [s(0, 5, A), s(0, 5, A)])["strict"].values())
    assert (total.tp_pred, total.n_pred, total.precision, total.recall) == (1, 2, 0.5, 1.0)


def test_label_blind_schemes_prefer_the_same_label():
    # Two gold spans on the same bounds with different labels; the predictions in the other order.
    gold, pred = [s(0, 5, A), s(0, 5, OP)], [s(0, 5, OP), s(0, 5, A)]
    assert all(m.gold.label == m.pred.label for m in match_spans(gold, pred, "exact"))


def test_partial_outcome_takes_precedence_over_incorrect():
    # Gold 0-5 AGENCY; predictions 0-5 OPERATION (same bounds) and 0-4 AGENCY (same label):
    # the same-label prediction is paired (partial), the other is spurious, so that
    # correct + partial outcomes equal the partial scheme's matches.
    outcomes = {(o.category, o.pred) for o in classify([s(0, 5, A)], [s(0, 5, OP), s(0, 4, A)])}
    assert outcomes == {("partial", s(0, 4, A)), ("spurious", s(0, 5, OP))}


def test_matching_does_not_depend_on_input_order():
    gold, pred = GOLD * 2, PRED + [s(1, 4, A), s(12, 20, OP)]
    expected = score_document(gold, pred)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(gold)
        rng.shuffle(pred)
        assert score_document(gold, pred) == expected


def test_empty_documents_and_zero_denominators():
    # No gold, one prediction: P = 0/1, R undefined -> 0. Nothing at all: every ratio 0.
    total = micro(score_document([], [s(0, 3, A)])["strict"].values())
    assert (total.precision, total.recall, total.f1) == (0.0, 0.0, 0.0)
    assert score_document([], [])["strict"] == {}
    assert Tally().f1 == 0.0 and Tally().is_empty


def test_macro_leaves_out_unused_labels():
    # AGENCY F1 1.0, OPERATION F1 0.0 (gold only), LEGISLATION unused -> macro F1 = (1 + 0) / 2.
    per_label = {A: Tally(1, 1, 1, 1), OP: Tally(1, 0, 0, 0), L: Tally()}
    average = macro(per_label)
    assert average.f1 == 0.5 and average.labels == (A, OP)
    assert macro({L: Tally()}).f1 == 0.0
