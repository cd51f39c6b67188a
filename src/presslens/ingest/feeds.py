"""Read RSS and Atom feed files: one RawArticle per entry, its content or summary as HTML."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from presslens.errors import InputError, error_detail
from presslens.ingest.document import RawArticle
from presslens.ingest.files import GZIP_ERRORS, TooLarge, read_capped, shown_path, too_large_message
from presslens.ingest.identity import article_id
from presslens.record import Source

FEED_SUFFIXES = {".rss", ".atom", ".xml"}


def looks_like_feed(head: bytes) -> bool:
    """Return True when the start of a file is an RSS or Atom document."""
    head = head[:2048].lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def iter_feed_articles(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Yield an article for each feed entry that has content, an InputError for each that has none."""
    import feedparser

    where = shown_path(path)
    try:
        data = read_capped(path, max_bytes)
    except TooLarge:
        yield InputError(too_large_message(None, max_bytes), where)
        return
    except GZIP_ERRORS as error:
        yield InputError(f"cannot be read ({error_detail(error)})", where)
        return
    # feedparser never raises on bad XML: it sets `bozo` and parses what it can, so only a
    # feed with no entries at all is an error.
    feed = feedparser.parse(data)
    if not feed.entries:
        reason = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        yield InputError(f"is not an RSS or Atom feed with entries{reason}", where)
        return
    outlet = feed.feed.get("title") or None
    for number, entry in enumerate(feed.entries, start=1):
        place = f"{where}#{number}"
        content = _entry_html(entry)
        if not content.strip():
            yield InputError("has no content or summary", place)
            continue
        yield RawArticle(
            id=article_id(content, url=entry.get("link") or None),
            content=content,
            is_html=True,
            title=entry.get("title") or None,
            published=_entry_date(entry),
            source=Source(url=entry.get("link") or None, path=place, outlet=outlet,
                          author=entry.get("author") or None),
        )


def _entry_html(entry) -> str:
    """Return the longest of an entry's full content and its summary: feeds fill either."""
    candidates = [c.get("value", "") for c in entry.get("content", [])]
    candidates.append(entry.get("summary", ""))
    return max(candidates, key=len)


def _entry_date(entry) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None
