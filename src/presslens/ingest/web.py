"""Articles at web addresses: receives http(s) addresses, yields a RawArticle or InputError for each article.

An address is a page (one article), a feed or a sitemap (the articles it links to, each
fetched in turn), or a sitemap index (its sitemaps, then their articles). All of it goes
through one polite `Fetcher`.
"""

from __future__ import annotations

from collections.abc import Iterator

from presslens.errors import InputError
from presslens.ingest.document import RawArticle
from presslens.ingest.fetch import Fetcher
from presslens.ingest.links import Link, page_article, read_listing

MAX_SITEMAPS = 100  # sitemaps read from one index


def is_url(location: str) -> bool:
    """Return True when the location is a web address rather than a path."""
    return location.lower().startswith(("http://", "https://"))


def iter_url_articles(url: str, fetcher: Fetcher) -> Iterator[RawArticle | InputError]:
    """Yield the article at the address, or each article its feed or sitemap links to; an InputError per failure."""
    try:
        fetched = fetcher.fetch(url)
        listing = read_listing(fetched)
    except InputError as error:
        error.where = error.where or url
        yield error
        return
    if listing.kind == "page":
        yield _article(lambda: page_article(fetched), url)
        return
    links = listing.links
    if listing.kind == "sitemap-index":
        links = []
        for sitemap in listing.links[:MAX_SITEMAPS]:
            try:
                links += read_listing(fetcher.fetch(sitemap.url)).links
            except InputError as error:
                error.where = error.where or sitemap.url
                yield error
    for link in links:
        yield _article(lambda link=link: linked_article(fetcher, link), link.url)


def linked_article(fetcher: Fetcher, link: Link) -> RawArticle:
    """Return the article a listing links to, fetched, dated by the feed when the feed gives a date."""
    raw = page_article(fetcher.fetch(link.url))
    raw.published = link.published  # a feed's entry date is meant to be read; a page's date is guessed
    return raw


def _article(make, where: str) -> RawArticle | InputError:
    try:
        return make()
    except InputError as error:
        error.where = error.where or where
        return error
