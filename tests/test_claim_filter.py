"""The numeric-claim filter: candidates from the tagger, training, scores, the JSON model and its loading.

The documents are written for these tests (Hansard-like, none copied from gold data).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.language import Language

import extractor
from extractor.components.claim_filter import (
    MODEL_FILE,
    ClaimFilter,
    ClaimFilterModel,
    ClaimFilterModelError,
    add_claim_filter,
    candidate_features,
)
from extractor.labels import NUMERIC_CLAIM
from extractor.records import DocRecord, SpanRecord
from extractor.training.claim_filter import (
    evaluate_claim_filter,
    split_by_document,
    train_claim_filter,
    with_table_layouts,
)


def gold(doc_id: str, text: str, claims: list[str]) -> DocRecord:
    """A gold record whose NUMERIC_CLAIM spans are the first occurrence of each string."""
    spans = []
    for claim in claims:
        start = text.index(claim)
        spans.append(SpanRecord(start, start + len(claim), NUMERIC_CLAIM, claim, {"value": 0}))
    return DocRecord(doc_id, text, spans)


TRAINING = [
    gold(
        "t1",
        "To ask the Secretary of State for the Home Department how many arrests were made in each of the "
        "last three years. [100234]\n\nMr Smith: The agency made 412 arrests in 2007 and seized £1.5 million "
        "of assets. A further 37 people were charged on 4 March 2008.",
        ["412 arrests", "£1.5 million", "37 people"],
    ),
    gold(
        "t2",
        "Table 1\n\nYear\tSeizures\tArrests\n2005\t1,204\t88\n2006\t1,310\t97\n\n"
        "Figures for 2006 are provisional (column 12W).",
        ["1,204", "88", "1,310", "97"],
    ),
    gold(
        "t3",
        "Operation Kestrel 2 led to 19 convictions. Under section 4 of the Act, a person may be detained "
        "for up to 14 days. About 60 per cent of cases were closed in 2009.",
        ["19 convictions", "About 60 per cent"],
    ),
    gold(
        "t4",
        "The inspectorate visited 23 prisons between 2010 and 2012. Report 7 found that three prisons "
        "were overcrowded. [200455]",
        ["23 prisons", "three prisons"],
    ),
    gold(
        "t5",
        "Answer: 1,950 referrals were received in 2019, up 12 per cent on 2018. Volume 512, column 33.",
        ["1,950 referrals", "12 per cent"],
    ),
    gold(
        "t6",
        "Mr Jones: Since 1 April 2015, 245 victims have been identified and 52 suspects arrested. "
        "See paragraph 3.2 of the report published in 2016.",
        ["245 victims", "52 suspects"],
    ),
]

HELD_OUT = [
    gold(
        "h1",
        "In 2011 the force made 318 arrests and recovered £2.4 million. [300123]",
        ["318 arrests", "£2.4 million"],
    ),
    gold("h2", "Year\tCases\n2012\t640\n2013\t702\n\nSee column 91W.", ["640", "702"]),
]


@pytest.fixture(scope="module")
def model(nlp: Language) -> ClaimFilterModel:
    return train_claim_filter(TRAINING, seed=0, nlp=nlp)


@pytest.fixture(scope="module")
def filtered(model: ClaimFilterModel) -> Language:
    pipeline = extractor.load("default")
    add_claim_filter(pipeline, model)
    return pipeline


def scored(pipeline: Language, text: str) -> dict[str, float]:
    """Each candidate's text with its probability."""
    doc = pipeline(text)
    component = pipeline.get_pipe("claim_filter")
    return {doc.text[c.start:c.end]: p for c, p in component.score(doc)}


# --- the tagger's candidates ----------------------------------------------------------------


def test_candidates_carry_the_filter_that_rejected_them(nlp: Language) -> None:
    text = (
        "To ask the Secretary of State how many cases there were in each of the last five years. [123456]\n\n"
        "Answer: 412 arrests were made in 2007."
    )
    candidates = {text[c.start:c.end]: c for c in nlp.get_pipe("claim_tagger").candidates(nlp(text))}
    assert candidates["five years"].rejected_by == "question"
    assert candidates["five years"].in_question
    assert candidates["2007"].rejected_by == "year"
    claim = candidates["412 arrests"]
    assert claim.rejected_by is None and not claim.in_question
    assert claim.attrs == {"value": 412, "unit": None, "counted": "arrests"}
    assert text[claim.quantity_start:claim.quantity_end] == "412"


