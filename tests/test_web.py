"""The web app over a small corpus: every page renders, hostile text stays inert, the API answers."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from conftest import build_corpus, raw_article

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from presslens.web.app import create_app  # noqa: E402

HARBOUR = """Harbour reopens after repairs

The harbour in Lyon reopened on Tuesday after three months of repairs that cost 12 million euros.

"The port is open for business again," said Mayor Liesl Brandt at the ceremony.
"""

COUNCIL = """Council approves tram budget

The city council in Lyon on Friday approved the tram budget after a long debate.

"We have kept every promise on transport," Mayor Liesl Brandt said after the vote.
"""

# Markup that would run if any span reached the page unescaped.
HOSTILE = """Hackers claim attack <script>alert(1)</script>

Police in Lyon said on Monday that a group calling itself <img src=x onerror=alert(2)> attacked the city website.

"Click <a href="javascript:alert(3)">here</a> to see the proof," the group wrote, according to Chief Inspector Paul Marchand.

Mayor Liesl Brandt said: "Nobody should click <script>alert(4)</script> links from strangers."
"""

# One fictional happening reported by two outlets, one of them in loaded words.
BRIDGE_CALM = """Footbridge collapses over the Saone in Lyon

A pedestrian footbridge over the Saone in Lyon collapsed on Tuesday morning, injuring four people.

"The footbridge was inspected last year and showed no faults," said engineer Marta Keller of the city works department.

Union leader Tomas Weber said: "Liesl Brandt was warned about this footbridge many times."
"""

BRIDGE_LOADED = """Shameful neglect as Lyon footbridge collapses over the Saone

The disgraceful collapse of the Saone footbridge in Lyon on Tuesday injured four people after years of shocking neglect.

"Liesl Brandt ignored every warning about the footbridge," union leader Tomas Weber said on Wednesday.

Engineer Marta Keller said the footbridge had been inspected last year.
"""



@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    """Return (database path, article ids by name) of a five-article corpus with one ingest error and its stories."""
    db = tmp_path_factory.mktemp("web") / "corpus.db"
    items = {"harbour": raw_article(HARBOUR, "2024-03-05", "example.org"),
             "council": raw_article(COUNCIL, "2024-03-08", "example.net"),
             "hostile": raw_article(HOSTILE, "2024-03-11", "example.com"),
             "bridge_calm": raw_article(BRIDGE_CALM, "2024-04-02", "calm.example"),
             "bridge_loaded": raw_article(BRIDGE_LOADED, "2024-04-03", "loaded.example")}
    return build_corpus(db, items, "broken.txt: the file is not text <b>bold</b>")


@pytest.fixture(scope="module")
def client(corpus):
    db, _ = corpus
    with TestClient(create_app(db, max_body_bytes=50_000)) as client:
        yield client


class _Elements(HTMLParser):
    """Collects the elements a browser would build from a page: (tag, attributes) each."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _assert_inert(html: str) -> None:
    parser = _Elements()
    parser.feed(html)
    scripts = [attrs for tag, attrs in parser.elements if tag == "script"]
    # The only script the page loads is the app's own file.
    assert scripts == [{"src": "/static/presslens.js", "defer": None}]
    assert not [tag for tag, _ in parser.elements if tag in ("img", "iframe", "object", "embed")]
    for tag, attrs in parser.elements:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)
    assert "<script>alert" not in html


