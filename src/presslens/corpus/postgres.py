"""The PostgreSQL corpus store: one corpus that several machines or users share.

The SQL itself is shared with every backend (presslens.corpus.store.SQLStore); here are the
connection (psycopg 3, the `postgres` extra), the PostgreSQL schema and the parts of its
dialect: `%s` placeholders, RETURNING, a tsvector column with a GIN index for full-text
search, information_schema for the export columns, server-side cursors for streaming.

Needs PostgreSQL 12 or later (generated columns). Writers take one advisory lock per
transaction, so that, as in SQLite, one ingest writes at a time and the merge of corpus
entities never races another.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from presslens.corpus.search import tsquery
from presslens.corpus.store import (
    COPY_COUNTS,
    EVENT_ARGUMENT_COLUMNS,
    FIRST_EXPORT_VIEWS,
    REPLACE_EVENT_EXPORT_VIEW,
    REPLACE_EXPORT_VIEWS,
    SQLStore,
    first_line,
    no_corpus,
)
from presslens.errors import PresslensError

# The schema history, as for SQLite: steps are only ever appended. Types follow SQLite's
# storage: 64-bit integers, double-precision reals, and text that compares and sorts by
# code point, whatever the database's locale, so that queries order rows as SQLite does
# and ILIKE folds ASCII letters only, as SQLite's LIKE does.
MIGRATIONS: list[list[str]] = [
    [
        'CREATE DOMAIN ctext AS TEXT COLLATE "C"',
        """CREATE TABLE articles (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id ctext NOT NULL UNIQUE,
            title ctext,
            published ctext,
            url ctext,
            path ctext,
            outlet ctext,
            language ctext,
            text ctext NOT NULL,
            record ctext NOT NULL,
            added ctext NOT NULL,
            -- 'simple': words are case-folded but not stemmed, as in SQLite's FTS5 index.
            words tsvector GENERATED ALWAYS AS (to_tsvector('simple', COALESCE(title, '') || ' ' || text)) STORED
        )""",
        "CREATE INDEX articles_published ON articles (published)",
        "CREATE INDEX articles_words ON articles USING GIN (words)",
        """CREATE TABLE corpus_entities (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name ctext NOT NULL,
            type ctext NOT NULL,
            geonames_id BIGINT UNIQUE,
            lat DOUBLE PRECISION,
            lon DOUBLE PRECISION,
            country_code ctext,
            articles BIGINT NOT NULL DEFAULT 0,
            mentions BIGINT NOT NULL DEFAULT 0
        )""",
        # Every name and alias a corpus entity was seen under, by kind of entity: the merge
        # looks an incoming entity up here.
        """CREATE TABLE corpus_entity_names (
            kind ctext NOT NULL,
            key ctext NOT NULL,
            name ctext NOT NULL,
            corpus_entity_id BIGINT NOT NULL REFERENCES corpus_entities (id),
            PRIMARY KEY (kind, key)
        )""",
        "CREATE INDEX corpus_entity_names_entity ON corpus_entity_names (corpus_entity_id)",
        """CREATE TABLE corpus_entity_days (
            corpus_entity_id BIGINT NOT NULL REFERENCES corpus_entities (id),
            day ctext NOT NULL,
            articles BIGINT NOT NULL,
            mentions BIGINT NOT NULL,
            PRIMARY KEY (corpus_entity_id, day)
        )""",
        """CREATE TABLE entities (
            article_id ctext NOT NULL REFERENCES articles (id),
            entity_id ctext NOT NULL,
            corpus_entity_id BIGINT REFERENCES corpus_entities (id),
            name ctext NOT NULL,
            type ctext NOT NULL,
            aliases ctext,
            titles ctext,
            affiliation ctext,
            salience DOUBLE PRECISION,
            mentions BIGINT NOT NULL,
            geonames_id BIGINT,
            lat DOUBLE PRECISION,
            lon DOUBLE PRECISION,
            country_code ctext,
            PRIMARY KEY (article_id, entity_id)
        )""",
        "CREATE INDEX entities_corpus ON entities (corpus_entity_id)",
        """CREATE TABLE mentions (
            article_id ctext NOT NULL REFERENCES articles (id),
            entity_id ctext NOT NULL,
            start BIGINT NOT NULL,
            "end" BIGINT NOT NULL,
            text ctext NOT NULL,
            kind ctext NOT NULL
        )""",
        "CREATE INDEX mentions_article ON mentions (article_id, entity_id)",
        """CREATE TABLE quotes (
            article_id ctext NOT NULL REFERENCES articles (id),
            quote_id ctext NOT NULL,
            kind ctext NOT NULL,
            content ctext NOT NULL,
            start BIGINT NOT NULL,
            "end" BIGINT NOT NULL,
            cue ctext,
            cue_lemma ctext,
            speaker ctext,
            speaker_entity_id ctext,
            corpus_entity_id BIGINT REFERENCES corpus_entities (id),
            confidence DOUBLE PRECISION,
            PRIMARY KEY (article_id, quote_id)
        )""",
        "CREATE INDEX quotes_corpus_entity ON quotes (corpus_entity_id)",
        """CREATE TABLE amounts (
            article_id ctext NOT NULL REFERENCES articles (id),
            value DOUBLE PRECISION,
            value_max DOUBLE PRECISION,
            approximate BIGINT NOT NULL,
            qualifier ctext,
            unit ctext,
            counts ctext,
            kind ctext NOT NULL,
            start BIGINT NOT NULL,
            "end" BIGINT NOT NULL,
            text ctext NOT NULL
        )""",
        "CREATE INDEX amounts_article ON amounts (article_id)",
        """CREATE TABLE events (
            article_id ctext NOT NULL REFERENCES articles (id),
            event_id ctext NOT NULL,
            type ctext NOT NULL,
            trigger ctext NOT NULL,
            start BIGINT NOT NULL,
            "end" BIGINT NOT NULL,
            actor ctext,
            target ctext,
            location ctext,
            location_geonames_id BIGINT,
            lat DOUBLE PRECISION,
            lon DOUBLE PRECISION,
            time ctext,
            killed BIGINT,
            wounded BIGINT,
            missing BIGINT,
            arrested BIGINT,
            displaced BIGINT,
            modality ctext,
            reported_by ctext,
            acled_event_type ctext,
            acled_sub_event_type ctext,
            cameo ctext,
            salience DOUBLE PRECISION,
            PRIMARY KEY (article_id, event_id)
        )""",
        "CREATE INDEX events_type ON events (type)",
        """CREATE TABLE framing (
            article_id ctext NOT NULL REFERENCES articles (id),
            technique ctext NOT NULL,
            start BIGINT NOT NULL,
            "end" BIGINT NOT NULL,
            text ctext NOT NULL,
            target ctext,
            reason ctext,
            in_quote BIGINT NOT NULL,
            quote_id ctext,
            speaker ctext
        )""",
        "CREATE INDEX framing_article ON framing (article_id)",
        """CREATE TABLE removals (
            article_id ctext NOT NULL REFERENCES articles (id),
            kind ctext NOT NULL,
            text ctext NOT NULL
        )""",
        """CREATE TABLE duplicates (
            article_id ctext PRIMARY KEY REFERENCES articles (id),
            canonical_id ctext NOT NULL REFERENCES articles (id),
            similarity DOUBLE PRECISION NOT NULL
        )""",
        "CREATE INDEX duplicates_canonical ON duplicates (canonical_id)",
        """CREATE TABLE errors (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source ctext NOT NULL,
            message ctext NOT NULL,
            seen ctext NOT NULL
        )""",
        # Unique on digests, not on the texts: a B-tree entry must fit in a third of a page,
        # and a message or a source path may not.
        "CREATE UNIQUE INDEX errors_once ON errors (md5(source), md5(message))",
        # Stories are rebuilt whole after each ingest, so they live in their own tables
        # that can be replaced without touching the articles.
        """CREATE TABLE stories (
            id ctext PRIMARY KEY,
            label ctext NOT NULL,
            articles BIGINT NOT NULL,
            outlets ctext,
            first_date ctext,
            last_date ctext
        )""",
        """CREATE TABLE story_articles (
            article_id ctext PRIMARY KEY REFERENCES articles (id),
            story_id ctext NOT NULL REFERENCES stories (id)
        )""",
        "CREATE INDEX story_articles_story ON story_articles (story_id)",
        *FIRST_EXPORT_VIEWS.values(),
    ],
    [
        # What `presslens watch` remembers between runs (presslens.watch.state), as in SQLite.
        """CREATE TABLE watch_sources (
            url ctext PRIMARY KEY,
            parent ctext,
            title ctext,
            kind ctext,
            etag ctext,
            last_modified ctext,
            added ctext NOT NULL,
            polls BIGINT NOT NULL DEFAULT 0,
            last_poll ctext,
            next_poll ctext,
            last_result ctext,
            last_new BIGINT NOT NULL DEFAULT 0,
            last_seen BIGINT NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE watch_urls (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            url ctext NOT NULL UNIQUE,
            address ctext NOT NULL,
            source ctext NOT NULL,
            published ctext,
            found ctext NOT NULL,
            state ctext NOT NULL,
            tries BIGINT NOT NULL DEFAULT 0,
            canonical ctext,
            article_id ctext,
            message ctext,
            done ctext
        )""",
        "CREATE INDEX watch_urls_state ON watch_urls (state, seq)",
        "CREATE INDEX watch_urls_canonical ON watch_urls (canonical)",
        "CREATE INDEX watch_urls_source ON watch_urls (source)",
    ],
    [
        # Quotes searched by their words, as articles are.
        "ALTER TABLE quotes ADD COLUMN words tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED",
        "CREATE INDEX quotes_words ON quotes USING GIN (words)",
        *COPY_COUNTS,
    ],
    list(REPLACE_EXPORT_VIEWS),
    [
        *EVENT_ARGUMENT_COLUMNS,
        # The events already stored take the new columns from the record their article keeps.
        """UPDATE events e SET time_precision = v ->> 'time_precision', actor_entity_id = v ->> 'actor',
               target_entity_id = v ->> 'target', location_entity_id = v ->> 'location',
               arguments = CASE WHEN json_array_length(v -> 'arguments') > 0 THEN (v -> 'arguments')::text END
           FROM articles a, json_array_elements(a.record::json -> 'events') AS v
           WHERE a.id = e.article_id AND v ->> 'id' = e.event_id""",
        *REPLACE_EVENT_EXPORT_VIEW,
    ],
    [
        # The last word of each name of several words, indexed (as in the SQLite schema).
        "ALTER TABLE corpus_entity_names ADD COLUMN last_word ctext",
        "UPDATE corpus_entity_names SET last_word = regexp_replace(key, '^.* ', '') WHERE position(' ' in key) > 0",
        "CREATE INDEX corpus_entity_names_last_word ON corpus_entity_names (last_word, kind)",
    ],
]

# Any fixed number will do: it names the lock that every presslens writer of a database takes.
WRITE_LOCK = 0x70726573736C656E  # "presslen"
# One fragment of up to 24 words, unmarked: the snippet SQLite's FTS5 gives.
HEADLINE = 'StartSel="", StopSel="", MinWords=12, MaxWords=24, ShortWord=0, MaxFragments=1'
INSTALL = "PostgreSQL stores need the psycopg driver: install presslens[postgres] (pip install 'presslens[postgres]')."


class PostgresStore(SQLStore):
    """A corpus in a PostgreSQL database, given as a postgresql:// URL."""

    migrations = MIGRATIONS
    begin = ("BEGIN", f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    begin_migration = begin
    like = "ILIKE"

    def __init__(self, url: str, read_only: bool = False, create: bool = True):
        try:
            import psycopg
        except ImportError:
            raise PresslensError(INSTALL) from None
        self.name = redacted(url)
        self.read_only = read_only
        self._in_transaction = False
        self.database_error = psycopg.Error
        self._cursors = itertools.count()
        try:
            params = psycopg.conninfo.conninfo_to_dict(url)
            # Without a timeout an unreachable host holds the command for minutes.
            params.setdefault("connect_timeout", 10)
            # Autocommit: the store opens its transactions itself, as it does in SQLite.
            self.db = psycopg.connect(autocommit=True, **params)
        except psycopg.Error as error:
            raise PresslensError(f"cannot connect to the PostgreSQL database {self.name} "
                                 f"({_reason(error, url)}).") from None
        try:
            if read_only:
                # The server refuses every write too, whatever the caller's code does.
                self._execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            if (read_only or not create) and self._execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
                raise no_corpus(self.name)
        except BaseException:
            self.db.close()
            raise
        self._prepare()

    def _sql(self, sql: str) -> str:
        return _placeholders(sql)

    def _execute(self, sql: str, params: Iterable = ()):
        return self.db.execute(self._sql(sql), [_storable(v) for v in params])

    def _executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        self.db.cursor().executemany(self._sql(sql), [[_storable(v) for v in row] for row in rows])

    def _insert_id(self, sql: str, params: tuple, column: str) -> int | None:
        row = self._execute(f"{sql} RETURNING {column}", params).fetchone()
        return row[0] if row else None

    def _index_text(self, seq: int, title: str, text: str) -> None:
        pass  # the words column is generated by the database from title and text

    def _search_rows(self, query, where: list[str], params: list, limit: int) -> list[dict]:
        # The headline is made for the page of results only, since it re-reads the whole
        # text; an ellipsis marks where it cuts the text, as in FTS5's snippet.
        match, match_params = tsquery(query)
        return self._dicts(
            f"""WITH query AS (SELECT {match} AS q),
                    found AS (SELECT a.seq, ts_rank(a.words, query.q) AS rank FROM articles a, query
                              WHERE {' AND '.join(['a.words @@ query.q', *where])}
                              ORDER BY rank DESC, a.seq LIMIT ?)
               SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.outlet,
                      CASE WHEN starts_with(a.text, h.s) THEN '' ELSE '…' END || h.s
                      || CASE WHEN right(a.text, length(h.s)) = h.s THEN '' ELSE '…' END AS snippet
               FROM found JOIN articles a ON a.seq = found.seq CROSS JOIN query,
                    LATERAL (SELECT ts_headline('simple', a.text, query.q, ?) AS s) h
               ORDER BY found.rank DESC, a.seq""",
            (*match_params, *params, limit, HEADLINE),
        )

    def _quote_match(self, query) -> tuple[str, list]:
        match, params = tsquery(query)
        return f"q.words @@ {match}", params

    def starts_with_date(self, column: str) -> str:
        return f"{column} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}'"

    def naming_any(self, phrases: list[str]) -> tuple[str, list]:
        # phraseto_tsquery reads each phrase as words in a row, never as operators; || joins
        # the queries with OR. The 'simple' configuration is the one the words column is made with.
        either = " || ".join("phraseto_tsquery('simple', ?)" for _ in phrases)
        return f"a.words @@ ({either})", list(phrases)

    def json_value(self, column: str, *keys: str) -> str:
        # json, not jsonb: jsonb refuses the escaped NUL (\u0000) a record of a text holding one carries.
        return f"CAST({column} AS json) #> '{{{','.join(keys)}}}'"

    def thread_safe(self) -> bool:
        # psycopg serializes the statements of threads sharing a connection, and a read-only
        # store runs each in its own transaction (autocommit; it never opens one itself), so
        # a statement that fails cannot leave a transaction aborted for the next.
        return self.read_only

    def generation(self) -> object:
        # The snapshot names the transactions committed so far (its lowest running one, the next
        # id and those in flight): it moves on every commit in the cluster, never on a read.
        return self._execute("SELECT txid_current_snapshot()::text").fetchone()[0]

    def connection_lost(self) -> bool:
        # psycopg marks the connection broken when the server ended it (a restart, a dropped link).
        return self.db is None or self.db.broken

    def _view_columns(self, view: str) -> list[tuple[str, str]]:
        kinds = {"bigint": "integer", "integer": "integer", "smallint": "integer",
                 "double precision": "real", "real": "real", "numeric": "real"}
        rows = self._execute("""SELECT column_name, data_type FROM information_schema.columns
                                WHERE table_schema = current_schema() AND table_name = ?
                                ORDER BY ordinal_position""", (view,))
        return [(name, kinds.get(data_type, "text")) for name, data_type in rows]

    def _stream(self, sql: str, params: Iterable = ()) -> Iterator:
        # A server-side cursor sends the rows in chunks; WITH HOLD lets it outlive the
        # statement's own transaction, since the store runs in autocommit between writes.
        cursor = self.db.cursor(name=f"presslens_{next(self._cursors)}", withhold=True)
        try:
            cursor.itersize = 2000
            cursor.execute(self._sql(sql), [_storable(v) for v in params])
            yield from cursor
        finally:
            cursor.close()


def redacted(url: str) -> str:
    """Return a postgresql:// URL without its password or query string, to show in messages."""
    parts = urlsplit(url)
    user, _, host = parts.netloc.rpartition("@")
    user = user.partition(":")[0]
    return f"{parts.scheme}://{user + '@' if user else ''}{host}{parts.path}"


@lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    # psycopg reads % as the start of a placeholder: a literal one is written %%.
    return sql.replace("%", "%%").replace("?", "%s")


def _storable(value):
    # PostgreSQL text cannot hold NUL; SQLite can. One replacement character keeps offsets.
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


def _reason(error: Exception, url: str) -> str:
    """Return the driver's reason for a failed connection, in a few words and without the password."""
    text = first_line(error)
    # libpq wraps the reason in what it was doing: 'connection failed: connection to server
    # at "host", port 5432 failed: FATAL:  database "x" does not exist'.
    text = re.sub(r'^(connection (failed|is bad): )?(connection to server .*? failed: )?(FATAL: +)?', "", text)
    password = urlsplit(url).password
    for secret in {password, password and unquote(password)} - {None, ""}:
        text = text.replace(secret, "***")
    return text.rstrip(".")
