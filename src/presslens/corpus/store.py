"""The corpus store: articles and every record extracted from them, in one SQL database.

`Store` is the storage interface the rest of presslens talks to. `SQLStore` implements it
once in SQL for every backend: the merge of corpus entities, the insert of a record, the
queries, the export views and the migration runner. A backend connects and fills in the
few places where SQL dialects differ:

- `SQLiteStore` (presslens.corpus.sqlite), the embedded default: one file, WAL mode, FTS5;
- `PostgresStore` (presslens.corpus.postgres), for a corpus several machines share.

Writes are grouped into transactions by the caller: nothing is durable until `commit()`,
so a run killed mid-way loses only the batch in flight and an article is either stored with
all its records or not at all.
"""

from __future__ import annotations

import json
import math
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from presslens.corpus.rows import ROW_COLUMNS, json_list, record_rows
from presslens.corpus.search import parse as parse_query
from presslens.errors import PresslensError
from presslens.record import Article, Entity

if TYPE_CHECKING:
    from presslens.corpus.stories import StoryArticle

EXPORT_TABLES = ("articles", "entities", "corpus_entities", "mentions", "quotes", "amounts", "events", "framing",
                 "removals", "duplicates", "stories", "story_articles", "errors")
PLACE_TYPES = {"GPE", "LOC", "FAC"}
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# The export views: what an analyst gets, one row per record, each with the article's id so
# that tables join in pandas or DuckDB. Every backend creates them from these texts, so an
# export reads the same from any of them. Released migration steps hold these texts: a view
# that must change gets a new text, created by a new migration step of each backend.
FIRST_EXPORT_VIEWS = {
    "articles": """CREATE VIEW export_articles AS
            SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.url, a.path,
                   a.outlet, a.language,
                   CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of, s.story_id, a.text
            FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
                 LEFT JOIN story_articles s ON s.article_id = a.id ORDER BY a.seq""",
    "entities": """CREATE VIEW export_entities AS
            SELECT e.article_id, e.entity_id, e.corpus_entity_id, e.name, e.type, e.aliases, e.titles,
                   e.affiliation, e.salience, e.mentions, e.geonames_id, e.lat, e.lon, e.country_code
            FROM entities e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.entity_id""",
    "quotes": """CREATE VIEW export_quotes AS
            SELECT q.article_id, q.quote_id, q.kind, q.speaker, q.speaker_entity_id, q.corpus_entity_id,
                   q.cue, q.cue_lemma, q.content, q.start, q."end", q.confidence
            FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start""",
    "amounts": """CREATE VIEW export_amounts AS
            SELECT m.article_id, m.value, m.value_max, m.approximate, m.qualifier, m.unit, m.counts,
                   m.kind, m.text, m.start, m."end"
            FROM amounts m JOIN articles a ON a.id = m.article_id ORDER BY a.seq, m.start""",
    "events": """CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, e.target, e.location,
                   e.location_geonames_id, e.lat, e.lon, e.time, a.published, e.killed, e.wounded,
                   e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""",
    "framing": """CREATE VIEW export_framing AS
            SELECT f.article_id, f.technique, f.text, f.target, f.reason, f.in_quote, f.quote_id,
                   f.speaker, f.start, f."end"
            FROM framing f JOIN articles a ON a.id = f.article_id ORDER BY a.seq, f.start""",
    "stories": """CREATE VIEW export_stories AS
            SELECT id, label, articles, outlets, first_date, last_date FROM stories
            ORDER BY articles DESC, first_date IS NULL, first_date, id""",
    "errors": """CREATE VIEW export_errors AS
            SELECT source, message, seen FROM errors ORDER BY id""",
}

