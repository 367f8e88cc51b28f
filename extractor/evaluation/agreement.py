"""Inter-annotator agreement between two annotation files of the same documents.

The guidelines measure agreement as strict F1 between two annotators; partial F1
(the guidelines' definition: same label, overlapping) is given beside it to show
how much of the disagreement is only about boundaries. F1 is symmetric, so it
does not matter which annotator plays "gold": annotator A is taken as the
reference, so precision is the share of B's spans that A has and recall the share
of A's spans that B has. Documents are aligned by id; those only in one file,
or whose texts differ, are reported and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extractor.evaluation.matching import Tally, match_spans, micro, tally_matches
from extractor.labels import LABELS
from extractor.records import DocRecord

#: Schemes agreement is measured in (see `matching`).
AGREEMENT_SCHEMES: tuple[str, ...] = ("strict", "partial")


@dataclass
class AgreementResult:
    """Agreement figures per scheme and label, and which documents could not be compared."""

    n_docs: int
    only_in_a: list[str]
    only_in_b: list[str]
    text_differs: list[str]
    scores: dict[str, dict[str, Tally]]

    def to_dict(self) -> dict[str, Any]:
        def prf(tally: Tally) -> dict[str, Any]:
            return {
                "f1": tally.f1,
                "precision": tally.precision,
                "recall": tally.recall,
                "n_a": tally.n_gold,
                "n_b": tally.n_pred,
            }

        return {
            "n_docs": self.n_docs,
            "only_in_a": self.only_in_a,
            "only_in_b": self.only_in_b,
            "text_differs": self.text_differs,
            "scores": {
                scheme: {
                    "per_label": {label: prf(tally) for label, tally in per_label.items()},
                    "micro": prf(micro(per_label.values())),
                }
                for scheme, per_label in self.scores.items()
            },
        }


def agreement(a: Sequence[DocRecord], b: Sequence[DocRecord]) -> AgreementResult:
    """Strict and partial agreement of annotator ``b`` with annotator ``a``, per label and micro."""
    b_by_id = {doc.id: doc for doc in b}
    a_ids = {doc.id for doc in a}
    labels = list(LABELS) + sorted(
        {span.label for docs in (a, b) for doc in docs for span in doc.spans} - set(LABELS)
    )
    scores = {scheme: {label: Tally() for label in labels} for scheme in AGREEMENT_SCHEMES}
    text_differs = []
    n_docs = 0
    for doc_a in a:
        doc_b = b_by_id.get(doc_a.id)
        if doc_b is None:
            continue
        if doc_b.text != doc_a.text:
            text_differs.append(doc_a.id)
            continue
        n_docs += 1
        for scheme in AGREEMENT_SCHEMES:
            matches = match_spans(doc_a.spans, doc_b.spans, scheme)
            for label, tally in tally_matches(doc_a.spans, doc_b.spans, matches).items():
                scores[scheme][label] = scores[scheme][label] + tally
    return AgreementResult(
        n_docs=n_docs,
        only_in_a=[doc.id for doc in a if doc.id not in b_by_id],
        only_in_b=[doc.id for doc in b if doc.id not in a_ids],
        text_differs=text_differs,
        scores=scores,
    )
