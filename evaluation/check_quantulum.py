"""Check `extractor.numbers.parse_quantity` against quantulum3's hand-written test quantities.

quantulum3 (MIT) ships English sentences with every quantity's surface text, value and unit. It was
written independently of this project, so agreeing with it on counts, money and percentages is a
check that our number normalisation is not tuned only to the examples we wrote ourselves.

Two conventions differ and are converted, not counted as disagreements:

- quantulum3 gives a range ("7 to 10") as its midpoint with an `uncertainty` of half its width;
  the annotation guidelines give the lower bound, so the expected value is value - uncertainty.
- quantulum3 names units ("pound sterling", "percentage", "dimensionless"); they are mapped to
  the guidelines' "GBP", "EUR", "USD", "percent" and None.

Quantities of any other unit (lengths, rates such as "dollar per hour", "dozen", pennies and cents)
are out of scope: a NUMERIC_CLAIM's unit is money, percent or none.

Usage, from the repository root (or as `python evaluation/check_quantulum.py` once the package
is installed)::

    python -m evaluation.check_quantulum [path/to/quantities.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractor.numbers import EUR, GBP, PERCENT, USD, parse_quantity, values_equal

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = "../shared/external/quantulum3/quantities.json"

#: quantulum3's unit names for the units the guidelines know, mapped to the guidelines' names.
UNITS: dict[str, str | None] = {
    "dimensionless": None,
    "pound sterling": GBP,
    "euro": EUR,
    "dollar": USD,
    "percentage": PERCENT,
}


def expected_quantities(path: Path) -> list[tuple[str, str, float, str | None]]:
    """(sentence, surface, expected value, expected unit) for each in-scope quantity in the file."""
    expected = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        for quantity in item["res"]:
            if quantity["unit"] not in UNITS:
                continue
            value = quantity["value"] - (quantity.get("uncertainty") or 0)
            expected.append((item["req"], quantity["surface"], value, UNITS[quantity["unit"]]))
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_PATH,
        help=f"quantulum3's quantities.json; a relative path is relative to the repository root "
        f"(default: {DEFAULT_PATH})",
    )
    args = parser.parse_args(argv)
    path = REPO_ROOT / args.path  # an absolute path replaces the root
    if not path.is_file():
        print(f"not found: {path}", file=sys.stderr)
        return 2

    expected = expected_quantities(path)
    value_agreed = 0
    disagreements = []
    for sentence, surface, value, unit in expected:
        got = parse_quantity(surface)
        same_value = got is not None and values_equal(got.value, value)
        value_agreed += same_value
        if not same_value or got.unit != unit:
            shown = "None" if got is None else f"{got.value!r} {got.unit}"
            disagreements.append(f"  {surface!r}: expected {value!r} {unit}, got {shown}  ({sentence})")

    total = len(expected)
    print(f"value agreed: {value_agreed}/{total}")
    print(f"value and unit agreed: {total - len(disagreements)}/{total}")
    if disagreements:
        print("disagreements:")
        print("\n".join(disagreements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
