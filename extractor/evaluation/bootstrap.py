"""Bootstrap confidence intervals and a paired bootstrap test, over documents.

Spans in one document are not independent (one misread table loses ten claims),
so the unit resampled is the document, as in spaCy's ``benchmark speed`` and in
Koehn (2004) and Berg-Kirkpatrick et al. (2012). Matching is done once; each
resample only reweights the per-document counts: drawing ``n`` documents with
replacement is a multinomial draw of how many times each document is taken, and
the resampled totals are that weight matrix times the count matrix.

- Confidence intervals: the percentile method (the 2.5th and 97.5th percentiles
  of the resampled F1, numpy's default linear interpolation).
- Paired test: both systems are scored on the *same* resamples. With
  ``delta = F1(A) - F1(B)`` on the full set and ``delta_b`` on resample ``b``,
  the bootstrap distribution shifted to mean zero stands for the null hypothesis
  of no difference, and the two-sided p-value is
  ``(1 + #{b : |delta_b - delta| >= |delta|}) / (B + 1)``
  (the "+1" keeps a finite sample from claiming p = 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from extractor.evaluation.matching import Tally

CONFIDENCE_LEVEL = 0.95

# Columns of a count matrix: the fields of `Tally`, in this order.
_N_GOLD, _N_PRED, _TP_GOLD, _TP_PRED = range(4)


def count_matrix(doc_tallies: Sequence[dict[str, Tally]], labels: Sequence[str]) -> np.ndarray:
    """Per-document counts as an array of shape ``(n_docs, n_labels, 4)``."""
    counts = np.zeros((len(doc_tallies), len(labels), 4))
    for d, tallies in enumerate(doc_tallies):
        for k, label in enumerate(labels):
            tally = tallies.get(label)
            if tally is not None:
                counts[d, k] = (tally.n_gold, tally.n_pred, tally.tp_gold, tally.tp_pred)
    return counts


def resample_weights(n_docs: int, n_samples: int, seed: int) -> np.ndarray:
    """How often each document is drawn in each resample: shape ``(n_samples, n_docs)``."""
    rng = np.random.default_rng(seed)
    if n_docs == 0 or n_samples == 0:
        return np.zeros((n_samples, n_docs))
    return rng.multinomial(n_docs, np.full(n_docs, 1.0 / n_docs), size=n_samples).astype(float)


def _f1(totals: np.ndarray) -> np.ndarray:
    """F1 from totals whose last axis is the 4 count columns (0 where undefined, as `Tally`)."""
    n_gold, n_pred = totals[..., _N_GOLD], totals[..., _N_PRED]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(n_pred > 0, totals[..., _TP_PRED] / n_pred, 0.0)
        recall = np.where(n_gold > 0, totals[..., _TP_GOLD] / n_gold, 0.0)
        summed = precision + recall
        return np.where(summed > 0, 2 * precision * recall / summed, 0.0)


def resampled_f1(counts: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Micro F1 ``(n_samples,)`` and per-label F1 ``(n_samples, n_labels)`` of each resample."""
    n_docs, n_labels, _ = counts.shape
    totals = (weights @ counts.reshape(n_docs, n_labels * 4)).reshape(-1, n_labels, 4)
    return _f1(totals.sum(axis=1)), _f1(totals)


def _interval(samples: np.ndarray) -> tuple[float, float]:
    tail = (1 - CONFIDENCE_LEVEL) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def confidence_intervals(
    counts: np.ndarray, labels: Sequence[str], weights: np.ndarray
) -> dict[str, tuple[float, float] | None]:
    """95% intervals of F1 per label and under ``"micro"``; None when there are no resamples."""
    keys = [*labels, "micro"]
    if weights.shape[0] == 0:
        return dict.fromkeys(keys)
    micro_f1, label_f1 = resampled_f1(counts, weights)
    intervals: dict[str, tuple[float, float] | None] = {
        label: _interval(label_f1[:, k]) for k, label in enumerate(labels)
    }
    intervals["micro"] = _interval(micro_f1)
    return intervals


@dataclass(frozen=True)
class PairedTest:
    """Result of the paired bootstrap test of micro F1, system A minus system B."""

    f1_a: float
    f1_b: float
    delta: float
    p_value: float | None
    delta_ci: tuple[float, float] | None
    n_samples: int


def paired_test(counts_a: np.ndarray, counts_b: np.ndarray, weights: np.ndarray) -> PairedTest:
    """Two-sided paired bootstrap test of the micro-F1 difference (see the module docstring)."""
    f1_a = float(_f1(counts_a.sum(axis=(0, 1))))
    f1_b = float(_f1(counts_b.sum(axis=(0, 1))))
    delta = f1_a - f1_b
    n_samples = weights.shape[0]
    if n_samples == 0:
        return PairedTest(f1_a, f1_b, delta, None, None, 0)
    deltas = resampled_f1(counts_a, weights)[0] - resampled_f1(counts_b, weights)[0]
    extreme = int(np.sum(np.abs(deltas - delta) >= abs(delta) - 1e-12))
    return PairedTest(f1_a, f1_b, delta, (1 + extreme) / (n_samples + 1), _interval(deltas), n_samples)
