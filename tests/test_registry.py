"""The agency registry: the bundled data, lookup rules, the GOV.UK importer and coverage.

Self-contained: the TSVs are written here, so the tests need nothing outside the repository.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.registry import (
    GOVUK_KIND,
    Agency,
    AgencyRegistry,
    coverage,
    import_govuk_tsv,
    is_not_agency,
    normalise_name,
)

REGISTRY = AgencyRegistry.default()
SOCA = "Serious Organised Crime Agency"


def bundled_entries() -> list[dict]:
    text = (resources.files("extractor") / "data" / "agencies.json").read_text(encoding="utf-8")
    return json.loads(text)


def write_tsv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join("\t".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


# --- the bundled data ---------------------------------------------------------


def test_registry_has_at_least_350_bodies():
    assert len(REGISTRY) >= 350


def test_no_duplicate_canonical_names():
    names = [normalise_name(entry["canonical"]) for entry in bundled_entries()]
    duplicates = {name for name in names if names.count(name) > 1}
    assert not duplicates


@pytest.mark.parametrize("entry", bundled_entries(), ids=lambda entry: entry["canonical"])
def test_every_entry_is_valid(entry):
    assert set(entry) == {"canonical", "acronyms", "variants", "start", "end", "kind"}
    agency = Agency.from_dict(entry)  # validates years and forms
    assert agency.canonical == agency.canonical.strip()
    assert agency.kind.strip()
    assert all(
        acronym.strip() == acronym and any(c.isupper() for c in acronym) for acronym in agency.acronyms
    )
    assert all(variant.strip() == variant and variant != agency.canonical for variant in agency.variants)
    assert len(set(agency.acronyms)) == len(agency.acronyms)
    assert len(set(agency.variants)) == len(agency.variants)
    for name in agency.names:
        assert not name.lower().startswith("the "), "spans never start with a determiner"
    if agency.start is not None and agency.end is not None:
        assert agency.start <= agency.end


def test_bundled_file_is_what_to_json_writes(tmp_path):
    """The data file is kept in the writer's format, so rewriting it gives no diff."""
    out = tmp_path / "agencies.json"
    REGISTRY.to_json(out)
    bundled = (resources.files("extractor") / "data" / "agencies.json").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == bundled


# --- lookup --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("SOCA", SOCA),
        ("Serious and Organised Crime Agency", SOCA),
        ("UKHTC", "United Kingdom Human Trafficking Centre"),
        ("UK Human Trafficking Centre", "United Kingdom Human Trafficking Centre"),
        ("UKBA", "UK Border Agency"),
        ("ARA", "Assets Recovery Agency"),
        ("NCIS", "National Criminal Intelligence Service"),
        ("CEOP", "Child Exploitation and Online Protection Centre"),
        ("HM Customs and Excise", "HM Customs and Excise"),
        ("Her Majesty's Customs and Excise", "HM Customs and Excise"),
        ("Home Department", "Home Office"),
        ("MPS", "Metropolitan Police Service"),
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("HMRC", "HM Revenue and Customs"),
        ("Crown Prosecution Service", "Crown Prosecution Service"),
        ("Europol", "Europol"),
        ("UN", "United Nations"),
        ("Reflex", "Reflex"),
    ],
)
def test_known_bodies_resolve(surface, canonical):
    assert REGISTRY.canonical_for(surface) == canonical


@pytest.mark.parametrize(
    "surface",
    [
        "serious organised crime agency",
        "SERIOUS ORGANISED CRIME AGENCY",
        "  Serious\n Organised   Crime Agency ",
        "The Serious Organised Crime Agency",
    ],
)
def test_names_match_case_insensitively_with_normalised_whitespace(surface):
    assert REGISTRY.canonical_for(surface) == SOCA


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("Lord Chancellor’s Department", "Lord Chancellor's Department"),
        ("National Police Chiefs’ Council", "National Police Chiefs' Council"),
        ("HM Revenue & Customs", "HM Revenue and Customs"),
        ("Her Majesty’s Revenue & Customs", "HM Revenue and Customs"),
        ("H.M. Customs and Excise", "HM Customs and Excise"),
        ("United Kingdom Border Agency", "UK Border Agency"),
        ("Garda Siochana", "An Garda Síochána"),
    ],
)
def test_apostrophes_ampersands_and_spellings_are_normalised(surface, canonical):
    assert REGISTRY.canonical_for(surface) == canonical


@pytest.mark.parametrize("surface", ["soca", "Soca", "ukhtc", "met", "uk", "Nhs"])
def test_acronyms_match_case_sensitively(surface):
    assert REGISTRY.canonical_for(surface) is None


def test_unknown_surface_has_no_candidates():
    assert REGISTRY.canonical_for("Ministry of Silly Walks") is None
    assert REGISTRY.candidates("Ministry of Silly Walks") == []


