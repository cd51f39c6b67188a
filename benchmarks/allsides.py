"""The corpus on real news at scale: the 10,000 AllSides articles (outlets, dates, URLs), measured.

Usage: python benchmarks/allsides.py [--data FILE] [--work DIR] [--subset N] [--store DB] PART ...

The articles are read at run time from the data set's JSON lines (by default
../shared/data/allsides/articles.jsonl.gz) and written, uncompressed, to the work folder.
Every ingest runs the real `presslens ingest` in a child process:

  ingest   all of them with 2 workers: wall time, peak resident memory, near-duplicates
           and stories found (stories of two or more articles, copies counted apart).
  workers  the first N (default 1,000): the bare spaCy parse of their texts (one process,
           nlp.pipe), then ingest with 1 and with 2 workers, each timed as the whole command,
           and the peak memory of each.
  queries  the fixed query list below on a stored corpus (--store, default the ingest part's):
           search, quotes, events, entities, the entity page and the story page, each run
           REPEATS times after one warm-up; p50 and p95 per kind of query.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"
PRESSLENS = [sys.executable, "-m", "presslens.cli"]
PARTS = ("ingest", "workers", "queries")
REPEATS = 5
# The largest resident set of any one process the command started, workers included (Linux
# reports the largest child's, not their sum), and the CPU seconds of all of them together.
PROBE = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
         "print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()); "
         "used = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(used.ru_maxrss, used.ru_utime + used.ru_stime)")

# What an analyst of US politics types: words, phrases, prefixes, OR and NOT, with filters.
SEARCHES = [
    ("immigration", {}),
    ('"health care"', {}),
    ('"supreme court" nominee', {}),
    ("impeach*", {}),
    ("tariff* OR \"trade war\"", {}),
    ("shooting NOT police", {}),
    ("(Clinton OR Trump) AND email*", {}),
    ('"climate change"', {"since": "2018-01-01", "until": "2018-12-31"}),
    ("border wall", {"outlet": "Fox"}),
    ("election", {"speaker": "Trump"}),
]
QUOTES = [
    ({"about": "wall"}, {}),
    ({"about": '"fake news"'}, {}),
    ({"about": "tax* OR budget"}, {}),
    ({}, {"speaker": "Pelosi"}),
    ({"about": "border"}, {"speaker": "Trump"}),
]
EVENTS = [
    {"type": "protest"},
    {"type": "attack", "near": "Washington"},
    {"type": "arrest"},
]


def write_articles(data: Path, path: Path, count: int | None = None) -> int:
    """Return how many articles were written to path as JSON lines, the first `count` of the data set or all."""
    written = 0
    with gzip.open(data, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for line in source:
            if count is not None and written >= count:
                break
            item = json.loads(line)
            out.write(json.dumps({k: item.get(k) for k in ("id", "url", "outlet", "published", "title", "text")},
                                 ensure_ascii=False) + "\n")
            written += 1
    return written


def probed_ingest(source: Path, db: Path, *extra: str) -> tuple[float, float, str, float]:
    """Return the wall time, the peak resident MiB, the summary line and the CPU seconds (every process) of one ingest."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PROBE, *PRESSLENS, "ingest", str(source), "--db", str(db), *extra],
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    summary, used = done.stdout.strip().splitlines()[-2:]
    peak, cpu = used.split()
    return seconds, int(peak) / 1024, summary, float(cpu)


def run_ingest(data: Path, work: Path) -> Path:
    source, db = work / "allsides.jsonl", work / "allsides.db"
    count = write_articles(data, source)
    seconds, peak, summary, cpu = probed_ingest(source, db, "--workers", "2")
    print(f"ingest of {count:,} articles, 2 workers: {seconds:.0f} s ({count / seconds:.2f} articles/s), "
          f"peak {peak:.0f} MiB, {cpu:.0f} CPU s\n  {summary}")
    describe(db)
    return db


def describe(db: Path) -> None:
    """Print the near-duplicates and stories of a stored corpus."""
    from presslens.corpus.store import open_store

    with open_store(db, read_only=True) as store:
        copies = store.query("SELECT COUNT(*) AS n FROM duplicates WHERE canonical_id != article_id")[0]["n"]
        clusters = store.query("SELECT COUNT(DISTINCT canonical_id) AS n FROM duplicates")[0]["n"]
        sizes = [r["articles"] for r in store.query("SELECT articles FROM stories")]
    several = [n for n in sizes if n >= 2]
    print(f"  near-duplicates: {clusters} clusters, {copies} copies; stories: {len(sizes):,} in all, "
          f"{len(several):,} of two or more articles ({sum(several):,} articles), largest {max(sizes, default=0)}")


