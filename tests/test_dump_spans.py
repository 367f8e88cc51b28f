"""The differential dump writes one line per document, with every span group, the entities and
the claim candidates, and the same file twice for the same code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "evaluation" / "dump_spans.py"


def _run(out: Path) -> str:
    command = [sys.executable, str(SCRIPT), str(out), "--generated", "3"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_the_dump_holds_every_layer_and_is_repeatable(tmp_path):
    first = _run(tmp_path / "a.jsonl")
    assert first == _run(tmp_path / "b.jsonl")
    records = [json.loads(line) for line in first.splitlines()]
    sample = len(list((SCRIPT.parents[1] / "annotations" / "sample").glob("*.txt")))
    assert len(records) >= 2 * 3 + sample
    for key in ("extractions", "claim", "agency", "legislation", "operation", "definition", "ents", "candidates"):
        assert all(key in record for record in records), key
    assert any(record["claim"] for record in records)
    assert any(candidate[5] is not None for record in records for candidate in record["candidates"])


def test_a_missing_shared_folder_is_an_error(tmp_path):
    command = [sys.executable, str(SCRIPT), str(tmp_path / "x.jsonl"), "--shared", str(tmp_path / "nowhere")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 2
    assert "no such folder" in result.stderr
