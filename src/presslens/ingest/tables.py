"""Read CSV dumps: one RawArticle per row with a `text` or `html` column."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from presslens.errors import InputError, error_detail
from presslens.ingest.document import RawArticle
from presslens.ingest.files import GZIP_ERRORS, inner_suffix, open_bytes, shown_path
from presslens.ingest.identity import article_id, identity_address
from presslens.record import Source

CSV_SUFFIXES = {".csv", ".tsv"}


def iter_csv_articles(path: Path, max_bytes: int) -> Iterator[RawArticle | InputError]:
    """Yield an article per CSV row, an InputError per row without text and for a file without the column."""
    where = shown_path(path)
    # Article bodies are far longer than the csv module's default field limit; a field
    # past the byte limit (a bomb's single field) stops the reader before it fills memory.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1, max_bytes + 1))
    try:
        handle = io.TextIOWrapper(open_bytes(path), encoding="utf-8-sig", newline="")
    except OSError as error:
        yield InputError(f"cannot be read ({error.strerror or error})", where)
        return
    with handle:
        try:
            delimiter = "\t" if inner_suffix(path) == ".tsv" else ","
            reader = csv.DictReader(handle, delimiter=delimiter)
            columns = {c.strip().lower(): c for c in (reader.fieldnames or []) if c}
            if "text" not in columns and "html" not in columns:
                yield InputError("has no 'text' or 'html' column in its header", where)
                return
            # Rows are numbered as a spreadsheet shows them, the header being row 1: a
            # line number would drift with every multi-line article body.
            for number, row in enumerate(reader, start=2):
                place = f"{where}:{number}"
                yield _row_article({k: row.get(v) for k, v in columns.items()}, place, max_bytes)
        except UnicodeDecodeError:
            yield InputError("is not UTF-8 text; save the CSV as UTF-8", where)
        except csv.Error as error:
            yield InputError(f"is not a readable CSV file ({error})", where)
        except GZIP_ERRORS as error:
            yield InputError(f"cannot be read ({error_detail(error)})", where)


def _row_article(row: dict[str, str | None], where: str, max_bytes: int) -> RawArticle | InputError:
    html, text = row.get("html") or "", row.get("text") or ""
    content = html if html.strip() else text
    if not content.strip():
        return InputError("has no text in its 'text' or 'html' column", where)
    if len(content.encode("utf-8", "surrogatepass")) > max_bytes:
        return InputError(f"is over the {max_bytes:,}-byte limit (raise it with --max-bytes)", where)
    url = (row.get("url") or "").strip() or None
    return RawArticle(
        id=(row.get("id") or "").strip() or article_id(content, url=identity_address(content, content is html, url)),
        content=content,
        is_html=content is html,
        title=(row.get("title") or "").strip() or None,
        published=(row.get("published") or row.get("date") or "").strip() or None,
        source=Source(url=url, path=where, outlet=(row.get("outlet") or "").strip() or None),
    )
