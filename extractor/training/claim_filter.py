"""Training the claim filter from gold annotations, and measuring it on held-out documents.

Every quantity the claim tagger considers is an example; it is a claim when a
gold NUMERIC_CLAIM overlaps its number. The features are those the component
computes at prediction time (`extractor.components.claim_filter`). The model
is scikit-learn's LogisticRegression, calibrated with `CalibratedClassifierCV`
(sigmoid, one model on all the data, calibrated on cross-validated decision
values from folds that never split a document), and is exported to the
component's JSON model, checked to give the same probabilities as the fitted
estimator. scikit-learn is needed here only (the `train` extra), never to load
or run the model.

Tables reach the text flattened in more than one way; the team's documents
split cells with tabs, others put one cell a line or split them with spaces.
Training therefore also sees each tab-separated document in those two layouts
(`with_table_layouts`): same-length rewrites, so the gold offsets stay right.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import numpy as np
from spacy.language import Language

from extractor.annotate import annotate_records
from extractor.components.claim_filter import ClaimFilterModel, add_claim_filter, candidate_features
from extractor.evaluation.harness import evaluate
from extractor.labels import NUMERIC_CLAIM
from extractor.pipeline import load
from extractor.records import DocRecord

#: Same-length rewrites of tab-separated cells: one cell a line, cells split by a space.
TABLE_LAYOUTS: tuple[tuple[str, str], ...] = (("\t", "\n"), ("\t", " "))
#: Folds of the cross-validation whose decision values the sigmoid is fitted on.
DEFAULT_FOLDS = 5
DEFAULT_C = 1.0


@dataclass
class CandidateExamples:
    """The claim tagger's candidates in some documents: features, gold labels, documents, the rules' verdict."""

    features: list[dict[str, float]]
    labels: np.ndarray
    documents: list[str]
    rules_accept: np.ndarray


def candidate_examples(records: Sequence[DocRecord], nlp: Language | None = None) -> CandidateExamples:
    """Run the rule pipeline (`nlp`, default: the default pipeline) and label each claim candidate from gold."""
    nlp = nlp if nlp is not None else load("default")
    tagger = nlp.get_pipe("claim_tagger")
    features: list[dict[str, float]] = []
    labels: list[int] = []
    documents: list[str] = []
    accepted: list[bool] = []
    for record, doc in zip(records, nlp.pipe(record.text for record in records), strict=True):
        candidates = tagger.candidates(doc)
        gold = [(span.start, span.end) for span in record.spans if span.label == NUMERIC_CLAIM]
        features.extend(candidate_features(doc, candidates))
        for candidate in candidates:
            labels.append(int(any(start < candidate.quantity_end and candidate.quantity_start < end
                                  for start, end in gold)))
            documents.append(record.id)
            accepted.append(candidate.rejected_by is None)
    return CandidateExamples(features, np.asarray(labels, dtype=np.int64), documents, np.asarray(accepted, dtype=bool))


def records_sha256(records: Sequence[DocRecord]) -> str:
    """SHA-256 of the records as gold JSON Lines, in order: the training data's fingerprint."""
    digest = hashlib.sha256()
    for record in records:
        digest.update((record.to_json() + "\n").encode("utf-8"))
    return digest.hexdigest()


def with_table_layouts(records: Sequence[DocRecord]) -> list[DocRecord]:
    """The records, and each one with tab-separated cells again in every layout of `TABLE_LAYOUTS`.

    A variant keeps its document's id, so cross-validation never puts a
    document and its variant on both sides of a fold.
    """
    out = list(records)
    for record in records:
        if "\t" in record.text:
            for old, new in TABLE_LAYOUTS:
                out.append(DocRecord(record.id, record.text.replace(old, new), list(record.spans), dict(record.meta)))
    return out


