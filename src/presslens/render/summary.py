"""The readable terminal summary of an Article, drawn with rich."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from presslens.record import Article

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
        speaker = quote.speaker.name if quote.speaker else "—"
        if quote.speaker and quote.speaker.text != quote.speaker.name:
            speaker += f" ({quote.speaker.text})"
        _row(quotes, speaker, quote.kind, _shorten(quote.content.text, 160))
    return Group(Panel(header, title="presslens", title_align="left"), entities, places, quotes)


def _row(table: Table, *cells: str) -> None:
    # Text() cells: article text must never be read as rich markup.
    table.add_row(*(Text(cell) for cell in cells))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_summary(article: Article, console: Console | None = None) -> None:
    """Print the article's summary to the console (stdout by default)."""
    (console or Console()).print(summary(article))
