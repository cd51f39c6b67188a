"""A corpus whose every shown field carries the payloads of xss-payloads.txt, and the check that a page is inert.

Each payload goes into one article: its text (in a reported sentence and in a quote), its
title, URL, outlet and author, the name of one of its entities, the speaker of its quotes,
the place and actor of an event, an ingest error and a watched feed. The records are analysed by the real
pipeline and then given the payload names, since no named-entity model would name anyone
`<svg onload=…>`. `assert_inert` parses a page with an HTML parser and fails on anything a
browser would run: a script element other than the app's own, an event-handler attribute,
a script or data URL, an element that loads or embeds content, an inline style.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from presslens.ingest.document import RawArticle
from presslens.record import Article, Source

PAYLOADS = Path(__file__).with_name("xss-payloads.txt")

TEXTS = [
    """Council meeting {n} in Lyon

Residents of Lyon found the words {p} painted on the town hall on Monday, police said.

"Someone wrote {p} on the door," said Mayor Liesl Brandt after the council meeting.

Police arrested 3 people near the town hall in Lyon on Tuesday.
""",
    """Harbour strike {n} ends in Marseille

Dock workers in Marseille ended a strike on Friday after a message reading {p} appeared on the union website.

"We never posted {p} anywhere," union leader Marc Diallo told reporters.

About 2,000 workers protested in Marseille against the new rota.
""",
    """Storm {n} closes schools near Porto

A storm closed 40 schools near Porto on Sunday, and the city's alert page showed {p} for an hour.

"The page said {p} instead of the warning," the grid operator's spokesman Rui Costa said.

Two people were injured by falling trees in Porto.
""",
]

# Elements a page may hold: what the templates write, nothing a payload could add.
ALLOWED_TAGS = {"html", "head", "meta", "title", "link", "script", "style", "body", "header", "nav", "main", "section",
                "article", "aside", "div", "span", "p", "a", "h1", "h2", "h3", "ul", "li", "table", "tr", "th", "td",
                "form", "label", "input", "textarea", "button", "select", "option", "strong", "meter", "figure",
                "figcaption", "code", "br", "svg", "g", "circle", "line", "polygon", "polyline", "rect", "text"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
                  "ping", "cite", "codebase", "lowsrc", "dynsrc"}
LOADING_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "img", "image", "video",
                "audio", "source", "track", "animate", "set", "animatetransform", "animatemotion", "foreignobject",
                "math", "template", "isindex", "marquee", "noscript", "portal"}


def payloads() -> list[str]:
    """Return the payloads of the data file, one a line, comments left out."""
    lines = PAYLOADS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def hostile_articles() -> list[RawArticle]:
    """Return one raw article per payload, the payload in its text, title, URL, outlet and author."""
    raws = []
    for n, payload in enumerate(payloads()):
        text = TEXTS[n % len(TEXTS)].format(n=n, p=payload)
        # Every third outlet is left out, so that pages show the host of the hostile URL instead.
        url, outlet = (f"https://{payload}/news/{n}", None) if n % 3 == 0 else (payload, payload)
        raws.append(RawArticle(id=f"xss{n:04d}", content=text, title=payload, published=f"2024-05-{1 + n % 28:02d}",
                               source=Source(url=url, outlet=outlet, author=payload)))
    return raws


def named_after(article: Article, payload: str) -> Article:
    """Return the record with its first entity that is not a known place, its speakers and its first event
    named after the payload."""
    # Not a place with a gazetteer id: those merge on the id, keeping the first article's name.
    first = next(i for i, e in enumerate(article.entities) if e.geo is None)
    entities = [e.model_copy(update={"name": payload, "aliases": [payload]}) if i == first else e
                for i, e in enumerate(article.entities)]
    quotes = [q.model_copy(update={"speaker": q.speaker.model_copy(update={"name": payload})}) if q.speaker else q
              for q in article.quotes]
    events = [e.model_copy(update={"location": payload, "actor": payload}) if i == 0 else e
              for i, e in enumerate(article.events)]
    return article.model_copy(update={"entities": entities, "quotes": quotes, "events": events})


def build_xss_corpus(db: Path) -> dict[str, str]:
    """Return the payload of each article id, after storing the hostile corpus, its errors, duplicates and stories."""
    from presslens.corpus.dedupe import find_duplicates
    from presslens.corpus.store import open_store
    from presslens.corpus.stories import build_stories
    from presslens.pipeline import analyze_stream
    from presslens.watch.state import WatchState

    raws = hostile_articles()
    by_id = {raw.id: raw.title for raw in raws}
    with open_store(db) as store:
        for result in analyze_stream(raws, batch_size=32):
            assert isinstance(result, Article), result
            store.add_article(named_after(result, by_id[result.id]))
        for payload in by_id.values():
            store.add_error(payload, f"the file could not be read: {payload}")
        watched = WatchState(store)
        for n, payload in enumerate(by_id.values()):
            # Watched feeds, as a hostile site names them: the address, the title and the poll's result.
            url = payload if n % 2 else f"https://feeds.example/{payload}"
            watched.add_source(url, title=payload, parent=None)
            watched.polled(url, result=f"failed: {payload}", every=600, kind=payload)
        store.commit()
        find_duplicates(store)
        build_stories(store)
    return by_id


class _Page(HTMLParser):
    """The elements and the text a browser would build from a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def _scheme(url: str) -> str:
    # Browsers drop whitespace and control characters inside a URL's scheme before reading it.
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url).lower()
    return squeezed.split(":", 1)[0] + ":" if re.match(r"^[a-z][a-z0-9+.-]*:", squeezed) else ""


def assert_inert(html: str, own_scripts: int = 1) -> str:
    """Return the page's text after checking that nothing in it would run script or load content."""
    page = _Page()
    page.feed(html)
    page.close()
    scripts = [attrs for tag, attrs in page.elements if tag == "script"]
    assert scripts == [[("src", "/static/presslens.js"), ("defer", None)]] * own_scripts, scripts
    for tag, attrs in page.elements:
        assert tag in ALLOWED_TAGS and tag not in LOADING_TAGS, tag
        if tag == "meta":
            # A policy may be declared in the page (the standalone report does); a refresh may not.
            assert all((value or "").lower() == "content-security-policy" for name, value in attrs
                       if name == "http-equiv"), attrs
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name not in ("srcdoc", "formaction"), (tag, name)
            if name in URL_ATTRIBUTES and value:
                scheme = _scheme(value)
                # The page's own links are relative; the one data URL is the empty favicon.
                assert scheme == "" or (tag, name, value) == ("link", "href", "data:,"), (tag, name, value)
        if own_scripts:
            # The app's CSP allows no inline style; the report is a standalone file with its own.
            assert not any(name == "style" for name, _ in attrs), (tag, attrs)
    return "".join(page.text)
