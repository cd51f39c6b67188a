"""An Article record as table rows: one list of rows per table, columns in the store's order.

Every writer of tables uses this one flattening: the SQLite and PostgreSQL stores and the
Spark job, so that a record has the same rows wherever it is written. Corpus entity ids are
not here: they depend on what a store already holds, so each store adds them as it merges.
"""

from __future__ import annotations

import json

from presslens.record import Article

ROW_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "title", "published", "url", "path", "outlet", "language", "text", "record"),
    "removals": ("article_id", "kind", "text"),
    "entities": ("article_id", "entity_id", "name", "type", "aliases", "titles", "affiliation", "salience",
                 "mentions", "geonames_id", "lat", "lon", "country_code"),
    "mentions": ("article_id", "entity_id", "start", "end", "text", "kind"),
    "quotes": ("article_id", "quote_id", "kind", "content", "start", "end", "cue", "cue_lemma", "speaker",
               "speaker_entity_id", "confidence", "cue_category", "parts"),
    "amounts": ("article_id", "value", "value_max", "approximate", "qualifier", "unit", "counts", "kind", "start",
                "end", "text"),
    "events": ("article_id", "event_id", "type", "trigger", "start", "end", "actor", "target", "location",
               "location_geonames_id", "lat", "lon", "time", "killed", "wounded", "missing", "arrested",
               "displaced", "modality", "reported_by", "acled_event_type", "acled_sub_event_type", "cameo",
               "salience", "time_precision", "actor_entity_id", "target_entity_id", "location_entity_id",
               "arguments"),
    "framing": ("article_id", "technique", "start", "end", "text", "target", "reason", "in_quote", "quote_id",
                "speaker"),
}


def record_rows(article: Article) -> dict[str, list[tuple]]:
    """Return the rows of each table of ROW_COLUMNS for one article, values in column order."""
    aid, source = article.id, article.source
    tables: dict[str, list[tuple]] = {name: [] for name in ROW_COLUMNS}
    tables["articles"].append((aid, article.title, article.published, source.url, source.path, source.outlet,
                               article.language, article.text, article.model_dump_json()))
    tables["removals"] = [(aid, r.kind, r.text) for r in article.removed]
    for entity in article.entities:
        geo = entity.geo
        tables["entities"].append(
            (aid, entity.id, entity.name, entity.type, json_list(entity.aliases), json_list(entity.titles),
             entity.affiliation, entity.salience, len(entity.mentions), geo and geo.geonames_id, geo and geo.lat,
             geo and geo.lon, geo and geo.country_code))
        tables["mentions"] += [(aid, entity.id, m.start, m.end, m.text, m.kind) for m in entity.mentions]
    tables["quotes"] = [
        (aid, q.id, q.kind, q.words, q.content.start, q.content.end, q.cue and q.cue.text, q.cue and q.cue.lemma,
         q.speaker and q.speaker.name, q.speaker and q.speaker.entity_id, q.confidence, q.cue and q.cue.category,
         # The pieces of a split quote, so that a reader can tell its words from the attribution between them.
         json.dumps([[p.start, p.end, p.text] for p in q.parts], ensure_ascii=False) if q.parts else None)
        for q in article.quotes]
    tables["amounts"] = [
        (aid, a.value, a.value_max, int(a.approximate), a.qualifier, a.unit, a.counts, a.kind, a.start, a.end,
         a.text)
        for a in article.amounts]
    for e in article.events:
        place = article.entity(e.location)
        geo = place.geo if place else None
        reporter = article.entity(e.reported_by.entity_id) if e.reported_by else None
        c = e.casualties
        tables["events"].append(
            (aid, e.id, e.type, e.trigger.text, e.trigger.start, e.trigger.end, entity_name(article, e.actor),
             entity_name(article, e.target), entity_name(article, e.location), geo and geo.geonames_id,
             geo and geo.lat, geo and geo.lon, e.time, c.killed, c.wounded, c.missing, c.arrested, c.displaced,
             e.modality, reporter.name if reporter else None, e.acled_event_type, e.acled_sub_event_type, e.cameo,
             e.salience, e.time_precision, e.actor, e.target, e.location, json_arguments(e.arguments)))
    tables["framing"] = [
        (aid, f.technique, f.start, f.end, f.text, entity_name(article, f.target), f.reason, int(f.in_quote),
         f.quote_id, f.speaker)
        for f in article.framing.spans]
    return tables


def entity_name(article: Article, entity_id: str | None) -> str | None:
    """Return the canonical name of an entity of the article, the id itself when unknown, or None."""
    if not entity_id:
        return None
    entity = article.entity(entity_id)
    return entity.name if entity else entity_id


def json_arguments(arguments: list) -> str | None:
    """Return an event's arguments as a JSON array of objects, or None when it has none."""
    if not arguments:
        return None
    return json.dumps([{"role": a.role, "relation": a.relation, "start": a.start, "end": a.end, "text": a.text,
                        "entity_id": a.entity_id} for a in arguments], ensure_ascii=False)


def json_list(items: list[str]) -> str | None:
    """Return a list of names as a JSON array, or None when empty."""
    return json.dumps(items, ensure_ascii=False) if items else None
