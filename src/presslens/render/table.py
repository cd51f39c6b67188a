"""Records as spreadsheet rows: events with columns close to ACLED's, amounts, quotes, entities."""

from __future__ import annotations

import csv
from typing import TextIO

from presslens.record import Article

COLUMNS = {
    "events": ["article_id", "event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
               "location", "country_code", "latitude", "longitude", "fatalities", "wounded", "modality",
               "source", "trigger", "start", "end", "notes"],
    "amounts": ["article_id", "value", "approximate", "unit", "counts", "kind", "text", "start", "end"],
    "quotes": ["article_id", "quote_id", "kind", "speaker", "speaker_entity_id", "speaker_text", "cue",
               "content", "start", "end", "confidence"],
    "entities": ["article_id", "entity_id", "name", "type", "titles", "affiliation", "mentions", "salience",
                 "latitude", "longitude", "country_code", "geonames_id"],
}


def rows(article: Article, table: str) -> list[dict]:
    """Return the article's records of one kind as flat rows for a CSV file."""
    name = lambda entity_id: (article.entity(entity_id).name if article.entity(entity_id) else "")  # noqa: E731
    if table == "events":
        out = []
        for event in article.events:
            place = article.entity(event.location)
            geo = place.geo if place else None
            reporter = article.entity(event.reported_by.entity_id) if event.reported_by else None
            sentence = _sentence(article.text, event.trigger.start, event.trigger.end)
            out.append({
                "article_id": article.id, "event_id": event.id, "event_date": event.time or "",
                "event_type": getattr(event, "acled_event_type", None) or "",
                "sub_event_type": getattr(event, "acled_sub_event_type", None) or event.type,
                "actor1": name(event.actor), "actor2": name(event.target),
                "location": place.name if place else "", "country_code": geo.country_code if geo else "",
                "latitude": geo.lat if geo else "", "longitude": geo.lon if geo else "",
                "fatalities": "" if event.casualties.killed is None else event.casualties.killed,
                "wounded": "" if event.casualties.wounded is None else event.casualties.wounded,
                "modality": event.modality,
                "source": reporter.name if reporter else ("quoted source" if event.reported_by else "article"),
                "trigger": event.trigger.text, "start": event.trigger.start, "end": event.trigger.end,
                "notes": sentence,
            })
        return out
    if table == "amounts":
        return [{"article_id": article.id, **a.model_dump(include=set(COLUMNS["amounts"]))} for a in article.amounts]
    if table == "quotes":
        return [{
            "article_id": article.id, "quote_id": q.id, "kind": q.kind,
            "speaker": q.speaker.name or "" if q.speaker else "", "speaker_entity_id": q.speaker.entity_id or "" if q.speaker else "",
            "speaker_text": q.speaker.text if q.speaker else "", "cue": q.cue.text if q.cue else "",
            "content": q.words, "start": q.content.start, "end": q.content.end, "confidence": q.confidence,
        } for q in article.quotes]
    return [{
        "article_id": article.id, "entity_id": e.id, "name": e.name, "type": e.type, "titles": "; ".join(e.titles),
        "affiliation": e.affiliation or "", "mentions": len(e.mentions), "salience": e.salience,
        "latitude": e.geo.lat if e.geo else "", "longitude": e.geo.lon if e.geo else "",
        "country_code": e.geo.country_code if e.geo else "", "geonames_id": e.geo.geonames_id if e.geo else "",
    } for e in article.entities]


def _sentence(text: str, start: int, end: int) -> str:
    """Return the sentence-ish stretch around a span, for the notes column."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(stops) + 1 if stops else len(text)
    return text[left:right].strip()


def write_csv(article: Article, table: str, out: TextIO, header: bool = True) -> None:
    """Write the article's rows of one table as CSV, with the header line when asked."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS[table], extrasaction="ignore")
    if header:
        writer.writeheader()
    writer.writerows(rows(article, table))
