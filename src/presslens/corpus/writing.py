"""Writing a corpus: receives Article records, stores them with every record and merges corpus entities.

`ArticleWriting` is the part of `SQLStore` that writes: an article and its rows in one
savepoint, the merge of its entities into corpus entities, the duplicates and the stories.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

from presslens.corpus.rows import ROW_COLUMNS, json_list, record_rows
from presslens.corpus.views import REFRESH_COPY_COUNTS
from presslens.record import Article, Entity

PLACE_TYPES = {"GPE", "LOC", "FAC"}


class ArticleWriting:
    """The writes of `SQLStore`: articles, errors, duplicates and stories."""

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

    def _same_person(self, key: str, name: str) -> int | None:
        """Return the corpus person a name refers to when no name matched exactly: for a
        surname alone, the one person whose full name ends in it; for a full name, the one
        entity named by its surname alone (renamed to the full name), unless another full name
        ends in that surname. None when there is no such person or several."""
        words = key.split()
        if not words:
            return None
        ending = self._persons_ending_in(words[-1])
        if len(words) == 1:
            return ending[0] if len(ending) == 1 else None
        if ending:
            return None
        row = self._execute("SELECT corpus_entity_id FROM corpus_entity_names WHERE kind = 'PERSON' AND key = ?",
                            (words[-1],)).fetchone()
        if row is None:
            return None
        self._execute("UPDATE corpus_entities SET name = ? WHERE id = ?", (name, row[0]))
        return row[0]

    def _persons_ending_in(self, surname: str) -> list[int]:
        """Return the corpus people one of whose names of several words ends in the surname."""
        # Through the index on the names' last words: a scan of every name would cost each new
        # person a pass over a table that grows with the corpus.
        rows = self._execute("SELECT DISTINCT corpus_entity_id FROM corpus_entity_names"
                             " WHERE last_word = ? AND kind = 'PERSON'", (surname,)).fetchall()
        return [r[0] for r in rows]

    def _merge_entity(self, entity: Entity, day: str) -> int:
        """Return the id of the corpus entity this article entity is, creating it when new.

        Places with a GeoNames id merge on it; everything else on its canonical name, then
        on any alias, among entities of the same kind. A person's name also merges without
        honorifics and middle initials ("Mr. Donald J. Trump" is "Donald Trump"), and a
        surname alone merges with the one person of the corpus whose full name ends in it
        ("Noem" with "Kristi Noem"); a full name seen after its surname alone takes that
        entity over, so its id stays stable.
        """
        kind = _kind(entity.type)
        names = [entity.name, *entity.aliases]
        if kind == "PERSON":
            names += [person_key(n) for n in names]
        keys = list(dict.fromkeys(k for k in map(name_key, names) if k))
        found = None
        # a nationality geocoded at its country ("Americans") is not the country
        geonames_id = entity.geo.geonames_id if entity.geo and kind == "PLACE" else None
        if geonames_id is not None:
            row = self._execute("SELECT id FROM corpus_entities WHERE geonames_id = ?", (geonames_id,)).fetchone()
            found = row and row[0]
        for key in keys:
            if found:
                break
            row = self._execute("SELECT corpus_entity_id FROM corpus_entity_names WHERE kind = ? AND key = ?",
                                (kind, key)).fetchone()
            found = row and row[0]
        if not found and kind == "PERSON":
            found = self._same_person(keys[0] if keys else "", entity.name)
        if not found and kind == "ORG" and len(keys) == 1 and " " not in keys[0]:
            # one word the model called an organisation in one article ("Noem said") is the
            # person the corpus knows by that name, when it knows exactly one
            row = self._execute("SELECT corpus_entity_id FROM corpus_entity_names WHERE kind = 'PERSON' AND key = ?",
                                (keys[0],)).fetchone()
            ending = self._persons_ending_in(keys[0])
            found = row[0] if row else (ending[0] if len(ending) == 1 else None)
        if not found:
            geo = entity.geo
            found = self._insert_id(
                f"INSERT INTO corpus_entities (name, type, geonames_id, lat, lon, country_code) VALUES ({_marks(6)})",
                (entity.name, entity.type, geonames_id, geo and geo.lat, geo and geo.lon, geo and geo.country_code),
                "id")
        self._executemany("INSERT INTO corpus_entity_names (kind, key, name, corpus_entity_id, last_word)"
                          f" VALUES ({_marks(5)}) ON CONFLICT DO NOTHING",
                          [(kind, key, n, found, last_word(key)) for n in names if (key := name_key(n))])
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

    def entities_for_merging(self) -> Iterator[dict]:
        """Yield every article entity with what merging compares: names, type, place id, mentions,
        day; one row at a time, since the corpus's entities are many more than its articles."""
        cursor = self._execute(
            "SELECT e.article_id, e.entity_id, e.corpus_entity_id, e.name, e.type, e.aliases, e.mentions,"
            " e.geonames_id, e.lat, e.lon, e.country_code, COALESCE(a.published, '') AS day"
            " FROM entities e JOIN articles a ON a.id = e.article_id ORDER BY e.article_id, e.entity_id")
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    def set_corpus_entities(self, groups) -> None:
        """Replace the corpus entities with these groups of article entities (see `merging`):
        each keeps the lowest corpus id of its members that a larger group did not keep; article
        entities, quotes, names, days and counts follow."""
        self._begin()
        for statement in ("DELETE FROM corpus_entity_copies", "DELETE FROM corpus_entity_days",
                          "DELETE FROM corpus_entity_names", "UPDATE corpus_entities SET geonames_id = NULL"):
            self._execute(statement)
        moved, names, days, kept = [], [], {}, []
        taken: set[int] = set()
        # The largest group first takes its lowest id: "Donald Trump" keeps his, and the
        # "Trump Saturday" the merge of one article put with him gets another.
        for group in sorted(groups, key=lambda g: (-len(g.members), g.name, g.type)):
            cid = min((m.corpus_entity_id for m in group.members
                       if m.corpus_entity_id is not None and m.corpus_entity_id not in taken), default=None)
            if cid is None:
                cid = self._insert_id(f"INSERT INTO corpus_entities (name, type) VALUES ({_marks(2)})",
                                      (group.name, group.type), "id")
            taken.add(cid)
            for m in group.members:
                if m.corpus_entity_id != cid:
                    moved.append((cid, m.article_id, m.entity_id))
                day = days.setdefault((cid, m.day), [set(), 0])
                day[0].add(m.article_id)
                day[1] += m.mentions
            names += [(kind, key, name, cid, last_word(key)) for kind, key, name in group.names]
            # a place's id only: a nationality geocoded at its country ("Americans") is not the country
            places = [m for m in group.members if m.geonames_id is not None and _kind(m.type) == "PLACE"]
            place = next((m for m in places if m.name == group.name), places[0] if places else None)
            kept.append((group.name, group.type, place and place.geonames_id, place and place.lat, place and place.lon,
                         place and place.country_code, len({m.article_id for m in group.members}),
                         sum(m.mentions for m in group.members), cid))
        self._executemany("UPDATE entities SET corpus_entity_id = ? WHERE article_id = ? AND entity_id = ?", moved)
        self._executemany("UPDATE quotes SET corpus_entity_id = ? WHERE article_id = ? AND speaker_entity_id = ?",
                          moved)
        self._execute("DELETE FROM corpus_entities WHERE id NOT IN"
                      " (SELECT corpus_entity_id FROM entities WHERE corpus_entity_id IS NOT NULL)")
        self._executemany("UPDATE corpus_entities SET name = ?, type = ?, geonames_id = ?, lat = ?, lon = ?,"
                          " country_code = ?, articles = ?, mentions = ? WHERE id = ?", kept)
        self._executemany("INSERT INTO corpus_entity_names (kind, key, name, corpus_entity_id, last_word)"
                          f" VALUES ({_marks(5)}) ON CONFLICT DO NOTHING", names)
        self._executemany(f"INSERT INTO corpus_entity_days VALUES ({_marks(4)})",
                          [(cid, day, len(ids), mentions) for (cid, day), (ids, mentions) in days.items()])
        for statement in REFRESH_COPY_COUNTS:
            self._execute(statement)
        self.commit()

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


