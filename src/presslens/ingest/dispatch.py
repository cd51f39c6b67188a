"""Every kind of source a corpus is loaded from, each file sent to the reader it needs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from presslens.errors import InputError, error_detail
from presslens.ingest.document import RawArticle
from presslens.ingest.feeds import FEED_SUFFIXES, iter_feed_articles, looks_like_feed
from presslens.ingest.files import GZIP_ERRORS, folder_articles, inner_suffix, open_bytes, shown_path
from presslens.ingest.sources import DEFAULT_MAX_BYTES, READABLE_SUFFIXES, iter_raw_articles
from presslens.ingest.tables import CSV_SUFFIXES, iter_csv_articles
from presslens.ingest.warc import is_warc, iter_warc_articles

CORPUS_SUFFIXES = READABLE_SUFFIXES | CSV_SUFFIXES | FEED_SUFFIXES


def iter_corpus_articles(
    locations: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawArticle | InputError]:
    """Yield every article in files, folders (recursive), JSONL, CSV, feeds, WARC, web addresses or stdin ('-')."""
    from presslens.ingest.web import is_url

    fetcher = None
    try:
        for location in map(str, locations):
            if is_url(location):
                from presslens.ingest.fetch import Fetcher, Politeness
                from presslens.ingest.web import iter_url_articles

                fetcher = fetcher or Fetcher(Politeness(max_bytes=max_bytes))
                yield from iter_url_articles(location, fetcher)
            else:
                yield from _location_articles(location, max_bytes)
    finally:
        if fetcher is not None:
            fetcher.close()


def _location_articles(location: str, max_bytes: int) -> Iterator[RawArticle | InputError]:
    path = Path(location)
    if location != "-" and path.is_dir():
        yield from folder_articles(path, _is_corpus_file, lambda file: _file_articles(file, max_bytes),
                                   "article, JSONL, CSV, feed or WARC")
    elif location != "-" and path.is_file():
        yield from _file_articles(path, max_bytes)
    else:
        yield from iter_raw_articles([os.fspath(location)], max_bytes)


def _is_corpus_file(path: Path) -> bool:
    if path.name.startswith("."):
        return False
    return is_warc(path) or path.suffix.lower() in CORPUS_SUFFIXES or inner_suffix(path) in CORPUS_SUFFIXES


def _file_articles(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Yield the file's articles from the reader its format needs; a reader failing in a way
    nobody foresaw costs this file, reported, not the run."""
    try:
        yield from _read_file(path, max_bytes)
    except Exception as error:  # noqa: BLE001 - third-party parsers on hostile input
        yield InputError(f"could not be read ({type(error).__name__}: {error_detail(error)})", shown_path(path))


def _read_file(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    suffix = inner_suffix(path)
    if is_warc(path):
        yield from iter_warc_articles(path, max_bytes)
    elif suffix in CSV_SUFFIXES:
        yield from iter_csv_articles(path, max_bytes)
    elif suffix in (".rss", ".atom") or (suffix not in READABLE_SUFFIXES and _starts_like_feed(path)):
        yield from iter_feed_articles(path, max_bytes)
    else:
        yield from iter_raw_articles([str(path)], max_bytes)


def _starts_like_feed(path: Path) -> bool:
    try:
        with open_bytes(path) as handle:
            return looks_like_feed(handle.read(2048))
    except GZIP_ERRORS:
        return False
