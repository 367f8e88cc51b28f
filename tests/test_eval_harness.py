"""The harness's figures on a small hand-made gold/prediction pair, counted by hand.

Fixture (evaluation/fixtures/gold_small.jsonl vs pred_small.jsonl, texts written for the test):

fx-1  gold: AGENCY "Serious Fraud Office", NUMERIC_CLAIM "12 new cases", LEGISLATION "Bribery Act 2010",
            AGENCY "SFO", NUMERIC_CLAIM "£3.5 million"
      pred: AGENCY "Serious Fraud Office" (correct; canonical in lower case), NUMERIC_CLAIM "12" (partial),
            LEGISLATION "Bribery Act 2010" (correct), AGENCY "SFO" (correct; no canonical),
            NUMERIC_CLAIM "£3.5 million" (correct; value "3,500,000")
fx-2  gold: OPERATION "Operation Nimbus", NUMERIC_CLAIM "40 arrests", AGENCY "National Crime Agency",
            AGENCY "Europol"
      pred: OPERATION "Nimbus" (partial), NUMERIC_CLAIM "40 arrests" (correct; value 41),
            LEGISLATION "National Crime Agency" (incorrect label); Europol missed
fx-3  gold: LEGAL_DEFINITION "“harbour” means ... authorities" (term "harbour")
      pred: the same (correct; term "Harbour"), AGENCY "authorities" (spurious, inside the definition)
fx-4  no spans on either side.

Gold spans: 10 (AGENCY 4, NUMERIC_CLAIM 3, LEGISLATION 1, OPERATION 1, LEGAL_DEFINITION 1).
Predicted: 10 (AGENCY 3, NUMERIC_CLAIM 3, LEGISLATION 2, OPERATION 1, LEGAL_DEFINITION 1).
"""

from pathlib import Path

import numpy as np
import pytest

from extractor.evaluation.bootstrap import paired_test, resample_weights
from extractor.evaluation.harness import EvaluationError, compare_reports, evaluate
from extractor.records import DocRecord, SpanRecord, read_jsonl

FIXTURES = Path(__file__).resolve().parent.parent / "evaluation" / "fixtures"


@pytest.fixture(scope="module")
def gold():
    return read_jsonl(FIXTURES / "gold_small.jsonl")


@pytest.fixture(scope="module")
def report(gold):
    pred = read_jsonl(FIXTURES / "pred_small.jsonl")
    return evaluate(gold, {"sys": pred}, n_bootstrap=200, seed=1).to_dict()


def test_strict_by_hand(report):
    strict = report["systems"]["sys"]["scores"]["strict"]
    # Strict hits: SFO long, Bribery Act, SFO, £3.5 million, 40 arrests, definition = 6 of 10 and 10.
    assert strict["micro"]["precision"] == pytest.approx(0.6)
    assert strict["micro"]["recall"] == pytest.approx(0.6)
    assert strict["micro"]["f1"] == pytest.approx(0.6)
    per = strict["per_label"]
    # AGENCY: 2 hits, 4 gold, 3 predicted -> P 2/3, R 1/2, F1 = (2/3)/(7/6) = 4/7.
    assert (per["AGENCY"]["n_gold"], per["AGENCY"]["n_pred"]) == (4, 3)
    assert per["AGENCY"]["f1"] == pytest.approx(4 / 7)
    # NUMERIC_CLAIM: 2 of 3 and 3 -> 2/3. LEGISLATION: 1 hit, 1 gold, 2 predicted -> P 1/2, R 1, F1 2/3.
    assert per["NUMERIC_CLAIM"]["f1"] == pytest.approx(2 / 3)
    assert (per["LEGISLATION"]["precision"], per["LEGISLATION"]["recall"]) == pytest.approx((0.5, 1.0))
    # OPERATION: 0 hits -> 0; LEGAL_DEFINITION: 1 of 1 -> 1.
    assert per["OPERATION"]["f1"] == 0.0 and per["LEGAL_DEFINITION"]["f1"] == 1.0
    # Macro F1 = (4/7 + 2/3 + 2/3 + 0 + 1) / 5.
    assert strict["macro"]["f1"] == pytest.approx((4 / 7 + 2 / 3 + 2 / 3 + 0 + 1) / 5)


