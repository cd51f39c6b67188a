"""The sources a user asks to watch: receives command-line arguments, returns (address, title) pairs.

An argument is a feed or sitemap address, an OPML file (the outline a feed reader exports,
each feed an `outline` with an `xmlUrl`), or a text file with one address a line (blank
lines and lines starting with # are passed over).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from presslens.errors import PresslensError
from presslens.ingest.web import is_url

OPML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_sources(arguments: list[str]) -> list[tuple[str, str | None]]:
    """Return the (address, title) of every source the arguments name, in order, each once."""
    found: dict[str, str | None] = {}
    for argument in arguments:
        pairs = [(argument, None)] if is_url(argument) else _file_sources(Path(argument))
        for url, title in pairs:
            if found.get(url) is None:
                found[url] = title
    return list(found.items())


def _file_sources(path: Path) -> list[tuple[str, str | None]]:
    if not path.is_file():
        raise PresslensError(f"{path} is neither an http(s) address nor a file.")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PresslensError(f"{path} cannot be read ({error.strerror or error}).") from None
    if path.suffix.lower() == ".opml" or b"<opml" in data[:1000].lower():
        return _opml_sources(path, data)
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise PresslensError(f"{path} is not a UTF-8 text file of addresses.") from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            raise PresslensError(f"{path}, line {number}: '{line[:80]}' is not an http(s) address.")
        pairs.append((line, None))
    if not pairs:
        raise PresslensError(f"{path} holds no addresses.")
    return pairs


def _opml_sources(path: Path, data: bytes) -> list[tuple[str, str | None]]:
    try:
        root = etree.fromstring(data, OPML_PARSER)
    except etree.XMLSyntaxError as error:
        raise PresslensError(f"{path} is not a readable OPML file ({error}).") from None
    pairs = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if is_url(url):
            pairs.append((url, (outline.get("title") or outline.get("text") or "").strip() or None))
    if not pairs:
        raise PresslensError(f"{path} lists no feeds (no outline with an http(s) xmlUrl).")
    return pairs
