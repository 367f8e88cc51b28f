"""Attribute accuracy on strictly matched spans, as the guidelines' "Scoring" asks.

Only a span whose label and boundaries are right is asked whether its attributes
are right too; otherwise a boundary error would be counted twice. Each attribute
is compared the way the guidelines say:

- NUMERIC_CLAIM ``value``: equal after number normalisation
  (`extractor.numbers.values_equal`, so ``2300000``, ``2.3e6`` and ``"2,300,000"`` agree);
- LEGAL_DEFINITION ``term``: equal ignoring case and straight or curly quotes;
- AGENCY ``canonical``: equal ignoring case, and only where the gold span has one
  (the attribute is optional).

A gold span without the attribute is not scored; a prediction without it is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extractor.evaluation.matching import Match
from extractor.labels import AGENCY, LEGAL_DEFINITION, NUMERIC_CLAIM
from extractor.numbers import values_equal

_QUOTES = re.compile("[\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f`\u00ab\u00bb]")


def _fold(value: Any) -> str:
    return " ".join(str(value).casefold().split())


def term_key(term: Any) -> str:
    """A definition term without quotation marks (all of them: a stray apostrophe
    or a curly one inside "F’s" must not decide the match), case or extra spaces."""
    return _fold(_QUOTES.sub("", str(term)))


def _numbers_agree(gold: Any, pred: Any) -> bool:
    try:
        return values_equal(gold, pred)
    except (TypeError, ValueError):
        return False


def _terms_agree(gold: Any, pred: Any) -> bool:
    return term_key(gold) == term_key(pred)


def _names_agree(gold: Any, pred: Any) -> bool:
    return _fold(gold) == _fold(pred)


#: (label, attribute) -> how a gold and a predicted value are compared.
ATTRIBUTE_RULES: dict[tuple[str, str], Callable[[Any, Any], bool]] = {
    (NUMERIC_CLAIM, "value"): _numbers_agree,
    (LEGAL_DEFINITION, "term"): _terms_agree,
    (AGENCY, "canonical"): _names_agree,
}


def attribute_key(label: str, name: str) -> str:
    """The name an attribute is reported under, e.g. ``NUMERIC_CLAIM.value``."""
    return f"{label}.{name}"


@dataclass
class AttributeCount:
    """How many strictly matched spans were scored on one attribute, and how many agreed."""

    n: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.n if self.n else None


@dataclass(frozen=True)
class AttributeMismatch:
    """One strictly matched span whose attribute disagrees with gold."""

    doc_id: str
    start: int
    end: int
    label: str
    attribute: str
    gold: Any
    pred: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "attribute": self.attribute,
            "gold": self.gold,
            "pred": self.pred,
        }


@dataclass
class AttributeScores:
    """Accuracy per attribute (keyed by `attribute_key`) and the disagreements."""

    counts: dict[str, AttributeCount] = field(
        default_factory=lambda: {attribute_key(*key): AttributeCount() for key in ATTRIBUTE_RULES}
    )
    mismatches: list[AttributeMismatch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accuracy": {
                key: {"n": count.n, "correct": count.correct, "accuracy": count.accuracy}
                for key, count in self.counts.items()
            },
            "mismatches": [mismatch.to_dict() for mismatch in self.mismatches],
        }


def score_attributes(matches: Iterable[tuple[str, Match]]) -> AttributeScores:
    """Score the attributes of strict matches, given as ``(doc id, match)`` pairs."""
    scores = AttributeScores()
    for doc_id, match in matches:
        gold, pred = match.gold, match.pred
        for (label, name), agree in ATTRIBUTE_RULES.items():
            if gold.label != label or gold.attrs.get(name) is None:
                continue
            count = scores.counts[attribute_key(label, name)]
            count.n += 1
            pred_value = pred.attrs.get(name)
            if pred_value is not None and agree(gold.attrs[name], pred_value):
                count.correct += 1
            else:
                scores.mismatches.append(
                    AttributeMismatch(doc_id, gold.start, gold.end, label, name, gold.attrs[name], pred_value)
                )
    return scores
