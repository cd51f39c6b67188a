"""The SQLite corpus store: the embedded default, one file, in WAL mode with FTS5 over title and text.

The SQL itself is shared with every backend (presslens.corpus.store.SQLStore); here are the
SQLite connection, its schema history and the parts of SQLite's dialect: rowids, FTS5,
PRAGMA table_info.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from presslens.corpus.search import fts5
from presslens.corpus.store import (
    COPY_COUNTS,
    EVENT_ARGUMENT_COLUMNS,
    FIRST_EXPORT_VIEWS,
    REPLACE_EVENT_EXPORT_VIEW,
    REPLACE_EXPORT_VIEWS,
    SQLStore,
    no_corpus,
)
from presslens.errors import PresslensError

# Each step moves the schema from version i to i + 1; steps are only ever appended, so an
# older database is brought up to date by running the ones it has not seen, in order.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            title TEXT,
            published TEXT,
            url TEXT,
            path TEXT,
            outlet TEXT,
            language TEXT,
            text TEXT NOT NULL,
            record TEXT NOT NULL,
            added TEXT NOT NULL
        )""",
        "CREATE INDEX articles_published ON articles (published)",
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
        )""",
        """CREATE TABLE corpus_entities (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            geonames_id INTEGER UNIQUE,
            lat REAL,
            lon REAL,
            country_code TEXT,
            articles INTEGER NOT NULL DEFAULT 0,
            mentions INTEGER NOT NULL DEFAULT 0
        )""",
        # Every name and alias a corpus entity was seen under, by kind of entity: the merge
        # looks an incoming entity up here.
        """CREATE TABLE corpus_entity_names (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            corpus_entity_id INTEGER NOT NULL REFERENCES corpus_entities (id),
            PRIMARY KEY (kind, key)
        )""",
        "CREATE INDEX corpus_entity_names_entity ON corpus_entity_names (corpus_entity_id)",
        """CREATE TABLE corpus_entity_days (
            corpus_entity_id INTEGER NOT NULL REFERENCES corpus_entities (id),
            day TEXT NOT NULL,
            articles INTEGER NOT NULL,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (corpus_entity_id, day)
        )""",
        """CREATE TABLE entities (
            article_id TEXT NOT NULL REFERENCES articles (id),
            entity_id TEXT NOT NULL,
            corpus_entity_id INTEGER REFERENCES corpus_entities (id),
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            aliases TEXT,
            titles TEXT,
            affiliation TEXT,
            salience REAL,
            mentions INTEGER NOT NULL,
            geonames_id INTEGER,
            lat REAL,
            lon REAL,
            country_code TEXT,
            PRIMARY KEY (article_id, entity_id)
        )""",
        "CREATE INDEX entities_corpus ON entities (corpus_entity_id)",
        """CREATE TABLE mentions (
            article_id TEXT NOT NULL REFERENCES articles (id),
            entity_id TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL
        )""",
        "CREATE INDEX mentions_article ON mentions (article_id, entity_id)",
        """CREATE TABLE quotes (
            article_id TEXT NOT NULL REFERENCES articles (id),
            quote_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            content TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            cue TEXT,
            cue_lemma TEXT,
            speaker TEXT,
            speaker_entity_id TEXT,
            corpus_entity_id INTEGER REFERENCES corpus_entities (id),
            confidence REAL,
            PRIMARY KEY (article_id, quote_id)
        )""",
        "CREATE INDEX quotes_corpus_entity ON quotes (corpus_entity_id)",
        """CREATE TABLE amounts (
            article_id TEXT NOT NULL REFERENCES articles (id),
            value REAL,
            value_max REAL,
            approximate INTEGER NOT NULL,
            qualifier TEXT,
            unit TEXT,
            counts TEXT,
            kind TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX amounts_article ON amounts (article_id)",
        """CREATE TABLE events (
            article_id TEXT NOT NULL REFERENCES articles (id),
            event_id TEXT NOT NULL,
            type TEXT NOT NULL,
            trigger TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            actor TEXT,
            target TEXT,
            location TEXT,
            location_geonames_id INTEGER,
            lat REAL,
            lon REAL,
            time TEXT,
            killed INTEGER,
            wounded INTEGER,
            missing INTEGER,
            arrested INTEGER,
            displaced INTEGER,
            modality TEXT,
            reported_by TEXT,
            acled_event_type TEXT,
            acled_sub_event_type TEXT,
            cameo TEXT,
            salience REAL,
            PRIMARY KEY (article_id, event_id)
        )""",
        "CREATE INDEX events_type ON events (type)",
        """CREATE TABLE framing (
            article_id TEXT NOT NULL REFERENCES articles (id),
            technique TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            target TEXT,
            reason TEXT,
            in_quote INTEGER NOT NULL,
            quote_id TEXT,
            speaker TEXT
        )""",
        "CREATE INDEX framing_article ON framing (article_id)",
        """CREATE TABLE removals (
            article_id TEXT NOT NULL REFERENCES articles (id),
            kind TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        """CREATE TABLE duplicates (
            article_id TEXT PRIMARY KEY REFERENCES articles (id),
            canonical_id TEXT NOT NULL REFERENCES articles (id),
            similarity REAL NOT NULL
        )""",
        "CREATE INDEX duplicates_canonical ON duplicates (canonical_id)",
        """CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            message TEXT NOT NULL,
            seen TEXT NOT NULL,
            UNIQUE (source, message)
        )""",
        # The export views (see FIRST_EXPORT_VIEWS); this first export_articles is replaced in step 2.
        """CREATE VIEW export_articles AS
            SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.url, a.path,
                   a.outlet, a.language,
                   CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of, a.text
            FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id ORDER BY a.seq""",
        FIRST_EXPORT_VIEWS["entities"],
        FIRST_EXPORT_VIEWS["quotes"],
        FIRST_EXPORT_VIEWS["amounts"],
        FIRST_EXPORT_VIEWS["events"],
        FIRST_EXPORT_VIEWS["framing"],
        FIRST_EXPORT_VIEWS["errors"],
    ],
    [
        # Stories are rebuilt whole after each ingest, so they live in their own tables
        # that can be replaced without touching the articles.
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            articles INTEGER NOT NULL,
            outlets TEXT,
            first_date TEXT,
            last_date TEXT
        )""",
        """CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY REFERENCES articles (id),
            story_id TEXT NOT NULL REFERENCES stories (id)
        )""",
        "CREATE INDEX story_articles_story ON story_articles (story_id)",
        "DROP VIEW export_articles",
        FIRST_EXPORT_VIEWS["articles"],
        FIRST_EXPORT_VIEWS["stories"],
    ],
    [
        # What `presslens watch` remembers between runs (presslens.watch.state): the sources
        # it polls with their validators and schedule, and every article address it found.
        """CREATE TABLE watch_sources (
            url TEXT PRIMARY KEY,
            parent TEXT,
            title TEXT,
            kind TEXT,
            etag TEXT,
            last_modified TEXT,
            added TEXT NOT NULL,
            polls INTEGER NOT NULL DEFAULT 0,
            last_poll TEXT,
            next_poll TEXT,
            last_result TEXT,
            last_new INTEGER NOT NULL DEFAULT 0,
            last_seen INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE watch_urls (
            seq INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            address TEXT NOT NULL,
            source TEXT NOT NULL,
            published TEXT,
            found TEXT NOT NULL,
            state TEXT NOT NULL,
            tries INTEGER NOT NULL DEFAULT 0,
            canonical TEXT,
            article_id TEXT,
            message TEXT,
            done TEXT
        )""",
        "CREATE INDEX watch_urls_state ON watch_urls (state, seq)",
        "CREATE INDEX watch_urls_canonical ON watch_urls (canonical)",
        "CREATE INDEX watch_urls_source ON watch_urls (source)",
    ],
    [
        # Quotes searched by their words, as articles are: an external-content FTS5 index kept
        # up to date by triggers, filled once here from the quotes already stored.
        """CREATE VIRTUAL TABLE quotes_fts USING fts5(
            content, content='quotes', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
        )""",
        """CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
            INSERT INTO quotes_fts (rowid, content) VALUES (new.rowid, new.content);
        END""",
        """CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
            INSERT INTO quotes_fts (quotes_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
        END""",
        "INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild')",
        *COPY_COUNTS,
    ],
    list(REPLACE_EXPORT_VIEWS),
    [
        *EVENT_ARGUMENT_COLUMNS,
        # The events already stored take the new columns from the record their article keeps.
        """UPDATE events SET time_precision = json_extract(v.value, '$.time_precision'),
               actor_entity_id = json_extract(v.value, '$.actor'),
               target_entity_id = json_extract(v.value, '$.target'),
               location_entity_id = json_extract(v.value, '$.location'),
               arguments = CASE WHEN json_array_length(v.value, '$.arguments') > 0
                                THEN json_extract(v.value, '$.arguments') END
           FROM articles a, json_each(a.record, '$.events') v
           WHERE a.id = events.article_id AND json_extract(v.value, '$.id') = events.event_id""",
        *REPLACE_EVENT_EXPORT_VIEW,
    ],
    [
        # The last word of each name of several words, indexed: merging a surname with the
        # full names ending in it, and a speaker filter, look names up by it instead of
        # scanning every name. rtrim strips the last word's letters, leaving what precedes it.
        "ALTER TABLE corpus_entity_names ADD COLUMN last_word TEXT",
        """UPDATE corpus_entity_names SET last_word = substr(key, length(rtrim(key, replace(key, ' ', ''))) + 1)
           WHERE instr(key, ' ') > 0""",
        "CREATE INDEX corpus_entity_names_last_word ON corpus_entity_names (last_word, kind)",
    ],
]



