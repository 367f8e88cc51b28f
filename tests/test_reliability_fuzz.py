"""Property-based tests: hostile text and files give a correct result or a clear error, never a traceback.

Texts mix Hansard-like sentences with arbitrary Unicode, control characters,
NUL, byte-order marks, CRLF and lone CR, and long lines; files add invalid
UTF-8, broken, blank and duplicate-id JSON Lines, and spans out of range. For
every span of every result, `text[start:end] == span text`. The number of
examples per test is `EXTRACTOR_FUZZ_EXAMPLES` (default 20); `evaluation/fuzz.py`
raises it for long runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.annotate import annotate_records
from extractor.batch import annotate_files
from extractor.cli import app
from extractor.convert import convert
from extractor.evaluation.harness import EvaluationError, evaluate
from extractor.evaluation.validate import validate_file
from extractor.records import DocRecord, RecordError, SpanRecord, read_jsonl

EXAMPLES = int(os.environ.get("EXTRACTOR_FUZZ_EXAMPLES", "20"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SENTENCES = (
    "The Home Office said 1,250 officers were deployed under section 3 of the Police Act 1996.",
    "HMRC recovered £4.2 million in 2023 through Operation Venetic.",
    "In this Act, “relevant body” means a body listed in Schedule 2.",
    "The Department for Transport (DfT) spent 12% more, some 3.5 billion pounds.",
)
ODD = ("\r\n", "\r", "\n", "\x00", "\ufeff", "\u2028", "\t", "\x0b", "\x1b[0m", "\u200b", "\ud7ff", " " * 50)
TEXTS = st.lists(
    st.one_of(
        st.sampled_from(SENTENCES),
        st.sampled_from(ODD),
        st.text(max_size=40),  # any code point, control characters included (no lone surrogates)
        st.builds(lambda s, n: s * n, st.sampled_from(SENTENCES + ("x",)), st.integers(1, 300)),  # long lines
    ),
    max_size=12,
).map("".join)
FORMATS = ("prodigy", "doccano", "labelstudio", "brat", "docbin", "conll")


def _check_offsets(record: DocRecord) -> None:
    for span in record.spans:
        assert record.text[span.start : span.end] == span.text, (span, record.text[span.start : span.end])


@given(text=TEXTS)
@FUZZ
def test_annotate_any_text_gives_spans_on_the_original_text(nlp, text):
    records = list(annotate_records(nlp, [DocRecord(id="d", text=text)]))
    assert len(records) == 1 and records[0].text == text
    _check_offsets(records[0])


# --- whole files through the batch runner -------------------------------------------------------------

LINE_KINDS = st.sampled_from(("good", "good", "good", "broken", "blank", "duplicate", "bad_utf8", "empty", "array"))


def _line(kind: str, number: int, text: str) -> tuple[bytes, str | None]:
    """A JSON Lines line of a kind, and the id it should produce when it is a good document."""
    if kind == "good" and text.strip():
        return json.dumps({"id": f"d{number}", "text": text}).encode() + b"\n", f"d{number}"
    if kind == "broken":
        return b'{"id": "x", "text": "unterminated\n', None
    if kind == "blank":
        return b"  \r\n", None
    if kind == "duplicate":
        return json.dumps({"id": "d0", "text": "A repeated id."}).encode() + b"\n", None
    if kind == "bad_utf8":
        return b'{"id": "b", "text": "caf\xe9 \xff"}\n', None
    if kind == "array":
        return b"[1, 2]\n", None
    return json.dumps({"id": f"e{number}", "text": " \t\r\n"}).encode() + b"\n", None


@given(lines=st.lists(st.tuples(LINE_KINDS, TEXTS), min_size=1, max_size=8), crlf=st.booleans(), bom=st.booleans())
@FUZZ
def test_batch_run_on_hostile_jsonl(nlp, tmp_path_factory, lines, crlf, bom):
    folder = tmp_path_factory.mktemp("batch")
    source = folder / "in.jsonl"
    built = [_line(kind, number, text) for number, (kind, text) in enumerate(lines)]
    if built[0][1] is None:  # d0 must come first for "duplicate" lines to be duplicates
        built.insert(0, _line("good", 0, SENTENCES[0]))
    data = b"".join(raw.replace(b"\n", b"\r\n") if crlf else raw for raw, _ in built)
    source.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    expected = [doc_id for _, doc_id in built if doc_id is not None]
    errors: list[RecordError] = []
    summary = annotate_files(source, folder / "out.jsonl", nlp, on_error=errors.append)
    written = read_jsonl(folder / "out.jsonl")
    assert [record.id for record in written] == expected
    for record in written:
        _check_offsets(record)
    assert summary.failed == len(errors) == sum(1 for raw, i in built if i is None and raw.strip())
    for error in errors:
        assert error.path == str(source) and error.line is not None and error.reason


@given(lines=st.lists(st.tuples(LINE_KINDS, TEXTS), min_size=1, max_size=5))
@settings(max_examples=max(5, EXAMPLES // 4), deadline=None)
def test_cli_annotate_reports_and_never_crashes(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("cli")
    source = folder / "in.jsonl"
    source.write_bytes(b"".join(_line(kind, number, text)[0] for number, (kind, text) in enumerate(lines)))
    result = CliRunner().invoke(app, ["annotate", str(source), "-o", str(folder / "out.jsonl"), "-q"])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for line in result.output.splitlines():
        assert line.startswith("error: ") and f"{source}:" in line


# --- validate and evaluate --------------------------------------------------------------------------------


@st.composite
def gold_lines(draw) -> bytes:
    """A gold JSON Lines line: a document with spans that may fall outside or across its text."""
    text = draw(TEXTS)
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(-3, len(text) + 3))
        end = draw(st.integers(start - 2, len(text) + 5))
        label = draw(st.sampled_from(("AGENCY", "NUMERIC_CLAIM", "LEGISLATION", "BOGUS")))
        spans.append({"start": start, "end": end, "label": label, "text": text[max(start, 0) : max(end, 0)]})
    doc_id = draw(st.sampled_from(("a", "b", "c")))
    return json.dumps({"id": doc_id, "text": text, "spans": spans}, ensure_ascii=draw(st.booleans())).encode()


JUNK = st.sampled_from((b"", b"   ", b"{", b"\xff\xfe", b"\x00", b"null", b'{"id": 1}'))


@given(lines=st.lists(st.one_of(gold_lines(), JUNK), max_size=8), bom=st.booleans())
@FUZZ
def test_validate_reports_every_problem_with_file_and_line(tmp_path_factory, lines, bom):
    path = tmp_path_factory.mktemp("validate") / "gold.jsonl"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines))
    problems = validate_file(path)
    for problem in problems:
        text = str(problem)
        assert str(path) in text
    clean = not problems
    if clean:
        for record in read_jsonl(path):
            _check_offsets(record)


@given(texts=st.lists(TEXTS.filter(str.strip), min_size=1, max_size=3))
@settings(max_examples=max(5, EXAMPLES // 4), deadline=None)
def test_evaluate_annotated_output_against_itself_and_against_nothing(nlp, texts):
    gold = [DocRecord(id=f"d{n}", text=text) for n, text in enumerate(texts)]
    predicted = list(annotate_records(nlp, gold))
    result = evaluate(predicted, {"self": predicted}, n_bootstrap=0)
    assert result is not None
    broken = [DocRecord(id=p.id, text=p.text, spans=[SpanRecord(0, len(p.text) + 5, "AGENCY", p.text)]) for p in gold]
    with pytest.raises(EvaluationError, match="d0"):
        evaluate(gold, {"broken": broken}, n_bootstrap=0)


# --- converters -------------------------------------------------------------------------------------------


@given(texts=st.lists(TEXTS.filter(str.strip), min_size=1, max_size=3), fmt=st.sampled_from(FORMATS))
@FUZZ
def test_converters_round_trip_or_report(nlp, tmp_path_factory, texts, fmt):
    folder = tmp_path_factory.mktemp("convert")
    records = list(annotate_records(nlp, [DocRecord(id=f"d{n}", text=t) for n, t in enumerate(texts)]))
    source = folder / "gold.jsonl"
    source.write_text("".join(record.to_json() + "\n" for record in records), encoding="utf-8")
    middle = folder / ("mid" if fmt == "brat" else f"mid.{fmt}")
    there = convert(source, middle, "jsonl", fmt)
    back = convert(middle, folder / "back.jsonl", fmt, "jsonl")
    for error in there.errors + back.errors:
        assert error.reason and str(error.path)
    for record in read_jsonl(folder / "back.jsonl"):
        _check_offsets(record)
    assert there.written + len(there.errors) == len(records)


@given(data=st.binary(max_size=300), fmt=st.sampled_from(FORMATS + ("jsonl",)))
@FUZZ
def test_converters_on_arbitrary_bytes_report_never_raise(tmp_path_factory, data, fmt):
    folder = tmp_path_factory.mktemp("bytes")
    if fmt == "brat":
        (folder / "in").mkdir()
        (folder / "in" / "doc.txt").write_bytes(data)
        (folder / "in" / "doc.ann").write_bytes(data)
        source = folder / "in"
    else:
        source = folder / f"in.{fmt}"
        source.write_bytes(data)
    summary = convert(source, folder / "out.jsonl", fmt, "jsonl")
    for error in summary.errors:
        assert error.reason and str(error.path).startswith(str(folder))
    for record in read_jsonl(folder / "out.jsonl"):
        _check_offsets(record)


# --- a real process: no traceback on stderr -------------------------------------------------------------

HOSTILE = (
    b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "The Home Office\r\nsaid 1,250\rofficers\x00."}).encode() + b"\r\n"
    b"\n"
    b'{"id": "b", "text": "broken\n'
    b'{"id": "c", "text": "caf\xe9"}\n'
    + json.dumps({"id": "a", "text": "Duplicate."}).encode() + b"\n"
    + json.dumps({"id": "d", "text": "\u2028HMRC\u0085 spent \u00a35 million." * 2000}).encode() + b"\n"
    b'{"id": "e", "text": "   "}\n'
    b'{"id": "f", "text": "x", "spans": [{"start": 5, "end": 2, "label": "AGENCY", "text": ""}]}\n'
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from extractor.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [
        ["annotate", "{src}", "-o", "{dir}/out.jsonl", "-q"],
        ["validate", "{src}"],
        ["evaluate", "{src}", "--pred", "{src}", "--n-bootstrap", "0"],
        ["convert", "{src}", "{dir}/out.spacy", "--from", "jsonl", "--to", "docbin"],
        ["convert", "{src}", "{dir}/out.conll", "--from", "prodigy", "--to", "conll"],
    ],
    ids=["annotate", "validate", "evaluate", "convert-docbin", "convert-prodigy"],
)
def test_cli_in_a_real_process_never_prints_a_traceback(tmp_path: Path, command):
    source = tmp_path / "hostile.jsonl"
    source.write_bytes(HOSTILE)
    result = _run(*[part.format(src=source, dir=tmp_path) for part in command])
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), result.stderr
    if result.returncode:
        assert "hostile.jsonl:" in result.stdout + result.stderr, result.stderr
    if command[0] == "annotate":
        written = read_jsonl(tmp_path / "out.jsonl")
        assert [record.id for record in written] == ["a", "d", "f"]
        for record in written:
            _check_offsets(record)
