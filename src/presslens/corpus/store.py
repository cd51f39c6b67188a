"""The corpus store: articles and every record extracted from them, in one SQLite file.

`Store` is the storage interface the rest of presslens talks to; `SQLiteStore` is the
embedded default (WAL mode, FTS5 over title and text, foreign keys on). Another backend
(PostgreSQL for shared deployments) implements the same methods.

Writes are grouped into transactions by the caller: nothing is durable until `commit()`,
so a run killed mid-way loses only the batch in flight and an article is either stored with
all its records or not at all.
"""

from __future__ import annotations

import json
import math
import sqlite3
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from presslens.corpus.rows import json_list, record_rows
from presslens.errors import PresslensError
from presslens.record import Article, Entity

if TYPE_CHECKING:
    from presslens.corpus.stories import StoryArticle

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
        # The export views: what an analyst gets, one row per record, each with the
        # article's id so that tables join in pandas or DuckDB.
        """CREATE VIEW export_articles AS
            SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.url, a.path,
                   a.outlet, a.language,
                   CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of, a.text
            FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id ORDER BY a.seq""",
        """CREATE VIEW export_entities AS
            SELECT e.article_id, e.entity_id, e.corpus_entity_id, e.name, e.type, e.aliases, e.titles,
                   e.affiliation, e.salience, e.mentions, e.geonames_id, e.lat, e.lon, e.country_code
            FROM entities e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.entity_id""",
        """CREATE VIEW export_quotes AS
            SELECT q.article_id, q.quote_id, q.kind, q.speaker, q.speaker_entity_id, q.corpus_entity_id,
                   q.cue, q.cue_lemma, q.content, q.start, q."end", q.confidence
            FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start""",
        """CREATE VIEW export_amounts AS
            SELECT m.article_id, m.value, m.value_max, m.approximate, m.qualifier, m.unit, m.counts,
                   m.kind, m.text, m.start, m."end"
            FROM amounts m JOIN articles a ON a.id = m.article_id ORDER BY a.seq, m.start""",
        """CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, e.target, e.location,
                   e.location_geonames_id, e.lat, e.lon, e.time, a.published, e.killed, e.wounded,
                   e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""",
        """CREATE VIEW export_framing AS
            SELECT f.article_id, f.technique, f.text, f.target, f.reason, f.in_quote, f.quote_id,
                   f.speaker, f.start, f."end"
            FROM framing f JOIN articles a ON a.id = f.article_id ORDER BY a.seq, f.start""",
        """CREATE VIEW export_errors AS
            SELECT source, message, seen FROM errors ORDER BY id""",
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
        """CREATE VIEW export_articles AS
            SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.url, a.path,
                   a.outlet, a.language,
                   CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of, s.story_id, a.text
            FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
                 LEFT JOIN story_articles s ON s.article_id = a.id ORDER BY a.seq""",
        """CREATE VIEW export_stories AS
            SELECT id, label, articles, outlets, first_date, last_date FROM stories
            ORDER BY articles DESC, first_date IS NULL, first_date, id""",
    ],
]

EXPORT_TABLES = ("articles", "entities", "quotes", "amounts", "events", "framing", "stories", "errors")
PLACE_TYPES = {"GPE", "LOC", "FAC"}


class Store(ABC):
    """What presslens needs from a corpus store, whatever the database behind it."""

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
    def search(self, text: str, limit: int = 20) -> list[dict]:
        """Return the articles that contain every word of the text, best match first."""

    @abstractmethod
    def quotes(self, speaker: str | None = None, about: str | None = None, limit: int = 100) -> list[dict]:
        """Return quotes, optionally by a speaker (name or alias) and about some words."""

    @abstractmethod
    def events(self, type: str | None = None, near: str | None = None, since: str | None = None,
               limit: int = 100) -> list[dict]:
        """Return events, optionally of one type, near a place, on or after a date."""

    @abstractmethod
    def top_entities(self, n: int = 20) -> list[dict]:
        """Return the n corpus entities mentioned most, with their counts."""

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
    def set_stories(self, stories: list[tuple[str, str, list[str], str | None, str | None, list[str]]]) -> None:
        """Replace the stories: (id, label, article ids, first date, last date, outlets) each."""

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


