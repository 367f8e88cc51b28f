"""Shared fixtures: one rule pipeline per test session (building it reads the registry).

Property tests run without hypothesis's per-example deadline: on shared CI machines an
example can stall for a moment for reasons of its own, and a timing limit would make them
fail at random. Speed is measured by `evaluation/bench_speed.py`, never by tests.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from spacy.language import Language

import extractor

settings.register_profile("extractor", deadline=None)
settings.load_profile("extractor")


@pytest.fixture(scope="session")
def nlp() -> Language:
    return extractor.load("default")


@pytest.fixture(scope="session")
def extract(nlp: Language):
    """Run the pipeline on a text and return [(label, text, attrs)], checking every offset."""
    from extractor.spans import get_attrs

    def run(text: str) -> list[tuple[str, str, dict]]:
        doc = nlp(text)
        found = []
        for span in doc.spans["extractions"]:
            assert text[span.start_char:span.end_char] == span.text
            assert span.text == span.text.strip()
            found.append((span.label_, span.text, get_attrs(span)))
        return found

    return run


def spans_of(found: list[tuple[str, str, dict]], label: str) -> list[str]:
    return [text for found_label, text, _ in found if found_label == label]
