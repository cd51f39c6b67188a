"""The read queries behind the web pages, over a read-only corpus store of any backend.

Each returns plain dicts, the same ones the HTML pages render and the JSON API sends, so a
page and its `/api/...` twin can never disagree. Lists are paged with LIMIT/OFFSET in the
order of a stable key, so page n shows the same rows on every visit.

The SQL runs through the store (`SQLStore.query`), written once for SQLite and PostgreSQL:
where their dialects differ it asks the store (`matching`, `starts_with_date`, `naming_any`,
`json_value`). Orders name where NULLs go, since the two databases put them at opposite
ends, and end on a unique key, so both give the same rows in the same order.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass

from presslens.corpus.search import Or, Phrase
from presslens.corpus.store import Filters, SQLStore, like_pattern, name_key
from presslens.record import shown_date

ARTICLE_COLUMNS = "a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.outlet"


@dataclass(frozen=True)
class Page:
    """Which slice of a list to show: page numbers start at 1."""

    number: int = 1
    size: int = 50

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def paged(items: list[dict], page: Page, total: int | None) -> dict:
    """Return a list slice with what a client needs to ask for the next one."""
    return {"items": items, "page": page.number, "size": page.size, "total": total,
            "has_more": page.offset + len(items) < total if total is not None else False}


def articles(store: SQLStore, page: Page) -> dict:
    """Return a page of articles, newest first."""
    rows = store.query(
        f"""SELECT {ARTICLE_COLUMNS} FROM articles a ORDER BY a.published DESC NULLS LAST, a.seq DESC
            LIMIT ? OFFSET ?""", (page.size, page.offset))
    return paged(rows, page, _count(store, "SELECT COUNT(*) AS n FROM articles"))


def _count(store: SQLStore, sql: str, params: tuple | list = ()) -> int:
    """Return the number a `SELECT COUNT(*) AS n ...` statement gives."""
    return store.query(sql, params)[0]["n"]


SEARCH_KINDS = ("articles", "quotes")


def search(store: SQLStore, text: str, page: Page, kind: str = "articles", filters: Filters | None = None) -> dict:
    """Return a page of the articles (best first) or quotes (oldest first) matching a query in the search syntax.

    Raises QuerySyntaxError when the query does not parse.
    """
    # The store owns the query syntax; one row past the page tells whether more follow.
    limit = page.offset + page.size + 1
    if kind == "quotes":
        found = store.quotes(about=text, limit=limit, filters=filters)
    else:
        found = store.search(text, limit=limit, filters=filters)
    items = found[page.offset:page.offset + page.size]
    result = paged(items, page, None)
    result["has_more"] = len(found) > page.offset + page.size
    return result


# The speakers, one group per corpus entity and one per name the store did not merge into
# an entity. Only grouped columns are selected (PostgreSQL allows no others), and the name
# is looked up after grouping.
SPEAKER_GROUPS = """SELECT q.corpus_entity_id AS entity_id, CASE WHEN q.corpus_entity_id IS NULL THEN q.speaker END
                           AS speaker, COUNT(*) AS quotes, COUNT(DISTINCT q.article_id) AS articles
                    FROM quotes q WHERE q.speaker IS NOT NULL
                    GROUP BY q.corpus_entity_id, CASE WHEN q.corpus_entity_id IS NULL THEN q.speaker END"""
SPEAKERS = f"""SELECT COALESCE(c.name, g.speaker) AS name, g.entity_id, g.quotes, g.articles
               FROM ({SPEAKER_GROUPS}) g LEFT JOIN corpus_entities c ON c.id = g.entity_id
               ORDER BY g.quotes DESC, name, g.entity_id IS NULL, g.entity_id LIMIT ? OFFSET ?"""


def top_speakers(store: SQLStore, n: int = 20) -> list[dict]:
    """Return the n speakers quoted most, merged across articles where the store merged them."""
    return store.query(SPEAKERS, (n, 0))


def speaker_quotes(store: SQLStore, name: str, page: Page) -> dict:
    """Return a page of the quotes by a speaker, by the exact name or any name of the same corpus entity."""
    where = f"""({store.matching('q.speaker')} OR q.corpus_entity_id IN
                (SELECT corpus_entity_id FROM corpus_entity_names WHERE key = ?))"""
    params = (like_pattern(name), name_key(name))
    rows = store.query(
        f"""SELECT q.article_id, a.title, a.published, a.outlet, q.quote_id, q.kind, q.speaker,
                   q.corpus_entity_id AS entity_id, q.cue, q.content
            FROM quotes q JOIN articles a ON a.id = q.article_id WHERE {where}
            ORDER BY a.published NULLS FIRST, a.seq, q.start LIMIT ? OFFSET ?""", (*params, page.size, page.offset))
    return paged(rows, page, _count(store, f"SELECT COUNT(*) AS n FROM quotes q WHERE {where}", params))


def entities(store: SQLStore, page: Page, type: str | None = None) -> dict:
    """Return a page of corpus entities, most mentioned first."""
    where, params = ("WHERE type = ?", [type]) if type else ("", [])
    rows = store.query(
        f"""SELECT id, name, type, articles, mentions, geonames_id, lat, lon, country_code FROM corpus_entities
            {where} ORDER BY mentions DESC, articles DESC, id LIMIT ? OFFSET ?""", (*params, page.size, page.offset))
    return paged(rows, page, _count(store, f"SELECT COUNT(*) AS n FROM corpus_entities {where}", params))


# How many of an entity's latest articles its page counts the entities mentioned with it in.
CO_OCCURRING_ARTICLES = 500
LATEST_ARTICLES_OF_ENTITY = """SELECT e.article_id FROM entities e JOIN articles a ON a.id = e.article_id
                               WHERE e.corpus_entity_id = ? GROUP BY e.article_id, a.published, a.seq
                               ORDER BY a.published DESC NULLS LAST, a.seq DESC LIMIT ?"""


def entity(store: SQLStore, entity_id: int, page: Page) -> dict | None:
    """Return one corpus entity with its names, mentions per day, quotes, co-occurring entities and articles."""
    rows = store.query("SELECT id, name, type, articles, mentions, geonames_id, lat, lon, country_code"
                       " FROM corpus_entities WHERE id = ?", (entity_id,))
    if not rows:
        return None
    found = rows[0]
    found["names"] = [r["name"] for r in store.query(
        "SELECT DISTINCT name FROM corpus_entity_names WHERE corpus_entity_id = ? ORDER BY name", (entity_id,))]
    found["days"] = store.entity_days(entity_id)
    found["quotes"] = store.query(
        """SELECT q.article_id, a.title, a.published, q.quote_id, q.kind, q.speaker, q.cue, q.content
           FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.corpus_entity_id = ?
           ORDER BY a.published NULLS FIRST, a.seq, q.start LIMIT 100""", (entity_id,))
    found["said_about"] = said_about(store, entity_id)
    # Counted over the entity's latest articles only: a name in half the corpus would
    # otherwise mean a pass over every entity of those articles on each visit.
    latest = [r["article_id"] for r in store.query(LATEST_ARTICLES_OF_ENTITY, (entity_id, CO_OCCURRING_ARTICLES))]
    found["co_occurring_in"] = len(latest)
    # Grouped by id first: the names are joined to the groups, not to every mention.
    found["co_occurring"] = store.query(
        f"""SELECT c.id, c.name, c.type, g.articles
            FROM (SELECT corpus_entity_id AS id, COUNT(DISTINCT article_id) AS articles FROM entities
                  WHERE article_id IN ({", ".join("?" * len(latest))}) AND corpus_entity_id != ?
                  GROUP BY corpus_entity_id) g
            JOIN corpus_entities c ON c.id = g.id ORDER BY g.articles DESC, c.mentions DESC, c.id LIMIT 20""",
        (*latest, entity_id)) if latest else []
    found["articles_page"] = paged(store.query(
        f"""SELECT {ARTICLE_COLUMNS}, e.mentions FROM entities e JOIN articles a ON a.id = e.article_id
            WHERE e.corpus_entity_id = ? ORDER BY a.published DESC NULLS LAST, a.seq DESC LIMIT ? OFFSET ?""",
        (entity_id, page.size, page.offset)), page, found["articles"])
    return found


def _event_filter(store: SQLStore, type: str | None, place: str | None, since: str | None,
                  until: str | None) -> tuple[str, list]:
    """Return the WHERE clause and its parameters that select events by type, place and dates."""
    where, params = [], []
    if type:
        where.append(f"({store.matching('e.type')} OR {store.matching('e.acled_event_type')})")
        params += [like_pattern(type), like_pattern(type)]
    if place:
        where.append(store.matching("e.location"))
        params.append(like_pattern(place, within=True))
    if since:
        where.append("COALESCE(e.time, a.published) >= ?")
        params.append(since)
    if until:
        # A bare date also takes in times later on that day.
        where.append("COALESCE(e.time, a.published) <= ?")
        params.append(until + "\uffff")
    return ("WHERE " + " AND ".join(where)) if where else "", params


def events(store: SQLStore, page: Page, type: str | None = None, place: str | None = None,
           since: str | None = None, until: str | None = None) -> dict:
    """Return a page of events filtered by type, place name and date range, in date order."""
    clause, params = _event_filter(store, type, place, since, until)
    rows = store.query(
        f"""SELECT e.article_id, a.title, a.published, e.event_id, e.type, e.trigger, e.actor, e.target,
                   e.location, e.lat, e.lon, e.time, e.time_precision, e.killed, e.wounded, e.modality,
                   e.reported_by
            FROM events e JOIN articles a ON a.id = e.article_id {clause}
            ORDER BY COALESCE(e.time, a.published) NULLS FIRST, a.seq, e.start LIMIT ? OFFSET ?""",
        (*params, page.size, page.offset))
    total = _count(store, f"SELECT COUNT(*) AS n FROM events e JOIN articles a ON a.id = e.article_id {clause}",
                   params)
    for row in rows:
        row["when"] = shown_date(row["time"], row["time_precision"]) if row["time"] else None
    return paged(rows, page, total)


def event_places(store: SQLStore, type: str | None = None, place: str | None = None,
                 since: str | None = None, until: str | None = None, limit: int = 300) -> list[dict]:
    """Return the geocoded places of the filtered events, busiest first: name, lat, lon, events
    and the event types seen there with their counts."""
    clause, params = _event_filter(store, type, place, since, until)
    located = "e.lat IS NOT NULL AND e.lon IS NOT NULL"
    clause = f"{clause} AND {located}" if clause else f"WHERE {located}"
    # One row per point and type, folded per place below: the map has one dot per place,
    # not per event, so a 10k-event corpus draws as many dots as it has places. Points are
    # rounded here, not in SQL: PostgreSQL rounds doubles only as numeric, to other digits.
    rows = store.query(
        f"""SELECT e.lat, e.lon, e.type, MIN(e.location) AS name, COUNT(*) AS n
            FROM events e JOIN articles a ON a.id = e.article_id {clause}
            GROUP BY e.lat, e.lon, e.type ORDER BY e.lat, e.lon, e.type""", params)
    places: dict[tuple, dict] = {}
    for row in rows:
        key = (round(row["lat"], 3), round(row["lon"], 3))
        found = places.setdefault(key, {"name": None, "lat": key[0], "lon": key[1], "events": 0, "types": {}})
        if row["name"] is not None and (found["name"] is None or row["name"] < found["name"]):
            found["name"] = row["name"]
        found["events"] += row["n"]
        found["types"][row["type"]] = found["types"].get(row["type"], 0) + row["n"]
    return sorted(places.values(), key=lambda p: (-p["events"], p["name"] or "", p["lat"], p["lon"]))[:limit]


def event_timeline(store: SQLStore, type: str | None = None, place: str | None = None,
                   since: str | None = None, until: str | None = None, limit: int = 12) -> list[dict]:
    """Return the busiest (day, type, place) groups of the filtered dated events, in date order:
    day, type, place, events, and one trigger word as an example."""
    clause, params = _event_filter(store, type, place, since, until)
    # Only an event's own date to the day (or week) counts here: the article's publication
    # date says when it was reported, which the table shows, not when it happened; and a
    # month or a year ("in 1951") is no day to put on a line of days.
    dated = f"{store.starts_with_date('e.time')} AND e.time_precision IN ('day', 'week')"
    clause = f"{clause} AND {dated}" if clause else f"WHERE {dated}"
    rows = store.query(
        f"""SELECT substr(e.time, 1, 10) AS day, e.type, e.location AS place, COUNT(*) AS events,
                   MIN(e.trigger) AS trigger
            FROM events e JOIN articles a ON a.id = e.article_id {clause}
            GROUP BY substr(e.time, 1, 10), e.type, e.location
            ORDER BY events DESC, day, e.type, e.location IS NULL, e.location LIMIT ?""", (*params, limit))
    return sorted(rows, key=lambda r: (r["day"], r["type"], r["place"] or ""))


def event_types(store: SQLStore) -> list[str]:
    """Return the event types present in the corpus, for the filter's choices."""
    return [r["type"] for r in store.query("SELECT DISTINCT type FROM events ORDER BY type")]


