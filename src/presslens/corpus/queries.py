"""Reading a corpus: receives a query and its filters, returns rows of articles, quotes, events, entities and stories.

`CorpusQueries` is the part of `SQLStore` that reads: search, the query commands, the
export tables and the readers de-duplication and stories need.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from presslens.corpus.search import parse as parse_query
from presslens.corpus.views import CANONICAL, EXPORT_TABLES, EXPORT_TYPES
from presslens.corpus.writing import like_pattern, name_key
from presslens.errors import PresslensError
from presslens.record import Article

if TYPE_CHECKING:
    from presslens.corpus.stories import StoryArticle


@dataclass(frozen=True)
class Filters:
    """What narrows a query to some articles: dates, outlet, story, speaker, and whether copies count."""

    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    story: str | None = None
    speaker: str | None = None
    include_copies: bool = False


class CorpusQueries:
    """The reads of `SQLStore`: search, quotes, events, entities, stories, tables and counts."""

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
        # A name of the entity is the one given, or ends in it ("Pelosi", "Nancy Pelosi" for
        # "Speaker Nancy Pelosi"): its last word is the given one's, which an index finds.
        return (f"""({self.matching('q.speaker')} OR q.corpus_entity_id IN
                    (SELECT corpus_entity_id FROM corpus_entity_names WHERE key = ?
                     UNION SELECT corpus_entity_id FROM corpus_entity_names
                     WHERE last_word = ? AND {self.matching('key')}))""",
                [like_pattern(speaker, within=True), key, key.rpartition(" ")[2], "% " + like_pattern(key)])

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
        # a corpus entity's name and type are held once, not once for each article naming it
        shared: dict = {}
        for aid, eid, name, etype, salience in self._execute(
                "SELECT e.article_id, e.corpus_entity_id, c.name, e.type, e.salience FROM entities e"
                " JOIN corpus_entities c ON c.id = e.corpus_entity_id"):
            entities = found[aid].entities
            # Two article entities can merge into one corpus entity: keep the more salient.
            if eid not in entities or (salience or 0) > entities[eid][2]:
                entities[eid] = (shared.setdefault(name, name), shared.setdefault(etype, etype), salience or 0.0)
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


def outlet_name(outlet: str | None, url: str | None) -> str | None:
    """Return the outlet an article came from: its stated name, else its web address's host."""
    if outlet:
        return outlet
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


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
