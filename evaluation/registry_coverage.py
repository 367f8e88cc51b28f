"""How much of a GOV.UK register of organisations the agency registry recognises.

The registry is written by hand, so this checks it against an independent list:
the share of the register's bodies it knows by name or abbreviation, overall
and for bodies whose names relate to crime, justice, borders, policing and home
affairs (the project's domain, where coverage matters most), with the bodies it
misses. Courts, tribunals, panels and inquiries are counted apart, since the
guidelines do not tag them and the registry leaves them out on purpose.

Run from the repository root: python -m evaluation.registry_coverage [--tsv PATH]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from extractor.registry import AgencyRegistry, coverage

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TSV = REPO_ROOT / ".." / "shared" / "external" / "gov_orgs" / "lists_govuk_list.tsv"

#: Names of bodies in the project's domain: crime, justice, borders, policing, security, home affairs.
DOMAIN = re.compile(
    r"polic|constabular|crime|criminal|justice|prison|probation|parole|offender|sentenc|border|immigra"
    r"|asylum|visa|passport|home office|prosecut|fraud|victim|security|intelligen|terror|forensic"
    r"|gangmaster|disclosure|legal|custom|revenue|drug|judicial|law commission|investigat|surveillance"
    r"|interception|court|tribunal",
    re.IGNORECASE,
)


def report(title: str, figures: dict[str, Any], top: int) -> str:
    """A plain-text summary of one `coverage` result."""
    excluded = set(figures["not_agencies"])
    missed = [name for name in figures["missed"] if name not in excluded]
    lines = [
        f"{title}",
        f"  recognised: {figures['recognised']}/{figures['total']} ({figures['ratio']:.1%})",
        f"  without courts, tribunals, panels and inquiries ({len(excluded)}): "
        f"{figures['eligible_recognised']}/{figures['eligible_total']} ({figures['eligible_ratio']:.1%})",
        f"  recognised by abbreviation only ({len(figures['by_abbreviation_only'])}): "
        + "; ".join(figures["by_abbreviation_only"]),
        f"  missed bodies (first {min(top, len(missed))} of {len(missed)}, in register order):",
    ]
    lines += [f"    - {name}" for name in missed[:top]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV, help="GOV.UK-style register TSV")
    parser.add_argument("--top", type=int, default=30, help="how many missed bodies to list")
    args = parser.parse_args(argv)
    registry = AgencyRegistry.default()
    print(f"registry: {len(registry)} bodies; register: {args.tsv.resolve()}\n")
    print(report("All bodies in the register", coverage(registry, args.tsv), args.top))
    print()
    in_domain = coverage(registry, args.tsv, name_filter=lambda name: DOMAIN.search(name) is not None)
    print(report("Crime, justice, borders, policing and home affairs", in_domain, args.top))


if __name__ == "__main__":
    main()
