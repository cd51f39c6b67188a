"""Time and peak memory of analysing one very long text, at several sizes.

Usage: python benchmarks/long_text.py [--corpus FILE] [--sizes 1,2,4]

Each text is real articles (by default the AllSides sample in ../shared/data, read at run
time) joined with blank lines until it holds the given number of megabytes of UTF-8. Each
size is analysed in a fresh process, so its peak resident memory is its own; prints seconds,
seconds per megabyte (flat when time grows linearly) and peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"


def long_text(corpus: Path, megabytes: float) -> str:
    """Return articles of the corpus joined by blank lines, up to the given size in UTF-8."""
    wanted = int(megabytes * 1_000_000)
    parts, size = [], 0
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line).get("text") or ""
            parts.append(text)
            size += len(text.encode("utf-8")) + 2
            if size >= wanted:
                break
    return "\n\n".join(parts).encode("utf-8")[:wanted].decode("utf-8", "ignore")


def measure_one(corpus: Path, megabytes: float) -> None:
    """Analyse one text of that size here and print a JSON line of what it cost."""
    from presslens.ingest.document import RawArticle
    from presslens.nlp import load_pipeline
    from presslens.pipeline import analyze_stream
    from presslens.record import Article

    text = long_text(corpus, megabytes)
    load_pipeline()
    started = time.perf_counter()
    [result] = analyze_stream([RawArticle(id="long", content=text)])
    seconds = time.perf_counter() - started
    ok = isinstance(result, Article) and not result.broken_spans()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mb": megabytes, "chars": len(text), "seconds": seconds, "peak_rss_mb": peak_mb,
                      "analysed": ok, "entities": len(result.entities) if ok else 0}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="1,2,4", help="megabytes, comma-separated")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)  # the child process's size
    args = parser.parse_args(argv)
    if args.one:
        measure_one(args.corpus, args.one)
        return 0
    print(f"{'MB':>4} {'chars':>10} {'seconds':>8} {'s/MB':>6} {'peak RSS':>9}  record")
    for size in (float(s) for s in args.sizes.split(",")):
        child = subprocess.run([sys.executable, __file__, "--corpus", str(args.corpus), "--one", str(size)],
                               capture_output=True, text=True)
        if child.returncode:
            print(f"{size:>4g} failed: {(child.stderr.strip().splitlines() or ['?'])[-1]}")
            continue
        row = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{size:>4g} {row['chars']:>10,} {row['seconds']:>8.1f} {row['seconds'] / size:>6.1f} "
              f"{row['peak_rss_mb']:>7.0f} MB  {'sound' if row['analysed'] else 'FAILED'}, "
              f"{row['entities']:,} entities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
