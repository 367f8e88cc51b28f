"""AGENCY: public bodies, in full or as acronyms, linked to canonical names.

Three sources, in order of trust:
1. the agency registry (`extractor.registry`): names and variants matched
   case-insensitively but only where the text capitalises them, acronyms
   matched exactly (so "soca" or "Reflex" in lower case are not bodies);
2. acronyms the document defines ("Long Name (LN)"), linked to the long form's
   registry entry when it has one;
3. a name pattern for bodies the registry lacks: capitalised words ending in a
   head noun such as "Police", "Agency" or "Task Force" ("Kent Police").
A body named with "a" is generic; a body followed by a title-case publication
word ("SOCA Annual Plan") is part of that title and is skipped; a body inside a
minister's title is tagged on its own ("Home Department" in "Secretary of State
for the Home Department"), which the registry's variants give for free.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extractor.acronyms import find_acronym_definitions
from extractor.components.base import Match, RuleTagger
from extractor.knowledge import load_data
from extractor.labels import AGENCY
from extractor.registry import AgencyRegistry
from extractor.spans import doc_text, token_offsets

REGISTRY_FILE = "registry.json"
_WORD = re.compile(r"\S+")
_GENERIC_BEFORE = re.compile(r"\b(?:[Aa]n?|[Ee]ach|[Aa]ny|[Ee]very)\s+$")
_CAPITALISED_WORD_AFTER = re.compile(r"\s+([A-Z][a-z]+)")


class AgencyTagger(RuleTagger):
    label = AGENCY

    def __init__(self, nlp: Language, name: str, spans_key: str, use_name_pattern: bool) -> None:
        super().__init__(nlp, name, spans_key)
        self.nlp = nlp
        self.use_name_pattern = use_name_pattern
        patterns = load_data("agency_patterns.json")
        self._publication_words = frozenset(patterns["publication_words"])
        self._generic_first = frozenset(patterns["generic_first_words"])
        self._excluded_heads = frozenset(patterns["never_head_of_agency_with"])
        heads = "|".join(re.escape(h) for h in sorted(patterns["head_nouns"], key=len, reverse=True))
        connectors = "|".join(re.escape(c) for c in patterns["connectors"])
        word = r"(?:Her Majesty['’]s|HM|[A-Z][\w'’\-]*[\w])"
        # The first word again, as `\b{word}` reads, written to begin with its capital so that `re`
        # skips ahead to capitals (see `extractor.patterns`): the boundary is checked after it.
        first_word = r"[A-Z](?<!\w.)(?:(?<=H)er Majesty['’]s|(?<=H)M|[\w'’\-]*[\w])"
        gap = r"[ \t]+"
        self._name_pattern = re.compile(
            rf"{first_word}(?:{gap}(?:(?:{connectors}){gap})*{word})*?{gap}(?:{heads})\b"
            rf"(?:{gap}(?:of|for){gap}{word}(?:{gap}{word})*)?"
        )
        self.set_registry(AgencyRegistry.default())

    def set_registry(self, registry: AgencyRegistry) -> None:
        """Use `registry` for names and acronyms (after importing extra bodies, say)."""
        self.registry = registry
        self._names = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._acronyms = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        names: set[str] = set()
        acronyms: set[str] = set()
        for agency in registry:
            for name in (agency.canonical, *agency.variants):
                # Both apostrophes: "Chiefs' Council" and "Chiefs’ Council" tokenize differently.
                names.update((name, name.replace("'", "’"), name.replace("’", "'")))
            acronyms.update(agency.acronyms)
        self._names.add("NAME", list(self.nlp.tokenizer.pipe(sorted(names))))
        self._acronyms.add("ACRONYM", list(self.nlp.tokenizer.pipe(sorted(acronyms))))

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc_text(doc)
        year = doc.user_data.get("year")
        found: dict[tuple[int, int], dict] = {}
        token_starts, token_ends = token_offsets(doc)
        for matcher, needs_capital in ((self._names, True), (self._acronyms, False)):
            for _, start, end in matcher(doc):
                start_char, end_char = token_starts[start], token_ends[end - 1]
                surface = text[start_char:end_char]
                if needs_capital and not _capitalised(surface):
                    continue
                canonical = self.registry.canonical_for(surface, year)
                if canonical:
                    found[(start_char, end_char)] = {"canonical": canonical}
        if self.use_name_pattern:
            for match in self._name_pattern.finditer(text):
                start, end = self._trim_name(text, match.start(), match.end())
                if end - start > 0 and not any(s <= start < e or start <= s < end for s, e in found):
                    if not self._is_generic(text, start):
                        found[(start, end)] = {"canonical": text[start:end]}
        for definition in find_acronym_definitions(text):
            long_canonical = found.get((definition.long_start, definition.long_end), {}).get("canonical")
            if long_canonical is None:
                continue
            for match in re.finditer(rf"\b{re.escape(definition.short)}\b", text):
                found.setdefault((match.start(), match.end()), {"canonical": long_canonical})
        for (start, end), attrs in sorted(found.items()):
            if self._in_title(text, end):
                continue
            yield Match(start, end, attrs)

    def _trim_name(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Drop leading words that are not part of a name; give up on excluded kinds."""
        words = list(_WORD.finditer(text, start, end))
        while words and words[0].group() in self._generic_first:
            words.pop(0)
        if len(words) < 2 or any(w.group() in self._excluded_heads for w in words):
            return start, start
        if words[0].group() in {"of", "and", "for", "the", "on", "in", "&"}:
            return start, start
        return words[0].start(), words[-1].end()

    @staticmethod
    def _is_generic(text: str, start: int) -> bool:
        """ "a Joint Intelligence Cell": a kind of unit, not a named body."""
        return bool(_GENERIC_BEFORE.search(text[max(0, start - 6):start]))

    def _in_title(self, text: str, end: int) -> bool:
        """ "SOCA Annual Plan": the body names a publication or system, not itself."""
        following = _CAPITALISED_WORD_AFTER.match(text, end, end + 40)
        return bool(following and following.group(1) in self._publication_words)

    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.registry.to_json(path / REGISTRY_FILE)

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> AgencyTagger:
        registry_path = Path(path) / REGISTRY_FILE
        if registry_path.exists():
            self.set_registry(AgencyRegistry.from_json(registry_path))
        return self


#: Last words of a body's name that Hansard often writes in lower case ("Thames Valley police").
_LOWER_CASE_HEADS = frozenset({"police", "constabulary"})


def _capitalised(surface: str) -> bool:
    """Whether a name is written as a name: first and last words capitalised ("Kent police" too)."""
    words = surface.split()
    last_ok = words[-1][:1].isupper() or (len(words) > 1 and words[-1] in _LOWER_CASE_HEADS)
    return words[0][:1].isupper() and last_ok


@Language.factory("agency_tagger", default_config={"spans_key": "agency", "use_name_pattern": True})
def make_agency_tagger(nlp: Language, name: str, spans_key: str, use_name_pattern: bool) -> AgencyTagger:
    return AgencyTagger(nlp, name, spans_key, use_name_pattern)
