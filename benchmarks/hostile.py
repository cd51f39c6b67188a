"""Mutation run: real articles made hostile at random, counted for crashes and broken spans.

Usage: python benchmarks/hostile.py [--corpus FILE] [--limit N] [--seed S] [--start N]

Each article of the corpus (by default the AllSides sample in ../shared/data, read at run
time) is mutated with a fixed seed: hostile characters (control, zero-width, bidi, combining,
line and paragraph separators, low quotation marks, NUL) inserted anywhere, punctuation swapped
for look-alikes, paragraphs cut short or dropped, and one article in five wrapped in nested
markup. Every mutated article goes through the whole pipeline in one process. A crash is an
article the pipeline could not analyse (an extractor raising) or a record whose spans do not
match its text; an article rejected with a clear InputError (no text left, say) is counted
apart. Prints the counts and the first crashes; exits 1 when there is any. With --start, the
articles before that number are mutated (the mutations depend on all that came before) but not
analysed, so two runs, one to --limit N and one from --start N, share a long run between cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"

HOSTILE = [
    "\u201a", "\u201e", "\u2028", "\u2029", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u0301", "\u0336", "\u20dd", "\x0c", "\x00",
    "\x1b", "\x7f", "\ufffd", "\U0001f600", "\U0001f1fa\U0001f1f8", "\u0627\u0644", "\u4e2d",
    "\t", "\r", "\n", "\n\n", " ", "\u00a0", "\u3000", "<", ">", "&amp;", "\\", "{", "}", "\"", "'",
]
PUNCTUATION = list(".,;:!?\"'()[]-") + ["\u201a", "\u201e", "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab",
                                         "\u00bb", "\u2026", "\u2013", "\u2014", "\u2032", "\u2033", "`", "\u00b4"]


def load_articles(corpus: Path, limit: int) -> Iterator[dict]:
    """Yield up to `limit` articles (JSON objects with a text) of a JSON-lines file, gzip or not."""
    opener = gzip.open if corpus.name.endswith(".gz") else open
    with opener(corpus, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                return
            yield json.loads(line)


def mutate(text: str, rng: random.Random) -> str:
    """Return the text with hostile characters inserted, punctuation swapped and paragraphs cut."""
    paragraphs = text.split("\n")
    if len(paragraphs) > 2 and rng.random() < 0.5:
        del paragraphs[rng.randrange(len(paragraphs))]
    for _ in range(rng.randint(0, 3)):
        number = rng.randrange(len(paragraphs))
        paragraph = paragraphs[number]
        if paragraph:
            paragraphs[number] = paragraph[: rng.randrange(len(paragraph) + 1)]
    chars = list("\n".join(paragraphs))
    marks = [i for i, c in enumerate(chars) if c in PUNCTUATION]
    for position in rng.sample(marks, min(len(marks), rng.randint(1, 40))):
        chars[position] = rng.choice(PUNCTUATION)
    for _ in range(rng.randint(1, 60)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(HOSTILE))
    # Runs of one hostile character at a word's edge: where spans are trimmed and widened.
    for _ in range(rng.randint(0, 3)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(HOSTILE) * rng.randint(2, 12))
    return "".join(chars)


def as_markup(text: str, rng: random.Random) -> str:
    """Return the text as an HTML page, its paragraphs in nested, some unclosed, elements."""
    depth = rng.randint(1, 400)
    opening = "".join(rng.choice(("<div>", "<span>", "<b>", "<i><p>", "<section>")) for _ in range(depth))
    body = "".join(f"<p>{p}</p>" if rng.random() < 0.8 else f"<p>{p}" for p in text.split("\n"))
    return f"<html><head><title>{text[:60]}</title></head><body>{opening}{body}</body></html>"


def mutated_items(corpus: Path, limit: int, seed: int, start: int = 0):
    """Yield a RawArticle for each mutated article from number `start` on, in corpus order."""
    from presslens.ingest.document import RawArticle
    from presslens.record import Source

    rng = random.Random(seed)
    for number, item in enumerate(load_articles(corpus, limit)):
        text = mutate(item.get("text") or "", rng)
        html = rng.random() < 0.2
        content = as_markup(text, rng) if html else text
        title = mutate(item.get("title") or "", rng) or None
        if number >= start:
            yield RawArticle(id=f"mutant-{number}", content=content, is_html=html, title=title,
                             source=Source(path=f"mutant {number}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=10_000, help="how many articles to mutate and analyse")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--start", type=int, default=0, help="the first article to analyse (those before are only mutated)")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2

    from presslens.pipeline import analyze_stream
    from presslens.record import Article

    tried = analysed = rejected = 0
    crashes: list[str] = []
    reasons: list[str] = []
    started = time.perf_counter()
    for result in analyze_stream(mutated_items(args.corpus, args.limit, args.seed, args.start)):
        tried += 1
        if isinstance(result, Article):
            analysed += 1
            faults = result.broken_spans()
            try:
                result.model_dump_json()
            except ValueError as error:  # pydantic's serialisation errors are ValueErrors
                faults.append(f"does not serialise ({error})")
            if faults:
                crashes.append(f"{result.source.path}: {faults[0]}")
        elif "could not be analysed" in str(result):
            crashes.append(str(result))
        else:
            rejected += 1
            reasons.append(str(result))
        if tried % 500 == 0:
            print(f"… {tried} tried, {len(crashes)} crashes", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    span = f"articles {args.start} to {args.limit - 1}, " if args.start else ""
    print(f"{tried} mutated articles tried ({span}seed {args.seed}): {analysed} analysed, {rejected} rejected "
          f"with an input error, {len(crashes)} crashes, in {seconds:.0f} s")
    for line in crashes[:20]:
        print(f"  crash: {line}")
    for line in reasons[:5]:
        print(f"  rejected: {line}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
