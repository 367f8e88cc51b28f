"""The error list: every span the system got wrong, with enough text to judge it.

Scores say how much is wrong; reading the errors in context says why. Each
non-correct outcome of `matching.classify` becomes one `ErrorItem` with the
document id, the spans involved (their text taken from the document, so a
prediction's own ``text`` field cannot mislead), the region they cover together
(``start``, ``end``, ``text``) and about 60 characters of context on each side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extractor.evaluation.matching import Outcome
from extractor.records import SpanRecord

CONTEXT_CHARS = 60

#: Outcome category -> error kind, in the order reports list them.
ERROR_KINDS: dict[str, str] = {
    "missed": "missed",
    "spurious": "spurious",
    "partial": "boundary",
    "incorrect": "label",
    "mismatch": "label+boundary",
}


def _span_dict(span: SpanRecord | None, text: str) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "label": span.label, "text": text[span.start : span.end]}


@dataclass(frozen=True)
class ErrorItem:
    """One error: its kind, the gold and/or predicted span, and the text around them."""

    doc_id: str
    kind: str
    gold: dict[str, Any] | None
    pred: dict[str, Any] | None
    start: int
    end: int
    text: str
    context_left: str
    context_right: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "gold": self.gold,
            "pred": self.pred,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "context_left": self.context_left,
            "context_right": self.context_right,
        }


def list_errors(
    doc_id: str, text: str, outcomes: Iterable[Outcome], context: int = CONTEXT_CHARS
) -> list[ErrorItem]:
    """Turn one document's outcomes into errors (correct outcomes are skipped), in offset order."""
    errors = []
    for outcome in outcomes:
        kind = ERROR_KINDS.get(outcome.category)
        if kind is None:
            continue
        spans = [span for span in (outcome.gold, outcome.pred) if span is not None]
        start = min(span.start for span in spans)
        end = max(span.end for span in spans)
        errors.append(
            ErrorItem(
                doc_id=doc_id,
                kind=kind,
                gold=_span_dict(outcome.gold, text),
                pred=_span_dict(outcome.pred, text),
                start=start,
                end=end,
                text=text[start:end],
                context_left=text[max(0, start - context) : start],
                context_right=text[end : end + context],
            )
        )
    return sorted(errors, key=lambda e: (e.start, e.end, e.kind))