def test_shared_acronym_is_disambiguated_by_year():
    assert REGISTRY.canonical_for("PCA", year=2000) == "Police Complaints Authority"
    assert REGISTRY.canonical_for("PCA", year=2020) == "Pubs Code Adjudicator"
    assert REGISTRY.canonical_for("ODA", year=1990) == "Overseas Development Administration"
    assert REGISTRY.canonical_for("ODA", year=2010) == "Olympic Delivery Authority"
    assert REGISTRY.canonical_for("Foreign Office", year=2008) == "Foreign and Commonwealth Office"
    assert REGISTRY.canonical_for("Foreign Office") == "Foreign, Commonwealth and Development Office"


def test_shared_acronym_without_year_prefers_the_most_recent_body():
    registry = AgencyRegistry(
        [
            Agency("Old Agency", ("XA",), (), 1980, 1990, "test"),
            Agency("Current Agency", ("XA",), (), 2000, None, "test"),
            Agency("Middle Agency", ("XA",), (), 1991, 1999, "test"),
        ]
    )
    assert registry.canonical_for("XA") == "Current Agency"
    assert [a.canonical for a in registry.candidates("XA")] == [
        "Current Agency",
        "Middle Agency",
        "Old Agency",
    ]
    assert registry.canonical_for("XA", year=1985) == "Old Agency"
    assert registry.canonical_for("XA", year=1995) == "Middle Agency"
    # A year when none was active: the nearest in time.
    assert registry.canonical_for("XA", year=1970) == "Old Agency"


def test_shared_acronym_appears_once_per_body_in_surface_forms():
    forms = REGISTRY.surface_forms()
    assert ("GLA", "Gangmasters Licensing Authority") in forms
    assert ("GLA", "Greater London Authority") in forms
    assert forms.count(("GLA", "Greater London Authority")) == 1
    assert ("Serious and Organised Crime Agency", SOCA) in forms
    assert ("SOCA", SOCA) in forms
    assert (SOCA, SOCA) in forms


def test_acronym_and_name_spellings_both_kept_in_surface_forms():
    forms = {
        form for form, canonical in REGISTRY.surface_forms() if canonical == "National Police Chiefs' Council"
    }
    assert {"National Police Chiefs' Council", "National Police Chiefs Council", "NPCC"} <= forms


@given(
    agency=st.sampled_from(list(REGISTRY)),
    case=st.sampled_from([str.lower, str.upper, str.title, str]),
    data=st.data(),
)
def test_every_name_in_any_case_leads_back_to_its_body(agency, case, data):
    name = data.draw(st.sampled_from(agency.names))
    assert agency in REGISTRY.candidates(case(name))


def test_every_acronym_leads_back_to_its_body():
    for agency in REGISTRY:
        for acronym in agency.acronyms:
            assert agency in REGISTRY.candidates(acronym)


# --- building and serialising ---------------------------------------------------


def test_add_merges_same_canonical_case_insensitively():
    registry = AgencyRegistry([Agency("Test Agency", ("TA",), ("Test Agency UK",), None, 2010, "test")])
    merged = registry.add(Agency("TEST AGENCY", ("TAG", "TA"), ("The Test Body",), 1999, 2012, "other"))
    assert len(registry) == 1
    assert merged == Agency(
        "Test Agency", ("TA", "TAG"), ("Test Agency UK", "The Test Body"), 1999, 2010, "test"
    )
    assert registry.canonical_for("TAG") == "Test Agency"
    assert registry.canonical_for("the test body") == "Test Agency"


@pytest.mark.parametrize(
    "fields",
    [
        {"canonical": ""},
        {"canonical": "X", "acronyms": ("",)},
        {"canonical": "X", "variants": (" ",)},
        {"canonical": "X", "start": 2010, "end": 2000},
        {"canonical": "X", "start": "2010"},
    ],
)
def test_invalid_agencies_are_rejected(fields):
    with pytest.raises(ValueError):
        Agency(**fields)


def test_from_json_rejects_a_bare_string_for_a_list(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"canonical": "X", "acronyms": "XYZ"}]), encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json"):
        AgencyRegistry.from_json(path)


def test_round_trip_to_json_and_from_json(tmp_path):
    path = tmp_path / "registry.json"
    REGISTRY.to_json(path)
    again = AgencyRegistry.from_json(path)
    assert list(again) == list(REGISTRY)
    assert again.surface_forms() == REGISTRY.surface_forms()


# --- the GOV.UK importer and coverage --------------------------------------------

HEADER = ["government-organisation", "abbreviation", "government-organisation-type", "name", "end-date"]


@pytest.fixture
def register(tmp_path) -> Path:
    return write_tsv(
        tmp_path / "register.tsv",
        [
            HEADER,
            [
                "D1",
                "SOCA",
                "Executive non-departmental public body",
                "Serious Organised Crime Agency",
                "2013-10-07",
            ],
            ["D2", "XYZA", "Executive agency", "Xylophone Regulation Agency", "2011-04"],
            ["D3", "Parole Board", "Executive non-departmental public body", "Parole Board", ""],
            ["D4", "TBBC", "Other", "The Borders Bureau of Cartography", "closed"],
            ["D5", "", "Court", "Court of Protection", ""],
            ["D6", "PAT", "Tribunal non-departmental public body", "Police Arbitration Tribunal", ""],
            ["D7", "HMCTS", "Executive agency", "HM Courts & Tribunals Service", ""],
            [
                "D8",
                "YJB",
                "Executive non-departmental public body",
                "Youth Justice Board for Wales and Mars",
                "",
            ],
        ],
    )


