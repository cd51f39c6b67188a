"""`presslens watch`, measured against local sites: polls, conditional requests, robots.txt, limits, kill -9.

Usage: python benchmarks/watch.py [--sites 4] [--feeds 20] [--pages 2000] [--added 100] [--out FILE]

The sites are the test suite's loopback site (tests/website.py), one server per site on
127.0.0.1; nothing leaves the machine. Each site serves a robots.txt that disallows
/members/, some feeds of the site's pages (each feed also lists two /members/ pages), and
the pages, short news items composed here from sentences written for this benchmark. Every
step runs the real `presslens watch --once` in a child process, with 2 analysis workers and
2 requests at a time per site:

  first      a first poll: is every page stored, each fetched once, none disallowed fetched?
  second     a second poll: only conditional requests (304s), no page fetched?
  kill       a new store, its first poll killed with SIGKILL halfway, then run again: is the
             store the same as the uninterrupted one (articles, records, addresses, entities)?
  added      the feeds list `--added` new items: does the next poll store exactly those?
  parse      the bare spaCy parse of the stored texts in one process, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from website import Reply, Website  # noqa: E402 (the test suite's loopback site)

PRESSLENS = [sys.executable, "-m", "presslens.cli"]
TOWNS = ["Arlen", "Brisk", "Corvel", "Dunmore", "Eskby", "Fallow", "Greywick", "Holm", "Istra", "Jarrow",
         "Kelso", "Lindqvist", "Marrow", "Nesby", "Orrin", "Pellam", "Quarry", "Rusk", "Selby", "Tarn"]
PEOPLE = ["Mara Quint", "Olek Varga", "Ines Moll", "Tobias Renn", "Sade Okafor", "Lena Brask", "Piet Aalders",
          "Runa Holt", "Cyril Mendt", "Dana Ferro"]
ROLES = ["Mayor", "councillor", "union leader", "police spokesman", "head teacher", "harbour master"]
EVENTS = [
    "the council of {town} approved {n} million euros for a new tram depot",
    "about {n} workers marched through {town} against the closure of the paper mill",
    "a fire destroyed {n} warehouses in the port of {town} overnight",
    "the regional court in {town} sentenced {n} men for fraud",
    "{n} families were moved out of flooded streets in {town}",
    "the school board of {town} hired {n} new teachers for the autumn",
    "the hospital in {town} opened a ward with {n} beds",
    "police in {town} arrested {n} people after clashes near the stadium",
]
QUOTES = ["We will not give up on this town", "This is a good day for everyone who lives here",
          "The money was promised years ago", "Nobody was hurt, and that is what matters",
          "We need answers before the winter", "The decision came far too late"]
CLOSERS = ["The vote was {n} to {m}.", "A further meeting is planned for {day}.", "Work is due to start on {day}.",
           "The regional government has not yet commented.", "An inquiry will report within {n} weeks."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def page_html(number: int) -> str:
    """Return news item `number`: a headline and three short paragraphs, different for every number."""
    rng = random.Random(number)
    town, person, role = rng.choice(TOWNS), rng.choice(PEOPLE), rng.choice(ROLES)
    event = rng.choice(EVENTS).format(town=town, n=rng.randint(3, 900))
    quote = rng.choice(QUOTES)
    closer = rng.choice(CLOSERS).format(n=rng.randint(2, 30), m=rng.randint(1, 20), day=rng.choice(DAYS))
    title = f"{town}: {event.split(' ', 3)[-1][:60]} (report {number})"
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>On {rng.choice(DAYS)}, {event}, officials said.</p>"
            f"<p>\"{quote},\" said {role} {person}.</p><p>{closer}</p></article></body></html>")


def rss(site: Website, paths: list[str], title: str) -> str:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link>"
                    "<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate></item>" for p in paths)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>{items}</channel></rss>"


class Network:
    """The local sites, their feeds and pages; `add` puts new items on top of every feed."""

    def __init__(self, sites: int, feeds: int, pages: int):
        self.sites = [Website().__enter__() for _ in range(sites)]
        self.feeds: list[tuple[Website, str, list[str]]] = []
        self.next_page = 0
        per_feed = pages // feeds
        for number in range(feeds):
            site = self.sites[number % sites]
            site.replies["/robots.txt"] = Reply("User-agent: *\nDisallow: /members/\n", type="text/plain")
            paths = [self._new_page(site) for _ in range(per_feed)]
            paths += [f"/members/{number}-{k}" for k in range(2)]
            for path in paths[-2:]:
                site.replies[path] = Reply(page_html(10_000 + number))
            self.feeds.append((site, f"/feed-{number}.xml", paths))
            self._publish(len(self.feeds) - 1, version=1)

    def _new_page(self, site: Website) -> str:
        path = f"/news/{self.next_page}"
        # A short wait per page, as a real server has, so that requests overlap.
        site.replies[path] = Reply(page_html(self.next_page), delay=0.01)
        self.next_page += 1
        return path

    def _publish(self, index: int, version: int) -> None:
        site, path, paths = self.feeds[index]
        site.replies[path] = Reply(rss(site, paths, f"Feed {index}"), type="application/rss+xml",
                                   etag=f'"{path}-v{version}"')

    def add(self, items: int) -> list[str]:
        """Return the addresses of `items` new pages, spread over the feeds, after publishing them."""
        added = []
        for number in range(items):
            index = number % len(self.feeds)
            site, _, paths = self.feeds[index]
            path = self._new_page(site)
            paths.insert(0, path)
            added.append(site.url(path))
        for index in range(len(self.feeds)):
            self._publish(index, version=2)
        return added

    def feed_urls(self) -> list[str]:
        return [site.url(path) for site, path, _ in self.feeds]

    def clear(self) -> None:
        for site in self.sites:
            site.hits.clear()
            site.most_active = 0

    def hits(self) -> list[tuple[str, int]]:
        """Return (path, status) of every request since the last clear, all sites together."""
        return [(hit.path, hit.status) for site in self.sites for hit in list(site.hits)]

    def close(self) -> None:
        for site in self.sites:
            site.__exit__(None, None, None)


def run_watch(db: Path, sources: Path, kill_at: int | None = None) -> dict:
    """Return the seconds, exit code and last line of one `presslens watch --once` (killed at kill_at articles)."""
    command = [*PRESSLENS, "watch", str(sources), "--db", str(db), "--once", "--workers", "2", "--per-site", "2",
               "--delay", "0", "--fetchers", "8"]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_at is not None:
        while child.poll() is None and count(db, "SELECT COUNT(*) FROM articles") < kill_at:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
        return {"seconds": round(time.perf_counter() - started, 1), "killed_at": count(db, "SELECT COUNT(*) FROM articles")}
    out, err = child.communicate()
    lines = out.strip().splitlines()
    took = re.search(r" in ([\d.]+) s$", lines[0]) if lines else None
    return {"seconds": round(time.perf_counter() - started, 1), "exit": child.returncode,
            "poll_seconds": float(took.group(1)) if took else None, "poll": lines[0] if lines else err.strip()[-500:]}


def count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db) as plain:
            return plain.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def snapshot(db: Path) -> dict:
    """Return the store's content that must not depend on how the run went: articles, addresses, entities."""
    with sqlite3.connect(db) as plain:
        return {
            "articles": plain.execute("SELECT id, url, title, published, text, record FROM articles ORDER BY id").fetchall(),
            "addresses": plain.execute("SELECT url, state, article_id FROM watch_urls ORDER BY url").fetchall(),
            "entities": plain.execute("SELECT name, type, articles, mentions FROM corpus_entities"
                                      " ORDER BY name, type, articles, mentions").fetchall(),
            "duplicates": plain.execute("SELECT article_id, canonical_id FROM duplicates ORDER BY article_id").fetchall(),
        }


