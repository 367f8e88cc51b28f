"""The hard cases of the annotation guidelines and the seed page, in the team's own words.

Each test is one rule of the guidelines; texts are written for the tests, none is
copied from the gold data.
"""

from __future__ import annotations

import pytest
from conftest import spans_of

from extractor.labels import AGENCY, LEGAL_DEFINITION, LEGISLATION, NUMERIC_CLAIM, OPERATION


def test_figure_glued_to_an_operation_name_is_a_claim_not_part_of_the_name(extract):
    found = extract("Of the 412 arrests as a result of Operation Nightjar 187 were for drug offences.")
    assert spans_of(found, OPERATION) == ["Operation Nightjar"]
    assert spans_of(found, NUMERIC_CLAIM) == ["412 arrests", "187"]


def test_acronyms_with_no_long_form_nearby_are_linked_through_the_registry(extract):
    found = extract("SOCA works with the UKHTC and CEOP on intelligence.")
    canonical = {text: attrs.get("canonical") for label, text, attrs in found if label == AGENCY}
    assert canonical["SOCA"] == "Serious Organised Crime Agency"
    assert canonical["UKHTC"] == "United Kingdom Human Trafficking Centre"
    assert "Child Exploitation and Online Protection" in canonical["CEOP"]


def test_acronym_defined_in_the_document_is_learned(extract):
    found = extract("The Joint Harbour Enforcement Centre (JHEC) was set up in 2004. JHEC reports monthly.")
    agencies = [(text, attrs["canonical"]) for label, text, attrs in found if label == AGENCY]
    assert agencies == [
        ("Joint Harbour Enforcement Centre", "Joint Harbour Enforcement Centre"),
        ("JHEC", "Joint Harbour Enforcement Centre"),
        ("JHEC", "Joint Harbour Enforcement Centre"),
    ]


def test_table_whose_figures_were_lost_keeps_operations_and_drops_footnote_markers(extract):
    text = (
        "The police collected data during Operation Nightjar 1 and 2, shown in the table.\n\n"
        "Victims recovered\n\nNightjar 1\n\n\nNightjar 2\n\n\n"
        "1 Victims of sexual exploitation.\n\n2 Victims of forced labour."
    )
    found = extract(text)
    assert spans_of(found, OPERATION) == ["Operation Nightjar 1 and 2", "Nightjar 1", "Nightjar 2"]
    assert spans_of(found, NUMERIC_CLAIM) == []
    names = [attrs["names"] for label, _, attrs in found if label == OPERATION][0]
    assert names == ["Operation Nightjar 1", "Operation Nightjar 2"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("To ask the Secretary of State for the Home Department what steps", ["Home Department"]),
        ("To ask the Secretary of State for Justice how many prisoners", []),
        ("The Home Secretary and the Director of Public Prosecutions met.", []),
        ("It was run by Her Majesty's Customs and Excise until 2005.", ["Her Majesty's Customs and Excise"]),
        ("Her Majesty's Government has no plans to change this.", []),
        ("Details are on the Home Office website.", ["Home Office"]),
        ("This is set out in the SOCA Annual Plan.", []),
        ("Each force has a Joint Intelligence Cell for this work.", []),
        ("The case went to the Crown Court.", []),
    ],
)
def test_agency_boundaries(extract, text, expected):
    assert spans_of(extract(text), AGENCY) == expected


def test_body_inside_a_counted_phrase_leaves_the_number_alone(extract):
    found = extract("Last year 22 MPS officers were seconded.")
    assert spans_of(found, NUMERIC_CLAIM) == ["22"]
    assert spans_of(found, AGENCY) == ["MPS"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Charges under section 4 of the Sexual Offences Act 2003 rose.", ["Sexual Offences Act 2003"]),
        ("The Act does not say so, and the protocol is silent.", []),
        (
            "the Protocol to the 2000 UN Convention against Transnational Organised Crime applies",
            ["Protocol to the 2000 UN Convention against Transnational Organised Crime"],
        ),
        ("We have opted in to the EU framework decision on trafficking.", ["EU framework decision on trafficking"]),
        ("Under the Terrorism Act 2000, 41 people were held.", ["Terrorism Act 2000"]),
    ],
)
def test_legislation_names(extract, text, expected):
    assert spans_of(extract(text), LEGISLATION) == expected


def test_nothing_inside_a_legislation_name_is_tagged(extract):
    found = extract("the Protocol to the 2000 UN Convention against Transnational Organised Crime applies")
    assert spans_of(found, AGENCY) == []
    assert spans_of(found, NUMERIC_CLAIM) == []


def test_quoted_definition_runs_from_term_to_end_without_full_stop(extract):
    text = (
        "The treaty states that:\n\n“Smuggling of migrants” shall mean the procurement of the illegal "
        "entry of a person into a State for a financial benefit. Other text follows."
    )
    found = extract(text)
    definitions = [(t, a["term"]) for label, t, a in found if label == LEGAL_DEFINITION]
    assert definitions == [
        (
            "“Smuggling of migrants” shall mean the procurement of the illegal entry of a person into a State "
            "for a financial benefit",
            "Smuggling of migrants",
        )
    ]


