"""Reports: the JSON schema keeps its keys, Markdown has its tables, HTML is self-contained and renders.

The browser test opens the HTML report in headless Chromium, checks the DOM it
built (the score table and the chart's <svg>), that no script error was logged,
and that the screenshot is not blank and shows the chart's bar colour. Without
Chromium it is skipped, unless EXTRACTOR_REQUIRE_BROWSER=1 (as in CI), when it fails.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from extractor.evaluation.harness import compare_reports, evaluate
from extractor.evaluation.report_html import render_html
from extractor.evaluation.report_json import render_json
from extractor.evaluation.report_markdown import render_markdown
from extractor.records import DocRecord, read_jsonl

FIXTURES = Path(__file__).resolve().parent.parent / "evaluation" / "fixtures"
GOLD = FIXTURES / "gold_small.jsonl"
PRED = FIXTURES / "pred_small.jsonl"
STRICT_BAR_RGB = (0x3B, 0x6E, 0xA5)  # the strict-F1 bar colour of report_html


@pytest.fixture(scope="module")
def report() -> dict:
    gold, pred = read_jsonl(GOLD), read_jsonl(PRED)
    empty = [DocRecord(d.id, d.text) for d in gold]
    return evaluate(
        gold, {"sys": pred, "empty": empty}, n_bootstrap=100, seed=0, gold_source="gold"
    ).to_dict()


@pytest.fixture(scope="module")
def compare(report) -> dict:
    gold = read_jsonl(GOLD)
    previous = evaluate(gold, {"sys": [DocRecord(d.id, d.text) for d in gold]}, n_bootstrap=0).to_dict()
    return compare_reports(previous, report)


def test_json_schema_keys_are_stable(report):
    assert list(report) == [
        "schema_version",
        "guidelines_version",
        "gold",
        "settings",
        "labels",
        "systems",
        "comparisons",
    ]
    assert report["schema_version"] == "1.0"
    assert set(report["gold"]) == {"source", "n_docs", "n_spans", "spans_per_label", "fingerprint"}
    assert set(report["settings"]) == {
        "n_bootstrap",
        "seed",
        "confidence_level",
        "allow_missing",
        "schemes",
        "paired_test",
    }
    assert list(report["settings"]["schemes"]) == ["strict", "exact", "partial", "type", "partial_semeval"]
    system = report["systems"]["sys"]
    assert list(system) == [
        "n_docs",
        "n_pred_spans",
        "missing_docs",
        "extra_docs",
        "outcomes",
        "scores",
        "attributes",
        "confusion",
        "errors",
    ]
    assert list(system["scores"]) == list(report["settings"]["schemes"])
    strict = system["scores"]["strict"]
    assert set(strict) == {"per_label", "micro", "macro"}
    assert list(strict["per_label"]) == report["labels"]
    assert set(strict["micro"]) == {
        "precision",
        "recall",
        "f1",
        "n_gold",
        "n_pred",
        "tp_gold",
        "tp_pred",
        "f1_ci",
    }
    assert set(strict["macro"]) == {"precision", "recall", "f1", "labels"}
    assert set(system["outcomes"]) == {"total", "per_label"}
    assert list(system["outcomes"]["total"]) == [
        "correct",
        "partial",
        "incorrect",
        "mismatch",
        "missed",
        "spurious",
    ]
    assert set(system["attributes"]) == {"accuracy", "mismatches"}
    assert set(system["attributes"]["accuracy"]) == {
        "NUMERIC_CLAIM.value",
        "LEGAL_DEFINITION.term",
        "AGENCY.canonical",
    }
    assert set(system["attributes"]["mismatches"][0]) == {
        "doc_id",
        "start",
        "end",
        "label",
        "attribute",
        "gold",
        "pred",
    }
    assert system["confusion"]["labels"] == [*report["labels"], "none"]
    assert set(system["errors"][0]) == {
        "doc_id",
        "kind",
        "gold",
        "pred",
        "start",
        "end",
        "text",
        "context_left",
        "context_right",
    }
    assert set(report["comparisons"][0]) == {
        "system_a",
        "system_b",
        "scheme",
        "metric",
        "f1_a",
        "f1_b",
        "delta",
        "p_value",
        "delta_ci",
        "n_bootstrap",
    }


def test_json_report_round_trips(report, compare):
    assert json.loads(render_json(report)) == {**report, "previous_comparison": None}
    assert json.loads(render_json(report, compare))["previous_comparison"] == compare


def test_markdown_has_tables_and_change_marks(report, compare):
    text = render_markdown(report, compare)
    assert "| Label | n gold | n pred | strict P | strict R | strict F1 | strict F1 95% CI |" in text
    assert "|---|---|" in text and "| **micro** | 10 | 10 | 0.600 | 0.600 | 0.600" in text
    assert "### Outcomes" in text and "### Attribute accuracy" in text and "### Top errors" in text
    assert "| sys | empty | strict | 0.600 | 0.000 | +0.600 |" in text
    assert "\u25b2 +0.600" in text and "## Changes since the previous report" in text


def test_html_is_self_contained(report, compare):
    page = render_html(report, compare)
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and 'class="scores"' in page
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page.lower() and "<link" not in page.lower() and "url(" not in page.lower()
    assert 'class="spans"' in page  # displaCy's span markup for the error examples
    assert 'class="better"' in page and 'class="confusion"' in page


# --- headless browser ------------------------------------------------------------------------------


def _chromium() -> str:
    found = next(
        (p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and os.path.exists(p)), None
    )
    if found is None:
        reason = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("EXTRACTOR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and EXTRACTOR_REQUIRE_BROWSER=1 requires the browser test")
        pytest.skip(f"{reason}; set EXTRACTOR_REQUIRE_BROWSER=1 to make this a failure")
    return found


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def decode_png(data: bytes) -> np.ndarray:
    """Pixels of an 8-bit RGB or RGBA PNG, shape (height, width, channels): zlib + struct, no Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,), kind = (
            struct.unpack(">I", data[position : position + 4]),
            data[position + 4 : position + 8],
        )
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        row = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int64)
        if kind == 1:  # Sub: running sum per channel
            row = np.cumsum(row.reshape(width, channels), axis=0).reshape(-1) % 256
        elif kind == 2:  # Up
            row = (row + previous) % 256
        elif kind in (3, 4):  # Average, Paeth: sequential along the row
            out, up = row.tolist(), previous.tolist()
            for x in range(stride):
                left = out[x - channels] if x >= channels else 0
                corner = up[x - channels] if x >= channels else 0
                extra = (left + up[x]) // 2 if kind == 3 else _paeth(left, up[x], corner)
                out[x] = (out[x] + extra) % 256
            row = np.array(out, dtype=np.int64)
        image[y] = row
        previous = row
    return image.reshape(height, width, channels)


def test_html_report_renders_in_a_headless_browser(report, tmp_path):
    binary = _chromium()
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    url = page.resolve().as_uri()

    dom = _run_chromium(binary, tmp_path / "profile-dom", "--virtual-time-budget=2000", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'class="scores"' in dom.stdout and "<svg" in dom.stdout and "<rect" in dom.stdout
    assert "Uncaught" not in dom.stderr, dom.stderr[-2000:]

    png = tmp_path / "report.png"
    shot = _run_chromium(
        binary, tmp_path / "profile-shot", f"--screenshot={png}", "--window-size=1200,1600", url
    )
    assert shot.returncode == 0 and png.exists(), shot.stderr[-2000:]
    assert "Uncaught" not in shot.stderr
    pixels = decode_png(png.read_bytes())[..., :3].astype(int)
    assert pixels.shape[:2] == (1600, 1200)
    assert pixels.std() > 10, "the screenshot is blank"
    assert (pixels.min(axis=2) < 200).mean() > 0.01, "almost nothing is drawn"
    bar = (np.abs(pixels - np.array(STRICT_BAR_RGB)) <= 3).all(axis=2)
    assert bar.sum() > 200, "the chart's strict-F1 bars are not visible"
