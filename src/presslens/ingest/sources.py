"""Read articles from files, folders, JSON lines and stdin, one RawArticle or InputError each.

A bad item never stops the stream: it is yielded as an InputError that says what is wrong
with it, and the caller decides how to report it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from charset_normalizer import from_bytes

from presslens.errors import InputError, error_detail
from presslens.ingest.document import RawArticle
from presslens.ingest.files import (
    GZIP_ERRORS,
    TooLarge,
    capped_lines,
    folder_articles,
    inner_suffix,
    open_bytes,
    read_capped,
    shown_path,
    too_large_message,
    unreadable_kind,
)
from presslens.ingest.identity import article_id, identity_address
from presslens.record import Source

DEFAULT_MAX_BYTES = 5_000_000
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
READABLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | {".gz"}


def iter_raw_articles(
    locations: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawArticle | InputError]:
    """Yield every article found at the given paths ('-' is stdin), or an error per bad item."""
    for location in locations:
        if location == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            yield from _articles_from_bytes(data, "stdin", None, max_bytes)
            continue
        path = Path(location)
        problem = unreadable_kind(path) if path.exists() or path.is_symlink() else "no such file or folder"
        if problem is not None:
            yield InputError(problem, shown_path(path))
        elif path.is_dir():
            yield from folder_articles(path, _is_article_file, lambda file: _articles_from_file(file, max_bytes),
                                       ".txt, .html or .jsonl")
        else:
            yield from _articles_from_file(path, max_bytes)


def _is_article_file(path: Path) -> bool:
    return not path.name.startswith(".") and (
        path.suffix.lower() in READABLE_SUFFIXES or inner_suffix(path) in READABLE_SUFFIXES)


def _articles_from_file(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    where = shown_path(path)
    if inner_suffix(path) in JSONL_SUFFIXES:
        yield from _articles_from_jsonl(path, max_bytes)
        return
    try:
        data = read_capped(path, max_bytes)
    except TooLarge:
        size = None if path.name.lower().endswith(".gz") else path.stat().st_size
        yield InputError(too_large_message(size, max_bytes), where)
        return
    except GZIP_ERRORS as error:
        yield InputError(_unreadable(path, error), where)
        return
    yield from _articles_from_bytes(data, where, path, max_bytes)


def _unreadable(path: Path, error: BaseException) -> str:
    """Return the sentence for a file that failed while being read: a broken gzip stream or an OS error."""
    if path.name.lower().endswith(".gz") and not (isinstance(error, OSError) and error.errno):
        return f"is not a readable gzip file ({error_detail(error)})"
    return f"cannot be read ({error_detail(error)})"


def _articles_from_bytes(
    data: bytes, where: str, path: Path | None, max_bytes: int
) -> Iterator[RawArticle | InputError]:
    if len(data) > max_bytes:
        yield InputError(_too_large(len(data), max_bytes), where)
        return
    try:
        text = decode_bytes(data)
    except InputError as error:
        error.where = where
        yield error
        return
    if path is None and _looks_like_jsonl(text):
        yield from _articles_from_lines(text.splitlines(), where)
        return
    suffix = inner_suffix(path) if path else ""
    is_html = suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and looks_like_html(text))
    address = identity_address(text, is_html)
    source = Source(path=where, url=address)
    yield RawArticle(id=article_id(text, url=address, name=path.name if path else None), content=text,
                     is_html=is_html, source=source, fallback_date=date_in_name(path.name) if path else None)


NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_name(name: str) -> str | None:
    """Return the YYYY-MM-DD date a file's name holds (nyt_2016-10-02_x.txt, 20161002-x.html), or None."""
    match = NAME_DATE.search(name)
    if not match:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None  # 2023-02-30 is no date


