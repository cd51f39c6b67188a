"""What the watcher remembers, kept in the corpus store: receives a store, reads and writes two tables.

`watch_sources` holds each polled feed or sitemap with its validators (ETag, Last-Modified),
when it was last polled, what that poll found and when it is due again. `watch_urls` holds
every article address ever found, under its normalised form, with its state:

- pending: found, not yet stored (fetched on the next drain, also after a crash);
- stored: analysed and stored, in the same transaction as the article itself;
- duplicate: the same article as one already stored (same canonical address or content);
- failed: could not be fetched or analysed (after MAX_TRIES tries when the cause may pass);
- disallowed: robots.txt forbids it; never fetched.

Nothing is durable until the store commits, and the watcher commits a source's links
together with its new validators, so a watcher killed at any moment neither loses an
address nor fetches a stored one again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from presslens.corpus.store import SQLStore
from presslens.ingest.links import Link, seen_key

MAX_TRIES = 3  # a page that failed for a reason that may pass (timeout, 503) is tried this often
PAGE = "page"  # the kind of a source that is itself an article


@dataclass
class Pending:
    """An article address waiting to be fetched."""

    seq: int
    url: str  # the normalised form, the table's key
    address: str  # as the listing gave it
    published: str | None
    tries: int


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    """Return a time as the state tables store it: ISO 8601 in UTC, to the second, sortable as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class WatchState:
    """The watcher's two tables in a store; every write waits for the store's next commit."""

    def __init__(self, store: SQLStore):
        self.store = store

    # -- sources ------------------------------------------------------------------------

    def add_source(self, url: str, title: str | None = None, parent: str | None = None) -> None:
        """Remember a source to poll (a second add keeps its history and takes a new title)."""
        self.store.execute("INSERT INTO watch_sources (url, parent, title, added) VALUES (?, ?, ?, ?)"
                           " ON CONFLICT (url) DO NOTHING", (url, parent, title, stamp(now())))
        if title:
            self.store.execute("UPDATE watch_sources SET title = ? WHERE url = ?", (title, url))

    def source(self, url: str) -> dict | None:
        """Return a source's row, or None."""
        rows = self.store.query("SELECT * FROM watch_sources WHERE url = ?", (url,))
        return rows[0] if rows else None

    def children(self, url: str) -> list[str]:
        """Return the sitemaps a sitemap index listed, in the order found."""
        return [r["url"] for r in self.store.query("SELECT url FROM watch_sources WHERE parent = ? ORDER BY added, url",
                                                   (url,))]

    def top_sources(self) -> list[str]:
        """Return every source given by a user (not found in a sitemap index), in the order added."""
        return [r["url"] for r in self.store.query(
            "SELECT url FROM watch_sources WHERE parent IS NULL ORDER BY added, url")]

    def is_due(self, row: dict, moment: datetime) -> bool:
        """Return True when a source should be polled at this moment: never polled, or its time has come."""
        if row["kind"] == PAGE and row["polls"]:
            return False  # an article listed as a source is read once
        return row["next_poll"] is None or row["next_poll"] <= stamp(moment)

    def next_due(self, urls: Iterable[str]) -> datetime | None:
        """Return the earliest time one of these sources is due, or None when none will be."""
        times = [r["next_poll"] for u in urls if (r := self.source(u)) and r["next_poll"] and
                 not (r["kind"] == PAGE and r["polls"])]
        return datetime.fromisoformat(min(times)) if times else None

    def polled(self, url: str, result: str, every: float, kind: str | None = None, etag: str | None = None,
               last_modified: str | None = None, new: int = 0, seen: int = 0) -> None:
        """Record one poll of a source: what it found, the validators to send next time, and when it is due."""
        moment = now()
        self.store.execute(
            """UPDATE watch_sources SET polls = polls + 1, last_poll = ?, next_poll = ?, last_result = ?,
                      last_new = ?, last_seen = ?, kind = COALESCE(?, kind), etag = ?, last_modified = ?
               WHERE url = ?""",
            (stamp(moment), stamp(moment + timedelta(seconds=every)), result, new, seen, kind, etag,
             last_modified, url))

    # -- article addresses ----------------------------------------------------------------

    def add_links(self, source: str, links: list[Link]) -> tuple[int, int]:
        """Return (new, already known) after remembering the links a source listed, new ones as pending."""
        new = seen = 0
        found = stamp(now())
        first: dict[str, Link] = {}
        for link in links:
            first.setdefault(seen_key(link.url), link)  # the address the listing gave first is fetched
        for key, item in first.items():
            added = self.store.execute(
                "INSERT INTO watch_urls (url, address, source, published, found, state) VALUES (?, ?, ?, ?, ?, 'pending')"
                " ON CONFLICT (url) DO NOTHING", (key, item.url, source, item.published, found))
            if added:
                new += 1
            else:
                seen += 1
        return new, seen

    def pending(self) -> list[Pending]:
        """Return the addresses waiting to be fetched, in the order they were found."""
        rows = self.store.query("SELECT seq, url, address, published, tries FROM watch_urls"
                                " WHERE state = 'pending' ORDER BY seq")
        return [Pending(r["seq"], r["url"], r["address"], r["published"], r["tries"]) for r in rows]

    def canonical_stored(self, canonical: str) -> bool:
        """Return True when an article under this canonical address is already stored."""
        return bool(self.store.query("SELECT 1 AS yes FROM watch_urls WHERE canonical = ? AND state = 'stored'"
                                     " LIMIT 1", (canonical,)))

    def settle(self, item: Pending, state: str, article_id: str | None = None, canonical: str | None = None,
               message: str | None = None) -> None:
        """Record what became of an address: stored, duplicate, failed or disallowed."""
        self.store.execute("UPDATE watch_urls SET state = ?, article_id = ?, canonical = ?, message = ?, done = ?,"
                           " tries = tries + 1 WHERE seq = ?",
                           (state, article_id, canonical, message, stamp(now()), item.seq))

    def retry_later(self, item: Pending, message: str) -> bool:
        """Return True when the address stays pending after this failure, False when it has failed for good."""
        if item.tries + 1 >= MAX_TRIES:
            self.settle(item, "failed", message=message)
            return False
        self.store.execute("UPDATE watch_urls SET tries = tries + 1, message = ? WHERE seq = ?", (message, item.seq))
        return True


