"""The agency registry: the public bodies the AGENCY tagger knows by name.

Hansard names bodies by full name, by variant ("Serious and Organised Crime
Agency") and by bare acronym ("SOCA", "UKHTC") often with no long form nearby,
so linking a mention to its canonical name needs knowledge of UK and
international bodies. That knowledge is data, in `data/agencies.json`, not
literals in the tagger; this module loads it, looks names up, and can enrich it
from a GOV.UK-style register of organisations.

Lookup rules, chosen to suit how bodies are written:

- names and variants match case-insensitively, after normalising whitespace,
  dashes, accents, "&"/"and", a leading "the", "Her/His Majesty's" or "H.M." to
  "HM" and "United Kingdom" to "UK", and dropping apostrophes (straight or
  curly, "Magistrates' Courts" or "Magistrates Courts"), because Hansard writes
  one name in all these ways;
- acronyms match case-sensitively, because many are also words or parts of
  words ("soca", "Met", "ISA") and only the capitalised form is the body;
- one surface form may name several bodies (GLA: Gangmasters Licensing
  Authority and Greater London Authority); the body active in the document's
  year is preferred, else the most recent one.
"""

from __future__ import annotations

import csv
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

#: Kind given to bodies that `import_govuk_tsv` adds from a register.
GOVUK_KIND = "government organisation"

