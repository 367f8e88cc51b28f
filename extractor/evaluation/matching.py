"""Matching gold spans to predicted spans, one document at a time.

Two views of the same comparison live here.

*Outcomes* describe every span once, in the categories of SemEval-2013 Task 9
(Segura-Bedmar et al.) as nervaluate implements them, so that an error list and a
confusion matrix can say what went wrong:

- ``correct``: same label, same start and end;
- ``partial``: same label, overlapping, boundaries differ;
- ``incorrect``: same start and end, different label;
- ``mismatch``: overlapping, different label *and* different boundaries
  (SemEval's scenario VI, which nervaluate counts as incorrect in the strict and
  type schemes and as partial in the partial scheme);
- ``missed``: a gold span with no counterpart; ``spurious``: a prediction with none.

*Schemes* turn the comparison into precision, recall and F1. Each scheme is a list
of tiers: a matching criterion and the credit a match earns. Spans are paired one
to one, tier by tier, greedily (largest overlap first, ties broken by offsets and
label, so the result never depends on input order); a span paired in an earlier
tier is never paired again. The schemes:

- ``strict`` (guidelines): same label and boundaries; credit 1.
- ``exact`` (SemEval "exact"): same boundaries, any label; credit 1.
- ``partial`` (the guidelines' definition): same label and overlapping; credit 1,
  so an exact match and an overlap count the same.
- ``type`` (SemEval "type"): right label, any overlap; credit 1. By definition
  this is the same criterion as the guidelines' ``partial``; it is reported under
  its SemEval name too so that figures can be set beside nervaluate's.
- ``partial_semeval`` (SemEval "partial"): any label; same boundaries earn 1,
  an overlap earns 0.5.

Per label, a scheme counts the gold spans of that label and the credit they
received (recall) and the predicted spans of that label and the credit they
received (precision). In the label-blind schemes (``exact``, ``partial_semeval``)
a gold AGENCY matched by a predicted OPERATION credits AGENCY's recall and
OPERATION's precision; in the others both sides always carry the same label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from extractor.records import SpanRecord

Criterion = Callable[[SpanRecord, SpanRecord], bool]


def same_bounds(gold: SpanRecord, pred: SpanRecord) -> bool:
    """Same start and end, whatever the labels."""
    return gold.start == pred.start and gold.end == pred.end


def overlaps(gold: SpanRecord, pred: SpanRecord) -> bool:
    """The two spans share at least one character."""
    return gold.start < pred.end and pred.start < gold.end


def _exact_labelled(gold: SpanRecord, pred: SpanRecord) -> bool:
    return gold.label == pred.label and same_bounds(gold, pred)


def _overlap_labelled(gold: SpanRecord, pred: SpanRecord) -> bool:
    return gold.label == pred.label and overlaps(gold, pred)


def overlap_length(gold: SpanRecord, pred: SpanRecord) -> int:
    """Number of characters the two spans share (0 when disjoint)."""
    return max(0, min(gold.end, pred.end) - max(gold.start, pred.start))


SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type", "partial_semeval")

#: One line per scheme, for reports.
SCHEME_DESCRIPTIONS: dict[str, str] = {
    "strict": "same label, same start and end",
    "exact": "same start and end, any label",
    "partial": "same label, overlapping (guidelines: an overlap is a full hit)",
    "type": "same label, any overlap (SemEval 'type'; same criterion as partial)",
    "partial_semeval": "any label; same boundaries = 1, overlap = 0.5 (SemEval 'partial')",
}

# Same-label tiers come first in the label-blind schemes so that, when a gold span
# could pair with a prediction of either label, it pairs with its own label.
_SCHEME_TIERS: dict[str, tuple[tuple[Criterion, float], ...]] = {
    "strict": ((_exact_labelled, 1.0),),
    "exact": ((_exact_labelled, 1.0), (same_bounds, 1.0)),
    "partial": ((_exact_labelled, 1.0), (_overlap_labelled, 1.0)),
    "type": ((_exact_labelled, 1.0), (_overlap_labelled, 1.0)),
    "partial_semeval": (
        (_exact_labelled, 1.0),
        (same_bounds, 1.0),
        (_overlap_labelled, 0.5),
        (overlaps, 0.5),
    ),
}

OUTCOMES: tuple[str, ...] = ("correct", "partial", "incorrect", "mismatch", "missed", "spurious")

# The outcome tiers run in the same order as the ``partial`` scheme's, so that
# correct + partial outcomes always equal the ``partial`` scheme's matches.
_OUTCOME_TIERS: tuple[tuple[Criterion, str], ...] = (
    (_exact_labelled, "correct"),
    (_overlap_labelled, "partial"),
    (same_bounds, "incorrect"),
    (overlaps, "mismatch"),
)


def _order(span: SpanRecord) -> tuple[int, int, str]:
    return (span.start, span.end, span.label)


def _greedy_pairs(
    gold: Sequence[SpanRecord], pred: Sequence[SpanRecord], criteria: Sequence[Criterion]
) -> list[tuple[int, int, int]]:
    """Pair spans one to one, tier by tier: ``(gold index, pred index, tier index)``.

    Within a tier the candidate pairs are taken largest overlap first, then in
    offset order, skipping any span already paired. ``gold`` and ``pred`` must be
    sorted by `_order` so that ties break the same way on every run.
    """
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int, int]] = []
    for tier, criterion in enumerate(criteria):
        candidates = [
            (-overlap_length(g, p), i, j)
            for i, g in enumerate(gold)
            if i not in used_gold
            for j, p in enumerate(pred)
            if j not in used_pred and criterion(g, p)
        ]
        for _, i, j in sorted(candidates):
            if i not in used_gold and j not in used_pred:
                used_gold.add(i)
                used_pred.add(j)
                pairs.append((i, j, tier))
    return pairs


@dataclass(frozen=True)
class Match:
    """A gold span paired with a predicted span in one scheme, and the credit earned."""

    gold: SpanRecord
    pred: SpanRecord
    credit: float


@dataclass(frozen=True)
class Outcome:
    """One span's fate: a category and the gold and/or predicted span involved."""

    category: str
    gold: SpanRecord | None
    pred: SpanRecord | None