def test_interpretation_list_gives_one_definition_per_term(extract):
    text = (
        "(1) In this Part—\n“cash” has the meaning given by section 12;\n"
        "“relevant officer” means a constable or an officer of Revenue and Customs;\n"
        "“premises” includes any vehicle or vessel.\n(2) Other provision."
    )
    found = extract(text)
    terms = [a["term"] for label, _, a in found if label == LEGAL_DEFINITION]
    texts = spans_of(found, LEGAL_DEFINITION)
    assert terms == ["cash", "relevant officer", "premises"]
    assert texts[1] == "“relevant officer” means a constable or an officer of Revenue and Customs"
    assert texts[2] == "“premises” includes any vehicle or vessel"


def test_person_is_x_if_starts_after_the_determiner(extract):
    found = extract("For the purposes of this Part a person is exploited only if one of the following applies.")
    definitions = [(t, a["term"]) for label, t, a in found if label == LEGAL_DEFINITION]
    assert definitions[0][0].startswith("person is exploited only if")
    assert definitions[0][1] == "exploited"


def test_a_mere_reference_to_a_definition_is_not_tagged(extract):
    found = extract("The UK uses the definition of trafficking set out in the Protocol.")
    assert spans_of(found, LEGAL_DEFINITION) == []


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("Assets worth £2.3 million were frozen.", "£2.3 million", 2300000, "GBP"),
        ("The cost was £14.6million last year.", "£14.6million", 14600000, "GBP"),
        ("Convictions rose by 15 per cent. in that year.", "15 per cent", 15, "percent"),
        ("Police identified more than 4,000 women as victims.", "more than 4,000 women", 4000, None),
        ("Officers found three victims at the address.", "three victims", 3, None),
        ("Estimates put the figure between 800-1,100 each year.", "between 800-1,100", 800, None),
        ("Seizures were in excess of £250,000 in total.", "in excess of £250,000", 250000, "GBP"),
        ("The loss exceeds £17 million.", "£17 million", 17000000, "GBP"),
        ("They made 11 confiscation order cases last year.", "11 confiscation order cases", 11, None),
        ("Referrals grew tenfold after the launch.", "tenfold", 10, None),
    ],
)
def test_claim_boundaries_and_values(extract, text, surface, value, unit):
    claims = [(t, a) for label, t, a in extract(text) if label == NUMERIC_CLAIM]
    assert [t for t, _ in claims] == [surface]
    assert claims[0][1]["value"] == value
    assert claims[0][1]["unit"] == unit


@pytest.mark.parametrize(
    "text",
    [
        "To ask the Secretary of State how many arrests were made in each of the last five years. (241516)",
        "with reference to the answer of 9 June 2008, Official Report, column 75W, on trafficking",
        "Figures for 2006-07 are not yet available.",
        "Volume 485: debated on Wednesday 17 December 2008",
        "A suspect may be detained for up to 14 days.",
        "It is an offence to employ a person under the age of 18.",
        "This happened over an eight-year period.",
        "Powers in section 4 and section 5 apply.",
        "Dozens of victims and several millions of pounds were involved.",
    ],
)
def test_non_claims_are_not_tagged(extract, text):
    assert spans_of(extract(text), NUMERIC_CLAIM) == []


def test_spans_of_different_labels_never_overlap_except_inside_definitions(nlp):
    text = (
        "“Serious crime” means an offence under the Serious Crime Act 2007 investigated by SOCA, "
        "of which there were 528 cases.\nOperation Nightjar 2 led to 15 arrests."
    )
    doc = nlp(text)
    spans = list(doc.spans["extractions"])
    for first in spans:
        for second in spans:
            if first is second or first.label_ == LEGAL_DEFINITION or second.label_ == LEGAL_DEFINITION:
                continue
            assert first.end_char <= second.start_char or second.end_char <= first.start_char
    assert all(a.end_char <= b.start_char for a, b in zip(doc.ents, doc.ents[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Council Regulation (EC) No 1798/2003 on administrative co-operation in the field of value added tax "
            "applies.",
            ["Council Regulation (EC) No 1798/2003 on administrative co-operation in the field of value added tax"],
        ),
        ("the Europol Regulation and Directive 2011/36/EU apply.", ["Europol Regulation", "Directive 2011/36/EU"]),
        ("The Regulation of Investigatory Powers Act 2000 applies; regulation 5 does not.",
         ["Regulation of Investigatory Powers Act 2000"]),
    ],
)
def test_numbered_eu_instruments_take_their_number_and_subject(extract, text, expected):
    assert spans_of(extract(text), LEGISLATION) == expected


def test_tribunals_and_the_eu_are_not_agencies(extract):
    found = extract("The Special Immigration Appeals Commission sat while the EU negotiated with Europol.")
    assert spans_of(found, AGENCY) == ["Europol"]
