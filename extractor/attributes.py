"""Attributes for spans that arrive without them, from a trained component.

Rule taggers set the guidelines' attributes as they find a span; a trained
span finder gives only boundaries and a label. The resolver fills what is
missing here, from the span's text alone, with the same knowledge the rules
use: number parsing for `value`/`unit`, the agency registry for `canonical`,
quotation marks for a definition's `term`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from extractor.labels import AGENCY, LEGAL_DEFINITION, NUMERIC_CLAIM, OPERATION
from extractor.numbers import parse_quantity
from extractor.registry import AgencyRegistry

_QUOTED_TERM = re.compile(r"^[“\"‘']?([^“”\"‘’']{1,80})[”\"’']")


@cache
def _registry() -> AgencyRegistry:
    return AgencyRegistry.default()


def infer_attrs(label: str, text: str, year: int | None = None) -> dict[str, Any]:
    """The attributes the guidelines give a span of `label` with this text."""
    if label == NUMERIC_CLAIM:
        quantity = parse_quantity(text)
        if quantity is None:
            return {}
        value = int(quantity.value) if float(quantity.value).is_integer() else quantity.value
        return {"value": value, "unit": quantity.unit, "counted": quantity.counted}
    if label == AGENCY:
        return {"canonical": _registry().canonical_for(text, year) or text}
    if label == LEGAL_DEFINITION:
        quoted = _QUOTED_TERM.match(text)
        term = quoted.group(1) if quoted else " ".join(text.split()[:3])
        return {"term": term.strip()}
    if label == OPERATION:
        name = text if text.lower().startswith("operation") else f"Operation {text}"
        return {"names": [name]}
    return {}
