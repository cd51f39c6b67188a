"""Draw resolved pronoun and nominal quote speakers from AllSides articles, for a hand check.

Usage: python benchmarks/speaker_sample.py SEED OUT [--data FILE] [--count N] [--labels DIR]
                                           [--per-article K]

How the checks in labels/allsides-speaker-check-*.tsv from the seventh on were drawn: lines
1,001 to 10,000 of the data set's JSON lines, random.sample of 400 with the given seed, leaving
out the articles of the checks already in --labels; the sampled articles are analysed in that
order until N distinct speaker spans (default 50) are resolved to an entity whose name shares
no word with the speaker as written ("he", "who", "his spokesman", "the Republican"). OUT
(JSON lines, kept outside the repository: it holds article text) gets, for each, the article
id, the speaker's offsets, the speaker as written, the entity, the quote and the paragraph with
the two before, for a reader to judge; the label file then keeps only the id, the offsets and
the verdict. From the eighth check on, ``--per-article 5`` takes at most five speakers from one
article, so that a sample spreads over more articles.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "allsides" / "articles.jsonl.gz"
FIELDS = ("id", "url", "outlet", "published", "title", "text")


def checked_articles(labels: Path) -> set[str]:
    """Return the ids of the articles the hand checks in the folder have read."""
    ids = set()
    for path in labels.glob("allsides-speaker-check*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                ids.add(line.split("\t")[0])
    return ids


def words(name: str) -> set[str]:
    return {w.casefold().strip(".,'’s") for w in re.split(r"[\s\-]+", name)} - {""}


def paragraphs_before(article, start: int, before: int = 2) -> str:
    """Return the paragraph holding the offset and the `before` paragraphs ahead of it."""
    number = next((k for k, b in enumerate(article.blocks) if b.start <= start < b.end), None)
    if number is None:
        return article.text[max(0, start - 800):start + 300]
    return "\n".join(article.text[b.start:b.end] for b in article.blocks[max(0, number - before):number + 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--labels", type=Path, default=ROOT / "labels")
    parser.add_argument("--per-article", type=int, default=None, help="at most this many speakers from one article")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"error: {args.data} is not a file; pass the AllSides articles with --data", file=sys.stderr)
        return 2

    from presslens.errors import InputError
    from presslens.ingest.sources import iter_raw_articles
    from presslens.pipeline import analyze_stream

    with gzip.open(args.data, "rt", encoding="utf-8") as source:
        pool = [json.loads(line) for line in source][1000:]
    random.seed(args.seed)
    left_out = checked_articles(args.labels)
    sample = [item for item in random.sample(pool, 400) if item["id"] not in left_out]
    rows: list[dict] = []
    drawn: set[tuple[str, int]] = set()  # (article, speaker start): one row a speaker span
    with tempfile.TemporaryDirectory() as work:
        lines = Path(work) / "sample.jsonl"
        lines.write_text("".join(json.dumps({k: item.get(k) for k in FIELDS}) + "\n" for item in sample),
                         encoding="utf-8")
        for article in analyze_stream(iter_raw_articles([str(lines)])):
            if isinstance(article, InputError):
                continue
            taken = 0
            for quote in article.quotes:
                if args.per_article is not None and taken >= args.per_article:
                    break
                speaker = quote.speaker
                entity = article.entity(speaker.entity_id) if speaker else None
                if entity is None or words(entity.name) & words(speaker.text) or (article.id, speaker.start) in drawn:
                    continue  # a name, or a speaker already drawn for another quote
                drawn.add((article.id, speaker.start))
                taken += 1
                rows.append({"article": article.id, "start": speaker.start, "end": speaker.end,
                             "speaker": speaker.text, "entity": entity.name, "type": entity.type,
                             "quote": quote.content.text[:200], "context": paragraphs_before(article, speaker.start)})
            if len(rows) >= args.count:
                break
    rows = rows[:args.count]
    args.out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"{len(rows)} speakers from {len({r['article'] for r in rows})} articles written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
