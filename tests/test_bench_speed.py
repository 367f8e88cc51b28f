"""The speed benchmark runs end to end on a tiny corpus and reports every configuration.

Only that it runs and what it reports are checked here; speed itself is measured by running
the script (`python evaluation/bench_speed.py`), never asserted in a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "evaluation" / "bench_speed.py"


def test_the_benchmark_reports_each_configuration_and_the_targets(tmp_path):
    """A user's own corpus for the speed rows (repeated to --words); the memory run's is generated."""
    corpus = tmp_path / "own.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "The Serious Fraud Office opened 42 cases under the Fraud Act 2006."}\n'
        '{"id": "b", "text": "Border Force seized 1.2 tonnes of cocaine in Operation Nightjar."}\n',
        encoding="utf-8",
    )
    report = tmp_path / "bench.md"
    command = [
        sys.executable, str(SCRIPT), "--words", "3000", "--corpus", str(corpus), "--repeats", "2",
        "--memory-corpus-gb", "0.0002", "--sm", "no_such_pipeline_installed", "--markdown", str(report),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert f"words (from {corpus}, repeated)" in result.stderr
    table = report.read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| ")}
    for name in ("bare English tokenizer", "default pipeline", "extractor annotate, default, 1 process",
                 "extractor annotate, default, 2 processes"):
        words_per_second = rows[name].split("|")[4].strip().replace(",", "")
        assert float(words_per_second) > 0, rows[name]
    assert "median of 2 passes" in rows["default pipeline"]
    assert "median of 2 passes" in rows["extractor annotate, default, 2 processes"]
    assert "not installed" in rows["no_such_pipeline_installed"]
    assert any(name.startswith("memory: extractor annotate") for name in rows)
    assert "- default vs bare tokenizer:" in table and "target >= 25%" in table
    assert "- default vs no_such_pipeline_installed: not measured" in table
