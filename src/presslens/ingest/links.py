"""What a fetched address holds: receives a `Fetched` answer, returns article links or a RawArticle.

A feed (RSS, Atom) is read with feedparser, a sitemap (XML, a sitemap index, or a plain list
of addresses) with lxml. trafilatura's feed and sitemap helpers accept content already
fetched, but their link filter (courlan) drops every address whose host is an IP address or
`localhost`, which rules out intranet sites and a local test server; the parsing itself is
what feedparser and lxml already do.

An HTML page becomes a RawArticle whose address is the page's canonical one when the page
names one on its own site, so the same article reached through two addresses is one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from presslens.ingest.document import RawArticle
from presslens.ingest.feeds import looks_like_feed
from presslens.ingest.fetch import Fetched, FetchError
from presslens.ingest.identity import article_id, canonical_url, seen_key
from presslens.ingest.sources import looks_like_html
from presslens.record import Source

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
HTML_TYPES = ("text/html", "application/xhtml+xml")
SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_LINKS = 50_000  # what the sitemap protocol allows in one file
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass
class Link:
    """An article address a feed or sitemap lists, with what the listing says about it."""

    url: str
    title: str | None = None
    published: str | None = None


@dataclass
class Listing:
    """The links a feed or sitemap holds; a sitemap index lists further sitemaps instead."""

    kind: str  # feed, sitemap, sitemap-index, or page (an article, listing only itself)
    links: list[Link] = field(default_factory=list)
    title: str | None = None


def read_listing(fetched: Fetched) -> Listing:
    """Return what the answer lists: a feed's or sitemap's links, or the page itself; raise InputError."""
    head = fetched.data[:2048].lstrip().lower()
    kind = fetched.content_type
    if kind in FEED_TYPES or looks_like_feed(head):
        return _feed_links(fetched)
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap_links(fetched)
    if kind == "text/plain" and head.startswith((b"http://", b"https://")):
        lines = fetched.text().splitlines()
        return Listing("sitemap", [Link(line.strip()) for line in lines[:MAX_LINKS]
                                   if line.strip().startswith(("http://", "https://"))])
    if kind in HTML_TYPES or looks_like_html(fetched.text()):
        return Listing("page", [Link(fetched.url)])
    raise FetchError(f"is {kind or 'of no stated type'}, not an HTML page, a feed or a sitemap", fetched.requested)


def _feed_links(fetched: Fetched) -> Listing:
    import feedparser

    feed = feedparser.parse(fetched.data, response_headers={"content-location": fetched.url})
    if not feed.entries and feed.get("bozo") and not feed.feed:
        raise FetchError(f"is not a readable feed ({feed.bozo_exception})", fetched.requested)
    links = []
    for entry in feed.entries[:MAX_LINKS]:
        address = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith("http") else None)
        if not address:
            continue
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        links.append(Link(urljoin(fetched.url, address), entry.get("title") or None,
                          time.strftime("%Y-%m-%d", parsed) if parsed else None))
    return Listing("feed", links, feed.feed.get("title") or None)


def _sitemap_links(fetched: Fetched) -> Listing:
    try:
        root = etree.fromstring(fetched.data, XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise FetchError(f"is not a readable sitemap ({error})", fetched.requested) from None
    if root is None:
        raise FetchError("is not a readable sitemap", fetched.requested)
    index = etree.QName(root).localname == "sitemapindex"
    links = []
    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        values = {etree.QName(child).localname: (child.text or "").strip() for child in entry
                  if isinstance(child.tag, str)}
        address = values.get("loc", "")
        if address.startswith(("http://", "https://")):
            # No date is taken: a sitemap's lastmod says when a page changed, not when it was published.
            links.append(Link(address))
        if len(links) >= MAX_LINKS:
            break
    return Listing("sitemap-index" if index else "sitemap", links)


def page_article(fetched: Fetched) -> RawArticle:
    """Return the fetched page as a raw article to analyse; raise InputError when it is not a page."""
    kind = fetched.content_type
    if kind not in HTML_TYPES and kind != "text/plain" and kind:
        raise FetchError(f"is {kind}, not an HTML page", fetched.requested)
    text = fetched.text()
    is_html = kind in HTML_TYPES or (kind != "text/plain" and looks_like_html(text))
    if not is_html and kind != "text/plain":
        raise FetchError("is not an HTML page", fetched.requested)
    # The address stored is the page's canonical one, else the one fetched without its tracking parameters.
    url = (canonical_url(text, fetched.url) if is_html else None) or seen_key(fetched.url)
    return RawArticle(id=article_id(text, url=url), content=text, is_html=is_html, source=Source(url=url))