_APOSTROPHES = re.compile(r"[\u2018\u2019\u201b\u02bc`\u00b4]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_AMPERSAND = re.compile(r"\s*&\s*")
_LEADING_THE = re.compile(r"^the\s+")
_LEADING_THE_CASED = re.compile(r"^[Tt]he\s+")
_MAJESTY = re.compile(r"\b(?:her|his) majesty'?s\s+|\bh\.\s?m\.\s*")
_UNITED_KINGDOM = re.compile(r"\bunited kingdom\b")
#: An abbreviation is used as an acronym only if every word of it has two
#: capitals or digits: "NaCTSO", "DfE", "DIT DSO" are; "Parole Board",
#: "Statistics" and "Acas" (registers put such names in the column) are not.
_ACRONYM_WORD = re.compile(r"^(?:[^A-Z0-9]*[A-Z0-9]){2}")
_YEAR = re.compile(r"^\s*(\d{4})\b")
#: Words after which a body's name goes on with its remit ("Court of Appeal").
_REMIT = re.compile(r"\s+(?:of|for|on|in|against)\s+|\s*\(")
#: Heads of names that the guidelines leave untagged: courts, tribunals,
#: panels, inquiries and reviews.
_NOT_AGENCY_HEADS = frozenset(
    "court courts tribunal tribunals division chamber panel inquiry enquiry review".split()
)
#: Heads that make a name an administrative body even where a register files
#: it under tribunals ("Valuation Tribunal Service", "Council on Tribunals").
_BODY_HEADS = frozenset("service council committee office board commission authority agency".split())

_NAME_COLUMN = "name"
_ABBREVIATION_COLUMNS = ("abbreviation",)
_TYPE_COLUMNS = ("government-organisation-type", "type")
_START_COLUMNS = ("start-date", "start date")
_END_COLUMNS = ("end-date", "end date")


def normalise_name(text: str) -> str:
    """The key under which a name or variant is looked up (see the module docstring)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("'", text)
    text = _DASHES.sub("-", text)
    text = _AMPERSAND.sub(" and ", text)
    text = _SPACES.sub(" ", text).strip().casefold()
    text = _LEADING_THE.sub("", text)
    text = _MAJESTY.sub("hm ", text).replace("'", "")
    return _UNITED_KINGDOM.sub("uk", text)


def normalise_acronym(text: str) -> str:
    """The key under which an acronym is looked up: case kept, whitespace collapsed."""
    return _SPACES.sub(" ", text).strip()


def _is_acronym(abbreviation: str) -> bool:
    words = abbreviation.split()
    return bool(words) and all(_ACRONYM_WORD.match(word) for word in words)


def _head(name: str) -> str:
    """The last word of a name before its remit: "Court" in "Court of Protection"."""
    words = _REMIT.split(name, maxsplit=1)[0].split()
    return words[-1].casefold() if words else ""


def is_not_agency(name: str, org_type: str = "") -> bool:
    """Whether a register entry is a court, tribunal, panel or inquiry, which the guidelines do not tag."""
    head = _head(name)
    if head in _NOT_AGENCY_HEADS or name.casefold().startswith("royal commission"):
        return True
    if org_type == "Court":
        return True
    return org_type.startswith("Tribunal") and head not in _BODY_HEADS


@dataclass(frozen=True)
class Agency:
    """One public body: its canonical name, other names, years active and a short category.

    `start`/`end` are the first and last years the body existed under this
    identity; None means unknown, or for `end` also that the body still exists.
    """

    canonical: str
    acronyms: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.canonical.strip():
            raise ValueError("an agency needs a canonical name")
        for field, forms in (("acronyms", self.acronyms), ("variants", self.variants)):
            if not isinstance(forms, tuple) or not all(isinstance(f, str) and f.strip() for f in forms):
                raise ValueError(f"{self.canonical}: {field} must be non-empty strings, got {forms!r}")
        for year in (self.start, self.end):
            if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
                raise ValueError(f"{self.canonical}: years must be integers or None, got {year!r}")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"{self.canonical}: start {self.start} is after end {self.end}")

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name and the variants: the forms matched case-insensitively."""
        return (self.canonical, *self.variants)

    def years_from(self, year: int) -> int:
        """How many years `year` lies outside the body's active years (0 when it was active)."""
        if self.start is not None and year < self.start:
            return self.start - year
        if self.end is not None and year > self.end:
            return year - self.end
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "canonical": self.canonical,
            "acronyms": list(self.acronyms),
            "variants": list(self.variants),
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Agency:
        """An agency from its JSON entry; lists must be lists (a bare string would split into letters)."""
        for field in ("acronyms", "variants"):
            if not isinstance(data.get(field, []), list):
                raise ValueError(f"{data.get('canonical')!r}: {field} must be a list")
        return cls(
            canonical=data["canonical"],
            acronyms=tuple(data.get("acronyms", [])),
            variants=tuple(data.get("variants", [])),
            start=data.get("start"),
            end=data.get("end"),
            kind=data.get("kind", ""),
        )


def _recency(agency: Agency) -> tuple[float, float]:
    """Sort key for "most recent": still existing first, then latest end, then latest start."""
    end = math.inf if agency.end is None else agency.end
    start = -math.inf if agency.start is None else agency.start
    return end, start


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """`items` in order without repeats.

    Forms that differ only in ways lookup normalises ("Chiefs'" and "Chiefs")
    are all kept: a matcher that works on the raw text needs each of them.
    """
    return tuple(dict.fromkeys(items))


#: How many (surface, year) answers `AgencyRegistry.canonical_for` remembers before starting afresh.
_CANONICAL_CACHE_SIZE = 100_000


class AgencyRegistry:
    """The bodies, indexed by normalised name and by acronym."""

    def __init__(self, agencies: Iterable[Agency] = ()) -> None:
        self._agencies: list[Agency] = []
        self._by_canonical: dict[str, int] = {}
        self._by_name: dict[str, list[int]] = {}
        self._by_acronym: dict[str, list[int]] = {}
        # A corpus names the same few bodies again and again, and normalising a name is the costly
        # part of a lookup, so answers are remembered (bounded; forgotten when a body is added).
        self._canonical_cache: dict[tuple[str, int | None], str | None] = {}
        for agency in agencies:
            self.add(agency)

    @classmethod
    def from_json(cls, path: str | Path) -> AgencyRegistry:
        """A registry from a JSON list of entries as written by `to_json`."""
        return cls._from_text(Path(path).read_text(encoding="utf-8"), str(path))

    @classmethod
    def default(cls) -> AgencyRegistry:
        """The bundled registry, read as package data so that it works from an installed wheel."""
        data = resources.files("extractor") / "data" / "agencies.json"
        return cls._from_text(data.read_text(encoding="utf-8"), "extractor/data/agencies.json")

    @classmethod
    def _from_text(cls, text: str, source: str) -> AgencyRegistry:
        entries = json.loads(text)
        if not isinstance(entries, list):
            raise ValueError(f"{source}: expected a JSON list of agencies")
        registry = cls()
        for number, entry in enumerate(entries):
            try:
                registry.add(Agency.from_dict(entry))
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(f"{source}: entry {number}: {error!r}") from error
        return registry

    def to_json(self, path: str | Path) -> None:
        """Write one entry a line, so that a change to one body is a one-line diff."""
        lines = (json.dumps(agency.to_dict(), ensure_ascii=False) for agency in self._agencies)
        Path(path).write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")

    def __len__(self) -> int:
        return len(self._agencies)

    def __iter__(self) -> Iterator[Agency]:
        return iter(self._agencies)

    def add(self, agency: Agency) -> Agency:
        """Add a body, or merge it into the one with the same canonical name; returns the stored body.

        Merging keeps the stored canonical name, kind and known years, adds the
        new acronyms and variants, and fills years the stored body lacks: an
        import can enrich curated entries without overriding them.
        """
        self._canonical_cache.clear()
        key = normalise_name(agency.canonical)
        position = self._by_canonical.get(key)
        if position is None:
            position = len(self._agencies)
            self._by_canonical[key] = position
            stored = Agency(
                canonical=agency.canonical,
                acronyms=_unique(agency.acronyms),
                variants=_unique(v for v in agency.variants if v != agency.canonical),
                start=agency.start,
                end=agency.end,
                kind=agency.kind,
            )
            self._agencies.append(stored)
        else:
            old = self._agencies[position]
            stored = Agency(
                canonical=old.canonical,
                acronyms=_unique((*old.acronyms, *agency.acronyms)),
                variants=_unique(v for v in (*old.variants, *agency.variants) if v != old.canonical),
                start=old.start if old.start is not None else agency.start,
                end=old.end if old.end is not None else agency.end,
                kind=old.kind or agency.kind,
            )
            self._agencies[position] = stored
        self._index(position, stored)
        return stored

    def _index(self, position: int, agency: Agency) -> None:
        for name in agency.names:
            positions = self._by_name.setdefault(normalise_name(name), [])
            if position not in positions:
                positions.append(position)
        for acronym in agency.acronyms:
            positions = self._by_acronym.setdefault(normalise_acronym(acronym), [])
            if position not in positions:
                positions.append(position)

    def surface_forms(self) -> list[tuple[str, str]]:
        """Every (form, canonical) pair of names, variants and acronyms; a shared form comes once per body."""
        forms = []
        for agency in self._agencies:
            for form in _unique((*agency.names, *agency.acronyms)):
                forms.append((form, agency.canonical))
        return forms

    def candidates(self, surface: str) -> list[Agency]:
        """The bodies a surface form may name, the most recent first."""
        positions = self._by_name.get(normalise_name(surface), []) + self._by_acronym.get(
            normalise_acronym(surface), []
        )
        found = [self._agencies[position] for position in dict.fromkeys(positions)]
        return sorted(found, key=_recency, reverse=True)

    def canonical_for(self, surface: str, year: int | None = None) -> str | None:
        """The canonical name a surface form stands for, or None if it names no known body.

        Of several bodies, the one active in `year` (else the nearest in time)
        is chosen when a year is given, else the most recent.
        """
        key = (surface, year)
        if key not in self._canonical_cache:
            if len(self._canonical_cache) >= _CANONICAL_CACHE_SIZE:
                self._canonical_cache.clear()
            self._canonical_cache[key] = self._canonical_for(surface, year)
        return self._canonical_cache[key]

    def _canonical_for(self, surface: str, year: int | None) -> str | None:
        found = self.candidates(surface)
        if not found:
            return None
        if year is None:
            return found[0].canonical
        return min(found, key=lambda agency: agency.years_from(year)).canonical


def _column(fieldnames: list[str], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in fieldnames), None)