def open_store(location: str | Path, read_only: bool = False) -> Store:
    """Return the store at this location: a SQLite file path (created when missing, unless read-only)."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        raise PresslensError("PostgreSQL stores are not supported yet; give a SQLite file with --db.")
    return SQLiteStore(text, read_only=read_only)


class SQLiteStore(Store):
    """A corpus in one SQLite file, in WAL mode so readers never wait for a running ingest."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        if read_only:
            self._open_read_only()
            return
        if self.path != ":memory:":
            folder = Path(self.path).parent
            if not folder.is_dir():
                raise PresslensError(f"cannot create the database {self.path}: no folder {folder}.")
        try:
            # Transactions are managed here (BEGIN on first write, commit per batch), not by
            # the sqlite3 module's implicit ones.
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise PresslensError(f"cannot open {self.path} as a presslens database ({error}).") from None
        self._in_transaction = False

    def _open_read_only(self) -> None:
        # SQLite itself refuses every write (mode=ro), so a reader such as the web app
        # cannot change the corpus whatever its code does; no migration can run either.
        if not Path(self.path).is_file():
            raise PresslensError(f"no corpus database at {self.path}.")
        try:
            uri = Path(self.path).resolve().as_uri() + "?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout=10000")
            current = self.schema_version()
        except sqlite3.DatabaseError as error:
            raise PresslensError(f"cannot open {self.path} as a presslens database ({error}).") from None
        if current != len(MIGRATIONS):
            raise PresslensError(f"{self.path} has schema {current}, this presslens reads {len(MIGRATIONS)};"
                                 " run an ingest with this version to upgrade it.")
        self._in_transaction = False

    # -- schema -----------------------------------------------------------------------

    def schema_version(self) -> int:
        """Return the number of migration steps this database has had."""
        row = self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return row[0] or 0

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)")
        current = self.schema_version()
        if current > len(MIGRATIONS):
            raise PresslensError(f"{self.path} was written by a newer presslens (schema {current}); upgrade presslens.")
        for version, steps in enumerate(MIGRATIONS[current:], start=current + 1):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in steps:
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_version VALUES (?, ?)", (version, _now()))
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # -- writing ----------------------------------------------------------------------

    def _begin(self) -> None:
        if not self._in_transaction:
            self.db.execute("BEGIN")
            self._in_transaction = True

    def commit(self) -> None:
        if self._in_transaction:
            self.db.execute("COMMIT")
            self._in_transaction = False

    def has(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_error(self, source: str, message: str) -> None:
        self._begin()
        self.db.execute("INSERT OR IGNORE INTO errors (source, message, seen) VALUES (?, ?, ?)",
                        (source, message, _now()))

    def add_article(self, article: Article) -> bool:
        self._begin()
        self.db.execute("SAVEPOINT article")
        try:
            added = self._insert(article)
        except BaseException:
            # Leave the batch's other articles in place; drop this one's partial rows.
            self.db.execute("ROLLBACK TO article")
            self.db.execute("RELEASE article")
            raise
        self.db.execute("RELEASE article")
        return added

    def _insert(self, article: Article) -> bool:
        db = self.db
        tables = record_rows(article)
        cursor = db.execute(
            "INSERT OR IGNORE INTO articles (id, title, published, url, path, outlet, language, text, record, added)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*tables["articles"][0], _now()),
        )
        if cursor.rowcount == 0:
            return False
        db.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                   (cursor.lastrowid, article.title or "", article.text))
        db.executemany("INSERT INTO removals VALUES (?, ?, ?)", tables["removals"])
        merged: dict[str, int] = {}
        day = article.published or ""
        for entity, row in zip(article.entities, tables["entities"]):
            merged[entity.id] = self._merge_entity(entity, day)
            # The corpus entity id goes third, after the article's own ids.
            db.execute("INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (*row[:2], merged[entity.id], *row[2:]))
        db.executemany("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?)", tables["mentions"])
        db.executemany(
            "INSERT OR REPLACE INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            # The speaker's corpus entity id goes after its article entity id.
            [(*row[:10], merged.get(row[9]) if row[9] else None, *row[10:]) for row in tables["quotes"]],
        )
        db.executemany("INSERT INTO amounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tables["amounts"])
        db.executemany(f"INSERT OR REPLACE INTO events VALUES ({', '.join('?' * 24)})", tables["events"])
        db.executemany("INSERT INTO framing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tables["framing"])
        return True

    def _merge_entity(self, entity: Entity, day: str) -> int:
        """Return the id of the corpus entity this article entity is, creating it when new.

        Places with a GeoNames id merge on it; everything else on its canonical name, then
        on any alias, among entities of the same kind.
        """
        db = self.db
        kind = _kind(entity.type)
        keys = list(dict.fromkeys(k for k in map(name_key, [entity.name, *entity.aliases]) if k))
        found = None
        geonames_id = entity.geo.geonames_id if entity.geo else None
        if geonames_id is not None:
            row = db.execute("SELECT id FROM corpus_entities WHERE geonames_id = ?", (geonames_id,)).fetchone()
            found = row and row[0]
        for key in keys:
            if found:
                break
            row = db.execute("SELECT corpus_entity_id FROM corpus_entity_names WHERE kind = ? AND key = ?",
                             (kind, key)).fetchone()
            found = row and row[0]
        if not found:
            geo = entity.geo
            found = db.execute(
                "INSERT INTO corpus_entities (name, type, geonames_id, lat, lon, country_code) VALUES (?, ?, ?, ?, ?, ?)",
                (entity.name, entity.type, geonames_id, geo and geo.lat, geo and geo.lon, geo and geo.country_code),
            ).lastrowid
        names = [entity.name, *entity.aliases]
        db.executemany("INSERT OR IGNORE INTO corpus_entity_names VALUES (?, ?, ?, ?)",
                       [(kind, name_key(n), n, found) for n in names if name_key(n)])
        mentions = len(entity.mentions)
        db.execute("UPDATE corpus_entities SET articles = articles + 1, mentions = mentions + ? WHERE id = ?",
                   (mentions, found))
        db.execute(
            "INSERT INTO corpus_entity_days VALUES (?, ?, 1, ?) ON CONFLICT (corpus_entity_id, day) DO UPDATE"
            " SET articles = articles + 1, mentions = mentions + excluded.mentions",
            (found, day, mentions),
        )
        return found

    def set_duplicates(self, clusters: list[tuple[str, list[tuple[str, float]]]]) -> None:
        self._begin()
        self.db.execute("DELETE FROM duplicates")
        for canonical, members in clusters:
            self.db.executemany("INSERT INTO duplicates VALUES (?, ?, ?)",
                                [(member, canonical, similarity) for member, similarity in members])
        self.commit()

    def set_stories(self, stories: list[tuple[str, str, list[str], str | None, str | None, list[str]]]) -> None:
        self._begin()
        self.db.execute("DELETE FROM story_articles")
        self.db.execute("DELETE FROM stories")
        self.db.executemany("INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?)",
                            [(sid, label, len(ids), json_list(outlets), first, last)
                             for sid, label, ids, first, last, outlets in stories])
        self.db.executemany("INSERT INTO story_articles VALUES (?, ?)",
                            [(aid, sid) for sid, _, ids, *_ in stories for aid in ids])
        self.commit()

    # -- reading ----------------------------------------------------------------------

    def search(self, text: str, limit: int = 20) -> list[dict]:
        # Pieces without a letter or digit would be empty phrases, which FTS5 rejects.
        words = [w for w in text.replace('"', " ").split() if any(c.isalnum() for c in w)]
        if not words:
            return []
        # Each word quoted: the user's text is words to find, never FTS5 query syntax.
        query = " ".join(f'"{w}"' for w in words)
        rows = self.db.execute(
            """SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.outlet,
                      snippet(articles_fts, 1, '', '', '…', 24) AS snippet
               FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
               WHERE articles_fts MATCH ? ORDER BY rank, a.seq LIMIT ?""",
            (query, limit),
        )
        return [dict(r) for r in rows]

    def quotes(self, speaker: str | None = None, about: str | None = None, limit: int = 100) -> list[dict]:
        where, params = [], []
        if speaker:
            key = name_key(speaker)
            where.append("""(q.speaker LIKE ? OR q.corpus_entity_id IN
                             (SELECT corpus_entity_id FROM corpus_entity_names WHERE key = ? OR key LIKE ?))""")
            params += [f"%{speaker}%", key, f"% {key}"]
        if about:
            where.append("q.content LIKE ?")
            params.append(f"%{about}%")
        sql = f"""SELECT q.article_id, a.title, a.published, COALESCE(a.url, a.path) AS source, q.quote_id,
                         q.kind, q.speaker, q.corpus_entity_id, q.cue, q.content, q.start, q."end"
                  FROM quotes q JOIN articles a ON a.id = q.article_id
                  {'WHERE ' + ' AND '.join(where) if where else ''}
                  ORDER BY a.published, a.seq, q.start LIMIT ?"""
        return [dict(r) for r in self.db.execute(sql, [*params, limit])]

    def events(self, type: str | None = None, near: str | None = None, since: str | None = None,
               limit: int = 100, within_km: float = 100.0) -> list[dict]:
        where, params = [], []
        if type:
            where.append("(e.type = ? COLLATE NOCASE OR e.acled_event_type = ? COLLATE NOCASE)")
            params += [type, type]
        if since:
            where.append("COALESCE(e.time, a.published) >= ?")
            params.append(since)
        centre = None
        if near:
            centre = _place_coordinates(near)
            clause = "e.location LIKE ?"
            params.append(f"%{near}%")
            if centre:
                # A box around the place narrows the rows; the exact distance is checked below.
                lat, lon = centre
                dlat = within_km / 111.0
                dlon = within_km / max(111.0 * math.cos(math.radians(lat)), 1.0)
                clause += " OR (e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?)"
                params += [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
            where.append(f"({clause})")
        sql = f"""SELECT e.article_id, a.title, a.published, COALESCE(a.url, a.path) AS source, e.event_id,
                         e.type, e.trigger, e.actor, e.target, e.location, e.lat, e.lon, e.time, e.killed,
                         e.wounded, e.modality, e.reported_by, e.start, e."end"
                  FROM events e JOIN articles a ON a.id = e.article_id
                  {'WHERE ' + ' AND '.join(where) if where else ''}
                  ORDER BY COALESCE(e.time, a.published), a.seq, e.start"""
        found = []
        for row in self.db.execute(sql, params):
            item = dict(row)
            if centre and item["lat"] is not None and near.casefold() not in (item["location"] or "").casefold():
                if _km(centre, (item["lat"], item["lon"])) > within_km:
                    continue
            found.append(item)
            if len(found) >= limit:
                break
        return found

    def top_entities(self, n: int = 20) -> list[dict]:
        rows = self.db.execute(
            """SELECT c.id, c.name, c.type, c.articles, c.mentions, c.geonames_id,
                      (SELECT MIN(day) FROM corpus_entity_days d WHERE d.corpus_entity_id = c.id AND day != '') AS first_seen,
                      (SELECT MAX(day) FROM corpus_entity_days d WHERE d.corpus_entity_id = c.id AND day != '') AS last_seen
               FROM corpus_entities c ORDER BY c.mentions DESC, c.articles DESC, c.name LIMIT ?""",
            (n,),
        )
        return [dict(r) for r in rows]

    def entity_days(self, corpus_entity_id: int) -> list[dict]:
        """Return the mention counts of one corpus entity per published date."""
        rows = self.db.execute("SELECT day, articles, mentions FROM corpus_entity_days WHERE corpus_entity_id = ?"
                               " ORDER BY day", (corpus_entity_id,))
        return [dict(r) for r in rows]

    def tables(self) -> tuple[str, ...]:
        return EXPORT_TABLES

    def columns(self, table: str) -> list[tuple[str, str]]:
        self._check_table(table)
        kinds = {"INTEGER": "integer", "REAL": "real"}
        return [(r["name"], kinds.get((r["type"] or "").upper(), "text"))
                for r in self.db.execute(f"PRAGMA table_info(export_{table})")]

    def rows(self, table: str) -> Iterator[dict]:
        self._check_table(table)
        # A separate cursor streams the rows: memory stays flat however large the table.
        for row in self.db.execute(f"SELECT * FROM export_{table}"):
            yield dict(row)

    def _check_table(self, table: str) -> None:
        if table not in EXPORT_TABLES:
            raise PresslensError(f"there is no '{table}' table; choose one of {', '.join(EXPORT_TABLES)}.")

    def articles_for_dedupe(self) -> Iterator[tuple[str, str | None, str]]:
        for row in self.db.execute("SELECT id, published, text FROM articles ORDER BY seq"):
            yield row[0], row[1], row[2]

    def articles_for_stories(self) -> list[StoryArticle]:
        from presslens.corpus.stories import LEAD_CHARS, StoryArticle

        found: dict[str, StoryArticle] = {}
        rows = self.db.execute("SELECT id, published, outlet, url, title, substr(text, 1, ?) FROM articles ORDER BY seq",
                               (LEAD_CHARS,))
        for aid, published, outlet, url, title, lead in rows:
            # Texts usually open with their title; a title kept apart still belongs to the lead.
            text = lead if not title or lead.startswith(title) else f"{title}\n{lead}"
            found[aid] = StoryArticle(id=aid, published=published, outlet=outlet_name(outlet, url), text=text)
        for aid, eid, name, etype, salience in self.db.execute(
                "SELECT e.article_id, e.corpus_entity_id, c.name, e.type, e.salience FROM entities e"
                " JOIN corpus_entities c ON c.id = e.corpus_entity_id"):
            entities = found[aid].entities
            # Two article entities can merge into one corpus entity: keep the more salient.
            if eid not in entities or (salience or 0) > entities[eid][2]:
                entities[eid] = (name, etype, salience or 0.0)
        return list(found.values())

    def duplicate_pairs(self) -> Iterator[tuple[str, str]]:
        for row in self.db.execute("SELECT article_id, canonical_id FROM duplicates"):
            yield row[0], row[1]

    def stories(self, top: int = 20) -> list[dict]:
        rows = self.db.execute("SELECT * FROM export_stories LIMIT ?", (top,))
        return [{**dict(r), "outlets": json.loads(r["outlets"] or "[]")} for r in rows]

    def story(self, story_id: str) -> dict | None:
        row = self.db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        found = {**dict(row), "outlets": json.loads(row["outlets"] or "[]")}
        rows = self.db.execute(
            """SELECT a.id, a.title, a.published, a.outlet, a.url, COALESCE(a.url, a.path) AS source,
                      CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of
               FROM story_articles s JOIN articles a ON a.id = s.article_id
                    LEFT JOIN duplicates d ON d.article_id = a.id
               WHERE s.story_id = ?""", (story_id,))
        articles = []
        for r in rows:
            item = dict(r)
            item["outlet"] = outlet_name(item["outlet"], item.pop("url"))
            articles.append(item)
        articles.sort(key=lambda a: (a["outlet"] is None, a["outlet"] or "", a["published"] is None,
                                     a["published"] or "", a["title"] or ""))
        found["articles"] = articles  # the rows themselves replace their count
        return found

    def article(self, article_id: str) -> Article | None:
        """Return the stored record of an article, or None."""
        row = self.db.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        names = ("articles", "entities", "corpus_entities", "mentions", "quotes", "amounts", "events", "framing",
                 "removals", "duplicates", "stories", "errors")
        return {n: self.db.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}

    def close(self) -> None:
        if getattr(self, "db", None) is None:
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
    from presslens.extract.places import _key, gazetteer

    candidates = gazetteer().names.get(_key(name), {})
    if not candidates:
        return None
    best = max(candidates.values(), key=lambda p: (p.feature == "country", p.population))
    return best.lat, best.lon