HONORIFICS = ("mr", "mrs", "ms", "dr", "miss")


def person_key(name: str) -> str:
    """Return a person's name without a leading honorific or middle initials ("Mr. Donald J.
    Trump" -> "Donald Trump"), for merging; "Jr." stays, a son is not his father."""
    words = name.replace(".", " ").split()
    if len(words) > 1 and words[0].casefold() in HONORIFICS:
        words = words[1:]
    if len(words) > 2:
        words = [words[0]] + [w for w in words[1:-1] if len(w) > 1] + [words[-1]]
    return " ".join(words)


def like_pattern(text: str, within: bool = False) -> str:
    """Return the pattern for `SQLStore.matching` that matches this text, or any text holding it when `within`."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%" if within else escaped


def name_key(name: str) -> str:
    """Return the form of a name that merging compares: accents, case, spacing and a leading 'the' folded."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = " ".join(folded.replace("’", "'").replace(".", " ").split())
    return folded[4:] if folded.startswith("the ") else folded


def last_word(key: str) -> str | None:
    """Return the last word of a name key of several words ("kristi noem" -> "noem"), None for one word."""
    head, _, last = key.rpartition(" ")
    return last if head else None


def _quoted(column: str) -> str:
    return f'"{column}"' if column == "end" else column


def _marks(n: int) -> str:
    """Return n placeholders for a VALUES list."""
    return ", ".join("?" * n)


def _last_per_key(rows: list[tuple]) -> list[tuple]:
    """Return the rows with one per (article id, record id), the last: a repeated id replaces the earlier record."""
    return list({row[:2]: row for row in rows}.values())


def _kind(entity_type: str) -> str:
    # Places are typed GPE or LOC inconsistently from one article to the next.
    return "PLACE" if entity_type in PLACE_TYPES else entity_type


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