def test_other_schemes_by_hand(report):
    scores = report["systems"]["sys"]["scores"]
    # partial: + "12" and "Nimbus" -> 8 of 10; NUMERIC_CLAIM and OPERATION now perfect.
    assert scores["partial"]["micro"]["f1"] == pytest.approx(0.8)
    assert scores["partial"]["per_label"]["NUMERIC_CLAIM"]["f1"] == 1.0
    assert scores["partial"]["per_label"]["OPERATION"]["f1"] == 1.0
    # exact: strict + "National Crime Agency" (same bounds, other label) -> 7 of 10.
    assert scores["exact"]["micro"]["f1"] == pytest.approx(0.7)
    assert scores["exact"]["per_label"]["AGENCY"]["recall"] == pytest.approx(3 / 4)
    assert scores["exact"]["per_label"]["LEGISLATION"]["precision"] == 1.0
    # partial_semeval: 6 exact + 1 same-bounds + 0.5 * 2 overlaps = 8 of 10.
    assert scores["partial_semeval"]["micro"]["tp_gold"] == pytest.approx(8.0)
    assert scores["type"] == scores["partial"]


def test_outcomes_errors_confusion_by_hand(report):
    system = report["systems"]["sys"]
    assert system["outcomes"]["total"] == {
        "correct": 6,
        "partial": 2,
        "incorrect": 1,
        "mismatch": 0,
        "missed": 1,
        "spurious": 1,
    }
    kinds = sorted(e["kind"] for e in system["errors"])
    assert kinds == ["boundary", "boundary", "label", "missed", "spurious"]
    missed = next(e for e in system["errors"] if e["kind"] == "missed")
    assert missed["doc_id"] == "fx-2" and missed["gold"]["text"] == "Europol" and missed["pred"] is None
    assert missed["context_left"].endswith("worked with ") and missed["context_right"] == "."
    matrix = system["confusion"]["matrix"]
    assert matrix["AGENCY"]["AGENCY"] == 2 and matrix["AGENCY"]["LEGISLATION"] == 1
    assert matrix["AGENCY"]["none"] == 1 and matrix["none"]["AGENCY"] == 1
    assert matrix["NUMERIC_CLAIM"]["NUMERIC_CLAIM"] == 3 and matrix["OPERATION"]["OPERATION"] == 1


def test_attribute_accuracy_by_hand(report):
    accuracy = report["systems"]["sys"]["attributes"]["accuracy"]
    # canonical: "serious fraud office" right (case ignored), "SFO" without canonical wrong -> 1 of 2.
    assert accuracy["AGENCY.canonical"] == {"n": 2, "correct": 1, "accuracy": 0.5}
    # value: "3,500,000" == 3500000 right, 41 != 40 wrong -> 1 of 2. term: "Harbour" == "harbour" -> 1 of 1.
    assert accuracy["NUMERIC_CLAIM.value"] == {"n": 2, "correct": 1, "accuracy": 0.5}
    assert accuracy["LEGAL_DEFINITION.term"] == {"n": 1, "correct": 1, "accuracy": 1.0}


def test_intervals_are_seeded_and_contain_sensible_values(gold, report):
    pred = read_jsonl(FIXTURES / "pred_small.jsonl")
    again = evaluate(gold, {"sys": pred}, n_bootstrap=200, seed=1).to_dict()
    assert again == report
    low, high = report["systems"]["sys"]["scores"]["strict"]["micro"]["f1_ci"]
    assert 0.0 <= low <= 0.6 <= high <= 1.0
    other = evaluate(gold, {"sys": pred}, n_bootstrap=200, seed=2).to_dict()
    assert other["systems"]["sys"]["scores"]["strict"]["micro"]["f1"] == pytest.approx(0.6)


def test_gold_against_itself_is_perfect(gold):
    result = evaluate(gold, {"gold": gold}, n_bootstrap=50).to_dict()
    for scheme in result["systems"]["gold"]["scores"].values():
        assert scheme["micro"]["f1"] == 1.0 and scheme["micro"]["f1_ci"] == [1.0, 1.0]
    assert result["systems"]["gold"]["errors"] == []