def test_import_adds_new_bodies_and_enriches_known_ones(register):
    base = AgencyRegistry([Agency("Youth Justice Board", ("YJB",), (), 1998, None, "test"), Agency(SOCA)])
    registry = import_govuk_tsv(register, base)
    assert len(base) == 2, "the registry passed in is not modified"
    new = registry.candidates("XYZA")[0]
    assert new == Agency("Xylophone Regulation Agency", ("XYZA",), (), None, 2011, GOVUK_KIND)
    assert registry.canonical_for("TBBC") == "Borders Bureau of Cartography", "a leading 'The' is dropped"
    assert registry.canonical_for("Parole Board") == "Parole Board"
    assert registry.canonical_for("HMCTS") == "HM Courts & Tribunals Service"
    soca = registry.candidates("SOCA")[0]
    assert (soca.canonical, soca.end) == (SOCA, 2013), "missing years are filled in"
    # Matched by acronym and a related name: the longer name becomes a variant.
    assert registry.canonical_for("Youth Justice Board for Wales and Mars") == "Youth Justice Board"


def test_import_skips_courts_and_tribunals_and_non_acronym_abbreviations(register):
    registry = import_govuk_tsv(register, AgencyRegistry())
    assert registry.canonical_for("Court of Protection") is None
    assert registry.canonical_for("Police Arbitration Tribunal") is None
    assert registry.candidates("Parole Board")[0].acronyms == ()
    assert len(registry) == 6


def test_import_defaults_to_the_bundled_registry(register):
    registry = import_govuk_tsv(register)
    # New: the Xylophone agency and the Borders Bureau; the rest enrich bundled bodies.
    assert len(registry) == len(REGISTRY) + 2
    assert registry.canonical_for("SOCA") == SOCA


def test_import_accepts_other_column_spellings(tmp_path):
    path = write_tsv(
        tmp_path / "dates.tsv", [["name", "type", "end date"], ["Quango Board", "Other", "2007-04"]]
    )
    registry = import_govuk_tsv(path, AgencyRegistry())
    assert list(registry) == [Agency("Quango Board", (), (), None, 2007, GOVUK_KIND)]


def test_missing_name_column_is_a_clear_error(tmp_path):
    path = write_tsv(
        tmp_path / "broken.tsv", [["abbreviation", "title"], ["SOCA", "Serious Organised Crime Agency"]]
    )
    with pytest.raises(ValueError, match=r"broken\.tsv.*missing column 'name'"):
        import_govuk_tsv(path, AgencyRegistry())
    with pytest.raises(ValueError, match="missing column 'name'"):
        coverage(REGISTRY, path)


def test_coverage_counts_recognised_names_and_abbreviations(register):
    figures = coverage(REGISTRY, register)
    assert figures["total"] == 8
    # SOCA, Parole Board, HMCTS by name; Youth Justice Board ... by its abbreviation only.
    assert figures["recognised"] == 4
    assert figures["ratio"] == pytest.approx(0.5)
    assert figures["by_abbreviation_only"] == ["Youth Justice Board for Wales and Mars"]
    assert figures["missed"] == [
        "Xylophone Regulation Agency",
        "The Borders Bureau of Cartography",
        "Court of Protection",
        "Police Arbitration Tribunal",
    ]
    assert figures["not_agencies"] == ["Court of Protection", "Police Arbitration Tribunal"]
    assert (figures["eligible_recognised"], figures["eligible_total"]) == (4, 6)


def test_coverage_can_be_restricted_by_name(register):
    figures = coverage(REGISTRY, register, name_filter=lambda name: "Border" in name)
    assert (figures["recognised"], figures["total"]) == (0, 1)


@pytest.mark.parametrize(
    ("name", "org_type", "expected"),
    [
        ("Court of Appeal Criminal Division", "Court", True),
        ("First-tier Tribunal (Tax)", "Tribunal non-departmental public body", True),
        ("Queen's Bench Division of the High Court", "Court", True),
        ("Victims' Advisory Panel", "Advisory non-departmental public body", True),
        ("Royal Commission on Criminal Justice", "Other", True),
        ("Gangmasters Licensing Appeals", "Tribunal non-departmental public body", True),
        ("HM Courts & Tribunals Service", "Executive agency", False),
        ("Valuation Tribunal Service", "Tribunal non-departmental public body", False),
        ("Council on Tribunals", "Tribunal non-departmental public body", False),
        ("Criminal Cases Review Commission", "Executive non-departmental public body", False),
    ],
)
def test_courts_tribunals_panels_and_inquiries_are_not_agencies(name, org_type, expected):
    assert is_not_agency(name, org_type) is expected
