"""The plain data that flows from a source to the analysers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from presslens.record import Block, Removal, Source


@dataclass
class RawBlock:
    """A block of raw text with the kind its source already told us (HTML) or None (plain text)."""

    text: str
    kind: str | None = None
    origin: int = 0  # offset of the block's first character in the raw input


@dataclass
class RawArticle:
    """One article as a source delivered it, before cleaning."""

    id: str
    content: str
    is_html: bool = False
    title: str | None = None
    published: str | None = None
    source: Source = field(default_factory=Source)
    # A date that stands in only when neither the source nor the page's own metadata gives one:
    # a crawl's fetch date (WARC, HTTP), or a date written in the file's name.
    fallback_date: str | None = None


@dataclass
class Document:
    """A cleaned article: the text every offset points into, its blocks and what was removed."""

    id: str
    text: str
    blocks: list[Block]
    removed: list[Removal]
    title: str | None = None
    published: str | None = None
    source: Source = field(default_factory=Source)
    language: str | None = None
    # origin[i] is the offset in the raw input of text[i]; len(text) + 1 entries. Lets an
    # evaluation map spans back onto annotations made on the raw file.
    origin: Sequence[int] = field(default_factory=list, repr=False)

    def raw_offset(self, offset: int) -> int:
        """Return the raw-input offset of a cleaned-text offset."""
        if not self.origin:
            return offset
        return self.origin[min(max(offset, 0), len(self.origin) - 1)]
