"""The self-contained HTML report: the article text with highlights, and lists of records.

Article text is hostile input: every piece of it passes through escaping (Jinja2's
autoescape for template values, ``html.escape`` in the highlighter), and the page loads
nothing from anywhere.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from presslens.record import Article, shown_date
from presslens.render.highlight import Highlight, highlight

BLOCK_TAGS = {"headline": "h2", "paragraph": "p", "bullet": "li", "caption": "figcaption", "boilerplate": "p"}
SPEAKER_COLOURS = 8


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("presslens.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def article_body(article: Article) -> Markup:
    """Return the article's blocks as HTML with entity and quote highlights."""
    speakers: dict[str, int] = {}
    spans: list[Highlight] = []
    for quote in article.quotes:
        key = (quote.speaker.entity_id or quote.speaker.name or "") if quote.speaker else ""
        colour = speakers.setdefault(key, len(speakers) % SPEAKER_COLOURS)
        who = quote.speaker.label if quote.speaker else "no speaker found"
        pieces = quote.parts or [quote.content]
        for piece in pieces:
            spans.append(Highlight(piece.start, piece.end, f"quote quote-{quote.kind} speaker-{colour}",
                                   (("title", f"{who} ({quote.kind} quote)"), ("data-quote", quote.id))))
        if quote.speaker and quote.speaker.end > quote.speaker.start:
            spans.append(Highlight(quote.speaker.start, quote.speaker.end, f"speaker speaker-{colour}",
                                   (("title", f"speaker of {quote.id}: {who}"),)))
        if quote.cue:
            spans.append(Highlight(quote.cue.start, quote.cue.end, "cue", (("title", f"cue of {quote.id}"),)))
    for amount in article.amounts:
        spans.append(Highlight(amount.start, amount.end, "amount",
                               (("title", f"{amount.kind}: {amount.value:g}" if amount.value is not None else amount.kind),)))
    for event in article.events:
        where = article.entity(event.location)
        label = event.type + (f" in {where.name}" if where else "") + (f", {shown_date(event.time, event.time_precision)}" if event.time else "")
        spans.append(Highlight(event.trigger.start, event.trigger.end, "event", (("title", label),)))
    for flag in article.framing.spans:
        technique = flag.technique.replace("_", " ")
        who = f" (in a quote by {flag.speaker})" if getattr(flag, "in_quote", False) and getattr(flag, "speaker", None) else ""
        spans.append(Highlight(flag.start, flag.end, f"frame frame-{flag.technique}", (("title", technique + who),)))
    for entity in article.entities:
        for mention in entity.mentions:
            spans.append(Highlight(mention.start, mention.end, f"ent ent-{entity.type.lower()}",
                                   (("title", f"{entity.name} ({entity.type})"), ("data-entity", entity.id))))
    parts: list[str] = []
    in_list = False
    for block in article.blocks:
        tag = BLOCK_TAGS.get(block.kind, "p")
        if tag == "li" and not in_list:
            parts.append("<ul>")
            in_list = True
        elif tag != "li" and in_list:
            parts.append("</ul>")
            in_list = False
        if block.kind == "headline" and block.level == 1:
            tag = "h1"
        parts.append(f'<{tag} class="block {block.kind}">{highlight(article.text, block.start, block.end, spans)}</{tag}>')
    if in_list:
        parts.append("</ul>")
    return Markup("\n".join(parts))


def figures(article: Article) -> Markup:
    """Return the SVG map and timeline of the article's places and events, when drawable."""
    try:
        from presslens.render.eventmap import event_map_svg, event_timeline_svg
    except ImportError:
        return Markup("")
    # The drawing functions escape every label they place in the SVG.
    return Markup(event_map_svg(article) + event_timeline_svg(article))


def render_html(articles: list[Article]) -> str:
    """Return one self-contained HTML page reporting on the given articles."""
    template = _environment().get_template("report.html.j2")
    return template.render(articles=[(article, article_body(article), figures(article)) for article in articles])
