"""Gold JSONL -> every format -> gold JSONL gives back the same bytes: offsets, labels, attributes, ids, metadata.

The fixture (`evaluation/fixtures/convert/roundtrip.jsonl`, texts written for
these tests) has nested definitions that cross line breaks, a span ending
inside a token ("hovercraft;and"), attributes of every JSON type, curly quotes,
characters outside the Basic Multilingual Plane, CRLF, U+2028, an empty span
list, an empty text, and ids that are not file names. Hypothesis then tries
random texts with random span sets of the shape the guidelines allow.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="extractor-hf-home-"))

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractor.convert import FORMATS, convert  # noqa: E402
from extractor.convert.common import ConvertOptions  # noqa: E402
from extractor.labels import CONTAINER_LABELS, LABELS  # noqa: E402
from extractor.records import DocRecord, SpanRecord, write_jsonl  # noqa: E402

FIXTURE = Path(__file__).resolve().parent.parent / "evaluation" / "fixtures" / "convert" / "roundtrip.jsonl"

#: (format, options) of every conversion that must round-trip exactly.
ROUTES = [(name, ConvertOptions()) for name in FORMATS if name not in ("jsonl", "labelstudio")] + [
    ("labelstudio", ConvertOptions(labelstudio_as="annotations")),
    ("labelstudio", ConvertOptions(labelstudio_as="predictions", use_predictions=True)),
]
ROUTE_IDS = [f"{name}-{options.labelstudio_as}" if name == "labelstudio" else name for name, options in ROUTES]


def round_trip(source: Path, work: Path, name: str, options: ConvertOptions) -> bytes:
    """Convert gold -> `name` -> gold, failing on any error, and return the bytes written back."""
    problems: list = []
    middle = work / f"middle.{name}"
    back = work / "back.jsonl"
    there = convert(source, middle, "jsonl", name, options, problems.append)
    again = convert(middle, back, name, "jsonl", options, problems.append)
    assert there.errors == [] and again.errors == [], [str(problem) for problem in problems]
    return back.read_bytes()


@pytest.mark.parametrize(("name", "options"), ROUTES, ids=ROUTE_IDS)
def test_fixture_round_trip_is_byte_identical(tmp_path: Path, name: str, options: ConvertOptions) -> None:
    assert round_trip(FIXTURE, tmp_path, name, options) == FIXTURE.read_bytes()


def test_fixture_covers_the_hard_cases() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    for needle in ("LEGAL_DEFINITION", "\\n", "\\r\\n", "\u2028", "“", "’", "𝔄", "🙂", '"spans": []', '"text": ""'):
        assert needle in text, needle


# --- property-based ---------------------------------------------------------------------------------

ALPHABET = "abcXYZ 09£.,;“”’—é🙂𝔄\n\t\r\u2028"
OTHER = [label for label in LABELS if label not in CONTAINER_LABELS]
CONTAINERS = sorted(CONTAINER_LABELS)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=4)
attributes = st.dictionaries(st.text(min_size=1, max_size=5), json_values, max_size=3)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The interval without whitespace at its ends (the guidelines' span shape), or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


@st.composite
def intervals(draw, text: str, most: int) -> list[tuple[int, int]]:
    """At most `most` disjoint, trimmed intervals of `text`."""
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=2 * most)))
    pairs = [_trimmed(text, start, end) for start, end in zip(cuts[::2], cuts[1::2], strict=False)]
    return [pair for pair in pairs if pair is not None]


@st.composite
def documents(draw) -> DocRecord:
    """A document whose spans follow the guidelines' overlap rule: only a container holds others."""
    text = draw(st.text(alphabet=ALPHABET, max_size=50))
    inner = [
        SpanRecord(start, end, draw(st.sampled_from(OTHER)), text[start:end], draw(attributes))
        for start, end in draw(intervals(text, 4))
    ]
    containers: list[SpanRecord] = []
    for start, end in draw(intervals(text, 2)):
        for span in inner:  # grow the container over any name it would cut through
            if span.start < end and start < span.end:
                start, end = min(start, span.start), max(end, span.end)
        clash = any(other.start < end and start < other.end for other in containers)
        same_extent = any((span.start, span.end) == (start, end) for span in inner)
        if not clash and not same_extent:
            containers.append(SpanRecord(start, end, CONTAINERS[0], text[start:end], draw(attributes)))
    meta = draw(st.dictionaries(st.text(max_size=5), json_values, max_size=3))
    doc_id = draw(st.text(alphabet="ab1/ é-.", min_size=1, max_size=8))
    return DocRecord(doc_id, text, inner + containers, meta)


PROPERTY_SETTINGS = settings(max_examples=100, deadline=None, database=None)


def _check_random_corpus(routes: list[tuple[str, ConvertOptions]], records: list[DocRecord]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "gold.jsonl"
        write_jsonl(records, source)
        expected = source.read_bytes()
        for name, options in routes:
            route = work / name / options.labelstudio_as
            route.mkdir(parents=True)
            assert round_trip(source, route, name, options) == expected, name


@PROPERTY_SETTINGS
@given(st.lists(documents(), min_size=1, max_size=3))
def test_random_documents_round_trip_through_every_file_format(records: list[DocRecord]) -> None:
    _check_random_corpus([route for route in ROUTES if route[0] != "hf"], records)


@settings(max_examples=15, deadline=None, database=None)
@given(st.lists(documents(), min_size=1, max_size=2))
def test_random_documents_round_trip_through_a_hugging_face_dataset(records: list[DocRecord]) -> None:
    _check_random_corpus([("hf", ConvertOptions())], records)
