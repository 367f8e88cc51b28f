"""Score one or more systems against a gold set: the library entry point of the harness.

`evaluate` takes records only (`extractor.records.DocRecord`), so it scores any
system's output, spaCy or not. It aligns documents by id, matches spans once per
document (`matching`), then adds up counts, bootstraps intervals over documents
(`bootstrap`), scores attributes on strict matches (`attributes`) and lists
errors (`errors`). `EvaluationResult.to_dict` is the one serialised form: the
JSON, Markdown and HTML reports are all drawn from it, and `compare_reports`
diffs two of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from extractor.evaluation.attributes import AttributeScores, score_attributes
from extractor.evaluation.bootstrap import (
    CONFIDENCE_LEVEL,
    PairedTest,
    confidence_intervals,
    count_matrix,
    paired_test,
    resample_weights,
)
from extractor.evaluation.errors import ErrorItem, list_errors
from extractor.evaluation.matching import (
    OUTCOMES,
    SCHEME_DESCRIPTIONS,
    SCHEMES,
    Tally,
    classify,
    macro,
    match_spans,
    micro,
    score_document,
)
from extractor.labels import GUIDELINES_VERSION, LABELS
from extractor.records import DocRecord

#: Version of the `EvaluationResult.to_dict` layout; bump it when a key changes.
SCHEMA_VERSION = "1.0"

#: Schemes whose micro F1 is compared between systems with the paired test.
COMPARED_SCHEMES: tuple[str, ...] = ("strict", "partial")

#: Column/row name in the confusion matrix for "no overlapping span".
NONE_LABEL = "none"

PAIRED_TEST_DESCRIPTION = (
    "two-sided paired bootstrap over documents: p = (1 + #{|delta_b - delta| >= |delta|}) / (B + 1), "
    "delta = micro F1(system_a) - micro F1(system_b), both systems scored on the same resamples"
)


class EvaluationError(ValueError):
    """Gold and predictions cannot be scored together (ids, texts or offsets disagree)."""


def _check_offsets(doc: DocRecord, source: str) -> None:
    for index, span in enumerate(doc.spans):
        if not 0 <= span.start < span.end <= len(doc.text):
            raise EvaluationError(
                f"{source}: document {doc.id!r} span {index} has offsets {span.start}-{span.end} "
                f"outside its text of {len(doc.text)} characters (or start >= end)"
            )


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _by_id(docs: Sequence[DocRecord], source: str) -> dict[str, DocRecord]:
    index: dict[str, DocRecord] = {}
    for doc in docs:
        if doc.id in index:
            raise EvaluationError(f"{source}: document id {doc.id!r} occurs more than once")
        index[doc.id] = doc
    return index


def align_documents(
    gold: Sequence[DocRecord], pred: Sequence[DocRecord], system: str, allow_missing: bool = False
) -> tuple[list[DocRecord], list[str], list[str]]:
    """Return the predictions in gold order, the missing gold ids and the extra predicted ids.

    A gold id with no prediction is an error unless ``allow_missing`` (then it is
    scored as a document with no predicted spans); a prediction whose text is not
    the gold text is always an error, since its offsets would point elsewhere.
    Predictions for ids not in gold are ignored and reported.
    """
    predicted = _by_id(pred, system)
    gold_ids = {doc.id for doc in gold}
    missing = [doc.id for doc in gold if doc.id not in predicted]
    if missing and not allow_missing:
        shown = ", ".join(repr(i) for i in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise EvaluationError(
            f"{system}: no prediction for {len(missing)} gold document(s): {shown} "
            "(allow missing documents to score them as empty)"
        )
    aligned = []
    for doc in gold:
        prediction = predicted.get(doc.id) or DocRecord(id=doc.id, text=doc.text)
        if prediction.text != doc.text:
            raise EvaluationError(
                f"{system}: document {doc.id!r} text differs from gold "
                f"(first difference at character {_first_difference(doc.text, prediction.text)})"
            )
        _check_offsets(prediction, system)
        aligned.append(prediction)
    extra = [doc.id for doc in pred if doc.id not in gold_ids]
    return aligned, missing, extra


def gold_summary(gold: Sequence[DocRecord], source: str | None) -> dict[str, Any]:
    """What the gold set was: size, spans per label and a fingerprint for `compare_reports`."""
    per_label: dict[str, int] = dict.fromkeys(LABELS, 0)
    digest = hashlib.sha256()
    for doc in gold:
        for span in doc.spans:
            per_label[span.label] = per_label.get(span.label, 0) + 1
        keys = [list(span.key) for span in doc.sorted_spans()]
        digest.update(json.dumps([doc.id, doc.text, keys], ensure_ascii=False).encode("utf-8"))
    return {
        "source": source,
        "n_docs": len(gold),
        "n_spans": sum(len(doc.spans) for doc in gold),
        "spans_per_label": per_label,
        "fingerprint": digest.hexdigest(),
    }


def _prf(tally: Tally, interval: tuple[float, float] | None) -> dict[str, Any]:
    return {
        "precision": tally.precision,
        "recall": tally.recall,
        "f1": tally.f1,
        "n_gold": tally.n_gold,
        "n_pred": tally.n_pred,
        "tp_gold": tally.tp_gold,
        "tp_pred": tally.tp_pred,
        "f1_ci": list(interval) if interval else None,
    }


@dataclass
class SystemResult:
    """Everything measured about one system."""

    name: str
    n_docs: int
    n_pred: int
    missing_docs: list[str]
    extra_docs: list[str]
    scores: dict[str, dict[str, Tally]]
    intervals: dict[str, dict[str, tuple[float, float] | None]]
    outcomes: dict[str, dict[str, int]]
    confusion: dict[str, dict[str, int]]
    attributes: AttributeScores
    errors: list[ErrorItem]
    counts: dict[str, np.ndarray] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        scores = {}
        for scheme, per_label in self.scores.items():
            intervals = self.intervals[scheme]
            average = macro(per_label)
            scores[scheme] = {
                "per_label": {label: _prf(tally, intervals[label]) for label, tally in per_label.items()},
                "micro": _prf(micro(per_label.values()), intervals["micro"]),
                "macro": {
                    "precision": average.precision,
                    "recall": average.recall,
                    "f1": average.f1,
                    "labels": list(average.labels),
                },
            }
        return {
            "n_docs": self.n_docs,
            "n_pred_spans": self.n_pred,
            "missing_docs": self.missing_docs,
            "extra_docs": self.extra_docs,
            "outcomes": self.outcomes,
            "scores": scores,
            "attributes": self.attributes.to_dict(),
            "confusion": {"labels": list(self.confusion), "matrix": self.confusion},
            "errors": [error.to_dict() for error in self.errors],
        }


@dataclass(frozen=True)
class Comparison:
    """A paired test between two systems under one scheme."""

    system_a: str
    system_b: str
    scheme: str
    test: PairedTest

    def to_dict(self) -> dict[str, Any]:
        return {
            "system_a": self.system_a,
            "system_b": self.system_b,
            "scheme": self.scheme,
            "metric": "micro_f1",
            "f1_a": self.test.f1_a,
            "f1_b": self.test.f1_b,
            "delta": self.test.delta,
            "p_value": self.test.p_value,
            "delta_ci": list(self.test.delta_ci) if self.test.delta_ci else None,
            "n_bootstrap": self.test.n_samples,
        }


@dataclass
class EvaluationResult:
    """The result of `evaluate`; `to_dict` is its stable, versioned JSON form."""

    gold: dict[str, Any]
    labels: tuple[str, ...]
    n_bootstrap: int
    seed: int
    allow_missing: bool
    systems: dict[str, SystemResult]
    comparisons: list[Comparison]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "guidelines_version": GUIDELINES_VERSION,
            "gold": self.gold,
            "settings": {
                "n_bootstrap": self.n_bootstrap,
                "seed": self.seed,
                "confidence_level": CONFIDENCE_LEVEL,
                "allow_missing": self.allow_missing,
                "schemes": dict(SCHEME_DESCRIPTIONS),
                "paired_test": PAIRED_TEST_DESCRIPTION,
            },
            "labels": list(self.labels),
            "systems": {name: system.to_dict() for name, system in self.systems.items()},
            "comparisons": [comparison.to_dict() for comparison in self.comparisons],
        }


def _labels(gold: Sequence[DocRecord], predictions: Sequence[Sequence[DocRecord]]) -> tuple[str, ...]:
    seen = {span.label for docs in (gold, *predictions) for doc in docs for span in doc.spans}
    return (*LABELS, *sorted(seen - set(LABELS)))


def _score_system(
    name: str,
    gold: Sequence[DocRecord],
    pred: Sequence[DocRecord],
    labels: tuple[str, ...],
    weights: np.ndarray,
    allow_missing: bool,
) -> SystemResult:
    aligned, missing, extra = align_documents(gold, pred, name, allow_missing)
    doc_scores = []
    strict_matches = []
    errors: list[ErrorItem] = []
    outcomes = {label: dict.fromkeys(OUTCOMES, 0) for label in labels}
    confusion_labels = [*labels, NONE_LABEL]
    confusion = {g: dict.fromkeys(confusion_labels, 0) for g in confusion_labels}
    for gold_doc, pred_doc in zip(gold, aligned, strict=True):
        doc_scores.append(score_document(gold_doc.spans, pred_doc.spans))
        strict_matches += [(gold_doc.id, m) for m in match_spans(gold_doc.spans, pred_doc.spans, "strict")]
        doc_outcomes = classify(gold_doc.spans, pred_doc.spans)
        for outcome in doc_outcomes:
            gold_label = outcome.gold.label if outcome.gold else NONE_LABEL
            pred_label = outcome.pred.label if outcome.pred else NONE_LABEL
            outcomes[gold_label if outcome.gold else pred_label][outcome.category] += 1
            confusion[gold_label][pred_label] += 1
        errors += list_errors(gold_doc.id, gold_doc.text, doc_outcomes)
    scores: dict[str, dict[str, Tally]] = {}
    intervals = {}
    counts = {}
    for scheme in SCHEMES:
        per_doc = [doc[scheme] for doc in doc_scores]
        scores[scheme] = {label: micro(doc.get(label, Tally()) for doc in per_doc) for label in labels}
        counts[scheme] = count_matrix(per_doc, labels)
        intervals[scheme] = confidence_intervals(counts[scheme], labels, weights)
    totals = {category: sum(row[category] for row in outcomes.values()) for category in OUTCOMES}
    return SystemResult(
        name=name,
        n_docs=len(aligned),
        n_pred=sum(len(doc.spans) for doc in aligned),
        missing_docs=missing,
        extra_docs=extra,
        scores=scores,
        intervals=intervals,
        outcomes={"total": totals, "per_label": outcomes},
        confusion=confusion,
        attributes=score_attributes(strict_matches),
        errors=errors,
        counts=counts,
    )


def evaluate(
    gold: list[DocRecord],
    systems: dict[str, list[DocRecord]],
    n_bootstrap: int = 1000,
    seed: int = 0,
    *,
    allow_missing: bool = False,
    gold_source: str | None = None,
) -> EvaluationResult:
    """Score every system in ``systems`` (name -> predicted records) against ``gold``.

    Raises `EvaluationError` when ids, texts or offsets do not line up (see
    `align_documents`); ``allow_missing`` scores gold documents a system lacks as
    empty instead. ``n_bootstrap`` resamples (0 for none) give the 95% intervals of
    every scheme's per-label and micro F1; all systems share the same resamples
    (drawn from ``seed``), which is what makes the pairwise tests paired.
    ``gold_source`` (e.g. the file name) is only recorded in the result.
    """
    gold_index = _by_id(gold, "gold")
    for doc in gold_index.values():
        _check_offsets(doc, "gold")
    labels = _labels(gold, list(systems.values()))
    weights = resample_weights(len(gold), n_bootstrap, seed)
    results = {
        name: _score_system(name, gold, pred, labels, weights, allow_missing)
        for name, pred in systems.items()
    }
    comparisons = [
        Comparison(a, b, scheme, paired_test(results[a].counts[scheme], results[b].counts[scheme], weights))
        for a, b in combinations(results, 2)
        for scheme in COMPARED_SCHEMES
    ]
    return EvaluationResult(
        gold=gold_summary(gold, gold_source),
        labels=labels,
        n_bootstrap=n_bootstrap,
        seed=seed,
        allow_missing=allow_missing,
        systems=results,
        comparisons=comparisons,
    )


#: A change in F1 smaller than this is "same".
CHANGE_TOLERANCE = 1e-9


def _change(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    old_f1 = old["f1"] if old else None
    new_f1 = new["f1"] if new else None
    if old_f1 is None or new_f1 is None:
        return {
            "old": old_f1,
            "new": new_f1,
            "delta": None,
            "change": "added" if old is None else "removed",
            "outside_old_ci": None,
        }
    delta = new_f1 - old_f1
    change = "same" if abs(delta) < CHANGE_TOLERANCE else ("better" if delta > 0 else "worse")
    interval = old.get("f1_ci") if old else None
    outside = None if not interval else not interval[0] <= new_f1 <= interval[1]
    return {"old": old_f1, "new": new_f1, "delta": delta, "change": change, "outside_old_ci": outside}


def compare_reports(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Mark, per system, scheme and label (and micro, macro), whether F1 got better or worse.

    Both arguments are `EvaluationResult.to_dict` outputs (e.g. an old report.json
    and a new run). ``outside_old_ci`` says whether the new F1 left the old run's
    95% interval, a rough guide to whether a change is more than resampling noise;
    ``same_gold`` is False when the two were scored against different gold data,
    in which case the figures are not comparable.
    """
    old_systems, new_systems = old.get("systems", {}), new.get("systems", {})
    systems: dict[str, Any] = {}
    for name in (name for name in new_systems if name in old_systems):
        old_scores, new_scores = old_systems[name]["scores"], new_systems[name]["scores"]
        systems[name] = {}
        for scheme in (scheme for scheme in new_scores if scheme in old_scores):
            o, n = old_scores[scheme], new_scores[scheme]
            labels = list(n["per_label"]) + [label for label in o["per_label"] if label not in n["per_label"]]
            entry = {label: _change(o["per_label"].get(label), n["per_label"].get(label)) for label in labels}
            entry["micro"] = _change(o["micro"], n["micro"])
            entry["macro"] = _change(o["macro"], n["macro"])
            systems[name][scheme] = entry
    return {
        "schema_version": SCHEMA_VERSION,
        "same_gold": old.get("gold", {}).get("fingerprint") == new.get("gold", {}).get("fingerprint"),
        "systems": systems,
        "only_in_old": [name for name in old_systems if name not in new_systems],
        "only_in_new": [name for name in new_systems if name not in old_systems],
    }
