"""Which article a raw input is: receives its content and what the source says of it, returns its id.

An article's identity is its canonical web address when there is one: the page's own
`<link rel="canonical">` or `og:url`, else the address the input gives (a JSON line's or CSV
row's `url`, a WARC record's target, the address fetched). The same page saved under two file
names, fetched through two addresses or crawled twice is then one article. Only an input with
no address at all is known by its file name and content.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

HEAD_CHARS = 200_000  # the canonical link and og:url sit in the head, well inside this


def article_id(content: str, url: str | None = None, name: str | None = None) -> str:
    """Return a stable id for an article: a short hash of its address, else of its file name and content.

    Without an address, the same text saved as two files is two articles (which de-duplication
    then links), while the same file read again is the same article wherever its folder moved.
    """
    if url:
        key = f"url\n{seen_key(url)}"
    else:
        key = content if name is None else f"{name}\n{content}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def identity_address(content: str, is_html: bool, url: str | None = None) -> str | None:
    """Return the address an article is known by: the page's canonical one, else the given one, else None."""
    return (canonical_url(content, url) if is_html else None) or url


def seen_key(url: str) -> str:
    """Return the form of an address under which repeats compare equal: no fragment, no tracking
    parameters, parameters sorted, host in lower case (courlan's normalisation)."""
    from courlan import normalize_url

    plain = urldefrag(url.strip())[0]
    try:
        return normalize_url(plain)
    except ValueError:
        return plain


def canonical_url(html: str, url: str | None = None) -> str | None:
    """Return the address the page names as its own (canonical link, else og:url), or None.

    With the address it was read from, only one on the same site counts; without one (a saved
    file), any absolute web address does. A site's home page never counts: a site that names its
    home as every page's canonical would merge all its articles into one.
    """
    tree = _head(html)
    if tree is None:
        return None
    for found in _named_addresses(tree):
        address = urljoin(url, found) if url else found
        there = urlsplit(address)
        if there.scheme not in ("http", "https") or not there.netloc or not there.path.strip("/"):
            continue
        if url and there.netloc.lower() != urlsplit(url).netloc.lower():
            continue
        return urldefrag(address)[0]
    return None


def _head(html: str) -> etree._Element | None:
    try:
        return lxml_html.fromstring(html[:HEAD_CHARS].encode("utf-8", "replace"))
    except (etree.ParserError, ValueError):
        return None


def _named_addresses(tree: etree._Element) -> list[str]:
    """Return the page's canonical links, then its og:url values, in page order."""
    canonical = [(link.get("href") or "").strip() for link in tree.iterfind(".//link[@rel]")
                 if "canonical" in link.get("rel", "").lower().split()]
    graph = [(meta.get("content") or "").strip() for meta in tree.iterfind(".//meta[@property]")
             if meta.get("property", "").strip().lower() == "og:url"]
    return [address for address in canonical + graph if address]