def page_requests(hits: list[tuple[str, int]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path, _ in hits:
        if path.startswith("/news/"):
            counts[path] = counts.get(path, 0) + 1
    return counts


def bare_parse_rate(db: Path) -> float:
    """Return texts per second of the bare spaCy parse of the stored texts, in this process."""
    from presslens.nlp import load_pipeline

    with sqlite3.connect(db) as plain:
        texts = [row[0] for row in plain.execute("SELECT text FROM articles ORDER BY seq")]
    nlp = load_pipeline()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return len(texts) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--added", type=int, default=100)
    parser.add_argument("--out", help="also write the figures to this JSON file")
    args = parser.parse_args()
    network = Network(args.sites, args.feeds, args.pages)
    figures: dict = {"sites": args.sites, "feeds": args.feeds, "pages": args.pages}
    try:
        with tempfile.TemporaryDirectory(prefix="presslens-watch-") as folder:
            work = Path(folder)
            sources = work / "feeds.txt"
            sources.write_text("\n".join(network.feed_urls()) + "\n")
            whole, killed = work / "whole.db", work / "killed.db"

            first = run_watch(whole, sources)
            hits = network.hits()
            pages = page_requests(hits)
            figures["first"] = {**first, "stored": count(whole, "SELECT COUNT(*) FROM articles"),
                                "requests": len(hits), "pages_fetched": len(pages),
                                "pages_fetched_twice": sum(1 for n in pages.values() if n > 1),
                                "disallowed_fetched": sum(1 for p, _ in hits if p.startswith("/members/")),
                                "most_at_once_per_site": max(s.most_active for s in network.sites),
                                "pages_per_second": round(args.pages / first["poll_seconds"], 2)}
            before = snapshot(whole)

            network.clear()
            second = run_watch(whole, sources)
            hits = network.hits()
            figures["second"] = {**second, "requests": len(hits),
                                 "conditional_304": sum(1 for p, s in hits if s == 304),
                                 "robots": sum(1 for p, _ in hits if p == "/robots.txt"),
                                 "other": sum(1 for p, s in hits if s != 304 and p != "/robots.txt"),
                                 "store_unchanged": snapshot(whole) == before}

            network.clear()
            run_watch(killed, sources, kill_at=args.pages // 2)
            killed_at = count(killed, "SELECT COUNT(*) FROM articles")
            with sqlite3.connect(killed) as plain:
                kept = {row[0] for row in plain.execute("SELECT address FROM watch_urls WHERE state = 'stored'")}
            network.clear()
            resumed = run_watch(killed, sources)
            hits = network.hits()
            pages = page_requests(hits)
            figures["kill"] = {"killed_at_articles": killed_at, "resumed": resumed,
                               "pages_fetched_after_restart": len(pages),
                               "stored_pages_fetched_again": sum(1 for site in network.sites for hit in site.hits
                                                                 if site.url(hit.path) in kept),
                               "disallowed_fetched": sum(1 for p, _ in hits if p.startswith("/members/")),
                               "most_at_once_per_site": max(s.most_active for s in network.sites),
                               "same_store": snapshot(killed) == before}

            network.clear()
            added = network.add(args.added)
            third = run_watch(whole, sources)
            hits = network.hits()
            with sqlite3.connect(whole) as plain:
                new = {row[0] for row in plain.execute("SELECT url FROM articles WHERE id NOT IN ({})".format(
                    ",".join("?" * len(before["articles"]))), [row[0] for row in before["articles"]])}
            figures["added"] = {**third, "stored": len(new), "exactly_the_new_items": new == set(added),
                                "page_requests": len(page_requests(hits)),
                                "feed_requests": sum(1 for p, _ in hits if p.startswith("/feed-"))}

            rate = bare_parse_rate(whole)
            figures["parse"] = {"bare_parse_texts_per_second": round(rate, 1),
                                "watch_over_bare_parse": round(figures["first"]["pages_per_second"] / rate, 3)}
    finally:
        network.close()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
