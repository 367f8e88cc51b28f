"""The JSON report: `EvaluationResult.to_dict` as written to ``report.json``.

It is the machine-readable record of a run and the ``old`` side of a later
`compare_reports`, so it holds the result unchanged plus one key,
``previous_comparison``, that is null unless the run was compared with an
earlier report.
"""

from __future__ import annotations

import json
from typing import Any


def render_json(report: dict[str, Any], compare: dict[str, Any] | None = None) -> str:
    """Serialise a report (and the comparison with a previous one, if any) as indented JSON."""
    return json.dumps(
        {**report, "previous_comparison": compare}, indent=2, ensure_ascii=False, allow_nan=False
    )
