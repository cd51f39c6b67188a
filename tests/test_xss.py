"""The XSS corpus (tests/xss-payloads.txt) on every page type of the web app and in the HTML report:
each page, parsed, holds no element, attribute or URL that would run script, and shows each payload as text."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from xss import assert_inert, payloads

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from presslens.record import Article  # noqa: E402
from presslens.render.html import render_html  # noqa: E402
from presslens.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(xss_corpus):
    db, _ = xss_corpus
    with TestClient(create_app(db, analyses_per_minute=100)) as client:
        yield client


def test_the_corpus_has_at_least_50_payloads_each_of_them_stored(xss_corpus, client):
    _, by_id = xss_corpus
    assert len(payloads()) >= 50 and len(set(payloads())) == len(payloads())
    assert client.get("/api/articles").json()["total"] == len(by_id) == len(payloads())
    names = {e["name"] for e in client.get("/api/entities", params={"size": 200}).json()["items"]}
    assert len(names & set(payloads())) == len(payloads())  # every payload names an entity
    speakers = {s["name"] for s in client.get("/api/speakers", params={"n": 200}).json()}
    assert len(speakers & set(payloads())) >= len(payloads()) // 2


def _pages(client: TestClient, by_id: dict[str, str]) -> list[str]:
    """Return an address of every page type, each showing payloads."""
    hostile = set(by_id.values())
    entities = [e["id"] for e in client.get("/api/entities", params={"size": 200}).json()["items"]
                if e["name"] in hostile]
    speakers = [s["name"] for s in client.get("/api/speakers", params={"n": 200}).json() if s["name"] in hostile]
    stories = [s["id"] for s in client.get("/api/stories", params={"size": 200}).json()["items"]]
    some = list(hostile)[:8]
    return ["/", "/articles?size=200", "/articles?page=2&size=20", "/entities?size=200", "/speakers?size=200",
            "/stories?size=200", "/events", "/errors?size=200", "/sources", "/analyze", "/search?q=Lyon",
            *(f"/articles/{i}" for i in by_id), *(f"/entities/{i}" for i in entities),
            *(f"/speakers/{quote(name, safe='')}" for name in speakers), *(f"/stories/{i}" for i in stories),
            *(f"/search?q={quote(p)}" for p in hostile), *(f"/events?place={quote(p)}" for p in some),
            *(f"/events?type={quote(p)}" for p in some),
            # Error pages echo what was asked for.
            *(f"/articles/{quote(p, safe='')}" for p in some), *(f"/entities/{quote(p, safe='')}" for p in some),
            *(f"/events?since={quote(p)}" for p in some), *(f"/no-such-page/{quote(p, safe='')}" for p in some)]


def test_every_page_type_stays_inert(client, xss_corpus):
    _, by_id = xss_corpus
    pages = _pages(client, by_id)
    assert len(pages) > 3 * len(by_id)
    for path in pages:
        response = client.get(path)
        # A payload that is not a valid search (an unclosed phrase) is refused with a 400 page.
        assert response.status_code in (200, 400, 404, 422), (path, response.status_code)
        assert response.headers["content-type"].startswith("text/html"), path
        assert_inert(response.text)
    watched = assert_inert(client.get("/sources").text)
    assert all(p in watched for p in by_id.values())  # the watched feeds' titles, shown as text


def test_each_article_page_shows_its_payloads_as_text(client, xss_corpus):
    _, by_id = xss_corpus
    for article_id, payload in by_id.items():
        record = client.get(f"/api/articles/{article_id}").json()
        text = assert_inert(client.get(f"/articles/{article_id}").text)
        assert record["title"] in text and payload in text, article_id
        assert payload in record["text"]  # the payload was analysed as part of the article, not dropped
        speakers = {q["speaker"]["name"] for q in record["quotes"] if q["speaker"]}
        assert speakers <= {payload}


def test_a_pasted_hostile_article_is_shown_inertly(client):
    content = "Protest in Lyon\n\n" + "\n\n".join(f'"We saw {p} there," said Mayor Liesl Brandt.' for p in payloads())
    page = client.post("/analyze", data={"content": content})
    assert page.status_code == 200
    text = assert_inert(page.text)
    assert all(p in text for p in payloads())


def test_the_html_report_stays_inert(client, xss_corpus):
    _, by_id = xss_corpus
    records = [Article.model_validate(client.get(f"/api/articles/{i}").json()) for i in by_id]
    report = render_html(records)
    text = assert_inert(report, own_scripts=0)
    assert all(r.title in text for r in records)
    assert all(p in text for p in by_id.values())


SKELETON = '<!doctype html><html><head><script src="/static/presslens.js" defer></script></head><body>{}</body></html>'
RAW_PLACES = ["<p>{}</p>", '<a href="/x" title="{}">t</a>', '<a href="{}">t</a>', "<a href='/x' title='{}'>t</a>"]


def test_the_check_catches_each_markup_payload_placed_unescaped():
    # The rest (script-context and template tricks, escaped entities) cannot run in HTML; that
    # they are shown verbatim, neither evaluated nor unescaped, is what the article test checks.
    markup = [p for p in payloads() if "<" in p or p.lower().startswith(("javascript:", "data:"))
              or re.search(r"""["']\s[^<]*\bon\w+=""", p)]
    assert len(markup) >= 60
    for payload in markup:
        caught = 0
        for place in RAW_PLACES:
            try:
                assert_inert(SKELETON.format(place.format(payload)))
            except AssertionError:
                caught += 1
        assert caught, payload
    assert_inert(SKELETON.format("".join(place.format("plain words") for place in RAW_PLACES[:2])))
