"""Build the gold corpus from two independent passes and the adjudication, and split it.

Steps, each reproducible from the files in `annotations/work/`:
1. resolve both passes' quote-anchored spans to offsets (`quotes_to_gold.resolve`);
2. keep every span both readers made with the same label and boundaries; for
   attributes they disagreed on, take the adjudicated value;
3. add each span only one reader made where the adjudicator said "keep";
4. apply two corpus-wide conventions the adjudicator found both readers broke
   together: an AGENCY `canonical` is the registry's canonical name wherever the
   registry knows the body (one name per body across the corpus), and a
   "References to X are to be construed ..." definition starts at its term X;
5. split by document into train/dev/test (70/15/15), stratified by topic batch,
   with a fixed seed, and write `annotations/{train,dev,test}.jsonl`.

Usage: python annotations/tools/build_corpus.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from quotes_to_gold import resolve  # noqa: E402

from extractor.registry import AgencyRegistry  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "work"
BATCHES = ("traf", "drug", "fraud", "pris", "terr")
SPLITS = (("train", 0.70), ("dev", 0.15), ("test", 0.15))
SEED = 13


def _resolved(path: Path) -> dict[str, dict]:
    docs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc, problems = resolve(json.loads(line))
            if problems:
                raise SystemExit(f"{path}: {doc['id']}: {problems}")
            docs[doc["id"]] = doc
    return docs


def _key(span: dict) -> tuple[int, int, str]:
    return (span["start"], span["end"], span["label"])


def merge(first: dict, second: dict, decisions: list[dict]) -> dict:
    """One document's gold: agreed spans, adjudicated attributes, kept single-reader spans."""
    by_key = {}
    for item in decisions:
        by_key[(item["doc"], item["start"], item["end"], item["label"], item["kind"])] = item
    a = {_key(s): s for s in first["spans"]}
    b = {_key(s): s for s in second["spans"]}
    spans = []
    for key in sorted(set(a) | set(b)):
        doc_id = first["id"]
        if key in a and key in b:
            span = dict(a[key])
            decision = by_key.get((doc_id, *key, "attrs"))
            if decision:
                span["attrs"] = {**span["attrs"], **decision["decision"]}
            spans.append(span)
            continue
        kind = "span_only_in_A" if key in a else "span_only_in_B"
        decision = by_key.get((doc_id, *key, kind))
        if decision is None:
            raise SystemExit(f"{doc_id}: no adjudication for {kind} {key}")
        if decision["decision"] == "keep":
            span = dict((a if key in a else b)[key])
            span["attrs"] = {**span["attrs"], **decision.get("attrs", {})}
            spans.append(span)
    spans.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return {"id": first["id"], "text": first["text"], "spans": spans, "meta": first.get("meta", {})}


def apply_conventions(doc: dict, registry: AgencyRegistry) -> dict:
    """Registry canonical names for known bodies; "References to X ..." definitions start at X."""
    year = int(str(doc.get("meta", {}).get("date", ""))[:4] or 0) or None
    for span in doc["spans"]:
        if span["label"] == "AGENCY":
            known = registry.canonical_for(span["attrs"].get("canonical", ""), year) or registry.canonical_for(
                span["text"], year
            )
            if known:
                span["attrs"]["canonical"] = known
        elif span["label"] == "LEGAL_DEFINITION" and span["text"].lower().startswith("references"):
            term = span["attrs"].get("term", "")
            offset = span["text"].find(term) if term else -1
            if offset > 0:
                span["start"] += offset
                span["text"] = span["text"][offset:]
    doc["spans"].sort(key=lambda s: (s["start"], -s["end"], s["label"]))
    return doc


def main() -> int:
    registry = AgencyRegistry.default()
    items = json.loads((WORK / "disagreements.json").read_text(encoding="utf-8"))
    decisions = json.loads((WORK / "adjudication.json").read_text(encoding="utf-8"))
    if len(items) != len(decisions):
        raise SystemExit("adjudication.json does not answer every disagreement")
    for item, decision in zip(items, decisions, strict=True):
        item["decision"] = decision["decision"]
        item["attrs"] = decision.get("attrs", {})
    rng = random.Random(SEED)
    splits: dict[str, list[dict]] = {name: [] for name, _ in SPLITS}
    for batch in BATCHES:
        first = _resolved(WORK / "pass1" / f"{batch}.jsonl")
        second = _resolved(WORK / "pass2" / f"{batch}.jsonl")
        docs = [apply_conventions(merge(first[i], second[i], items), registry) for i in sorted(first)]
        rng.shuffle(docs)
        n_dev = round(len(docs) * SPLITS[1][1])
        n_test = round(len(docs) * SPLITS[2][1])
        splits["dev"] += docs[:n_dev]
        splits["test"] += docs[n_dev:n_dev + n_test]
        splits["train"] += docs[n_dev + n_test:]
    for name, docs in splits.items():
        docs.sort(key=lambda d: d["id"])
        with (ROOT / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for doc in docs:
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        print(f"{name}: {len(docs)} documents, {sum(len(d['spans']) for d in docs)} spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
