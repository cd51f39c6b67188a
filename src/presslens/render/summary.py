"""The readable terminal summary of an Article, drawn with rich."""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from presslens.record import Article, shown_date

TOP_ENTITIES = 15


def summary(article: Article) -> Group:
    """Return a rich renderable summarising the article: source, entities, places, quotes."""
    header = Text()
    header.append(article.title or "(untitled)", style="bold")
    details = [article.published, article.source.outlet, article.source.url or article.source.path]
    header.append("\n" + " · ".join(d for d in details if d), style="dim")
    kinds = {}
    for block in article.blocks:
        kinds[block.kind] = kinds.get(block.kind, 0) + 1
    header.append("\n" + ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in kinds.items()))
    if article.removed:
        header.append(f"; {len(article.removed)} removed in cleaning", style="dim")

    entities = Table(title=f"Entities ({len(article.entities)}, top {TOP_ENTITIES} by salience)",
                     title_justify="left", expand=True)
    for column in ("name", "type", "titles / affiliation", "mentions", "salience"):
        entities.add_column(column, overflow="fold")
    for entity in sorted(article.entities, key=lambda e: -e.salience)[:TOP_ENTITIES]:
        role = "; ".join(entity.titles)
        if entity.affiliation:
            role = f"{role} ({entity.affiliation})" if role else entity.affiliation
        _row(entities, entity.name, entity.type, role, str(len(entity.mentions)), f"{entity.salience:.2f}")

    places = Table(title="Places", title_justify="left", expand=True)
    for column in ("name", "gazetteer", "country", "lat, lon", "mentions"):
        places.add_column(column)
    for entity in article.entities:
        if entity.geo:
            geo = entity.geo
            _row(places, entity.name, f"{geo.name} ({geo.feature})", geo.country_code or "",
                           f"{geo.lat:.2f}, {geo.lon:.2f}", str(len(entity.mentions)))

    quotes = Table(title=f"Quotes ({len(article.quotes)})", title_justify="left", expand=True)
    for column in ("speaker", "kind", "quote"):
        quotes.add_column(column, overflow="fold")
    for quote in article.quotes:
        speaker = quote.speaker.label if quote.speaker else "—"
        if quote.speaker and quote.speaker.text != quote.speaker.name:
            speaker += f" ({quote.speaker.text})"
        _row(quotes, speaker, quote.kind, _shorten(quote.words, 160))
    parts = [Panel(header, title="presslens", title_align="left"), entities, places, quotes]
    if article.events:
        parts.append(_events(article))
    if article.amounts:
        amounts = Table(title=f"Amounts ({len(article.amounts)})", title_justify="left", expand=True)
        for column in ("amount", "kind", "counts"):
            amounts.add_column(column)
        for amount in article.amounts:
            _row(amounts, amount.text, amount.kind + (" (approx.)" if amount.approximate else ""), amount.counts or "")
        parts.append(amounts)
    if article.framing.spans or article.framing.voices:
        parts.extend(_framing(article))
    return Group(*parts)


def _events(article: Article) -> Table:
    table = Table(title=f"Events ({len(article.events)})", title_justify="left", expand=True)
    for column in ("type", "what", "where", "when", "casualties", "reported by"):
        table.add_column(column, overflow="fold")
    for event in article.events:
        place = article.entity(event.location)
        reporter = article.entity(event.reported_by.entity_id) if event.reported_by else None
        casualties = ", ".join(f"{n} {k}" for k, n in (("killed", event.casualties.killed),
                                                        ("wounded", event.casualties.wounded)) if n is not None)
        kind = event.type.replace("_", " ") + ("" if event.modality == "asserted" else f" ({event.modality})")
        _row(table, kind, event.trigger.text, place.name if place else "", shown_date(event.time, event.time_precision) if event.time else "", casualties,
             reporter.name if reporter else ("a quoted source" if event.reported_by else "the article"))
    return table


def _framing(article: Article) -> list[Table]:
    counts: dict[str, int] = {}
    for flag in article.framing.spans:
        counts[flag.technique] = counts.get(flag.technique, 0) + 1
    techniques = Table(title=f"Framing ({len(article.framing.spans)} flags)", title_justify="left", expand=True)
    for column in ("technique", "flags", "examples"):
        techniques.add_column(column, overflow="fold")
    for technique, count in sorted(counts.items(), key=lambda pair: -pair[1]):
        examples = _unique_texts(f.text for f in article.framing.spans if f.technique == technique)
        _row(techniques, technique.replace("_", " "), str(count), _shorten(", ".join(examples), 120))
    voices = Table(title="Voices (share of quoted words)", title_justify="left", expand=True)
    for column in ("speaker", "quotes", "words", "share"):
        voices.add_column(column)
    for voice in article.framing.voices:
        bar = "█" * max(1, round(voice.share * 30))
        _row(voices, voice.name, str(voice.quotes), str(voice.words), f"{bar} {voice.share:.0%}")
    return [techniques, voices]


def _unique_texts(texts) -> list[str]:
    return list(dict.fromkeys(texts))


def _row(table: Table, *cells: str) -> None:
    # Text() cells: article text must never be read as rich markup.
    table.add_row(*(Text(cell) for cell in cells))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
