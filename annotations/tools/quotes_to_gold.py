"""Turn quote-anchored annotations into gold JSONL with character offsets.

The team writes and annotates documents by hand. Counting character offsets by
hand is where hand annotation goes wrong, so annotators list each span by its
exact text, in document order, and this script finds the offsets:

    {"id": "...", "text": "...", "meta": {...},
     "spans": [{"label": "AGENCY", "text": "SOCA", "attrs": {...}, "skip": 0}, ...]}

Each span is searched for from the start of the previous span onwards (so a
definition may contain later spans), as a whole word (no letter or digit
directly before or after it). `skip` (default 0) passes over that many earlier
whole-word matches, for a string that also occurs unannotated first. Every
problem is printed with file, line and reason; the exit status is 1 if any.

Usage: python annotations/tools/quotes_to_gold.py IN.jsonl OUT.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def whole_word_matches(text: str, needle: str, start: int) -> list[int]:
    """Offsets at or after `start` where `needle` occurs as a whole word."""
    pattern = re.compile(r"(?<![\w])" + re.escape(needle) + r"(?![\w])")
    if needle and not needle[0].isalnum():
        pattern = re.compile(re.escape(needle) + r"(?![\w])")
    return [m.start() for m in pattern.finditer(text, start)]


def resolve(doc: dict) -> tuple[dict, list[str]]:
    """Return the document with offsets and the problems found in it."""
    text = doc["text"]
    problems: list[str] = []
    spans_out = []
    cursor = 0
    for index, span in enumerate(doc.get("spans", [])):
        needle = span.get("text", "")
        if not needle or needle != needle.strip():
            problems.append(f"span {index}: empty or padded text {needle!r}")
            continue
        matches = whole_word_matches(text, needle, cursor)
        skip = int(span.get("skip", 0))
        if len(matches) <= skip:
            problems.append(f"span {index} ({span.get('label')} {needle!r}): not found after offset {cursor}")
            continue
        start = matches[skip]
        end = start + len(needle)
        cursor = start
        spans_out.append(
            {"start": start, "end": end, "label": span["label"], "text": needle,
             "attrs": span.get("attrs") or {}}
        )
    out = {"id": doc["id"], "text": text, "spans": spans_out, "meta": doc.get("meta") or {}}
    return out, problems


def main(argv: list[str]) -> int:
    source, target = Path(argv[1]), Path(argv[2])
    failures = 0
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as err:
                print(f"{source}:{number}: malformed JSON ({err.msg})")
                failures += 1
                continue
            resolved, problems = resolve(doc)
            for problem in problems:
                print(f"{source}:{number}: {doc.get('id')}: {problem}")
            failures += len(problems)
            out.write(json.dumps(resolved, ensure_ascii=False) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
