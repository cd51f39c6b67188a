"""A large SQLite store for timing queries, grown from a smaller real one by copying its articles.

Usage: python benchmarks/grow_store.py SOURCE_DB TARGET_DB ARTICLES

Writes a copy of SOURCE_DB to TARGET_DB, then adds copies of every stored article (with each
row of its records, new ids `ID~k` and addresses `URL~k`) until it holds at least ARTICLES.
Corpus entities keep their ids and their counts grow with the copies, so an entity in half
the source's articles is in half the grown store's, as it would be in a real corpus that
size; the copies are not marked as near-duplicates, so every query counts them. Stories are
copied as new stories. For timing queries only: building a real store of 10,000 articles
takes an hour of analysis, this a minute.
"""

from __future__ import annotations

import math
import sqlite3
import sys

RECORD_TABLES = ("entities", "mentions", "quotes", "amounts", "events", "framing", "removals")


def grow(source: str, target: str, articles: int) -> tuple[int, int]:
    """Return how many articles the grown store holds and how many copies of each source article it took."""
    with sqlite3.connect(source) as db:
        db.execute("VACUUM INTO ?", (target,))
    db = sqlite3.connect(target, isolation_level=None)
    first = db.execute("SELECT COUNT(*), MAX(seq) FROM articles").fetchone()
    copies = math.ceil(articles / first[0])

    def columns(table: str) -> list[str]:
        return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]

    db.execute("BEGIN")
    for k in range(1, copies):
        named = [c for c in columns("articles") if c != "seq"]
        values = [f"{c} || '~{k}'" if c in ("id", "url") else c for c in named]
        db.execute(f"INSERT INTO articles ({', '.join(named)}) SELECT {', '.join(values)} FROM articles"
                   " WHERE seq <= ? ORDER BY seq", (first[1],))
        for table in RECORD_TABLES:
            named = [f'"{c}"' for c in columns(table)]
            values = [f"article_id || '~{k}'" if c == '"article_id"' else c for c in named]
            db.execute(f"INSERT INTO {table} ({', '.join(named)}) SELECT {', '.join(values)} FROM {table}"
                       " WHERE instr(article_id, '~') = 0")
        named = columns("stories")
        values = [f"id || '~{k}'" if c == "id" else c for c in named]
        db.execute(f"INSERT INTO stories ({', '.join(named)}) SELECT {', '.join(values)} FROM stories"
                   " WHERE instr(id, '~') = 0")
        db.execute(f"INSERT INTO story_articles SELECT article_id || '~{k}', story_id || '~{k}' FROM story_articles"
                   " WHERE instr(article_id, '~') = 0")
    db.execute("INSERT INTO articles_fts (rowid, title, text) SELECT seq, title, text FROM articles WHERE seq > ?",
               (first[1],))
    for table in ("corpus_entities", "corpus_entity_days"):
        db.execute(f"UPDATE {table} SET articles = articles * ?, mentions = mentions * ?", (copies, copies))
    db.execute("COMMIT")
    held = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    db.close()
    return held, copies


def main() -> int:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.splitlines()[2])
    held, copies = grow(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    print(f"{held:,} articles in {sys.argv[2]} ({copies} copies of each of {sys.argv[1]}'s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
