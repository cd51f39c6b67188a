"""Metadata given on the command line: receives raw articles, returns them dated, attributed and addressed.

A text file carries no date, outlet or web address of its own; `--published`, `--outlet` and
`--url` supply them. What the user gives wins over what the input says (a page's metadata, a
date in a file's name), since the user asked for it by name. An address changes the article's
identity, so it names one article only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from presslens.errors import InputError
from presslens.ingest.document import RawArticle
from presslens.ingest.identity import article_id


@dataclass(frozen=True)
class Given:
    """The metadata a user gave for every input of a run; None where nothing was given."""

    published: str | None = None  # YYYY-MM-DD
    outlet: str | None = None
    url: str | None = None

    def __bool__(self) -> bool:
        return any((self.published, self.outlet, self.url))

    def apply(self, items: Iterable[RawArticle | InputError]) -> Iterator[RawArticle | InputError]:
        """Yield the items with the given metadata set on each article; errors pass through."""
        for item in items:
            if not isinstance(item, RawArticle):
                yield item
                continue
            update = {"outlet": self.outlet} if self.outlet else {}
            if self.url:
                update["url"] = self.url
                item.id = article_id(item.content, url=self.url)
            if update:
                item.source = item.source.model_copy(update=update)
            if self.published:
                item.published = self.published
            yield item


def parse_date(value: str) -> str:
    """Return the value as a YYYY-MM-DD date; ValueError with the reason when it is not one."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"'{value}' is not a date like 2016-10-02") from None


def parse_address(value: str) -> str:
    """Return the value as an http(s) address; ValueError with the reason when it is not one."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{value}' is not a web address like https://example.com/news/story")
    return value.strip()