def test_find_keeps_exactly_the_candidates_no_filter_rejected(nlp: Language) -> None:
    tagger = nlp.get_pipe("claim_tagger")
    for record in TRAINING:
        doc = nlp(record.text)
        kept = [(c.start, c.end, c.attrs) for c in tagger.candidates(doc) if c.rejected_by is None]
        assert [(m.start, m.end, m.attrs) for m in tagger.find(doc)] == kept


# --- training and scoring -------------------------------------------------------------------


def test_probabilities_are_probabilities(filtered: Language) -> None:
    for record in HELD_OUT:
        probabilities = list(scored(filtered, record.text).values())
        assert probabilities
        assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_a_clear_claim_outranks_a_year_and_a_question_number(filtered: Language) -> None:
    scores = scored(filtered, "In 2011 the force made 318 arrests. [300123]")
    assert scores["318 arrests"] > 0.5
    assert scores["318 arrests"] > scores["2011"]
    assert scores["318 arrests"] > scores["300123"]


def test_component_keeps_spans_at_or_above_threshold_with_aligned_scores(filtered: Language) -> None:
    doc = filtered("In 2011 the force made 318 arrests and recovered £2.4 million. [300123]")
    group = doc.spans["claim"]
    scores = group.attrs["scores"]
    assert len(scores) == len(group) > 0
    assert all(score >= 0.5 for score in scores)
    assert all(span.label_ == NUMERIC_CLAIM and span._.attrs["value"] is not None for span in group)
    assert "318 arrests" in [span.text for span in group]
    assert "318 arrests" in [span.text for span in doc.spans["extractions"]]


def test_threshold_is_configurable(model: ClaimFilterModel) -> None:
    text = "In 2011 the force made 318 arrests. [300123]"
    everything, nothing = extractor.load("default"), extractor.load("default")
    add_claim_filter(everything, model, threshold=0.0)
    add_claim_filter(nothing, model, threshold=1.0)
    doc = everything(text)
    assert [span.text for span in doc.spans["claim"]] == ["2011", "318 arrests", "300123"]
    assert len(nothing(text).spans["claim"]) == 0
    with pytest.raises(ValueError, match="threshold"):
        add_claim_filter(extractor.load("default"), model, threshold=1.5)


def test_training_is_deterministic_and_records_its_provenance(nlp: Language, model: ClaimFilterModel) -> None:
    again = train_claim_filter(TRAINING, seed=0, nlp=nlp)
    assert again.to_dict() == model.to_dict()
    provenance = model.provenance
    assert len(provenance["training_data_sha256"]) == 64
    assert provenance["sklearn_version"]
    assert provenance["n_documents"] == len(TRAINING)


def test_training_needs_two_documents_and_both_classes(nlp: Language) -> None:
    with pytest.raises(ValueError, match="two documents"):
        train_claim_filter(TRAINING[:1], nlp=nlp)
    only_claims = [gold("c", "The agency made 412 arrests.", ["412 arrests"])] * 3
    with pytest.raises(ValueError, match="both claims and non-claims"):
        train_claim_filter(only_claims, nlp=nlp)


def test_table_layouts_keep_offsets_and_ids() -> None:
    variants = with_table_layouts(TRAINING)
    table = [record for record in variants if record.id == "t2"]
    assert len(table) == 3
    assert "\t" not in table[1].text and "\t" not in table[2].text
    for record in table:
        assert all(record.text[s.start:s.end] == s.text for s in record.spans)


def test_split_by_document_is_a_partition() -> None:
    train, held = split_by_document(TRAINING, held_out=0.34, seed=1)
    assert len(held) == 2
    assert sorted(r.id for r in train + held) == sorted(r.id for r in TRAINING)
    assert split_by_document(TRAINING, held_out=0.34, seed=1) == (train, held)


def test_evaluation_reports_filter_beside_rules(model: ClaimFilterModel) -> None:
    report = evaluate_claim_filter(model, HELD_OUT)
    candidates = report["candidates"]
    assert candidates["n_claims"] == 4
    for system in ("filter", "rules"):
        assert 0.0 <= candidates[system]["precision"] <= 1.0
        assert 0.0 <= candidates[system]["recall"] <= 1.0
        assert report["strict"][system]["n_gold"] == 4
    assert 0.0 <= candidates["brier"] <= 1.0


