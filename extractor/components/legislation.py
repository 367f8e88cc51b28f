"""LEGISLATION: named Acts, Bills, orders, regulations, treaties, conventions...

The tagger finds a head word ("Act", "Convention", "Framework Decision"...) and
grows the name around it: leftwards over capitalised words, connectors and
parenthesised parts ("Asylum and Immigration (Treatment of Claimants, etc.)
Act"), rightwards over a year and, for treaties and the like, a complement
("Protocol to Prevent, Suppress and Punish Trafficking in Persons, especially
Women and Children"). Overlapping candidates are left to the resolver, which
keeps the longest name, as the guidelines ask. Descriptive but specific names
in lower case ("EU framework decision on trafficking") have their own pattern.
Generic references ("the Act", "the Protocol") have no name word and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.base import Match, RuleTagger
from extractor.knowledge import load_data
from extractor.labels import LEGISLATION
from extractor.patterns import word_start_alternation
from extractor.spans import doc_text

_TOKEN = re.compile(r"\([^()\n]{1,80}\)|[A-Za-z0-9][\w'’\-]*|,|\S")
_YEAR = re.compile(r"(1[6-9]|20)\d\d$")
#: The subject phrase of a numbered EU instrument: "Directive 2011/36/EU on preventing ...".
_NUMBERED_SUBJECT = re.compile(
    r"\s+(?:on|concerning|defining|establishing|laying down|amending|supplementing|relating to)\s+"
)
#: An EU instrument's number: "2011/36/EU", "(EC) No 1798/2003", "(EU) 2016/794".
_INSTRUMENT_NUMBER = re.compile(
    r"\s+(?:\((?:EC|EU|EEC|Euratom)\)\s+)?(?:No\.?\s+)?\d{1,4}/\d{1,4}(?:/[A-Z]{2,4})?\b"
)
_LOWER_WORD = re.compile(r"[a-z][a-z'’\-]*")
_CLAUSE_END = re.compile(
    r"[.;:!?()\[\]\n]|,|\b(?:which|that|who|is|was|were|are|has|have|had|will|would|and the|applies|apply|"
    r"applied|provides|provide|requires|require|sets|set out|states|says|gives|allows|came|comes|entered)\b"
)


class LegislationTagger(RuleTagger):
    label = LEGISLATION

    def __init__(self, nlp: Language, name: str, spans_key: str) -> None:
        super().__init__(nlp, name, spans_key)
        data = load_data("legislation.json")
        heads = data["heads"]
        self._head = re.compile(rf"(?:{word_start_alternation(heads)})\b")
        self._needs_year = frozenset(data["heads_needing_year"])
        self._takes_complement = frozenset(data["heads_taking_complement"])
        self._numbered = frozenset(data["numbered_heads"])
        self._connectors = frozenset(data["connectors"])
        self._not_name = frozenset(data["not_name_words"])
        self._head_words = frozenset(h.split()[-1] for h in heads)
        bodies = word_start_alternation(data["descriptive_bodies"])
        kinds = "|".join(re.escape(k) for k in sorted(data["descriptive_kinds"], key=len, reverse=True))
        self._descriptive = re.compile(rf"(?:{bodies})\s+(?:{kinds})\s+(?:on|against|to|for)\s+")

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc_text(doc)
        for head in self._head.finditer(text):
            found = self._grow(text, head.start(), head.end(), head.group())
            if found is not None:
                yield Match(found[0], found[1], {})
        for match in self._descriptive.finditer(text):
            end = self._descriptive_end(text, match.end())
            if end > match.end():
                yield Match(match.start(), end, {})

    def _is_name_word(self, token: str) -> bool:
        return token[:1].isupper() or (token.startswith("(") and len(token) > 2)

    def _grow(self, text: str, head_start: int, head_end: int, head: str) -> tuple[int, int] | None:
        left = self._left_edge(text, head_start)
        end = head_end
        after = text[end:end + 80]
        year = re.match(r"\s+(\(No\.? ?\d+\)\s+)?((?:1[6-9]|20)\d\d)\b", after)
        number = _INSTRUMENT_NUMBER.match(after)
        if year and head not in self._takes_complement:
            end += year.end()
        else:
            if number and head in self._numbered:
                end += number.end()
                subject = _NUMBERED_SUBJECT.match(text, end)
                if subject:
                    end = self._descriptive_end(text, subject.end(), max_words=16)
            if head in self._takes_complement:
                end = self._complement_end(text, end)
        if head in self._needs_year and not year:
            return None
        if left == head_start and end == head_end:
            return None
        return left, end

    def _left_edge(self, text: str, head_start: int) -> int:
        """Where the name before the head starts: the first name word of the chain."""
        # The chain never crosses a line break, so the window stops at the line's start.
        window_start = max(0, head_start - 200)
        window_start = text.rfind("\n", window_start, head_start) + 1 or window_start
        # Words as (text, start) pairs, read right to left from the head. The window holds no line
        # break, which is where the chain would stop anyway.
        tokens = [(m.group(), m.start()) for m in _TOKEN.finditer(text, window_start, head_start)]
        chain: list[tuple[str, int]] = []
        for word, start in reversed(tokens):
            if word in self._head_words:
                break
            if word == ",":
                if not chain or not any(w == "and" for w, _ in chain) or not self._is_name_word(chain[-1][0]):
                    break
            elif not (self._is_name_word(word) or word in self._connectors or _YEAR.match(word)):
                break
            chain.append((word, start))
        the = next((i for i, (word, _) in enumerate(chain) if word == "the"), None)
        if the is not None:
            chain = chain[:the]
        while chain and not (self._is_name_word(chain[-1][0]) and chain[-1][0] not in self._not_name
                             and not chain[-1][0].startswith("(")):
            chain.pop()
        return chain[-1][1] if chain else head_start

    def _complement_end(self, text: str, position: int) -> int:
        """End of "on/against/to ..." after a treaty-like head, over name words."""
        tokens = [m for m in _TOKEN.finditer(text, position, min(len(text), position + 300))]
        if not tokens or tokens[0].group() not in {"on", "against", "to", "for", "of", "relating", "concerning"}:
            return position
        end = position
        last_name_end = position
        previous = ""
        for match in tokens:
            word = match.group()
            if "\n" in text[end:match.start()]:
                break
            if word == ",":
                pass
            elif previous == "," and word[:1].islower() and word not in {"especially", "in", "and"}:
                break
            elif self._is_name_word(word) or _YEAR.match(word):
                last_name_end = match.end()
            elif word not in self._connectors:
                break
            end = match.end()
            previous = word
        return last_name_end

    def _descriptive_end(self, text: str, position: int, max_words: int = 8) -> int:
        """End of a lower-case descriptive name or subject: a few words before the clause ends."""
        window = min(len(text), position + 15 * max_words)
        stop = _CLAUSE_END.search(text, position, window)
        limit = stop.start() if stop else window
        words = list(re.finditer(r"\S+", text[position:limit]))[:max_words]
        return position + words[-1].end() if words else position


@Language.factory("legislation_tagger", default_config={"spans_key": "legislation"})
def make_legislation_tagger(nlp: Language, name: str, spans_key: str) -> LegislationTagger:
    return LegislationTagger(nlp, name, spans_key)