def source_rows(store: SQLStore) -> list[dict]:
    """Return every source with its last poll and what its addresses became, sources before their sitemaps."""
    rows = store.query(
        """SELECT s.url, s.parent, s.title, s.kind, s.polls, s.last_poll, s.next_poll, s.last_result,
                  s.last_new, s.last_seen,
                  COUNT(u.seq) AS found,
                  SUM(CASE WHEN u.state = 'stored' THEN 1 ELSE 0 END) AS stored,
                  SUM(CASE WHEN u.state = 'duplicate' THEN 1 ELSE 0 END) AS duplicates,
                  SUM(CASE WHEN u.state IN ('failed', 'disallowed') THEN 1 ELSE 0 END) AS failed,
                  SUM(CASE WHEN u.state = 'pending' THEN 1 ELSE 0 END) AS pending
           FROM watch_sources s LEFT JOIN watch_urls u ON u.source = s.url
           GROUP BY s.url, s.parent, s.title, s.kind, s.polls, s.last_poll, s.next_poll, s.last_result,
                    s.last_new, s.last_seen, s.added
           ORDER BY COALESCE(s.parent, s.url), s.parent IS NOT NULL, s.added, s.url""")
    for row in rows:
        for count in ("found", "stored", "duplicates", "failed", "pending"):
            row[count] = int(row[count] or 0)
        if row["kind"] == PAGE and row["polls"]:
            row["next_poll"] = None  # read once, never polled again
    return rows