# The views of schema step 4 on: every table, entity ids beside the names events give, and
# what quotes lost before (cue category, the pieces of a split quote). Lists are JSON text
# here; EXPORT_TYPES says which columns an export turns into lists, booleans and dates.
_ENTITY_OF = """(SELECT MIN(x.{column}) FROM entities x WHERE x.article_id = e.article_id AND x.name = e.{role})"""
EXPORT_VIEWS = {
    **{name: FIRST_EXPORT_VIEWS[name] for name in ("articles", "entities", "amounts", "framing", "errors")},
    "corpus_entities": """CREATE VIEW export_corpus_entities AS
            SELECT c.id AS corpus_entity_id, c.name, c.type, c.articles - COALESCE(k.articles, 0) AS articles,
                   c.mentions - COALESCE(k.mentions, 0) AS mentions, c.articles AS articles_with_copies,
                   c.mentions AS mentions_with_copies, c.geonames_id, c.lat, c.lon, c.country_code
            FROM corpus_entities c LEFT JOIN corpus_entity_copies k ON k.corpus_entity_id = c.id ORDER BY c.id""",
    "mentions": """CREATE VIEW export_mentions AS
            SELECT m.article_id, m.entity_id, e.corpus_entity_id, m.start, m."end", m.text, m.kind
            FROM mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN entities e ON e.article_id = m.article_id AND e.entity_id = m.entity_id
            ORDER BY a.seq, m.start""",
    "quotes": """CREATE VIEW export_quotes AS
            SELECT q.article_id, q.quote_id, q.kind, q.speaker, q.speaker_entity_id, q.corpus_entity_id,
                   q.cue, q.cue_lemma, q.cue_category, q.content, q.parts, q.start, q."end", q.confidence
            FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start""",
    "events": """CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, """
            + _ENTITY_OF.format(column="entity_id", role="actor") + """ AS actor_entity_id, """
            + _ENTITY_OF.format(column="corpus_entity_id", role="actor") + """ AS actor_corpus_entity_id, e.target, """
            + _ENTITY_OF.format(column="entity_id", role="target") + """ AS target_entity_id, """
            + _ENTITY_OF.format(column="corpus_entity_id", role="target") + """ AS target_corpus_entity_id, e.location, """
            + _ENTITY_OF.format(column="entity_id", role="location") + """ AS location_entity_id, """
            + _ENTITY_OF.format(column="corpus_entity_id", role="location") + """ AS location_corpus_entity_id,
                   e.location_geonames_id, e.lat, e.lon, e.time, a.published, e.killed, e.wounded,
                   e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""",
    "removals": """CREATE VIEW export_removals AS
            SELECT r.article_id, r.kind, r.text FROM removals r JOIN articles a ON a.id = r.article_id
            ORDER BY a.seq""",
    "duplicates": """CREATE VIEW export_duplicates AS
            SELECT article_id, canonical_id, similarity FROM duplicates
            WHERE article_id != canonical_id ORDER BY canonical_id, article_id""",
    "stories": """CREATE VIEW export_stories AS
            SELECT id AS story_id, label, articles, copies, outlets, first_date, last_date FROM stories
            ORDER BY articles DESC, first_date IS NULL, first_date, id""",
    "story_articles": """CREATE VIEW export_story_articles AS
            SELECT s.story_id, s.article_id FROM story_articles s JOIN articles a ON a.id = s.article_id
            ORDER BY s.story_id, a.seq""",
}
# Schema step 4, the same for every backend: quotes keep the cue's category and the pieces of
# a split quote (JSON [[start, end, text], ...]), and the export views are replaced.
REPLACE_EXPORT_VIEWS = (
    "ALTER TABLE quotes ADD COLUMN cue_category TEXT",
    "ALTER TABLE quotes ADD COLUMN parts TEXT",
    *(f"DROP VIEW export_{name}" for name in FIRST_EXPORT_VIEWS),
    *EXPORT_VIEWS.values(),
)
# Schema step 6: events keep the precision of their date (day, week, month, year, unknown)
# and their arguments: the article entity ids of actor, target and location, and the
# arguments as written (JSON [{"role", "relation", "start", "end", "text", "entity_id"}, ...]).
# Each backend fills them for the events already stored from the records it keeps, then the
# export view of events is replaced by one that reads them.
EVENT_ARGUMENT_COLUMNS = tuple(
    f"ALTER TABLE events ADD COLUMN {column} TEXT"
    for column in ("time_precision", "actor_entity_id", "target_entity_id", "location_entity_id", "arguments"))
