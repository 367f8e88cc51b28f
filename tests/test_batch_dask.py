"""The Dask engine on 2-worker local clusters bound to 127.0.0.1: same output as one process."""

from __future__ import annotations

import json
import logging

import distributed
import pytest
from typer.testing import CliRunner

from extractor import batch
from extractor.cli import app

runner = CliRunner()
TEXTS = [
    "SOCA made {n} arrests under Operation Nightjar {n}.",
    "The Home Office paid £{n}.5 million under the Fraud Act 2006.",
    "Europol and the Crown Prosecution Service charged {n} people.",
]


def _corpus(path, count):
    lines = [json.dumps({"id": f"d{i}", "text": TEXTS[i % 3].format(n=i + 2)}) for i in range(count)]
    lines[3] = '{"id": "broken", "text": '  # a malformed line
    lines.append(json.dumps({"id": "d1", "text": "A second d1."}))  # a duplicate id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _parts(folder):
    return [record for part in sorted(folder.glob("part-*.jsonl")) for record in _jsonl(part)]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as running:
        yield running


def test_cli_local_cluster_of_two_workers_writes_what_one_process_writes(tmp_path):
    corpus = _corpus(tmp_path / "in.jsonl", 14)
    single, single_errors = tmp_path / "single.jsonl", tmp_path / "single-errors.jsonl"
    result = runner.invoke(app, ["annotate", str(corpus), "-o", str(single), "--errors", str(single_errors), "-q"])
    assert result.exit_code == 1, result.output
    parts, parts_errors = tmp_path / "parts", tmp_path / "parts-errors.jsonl"
    args = ["annotate", str(corpus), "-o", str(parts), "--errors", str(parts_errors), "-q", "--engine", "dask"]
    result = runner.invoke(app, [*args, "--n-process", "2", "--part-size", "4", "--batch-size", "3"])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in parts.iterdir()) == [f"part-0000{i}.jsonl" for i in range(4)]
    assert _parts(parts) == _jsonl(single)
    assert len(_jsonl(single)) == 13
    assert _jsonl(parts_errors) == _jsonl(single_errors)
    assert [e["line"] for e in _jsonl(single_errors)] == [4, 15]


def test_joining_a_scheduler_and_resuming_after_a_lost_part(cluster, tmp_path):
    with distributed.Client(cluster, set_as_default=False) as client:
        workers = list(client.scheduler_info()["workers"])
    assert len(workers) == 2
    assert all(address.startswith("tcp://127.0.0.1:") for address in [cluster.scheduler_address, *workers])
    corpus = _corpus(tmp_path / "in.jsonl", 10)
    whole = tmp_path / "whole.jsonl"
    batch.annotate_files([corpus], whole, "default")
    out = tmp_path / "out"
    first = batch.annotate_files(
        [corpus], out, "default", engine="dask", scheduler=cluster.scheduler_address, part_size=3
    )
    assert (first.written, first.failed) == (9, 2)
    (out / "part-00002.jsonl").unlink()  # lost: a worker died before renaming it into place
    (out / ".part-00002.jsonl.tmp").write_text('{"id": "d', encoding="utf-8")
    again = batch.annotate_files(
        [corpus], out, "default", engine="dask", scheduler=cluster.scheduler_address, part_size=3, resume=True
    )
    assert (again.skipped, again.written) == (6, 3)
    assert sorted(p.name for p in out.iterdir()) == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    assert _parts(out) == _jsonl(whole)
