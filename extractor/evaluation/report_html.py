"""The HTML report: one self-contained file to open in a browser or attach to an issue.

Everything is inline (a ``<style>`` element, SVG drawn here, no script, no
external URL), so the file works offline and from any place it is copied to.
Per system it shows the per-label table, a bar chart of strict and partial F1
with their 95% intervals, the label confusion matrix of overlapping spans, the
outcome counts, attribute accuracy and error examples highlighted in their text
with spaCy's displaCy span renderer (gold spans above, predictions marked
``pred``). With a `compare_reports` dictionary, changed F1 cells are marked.
"""

from __future__ import annotations

import html
import re
from itertools import zip_longest
from typing import Any

from spacy import displacy

from extractor.evaluation.matching import OUTCOMES
from extractor.evaluation.report_common import (
    TABLE_SCHEMES,
    change,
    change_mark,
    error_counts,
    error_labels,
    fmt,
    fmt_ci,
    score_row,
    score_rows,
    table_labels,
)

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f0f0; }
tr.micro td { font-weight: bold; }
.better { color: #17803d; } .worse { color: #c0262d; }
.example { border: 1px solid #ddd; border-radius: 4px; padding: 0.4em 0.8em; margin: 0.8em 0; }
.example h4 { margin: 0.2em 0; font-size: 0.9em; color: #555; }
.meta { color: #555; }
"""

_SERIES_COLOURS = {"strict": "#3b6ea5", "partial": "#e3a13b"}


def _e(value: Any) -> str:
    return html.escape(str(value))


def _f1_cell(
    entry: dict[str, Any], compare: dict[str, Any] | None, system: str, scheme: str, key: str
) -> str:
    mark, kind = change_mark(change(compare, system, scheme, key))
    marked = f' <span class="{kind}">{_e(mark)}</span>' if mark else ""
    return f"<td>{fmt(entry['f1'])}{marked}</td>"


def _label_table(name: str, system: dict[str, Any], compare: dict[str, Any] | None) -> str:
    head = (
        "<tr><th>Label</th><th>n gold</th><th>n pred</th>"
        + "".join(f"<th>{s} P</th><th>{s} R</th><th>{s} F1</th><th>{s} F1 95% CI</th>" for s in TABLE_SCHEMES)
        + "</tr>"
    )
    rows = []
    for score in score_rows(system):
        key = score.key
        counts = ["" if count is None else count for count in (score.n_gold, score.n_pred)]
        cells = f"<td>{_e(key)}</td><td>{counts[0]}</td><td>{counts[1]}</td>"
        for scheme, entry in zip(TABLE_SCHEMES, score.entries, strict=True):
            cells += (
                f"<td>{fmt(entry['precision'])}</td><td>{fmt(entry['recall'])}</td>"
                + _f1_cell(entry, compare, name, scheme, key)
                + f"<td>{'' if key == 'macro' else fmt_ci(entry['f1_ci'])}</td>"
            )
        row_class = {"micro": ' class="micro"', "macro": ""}.get(key, ' class="label"')
        rows.append(f"<tr{row_class}>{cells}</tr>")
    return f'<table class="scores">{head}{"".join(rows)}</table>'


def _chart(system: dict[str, Any]) -> str:
    """A bar chart of strict and partial F1 per label and micro, with 95% interval whiskers."""
    keys = [*table_labels(system), "micro"]
    bar, gap, left, top, plot_h, bottom = 22, 26, 44, 30, 220, 80
    group = bar * len(TABLE_SCHEMES) + gap
    width = left + group * len(keys) + 20
    height = top + plot_h + bottom

    def y(value: float) -> float:
        return top + plot_h * (1 - value)

    parts = [
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="F1 per label">'
    ]
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end">{tick:.1f}</text>'
        )
    for i, key in enumerate(keys):
        x0 = left + gap / 2 + i * group
        for j, scheme in enumerate(TABLE_SCHEMES):
            scores = system["scores"][scheme]
            entry = score_row(scores, key)
            x = x0 + j * bar
            f1 = entry["f1"]
            parts.append(
                f'<rect x="{x:.1f}" y="{y(f1):.1f}" width="{bar - 2}" height="{plot_h * f1:.1f}" '
                f'fill="{_SERIES_COLOURS[scheme]}"><title>{_e(key)} {scheme} F1 {fmt(f1)} '
                f"{fmt_ci(entry['f1_ci'])}</title></rect>"
            )
            if entry["f1_ci"]:
                low, high = entry["f1_ci"]
                cx = x + (bar - 2) / 2
                parts.append(
                    f'<path d="M{cx:.1f},{y(low):.1f}V{y(high):.1f}M{cx - 4:.1f},{y(low):.1f}h8'
                    f'M{cx - 4:.1f},{y(high):.1f}h8" stroke="#222" stroke-width="1.2" fill="none"/>'
                )
        label_x = x0 + bar * len(TABLE_SCHEMES) / 2
        parts.append(
            f'<text x="{label_x:.1f}" y="{top + plot_h + 14}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {label_x:.1f} {top + plot_h + 14})">{_e(key)}</text>'
        )
    for j, scheme in enumerate(TABLE_SCHEMES):
        lx = left + j * 110
        parts.append(
            f'<rect x="{lx}" y="6" width="12" height="12" fill="{_SERIES_COLOURS[scheme]}"/>'
            f'<text x="{lx + 16}" y="16" font-size="12">{scheme} F1</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _confusion(system: dict[str, Any]) -> str:
    """Gold label (rows) by predicted label (columns) for spans paired by overlap; "none" = unpaired."""
    matrix = system["confusion"]["matrix"]
    labels = [
        label
        for label in system["confusion"]["labels"]
        if any(matrix[label].values()) or any(row[label] for row in matrix.values()) or label == "none"
    ]
    peak = max((matrix[g][p] for g in labels for p in labels), default=0) or 1
    head = "<tr><th>gold \\ pred</th>" + "".join(f"<th>{_e(p)}</th>" for p in labels) + "</tr>"
    rows = []
    for g in labels:
        cells = "".join(
            f'<td style="background: rgba(59,110,165,{0.75 * matrix[g][p] / peak:.2f})">{matrix[g][p]}</td>'
            for p in labels
        )
        rows.append(f"<tr><th>{_e(g)}</th>{cells}</tr>")
    return f'<table class="confusion">{head}{"".join(rows)}</table>'


def _simple_table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _tokens(snippet: str, cuts: set[int]) -> list[tuple[int, int]]:
    """Whitespace tokens of ``snippet`` that are also split at every offset in ``cuts``."""
    bounds = sorted({0, len(snippet), *(c for c in cuts if 0 <= c <= len(snippet))})
    return [
        (a + m.start(), a + m.end())
        for a, b in zip(bounds, bounds[1:], strict=False)
        for m in re.finditer(r"\S+", snippet[a:b])
    ]


def _example(error: dict[str, Any]) -> str:
    """One error highlighted in its context by displaCy: gold spans labelled as such, predictions ``pred``."""
    snippet = error["context_left"] + error["text"] + error["context_right"]
    base = error["start"] - len(error["context_left"])
    marked = [
        (span["start"] - base, span["end"] - base, label)
        for span, label in (
            (error["gold"], f"gold:{error['gold']['label']}" if error["gold"] else ""),
            (error["pred"], f"pred:{error['pred']['label']}" if error["pred"] else ""),
        )
        if span
    ]
    tokens = _tokens(snippet, {offset for start, end, _ in marked for offset in (start, end)})
    spans = []
    for start, end, label in marked:
        inside = [i for i, (a, b) in enumerate(tokens) if a < end and b > start]
        if inside:
            spans.append({"start_token": inside[0], "end_token": inside[-1] + 1, "label": _e(label)})
    colours = {s["label"].upper(): ("#b7e4c7" if s["label"].startswith("gold") else "#f9c784") for s in spans}
    rendered = displacy.render(
        {"text": snippet, "tokens": [snippet[a:b] for a, b in tokens], "spans": spans},
        style="span",
        manual=True,
        options={"colors": colours},
    )
    title = f"{error['doc_id']} \u00b7 {error['kind']} \u00b7 {error_labels(error)}"
    return f'<div class="example"><h4>{_e(title)}</h4>{rendered}</div>'


def _examples(errors: list[dict[str, Any]], limit: int) -> str:
    """Up to ``limit`` examples, taken in turn from each kind so that every kind is shown."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for error in errors:
        by_kind.setdefault(error["kind"], []).append(error)
    chosen = [e for row in zip_longest(*by_kind.values()) for e in row if e is not None][:limit]
    return "".join(_example(error) for error in chosen) or "<p>No errors.</p>"


def _system_section(name: str, system: dict[str, Any], compare: dict[str, Any] | None, limit: int) -> str:
    per_label = system["outcomes"]["per_label"]
    outcome_rows = [[label, *(per_label[label][c] for c in OUTCOMES)] for label in table_labels(system)]
    outcome_rows.append(["total", *(system["outcomes"]["total"][c] for c in OUTCOMES)])
    attributes = [
        [k, a["n"], a["correct"], fmt(a["accuracy"])] for k, a in system["attributes"]["accuracy"].items()
    ]
    counts = ", ".join(f"{kind}: {n}" for kind, n in error_counts(system["errors"]).items()) or "none"
    return "".join(
        [
            f'<section class="system"><h2>System {_e(name)}</h2>',
            f'<p class="meta">{system["n_docs"]} documents, {system["n_pred_spans"]} predicted spans.</p>',
            "<h3>Per label</h3>",
            _label_table(name, system, compare),
            "<h3>F1 with 95% intervals</h3>",
            _chart(system),
            "<h3>Label confusion (overlapping spans)</h3>",
            _confusion(system),
            "<h3>Outcomes</h3>",
            _simple_table(["Label", *OUTCOMES], outcome_rows),
            "<h3>Attribute accuracy (strict matches)</h3>",
            _simple_table(["Attribute", "n", "correct", "accuracy"], attributes),
            f'<h3>Error examples</h3><p class="meta">Errors: {_e(counts)}.</p>',
            _examples(system["errors"], limit),
            "</section>",
        ]
    )


def _comparisons(report: dict[str, Any]) -> str:
    if not report["comparisons"]:
        return ""
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
    return (
        "<h2>Pairwise comparisons (paired bootstrap)</h2>"
        f'<p class="meta">{_e(report["settings"]["paired_test"])}</p>'
        + _simple_table(["System A", "System B", "Scheme", "F1 A", "F1 B", "Δ (A−B)", "p", "Δ 95% CI"], rows)
    )


def render_html(report: dict[str, Any], compare: dict[str, Any] | None = None, max_examples: int = 30) -> str:
    """The self-contained HTML report of an `EvaluationResult.to_dict` dictionary."""
    gold = report["gold"]
    settings = report["settings"]
    warning = ""
    if compare and not compare["same_gold"]:
        warning = '<p class="worse">The previous report was scored on different gold data.</p>'
    body = "".join(_system_section(name, s, compare, max_examples) for name, s in report["systems"].items())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title>'
        f"<style>{_CSS}</style></head><body><h1>Evaluation report</h1>"
        f'<p class="meta">Gold: {_e(gold["source"] or "(records)")}: {gold["n_docs"]} documents, '
        f"{gold['n_spans']} spans (fingerprint {_e(gold['fingerprint'][:12])}). Guidelines "
        f"v{_e(report['guidelines_version'])}, schema v{_e(report['schema_version'])}. "
        f"{settings['confidence_level']:.0%} bootstrap intervals over documents, {settings['n_bootstrap']} "
        f"resamples, seed {settings['seed']}.</p>{warning}{body}{_comparisons(report)}</body></html>\n"
    )
