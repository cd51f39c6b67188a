"""The corpus store: articles and every record extracted from them, in one SQL database.

`Store` is the storage interface the rest of presslens talks to. `SQLStore` implements it
once in SQL for every backend, from parts each in a module of its own: the connection,
transactions and migration runner here; the writes (an article's rows, the merge of corpus
entities, duplicates, stories) in presslens.corpus.writing; the reads (search, the query
commands, export tables) in presslens.corpus.queries; the export views and shared schema
texts in presslens.corpus.views. A backend connects and fills in the few places where SQL
dialects differ:

- `SQLiteStore` (presslens.corpus.sqlite), the embedded default: one file, WAL mode, FTS5;
- `PostgresStore` (presslens.corpus.postgres), for a corpus several machines share.

Writes are grouped into transactions by the caller: nothing is durable until `commit()`,
so a run killed mid-way loses only the batch in flight and an article is either stored with
all its records or not at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from presslens.corpus.queries import CorpusQueries, Filters, like_pattern, outlet_name
from presslens.corpus.views import (
    CANONICAL,
    COPY_COUNTS,
    EVENT_ARGUMENT_COLUMNS,
    EVENT_EXPORT_VIEW,
    EXPORT_TABLES,
    EXPORT_TYPES,
    EXPORT_VIEWS,
    FIRST_EXPORT_VIEWS,
    REFRESH_COPY_COUNTS,
    REPLACE_EVENT_EXPORT_VIEW,
    REPLACE_EXPORT_VIEWS,
)
from presslens.corpus.writing import PLACE_TYPES, ArticleWriting, _now, name_key
from presslens.errors import PresslensError
from presslens.record import Article

__all__ = ["CANONICAL", "COPY_COUNTS", "EVENT_ARGUMENT_COLUMNS", "EVENT_EXPORT_VIEW", "EXPORT_TABLES", "EXPORT_TYPES", "EXPORT_VIEWS", "FIRST_EXPORT_VIEWS",
           "PLACE_TYPES", "REFRESH_COPY_COUNTS", "REPLACE_EVENT_EXPORT_VIEW", "REPLACE_EXPORT_VIEWS", "Filters", "SQLStore", "Store",
           "first_line", "like_pattern", "name_key", "no_corpus", "open_store", "outlet_name"]

if TYPE_CHECKING:
    from presslens.corpus.stories import StoryArticle

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Store(ABC):
    """What presslens needs from a corpus store, whatever the database behind it."""

    name: str  # the database as messages show it: a path, or a URL without its password

    @abstractmethod
    def add_article(self, article: Article) -> bool:
        """Return True when the article was stored, False when one with its id already was."""

    @abstractmethod
    def add_error(self, source: str, message: str) -> None:
        """Record that an input could not be read or analysed (once per source and message)."""

    @abstractmethod
    def has(self, article_id: str) -> bool:
        """Return True when an article with this id is stored."""

    @abstractmethod
    def commit(self) -> None:
        """Make everything added since the last commit durable."""

    @abstractmethod
    def search(self, text: str, limit: int = 20, filters: Filters | None = None) -> list[dict]:
        """Return the articles matching a query in the search syntax (presslens.corpus.search), best match first.

        Raises QuerySyntaxError when the query does not parse; copies are left out unless the filters include them.
        """

    @abstractmethod
    def quotes(self, speaker: str | None = None, about: str | None = None, limit: int = 100,
               filters: Filters | None = None) -> list[dict]:
        """Return quotes, optionally by a speaker (name or alias) and whose words match a query in the search syntax."""

    @abstractmethod
    def events(self, type: str | None = None, near: str | None = None, since: str | None = None,
               limit: int = 100, filters: Filters | None = None) -> list[dict]:
        """Return events, optionally of one type, near a place, on or after a date; an unknown type or place is an error."""

    @abstractmethod
    def top_entities(self, n: int = 20, include_copies: bool = False) -> list[dict]:
        """Return the n corpus entities mentioned most, with their counts (copies left out unless included)."""

    @abstractmethod
    def tables(self) -> tuple[str, ...]:
        """Return the names of the tables an export writes."""

    @abstractmethod
    def columns(self, table: str) -> list[tuple[str, str]]:
        """Return (name, type) of each column of an export table; type is text, integer or real."""

    @abstractmethod
    def rows(self, table: str) -> Iterator[dict]:
        """Return the rows of an export table one at a time."""

    @abstractmethod
    def articles_for_dedupe(self) -> Iterator[tuple[str, str | None, str]]:
        """Return (id, published, text) of every article, in the order they were stored."""

    @abstractmethod
    def set_duplicates(self, clusters: list[tuple[str, list[tuple[str, float]]]]) -> None:
        """Replace the duplicate clusters: (canonical id, [(member id, similarity), ...]) each."""

    @abstractmethod
    def articles_for_stories(self) -> list[StoryArticle]:
        """Return every article's date, outlet, title and lead, and corpus entities, in the order stored."""

    @abstractmethod
    def duplicate_pairs(self) -> Iterator[tuple[str, str]]:
        """Return (article id, canonical id) of every article in a near-duplicate cluster."""

    @abstractmethod
    def set_stories(self, stories: list[tuple[str, str, list[str], str | None, str | None, list[str]]],
                    copies: dict[str, int] | None = None) -> None:
        """Replace the stories: (id, label, article ids, first date, last date, outlets) each, and the number
        of near-duplicate copies among each story's articles."""

    @abstractmethod
    def stories(self, top: int = 20) -> list[dict]:
        """Return the top stories, largest first, with their label, size, outlets and dates."""

    @abstractmethod
    def story(self, story_id: str) -> dict | None:
        """Return one story with its articles ordered by outlet and date, or None when there is no such story."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Return the number of rows in each main table."""

    @abstractmethod
    def close(self) -> None:
        """Commit and release the store."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False


def open_store(location: str | Path, read_only: bool = False, create: bool = True) -> Store:
    """Return the store at this location: a postgresql:// URL, else a SQLite file path.

    A new corpus is created there when there is none, unless `create` is False or the store
    is opened read-only: then a missing corpus is an error.
    """
    text = str(location)
    if text.startswith(POSTGRES_SCHEMES):
        from presslens.corpus.postgres import PostgresStore

        return PostgresStore(text, read_only=read_only, create=create)
    from presslens.corpus.sqlite import SQLiteStore

    return SQLiteStore(text, read_only=read_only, create=create)


def no_corpus(name: str) -> PresslensError:
    """Return the error for a location that holds no corpus, with the command that makes one."""
    return PresslensError(f"no corpus database at {name}; create one with `presslens ingest SOURCE --db {name}`.")


class SQLStore(ArticleWriting, CorpusQueries, Store):
    """The corpus store written once in SQL; a backend supplies the connection and its dialect.

    Statements are written with `?` placeholders, in SQL both SQLite and PostgreSQL accept.
    A backend overrides the hooks below (`_sql`, `_insert_id`, `_index_text`, `_search_rows`,
    `_view_columns`, `_stream`, and for readers with queries of their own `starts_with_date`,
    `naming_any`, `json_value`, `thread_safe`) where its dialect differs, and sets `migrations`,
    its schema history. Transactions are explicit: BEGIN on the first write, COMMIT on `commit()`.
    """

    migrations: list[list[str]]  # step i moves the schema from version i to i + 1
    begin: tuple[str, ...] = ("BEGIN",)  # what opens a write transaction
    begin_migration: tuple[str, ...] = ("BEGIN",)  # what opens a migration, locking out other writers
    like = "LIKE"  # the operator that matches a pattern ignoring the case of ASCII letters
    database_error: type[Exception] | tuple = ()  # what the driver raises

    db = None  # the driver's connection
    name = ""  # the database as messages show it: a path, or a URL without its password
    read_only = False
    _in_transaction = False

    # -- dialect hooks ----------------------------------------------------------------

    def _sql(self, sql: str) -> str:
        """Return the statement in the driver's placeholder style."""
        return sql

    def _execute(self, sql: str, params: Iterable = ()):
        """Return the cursor of one executed statement."""
        return self.db.execute(self._sql(sql), params)

    def _executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        """Run one statement once for each row of values."""
        self.db.cursor().executemany(self._sql(sql), rows)

    @abstractmethod
    def _insert_id(self, sql: str, params: tuple, column: str) -> int | None:
        """Return the generated `column` of the row this INSERT added, or None when it added none."""

    @abstractmethod
    def _index_text(self, seq: int, title: str, text: str) -> None:
        """Add a new article's words to the full-text index, where the database does not do it itself."""

    @abstractmethod
    def _search_rows(self, query, where: list[str], params: list, limit: int) -> list[dict]:
        """Return the articles matching a parsed query (presslens.corpus.search) and the conditions
        on the articles table `a`, best match first, each with a snippet."""

    @abstractmethod
    def _quote_match(self, query) -> tuple[str, list]:
        """Return a condition on quotes, named `q`, true when the quote's words match the parsed query, and its parameters."""

    @abstractmethod
    def _view_columns(self, view: str) -> list[tuple[str, str]]:
        """Return (name, type) of each column of a view; type is text, integer or real."""

    def _stream(self, sql: str, params: Iterable = ()) -> Iterator:
        """Return the rows of a query one at a time, without holding them all in memory."""
        yield from self._execute(sql, params)

    def _dicts(self, sql: str, params: Iterable = ()) -> list[dict]:
        """Return the rows of a query as dicts keyed by column name."""
        cursor = self._execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    # -- for readers that write their own queries, such as the web app ------------------

    def query(self, sql: str, params: Iterable = ()) -> list[dict]:
        """Return the rows of a read statement as dicts keyed by column name.

        The statement is written as the store's own are: `?` placeholders, SQL that every
        backend accepts, and the hooks below where the dialects differ.
        """
        return self._dicts(sql, params)

    def execute(self, sql: str, params: Iterable = ()) -> int:
        """Return the number of rows one write statement changed, run in the current transaction.

        For modules that keep tables of their own in the store, such as the watcher's state;
        the statement is written as for `query`, and is durable at the next `commit()`.
        """
        self._begin()
        return self._execute(sql, params).rowcount

    def matching(self, column: str) -> str:
        """Return a condition on the column that one `?`, given a `like_pattern`, completes; ASCII case is ignored."""
        # An explicit escape character: PostgreSQL's default is the backslash, SQLite has none.
        return f"{column} {self.like} ? ESCAPE '\\'"

    @abstractmethod
    def starts_with_date(self, column: str) -> str:
        """Return a condition true when the column's text opens with a YYYY-MM-DD date."""

    @abstractmethod
    def naming_any(self, phrases: list[str]) -> tuple[str, list]:
        """Return a condition on the articles table, named `a`, true when its title or text holds one of
        the phrases as words (found through the full-text index), and the condition's parameters."""

    @abstractmethod
    def json_value(self, column: str, *keys: str) -> str:
        """Return an expression for the value under these keys in a column of JSON text: a number, a string or NULL."""

    def thread_safe(self) -> bool:
        """Return True when threads may share this store to read; otherwise each thread opens its own."""
        return False

    def generation(self) -> object:
        """Return a value that differs from the last one this store returned once anyone has committed
        a change to the corpus since: readers keep whole-corpus figures until it moves.

        Compared only between calls on one store; the base answer, never equal, keeps nothing.
        """
        return object()

    def connection_lost(self) -> bool:
        """Return True when the database server dropped this store's connection (a file never does)."""
        return False

    def discard(self) -> None:
        """Release a store whose connection was lost, without the commit `close` would try."""
        db, self.db = self.db, None
        if db is not None:
            try:
                db.close()
            except self.database_error:
                pass  # already gone: nothing is left to release

    # -- schema -----------------------------------------------------------------------

    def schema_version(self) -> int:
        """Return the number of migration steps this database has had."""
        row = self._execute("SELECT MAX(version) FROM schema_version").fetchone()
        return row[0] or 0

    def _prepare(self) -> None:
        """Bring the schema up to date, or only check it when the store is read-only (no migration can run)."""
        try:
            if not self.read_only:
                self._migrate()
                return
            current = self.schema_version()
        except self.database_error as error:
            raise PresslensError(f"cannot open {self.name} as a presslens database ({first_line(error)}).") from None
        if current > len(self.migrations):
            raise PresslensError(f"{self.name} was written by a newer presslens (schema {current});"
                                 " upgrade presslens.")
        if current < len(self.migrations):
            raise PresslensError(f"{self.name} was made by an older presslens and needs upgrading: run"
                                 f" `presslens ingest --db {self.name} SOURCE` once on it (stored articles are skipped).")

    def _migrate(self) -> None:
        self._execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
        current = self.schema_version()
        while True:
            if current > len(self.migrations):
                raise PresslensError(f"{self.name} was written by a newer presslens (schema {current});"
                                     " upgrade presslens.")
            if current == len(self.migrations):
                return
            for statement in self.begin_migration:
                self._execute(statement)
            try:
                # Read again under the lock: another process may have run this step meanwhile.
                current = self.schema_version()
                if current < len(self.migrations):
                    for statement in self.migrations[current]:
                        self._execute(statement)
                    current += 1
                    self._execute("INSERT INTO schema_version VALUES (?, ?)", (current, _now()))
            except BaseException:
                self._execute("ROLLBACK")
                raise
            self._execute("COMMIT")

    # -- writing ----------------------------------------------------------------------

    def _begin(self) -> None:
        if self.read_only:
            raise PresslensError(f"{self.name} is open read-only; nothing can be written to it.")
        if not self._in_transaction:
            for statement in self.begin:
                self._execute(statement)
            self._in_transaction = True

    def commit(self) -> None:
        if self._in_transaction:
            self._execute("COMMIT")
            self._in_transaction = False

    def has(self, article_id: str) -> bool:
        return self._execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def close(self) -> None:
        if self.db is None:
            return
        self.commit()
        self.db.close()
        self.db = None


def first_line(error: BaseException) -> str:
    """Return the first line of an error's message (drivers add hints and context on the next ones)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def __getattr__(name: str):
    # The SQLite backend lives in its own module, which builds on this one; these names are
    # still read from here (presslens.corpus.store.SQLiteStore), so they load on first use.
    if name in ("SQLiteStore", "MIGRATIONS"):
        from presslens.corpus import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
