"""The document-size limit, and memory on a 20 MB document.

A document over `max_chars` (`--max-chars`, default 20,000,000) fails with a
message naming it, its file and line, and the rest are annotated; spaCy's own
`nlp.max_length` (1,000,000 by default) is raised to the limit, so a document
between the two is annotated. Peak memory on a 20,000,000-character document
is measured in a fresh process with `resource.getrusage`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from typer.testing import CliRunner

import extractor
from extractor.batch import annotate_files
from extractor.cli import app
from extractor.pipeline import DEFAULT_MAX_CHARS

MEMORY_BOUND_MB = 3 * 1024
PROSE = "Members asked whether the review would consider the views of those affected, and it would. "
CLAIM = "The Home Office deployed 1,250 officers under section 3 of the Police Act 1996. "


def _corpus(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"id": "short", "text": CLAIM}, {"id": "long", "text": CLAIM * 10}, {"id": "after", "text": CLAIM}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_default_limit_is_twenty_million_and_lifts_spacys():
    assert DEFAULT_MAX_CHARS == 20_000_000
    assert extractor.load("default").max_length == DEFAULT_MAX_CHARS


def test_library_limit_names_the_document_and_the_rest_go_on(tmp_path):
    errors = []
    summary = annotate_files(_corpus(tmp_path), tmp_path / "out.jsonl", max_chars=200, on_error=errors.append)
    assert (summary.written, summary.failed) == (2, 1)
    message = str(errors[0])
    assert "in.jsonl:2" in message and "'long'" in message and "over the limit of 200" in message
    ids = [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert ids == ["short", "after"]


def test_cli_max_chars_option(tmp_path):
    result = CliRunner().invoke(app, ["annotate", str(_corpus(tmp_path)), "-o", str(tmp_path / "o.jsonl"),
                                      "--max-chars", "200", "-q"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "in.jsonl:2" in result.output and "--max-chars" in result.output
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 2


def test_document_over_spacys_own_limit_is_annotated(tmp_path):
    text = (PROSE * 200 + CLAIM) * 70  # about 1.3 million characters, over nlp.max_length's default
    assert len(text) > 1_000_000
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    summary = annotate_files(path, tmp_path / "out.jsonl")
    assert (summary.written, summary.failed) == (1, 0)
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["spans"] and all(text[s["start"] : s["end"]] == s["text"] for s in record["spans"])


_MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    import extractor
    from extractor.annotate import annotate_records
    from extractor.records import DocRecord
    block = sys.argv[1] * 200 + sys.argv[2]
    text = (block * (20_000_000 // len(block) + 1))[:20_000_000]
    record = next(annotate_records(extractor.load("default"), [DocRecord(id="big", text=text)]))
    wrong = sum(text[s.start:s.end] != s.text for s in record.spans)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"chars": len(text), "spans": len(record.spans), "wrong": wrong, "peak_mb": peak}))
    """
)


def test_memory_stays_bounded_on_a_20_mb_document():
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, PROSE, CLAIM], capture_output=True, text=True, timeout=400
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"20 MB document: {figures}")
    assert figures["chars"] == 20_000_000 and figures["spans"] > 0 and figures["wrong"] == 0
    assert figures["peak_mb"] < MEMORY_BOUND_MB