class SQLiteStore(SQLStore):
    """A corpus in one SQLite file, in WAL mode so readers never wait for a running ingest."""

    migrations = MIGRATIONS
    # IMMEDIATE takes the write lock at once: two processes cannot both start a migration.
    begin_migration = ("BEGIN IMMEDIATE",)
    database_error = sqlite3.DatabaseError

    def __init__(self, path: str | Path, read_only: bool = False, create: bool = True):
        self.path = self.name = str(path)
        self.read_only = read_only
        self._in_transaction = False
        if (read_only or not create) and not Path(self.path).is_file():
            raise no_corpus(self.path)
        if read_only:
            self._open_read_only()
            return
        if self.path != ":memory:":
            folder = Path(self.path).parent
            if not folder.is_dir():
                raise PresslensError(f"cannot create the database {self.path}: no folder {folder}.")
        try:
            # Transactions are managed by the store (BEGIN on first write, commit per batch),
            # not by the sqlite3 module's implicit ones.
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=10000")
        except sqlite3.DatabaseError as error:
            raise PresslensError(f"cannot open {self.path} as a presslens database ({error}).") from None
        self._prepare()

    def _open_read_only(self) -> None:
        # SQLite itself refuses every write (mode=ro), so a reader such as the web app
        # cannot change the corpus whatever its code does; no migration can run either.
        try:
            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout=10000")
        except sqlite3.DatabaseError as error:
            raise PresslensError(f"cannot open {self.path} as a presslens database ({error}).") from None
        self._prepare()

    def _insert_id(self, sql: str, params: tuple, column: str) -> int | None:
        # The generated column is the rowid (INTEGER PRIMARY KEY) in every table of the schema.
        cursor = self._execute(sql, params)
        return cursor.lastrowid if cursor.rowcount else None

    def _index_text(self, seq: int, title: str, text: str) -> None:
        # An external-content FTS5 table is not updated by SQLite itself.
        self._execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)", (seq, title, text))

    def _search_rows(self, query, where: list[str], params: list, limit: int) -> list[dict]:
        return self._dicts(
            f"""SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.outlet,
                       snippet(articles_fts, 1, '', '', '…', 24) AS snippet
                FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
                WHERE {' AND '.join(['articles_fts MATCH ?', *where])} ORDER BY rank, a.seq LIMIT ?""",
            (fts5(query), *params, limit),
        )

    def _quote_match(self, query) -> tuple[str, list]:
        return "q.rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)", [fts5(query)]

    def generation(self) -> object:
        # SQLite bumps a connection's data_version whenever another connection commits.
        return self._execute("PRAGMA data_version").fetchone()[0]

    def starts_with_date(self, column: str) -> str:
        return f"{column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"

    def naming_any(self, phrases: list[str]) -> tuple[str, list]:
        # Each phrase quoted: FTS5 reads it as words in a row, whatever operator it spells.
        match = " OR ".join('"' + phrase.replace('"', " ") + '"' for phrase in phrases)
        return "a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", [match]

    def json_value(self, column: str, *keys: str) -> str:
        return f"json_extract({column}, '$.{'.'.join(keys)}')"

    def _view_columns(self, view: str) -> list[tuple[str, str]]:
        return [(r["name"], _kind((r["type"] or "").upper())) for r in self._execute(f"PRAGMA table_info({view})")]


def _kind(declared: str) -> str:
    """Return integer, real or text for a declared column type, by SQLite's own affinity rules."""
    if "INT" in declared:
        return "integer"
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return "real"
    return "text"