def test_every_page_renders_and_hostile_markup_stays_escaped(client, corpus):
    _, ids = corpus
    entity_id = client.get("/api/entities").json()["items"][0]["id"]
    pages = ["/", "/articles", "/articles?page=1&size=2", "/search?q=Lyon", "/search?q=alert",
             f"/articles/{ids['hostile']}", f"/articles/{ids['harbour']}", "/entities", f"/entities/{entity_id}",
             "/speakers/Liesl%20Brandt", "/events", "/events?type=attack&place=Lyon&since=2024-01-01",
             "/errors", "/analyze", "/speakers", "/stories", "/stories?page=1&size=1"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        _assert_inert(response.text)
    article = client.get(f"/articles/{ids['hostile']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "onerror=alert(2)" in article.replace("&#34;", '"')  # shown as text, inside an escaped tag
    assert "&lt;b&gt;bold&lt;/b&gt;" in client.get("/errors").text


def test_security_headers_on_pages_api_static_and_errors(client):
    for path in ["/", "/api/articles", "/static/presslens.css", "/articles/nope", "/openapi.json"]:
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_api_lists_articles_and_each_id_renders(client, corpus):
    _, ids = corpus
    listing = client.get("/api/articles", params={"size": 2}).json()
    assert listing["total"] == 5 and len(listing["items"]) == 2 and listing["has_more"]
    listed = {row["id"] for page in (1, 2, 3)
              for row in client.get("/api/articles", params={"size": 2, "page": page}).json()["items"]}
    assert listed == set(ids.values())
    assert {"id", "title", "published", "source"} <= set(listing["items"][0])
    for article_id_ in listed:
        assert client.get(f"/articles/{article_id_}").status_code == 200
        record = client.get(f"/api/articles/{article_id_}").json()
        assert record["id"] == article_id_ and record["text"]


def test_article_view_has_toggles_and_quotes_linking_to_speakers(client, corpus):
    _, ids = corpus
    html = client.get(f"/articles/{ids['harbour']}").text
    for kind in ("ent", "quote", "event", "amount", "frame"):
        assert f'data-toggle="{kind}"' in html
    assert "data-quote=" in html and 'href="/speakers/Liesl%20Brandt"' in html


def test_speaker_page_lists_quotes_from_both_articles(client, corpus):
    _, ids = corpus
    quotes = client.get("/api/speakers/Liesl Brandt/quotes").json()["items"]
    articles = {q["article_id"] for q in quotes}
    assert {ids["harbour"], ids["council"]} <= articles
    html = client.get("/speakers/Liesl%20Brandt").text
    assert "open for business" in html and "every promise on transport" in html
    assert any(s["name"] == "Liesl Brandt" for s in client.get("/api/speakers").json())


def test_search_finds_quotes_by_their_words_with_filters(client, corpus):
    _, ids = corpus
    found = client.get("/api/search", params={"q": "promise OR business", "in": "quotes"}).json()["items"]
    assert {row["article_id"] for row in found} == {ids["council"], ids["harbour"]}
    later = client.get("/api/search", params={"q": "promise OR business", "in": "quotes",
                                              "since": "2024-03-06"}).json()["items"]
    assert {row["article_id"] for row in later} == {ids["council"]}
    assert client.get("/api/search", params={"q": "promis", "in": "quotes"}).json()["items"] == []
    assert len(client.get("/api/search", params={"q": "promis*", "in": "quotes"}).json()["items"]) == 1
    page = client.get("/search", params={"q": '"kept every promise"', "in": "quotes"})
    assert page.status_code == 200 and "kept every promise on transport" in page.text
    bad = client.get("/search", params={"q": "NOT promise"})
    assert bad.status_code == 400 and "NOT needs a term before it" in bad.text


def test_search_events_entities_and_errors_api(client, corpus):
    _, ids = corpus
    found = client.get("/api/search", params={"q": "tram budget"}).json()["items"]
    assert [row["id"] for row in found] == [ids["council"]]
    # A query that does not parse is the client's error, said in one sentence.
    bad = client.get("/api/search", params={"q": '" OR *'})
    assert bad.status_code == 400 and "never closed" in bad.json()["error"]
    events = client.get("/api/events").json()
    assert events["total"] == len(events["items"]) > 0
    assert client.get("/api/events", params={"since": "2099-01-01"}).json()["total"] == 0
    assert client.get("/api/events", params={"since": "not a date"}).status_code == 422
    entity = client.get("/api/entities", params={"type": "PERSON"}).json()["items"][0]
    detail = client.get(f"/api/entities/{entity['id']}").json()
    assert detail["name"] == entity["name"] and detail["days"] and detail["articles_page"]["items"]
    errors = client.get("/api/errors").json()
    assert errors["total"] == 1 and "not text" in errors["items"][0]["message"]


def test_unknown_ids_are_404_with_one_sentence(client):
    for path in ["/articles/0000000000000000", "/entities/999999", "/speakers/Nobody%20Known", "/no/such/page"]:
        response = client.get(path)
        assert response.status_code == 404, path
        _assert_inert(response.text)
    for path in ["/api/articles/0000000000000000", "/api/entities/999999", "/api/speakers/Nobody/quotes"]:
        response = client.get(path)
        assert response.status_code == 404
        message = response.json()["error"]
        assert message.endswith(".") and message.count(". ") == 0


def test_analyze_on_the_fly_without_storing(client):
    before = client.get("/api/articles").json()["total"]
    response = client.post("/api/analyze", json={"text": HOSTILE})
    assert response.status_code == 200
    record = response.json()
    assert "<script>alert(1)</script>" in record["text"] and record["quotes"]
    assert client.post("/api/analyze", json={"html": "<html><body><p>Rain fell in Oslo on Monday.</p></body></html>"}
                       ).status_code == 200
    assert client.post("/api/analyze", json={}).status_code == 400
    assert client.get("/api/articles").json()["total"] == before
    page = client.post("/analyze", data={"content": HOSTILE})
    assert page.status_code == 200 and "data-toggle=\"quote\"" in page.text
    _assert_inert(page.text)


def test_oversized_bodies_are_refused_with_413(client):
    response = client.post("/api/analyze", json={"text": "word " * 20_000})
    assert response.status_code == 413
    assert response.json()["error"].startswith("The request body is larger than the limit")
    assert "content-security-policy" in response.headers
    chunked = client.post("/api/analyze", content=iter([json.dumps({"text": "x" * 60_000}).encode()]),
                          headers={"content-type": "application/json"})
    assert chunked.status_code == 413


def test_openapi_document_lists_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ["/api/articles", "/api/articles/{article_id}", "/api/search", "/api/entities",
                 "/api/entities/{entity_id}", "/api/speakers/{name}/quotes", "/api/events", "/api/errors",
                 "/api/analyze"]:
        assert path in paths, path
    assert "/articles/{article_id}" not in paths  # pages are HTML, not part of the API


def test_store_is_read_only_in_the_app(client):
    store = client.app.state.stores.get()
    with pytest.raises(Exception, match="readonly"):
        store.db.execute("DELETE FROM errors")


def test_serve_with_a_missing_db_is_one_sentence(tmp_path, capsys):
    from presslens.cli import main

    assert main(["serve", "--db", str(tmp_path / "missing.db")]) == 2
    err = capsys.readouterr().err
    assert "no corpus database" in err and err.count("\n") == 1


def test_events_page_draws_a_map_and_timeline_of_the_filtered_events(client):
    places = client.get("/api/events/places").json()
    lyon = next(p for p in places if p["name"] == "Lyon")
    assert abs(lyon["lat"] - 45.75) < 0.5 and lyon["events"] >= 1 and lyon["types"]
    html = client.get("/events").text
    figures = html[html.index('class="event-figures"'):html.index("<table>")]
    assert "<svg" in figures and "Lyon" in figures
    assert "<polygon" in figures  # country outlines from the shipped basemap, not tiles
    assert "http" not in figures.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    assert " style=" not in figures  # the CSP allows no inline styles
    timeline = client.get("/api/events/timeline").json()
    assert all(g["day"][:4].isdigit() for g in timeline)
    nothing = client.get("/events", params={"since": "2099-01-01"}).text
    assert "event-figures" not in nothing
    assert client.get("/api/events/places", params={"since": "2099-01-01"}).json() == []


def _bridge_story(client, ids) -> dict:
    """Return the API's record of the story holding the calm bridge report."""
    page = client.get(f"/articles/{ids['bridge_calm']}").text
    story_id = page.split('href="/stories/', 1)[1].split('"', 1)[0]
    return client.get(f"/api/stories/{story_id}").json()


def test_two_outlets_on_one_happening_form_a_story_compared_by_outlet(client, corpus):
    _, ids = corpus
    story = _bridge_story(client, ids)
    assert {a["id"] for a in story["articles"]} == {ids["bridge_calm"], ids["bridge_loaded"]}
    assert [a["outlet"] for a in story["articles"]] == ["calm.example", "loaded.example"]  # by outlet, then date
    assert story["first_date"] == "2024-04-02" and story["last_date"] == "2024-04-03"
    calm, loaded = story["framing_by_outlet"]
    assert (calm["outlet"], loaded["outlet"]) == ("calm.example", "loaded.example")
    assert calm["articles"] == loaded["articles"] == 1 and calm["words"] > 0
    # The loaded report is flagged more, per word, than the calm one, and says which words.
    assert loaded["flags_per_1000_words"] > calm["flags_per_1000_words"]
    flagged = {w["text"] for w in loaded["top_flagged"]}
    assert flagged & {"shameful", "disgraceful", "shocking"}
    assert 0.0 <= calm["biased_share"] <= 1.0 and loaded["biased_sentences"] <= loaded["sentences"]
    assert any(s["name"].endswith("Weber") for s in loaded["top_speakers"])

    listing = client.get("/api/stories", params={"size": 1}).json()
    assert listing["total"] >= 2 and len(listing["items"]) == 1 and listing["has_more"]
    everything = client.get("/api/stories").json()["items"]
    row = next(s for s in everything if s["id"] == story["id"])
    assert row["articles"] == 2 and row["outlets"] == ["calm.example", "loaded.example"]

    html = client.get(f"/stories/{story['id']}").text
    _assert_inert(html)
    assert "calm.example" in html and "loaded.example" in html and "per 1,000 words" in html
    assert f'href="/stories/{story["id"]}"' in client.get("/").text  # the overview links it
    assert f'href="/stories/{story["id"]}"' in client.get("/stories").text
    assert client.get("/api/stories/nope").status_code == 404
    assert client.get("/stories/nope").status_code == 404


def test_entity_page_shows_what_others_said_about_them(client, corpus):
    _, ids = corpus
    brandt = next(e for e in client.get("/api/entities", params={"type": "PERSON", "size": 200}).json()["items"]
                  if e["name"] == "Liesl Brandt")
    detail = client.get(f"/api/entities/{brandt['id']}").json()
    about = detail["said_about"]
    assert {q["article_id"] for q in about} >= {ids["bridge_calm"], ids["bridge_loaded"]}
    assert all("Brandt" in q["content"] for q in about)
    # Her own words are what she said, not what was said about her.
    assert not {q["quote_id"] for q in about} & {q["quote_id"] for q in detail["quotes"]
                                                  if q["article_id"] in {a["article_id"] for a in about}}
    html = client.get(f"/entities/{brandt['id']}").text
    assert "What was said about Liesl Brandt" in html and "ignored every warning" in html


def test_a_store_from_before_stories_asks_for_an_upgrade_in_one_sentence(tmp_path, corpus, capsys):
    import shutil
    import sqlite3

    from presslens.cli import main
    from presslens.errors import PresslensError

    db, _ = corpus
    old = tmp_path / "old.db"
    shutil.copy(db, old)
    # Undo the stories migration, as a database written before it was.
    con = sqlite3.connect(old)
    con.executescript("""DROP VIEW export_stories; DROP VIEW export_articles; DROP TABLE story_articles;
                         DROP TABLE stories; DELETE FROM schema_version WHERE version >= 2;""")
    con.close()
    with pytest.raises(PresslensError, match="needs upgrading.*presslens ingest"):
        create_app(old)
    assert main(["serve", "--db", str(old)]) == 2
    err = capsys.readouterr().err
    assert "presslens ingest" in err and err.count("\n") == 1


def test_speaker_names_with_a_slash_reach_the_speaker_route(client):
    # A pollster such as "Reuters/Ipsos" is a speaker; its link keeps the slash.
    page = client.get("/speakers/Nobody/Known")
    assert page.status_code == 404 and "No quote in the corpus is by a speaker" in page.text
    api = client.get("/api/speakers/Nobody/Known/quotes")
    assert api.status_code == 404 and api.json()["error"].startswith("No quote in the corpus")