def errors(store: SQLStore, page: Page) -> dict:
    """Return a page of the items that failed ingest, in the order they were seen."""
    rows = store.query("SELECT id, source, message, seen FROM errors ORDER BY id LIMIT ? OFFSET ?",
                       (page.size, page.offset))
    return paged(rows, page, _count(store, "SELECT COUNT(*) AS n FROM errors"))


def overview(store: SQLStore) -> dict:
    """Return the corpus counts, its latest articles, top entities and top speakers."""
    return {"counts": store.counts(), "recent": articles(store, Page(1, 10))["items"],
            "top_entities": store.top_entities(15), "top_speakers": top_speakers(store, 15),
            "top_stories": stories(store, Page(1, 10))["items"]}


# The speakers ranked at once: a hundred pages of fifty. Ranking them takes one pass over
# every quote, however few are shown, so the first pages are ranked together and kept.
RANKED_SPEAKERS = 5000


def speaker_ranking(store: SQLStore, n: int = RANKED_SPEAKERS) -> dict:
    """Return the n speakers quoted most, in the order of the speakers pages, and how many speakers there are."""
    return {"items": store.query(SPEAKERS, (n, 0)),
            "total": _count(store, f"SELECT COUNT(*) AS n FROM ({SPEAKER_GROUPS}) g")}