def test_alignment_errors(gold):
    with pytest.raises(EvaluationError, match="no prediction for 1 gold document.*'fx-4'"):
        evaluate(gold, {"sys": gold[:3]}, n_bootstrap=0)
    changed = [DocRecord(d.id, d.text + (" extra" if d.id == "fx-2" else ""), d.spans) for d in gold]
    with pytest.raises(EvaluationError, match="'fx-2' text differs from gold"):
        evaluate(gold, {"sys": changed}, n_bootstrap=0)
    with pytest.raises(EvaluationError, match="occurs more than once"):
        evaluate(gold, {"sys": gold + gold[:1]}, n_bootstrap=0)
    bad = [DocRecord("fx-4", gold[3].text, [SpanRecord(0, 999, "AGENCY", "")])]
    with pytest.raises(EvaluationError, match="outside its text"):
        evaluate(gold[3:], {"sys": bad}, n_bootstrap=0)


def test_missing_documents_allowed_with_flag(gold):
    extra = DocRecord("not-in-gold", "Some other text.")
    result = evaluate(gold, {"sys": [*gold[:3], extra]}, n_bootstrap=0, allow_missing=True).to_dict()
    system = result["systems"]["sys"]
    assert system["missing_docs"] == ["fx-4"] and system["extra_docs"] == ["not-in-gold"]
    assert system["scores"]["strict"]["micro"]["f1"] == 1.0  # fx-4 has no gold spans


def test_paired_test_and_comparisons(gold):
    empty = [DocRecord(d.id, d.text) for d in gold]
    result = evaluate(gold, {"gold": gold, "empty": empty, "same": gold}, n_bootstrap=100, seed=0).to_dict()
    tests = {(c["system_a"], c["system_b"], c["scheme"]): c for c in result["comparisons"]}
    assert set(tests) == {
        (a, b, s)
        for a, b in [("gold", "empty"), ("gold", "same"), ("empty", "same")]
        for s in ("strict", "partial")
    }
    assert (
        tests["gold", "same", "strict"]["delta"] == 0.0 and tests["gold", "same", "strict"]["p_value"] == 1.0
    )
    assert tests["gold", "empty", "strict"]["delta"] == 1.0


def test_paired_test_detects_a_clear_difference():
    # 40 documents with 3 gold spans each: A predicts all 3 (F1 1); B predicts 1, right (P 1, R 1/3, F1 0.5).
    # Every resample gives delta_b = 0.5 = delta, so no |delta_b - delta| >= 0.5 -> p = 1/(B+1).
    counts_a = np.tile([3, 3, 3, 3], (40, 1, 1)).astype(float)
    counts_b = np.tile([3, 1, 1, 1], (40, 1, 1)).astype(float)
    weights = resample_weights(40, 999, seed=0)
    test = paired_test(counts_a, counts_b, weights)
    assert test.delta == pytest.approx(0.5) and test.p_value == pytest.approx(1 / 1000)


def test_compare_reports_marks_changes(gold, report):
    better = evaluate(gold, {"sys": gold}, n_bootstrap=0).to_dict()
    diff = compare_reports(report, better)
    assert diff["same_gold"] is True
    assert diff["systems"]["sys"]["strict"]["micro"]["change"] == "better"
    assert diff["systems"]["sys"]["strict"]["micro"]["delta"] == pytest.approx(0.4)
    assert diff["systems"]["sys"]["strict"]["LEGAL_DEFINITION"]["change"] == "same"
    assert compare_reports(better, report)["systems"]["sys"]["partial"]["OPERATION"]["change"] == "same"
    assert compare_reports(better, report)["systems"]["sys"]["strict"]["OPERATION"]["change"] == "worse"
    renamed = evaluate(gold[:2], {"new": gold[:2]}, n_bootstrap=0).to_dict()
    diff = compare_reports(report, renamed)
    assert diff["same_gold"] is False and diff["only_in_old"] == ["sys"] and diff["only_in_new"] == ["new"]