def run_workers(data: Path, work: Path, subset: int) -> None:
    from corpus import bare_parse_rate  # benchmarks/corpus.py, beside this script

    source = work / f"subset-{subset}.jsonl"
    write_articles(data, source, subset)
    texts = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines()]
    bare = bare_parse_rate(texts)
    print(f"bare spaCy parse, one process: {bare:.2f} articles/s ({len(texts):,} articles)")
    rates, cpus = {}, {}
    for n in (1, 2):
        seconds, peak, summary, cpus[n] = probed_ingest(source, work / f"subset-{subset}-{n}.db", "--workers", str(n))
        rates[n] = len(texts) / seconds
        print(f"ingest --workers {n}: {rates[n]:.2f} articles/s, {rates[n] / bare:.2f}x the bare parse, "
              f"peak {peak:.0f} MiB, {cpus[n]:.0f} CPU s (whole command: start-up, dedupe and stories included)\n"
              f"  {summary}")
    # On two idle cores two workers can at best spread the CPU time of their run over both:
    # a bound that, unlike the wall times, does not move with other work on the machine.
    print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x; CPU seconds allow at most "
          f"{2 * cpus[1] / cpus[2]:.2f}x on two idle cores")


def run_queries(db: Path) -> None:
    from presslens.corpus.store import Filters, open_store
    from presslens.web import queries
    from presslens.web.queries import Page

    with open_store(db, read_only=True) as store:
        entity_ids = [e["id"] for e in store.top_entities(5)]
        story_ids = [s["id"] for s in store.stories(5)]
        calls = {
            "search": [lambda q=q, f=f: store.search(q, 20, Filters(**f)) for q, f in SEARCHES],
            "quotes": [lambda k=k, f=f: store.quotes(limit=100, filters=Filters(**f), **k) for k, f in QUOTES],
            "events": [lambda k=k: store.events(limit=100, **k) for k in EVENTS],
            "entities": [lambda: store.top_entities(20), lambda: store.top_entities(20, include_copies=True)],
            "entity page": [lambda e=e: queries.entity(store, e, Page()) for e in entity_ids],
            "story page": [lambda s=s: queries.story(store, s) for s in story_ids],
        }
        print(f"queries on {store.counts()['articles']:,} articles, each run {REPEATS} times after a warm-up:")
        # CPU p95 is this process's CPU time, which other work on the machine barely moves.
        print(f"  {'kind':<12} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU p95':>8}")
        worst = 0.0
        for kind, functions in calls.items():
            if not functions:  # a store without stories yet
                print(f"  {kind:<12} {0:>7}")
                continue
            times, cpu = [], []
            for function in functions:
                function()
                for _ in range(REPEATS):
                    started, used = time.perf_counter(), time.process_time()
                    function()
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - used) * 1000)
            p95, cpu95 = (_p95(t) for t in (times, cpu))
            worst = max(worst, p95)
            print(f"  {kind:<12} {len(functions):>7} {statistics.median(times):>8.1f} {p95:>8.1f} {max(times):>8.1f}"
                  f" {cpu95:>8.1f}")
        print(f"  slowest p95: {worst:.0f} ms ({'under' if worst < 1000 else 'OVER'} 1 s)")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="+", choices=PARTS)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--work", type=Path, required=True, help="folder for the JSON lines and the stores")
    parser.add_argument("--subset", type=int, default=1000)
    parser.add_argument("--store", type=Path, help="the stored corpus the queries run on")
    args = parser.parse_args()
    if not args.data.is_file():
        raise SystemExit(f"no AllSides articles at {args.data}; give the data set's file with --data.")
    args.work.mkdir(parents=True, exist_ok=True)
    store = args.store or args.work / "allsides.db"
    if "ingest" in args.parts:
        store = run_ingest(args.data, args.work)
    if "workers" in args.parts:
        run_workers(args.data, args.work, args.subset)
    if "queries" in args.parts:
        run_queries(store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