def speakers(store: SQLStore, page: Page, ranking: dict | None = None) -> dict:
    """Return a page of the speakers quoted most, merged across articles where the store merged them.

    `ranking` is what `speaker_ranking` returned for this store, when the caller kept it.
    """
    ranking = ranking or speaker_ranking(store)
    ranked = ranking["items"]
    if page.offset + page.size <= len(ranked) or len(ranked) == ranking["total"]:
        rows = ranked[page.offset:page.offset + page.size]
    else:  # past the ranked pages
        rows = store.query(SPEAKERS, (page.size, page.offset))
    return paged(rows, page, ranking["total"])


def said_about(store: SQLStore, entity_id: int, limit: int = 100) -> list[dict]:
    """Return the quotes by others whose words name this entity, by any of its stored names, oldest first."""
    names = [r["name"] for r in store.query(
        "SELECT DISTINCT name FROM corpus_entity_names WHERE corpus_entity_id = ?", (entity_id,))]
    # A one-letter name would match inside too many words to mean the entity.
    names = sorted(n for n in names if sum(c.isalnum() for c in n) >= 2)
    if not names:
        return []
    # The quotes' own full-text index finds the quotes naming the entity as words, in the
    # store's dialect; the check below keeps the rows whose words hold a name as written.
    naming, naming_params = store._quote_match(Or(tuple(Phrase(tuple(re.findall(r"\w+", n))) for n in names)))
    sql = f"""SELECT q.article_id, a.title, a.published, q.quote_id, q.kind, q.speaker,
                     q.corpus_entity_id AS entity_id, q.cue, q.content
              FROM quotes q JOIN articles a ON a.id = q.article_id
              WHERE {naming} AND (q.corpus_entity_id IS NULL OR q.corpus_entity_id != ?)
              ORDER BY a.published NULLS FIRST, a.seq, q.start, q.quote_id LIMIT ? OFFSET ?"""
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?!\w)", re.IGNORECASE)
    # Read in chunks until enough rows pass the check: a name quoted thousands of times
    # costs the rows shown, not every quote that names it.
    found: list[dict] = []
    chunk = 2 * limit
    for offset in itertools.count(0, chunk):
        rows = store.query(sql, (*naming_params, entity_id, chunk, offset))
        found += [row for row in rows if pattern.search(row["content"])]
        if len(found) >= limit or len(rows) < chunk:
            return found[:limit]


