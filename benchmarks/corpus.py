"""Corpus ingest, measured: duplicates, idempotence, recovery after kill -9, workers, memory.

Usage: python benchmarks/corpus.py [--corpus DIR] [--copies N] [--memory 1000,10000] [--skip PART ...]

The corpus is a folder of plain-text articles (by default PolNeAR's train articles in
../shared/data, read at run time; the edited copies go to a temporary folder, ingested as a
second source after the corpus). Every step runs the real `presslens ingest` in a child process:

  duplicates  the corpus plus N copies of some of its articles with small edits (a changed
              headline, a few replaced words, an added line): are all stored, is each copy
              marked a near-duplicate of its original, and does a second run add nothing?
  kill        an ingest killed with SIGKILL halfway, then run again: is the database the same
              as the uninterrupted one, table by table?
  workers     articles/s with 1 and 2 workers, each against the bare spaCy parse of the same
              texts in the same run (one process, nlp.pipe).
  memory      peak resident memory of an ingest of 1k and of 10k short articles built from
              the corpus's paragraphs (each a new mix, so none is a duplicate).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "train" / "text"
PRESSLENS = [sys.executable, "-m", "presslens.cli"]
PARTS = ("duplicates", "kill", "workers", "memory")


def edited_copy(text: str, rng: random.Random) -> str:
    """Return the text as an outlet's lightly edited copy: headline changed, a few words replaced, a line added."""
    lines = text.split("\n")
    lines[0] = f"UPDATED: {lines[0]}"
    words = re.findall(r"\S+", "\n".join(lines[1:]))
    body = "\n".join(lines[1:])
    for word in rng.sample([w for w in words if w.isalpha() and len(w) > 3], k=min(3, len(words) // 50 + 1)):
        body = body.replace(f" {word} ", " really ", 1)
    return f"{lines[0]}\n{body}\nThis article has been updated with further details.\n"


def write_copies(corpus: Path, folder: Path, copies: int) -> dict[str, str]:
    """Return {copy file name: original file name} after writing edited copies of some corpus articles to folder."""
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(corpus.glob("*.txt"))
    rng = random.Random(20261125)
    originals = {}
    for path in rng.sample(files, k=min(copies, len(files))):
        name = f"copy-of-{path.name}"
        (folder / name).write_text(edited_copy(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
        originals[name] = path.name
    return originals


def ingest(sources: list[str], db: Path, *extra: str) -> tuple[float, str]:
    """Return the wall time and the last output line of one `presslens ingest` run."""
    started = time.perf_counter()
    # Run beside the database, so that the summary line names it without a temporary path.
    done = subprocess.run([*PRESSLENS, "ingest", *(str(Path(s).resolve()) for s in sources), "--db", db.name,
                           *extra], capture_output=True, text=True, cwd=db.parent)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {done.stderr.strip()}")
    return seconds, done.stdout.strip().splitlines()[-1]


def content(db: Path) -> dict[str, list[tuple]]:
    """Return every table's rows as an analyst sees them (export views), without the times they were added."""
    connection = sqlite3.connect(db)
    tables = {t: connection.execute(f"SELECT * FROM export_{t}").fetchall()
              for t in ("articles", "entities", "quotes", "amounts", "events", "framing", "stories")}
    tables["errors"] = connection.execute("SELECT source, message FROM errors ORDER BY id").fetchall()
    tables["corpus_entities"] = connection.execute("SELECT * FROM corpus_entities ORDER BY id").fetchall()
    tables["corpus_entity_days"] = connection.execute("SELECT * FROM corpus_entity_days ORDER BY 1, 2").fetchall()
    tables["mentions"] = connection.execute("SELECT * FROM mentions ORDER BY rowid").fetchall()
    connection.close()
    return tables


def compare(a: Path, b: Path) -> list[str]:
    """Return one line per table that differs between two databases (nothing when they are the same)."""
    first, second = content(a), content(b)
    return [f"{table}: {len(first[table])} vs {len(second[table])} rows, "
            f"{len(set(first[table]) ^ set(second[table]))} in only one"
            for table in first if first[table] != second[table]]


def jaccard(a: Path, b: Path) -> float:
    """Return the exact Jaccard similarity of two files' word 5-gram sets, as de-duplication estimates it."""
    from presslens.corpus.dedupe import shingles

    first, second = (shingles(p.read_text(encoding="utf-8")) for p in (a, b))
    return len(first & second) / len(first | second)


def duplicates(sources: list[str], originals: dict[str, str], work: Path, names: bool = False) -> Path:
    """Return the uninterrupted database, after checking duplicates and a second run."""
    corpus, copies_folder = Path(sources[0]), Path(sources[1])
    total = sum(len(list(Path(s).glob("*.txt"))) for s in sources)
    copies = len(originals)
    db = work / "full.db"
    seconds, line = ingest(sources, db)
    print(f"ingest of {total} articles ({copies} edited copies): {seconds:.1f} s\n  {line}")
    connection = sqlite3.connect(db)
    stored = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    marked = dict(connection.execute(
        "SELECT a.path, o.path FROM export_articles a JOIN articles o ON o.id = a.duplicate_of"))
    connection.close()
    marked = {Path(k).name: Path(v).name for k, v in marked.items()}
    right = sum(marked.get(name) == original for name, original in originals.items())
    print(f"  stored {stored} of {total}; edited copies marked duplicate_of their original: {right} of {len(originals)}")
    for name, original in originals.items():
        if marked.get(name) != original:
            print(f"    missed: {name} (word 5-gram Jaccard similarity to its original "
                  f"{jaccard(copies_folder / name, corpus / original):.2f})")

    def file(name: str) -> Path:
        return copies_folder / name if name in originals else corpus / name

    others = {k: v for k, v in marked.items() if k not in originals}
    similarities = sorted(jaccard(file(k), file(v)) for k, v in others.items())
    listed = f" (word 5-gram Jaccard similarity to their canonical: {', '.join(f'{j:.2f}' for j in similarities)})"
    print(f"  other articles marked duplicates: {len(others)}{listed if others else ''}")
    if names:
        print("".join(f"    {k} -> {v}\n" for k, v in others.items()), end="")
    seconds, line = ingest(sources, db)
    print(f"second run: {seconds:.1f} s\n  {line}")
    return db


def kill_and_resume(sources: list[str], full: Path, work: Path) -> None:
    """Print whether an ingest killed halfway and run again ends the same as the uninterrupted one."""
    db = work / "killed.db"
    total = sqlite3.connect(full).execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    child = subprocess.Popen([*PRESSLENS, "ingest", *sources, "--db", str(db)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    while child.poll() is None and stored < total // 2:
        time.sleep(1.0)
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
                stored = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            stored = 0
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(db) as connection:
        kept = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    seconds, line = ingest(sources, db)
    differences = compare(full, db)
    print(f"kill -9 after {kept} of {total} articles committed, then run again ({seconds:.1f} s):\n  {line}")
    print("  database the same as the uninterrupted run, table by table" if not differences
          else "  DIFFERENT:\n    " + "\n    ".join(differences))


def bare_parse_rate(texts: list[str]) -> float:
    """Return the articles/s of the bare spaCy parse of the texts in this process (nlp.pipe), after a warm-up."""
    from presslens.nlp import load_pipeline

    nlp = load_pipeline(None)
    list(nlp.pipe(texts[:20]))
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return len(texts) / (time.perf_counter() - started)


def workers(sources: list[str], work: Path) -> None:
    """Print articles/s of ingest with 1 and 2 workers and of the bare parse, same texts, same run."""
    texts = [p.read_text(encoding="utf-8") for s in sources for p in sorted(Path(s).glob("*.txt"))]
    bare = bare_parse_rate(texts)
    print(f"bare spaCy parse, one process: {bare:.2f} articles/s ({len(texts)} articles)")
    rates = {}
    for n in (1, 2):
        db = work / f"workers-{n}.db"
        seconds, _ = ingest(sources, db, "--workers", str(n))
        rates[n] = len(texts) / seconds
        same = "" if n == 1 else ("; same database as 1 worker" if not compare(work / "workers-1.db", db)
                                  else "; DIFFERENT database from 1 worker")
        print(f"ingest --workers {n}: {rates[n]:.2f} articles/s, {rates[n] / bare:.2f}x the bare parse "
              f"(whole command: start-up, dedupe and stories included){same}")
    print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")


def synthetic_articles(corpus: Path, count: int, path: Path) -> None:
    """Write `count` short articles as JSON lines, each a new mix of three paragraphs of the corpus."""
    paragraphs = [p.strip() for f in sorted(corpus.glob("*.txt"))
                  for p in f.read_text(encoding="utf-8").split("\n") if len(p.split()) >= 25]
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            body = "\n\n".join(rng.sample(paragraphs, 3))
            out.write(json.dumps({"id": f"mix-{number}", "title": f"Roundup {number}", "text": body}) + "\n")


def peak_memory(sizes: list[int], corpus: Path, work: Path) -> None:
    """Print the peak resident memory of ingesting each number of short articles."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    peaks = {}
    for size in sizes:
        source = work / f"mix-{size}.jsonl"
        synthetic_articles(corpus, size, source)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", probe, *PRESSLENS, "ingest", str(source), "--db",
                               str(work / f"mix-{size}.db")], capture_output=True, text=True, check=True)
        peaks[size] = int(done.stdout.split()[-1]) / 1024
        print(f"ingest of {size:,} short articles: peak {peaks[size]:.0f} MiB, {time.perf_counter() - started:.0f} s")
    if len(sizes) > 1:
        print(f"peak at {sizes[-1]:,} / peak at {sizes[0]:,}: {peaks[sizes[-1]] / peaks[sizes[0]]:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--memory", default="1000,10000", help="article counts for the memory measurement")
    parser.add_argument("--skip", nargs="*", choices=PARTS, default=[])
    parser.add_argument("--names", action="store_true", help="name the other articles marked duplicates")
    args = parser.parse_args()
    if not any(args.corpus.glob("*.txt")):
        raise SystemExit(f"no .txt articles in {args.corpus}; give a folder of articles with --corpus.")
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        # The corpus as it is, then the edited copies as a second source: the order a
        # newsroom's archive and a later crawl of reprints would be loaded in.
        originals = write_copies(args.corpus, work / "copies", args.copies)
        sources = [str(args.corpus), str(work / "copies")]
        if "duplicates" not in args.skip or "kill" not in args.skip:
            full = duplicates(sources, originals, work, args.names)
        if "kill" not in args.skip:
            kill_and_resume(sources, full, work)
        if "workers" not in args.skip:
            workers(sources, work)
        if "memory" not in args.skip:
            peak_memory([int(n) for n in args.memory.split(",")], args.corpus, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
