"""What the Markdown and HTML reports share: number formats, row choice, change marks, top errors.

Both reports are drawn from the same `EvaluationResult.to_dict` dictionary (and
optionally a `compare_reports` dictionary), so they must agree on what they show;
keeping these choices in one place makes sure they do.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from extractor.evaluation.errors import ERROR_KINDS
from extractor.labels import LABELS

#: The two schemes the main per-label table shows (the guidelines' own).
TABLE_SCHEMES: tuple[str, ...] = ("strict", "partial")


def fmt(value: float | None, digits: int = 3) -> str:
    """A score to ``digits`` decimals, or an en dash when there is none."""
    return "\u2013" if value is None else f"{value:.{digits}f}"


def fmt_ci(interval: list[float] | None) -> str:
    """A confidence interval as ``[low, high]``, or an en dash."""
    return "\u2013" if not interval else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def table_labels(system: dict[str, Any]) -> list[str]:
    """Labels to show: every guidelines label, plus any other label that occurs."""
    per_label = system["scores"]["strict"]["per_label"]
    return [
        label for label, entry in per_label.items() if label in LABELS or entry["n_gold"] or entry["n_pred"]
    ]


def score_row(scores: dict[str, Any], key: str) -> dict[str, Any]:
    """One row of a scheme's scores: a label's, or the ``"micro"`` average's."""
    return scores["micro"] if key == "micro" else scores["per_label"][key]


class ScoreRow(NamedTuple):
    """One row of the per-label score table: a label, "micro" or "macro"."""

    key: str
    n_gold: int | None  # None for "macro", which counts nothing of its own
    n_pred: int | None
    entries: list[dict[str, Any]]  # the row's scores under each of `TABLE_SCHEMES`, in order


def score_rows(system: dict[str, Any]) -> list[ScoreRow]:
    """The per-label table's rows, in the order both reports show them: labels, micro, macro."""
    scores = system["scores"]
    rows = []
    for key in [*table_labels(system), "micro"]:
        first = score_row(scores["strict"], key)
        entries = [score_row(scores[scheme], key) for scheme in TABLE_SCHEMES]
        rows.append(ScoreRow(key, first["n_gold"], first["n_pred"], entries))
    rows.append(ScoreRow("macro", None, None, [scores[scheme]["macro"] for scheme in TABLE_SCHEMES]))
    return rows


def change(compare: dict[str, Any] | None, system: str, scheme: str, key: str) -> dict[str, Any] | None:
    """The `compare_reports` entry for one F1 figure, if there is one."""
    if not compare:
        return None
    return compare.get("systems", {}).get(system, {}).get(scheme, {}).get(key)


def change_mark(entry: dict[str, Any] | None) -> tuple[str, str]:
    """A short mark for a change (``"▲ +0.050"``) and its kind (better/worse); empty when unchanged."""
    if not entry or entry.get("change") not in ("better", "worse"):
        return "", ""
    symbol = "\u25b2" if entry["change"] == "better" else "\u25bc"
    return f"{symbol} {entry['delta']:+.3f}", entry["change"]


def error_labels(error: dict[str, Any]) -> str:
    """``GOLD -> PRED`` labels of an error, with "none" for the missing side."""
    gold = error["gold"]["label"] if error["gold"] else "none"
    pred = error["pred"]["label"] if error["pred"] else "none"
    return f"{gold} \u2192 {pred}"


def top_errors(errors: list[dict[str, Any]], n: int) -> list[tuple[int, dict[str, Any]]]:
    """The ``n`` most frequent errors by (kind, labels, texts), each with its count and first example.

    A mistake a system repeats on the same words (a missed "SOCA" in every
    document) is worth fixing before a one-off, so repeats are grouped.
    """
    groups: Counter[tuple[str, str, str]] = Counter()
    first: dict[tuple[str, str, str], dict[str, Any]] = {}
    for error in errors:
        key = (error["kind"], error_labels(error), error_texts(error))
        groups[key] += 1
        first.setdefault(key, error)
    ranked = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
    return [(count, first[key]) for key, count in ranked[:n]]


def error_counts(errors: list[dict[str, Any]]) -> dict[str, int]:
    """How many errors of each kind that occurs, in the order of `ERROR_KINDS`."""
    counts = Counter(error["kind"] for error in errors)
    return {kind: counts[kind] for kind in ERROR_KINDS.values() if counts[kind]}


def error_texts(error: dict[str, Any]) -> str:
    """The gold span's text, and the prediction's after an arrow when it differs."""
    gold = error["gold"]["text"] if error["gold"] else None
    pred = error["pred"]["text"] if error["pred"] else None
    if gold is None or pred is None or gold == pred:
        return f"\u201c{gold if gold is not None else pred}\u201d"
    return f"\u201c{gold}\u201d \u2192 \u201c{pred}\u201d"