def stories(store: SQLStore, page: Page) -> dict:
    """Return a page of stories, largest first: id, label, article count, outlets, first and last date."""
    rows = store.query("""SELECT id, label, articles, copies, outlets, first_date, last_date FROM stories
                          ORDER BY articles DESC, first_date IS NULL, first_date, id LIMIT ? OFFSET ?""",
                       (page.size, page.offset))
    items = [{**r, "outlets": json.loads(r["outlets"] or "[]")} for r in rows]
    return paged(items, page, _count(store, "SELECT COUNT(*) AS n FROM stories"))


def article_story(store: SQLStore, article_id: str) -> dict | None:
    """Return the story an article is part of (id, label, articles), or None when it has none."""
    rows = store.query(
        """SELECT s.id, s.label, s.articles FROM story_articles sa JOIN stories s ON s.id = sa.story_id
           WHERE sa.article_id = ?""", (article_id,))
    return rows[0] if rows else None


def story(store: SQLStore, story_id: str) -> dict | None:
    """Return one story with its articles by outlet and date and, per outlet, how its framing reads."""
    found = store.story(story_id)
    if found is None:
        return None
    found["framing_by_outlet"] = _framing_by_outlet(store, story_id, found["articles"])
    return found


TOP_WORDS = 5
TOP_SPEAKERS = 5


