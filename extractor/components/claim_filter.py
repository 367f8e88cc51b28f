"""The trained companion of the claim tagger: which number mentions are claims, with a probability.

The rule tagger (`extractor.components.claims`) finds every quantity and says
which of its filters rejects it. The `claim_filter` component, placed after
it, weighs that verdict together with the number's context (question or
answer, neighbouring words, the number's shape, its place in a line or a
table row, reference words before it, names touching it, a counted noun) in a
logistic regression trained from annotations
(`extractor.training.claim_filter`), and keeps the candidates whose calibrated
probability reaches a threshold. The kept spans replace the claim span group;
their probabilities go to `doc.spans[key].attrs["scores"]`, aligned with the
spans, as spaCy's spancat does.

The model is one JSON file (feature names, coefficients, intercept, the
sigmoid calibration, threshold, provenance). Scoring it needs numpy only:
no scikit-learn and no pickle, so a saved pipeline never runs code it loads.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.claims import Candidate, ClaimTagger
from extractor.knowledge import load_data
from extractor.labels import NUMERIC_CLAIM
from extractor.spans import doc_text, make_span, register_extensions
from extractor.textlines import next_line, previous_line

MODEL_FILE = "claim_filter.json"
MODEL_FORMAT = "extractor.claim_filter"
MODEL_FORMAT_VERSION = 1
DEFAULT_THRESHOLD = 0.5
NAME_KEYS: tuple[str, ...] = ("operation", "legislation", "agency")

#: Context words: breaks (whitespace holding a newline or a tab, a pipe, two or more spaces: one
#: token however a table's cells were laid out), numbers, runs of letters, single punctuation marks.
_TOKEN = re.compile(r"[ \t]*[\n\t|][\s|]*| {2,}|\d+(?:[.,]\d+)*|[^\W\d_]+|[^\w\s]")
_CONTEXT_WORDS = 3
_CONTEXT_CHARS = 120
_YEAR_LIKE = re.compile(r"(?:1[89]|20)\d\d")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SCALE = re.compile(r"(?i:million|billion|trillion|thousand|\d\s?(?:bn|mn|m|k)\b)")
_PERCENT = re.compile(r"(?i:%|per\s?cent|percent|percentage\s+point)")
_CURRENCY = re.compile(r"(?i:[£€$]|\bpounds\b|\beuros\b|\bdollars\b)")
_RANGE = re.compile(r"(?i:^(?:between|from)\b|\d\s*[-–]\s*\d|\s[-–]\s|\bto\b)")
#: A table cell's content: one figure, or a dash or ".." for none.
_CELL = r"(?:\(?[£$€]?\d[\d,.]*\s?(?:%|m|bn|k)?\)?|[-–]|\.\.)"
_FIGURE_LINE = re.compile(rf"\s*{_CELL}\s*")
_FIGURES_AT_END = re.compile(rf"{_CELL}(?:[ \t|]+{_CELL})+[ \t|.]*$")


class ClaimFilterModelError(ValueError):
    """A model file that cannot be used, with the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class ClaimFilterModel:
    """A logistic regression over named binary features, with Platt (sigmoid) calibration.

    The probability of a claim is `1 / (1 + exp(a * f + b))`, where `f` is the
    regression's decision value `intercept + sum(coef[name] for each feature
    present)`: the same formula as scikit-learn's sigmoid calibration, so the
    numbers match the trained estimator's without it.
    """

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    calibration_a: float
    calibration_b: float
    threshold: float = DEFAULT_THRESHOLD
    provenance: Mapping[str, Any] = field(default_factory=dict)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _weights: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problem = _check(self)
        if problem:
            raise ValueError(problem)
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.features)})
        object.__setattr__(self, "_weights", np.asarray(self.coef, dtype=np.float64))

    def decision(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """The regression's decision value for each feature dict; unknown features weigh nothing."""
        row_ids, columns, values = [], [], []
        for row, features in enumerate(rows):
            for name, value in features.items():
                column = self._index.get(name)
                if column is not None:
                    row_ids.append(row)
                    columns.append(column)
                    values.append(value)
        scores = np.full(len(rows), self.intercept, dtype=np.float64)
        np.add.at(scores, np.asarray(row_ids, dtype=np.intp), self._weights[columns] * np.asarray(values))
        return scores

    def probabilities(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """The calibrated probability that each candidate is a claim."""
        logits = -(self.calibration_a * self.decision(rows) + self.calibration_b)
        return 0.5 * (1.0 + np.tanh(0.5 * logits))  # the logistic function, without overflow

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "model": "logistic regression, sigmoid-calibrated",
            "threshold": self.threshold,
            "intercept": self.intercept,
            "calibration": {"method": "sigmoid", "a": self.calibration_a, "b": self.calibration_b},
            "features": list(self.features),
            "coef": list(self.coef),
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Any, source: str | Path = "<model>") -> ClaimFilterModel:
        """The model in `data` (a parsed model file), or `ClaimFilterModelError` saying what is wrong."""
        if not isinstance(data, dict):
            raise ClaimFilterModelError(source, "a claim filter model must be a JSON object")
        if data.get("format") != MODEL_FORMAT:
            raise ClaimFilterModelError(source, f"'format' is {data.get('format')!r}, expected {MODEL_FORMAT!r}")
        if data.get("format_version") != MODEL_FORMAT_VERSION:
            raise ClaimFilterModelError(
                source, f"format_version {data.get('format_version')!r} is not {MODEL_FORMAT_VERSION}"
            )
        calibration = data.get("calibration")
        if not isinstance(calibration, dict) or calibration.get("method") != "sigmoid":
            raise ClaimFilterModelError(source, "'calibration' must be an object with method 'sigmoid', 'a' and 'b'")
        try:
            return cls(
                features=tuple(data["features"]),
                coef=tuple(float(value) for value in data["coef"]),
                intercept=float(data["intercept"]),
                calibration_a=float(calibration["a"]),
                calibration_b=float(calibration["b"]),
                threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
                provenance=dict(data.get("provenance") or {}),
            )
        except KeyError as err:
            raise ClaimFilterModelError(source, f"missing field {err.args[0]!r}") from err
        except (TypeError, ValueError) as err:
            raise ClaimFilterModelError(source, str(err)) from err

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ClaimFilterModel:
        """Read a model file. Only JSON is parsed: a pickle or anything else is refused, never run."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise ClaimFilterModelError(path, f"not a UTF-8 JSON file ({err.reason} at byte {err.start})") from err
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ClaimFilterModelError(path, f"not valid JSON ({err.msg}, line {err.lineno})") from err
        return cls.from_dict(data, source=path)


def _check(model: ClaimFilterModel) -> str | None:
    """What makes the parameters unusable, or None."""
    if len(model.features) != len(model.coef):
        return f"{len(model.features)} feature names but {len(model.coef)} coefficients"
    if not all(isinstance(name, str) for name in model.features):
        return "feature names must be strings"
    if len(set(model.features)) != len(model.features):
        return "feature names repeat"
    numbers = (*model.coef, model.intercept, model.calibration_a, model.calibration_b)
    if not all(math.isfinite(value) for value in numbers):
        return "coefficients, intercept and calibration must be finite numbers"
    if not 0.0 <= model.threshold <= 1.0:
        return f"threshold {model.threshold} is not between 0 and 1"
    return None


# --- features -------------------------------------------------------------------------------


def candidate_features(doc: Doc, candidates: Sequence[Candidate], name_keys: Iterable[str] = NAME_KEYS) -> list[
    dict[str, float]
]:
    """One dict of binary features for each candidate (the same at training and at prediction)."""
    names = [(key, span.start_char, span.end_char) for key in name_keys if key in doc.spans for span in doc.spans[key]]
    text = doc_text(doc)
    return [_features(text, candidate, names) for candidate in candidates]


def _features(text: str, candidate: Candidate, names: list[tuple[str, int, int]]) -> dict[str, float]:
    features: dict[str, float] = {"in_question" if candidate.in_question else "in_answer": 1.0}
    features[f"rule={candidate.rejected_by or 'none'}"] = 1.0
    before = _tokens_before(text, candidate.start)
    after = _tokens_after(text, candidate.quantity_end)
    for i, word in enumerate(before, start=1):
        features[f"w-{i}={word}"] = 1.0
    for i, word in enumerate(after, start=1):
        features[f"w+{i}={word}"] = 1.0
    features.update(_shape(text, candidate))
    features.update(_line_position(text, candidate.start, candidate.end))
    if _reference_before(text, candidate.start):
        features["reference_word_before"] = 1.0
    for key, start, end in names:
        if start < candidate.end and candidate.start < end:
            features[f"name_overlap={key}"] = 1.0
        elif 0 <= candidate.start - end <= 1 and not text[end:candidate.start].strip():
            features[f"name_before={key}"] = 1.0
        elif 0 <= start - candidate.end <= 1 and not text[candidate.end:start].strip():
            features[f"name_after={key}"] = 1.0
    attrs = candidate.attrs or {}
    features["counted" if attrs.get("counted") else "no_counted"] = 1.0
    return features


def _word(token: str) -> str:
    """A context token as a feature: lower case, numbers by shape, any break as <br>."""
    if not token.strip() or "|" in token:
        return "<br>"
    if token[0].isdigit():
        return "<year>" if _YEAR_LIKE.fullmatch(token) else "<num>"
    return token.lower()


def _tokens_before(text: str, start: int) -> list[str]:
    """The three tokens before `start`, nearest first, padded with <bos> at the start of the text."""
    window = max(0, start - _CONTEXT_CHARS)
    tokens = [_word(t) for t in _TOKEN.findall(text, window, start)][::-1][:_CONTEXT_WORDS]
    if window == 0:
        tokens += ["<bos>"] * (_CONTEXT_WORDS - len(tokens))
    return tokens


def _tokens_after(text: str, end: int) -> list[str]:
    """The three tokens after `end`, padded with <eos> at the end of the text."""
    window = min(len(text), end + _CONTEXT_CHARS)
    tokens = [_word(t) for t in _TOKEN.findall(text, end, window)][:_CONTEXT_WORDS]
    if window == len(text):
        tokens += ["<eos>"] * (_CONTEXT_WORDS - len(tokens))
    return tokens


def _shape(text: str, candidate: Candidate) -> dict[str, float]:
    """How the number is written: digits or words, separators, year-like, unit, scale, range, approximator."""
    quantity = text[candidate.quantity_start:candidate.quantity_end]
    digits = _NUMBER.findall(quantity)
    shape: dict[str, float] = {}
    if "fold" in quantity.lower():
        shape["shape=fold"] = 1.0
    elif digits:
        shape["shape=digits"] = 1.0
        first = digits[0]
        shape[f"digits={min(len(first.replace(',', '').split('.')[0]), 5)}"] = 1.0
        if "," in first:
            shape["comma"] = 1.0
        if "." in first:
            shape["decimal"] = 1.0
        if _YEAR_LIKE.fullmatch(first):
            shape["year_like"] = 1.0
    elif any(ch.isalpha() for ch in quantity):
        shape["shape=words"] = 1.0
    else:
        shape["shape=fraction"] = 1.0
    for name, pattern in (("currency", _CURRENCY), ("percent", _PERCENT), ("scale", _SCALE), ("range", _RANGE)):
        if pattern.search(quantity):
            shape[name] = 1.0
    if candidate.start < candidate.quantity_start:
        shape["approximator"] = 1.0
        shape[f"approximator={' '.join(text[candidate.start:candidate.quantity_start].lower().split())}"] = 1.0
    return shape


def _line_position(text: str, start: int, end: int) -> dict[str, float]:
    """Where the mention sits: alone on its line, first or last in it, in a table row, in a column of figures.

    Tables reach the text flattened in different ways (cells split by tabs or
    pipes, by spaces, or one cell a line), so each layout has its feature and
    the first cell of a row (its label or year) is told from the figures.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    position: dict[str, float] = {}
    at_start = not re.sub(r"[\s|]", "", text[line_start:start])
    at_end = not re.sub(r"[\s|.]", "", text[end:line_end])
    if at_start and at_end:
        position["alone_on_line"] = 1.0
    elif at_start:
        position["line_start"] = 1.0
    elif at_end:
        position["line_end"] = 1.0
    if _is_table_row(text[line_start:line_end]):
        position["table_row"] = 1.0
        position["table_row_label" if at_start else "table_figure"] = 1.0
    previous = previous_line(text, line_start)
    following = next_line(text, line_end)
    if any(_is_table_row(line) for line in (previous, following)):
        position["next_to_table_row"] = 1.0
    if at_start and at_end and any(_FIGURE_LINE.fullmatch(line) for line in (previous, following)):
        position["figure_column"] = 1.0
    return position


def _is_table_row(line: str) -> bool:
    """Cells split by tabs or pipes, or a line that ends in two or more figures."""
    return "\t" in line.strip() or line.count("|") >= 2 or bool(_FIGURES_AT_END.search(line))


@cache
def _reference_words() -> tuple[frozenset[str], frozenset[str]]:
    """The claim tagger's reference words: matched in any case, and matched capitalised only."""
    data = load_data("claims.json")
    return frozenset(data["reference_words"]), frozenset(data["reference_words_capitalised"])


def _reference_before(text: str, start: int) -> bool:
    """A reference word ("section", "column", "No") among the two words before the number, in its line."""
    lower, capitalised = _reference_words()
    line_start = text.rfind("\n", 0, start) + 1
    words = re.findall(r"[^\W\d_]+", text[max(line_start, start - 40):start])[-2:]
    return any(word.lower() in lower or word in capitalised for word in words)


# --- the component --------------------------------------------------------------------------


class ClaimFilter:
    """Re-decides the claim tagger's candidates with a trained model; keeps those at or above the threshold."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        spans_key: str,
        tagger: str,
        name_keys: list[str],
        threshold: float | None,
    ) -> None:
        register_extensions()
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise ValueError(f"{name}: threshold {threshold} is not between 0 and 1")
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.tagger = tagger
        self.name_keys = list(name_keys)
        self.configured_threshold = threshold
        self.model: ClaimFilterModel | None = None

    @property
    def threshold(self) -> float:
        """The configured threshold, or else the model's own."""
        if self.configured_threshold is not None:
            return self.configured_threshold
        return self.model.threshold if self.model is not None else DEFAULT_THRESHOLD

    def set_model(self, model: ClaimFilterModel) -> None:
        self.model = model

    def _claim_tagger(self) -> ClaimTagger:
        if self.tagger not in self.nlp.pipe_names:
            raise ValueError(f"{self.name}: the pipeline has no {self.tagger!r} component to take candidates from")
        tagger = self.nlp.get_pipe(self.tagger)
        if not isinstance(tagger, ClaimTagger):
            raise ValueError(f"{self.name}: {self.tagger!r} is a {type(tagger).__name__}, not a claim tagger")
        return tagger

    def score(self, doc: Doc) -> list[tuple[Candidate, float]]:
        """Every candidate of the claim tagger with its probability of being a claim."""
        if self.model is None:
            raise ValueError(
                f"{self.name}: no model; load one with from_disk(DIR) (DIR holding {MODEL_FILE}) or set_model()"
            )
        candidates = self._claim_tagger().candidates(doc)
        if not candidates:
            return []
        probabilities = self.model.probabilities(candidate_features(doc, candidates, self.name_keys))
        return list(zip(candidates, probabilities.tolist(), strict=True))

    def __call__(self, doc: Doc) -> Doc:
        spans, scores = [], []
        threshold = self.threshold
        for candidate, probability in self.score(doc):
            if probability < threshold or candidate.attrs is None:
                continue
            span = make_span(doc, candidate.start, candidate.end, NUMERIC_CLAIM, candidate.attrs)
            if span is not None:
                spans.append(span)
                scores.append(probability)
        doc.spans[self.spans_key] = spans
        doc.spans[self.spans_key].attrs["scores"] = np.asarray(scores, dtype=np.float64)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        if self.model is None:
            raise ValueError(f"{self.name}: no model to save")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save(path / MODEL_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ClaimFilter:
        """Load `path/claim_filter.json`; no other file in the directory is opened."""
        model_path = Path(path) / MODEL_FILE
        if not model_path.is_file():
            raise FileNotFoundError(f"{model_path}: no claim filter model (a JSON file; nothing else is read)")
        self.model = ClaimFilterModel.load(model_path)
        return self


@Language.factory(
    "claim_filter",
    default_config={"spans_key": "claim", "tagger": "claim_tagger", "name_keys": list(NAME_KEYS), "threshold": None},
)
def make_claim_filter(
    nlp: Language, name: str, spans_key: str, tagger: str, name_keys: list[str], threshold: float | None
) -> ClaimFilter:
    return ClaimFilter(nlp, name, spans_key, tagger, name_keys, threshold)


def add_claim_filter(nlp: Language, model: ClaimFilterModel, threshold: float | None = None) -> ClaimFilter:
    """Put a claim filter with `model` right after the claim tagger of `nlp` (e.g. the default pipeline)."""
    component = nlp.add_pipe("claim_filter", after="claim_tagger", config={"threshold": threshold})
    component.set_model(model)
    return component