def _articles_from_jsonl(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    shown = shown_path(path)
    number = 0
    try:
        with open_bytes(path) as handle:
            for number, line in capped_lines(handle, max_bytes):
                where = f"{shown}:{number}"
                if line is None:
                    yield InputError(too_large_message(None, max_bytes), where)
                    continue
                try:
                    decoded = line.decode("utf-8")
                except UnicodeDecodeError:
                    yield InputError("is not valid UTF-8 JSON", where)
                    continue
                yield from _articles_from_lines([decoded], shown, first_number=number)
    except GZIP_ERRORS as error:
        # The lines read before the break are kept; the rest of the file is reported once.
        yield InputError(_unreadable(path, error), f"{shown}:{number + 1}" if number else shown)


def _articles_from_lines(
    lines: list[str], where: str, first_number: int = 1
) -> Iterator[RawArticle | InputError]:
    for number, line in enumerate(lines, start=first_number):
        if not line.strip():
            continue
        yield article_from_json_line(line, f"{where}:{number}")


def article_from_json_line(line: str, where: str) -> RawArticle | InputError:
    """Return the article a JSON line describes (`text` or `html`, optional metadata)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return InputError(f"is not valid JSON ({error.msg})", where)
    if not isinstance(item, dict):
        return InputError("is not a JSON object", where)
    html, text = (without_surrogates(v) if isinstance(v, str) else v for v in (item.get("html"), item.get("text")))
    content = html if isinstance(html, str) and html.strip() else text
    if not isinstance(content, str) or not content.strip():
        return InputError("has no non-empty 'text' or 'html' field", where)
    published = item.get("published") or item.get("date")
    source = Source(url=_str_or_none(item.get("url")), path=where,
                    outlet=_str_or_none(item.get("outlet") or item.get("source")))
    address = identity_address(content, content is html, source.url)
    return RawArticle(
        id=_str_or_none(item.get("id")) or article_id(content, url=address),
        content=content,
        is_html=content is html,
        title=_str_or_none(item.get("title")),
        published=_str_or_none(published),
        source=source,
    )


def _str_or_none(value: object) -> str | None:
    return without_surrogates(str(value)) if value not in (None, "") else None


def without_surrogates(text: str) -> str:
    """Return the text with lone surrogates (which JSON's \\ud800 escapes can produce, and
    no UTF-8 encoder accepts) replaced by U+FFFD."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def decode_bytes(data: bytes) -> str:
    """Return the text in these bytes, whatever their encoding; InputError if empty or binary."""
    if not data.strip():
        raise InputError("is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        data = data.removeprefix(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if b"\x00" in data[:4096]:
                raise InputError("looks like a binary file, not text or HTML") from None
            text = data.decode(_guess_encoding(data), errors="replace")
    if _control_share(text) > 0.02:
        raise InputError("looks like a binary file, not text or HTML")
    if not text.strip():
        raise InputError("is empty")
    return text


DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)|<\?xml[^>]+encoding=["']([\w-]+)""", re.IGNORECASE)
# Single-byte code pages that statistical detectors confuse on short texts; the web's
# default for them (WHATWG) is windows-1252.
SINGLE_BYTE = re.compile(r"^(cp\d+|iso8859_\d+|latin_1|mac_\w+|koi8_\w+|windows_\d+)$")


def _guess_encoding(data: bytes) -> str:
    """Return the encoding of non-UTF-8 bytes: declared, else detected, preferring cp1252."""
    declared = DECLARED_CHARSET.search(data[:4096])
    if declared:
        name = (declared.group(1) or declared.group(2)).decode("ascii", "ignore")
        try:
            data.decode(name)
            return name
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise InputError("looks like a binary file, not text or HTML")
    if SINGLE_BYTE.match(best.encoding):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding


def _control_share(text: str) -> float:
    sample = text[:20_000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return controls / max(len(sample), 1)


def looks_like_html(text: str) -> bool:
    """Return True when the text is an HTML page or fragment rather than plain prose."""
    head = text.lstrip()[:1000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head:
        return True
    return text.count("</p>") + text.count("<div") + text.count("<br") >= 3


def _looks_like_jsonl(text: str) -> bool:
    first = text.lstrip()[:1]
    if first != "{":
        return False
    line = text.lstrip().split("\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _too_large(size: int, limit: int) -> str:
    return too_large_message(size, limit)
