"""Command-line functions of the harness: ``evaluate``, ``validate`` and ``agreement``.

These are plain typer-annotated functions, not an app: the main CLI
(`extractor.cli`) registers them, e.g. ``app.command("evaluate")(evaluate_command)``.
They only parse options, read files and print; the work is done by library
functions usable from Python (`harness.evaluate`, `validate.validate_file`,
`agreement.agreement`). The pipeline is imported only when ``--pipeline`` is used,
so scoring prediction files never needs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from extractor.evaluation.agreement import agreement
from extractor.evaluation.harness import EvaluationError, compare_reports, evaluate
from extractor.evaluation.report_common import TABLE_SCHEMES, fmt, fmt_ci, score_row, table_labels
from extractor.evaluation.report_html import render_html
from extractor.evaluation.report_json import render_json
from extractor.evaluation.report_markdown import render_markdown
from extractor.evaluation.validate import validate_file
from extractor.records import DocRecord, RecordError, read_jsonl


def _read(path: Path) -> list[DocRecord]:
    """Read a JSONL file, or stop with exit code 2 and the file:line of the first bad record."""
    try:
        return read_jsonl(path)
    except RecordError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    except OSError as err:
        typer.echo(f"error: cannot read {path}: {err.strerror or err}", err=True)
        raise typer.Exit(2) from err


def _predict(spec: str, gold: list[DocRecord]) -> list[DocRecord]:
    """Run a pipeline over the gold texts (never their spans) and return its records."""
    from extractor.annotate import annotate_records
    from extractor.pipeline import load

    try:
        nlp = load(spec)
    except (OSError, ValueError) as err:  # no such pipeline, or one refused as unsafe
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    return list(
        annotate_records(nlp, (DocRecord(id=doc.id, text=doc.text, meta=dict(doc.meta)) for doc in gold))
    )


def _system_names(pred: list[Path], pipeline: list[str], name: list[str]) -> list[str]:
    defaults = [path.stem for path in pred] + [f"pipeline:{spec}" for spec in pipeline]
    if len(name) > len(defaults):
        typer.echo(f"error: {len(name)} --name given for {len(defaults)} system(s)", err=True)
        raise typer.Exit(2)
    names = name + defaults[len(name) :]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        typer.echo(f"error: system names must differ ({', '.join(duplicates)}); use --name", err=True)
        raise typer.Exit(2)
    return names


def _print_summary(report: dict[str, Any]) -> None:
    """A compact per-label table per system, and the pairwise tests."""
    header = (
        f"{'label':<18}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}  {'F1 95% CI':<18}{'partial F1':>10}"
    )
    for name, system in report["systems"].items():
        typer.echo(f"\n== {name} (strict; partial = same label, overlapping)")
        typer.echo(header)
        strict, partial = (system["scores"][scheme] for scheme in TABLE_SCHEMES)
        for key in [*table_labels(system), "micro"]:
            s = score_row(strict, key)
            p = score_row(partial, key)
            typer.echo(
                f"{key:<18}{s['n_gold']:>6}{s['n_pred']:>6}{fmt(s['precision']):>8}{fmt(s['recall']):>8}"
                f"{fmt(s['f1']):>8}  {fmt_ci(s['f1_ci']):<18}{fmt(p['f1']):>10}"
            )
        typer.echo(f"{'macro':<18}{'':>28}{fmt(strict['macro']['f1']):>8}")
    for c in report["comparisons"]:
        typer.echo(
            f"{c['system_a']} vs {c['system_b']} ({c['scheme']}): "
            f"delta F1 {c['delta']:+.3f}, p = {fmt(c['p_value'], 4)}"
        )


def evaluate_command(
    gold: Annotated[
        Path, typer.Argument(help="Gold JSONL file (format of the annotation guidelines).", dir_okay=False)
    ],
    pred: Annotated[
        list[Path] | None,
        typer.Option("--pred", "-p", help="Predicted JSONL file of one system; repeat for several systems."),
    ] = None,
    pipeline: Annotated[
        list[str] | None,
        typer.Option(
            "--pipeline",
            help="Pipeline NAME_OR_PATH to run over the gold texts and score as a system; repeatable.",
        ),
    ] = None,
    name: Annotated[
        list[str] | None,
        typer.Option(
            "--name",
            "-n",
            help="System name, in order: first the --pred files, then the --pipeline runs "
            "(default: the file stem, or pipeline:NAME).",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Directory to write report.json, report.md and report.html into.",
            file_okay=False,
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            help="A previous report.json: mark per label what got better or worse.",
            dir_okay=False,
        ),
    ] = None,
    n_bootstrap: Annotated[
        int,
        typer.Option("--n-bootstrap", min=0, help="Bootstrap resamples for intervals and tests (0: none)."),
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the bootstrap.")] = 0,
    allow_missing: Annotated[
        bool,
        typer.Option(
            "--allow-missing", help="Score gold documents a prediction file lacks as having no spans."
        ),
    ] = False,
) -> None:
    """Score prediction files and/or pipelines against gold: P/R/F1 per label, intervals, errors, reports."""
    pred, pipeline, name = pred or [], pipeline or [], name or []
    if not pred and not pipeline:
        typer.echo("error: give at least one --pred file or --pipeline", err=True)
        raise typer.Exit(2)
    names = _system_names(pred, pipeline, name)
    gold_docs = _read(gold)
    outputs = [_read(path) for path in pred] + [_predict(spec, gold_docs) for spec in pipeline]
    try:
        result = evaluate(
            gold_docs,
            dict(zip(names, outputs, strict=True)),
            n_bootstrap=n_bootstrap,
            seed=seed,
            allow_missing=allow_missing,
            gold_source=str(gold),
        )
    except EvaluationError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    data = result.to_dict()
    previous = None
    if compare is not None:
        try:
            previous = compare_reports(json.loads(compare.read_text(encoding="utf-8")), data)
        except (OSError, ValueError) as err:
            typer.echo(f"error: cannot read the report to compare with, {compare}: {err}", err=True)
            raise typer.Exit(2) from err
    _print_summary(data)
    if previous is not None:
        for system, schemes in previous["systems"].items():
            for scheme in TABLE_SCHEMES:
                entry = schemes.get(scheme, {}).get("micro")
                if entry and entry["delta"] is not None:
                    typer.echo(
                        f"{system} {scheme} micro F1 vs previous: {entry['delta']:+.3f} ({entry['change']})"
                    )
    if report is not None:
        report.mkdir(parents=True, exist_ok=True)
        (report / "report.json").write_text(render_json(data, previous) + "\n", encoding="utf-8")
        (report / "report.md").write_text(render_markdown(data, previous), encoding="utf-8")
        (report / "report.html").write_text(render_html(data, previous), encoding="utf-8")
        typer.echo(f"reports written to {report}")


def validate_command(
    files: Annotated[list[Path], typer.Argument(help="Gold JSONL files to check against the guidelines.")],
) -> None:
    """Check gold files against the guidelines; print every problem as file:line: reason (exit 1 if any)."""
    problems = [problem for path in files for problem in validate_file(path)]
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {len({p.file for p in problems})} file(s)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{len(files)} file(s) valid")


def agreement_command(
    a: Annotated[Path, typer.Argument(help="JSONL file of annotator A.", dir_okay=False)],
    b: Annotated[
        Path, typer.Argument(help="JSONL file of annotator B (same documents, same ids).", dir_okay=False)
    ],
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json-out", help="Also write the agreement figures to this JSON file.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Inter-annotator agreement: strict and partial F1 per label and micro between two files."""
    result = agreement(_read(a), _read(b)).to_dict()
    typer.echo(f"{result['n_docs']} documents compared")
    for key, text in (
        ("only_in_a", f"only in {a}"),
        ("only_in_b", f"only in {b}"),
        ("text_differs", "text differs, skipped"),
    ):
        if result[key]:
            typer.echo(f"{text}: {', '.join(result[key])}")
    typer.echo(f"{'label':<18}{'n A':>6}{'n B':>6}{'strict F1':>11}{'partial F1':>12}")
    strict, partial = result["scores"]["strict"], result["scores"]["partial"]
    for label in [*strict["per_label"], "micro"]:
        s = score_row(strict, label)
        p = score_row(partial, label)
        typer.echo(f"{label:<18}{s['n_a']:>6}{s['n_b']:>6}{fmt(s['f1']):>11}{fmt(p['f1']):>12}")
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