def match_spans(gold: Iterable[SpanRecord], pred: Iterable[SpanRecord], scheme: str) -> list[Match]:
    """Pair gold and predicted spans one to one under ``scheme`` (one of `SCHEMES`)."""
    tiers = _SCHEME_TIERS[scheme]
    gold_sorted = sorted(gold, key=_order)
    pred_sorted = sorted(pred, key=_order)
    pairs = _greedy_pairs(gold_sorted, pred_sorted, [criterion for criterion, _ in tiers])
    return [Match(gold_sorted[i], pred_sorted[j], tiers[tier][1]) for i, j, tier in pairs]


def classify(gold: Iterable[SpanRecord], pred: Iterable[SpanRecord]) -> list[Outcome]:
    """Put every gold and predicted span into exactly one `OUTCOMES` category.

    Paired outcomes come first, in offset order of the gold span, then missed gold
    spans, then spurious predictions, each in offset order.
    """
    gold_sorted = sorted(gold, key=_order)
    pred_sorted = sorted(pred, key=_order)
    pairs = _greedy_pairs(gold_sorted, pred_sorted, [criterion for criterion, _ in _OUTCOME_TIERS])
    paired_gold = {i for i, _, _ in pairs}
    paired_pred = {j for _, j, _ in pairs}
    outcomes = [
        Outcome(_OUTCOME_TIERS[tier][1], gold_sorted[i], pred_sorted[j]) for i, j, tier in sorted(pairs)
    ]
    outcomes += [Outcome("missed", g, None) for i, g in enumerate(gold_sorted) if i not in paired_gold]
    outcomes += [Outcome("spurious", None, p) for j, p in enumerate(pred_sorted) if j not in paired_pred]
    return outcomes


@dataclass
class Tally:
    """Counts behind one precision/recall/F1 figure.

    ``tp_gold`` is the credit the gold spans received (the recall numerator),
    ``tp_pred`` the credit the predictions received (the precision numerator);
    they differ only per label in the label-blind schemes. A ratio with a zero
    denominator is 0.0, as in spaCy's `PRFScore`.
    """

    n_gold: int = 0
    n_pred: int = 0
    tp_gold: float = 0.0
    tp_pred: float = 0.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.n_gold + other.n_gold,
            self.n_pred + other.n_pred,
            self.tp_gold + other.tp_gold,
            self.tp_pred + other.tp_pred,
        )

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def is_empty(self) -> bool:
        """No gold and no predicted span: the label played no part."""
        return self.n_gold == 0 and self.n_pred == 0


def tally_matches(
    gold: Iterable[SpanRecord], pred: Iterable[SpanRecord], matches: Iterable[Match]
) -> dict[str, Tally]:
    """Per-label tallies of one document under one scheme's matches."""
    tallies: dict[str, Tally] = {}
    for span in gold:
        tallies.setdefault(span.label, Tally()).n_gold += 1
    for span in pred:
        tallies.setdefault(span.label, Tally()).n_pred += 1
    for match in matches:
        tallies[match.gold.label].tp_gold += match.credit
        tallies[match.pred.label].tp_pred += match.credit
    return tallies


def score_document(gold: Sequence[SpanRecord], pred: Sequence[SpanRecord]) -> dict[str, dict[str, Tally]]:
    """Per-scheme, per-label tallies of one document: ``{scheme: {label: Tally}}``."""
    return {scheme: tally_matches(gold, pred, match_spans(gold, pred, scheme)) for scheme in SCHEMES}


def micro(tallies: Iterable[Tally]) -> Tally:
    """Micro-average: add up the counts of all labels."""
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total


@dataclass(frozen=True)
class Macro:
    """Unweighted means of per-label precision, recall and F1 over the labels used."""

    precision: float
    recall: float
    f1: float
    labels: tuple[str, ...]


def macro(per_label: dict[str, Tally]) -> Macro:
    """Macro-average over labels with at least one gold or predicted span.

    A label absent from both sides is left out rather than counted as 0 (or 1):
    it says nothing about the system. Macro F1 is the mean of per-label F1s, not
    the harmonic mean of macro precision and recall.
    """
    used = [label for label, tally in per_label.items() if not tally.is_empty]
    if not used:
        return Macro(0.0, 0.0, 0.0, ())
    n = len(used)
    return Macro(
        sum(per_label[label].precision for label in used) / n,
        sum(per_label[label].recall for label in used) / n,
        sum(per_label[label].f1 for label in used) / n,
        tuple(used),
    )
