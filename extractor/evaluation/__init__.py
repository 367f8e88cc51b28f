"""The evaluation harness: scores, intervals, errors, reports, gold validation and agreement.

It depends on `extractor.records` (and the label set and number parsing), never on
the pipeline, so it scores any system's output. The modules, one job each:
`matching` (outcomes and schemes per document), `attributes`, `bootstrap`,
`errors`, `harness` (`evaluate`, `compare_reports`), `report_json`,
`report_markdown`, `report_html`, `validate`, `agreement` and `cli`.
"""

from extractor.evaluation.agreement import AgreementResult, agreement
from extractor.evaluation.harness import EvaluationError, EvaluationResult, compare_reports, evaluate
from extractor.evaluation.validate import Problem, validate_file

__all__ = [
    "AgreementResult",
    "EvaluationError",
    "EvaluationResult",
    "Problem",
    "agreement",
    "compare_reports",
    "evaluate",
    "validate_file",
]
