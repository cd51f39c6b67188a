"""Watching feeds and sitemaps: what is fetched, in what order, how often, and what is stored.

Every request goes to a site on 127.0.0.1 (tests/website.py); delays are set short.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from presslens.cli import main
from presslens.corpus.store import open_store
from presslens.ingest.fetch import Fetcher, Politeness
from presslens.watch.poll import Watcher, WatchOptions
from presslens.watch.sources import read_sources
from presslens.watch.state import MAX_TRIES, source_rows
from website import Reply, Website

QUICK = Politeness(delay=0.0, backoff=0.05, timeout=3.0)
TOWNS = ["Arlen", "Brisk", "Corvel", "Dunmore", "Eskby", "Fallow", "Greywick", "Holm", "Istra", "Jarrow",
         "Kelso", "Lindqvist"]
WHAT = ["opened a new library", "closed the old bridge for repairs", "voted to extend the night bus",
        "raised the parking fee", "planted four hundred trees", "hired twelve teachers"]


def article_page(number: int, canonical: str | None = None) -> str:
    """Return a short news page of our own, different for every number."""
    town, what = TOWNS[number % len(TOWNS)], WHAT[number % len(WHAT)]
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<!doctype html><html><head><title>{town} council {what}</title>{link}</head><body><article>"
            f"<h1>{town} council {what}</h1><p>The council of {town} {what} on Tuesday, item {number} on its "
            f"agenda, after a debate of {number + 2} hours.</p><p>\"We listened to the residents,\" said "
            f"councillor Mara Quint of {town}.</p></article></body></html>")


def rss(site: Website, paths: list[str], title: str = "County Desk") -> str:
    items = "".join(f"<item><title>Item {p}</title><link>{site.url(p)}</link>"
                    f"<pubDate>Tue, 05 Mar 2024 09:00:00 GMT</pubDate></item>" for p in paths)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>{items}</channel></rss>"


def sitemap(site: Website, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{site.url(p)}</loc><lastmod>2024-03-05</lastmod></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def serve_pages(site: Website, numbers, delay: float = 0.0) -> list[str]:
    paths = [f"/news/{n}" for n in numbers]
    for number, path in zip(numbers, paths):
        site.replies[path] = Reply(article_page(number), delay=delay)
    return paths


@pytest.fixture
def site():
    with Website() as running:
        yield running


def poll(db, urls: list[str], politeness: Politeness = QUICK, force: bool = True, **options):
    """Return the report of one poll, run as a fresh watcher would (a restart every time)."""
    with open_store(db) as store:
        watcher = Watcher(store, Fetcher(politeness), WatchOptions(**options))
        try:
            watcher.add_sources([(u, None) for u in urls])
            return watcher.poll(urls, force=force)
        finally:
            watcher.close()


def stored(db) -> dict[str, str]:
    """Return url -> title of every stored article."""
    with open_store(db) as store:
        return {r["url"]: r["title"] for r in store.query("SELECT url, title FROM articles ORDER BY seq")}


def states(db) -> dict[str, str]:
    with open_store(db) as store:
        return {r["address"]: r["state"] for r in store.query("SELECT address, state FROM watch_urls ORDER BY seq")}


def test_a_first_poll_stores_every_page_and_a_second_costs_only_304s(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    feed_pages, map_pages = serve_pages(site, range(3)), serve_pages(site, range(3, 5))
    site.replies["/feed.xml"] = Reply(rss(site, feed_pages), type="application/rss+xml", etag='"feed-1"')
    site.replies["/sitemap.xml"] = Reply(sitemap(site, map_pages), type="application/xml",
                                         last_modified="Tue, 05 Mar 2024 09:00:00 GMT")
    sources = [site.url("/feed.xml"), site.url("/sitemap.xml")]
    first = poll(db, sources)
    assert (first.new, first.stored, first.failed) == (5, 5, 0)
    # Sources are read first, in order; the pages then come from several fetch threads, whose
    # turns at the site's one request slot follow no fixed order.
    assert site.paths()[:3] == ["/robots.txt", "/feed.xml", "/sitemap.xml"]
    assert sorted(site.paths()[3:]) == sorted([*feed_pages, *map_pages])
    assert set(stored(db)) == {site.url(p) for p in feed_pages + map_pages}
    with open_store(db) as store:
        dated = store.query("SELECT published FROM articles WHERE url = ?", (site.url(feed_pages[0]),))
    assert dated[0]["published"] == "2024-03-05"  # the feed's date

    site.hits.clear()
    second = poll(db, sources)
    assert (second.unchanged, second.new, second.stored) == (2, 0, 0)
    assert site.paths() == ["/robots.txt", "/feed.xml", "/sitemap.xml"]
    assert [h.status for h in site.hits[1:]] == [304, 304]
    assert site.hits[1].headers["if-none-match"] == '"feed-1"'
    assert site.hits[2].headers["if-modified-since"] == "Tue, 05 Mar 2024 09:00:00 GMT"


def test_a_feed_that_changes_between_polls_costs_only_its_new_items(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    pages = serve_pages(site, range(4))
    site.replies["/feed.xml"] = Reply(rss(site, pages[:2]), type="application/rss+xml", etag='"v1"')
    poll(db, [site.url("/feed.xml")])
    # The feed moves on: one item drops off the end, two new ones arrive on top.
    site.replies["/feed.xml"] = Reply(rss(site, [pages[3], pages[2], pages[1]]), type="application/rss+xml", etag='"v2"')
    site.hits.clear()
    report = poll(db, [site.url("/feed.xml")])
    assert (report.new, report.seen, report.stored) == (2, 1, 2)
    assert site.paths()[:2] == ["/robots.txt", "/feed.xml"] and sorted(site.paths()[2:]) == sorted(pages[2:])
    assert len(stored(db)) == 4


def test_robots_txt_disallowed_pages_are_never_fetched(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    site.replies["/robots.txt"] = Reply("User-agent: *\nDisallow: /members/\n", type="text/plain")
    pages = serve_pages(site, range(2))
    site.replies["/members/7"] = Reply(article_page(7))
    site.replies["/feed.xml"] = Reply(rss(site, [pages[0], "/members/7", pages[1]]), type="application/rss+xml")
    report = poll(db, [site.url("/feed.xml")])
    again = poll(db, [site.url("/feed.xml")])
    assert (report.stored, report.disallowed, again.new) == (2, 1, 0)
    assert "/members/7" not in site.paths()
    assert states(db)[site.url("/members/7")] == "disallowed"


def test_the_same_article_under_two_addresses_is_stored_once(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    site.replies["/news/1"] = Reply(article_page(1))
    site.replies["/amp/1"] = Reply(article_page(1, canonical=site.url("/news/1")))  # another rendering
    site.replies["/news/2"] = Reply(article_page(2))
    site.replies["/feed.xml"] = Reply(rss(site, ["/news/1?utm_source=rss", "/news/1#comments", "/news/2"]),
                                      type="application/rss+xml")
    site.replies["/other.xml"] = Reply(rss(site, ["/amp/1", "/news/2?utm_medium=feed"]), type="application/rss+xml")
    report = poll(db, [site.url("/feed.xml"), site.url("/other.xml")])
    assert (report.new, report.seen, report.stored, report.duplicates) == (3, 1, 2, 1)
    assert site.count("/news/1?utm_source=rss") == 1 and site.count("/news/1#comments") == 0
    assert sorted(stored(db)) == [site.url("/news/1"), site.url("/news/2")]


def test_busy_and_failing_pages_are_retried_politely(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    pages = serve_pages(site, range(2))
    site.replies[pages[0]] = [Reply("wait", status=429, type="text/plain", headers={"Retry-After": "1"}),
                              Reply(article_page(0))]
    site.replies["/news/down"] = Reply("down", status=503, type="text/plain")
    site.replies["/news/gone"] = Reply("gone", status=404, type="text/plain")
    site.replies["/feed.xml"] = Reply(rss(site, [*pages, "/news/down", "/news/gone"]), type="application/rss+xml")
    first = poll(db, [site.url("/feed.xml")])
    assert (first.stored, first.failed, first.retrying) == (2, 2, 1)
    hits = [h for h in site.hits if h.path == pages[0]]
    assert hits[1].start - hits[0].start >= 0.95  # Retry-After: 1
    assert site.count("/news/down") == 1 + QUICK.retries
    assert states(db)[site.url("/news/gone")] == "failed"
    assert states(db)[site.url("/news/down")] == "pending"  # may come back: tried at the next poll
    for _ in range(MAX_TRIES - 1):
        poll(db, [site.url("/feed.xml")])
    assert states(db)[site.url("/news/down")] == "failed"
    assert site.count("/news/gone") == 1  # a 404 is not asked again
    with open_store(db) as store:
        errors = {r["source"]: r["message"] for r in store.query("SELECT source, message FROM errors")}
    assert errors[site.url("/news/gone")] == "the server answered 404 Not Found"


def test_sitemap_indexes_huge_and_binary_pages(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    pages = serve_pages(site, range(3))
    site.replies["/huge"] = Reply("<html><body><p>" + "word " * 400_000 + "</p></body></html>")
    site.replies["/photo"] = Reply(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40, type="image/jpeg")
    site.replies["/sitemap-a.xml"] = Reply(sitemap(site, pages[:2]), type="application/xml")
    site.replies["/sitemap-b.xml"] = Reply(sitemap(site, [pages[2], "/huge", "/photo"]), type="application/xml")
    site.replies["/sitemap.xml"] = Reply(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f'<sitemap><loc>{site.url("/sitemap-a.xml")}</loc></sitemap>'
        f'<sitemap><loc>{site.url("/sitemap-b.xml")}</loc></sitemap></sitemapindex>', type="application/xml")
    report = poll(db, [site.url("/sitemap.xml")], Politeness(delay=0.0, max_bytes=1_000_000))
    assert (report.sources, report.stored, report.failed) == (3, 3, 2)
    assert site.paths()[:4] == ["/robots.txt", "/sitemap.xml", "/sitemap-a.xml", "/sitemap-b.xml"]
    with open_store(db) as store:
        rows = {r["url"]: r for r in source_rows(store)}
        errors = {r["source"]: r["message"] for r in store.query("SELECT source, message FROM errors")}
    assert rows[site.url("/sitemap-b.xml")]["parent"] == site.url("/sitemap.xml")
    assert rows[site.url("/sitemap-b.xml")]["stored"] == 1 and rows[site.url("/sitemap-b.xml")]["failed"] == 2
    assert "over the 1,000,000-byte limit" in errors[site.url("/huge")]
    assert errors[site.url("/photo")] == "is image/jpeg, not an HTML page, a feed or a sitemap"


def test_no_site_gets_more_requests_at_once_than_allowed(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    pages = serve_pages(site, range(8), delay=0.15)
    site.replies["/feed.xml"] = Reply(rss(site, pages), type="application/rss+xml")
    report = poll(db, [site.url("/feed.xml")], Politeness(delay=0.0, per_site=2), fetchers=6)
    assert report.stored == 8
    assert site.most_active == 2


def test_sources_come_from_addresses_opml_and_text_files(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="Wire">'
                    '<outline text="County Desk" xmlUrl="https://county.example/rss"/>'
                    '<outline text="Harbour" title="Harbour Post" xmlUrl="https://harbour.example/feed"/>'
                    '</outline></body></opml>')
    listed = tmp_path / "sources.txt"
    listed.write_text("# our sitemaps\nhttps://county.example/sitemap.xml\n\nhttps://county.example/rss\n")
    assert read_sources(["https://first.example/atom", str(opml), str(listed)]) == [
        ("https://first.example/atom", None), ("https://county.example/rss", "County Desk"),
        ("https://harbour.example/feed", "Harbour Post"), ("https://county.example/sitemap.xml", None)]
    (tmp_path / "bad.txt").write_text("https://ok.example/rss\nftp://old.example/feed\n")
    assert main(["watch", str(tmp_path / "bad.txt"), "--db", str(tmp_path / "c.db"), "--once"]) == 2
    assert main(["watch", str(tmp_path / "none.opml"), "--db", str(tmp_path / "c.db"), "--once"]) == 2


def test_an_article_address_given_as_a_source_is_fetched_once(site, tmp_path, nlp):
    db = tmp_path / "corpus.db"
    [page] = serve_pages(site, [5])
    listed = tmp_path / "urls.txt"
    listed.write_text(site.url(page) + "\n")
    assert main(["watch", str(listed), "--db", str(db), "--once", "--delay", "0"]) == 0
    assert main(["watch", "--db", str(db), "--once", "--delay", "0"]) == 0  # the stored sources, polled again
    assert site.paths() == ["/robots.txt", page]
    assert list(stored(db)) == [site.url(page)]


def test_the_cli_prints_a_line_per_poll_and_a_summary_and_lists_sources(site, tmp_path, capsys, nlp):
    db = tmp_path / "corpus.db"
    pages = serve_pages(site, range(2))
    site.replies["/feed.xml"] = Reply(rss(site, pages), type="application/rss+xml", etag='"x"')
    assert main(["watch", site.url("/feed.xml"), "--db", str(db), "--once", "--delay", "0",
                 "--user-agent", "CountyMonitor/1.0 (+mailto:desk@county.example)"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("poll 1: 1 sources (1 changed, 0 unchanged, 0 failed); links 2 new, 0 seen; "
                             "pages 2 stored, 0 duplicates, 0 failed")
    assert out[1].startswith("watched 1 poll: 2 stored, 0 duplicates, 0 failed, 0 disallowed; 0 waiting")
    assert {h.headers["user-agent"] for h in site.hits} == {"CountyMonitor/1.0 (+mailto:desk@county.example)"}
    assert main(["sources", "--db", str(db), "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["url"], row["kind"], row["title"], row["last_result"], row["last_new"], row["stored"]) == (
        site.url("/feed.xml"), "feed", "County Desk", "changed", 2, 2)
    assert main(["sources", "--db", str(db)]) == 0
    assert "feed" in capsys.readouterr().out


def test_the_web_app_shows_each_sources_last_poll(site, tmp_path, nlp):
    from fastapi.testclient import TestClient

    from presslens.web.app import create_app

    db = tmp_path / "corpus.db"
    pages = serve_pages(site, range(2))
    site.replies["/feed.xml"] = Reply(rss(site, pages, title="County &lt;Desk&gt;"), type="application/rss+xml")
    site.replies["/gone.xml"] = Reply("gone", status=410, type="text/plain")
    poll(db, [site.url("/feed.xml"), site.url("/gone.xml")])
    with TestClient(create_app(db)) as client:
        page = client.get("/sources")
        api = client.get("/api/sources").json()
    assert page.status_code == 200
    assert "County &lt;Desk&gt;" in page.text and "<Desk>" not in page.text
    assert "the server answered 410 Gone" in page.text
    feed = next(r for r in api if r["url"] == site.url("/feed.xml"))
    assert (feed["last_new"], feed["stored"], feed["last_result"]) == (2, 2, "changed")


def test_watching_into_postgresql(site, postgres, nlp):
    url = postgres.new_database()
    pages = serve_pages(site, range(3))
    site.replies["/feed.xml"] = Reply(rss(site, pages), type="application/rss+xml", etag='"pg"')
    first = poll(url, [site.url("/feed.xml")])
    second = poll(url, [site.url("/feed.xml")])
    assert (first.stored, second.unchanged, second.stored) == (3, 1, 0)
    assert set(stored(url)) == {site.url(p) for p in pages}
    assert set(states(url).values()) == {"stored"}


def _run(db: Path, source: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "presslens.cli", "watch", source, "--db", str(db), "--delay", "0",
               "--batch-size", "2", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db) as plain:
            return plain.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _snapshot(db: Path) -> dict:
    with sqlite3.connect(db) as plain:
        return {"articles": plain.execute("SELECT id, url, title, text, record FROM articles ORDER BY id").fetchall(),
                "urls": plain.execute("SELECT url, state, article_id FROM watch_urls ORDER BY url").fetchall(),
                "entities": plain.execute("SELECT name, type, articles, mentions FROM corpus_entities"
                                          " ORDER BY name, type").fetchall()}


def test_a_watcher_killed_mid_poll_resumes_to_the_same_store(site, tmp_path, nlp):
    pages = serve_pages(site, range(12), delay=0.15)
    site.replies["/feed.xml"] = Reply(rss(site, pages), type="application/rss+xml", etag='"k"')
    whole = tmp_path / "whole.db"
    poll(whole, [site.url("/feed.xml")], batch_size=2)
    site.hits.clear()

    killed = tmp_path / "killed.db"
    running = _run(killed, site.url("/feed.xml"), "--once")
    deadline = time.monotonic() + 60
    while _count(killed, "SELECT COUNT(*) FROM articles") < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGKILL)
    running.wait()
    kept = {r[0] for r in _snapshot(killed)["urls"] if r[1] == "stored"}
    assert 4 <= len(kept) < 12
    # Started again, as a watcher on schedule: stopped with Ctrl-C once it has stored the rest.
    again = _run(killed, site.url("/feed.xml"), "--every", "1h")
    while _count(killed, "SELECT COUNT(*) FROM articles") < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    again.send_signal(signal.SIGINT)
    out, err = again.communicate(timeout=30)
    assert again.returncode == 0, err
    assert "stopped by Ctrl-C" in err and "Traceback" not in err
    assert out.splitlines()[-1].startswith("watched 1 poll: ")
    assert _snapshot(killed) == _snapshot(whole)
    for path in pages:  # nothing stored before the kill was fetched again; the rest at most twice
        assert site.count(path) == 1 if site.url(path) in kept else site.count(path) <= 2
    assert sum(site.count(p) for p in pages) <= 12 + 2 * 4  # at most the batches in flight fetched twice