def _framing_by_outlet(store: SQLStore, story_id: str, story_articles: list[dict]) -> list[dict]:
    """Return, per outlet of a story, its framing flags per 1,000 words, share of biased sentences,
    most flagged words and most quoted speakers, outlets in name order (unknown last)."""
    outlet_of = {a["id"]: a["outlet"] for a in story_articles}
    outlets: dict[str | None, dict] = {}
    for outlet in outlet_of.values():
        outlets.setdefault(outlet, {"outlet": outlet, "articles": 0, "words": 0, "flags": 0, "own_voice_flags": 0,
                                    "sentences": 0, "biased_sentences": 0, "words_flagged": Counter(),
                                    "speakers": Counter()})
    # The figures come from the stored records: the sentence labels live in the record's
    # framing summary, the flags and quotes in their own tables.
    sentences = store.json_value("a.record", "framing", "summary", "sentences")
    biased = store.json_value("a.record", "framing", "summary", "biased_sentences")
    for r in store.query(
            f"""SELECT a.id, a.text, {sentences} AS sentences, {biased} AS biased
                FROM story_articles s JOIN articles a ON a.id = s.article_id WHERE s.story_id = ?""", (story_id,)):
        side = outlets[outlet_of[r["id"]]]
        side["articles"] += 1
        side["words"] += len(r["text"].split())
        side["sentences"] += r["sentences"] or 0
        side["biased_sentences"] += r["biased"] or 0
    for r in store.query(
            """SELECT f.article_id, f.text, f.in_quote FROM story_articles s JOIN framing f ON f.article_id = s.article_id
               WHERE s.story_id = ?""", (story_id,)):
        side = outlets[outlet_of[r["article_id"]]]
        side["flags"] += 1
        side["own_voice_flags"] += 0 if r["in_quote"] else 1
        side["words_flagged"][r["text"].casefold()] += 1
    for r in store.query(
            """SELECT q.article_id, COALESCE(c.name, q.speaker) AS name
               FROM story_articles s JOIN quotes q ON q.article_id = s.article_id
                    LEFT JOIN corpus_entities c ON c.id = q.corpus_entity_id
               WHERE s.story_id = ? AND q.speaker IS NOT NULL""", (story_id,)):
        outlets[outlet_of[r["article_id"]]]["speakers"][r["name"]] += 1
    result = []
    for side in sorted(outlets.values(), key=lambda s: (s["outlet"] is None, s["outlet"] or "")):
        flagged, speakers_ = side.pop("words_flagged"), side.pop("speakers")
        side["flags_per_1000_words"] = round(1000 * side["flags"] / side["words"], 2) if side["words"] else 0.0
        side["biased_share"] = round(side["biased_sentences"] / side["sentences"], 3) if side["sentences"] else 0.0
        # Ties broken by the word itself, so the page reads the same on every visit.
        side["top_flagged"] = [{"text": w, "count": n}
                               for w, n in sorted(flagged.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_WORDS]]
        side["top_speakers"] = [{"name": name, "quotes": n}
                                for name, n in sorted(speakers_.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SPEAKERS]]
        result.append(side)
    return result
