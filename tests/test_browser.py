"""The web app in a real headless Chromium: highlights toggle, quotes lead to speakers, hostile text stays inert.

The app runs under uvicorn on a free loopback port over a corpus built here from texts written
for these tests. Chromium is Debian's package, driven by Playwright's Python package with
`executable_path`, so no browser is ever downloaded; the tests skip only when no Chromium
binary is found.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import build_corpus, raw_article

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")
uvicorn = pytest.importorskip("uvicorn")

from presslens.web.app import create_app  # noqa: E402

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Everything that would make Chromium reach beyond the loopback server is off.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SPEAKER = "Tomas Lindqvist"

FERRY = """Ferry service resumes in Gothenburg

The ferry line between Gothenburg and Frederikshavn resumed on Monday after a strike that lasted nine days.

"Passengers can travel again from tomorrow morning," said Mayor Tomas Lindqvist at the harbour.
"""

BRIDGE = """Gothenburg opens new bridge

The new bridge over the river in Gothenburg opened on Saturday, two years late and 40 million kronor over budget.

"The wait was long, but the city finally has its bridge," Mayor Tomas Lindqvist said at the opening.
"""

# Each payload sets window.__pwned or opens a dialog if the page ever runs it.
HOSTILE = """Vandals deface council site <script>window.__pwned = 1; alert(1)</script>

Police in Gothenburg said on Tuesday that a group posted <img src=x onerror="window.__pwned = 2; alert(2)"> on the council website.

"Follow <a href="javascript:window.__pwned = 3; alert(3)">this link</a> for the full list," the group wrote, according to Inspector Maja Holm.

