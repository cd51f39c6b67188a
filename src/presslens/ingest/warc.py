"""Read web-archive (WARC, WARC.gz) files: one RawArticle per HTML response record."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from presslens.errors import InputError, error_detail
from presslens.ingest.document import RawArticle
from presslens.ingest.files import shown_path
from presslens.ingest.identity import article_id, identity_address
from presslens.ingest.sources import decode_bytes
from presslens.record import Source

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")


def is_warc(path: Path) -> bool:
    """Return True when the file name says it is a web archive."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def iter_warc_articles(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Yield an article per HTML response in the archive, an InputError per unreadable one.

    Requests, metadata, images and scripts are passed over in silence: a crawl is mostly
    those, and none of them is an article that went missing.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    where = shown_path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        yield InputError(f"cannot be read ({error.strerror or error})", where)
        return
    with handle:
        records = 0
        try:
            # Only a file named .arc is read as the older ARC format: warcio takes a garbage first
            # line for an ARC header and makes a record of it, which would pass in silence.
            arc = path.name.lower().endswith((".arc", ".arc.gz"))
            for record in ArchiveIterator(handle, arc2warc=arc):
                if record.rec_type is None or (not arc and record.format == "arc"):
                    continue
                records += 1
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                kind = (record.http_headers.get_header("Content-Type") or "").lower()
                if "html" not in kind:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI")
                place = f"{where}#{uri}" if uri else where
                # Read one byte past the limit: enough to know the page is too large.
                data = record.content_stream().read(max_bytes + 1)
                if len(data) > max_bytes:
                    yield InputError(f"is over the {max_bytes:,}-byte limit (raise it with --max-bytes)", place)
                    continue
                try:
                    text = decode_bytes(data)
                except InputError as error:
                    error.where = place
                    yield error
                    continue
                date = record.rec_headers.get_header("WARC-Date")
                yield RawArticle(id=article_id(text, url=identity_address(text, True, uri)), content=text, is_html=True,
                                 fallback_date=date[:10] if date else None, source=Source(url=uri, path=where))
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as error:
            detail = error_detail(error).split(", first line:")[0]  # not the hostile bytes it quotes
            yield InputError(f"is not a readable WARC file ({type(error).__name__}: {detail})", where)
            return
        # Bytes with no typed record in them are not an archive, even if warcio raised nothing.
        if records == 0 and handle.tell() > 0:
            yield InputError("is not a readable WARC file (it holds no WARC record)", where)