def _read_register(path: str | Path) -> Iterator[dict[str, str]]:
    """Rows of a GOV.UK-style register TSV as dicts with keys name, abbreviation, type, start, end.

    Only `name` is required; registers differ in which of the other columns
    they have and in how they spell them ("end-date", "end date").
    """
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        fieldnames = list(reader.fieldnames or [])
        if _NAME_COLUMN not in fieldnames:
            raise ValueError(f"{path}: missing column {_NAME_COLUMN!r} (columns: {fieldnames})")
        columns = {
            "abbreviation": _column(fieldnames, _ABBREVIATION_COLUMNS),
            "type": _column(fieldnames, _TYPE_COLUMNS),
            "start": _column(fieldnames, _START_COLUMNS),
            "end": _column(fieldnames, _END_COLUMNS),
        }
        for row in reader:
            name = (row.get(_NAME_COLUMN) or "").strip()
            if name:
                values = {key: (row.get(column) or "") if column else "" for key, column in columns.items()}
                yield {"name": name, **{key: value.strip() for key, value in values.items()}}


def _year(value: str) -> int | None:
    match = _YEAR.match(value)
    return int(match.group(1)) if match else None


def _prefix_related(first: str, second: str) -> bool:
    """Whether one normalised name begins the other at a word boundary ("Sentencing Council [for ...]")."""
    shorter, longer = sorted((first, second), key=len)
    return longer == shorter or longer.startswith(shorter + " ")