_CORPUS_ID_OF = """(SELECT x.corpus_entity_id FROM entities x
                   WHERE x.article_id = e.article_id AND x.entity_id = e.{role}_entity_id)"""
EVENT_EXPORT_VIEW = ("""CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, e.actor_entity_id, """
                     + _CORPUS_ID_OF.format(role="actor") + """ AS actor_corpus_entity_id, e.target,
                   e.target_entity_id, """ + _CORPUS_ID_OF.format(role="target") + """ AS target_corpus_entity_id,
                   e.location, e.location_entity_id, """ + _CORPUS_ID_OF.format(role="location")
                     + """ AS location_corpus_entity_id,
                   e.location_geonames_id, e.lat, e.lon, e.time, e.time_precision, a.published, e.killed,
                   e.wounded, e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.arguments, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""")
REPLACE_EVENT_EXPORT_VIEW = ("DROP VIEW export_events", EVENT_EXPORT_VIEW)

# Columns whose export type is more than the database's: the rest are integer, real or text.
EXPORT_TYPES = {
    "articles": {"published": "date"},
    "entities": {"aliases": "list", "titles": "list"},
    "quotes": {"parts": "spans"},
    "amounts": {"approximate": "boolean"},
    # Computed columns, which SQLite gives no declared type.
    "corpus_entities": {"articles": "integer", "mentions": "integer"},
    "events": {"published": "date", "arguments": "arguments",
               **{f"{role}_corpus_entity_id": "integer" for role in ("actor", "target", "location")}},
    "framing": {"in_quote": "boolean"},
    "stories": {"outlets": "list", "first_date": "date", "last_date": "date"},
}

# True for an article that is not a near-duplicate copy of another (the articles table named `a`).
CANONICAL = "NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.article_id = a.id AND d.canonical_id != a.id)"
# What the copies add to each corpus entity's counts, so that counts without them need no
# scan of the entities table. Recomputed with the duplicates (REFRESH_COPY_COUNTS).
REFRESH_COPY_COUNTS = (
    "DELETE FROM corpus_entity_copies",
    """INSERT INTO corpus_entity_copies (corpus_entity_id, articles, mentions)
       SELECT e.corpus_entity_id, COUNT(*), SUM(e.mentions) FROM entities e
       JOIN duplicates d ON d.article_id = e.article_id AND d.canonical_id != d.article_id
       WHERE e.corpus_entity_id IS NOT NULL GROUP BY e.corpus_entity_id""",
)
# The schema step that adds them (the same text for every backend), and the stories' count of copies.
COPY_COUNTS = (
    """CREATE TABLE corpus_entity_copies (
        corpus_entity_id BIGINT PRIMARY KEY REFERENCES corpus_entities (id),
        articles BIGINT NOT NULL,
        mentions BIGINT NOT NULL
    )""",
    REFRESH_COPY_COUNTS[1],
    "ALTER TABLE stories ADD COLUMN copies BIGINT NOT NULL DEFAULT 0",
)


@dataclass(frozen=True)
class Filters:
    """What narrows a query to some articles: dates, outlet, story, speaker, and whether copies count."""

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    story: str | None = None
    speaker: str | None = None
    include_copies: bool = False


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


