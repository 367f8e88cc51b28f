"""Dump everything a pipeline finds, document by document, to prove a change leaves output unchanged.

Speed work on the rule taggers must not move a single span. Run this before and after a
change and compare the two files byte for byte (`cmp before.jsonl after.jsonl`); a difference
names the document (its line) and what moved. Each line holds, for one document: every span
group with each span's offsets, label and attributes, `doc.ents`, and every claim candidate
the claim tagger considered with its verdict (what the trained claim filter reads).

The texts are those the project has: two generated corpora (`bench_speed.generate_documents`,
seeds 0 and 7), the team's annotated splits and sample, and, when `--shared` points at the
team's shared folder, the gold files, the seed page, the quantulum3 sentences and DEFT files.

    python evaluation/dump_spans.py before.jsonl --shared ../shared
    # ...change the code...
    python evaluation/dump_spans.py after.jsonl --shared ../shared && cmp before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_speed  # noqa: E402

import extractor  # noqa: E402
from extractor.spans import get_attrs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GENERATED_SEEDS = (0, 7)


def iter_texts(shared: Path | None, generated: int) -> Iterator[str]:
    """The texts to dump, always in the same order."""
    for seed in GENERATED_SEEDS:
        yield from itertools.islice(bench_speed.generate_documents(seed), generated)
    for path in sorted((ROOT / "annotations").glob("*.jsonl")):
        yield from bench_speed.read_texts(path)
    for path in sorted((ROOT / "annotations" / "sample").glob("*.txt")):
        yield path.read_text(encoding="utf-8")
    if shared is None:
        return
    for path in sorted((shared / "gold").glob("*.jsonl")):
        yield from bench_speed.read_texts(path)
    for path in sorted((shared / "seeds").glob("*.txt")):
        yield path.read_text(encoding="utf-8")
    quantities = shared / "external" / "quantulum3" / "quantities.json"
    if quantities.exists():
        yield from (item["req"] for item in json.loads(quantities.read_text(encoding="utf-8")))
    for path in sorted((shared / "external" / "deft_corpus" / "data").glob("**/*.deft"))[:120]:
        with path.open(encoding="utf-8") as handle:
            yield " ".join(line.split("\t")[0] for line in handle if line.strip())


def dump(pipeline: str, texts: Iterator[str], out: Path) -> int:
    """Write one line per document; return how many."""
    nlp = extractor.load(pipeline)
    tagger = nlp.get_pipe("claim_tagger") if "claim_tagger" in nlp.pipe_names else None
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for doc in nlp.pipe(texts, batch_size=32):
            record: dict = {
                key: [(s.start_char, s.end_char, s.label_, get_attrs(s)) for s in doc.spans[key]]
                for key in sorted(doc.spans)
            }
            record["ents"] = [(s.start_char, s.end_char, s.label_) for s in doc.ents]
            if tagger is not None:
                record["candidates"] = [list(c) for c in tagger.candidates(nlp.make_doc(doc.text))]
            handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="The JSON Lines file to write.")
    parser.add_argument("--pipeline", default="default", help="A pipeline name or saved directory.")
    parser.add_argument("--shared", type=Path, help="The team's shared folder, for the real documents in it.")
    parser.add_argument("--generated", type=int, default=700, help="Generated documents per seed (default 700).")
    args = parser.parse_args(argv)
    if args.shared is not None and not args.shared.is_dir():
        parser.error(f"--shared {args.shared}: no such folder")
    count = dump(args.pipeline, iter_texts(args.shared, args.generated), args.out)
    print(f"{count:,} documents -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