def _match_by_acronym(registry: AgencyRegistry, name: str, acronym: str) -> Agency | None:
    """The one body with this acronym whose name is a shorter or longer form of `name`, if any."""
    key = normalise_name(name)
    related = [
        agency
        for agency in registry.candidates(acronym)
        if acronym in agency.acronyms and any(_prefix_related(key, normalise_name(n)) for n in agency.names)
    ]
    return related[0] if len(related) == 1 else None


def import_govuk_tsv(path: str | Path, registry: AgencyRegistry | None = None) -> AgencyRegistry:
    """A copy of `registry` (default: the bundled one) enriched from a GOV.UK-style register TSV.

    A row whose name the registry knows gives that body its acronym; a row whose
    acronym belongs to a body of a shorter or longer form of its name ("Youth
    Justice Board" for "Youth Justice Board for England and Wales") also gives
    its name as a variant; any other row becomes a new body of kind `GOVUK_KIND`.
    Courts, tribunals, panels and inquiries are skipped because the guidelines
    do not tag them. Abbreviations that are not acronyms ("Parole Board",
    "Statistics") are not added as acronyms, since acronyms match
    case-sensitively as bare words.
    """
    result = AgencyRegistry(registry if registry is not None else AgencyRegistry.default())
    for row in _read_register(path):
        name, abbreviation = row["name"], row["abbreviation"]
        if is_not_agency(name, row["type"]):
            continue
        acronyms = (abbreviation,) if _is_acronym(abbreviation) else ()
        start, end = _year(row["start"]), _year(row["end"])
        # Spans never begin with "the", so neither may a name the tagger matches.
        bare_name = _LEADING_THE_CASED.sub("", name)
        canonical = result.canonical_for(name, end)
        if canonical is not None:
            result.add(Agency(canonical, acronyms, (), start, end))
            continue
        match = _match_by_acronym(result, name, abbreviation) if acronyms else None
        if match is not None:
            result.add(Agency(match.canonical, acronyms, (bare_name,), start, end))
        else:
            result.add(Agency(bare_name, acronyms, (), start, end, GOVUK_KIND))
    return result


def coverage(
    registry: AgencyRegistry, tsv_path: str | Path, name_filter: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    """How many bodies of a register TSV the registry recognises, by name or by abbreviation.

    Returns `total`, `recognised`, `ratio` and `missed` (names) over the rows
    that `name_filter` keeps (all by default, one count per distinct name);
    `by_abbreviation_only` lists names recognised only through their
    abbreviation (worth a look: the acronym may belong to another body);
    `not_agencies` lists courts, tribunals, panels and inquiries, which the
    registry leaves out on purpose, and `eligible_*` repeat the figures without them.
    """
    seen: set[str] = set()
    total = recognised = eligible_total = eligible_recognised = 0
    missed: list[str] = []
    by_abbreviation_only: list[str] = []
    not_agencies: list[str] = []
    for row in _read_register(tsv_path):
        name, abbreviation = row["name"], row["abbreviation"]
        if normalise_name(name) in seen or (name_filter is not None and not name_filter(name)):
            continue
        seen.add(normalise_name(name))
        by_name = registry.canonical_for(name) is not None
        by_abbreviation = bool(abbreviation) and registry.canonical_for(abbreviation) is not None
        found = by_name or by_abbreviation
        eligible = not is_not_agency(name, row["type"])
        total += 1
        recognised += found
        eligible_total += eligible
        eligible_recognised += eligible and found
        if not found:
            missed.append(name)
        elif not by_name:
            by_abbreviation_only.append(name)
        if not eligible:
            not_agencies.append(name)
    return {
        "total": total,
        "recognised": recognised,
        "ratio": recognised / total if total else 0.0,
        "missed": missed,
        "by_abbreviation_only": by_abbreviation_only,
        "not_agencies": not_agencies,
        "eligible_total": eligible_total,
        "eligible_recognised": eligible_recognised,
        "eligible_ratio": eligible_recognised / eligible_total if eligible_total else 0.0,
    }
