"""A batch run killed with SIGKILL mid-way is finished by `--resume`: no document lost or doubled.

The run is a real `extractor annotate` process; it is killed once some output
exists, without any chance to clean up, then resumed. Every input id must be in
the output exactly once and every output line must be whole JSON. A second
case cuts the output mid-line (what a kill during a write leaves) before
resuming.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

N_DOCS = 2000
SENTENCES = (
    "The Home Office said 1,250 officers were deployed under section 3 of the Police Act 1996.",
    "HMRC recovered £4.2 million in 2023 through Operation Venetic, the Minister said.",
    "In this Act, 'relevant body' means a body listed in Schedule 2.",
    "The Department for Transport will publish the figures in due course.",
)


def _write_inputs(path: Path) -> list[str]:
    ids = [f"doc-{n:05d}" for n in range(N_DOCS)]
    with path.open("w", encoding="utf-8") as handle:
        for n, doc_id in enumerate(ids):
            text = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
            handle.write(json.dumps({"id": doc_id, "text": f"Answer {n}. {text}"}) + "\n")
    return ids


def _command(inputs: Path, output: Path, *extra: str) -> list[str]:
    code = "from extractor.cli import main; main()"
    return [sys.executable, "-c", code, "annotate", str(inputs), "-o", str(output), "--batch-size", "8", "-q", *extra]


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _kill_when_output_exists(process: subprocess.Popen, output: Path, min_lines: int) -> int:
    """SIGKILL the run once the output has `min_lines` lines; the line count seen just before."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the run ended (status {process.returncode}) before it could be killed")
        if output.exists() and len(_lines(output)) >= min_lines:
            seen = len(_lines(output))
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return seen
        time.sleep(0.02)
    process.kill()
    pytest.fail("no output within two minutes")


def _check_complete(output: Path, ids: list[str]) -> None:
    lines = _lines(output)
    assert all(line.endswith(b"\n") for line in lines)
    records = [json.loads(line) for line in lines]  # every line whole JSON
    written = [record["id"] for record in records]
    assert sorted(written) == ids, "every input id exactly once"
    for record in records:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]


def test_sigkill_mid_batch_then_resume_loses_and_doubles_nothing(tmp_path):
    inputs, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids = _write_inputs(inputs)
    process = subprocess.Popen(_command(inputs, output), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = _kill_when_output_exists(process, output, min_lines=200)
    assert process.returncode == -signal.SIGKILL
    before = len(_lines(output))
    assert seen <= before < N_DOCS, "killed in the middle"
    resumed = subprocess.run(_command(inputs, output, "--resume"), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    _check_complete(output, ids)


def test_a_torn_last_line_is_cut_and_its_document_annotated_again(tmp_path):
    inputs, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids = _write_inputs(inputs)
    process = subprocess.Popen(_command(inputs, output), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _kill_when_output_exists(process, output, min_lines=100)
    # The kill itself may land inside a write and tear the last line already;
    # tear the last whole line instead, dropping any such tail.
    lines = [line for line in _lines(output) if line.endswith(b"\n")]
    torn_id = json.loads(lines[-1])["id"]
    output.write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])  # a write cut short
    resumed = subprocess.run(_command(inputs, output, "--resume"), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    _check_complete(output, ids)
    assert torn_id in {json.loads(line)["id"] for line in _lines(output)}
