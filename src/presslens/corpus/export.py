"""Write a corpus out as one file per table (JSONL, CSV or Parquet) for pandas, DuckDB or a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path

from presslens.corpus.store import Store
from presslens.errors import PresslensError

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
CHUNK_ROWS = 2000  # rows held in memory at once while writing Parquet


def export(store: Store, directory: str | Path, format: str = "jsonl") -> dict[str, Path]:
    """Return the file written for each table, after writing every export table of the store."""
    if format not in EXPORT_FORMATS:
        raise PresslensError(f"cannot export as '{format}'; choose one of {', '.join(EXPORT_FORMATS)}.")
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PresslensError(f"cannot create {folder} ({error.strerror or error}).") from None
    written = {}
    for table in store.tables():
        path = folder / f"{table}.{format}"
        try:
            if format == "jsonl":
                _write_jsonl(store.rows(table), path)
            elif format == "csv":
                _write_csv(store.rows(table), [name for name, _ in store.columns(table)], path)
            else:
                _write_parquet(store.rows(table), store.columns(table), path)
        except OSError as error:
            raise PresslensError(f"cannot write {path} ({error.strerror or error}).") from None
        written[table] = path
    return written


def _write_jsonl(rows: Iterator[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            # Lists and booleans are JSON's own; a date is its ISO text.
            out.write(json.dumps(row, ensure_ascii=False, default=date.isoformat) + "\n")


def _write_csv(rows: Iterator[dict], names: list[str], path: Path) -> None:
    # utf-8-sig: spreadsheets read the byte-order mark as "this is UTF-8".
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        # A cell holds text: a list is written as JSON, a boolean as true or false.
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


def arrow_type(kind: str):
    """Return the Arrow type an export column of this kind is written as in Parquet."""
    import pyarrow as pa

    return {"integer": pa.int64(), "real": pa.float64(), "text": pa.string(), "boolean": pa.bool_(),
            "date": pa.date32(), "list": pa.list_(pa.string()),
            "spans": pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])),
            "arguments": pa.list_(pa.struct([("role", pa.string()), ("relation", pa.string()), ("start", pa.int64()),
                                             ("end", pa.int64()), ("text", pa.string()),
                                             ("entity_id", pa.string())]))}[kind]


def _write_parquet(rows: Iterator[dict], columns: list[tuple[str, str]], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # The schema comes from the store's column types, not from the first rows, so that a
    # column empty at the start keeps its type and every chunk matches.
    schema = pa.schema([(name, arrow_type(kind)) for name, kind in columns])
    with pq.ParquetWriter(path, schema) as writer:
        while chunk := list(islice(rows, CHUNK_ROWS)):
            data = {name: [_cast(row[name], kind) for row in chunk] for name, kind in columns}
            writer.write_table(pa.table(data, schema=schema))
        # An empty table still gets its file, with the columns and no rows.


def _cast(value, kind: str):
    if value is None:
        return None
    if kind == "integer":
        return int(value)
    if kind == "real":
        return float(value)
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    return value  # already typed by the store


# What each export type is in each format, for the schema document.
TYPE_NAMES = {"integer": "int64", "real": "double", "text": "string", "boolean": "bool", "date": "date32",
              "list": "list<string>", "spans": "list<struct<start: int64, end: int64, text: string>>",
              "arguments": "list<struct<role: string, relation: string, start: int64, end: int64, text: string, "
                           "entity_id: string>>"}


def schema_markdown(store: Store) -> str:
    """Return the Markdown document of every export table: its columns and their Parquet types."""
    lines = ["# The export tables", "",
             "`presslens export --db DB --to DIR --format parquet` writes one file per table below. Every",
             "row of an article's records carries `article_id`, which joins to `articles.id`; `corpus_entity_id`",
             "joins to `corpus_entities.corpus_entity_id`; `story_id` to `stories.story_id`. In CSV a list is",
             "JSON text and a boolean `true`/`false`; in JSON lines a date is ISO text.", ""]
    for table in store.tables():
        lines += [f"## {table}", "", "| column | type |", "|---|---|"]
        lines += [f"| {name} | {TYPE_NAMES[kind]} |" for name, kind in store.columns(table)]
        lines.append("")
    return "\n".join(lines)
