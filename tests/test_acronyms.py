"""Acronyms a document defines for itself (Schwartz & Hearst style)."""

from __future__ import annotations

import pytest

from extractor.acronyms import find_acronym_definitions


@pytest.mark.parametrize(
    ("text", "short", "long"),
    [
        ("the Serious and Organised Crime Agency (SOCA) was set up", "SOCA", "Serious and Organised Crime Agency"),
        ("the Assets Recovery Agency (‘ARA’) recovered", "ARA", "Assets Recovery Agency"),
        ('the Joint Border Operations Centre ("JBOC") opened', "JBOC", "Joint Border Operations Centre"),
        ("NCIS (National Criminal Intelligence Service) said", "NCIS", "National Criminal Intelligence Service"),
        ("staff from the Home Office and the Border Force Unit (BFU) met", "BFU", "Border Force Unit"),
    ],
)
def test_definitions_found_with_offsets(text, short, long):
    found = find_acronym_definitions(text)
    assert [(d.short, d.long) for d in found] == [(short, long)]
    assert text[found[0].long_start:found[0].long_end] == long


def test_letters_that_do_not_match_are_not_a_definition():
    assert find_acronym_definitions("the Home Office (XYZ) replied") == []