class SQLStore(Store):
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

    def add_error(self, source: str, message: str) -> None:
        self._begin()
        self._execute("INSERT INTO errors (source, message, seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                      (source, message, _now()))

    def add_article(self, article: Article) -> bool:
        self._begin()
        self._execute("SAVEPOINT article")
        try:
            added = self._insert(article)
        except BaseException:
            # Leave the batch's other articles in place; drop this one's partial rows.
            self._execute("ROLLBACK TO article")
            self._execute("RELEASE article")
            raise
        self._execute("RELEASE article")
        return added

    def _insert(self, article: Article) -> bool:
        tables = record_rows(article)
        seq = self._insert_id(
            "INSERT INTO articles (id, title, published, url, path, outlet, language, text, record, added)"
            f" VALUES ({_marks(10)}) ON CONFLICT DO NOTHING",
            (*tables["articles"][0], _now()), "seq")
        if seq is None:
            return False
        self._index_text(seq, article.title or "", article.text)
        self._executemany(f"INSERT INTO removals VALUES ({_marks(3)})", tables["removals"])
        merged: dict[str, int] = {}
        day = article.published or ""
        entities = []
        for entity, row in zip(article.entities, tables["entities"]):
            merged[entity.id] = self._merge_entity(entity, day)
            # The corpus entity id goes third, after the article's own ids.
            entities.append((*row[:2], merged[entity.id], *row[2:]))
        self._executemany(f"INSERT INTO entities VALUES ({_marks(14)})", _last_per_key(entities))
        self._executemany(f"INSERT INTO mentions VALUES ({_marks(6)})", tables["mentions"])
        columns = ROW_COLUMNS["quotes"]
        self._executemany(
            f"INSERT INTO quotes ({', '.join(_quoted(c) for c in columns)}, corpus_entity_id)"
            f" VALUES ({_marks(len(columns) + 1)})",
            # The speaker's corpus entity id goes last, looked up from its article entity id.
            _last_per_key([(*row, merged.get(row[9]) if row[9] else None) for row in tables["quotes"]]),
        )
        self._executemany(f"INSERT INTO amounts VALUES ({_marks(11)})", tables["amounts"])
        self._executemany(f"INSERT INTO events VALUES ({_marks(len(ROW_COLUMNS['events']))})",
                          _last_per_key(tables["events"]))
        self._executemany(f"INSERT INTO framing VALUES ({_marks(10)})", tables["framing"])
        return True

    def _merge_entity(self, entity: Entity, day: str) -> int:
        """Return the id of the corpus entity this article entity is, creating it when new.

        Places with a GeoNames id merge on it; everything else on its canonical name, then
        on any alias, among entities of the same kind.
        """
        kind = _kind(entity.type)
        keys = list(dict.fromkeys(k for k in map(name_key, [entity.name, *entity.aliases]) if k))
        found = None
        geonames_id = entity.geo.geonames_id if entity.geo else None
        if geonames_id is not None:
            row = self._execute("SELECT id FROM corpus_entities WHERE geonames_id = ?", (geonames_id,)).fetchone()
            found = row and row[0]
        for key in keys:
            if found:
                break
            row = self._execute("SELECT corpus_entity_id FROM corpus_entity_names WHERE kind = ? AND key = ?",
                                (kind, key)).fetchone()
            found = row and row[0]
        if not found:
            geo = entity.geo
            found = self._insert_id(
                f"INSERT INTO corpus_entities (name, type, geonames_id, lat, lon, country_code) VALUES ({_marks(6)})",
                (entity.name, entity.type, geonames_id, geo and geo.lat, geo and geo.lon, geo and geo.country_code),
                "id")
        names = [entity.name, *entity.aliases]
        self._executemany(f"INSERT INTO corpus_entity_names VALUES ({_marks(4)}) ON CONFLICT DO NOTHING",
                          [(kind, name_key(n), n, found) for n in names if name_key(n)])
        mentions = len(entity.mentions)
        self._execute("UPDATE corpus_entities SET articles = articles + 1, mentions = mentions + ? WHERE id = ?",
                      (mentions, found))
        # The table's name says which `articles` is meant: PostgreSQL would also see excluded's.
        self._execute(
            "INSERT INTO corpus_entity_days VALUES (?, ?, 1, ?) ON CONFLICT (corpus_entity_id, day) DO UPDATE"
            " SET articles = corpus_entity_days.articles + 1,"
            " mentions = corpus_entity_days.mentions + excluded.mentions",
            (found, day, mentions),
        )
        return found

    def set_duplicates(self, clusters: list[tuple[str, list[tuple[str, float]]]]) -> None:
        self._begin()
        self._execute("DELETE FROM duplicates")
        self._executemany(f"INSERT INTO duplicates VALUES ({_marks(3)})",
                          [(member, canonical, similarity)
                           for canonical, members in clusters for member, similarity in members])
        for statement in REFRESH_COPY_COUNTS:
            self._execute(statement)
        self.commit()

    def set_stories(self, stories: list[tuple[str, str, list[str], str | None, str | None, list[str]]],
                    copies: dict[str, int] | None = None) -> None:
        copies = copies or {}
        self._begin()
        self._execute("DELETE FROM story_articles")
        self._execute("DELETE FROM stories")
        # A story's size counts its articles once: copies are counted apart.
        self._executemany(
            "INSERT INTO stories (id, label, articles, outlets, first_date, last_date, copies)"
            f" VALUES ({_marks(7)})",
            [(sid, label, len(ids) - copies.get(sid, 0), json_list(outlets), first, last, copies.get(sid, 0))
             for sid, label, ids, first, last, outlets in stories])
        self._executemany(f"INSERT INTO story_articles VALUES ({_marks(2)})",
                          [(aid, sid) for sid, _, ids, *_ in stories for aid in ids])
        self.commit()

    # -- reading ----------------------------------------------------------------------

    def search(self, text: str, limit: int = 20, filters: Filters | None = None) -> list[dict]:
        query = parse_query(text)
        where, params = self.article_filters(filters or Filters())
        return self._search_rows(query, where, params, limit)

    def article_filters(self, filters: Filters) -> tuple[list[str], list]:
        """Return conditions on the articles table, named `a`, for the filters, and their parameters."""
        where, params = [], []
        if filters.since:
            where.append("a.published >= ?")
            params.append(filters.since)
        if filters.until:
            # Published values may carry a time: anything on the last day is in.
            where.append("a.published < ?")
            params.append(_next_day(filters.until))
        if filters.outlet:
            where.append(f"({self.matching('a.outlet')} OR (a.outlet IS NULL AND {self.matching('a.url')}))")
            params += [like_pattern(filters.outlet, within=True)] * 2
        if filters.story:
            where.append("a.id IN (SELECT article_id FROM story_articles WHERE story_id = ?)")
            params.append(filters.story)
        if filters.speaker:
            speaker, speaker_params = self._speaker_condition(filters.speaker)
            where.append(f"a.id IN (SELECT q.article_id FROM quotes q WHERE {speaker})")
            params += speaker_params
        if not filters.include_copies:
            where.append(CANONICAL)
        return where, params

    def _speaker_condition(self, speaker: str) -> tuple[str, list]:
        """Return a condition on quotes, named `q`, true for a speaker's quotes (by name or alias), and its parameters."""
        key = name_key(speaker)
        return (f"""({self.matching('q.speaker')} OR q.corpus_entity_id IN
                    (SELECT corpus_entity_id FROM corpus_entity_names
                     WHERE key = ? OR {self.matching('key')}))""",
                [like_pattern(speaker, within=True), key, "% " + like_pattern(key)])

    def quotes(self, speaker: str | None = None, about: str | None = None, limit: int = 100,
               filters: Filters | None = None) -> list[dict]:
        filters = filters or Filters()
        # The speaker is a condition on the quote itself here, not on its article.
        where, params = self.article_filters(replace(filters, speaker=None))
        if speaker or filters.speaker:
            condition, more = self._speaker_condition(speaker or filters.speaker)
            where.append(condition)
            params += more
        if about:
            condition, more = self._quote_match(parse_query(about))
            where.append(condition)
            params += more
        sql = f"""SELECT q.article_id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.outlet, q.quote_id,
                         q.kind, q.speaker, q.corpus_entity_id, q.cue, q.content, q.start, q."end"
                  FROM quotes q JOIN articles a ON a.id = q.article_id
                  {'WHERE ' + ' AND '.join(where) if where else ''}
                  ORDER BY a.published NULLS FIRST, a.seq, q.start LIMIT ?"""
        return self._dicts(sql, [*params, limit])

    def event_types(self) -> list[str]:
        """Return the event types a query may name: presslens's own and ACLED's, as the trigger lexicon gives them."""
        from presslens.extract.events import trigger_rules

        rules = [rule for found in trigger_rules().values() for rule in found]
        ours = {rule.type for rule in rules}
        acled = {rule.acled_event_type for rule in rules if rule.acled_event_type}
        return sorted(ours) + sorted(acled)

    def events(self, type: str | None = None, near: str | None = None, since: str | None = None,
               limit: int = 100, within_km: float = 100.0, filters: Filters | None = None) -> list[dict]:
        filters = filters or Filters()
        if type and type.casefold() not in {t.casefold() for t in self.event_types()}:
            raise PresslensError(f"there is no event type '{type}'; choose one of {', '.join(self.event_types())}.")
        # An event's own time, when it has one, stands for the article's date.
        where, params = self.article_filters(replace(filters, since=None, until=None))
        if type:
            where.append("(lower(e.type) = lower(?) OR lower(e.acled_event_type) = lower(?))")
            params += [type, type]
        if since or filters.since:
            where.append("COALESCE(e.time, a.published) >= ?")
            params.append(since or filters.since)
        if filters.until:
            where.append("COALESCE(e.time, a.published) < ?")
            params.append(_next_day(filters.until))
        centre = None
        if near:
            centre = _place_coordinates(near)
            if centre is None:
                raise PresslensError(f"'{near}' is not a place in the gazetteer; give a city, region or country"
                                     " as it is usually written in English.")
            clause = self.matching("e.location")
            params.append(like_pattern(near, within=True))
            # A box around the place narrows the rows; the exact distance is checked below.
            lat, lon = centre
            dlat = within_km / 111.0
            dlon = within_km / max(111.0 * math.cos(math.radians(lat)), 1.0)
            clause += " OR (e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?)"
            params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
            where.append(f"({clause})")
        sql = f"""SELECT e.article_id, a.title, a.published, COALESCE(a.url, a.path) AS source, e.event_id,
                         e.type, e.trigger, e.actor, e.actor_entity_id, e.target, e.target_entity_id, e.location,
                         e.location_entity_id, e.lat, e.lon, e.time, e.time_precision, e.killed, e.wounded,
                         e.modality, e.reported_by, e.arguments, e.start, e."end"
                  FROM events e JOIN articles a ON a.id = e.article_id
                  {'WHERE ' + ' AND '.join(where) if where else ''}
                  ORDER BY COALESCE(e.time, a.published) NULLS FIRST, a.seq, e.start"""
        found = []
        for item in self._dicts(sql, params):
            if centre and item["lat"] is not None and near.casefold() not in (item["location"] or "").casefold():
                if _km(centre, (item["lat"], item["lon"])) > within_km:
                    continue
            item["arguments"] = _typed(item["arguments"], "arguments") or []
            found.append(item)
            if len(found) >= limit:
                break
        return found

    def top_entities(self, n: int = 20, include_copies: bool = False) -> list[dict]:
        counts = ("c.articles AS articles, c.mentions AS mentions" if include_copies else
                  "c.articles - COALESCE(k.articles, 0) AS articles, c.mentions - COALESCE(k.mentions, 0) AS mentions")
        return self._dicts(
            f"""SELECT t.*,
                      (SELECT MIN(day) FROM corpus_entity_days d WHERE d.corpus_entity_id = t.id AND day != '') AS first_seen,
                      (SELECT MAX(day) FROM corpus_entity_days d WHERE d.corpus_entity_id = t.id AND day != '') AS last_seen
               FROM (SELECT c.id, c.name, c.type, {counts}, c.geonames_id
                     FROM corpus_entities c LEFT JOIN corpus_entity_copies k ON k.corpus_entity_id = c.id) t
               WHERE t.articles > 0 ORDER BY t.mentions DESC, t.articles DESC, t.name, t.id LIMIT ?""",
            (n,),
        )

    def entity_days(self, corpus_entity_id: int) -> list[dict]:
        """Return the mention counts of one corpus entity per published date."""
        return self._dicts("SELECT day, articles, mentions FROM corpus_entity_days WHERE corpus_entity_id = ?"
                           " ORDER BY day", (corpus_entity_id,))

    def tables(self) -> tuple[str, ...]:
        return EXPORT_TABLES

    def columns(self, table: str) -> list[tuple[str, str]]:
        self._check_table(table)
        types = EXPORT_TYPES.get(table, {})
        return [(name, types.get(name, kind)) for name, kind in self._view_columns(f"export_{table}")]

    def rows(self, table: str) -> Iterator[dict]:
        columns = self.columns(table)
        names = [name for name, _ in columns]
        typed = [(i, kind) for i, (_, kind) in enumerate(columns)
                 if kind in ("date", "list", "spans", "arguments", "boolean")]
        # Streamed: memory stays flat however large the table.
        for row in self._stream(f"SELECT * FROM export_{table}"):
            values = list(row)
            for i, kind in typed:
                values[i] = _typed(values[i], kind)
            yield dict(zip(names, values))

    def _check_table(self, table: str) -> None:
        if table not in EXPORT_TABLES:
            raise PresslensError(f"there is no '{table}' table; choose one of {', '.join(EXPORT_TABLES)}.")

    def articles_for_dedupe(self) -> Iterator[tuple[str, str | None, str]]:
        for row in self._stream("SELECT id, published, text FROM articles ORDER BY seq"):
            yield row[0], row[1], row[2]

    def articles_for_stories(self) -> list[StoryArticle]:
        from presslens.corpus.stories import LEAD_CHARS, StoryArticle

        found: dict[str, StoryArticle] = {}
        rows = self._execute("SELECT id, published, outlet, url, title, substr(text, 1, ?) FROM articles ORDER BY seq",
                             (LEAD_CHARS,))
        for aid, published, outlet, url, title, lead in rows:
            # Texts usually open with their title; a title kept apart still belongs to the lead.
            text = lead if not title or lead.startswith(title) else f"{title}\n{lead}"
            found[aid] = StoryArticle(id=aid, published=published, outlet=outlet_name(outlet, url), text=text)
        for aid, eid, name, etype, salience in self._execute(
                "SELECT e.article_id, e.corpus_entity_id, c.name, e.type, e.salience FROM entities e"
                " JOIN corpus_entities c ON c.id = e.corpus_entity_id"):
            entities = found[aid].entities
            # Two article entities can merge into one corpus entity: keep the more salient.
            if eid not in entities or (salience or 0) > entities[eid][2]:
                entities[eid] = (name, etype, salience or 0.0)
        return list(found.values())

    def duplicate_pairs(self) -> Iterator[tuple[str, str]]:
        for row in self._execute("SELECT article_id, canonical_id FROM duplicates"):
            yield row[0], row[1]

    def stories(self, top: int = 20) -> list[dict]:
        rows = self._dicts("""SELECT id, label, articles, copies, outlets, first_date, last_date FROM stories
                              ORDER BY articles DESC, first_date IS NULL, first_date, id LIMIT ?""", (top,))
        return [{**r, "outlets": json.loads(r["outlets"] or "[]")} for r in rows]

    def story(self, story_id: str) -> dict | None:
        rows = self._dicts("SELECT * FROM stories WHERE id = ?", (story_id,))
        if not rows:
            return None
        found = {**rows[0], "outlets": json.loads(rows[0]["outlets"] or "[]")}
        articles = self._dicts(
            """SELECT a.id, a.title, a.published, a.outlet, a.url, COALESCE(a.url, a.path) AS source,
                      CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of
               FROM story_articles s JOIN articles a ON a.id = s.article_id
                    LEFT JOIN duplicates d ON d.article_id = a.id
               WHERE s.story_id = ?""", (story_id,))
        for item in articles:
            item["outlet"] = outlet_name(item["outlet"], item.pop("url"))
        articles.sort(key=lambda a: (a["outlet"] is None, a["outlet"] or "", a["published"] is None,
                                     a["published"] or "", a["title"] or ""))
        found["articles"] = articles  # the rows themselves replace their count
        return found

    def article(self, article_id: str) -> Article | None:
        """Return the stored record of an article, or None."""
        row = self._execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        names = ("articles", "entities", "corpus_entities", "mentions", "quotes", "amounts", "events", "framing",
                 "removals", "duplicates", "stories", "errors")
        return {n: self._execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}

    def close(self) -> None:
        if self.db is None:
            return
        self.commit()
        self.db.close()
        self.db = None


def name_key(name: str) -> str:
    """Return the form of a name that merging compares: accents, case, spacing and a leading 'the' folded."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = " ".join(folded.replace("’", "'").replace(".", " ").split())
    return folded[4:] if folded.startswith("the ") else folded


def outlet_name(outlet: str | None, url: str | None) -> str | None:
    """Return the outlet an article came from: its stated name, else its web address's host."""
    if outlet:
        return outlet
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def like_pattern(text: str, within: bool = False) -> str:
    """Return the pattern for `SQLStore.matching` that matches this text, or any text holding it when `within`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%" if within else escaped


def _typed(value, kind: str):
    """Return a stored value as its export type: a date, a list, a list of spans or of
    arguments, or a boolean."""
    if value is None:
        return None
    if kind == "boolean":
        return bool(value)
    if kind == "date":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None  # a date the source gave in no form presslens reads
    items = json.loads(value)
    if kind == "spans":
        return [{"start": start, "end": end, "text": text} for start, end, text in items]
    if kind == "arguments":
        return [{key: item.get(key) for key in ("role", "relation", "start", "end", "text", "entity_id")}
                for item in items]
    return items


def _next_day(day: str) -> str:
    """Return the ISO date after this one."""
    return (date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat()


def _quoted(column: str) -> str:
    return f'"{column}"' if column == "end" else column


def _marks(n: int) -> str:
    """Return n placeholders for a VALUES list."""
    return ", ".join("?" * n)


def _last_per_key(rows: list[tuple]) -> list[tuple]:
    """Return the rows with one per (article id, record id), the last: a repeated id replaces the earlier record."""
    return list({row[:2]: row for row in rows}.values())


def first_line(error: BaseException) -> str:
    """Return the first line of an error's message (drivers add hints and context on the next ones)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _kind(entity_type: str) -> str:
    # Places are typed GPE or LOC inconsistently from one article to the next.
    return "PLACE" if entity_type in PLACE_TYPES else entity_type


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _place_coordinates(name: str) -> tuple[float, float] | None:
    """Return the coordinates of the best-known place of this name in the gazetteer, or None."""
    from presslens.extract.places.gazetteer import _key, gazetteer

    candidates = gazetteer().names.get(_key(name), {})
    if not candidates:
        return None
    best = max(candidates.values(), key=lambda p: (p.feature == "country", p.population))
    return best.lat, best.lon


def __getattr__(name: str):
    # The SQLite backend lives in its own module, which builds on this one; these names are
    # still read from here (presslens.corpus.store.SQLiteStore), so they load on first use.
    if name in ("SQLiteStore", "MIGRATIONS"):
        from presslens.corpus import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