Mayor Tomas Lindqvist said: "Nobody should open <script>window.__pwned = 4</script> links from strangers."
"""


def chromium_path() -> str | None:
    """Return the Chromium binary to drive: $PRESSLENS_CHROMIUM, the Debian path, or one on PATH."""
    wanted = os.environ.get("PRESSLENS_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    if Path(DEFAULT_CHROMIUM).is_file():
        return DEFAULT_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")



@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    """Return (database path, article ids by name) of a small corpus with one hostile article."""
    db = tmp_path_factory.mktemp("browser") / "corpus.db"
    items = {"ferry": raw_article(FERRY, "2024-04-02", "example.org"),
             "bridge": raw_article(BRIDGE, "2024-04-07", "example.net"),
             "hostile": raw_article(HOSTILE, "2024-04-10", "example.com")}
    return build_corpus(db, items, "feed.xml: <b>not</b> a feed")


@pytest.fixture(scope="module")
def server(corpus):
    """Return the base URL of the real app served by uvicorn on a free loopback port."""
    db, _ = corpus
    yield from serving(db)


@pytest.fixture(scope="module")
def xss_server(xss_corpus):
    """Return the base URL of the app serving the XSS corpus (tests/xss.py)."""
    db, _ = xss_corpus
    yield from serving(db)


def serving(db):
    """Yield the base URL of the app over this store, served by uvicorn on a free loopback port, until closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the web app did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium binary found (install Debian's chromium or set PRESSLENS_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield launched
        launched.close()


class Watched:
    """A browser page with everything it reports recorded: console errors, page errors, dialogs, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

        def dismiss(dialog):
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        # Init scripts run through the DevTools protocol, outside the page's CSP, before any
        # of the page's own content: a violation is recorded even if nothing logs it.
        page.add_init_script("window.__violations = [];"
                             "document.addEventListener('securitypolicyviolation',"
                             " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")

    def problems(self) -> list[str]:
        violations = self.page.evaluate("window.__violations || []")
        return self.console_errors + self.page_errors + [f"dialog: {d}" for d in self.dialogs] + violations


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    # Only the loopback server may be reached: any other request would mean the page loads
    # something from the internet.
    outside: list[str] = []

    def only_loopback(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:")):
            return route.continue_()
        outside.append(url)
        return route.abort()

    context.route("**/*", only_loopback)
    page = Watched(context.new_page())
    yield page
    context.close()
    assert not outside, outside


def _background(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def test_quote_highlights_toggle_off_and_on(server, corpus, watched):
    _, ids = corpus
    page = watched.page
    page.goto(f"{server}/articles/{ids['bridge']}")
    quote = "#article-text [data-quote]"
    toggle = "input[data-toggle='quote']"
    highlighted = _background(page, quote)
    assert highlighted not in ("rgba(0, 0, 0, 0)", "transparent")
    page.uncheck(toggle)
    assert "hide-quote" in page.get_attribute("#article-text", "class")
    assert _background(page, quote) == "rgba(0, 0, 0, 0)"
    page.check(toggle)
    assert "hide-quote" not in (page.get_attribute("#article-text", "class") or "")
    assert _background(page, quote) == highlighted
    assert watched.problems() == []


def test_clicking_a_quote_opens_its_speakers_page_with_all_their_quotes(server, corpus, watched):
    _, ids = corpus
    page = watched.page
    page.goto(f"{server}/articles/{ids['ferry']}")
    with page.expect_navigation():
        page.click("#article-text [data-quote]")
    assert unquote(page.url) == f"{server}/speakers/{SPEAKER}"
    assert SPEAKER in page.inner_text("h1")
    rows = page.locator("table.speaker-quotes tr[data-article]")
    assert {rows.nth(i).get_attribute("data-article") for i in range(rows.count())} == set(ids.values())
    quotes = page.inner_text("table.speaker-quotes")
    assert "Passengers can travel again" in quotes and "finally has its bridge" in quotes
    assert "Nobody should open" in quotes
    assert watched.problems() == []


def test_injected_markup_never_runs(server, corpus, watched):
    _, ids = corpus
    page = watched.page
    page.goto(f"{server}/articles/{ids['hostile']}")
    page.wait_for_load_state("load")
    # The payloads are shown as text, not built as elements.
    assert "<script>window.__pwned = 1" in page.inner_text("#article-text")
    assert page.locator("#article-text script, #article-text img, #article-text a[href^='javascript:']").count() == 0
    assert page.locator("script").count() == 1  # the app's own file
    # Following every quote of the hostile article renders its text on the speakers' pages too.
    article_url = page.url
    for index in range(page.locator("#article-text [data-quote]").count()):
        page.goto(article_url)
        page.locator("#article-text [data-quote]").nth(index).click()
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", page.url
    page.goto(f"{server}/search?q=pwned")
    page.goto(f"{server}/errors")
    assert "<b>not</b>" in page.inner_text("table")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.dialogs == []
    assert watched.problems() == []


def test_every_main_page_loads_without_console_errors(server, corpus, watched):
    _, ids = corpus
    page = watched.page
    page.goto(f"{server}/entities")
    entity_href = page.get_attribute("table a[href^='/entities/']", "href")
    page.goto(f"{server}/stories")
    story_href = page.get_attribute("table a[href^='/stories/']", "href")
    pages = ["/", "/articles", *(f"/articles/{i}" for i in ids.values()), "/search?q=Gothenburg", "/entities",
             entity_href, "/speakers", f"/speakers/{SPEAKER}", "/stories", story_href, "/events",
             "/events?place=Gothenburg",
             "/errors", "/analyze"]
    for path in pages:
        response = page.goto(server + path)
        assert response.status == 200, path
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert watched.problems() == [], path
    page.goto(f"{server}/events")
    assert page.locator(".event-map svg circle").count() >= 1
    assert "Gothenburg" in page.inner_text(".event-map")


def test_analyse_form_shows_a_pasted_article_inertly(server, watched):
    page = watched.page
    page.goto(f"{server}/analyze")
    page.fill("textarea[name=content]", HOSTILE)
    with page.expect_navigation():
        page.click("form.analyze button")
    assert page.locator("#article-text [data-quote]").count() >= 1
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.problems() == []


def test_no_payload_of_the_xss_corpus_runs_on_any_page_type(xss_server, xss_corpus, watched):
    import httpx

    from test_xss import _pages

    _, by_id = xss_corpus
    with httpx.Client(base_url=xss_server) as api:
        pages = _pages(api, by_id)
    page = watched.page
    # Every page type, each with payloads: all article pages, and a few of each other kind.
    kinds: dict[str, list[str]] = {}
    for path in pages:
        kinds.setdefault(path.split("?")[0].split("/")[1] + ("?" if "?" in path else ""), []).append(path)
    chosen = kinds.pop("articles") + [p for paths in kinds.values() for p in paths[:6]]
    for path in chosen:
        page.goto(xss_server + path)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert watched.dialogs == [], path
    # The form, with every payload pasted at once.
    page.goto(f"{xss_server}/analyze")
    page.fill("textarea[name=content]", "Protest in Lyon\n\n" + "\n\n".join(f"They wrote {p} there." for p in by_id.values()))
    with page.expect_navigation():
        page.click("form.analyze button")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watched.dialogs == [] and watched.page_errors == []
    # The error pages visited log their own 404 and 422; nothing else may be reported.
    assert [p for p in watched.problems() if "the server responded with a status of 4" not in p] == []
