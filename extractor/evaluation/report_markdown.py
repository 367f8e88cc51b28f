"""The Markdown report: the figures a reviewer reads in a pull request or a terminal.

Per system: the per-label table (strict and partial P/R/F1, gold and predicted
counts, 95% intervals of F1), micro F1 under every scheme, outcome counts,
attribute accuracy and the most frequent errors; then the pairwise tests. With
a `compare_reports` dictionary, F1 cells carry ▲/▼ marks and a section lists
what got better or worse.
"""

from __future__ import annotations

from typing import Any

from extractor.evaluation.matching import OUTCOMES
from extractor.evaluation.report_common import (
    TABLE_SCHEMES,
    change,
    change_mark,
    error_counts,
    error_labels,
    error_texts,
    fmt,
    fmt_ci,
    score_rows,
    table_labels,
    top_errors,
)


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(_cell(cell) for cell in cells) + " |"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    return [_row(header), "|" + "|".join("---" for _ in header) + "|", *(_row(row) for row in rows), ""]


def _f1_cell(
    entry: dict[str, Any], compare: dict[str, Any] | None, system: str, scheme: str, key: str
) -> str:
    mark, _ = change_mark(change(compare, system, scheme, key))
    return f"{fmt(entry['f1'])} {mark}".strip()


def _label_table(name: str, system: dict[str, Any], compare: dict[str, Any] | None) -> list[str]:
    header = ["Label", "n gold", "n pred"]
    for scheme in TABLE_SCHEMES:
        header += [f"{scheme} P", f"{scheme} R", f"{scheme} F1", f"{scheme} F1 95% CI"]
    rows = []
    for score in score_rows(system):
        key = score.key
        counts = ["" if count is None else count for count in (score.n_gold, score.n_pred)]
        row: list[Any] = [f"**{key}**" if key == "micro" else key, *counts]
        for scheme, entry in zip(TABLE_SCHEMES, score.entries, strict=True):
            row += [
                fmt(entry["precision"]),
                fmt(entry["recall"]),
                _f1_cell(entry, compare, name, scheme, key),
                "" if key == "macro" else fmt_ci(entry["f1_ci"]),
            ]
        rows.append(row)
    return _table(header, rows)


def _system_section(
    name: str, system: dict[str, Any], report: dict[str, Any], compare: dict[str, Any] | None, n_errors: int
) -> list[str]:
    lines = [f"## System `{name}`", ""]
    lines.append(f"{system['n_docs']} documents, {system['n_pred_spans']} predicted spans.")
    if system["missing_docs"]:
        lines.append(f"Scored as empty (no prediction): {', '.join(system['missing_docs'])}.")
    if system["extra_docs"]:
        lines.append(f"Ignored (not in gold): {', '.join(system['extra_docs'])}.")
    lines += ["", "### Per label", ""] + _label_table(name, system, compare)

    lines += ["### Micro scores under every scheme", ""]
    lines += _table(
        ["Scheme", "P", "R", "F1", "F1 95% CI", "Definition"],
        [
            [
                scheme,
                fmt(s["micro"]["precision"]),
                fmt(s["micro"]["recall"]),
                _f1_cell(s["micro"], compare, name, scheme, "micro"),
                fmt_ci(s["micro"]["f1_ci"]),
                report["settings"]["schemes"].get(scheme, ""),
            ]
            for scheme, s in system["scores"].items()
        ],
    )

    lines += [
        "### Outcomes",
        "",
        "Gold label for paired and missed spans, predicted label for spurious ones.",
        "",
    ]
    per_label = system["outcomes"]["per_label"]
    outcome_rows = [[label, *(per_label[label][c] for c in OUTCOMES)] for label in table_labels(system)]
    outcome_rows.append(["**total**", *(system["outcomes"]["total"][c] for c in OUTCOMES)])
    lines += _table(["Label", *OUTCOMES], outcome_rows)

    lines += ["### Attribute accuracy (strict matches)", ""]
    lines += _table(
        ["Attribute", "n", "correct", "accuracy"],
        [
            [key, a["n"], a["correct"], fmt(a["accuracy"])]
            for key, a in system["attributes"]["accuracy"].items()
        ],
    )

    errors = system["errors"]
    counts = error_counts(errors)
    lines += ["### Top errors", ""]
    lines.append(", ".join(f"{kind}: {n}" for kind, n in counts.items()) if counts else "No errors.")
    lines.append("")
    if errors:
        lines += _table(
            ["n", "Kind", "Gold → pred", "Text", "Example (doc: context)"],
            [
                [
                    count,
                    error["kind"],
                    error_labels(error),
                    error_texts(error),
                    f"{error['doc_id']}: …{error['context_left'][-30:]}[{error['text']}]"
                    f"{error['context_right'][:30]}…",
                ]
                for count, error in top_errors(errors, n_errors)
            ],
        )
    return lines


def _comparison_section(report: dict[str, Any]) -> list[str]:
    if not report["comparisons"]:
        return []
    rows = [
        [
            c["system_a"],
            c["system_b"],
            c["scheme"],
            fmt(c["f1_a"]),
            fmt(c["f1_b"]),
            f"{c['delta']:+.3f}",
            fmt(c["p_value"], 4),
            fmt_ci(c["delta_ci"]),
        ]
        for c in report["comparisons"]
    ]
    header = ["System A", "System B", "Scheme", "F1 A", "F1 B", "Δ (A−B)", "p", "Δ 95% CI"]
    return [
        "## Pairwise comparisons (paired bootstrap)",
        "",
        report["settings"]["paired_test"],
        "",
        *_table(header, rows),
    ]


def _previous_section(compare: dict[str, Any] | None) -> list[str]:
    if not compare:
        return []
    lines = ["## Changes since the previous report", ""]
    if not compare["same_gold"]:
        lines += ["**Warning:** the previous report was scored on different gold data.", ""]
    rows = [
        [system, scheme, key, fmt(entry["old"]), fmt(entry["new"]), change_mark(entry)[0], entry["change"]]
        for system, schemes in compare["systems"].items()
        for scheme, entries in schemes.items()
        if scheme in TABLE_SCHEMES
        for key, entry in entries.items()
        if entry["change"] != "same"
    ]
    lines += (
        _table(["System", "Scheme", "Label", "Old F1", "New F1", "Δ", "Change"], rows)
        if rows
        else ["No F1 changed.", ""]
    )
    for key, text in (("only_in_old", "Only in the previous report"), ("only_in_new", "New systems")):
        if compare[key]:
            lines += [f"{text}: {', '.join(compare[key])}.", ""]
    return lines


def render_markdown(report: dict[str, Any], compare: dict[str, Any] | None = None, n_errors: int = 20) -> str:
    """The Markdown report of an `EvaluationResult.to_dict` dictionary."""
    gold = report["gold"]
    settings = report["settings"]
    lines = [
        "# Evaluation report",
        "",
        f"Gold: {gold['source'] or '(records)'}: {gold['n_docs']} documents, {gold['n_spans']} spans "
        f"(fingerprint `{gold['fingerprint'][:12]}`). Guidelines v{report['guidelines_version']}, "
        f"report schema v{report['schema_version']}.",
        f"Intervals: {settings['confidence_level']:.0%} bootstrap over documents, "
        f"{settings['n_bootstrap']} resamples, seed {settings['seed']}.",
        "",
    ]
    for name, system in report["systems"].items():
        lines += _system_section(name, system, report, compare, n_errors)
    lines += _comparison_section(report)
    lines += _previous_section(compare)
    return "\n".join(lines).rstrip() + "\n"