# --- the JSON model -------------------------------------------------------------------------


def test_json_round_trip_gives_identical_scores(model: ClaimFilterModel, filtered: Language, tmp_path: Path) -> None:
    model.save(tmp_path / "model.json")
    loaded = ClaimFilterModel.load(tmp_path / "model.json")
    assert loaded.to_dict() == model.to_dict()
    text = HELD_OUT[0].text
    doc = filtered(text)
    rows = candidate_features(doc, filtered.get_pipe("claim_tagger").candidates(doc))
    assert np.array_equal(loaded.probabilities(rows), model.probabilities(rows))

    filtered.to_disk(tmp_path / "pipeline")
    assert json.loads((tmp_path / "pipeline" / "claim_filter" / MODEL_FILE).read_text())["format"]
    reloaded = spacy.load(tmp_path / "pipeline")
    assert list(reloaded(text).spans["claim"].attrs["scores"]) == list(doc.spans["claim"].attrs["scores"])


class _Trap:
    """Unpickling this creates a directory: the sign that a pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_pickle_is_never_loaded(model: ClaimFilterModel, tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_Trap(marker))
    component = extractor.load("default").add_pipe("claim_filter", after="claim_tagger")
    assert isinstance(component, ClaimFilter)

    only_pickle = tmp_path / "only_pickle"
    only_pickle.mkdir()
    (only_pickle / "model.pkl").write_bytes(payload)
    with pytest.raises(FileNotFoundError, match=MODEL_FILE):
        component.from_disk(only_pickle)

    pickle_named_json = tmp_path / "pickle_named_json"
    pickle_named_json.mkdir()
    (pickle_named_json / MODEL_FILE).write_bytes(payload)
    with pytest.raises(ClaimFilterModelError, match=MODEL_FILE):
        component.from_disk(pickle_named_json)

    beside = tmp_path / "beside"
    beside.mkdir()
    model.save(beside / MODEL_FILE)
    (beside / "model.pkl").write_bytes(payload)
    (beside / "claim_filter.pkl").write_bytes(payload)
    assert component.from_disk(beside).model == model
    assert not marker.exists()


def test_a_malformed_model_is_refused_with_its_path_and_reason(model: ClaimFilterModel, tmp_path: Path) -> None:
    data = model.to_dict()
    data["coef"] = data["coef"][:-1]
    path = tmp_path / MODEL_FILE
    path.write_text(json.dumps(data))
    with pytest.raises(ClaimFilterModelError, match=r"claim_filter\.json: .*coefficients"):
        ClaimFilterModel.load(path)
    path.write_text(json.dumps({**model.to_dict(), "format": "something else"}))
    with pytest.raises(ClaimFilterModelError, match="format"):
        ClaimFilterModel.load(path)


def test_a_filter_without_a_model_says_so() -> None:
    pipeline = extractor.load("default")
    pipeline.add_pipe("claim_filter", after="claim_tagger")
    with pytest.raises(ValueError, match="no model"):
        pipeline("The agency made 412 arrests.")


def test_loading_and_scoring_need_no_scikit_learn(filtered: Language, tmp_path: Path) -> None:
    filtered.to_disk(tmp_path / "pipeline")
    text = HELD_OUT[0].text
    expected = list(filtered(text).spans["claim"].attrs["scores"])
    script = textwrap.dedent(
        f"""
        import json, sys

        class NoSklearn:
            def find_spec(self, name, path=None, target=None):
                if name == "sklearn" or name.startswith("sklearn."):
                    raise ImportError("scikit-learn is blocked in this test")

        sys.meta_path.insert(0, NoSklearn())
        import spacy
        import extractor.components.claim_filter  # registers the factory (an entry point once installed)

        nlp = spacy.load({str(tmp_path / "pipeline")!r})
        doc = nlp({text!r})
        loaded = sorted(m for m in sys.modules if m == "sklearn" or m.startswith("sklearn."))
        print(json.dumps({{"sklearn": loaded, "scores": [float(s) for s in doc.spans["claim"].attrs["scores"]]}}))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert output["sklearn"] == []
    assert output["scores"] == expected