def _document_folds(examples: CandidateExamples, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cross-validation splits that keep each document's candidates together, both classes in every training part."""
    from sklearn.model_selection import StratifiedGroupKFold

    n_documents = len(set(examples.documents))
    if n_documents < 2:
        raise ValueError(f"training the claim filter needs at least two documents, got {n_documents}")
    splitter = StratifiedGroupKFold(n_splits=min(folds, n_documents), shuffle=True, random_state=seed)
    placeholder = np.zeros((len(examples.labels), 1))
    splits = list(splitter.split(placeholder, examples.labels, groups=examples.documents))
    for train, _ in splits:
        if len(np.unique(examples.labels[train])) < 2:
            raise ValueError("a cross-validation fold has claims only or non-claims only: give more documents")
    return splits


def train_claim_filter(
    records: list[DocRecord],
    seed: int = 0,
    *,
    c: float = DEFAULT_C,
    threshold: float = 0.5,
    folds: int = DEFAULT_FOLDS,
    table_layouts: bool = True,
    nlp: Language | None = None,
) -> ClaimFilterModel:
    """Fit the claim filter on gold records (the same seed and records give the same model).

    `c` is LogisticRegression's inverse regularisation strength; `threshold` is
    stored in the model as the probability at or above which a candidate is kept;
    `table_layouts` adds the documents' tables in other layouts (`with_table_layouts`).
    """
    from sklearn import __version__ as sklearn_version
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    examples = candidate_examples(with_table_layouts(records) if table_layouts else records, nlp)
    if len(np.unique(examples.labels)) < 2:
        raise ValueError("training the claim filter needs both claims and non-claims among the candidates")
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(examples.features)
    estimator = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    splits = _document_folds(examples, folds, seed)
    calibrated = CalibratedClassifierCV(estimator, method="sigmoid", cv=splits, ensemble=False)
    calibrated.fit(matrix, examples.labels)
    fitted = calibrated.calibrated_classifiers_[0]
    regression, sigmoid = fitted.estimator, fitted.calibrators[0]
    model = ClaimFilterModel(
        features=tuple(str(name) for name in vectorizer.get_feature_names_out()),
        coef=tuple(float(value) for value in regression.coef_[0]),
        intercept=float(regression.intercept_[0]),
        calibration_a=float(sigmoid.a_),
        calibration_b=float(sigmoid.b_),
        threshold=threshold,
        provenance={
            "trainer": "extractor.training.claim_filter.train_claim_filter",
            "training_data_sha256": records_sha256(records),
            "n_documents": len(records),
            "table_layouts": [f"{old!r} -> {new!r}" for old, new in TABLE_LAYOUTS] if table_layouts else [],
            "n_examples": int(len(examples.labels)),  # candidates, in every table layout trained on
            "n_claim_examples": int(examples.labels.sum()),
            "seed": seed,
            "C": c,
            "folds": len(splits),
            "sklearn_version": sklearn_version,
            "numpy_version": np.__version__,
            "extractor_version": _version("extractor"),
        },
    )
    expected = calibrated.predict_proba(matrix)[:, 1]
    if not np.allclose(model.probabilities(examples.features), expected, rtol=1e-9, atol=1e-12):
        raise RuntimeError("the exported claim filter does not reproduce scikit-learn's probabilities")
    return model


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def split_by_document(
    records: Sequence[DocRecord], held_out: float = 0.2, seed: int = 0
) -> tuple[list[DocRecord], list[DocRecord]]:
    """A seeded split of whole documents: (training, held out), held out about `held_out` of them."""
    if not 0.0 < held_out < 1.0:
        raise ValueError(f"held_out must be between 0 and 1, got {held_out}")
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    n_held = max(1, round(len(records) * held_out))
    held = set(order[:n_held])
    return (
        [record for i, record in enumerate(records) if i not in held],
        [record for i, record in enumerate(records) if i in held],
    )


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "n_pred": n_pred, "n_gold": n_gold}


def evaluate_claim_filter(
    model: ClaimFilterModel, records: list[DocRecord], threshold: float | None = None
) -> dict[str, Any]:
    """How the filter does on held-out gold records, beside the rules alone.

    "candidates": over the claim tagger's candidates (a candidate is a claim when
    a gold NUMERIC_CLAIM overlaps its number), the filter's and the rules'
    precision, recall and F1, and the Brier score of the probabilities.
    "strict": NUMERIC_CLAIM strict P/R/F1 from the project's harness, the
    default pipeline ("rules") against the default pipeline with the filter.
    """
    threshold = model.threshold if threshold is None else threshold
    rules = load("default")
    examples = candidate_examples(records, rules)
    probabilities = model.probabilities(examples.features)
    kept = probabilities >= threshold
    claims = examples.labels == 1
    n_gold = int(claims.sum())
    filtered = load("default")
    add_claim_filter(filtered, model, threshold)
    unlabelled = [DocRecord(id=r.id, text=r.text, meta=dict(r.meta)) for r in records]
    systems = {name: list(annotate_records(nlp, unlabelled)) for name, nlp in (("rules", rules), ("filter", filtered))}
    result = evaluate(records, systems, n_bootstrap=0).to_dict()
    strict = {}
    for name in systems:
        scores = result["systems"][name]["scores"]["strict"]["per_label"].get(NUMERIC_CLAIM)
        strict[name] = {key: scores[key] for key in ("precision", "recall", "f1", "n_gold", "n_pred")} if scores else {}
    return {
        "n_documents": len(records),
        "threshold": threshold,
        "candidates": {
            "n": int(len(examples.labels)),
            "n_claims": n_gold,
            "filter": _prf(int((kept & claims).sum()), int(kept.sum()), n_gold),
            "rules": _prf(int((examples.rules_accept & claims).sum()), int(examples.rules_accept.sum()), n_gold),
            "brier": float(np.mean((probabilities - examples.labels) ** 2)) if len(probabilities) else None,
        },
        "strict": strict,
    }


def format_report(report: dict[str, Any]) -> str:
    """The report of `evaluate_claim_filter` as a few lines of text."""
    candidates = report["candidates"]
    lines = [
        f"{report['n_documents']} documents, {candidates['n']} candidates, {candidates['n_claims']} claims; "
        f"threshold {report['threshold']}; Brier {candidates['brier']:.4f}",
        f"{'':22}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for name in ("rules", "filter"):
        scores = candidates[name]
        lines.append(f"candidates {name:<11}{scores['precision']:7.3f}{scores['recall']:7.3f}{scores['f1']:7.3f}")
    for name, scores in report["strict"].items():
        if scores:
            lines.append(
                f"strict {NUMERIC_CLAIM[:7]} {name:<7}{scores['precision']:7.3f}{scores['recall']:7.3f}"
                f"{scores['f1']:7.3f}  gold {scores['n_gold']} pred {scores['n_pred']}"
            )
    return "\n".join(lines)
