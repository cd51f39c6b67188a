"""The web app over PostgreSQL: every page and API answer is the one the same corpus gives in SQLite.

One small corpus is stored twice, in a SQLite file and in a database of the session's
PostgreSQL server (the `postgres` fixture, tests/pgserver.py), and the app is started over
each. Every JSON route must answer the same; every HTML page must show the same text and
links. Corpus entity ids are compared through their names, since a database may number
them differently. The tests skip only when no PostgreSQL server can be started.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from conftest import build_corpus, raw_article
from pgserver import free_port
from test_web import COUNCIL, HARBOUR

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from presslens.cli import main  # noqa: E402
from presslens.corpus.dedupe import find_duplicates  # noqa: E402
from presslens.corpus.store import open_store  # noqa: E402
from presslens.corpus.stories import build_stories  # noqa: E402
from presslens.web.app import create_app  # noqa: E402

# One happening reported by three outlets: in calm words, by a wire service that copies the
# calm report (a near-duplicate), and in loaded words.
BRIDGE_CALM = """Footbridge collapses over the Saone in Lyon

A pedestrian footbridge over the Saone in Lyon collapsed on Tuesday morning, injuring four people.

"The footbridge was inspected last year and showed no faults," said engineer Marta Keller of the city works department.

Union leader Tomas Weber said: "Liesl Brandt was warned about this footbridge many times."
"""

BRIDGE_WIRE = BRIDGE_CALM.replace("Footbridge collapses over the Saone in Lyon", "Lyon footbridge falls into the Saone")

BRIDGE_LOADED = """Shameful neglect as Lyon footbridge collapses over the Saone

The disgraceful collapse of the Saone footbridge in Lyon on Tuesday injured four people after years of shocking neglect.

"Liesl Brandt ignored every warning about the footbridge," union leader Tomas Weber said on Wednesday.

Engineer Marta Keller said the footbridge had been inspected last year.
"""

# No publication date, and no date in the text: where NULLs sort is where the databases differ.
PROTEST = """Dock workers protest in Marseille

Thousands of dock workers protested in Marseille against the pension reform, union leader Marc Diallo said.

"We will not accept this," Diallo told reporters outside the port.

"The quays will stay closed until the strike ends," a police spokeswoman said.
"""

ERROR = "broken.txt: the file is not text <b>bold</b>"


def _items() -> dict:
    return {"harbour": raw_article(HARBOUR, "2024-03-05", "example.org"),
            "council": raw_article(COUNCIL, "2024-03-08", "example.net"),
            "bridge_calm": raw_article(BRIDGE_CALM, "2024-04-02", "calm.example"),
            "bridge_wire": raw_article(BRIDGE_WIRE, "2024-04-02", "wire.example"),
            "bridge_loaded": raw_article(BRIDGE_LOADED, "2024-04-03", "loaded.example"),
            "protest": raw_article(PROTEST, None, "coast-news.example")}


@pytest.fixture(scope="module")
def corpora(postgres, tmp_path_factory, nlp):
    """Return (SQLite path, PostgreSQL URL, article ids by name) of the same corpus, duplicates and stories built."""
    locations = (str(tmp_path_factory.mktemp("web-sqlite") / "corpus.db"), postgres.new_database())
    for location in locations:
        _, ids = build_corpus(location, _items(), ERROR)
        with open_store(location) as store:
            find_duplicates(store)
            build_stories(store)
    return (*locations, ids)


@pytest.fixture(scope="module")
def clients(corpora):
    """Return the test clients of the app over SQLite and over PostgreSQL."""
    sqlite, postgres, _ = corpora
    with TestClient(create_app(sqlite)) as lite, TestClient(create_app(postgres)) as pg:
        yield lite, pg


@pytest.fixture(scope="module")
def entity_ids(clients) -> dict[int, int]:
    """Return the SQLite id of each PostgreSQL corpus entity id, matched by name and type."""
    lite, pg = clients
    by_name = []
    for client in (lite, pg):
        items = client.get("/api/entities", params={"size": 200}).json()["items"]
        named = {(e["name"], e["type"]): e["id"] for e in items}
        assert len(named) == len(items)  # names and types tell the entities apart
        by_name.append(named)
    assert by_name[0].keys() == by_name[1].keys()
    return {by_name[1][key]: by_name[0][key] for key in by_name[0]}


def _as_sqlite(value, ids: dict[int, int]):
    """Return a PostgreSQL answer with its corpus entity ids replaced by SQLite's and the times of errors dropped."""
    if isinstance(value, list):
        return [_as_sqlite(v, ids) for v in value]
    if not isinstance(value, dict):
        return value
    entity = {"id", "name", "type"} <= value.keys() and isinstance(value["id"], int)
    found = {}
    for key, item in value.items():
        if (key in ("entity_id", "corpus_entity_id") and isinstance(item, int)) or (key == "id" and entity):
            item = ids[item]
        found[key] = _as_sqlite(item, ids)
    return found


def _without_seen(value):
    # When an error was seen is the time of each ingest, not part of the corpus.
    if isinstance(value, list):
        return [_without_seen(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_seen(v) for k, v in value.items() if k != "seen"}
    return value


class _Visible(HTMLParser):
    """Collects what a reader sees of a page: its text, and where its links and forms lead."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "action") and value:
                self.parts.append(f"<{tag} {name}={value}>")

    def handle_data(self, data):
        if data.strip():
            self.parts.append(" ".join(data.split()))


def _visible(html: str, ids: dict[int, int] | None = None) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    parts = [re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S*", "<seen>", part) for part in parser.parts]
    if ids is not None:
        parts = [re.sub(r"/entities/(\d+)", lambda m: f"/entities/{ids[int(m[1])]}", part) for part in parts]
    return parts


def _routes(client) -> list[str]:
    """Return the paths of every route with a parameter in the corpus: articles, entities, speakers, stories."""
    articles = [a["id"] for a in client.get("/api/articles", params={"size": 200}).json()["items"]]
    speakers = [s["name"] for s in client.get("/api/speakers", params={"n": 200}).json()]
    stories = [s["id"] for s in client.get("/api/stories", params={"size": 200}).json()["items"]]
    return ([f"/articles/{a}" for a in articles] + [f"/speakers/{quote(s)}" for s in speakers]
            + [f"/stories/{s}" for s in stories])


def _entity_routes(lite, ids: dict[int, int]) -> list[tuple[str, str]]:
    """Return (SQLite path, PostgreSQL path) of every entity's page."""
    back = {sqlite_id: pg_id for pg_id, sqlite_id in ids.items()}
    return [(f"/entities/{e}", f"/entities/{back[e]}") for e in sorted(back)]


API = ["/api/overview", "/api/articles", "/api/articles?size=2", "/api/articles?size=2&page=3",
       "/api/articles?page=9", "/api/search?q=tram+budget", "/api/search?q=%22tram+budget%22+OR+harb*",
       "/api/search?q=budget&in=quotes",
       "/api/search?q=submarine", "/api/entities", "/api/entities?type=PERSON", "/api/entities?type=GPE&size=1&page=2",
       "/api/entities?size=3&page=2", "/api/speakers", "/api/speakers?n=2",
       "/api/speakers/Liesl Brandt/quotes", "/api/speakers/LIESL brandt/quotes", "/api/speakers/Diallo/quotes",
       "/api/speakers/Liesl Brandt/quotes?size=1&page=2", "/api/stories", "/api/stories?size=1&page=2",
       "/api/events", "/api/events?type=PROTEST", "/api/events?place=lyon", "/api/events?place=%25",
       "/api/events?since=2024-04-01", "/api/events?until=2024-03-08", "/api/events?since=2024-03&until=2024-03",
       "/api/events?type=attack&place=Lyon&since=2024-01-01", "/api/events?size=1&page=2",
       "/api/events/places", "/api/events/places?type=protest", "/api/events/places?n=1",
       "/api/events/places?since=2099-01-01", "/api/events/timeline", "/api/events/timeline?n=1",
       "/api/events/timeline?place=Lyon", "/api/errors", "/api/errors?page=2", "/openapi.json"]

PAGES = ["/", "/articles", "/articles?page=2&size=2", "/search", "/search?q=tram+budget", "/entities", "/entities?type=PERSON&size=2&page=2", "/speakers", "/speakers?size=2", "/stories",
         "/stories?page=2&size=1", "/events", "/events?type=protest", "/events?place=Lyon&since=2024-03-01"
         "&until=2024-04-30", "/events?since=2099-01-01", "/errors", "/analyze"]

# Unknown ids, names and malformed parameters: the same status and message from both.
REFUSED = ["/api/articles/0000000000000000", "/api/entities/999999", "/api/entities/abc",
           "/api/speakers/Nobody Known/quotes", "/api/stories/nope", "/api/events?since=not+a+date",
           "/api/articles?page=0", "/api/search", "/api/search?q=%22+OR+*", "/articles/0000000000000000", "/entities/999999",
           "/speakers/Nobody%20Known", "/stories/nope", "/events?until=soon", "/no/such/page"]


def test_every_api_route_answers_as_over_sqlite(clients, entity_ids):
    lite, pg = clients
    assert _routes(lite) == _routes(pg)
    paths = API + [f"/api{path}" for path in _routes(lite) if not path.startswith("/speakers/")]
    paths += [f"/api{path}/quotes" for path in _routes(lite) if path.startswith("/speakers/")]
    for path in paths:
        expected, answer = lite.get(path), pg.get(path)
        assert (answer.status_code, expected.status_code) == (200, 200), path
        assert _without_seen(_as_sqlite(answer.json(), entity_ids)) == _without_seen(expected.json()), path
    for sqlite_path, pg_path in _entity_routes(lite, entity_ids):
        for query in ("", "?size=1&page=2"):
            expected, answer = lite.get(f"/api{sqlite_path}{query}").json(), pg.get(f"/api{pg_path}{query}").json()
            assert _as_sqlite(answer, entity_ids) == expected, sqlite_path


def _without_snippets(answer: dict, words: str) -> dict:
    """Return a search answer without its snippets, once each is checked to show one of the words."""
    for item in answer["items"]:
        assert any(word.casefold() in item["snippet"].casefold() for word in words.split()), item
    return {**answer, "items": [{k: v for k, v in item.items() if k != "snippet"} for item in answer["items"]]}


def test_search_finds_the_same_articles_as_over_sqlite(clients):
    # The two rank matches differently (FTS5's bm25, PostgreSQL's ts_rank) and cut snippets
    # differently, so articles that match about as well may come in another order, each
    # with another passage: the same articles and pages are asked for, not the same order.
    lite, pg = clients
    for q in ("Lyon", "footbridge Saone", "union leader"):
        expected, answer = (_without_snippets(client.get("/api/search", params={"q": q}).json(), q)
                            for client in (lite, pg))
        assert answer["items"] and {**answer, "items": None} == {**expected, "items": None}, q
        assert sorted(answer["items"], key=lambda a: a["id"]) == sorted(expected["items"], key=lambda a: a["id"]), q
        pages = [[client.get("/api/search", params={"q": q, "size": 2, "page": n}).json() for n in (1, 2, 3)]
                 for client in (lite, pg)]
        assert [{**p, "items": len(p["items"])} for p in pages[1]] == [{**p, "items": len(p["items"])}
                                                                         for p in pages[0]], q
        assert sorted(a["id"] for p in pages[1] for a in p["items"]) == sorted(a["id"] for a in expected["items"]), q
        shown = []
        for client in (lite, pg):
            snippets = {" ".join(a["snippet"].split()) for a in client.get("/api/search", params={"q": q}).json()["items"]}
            page = client.get("/search", params={"q": q})
            assert page.status_code == 200
            shown.append(sorted(part for part in _visible(page.text) if part not in snippets))
        assert shown[1] == shown[0], q


def test_every_page_shows_what_it_shows_over_sqlite(clients, entity_ids):
    lite, pg = clients
    for path in PAGES + _routes(lite):
        expected, answer = lite.get(path), pg.get(path)
        assert (answer.status_code, expected.status_code) == (200, 200), path
        assert _visible(answer.text, entity_ids) == _visible(expected.text), path
    for sqlite_path, pg_path in _entity_routes(lite, entity_ids):
        expected, answer = lite.get(sqlite_path), pg.get(pg_path)
        assert answer.status_code == 200, pg_path
        assert _visible(answer.text, entity_ids) == _visible(expected.text), sqlite_path


def test_refusals_are_the_same(clients):
    lite, pg = clients
    for path in REFUSED:
        expected, answer = lite.get(path), pg.get(path)
        assert answer.status_code == expected.status_code >= 400, path
        assert answer.text == expected.text, path


def test_the_comparison_covers_the_corpus(clients, corpora):
    # The answers compared above are only as telling as the corpus is varied.
    lite, _ = clients
    _, _, ids = corpora
    overview = lite.get("/api/overview").json()
    counts = overview["counts"]
    assert counts["articles"] == 6 and counts["duplicates"] == 2 and counts["errors"] == 1
    assert overview["recent"][-1]["id"] == ids["protest"]  # undated last, newest first
    speakers = {s["name"]: s for s in lite.get("/api/speakers").json()}
    assert speakers["Liesl Brandt"]["quotes"] >= 2 and speakers["Liesl Brandt"]["articles"] >= 2
    assert [q["article_id"] for q in lite.get("/api/speakers/LIESL brandt/quotes").json()["items"]][:2] == \
        [ids["harbour"], ids["council"]]
    assert any(s["entity_id"] is None for s in speakers.values())  # a speaker no entity stands for
    first = lite.get("/api/events").json()["items"][0]  # undated first, oldest first
    assert first["time"] is None and first["published"] is None
    assert lite.get("/api/events/places").json() and lite.get("/api/events/timeline").json()
    assert [r["id"] for r in lite.get("/api/search", params={"q": "tram budget"}).json()["items"]] == [ids["council"]]
    story = next(s for s in lite.get("/api/stories").json()["items"] if s["copies"])
    detail = lite.get(f"/api/stories/{story['id']}").json()
    assert len(detail["articles"]) == 3 and any(a["duplicate_of"] for a in detail["articles"])
    assert all(side["sentences"] for side in detail["framing_by_outlet"])
    brandt = next(e for e in lite.get("/api/entities", params={"size": 200}).json()["items"]
                  if e["name"] == "Liesl Brandt")
    assert lite.get(f"/api/entities/{brandt['id']}").json()["said_about"]


def test_threads_share_one_read_only_connection_that_a_failure_leaves_usable(clients):
    import psycopg

    _, pg = clients
    stores = pg.app.state.stores
    store = stores.get()
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        store.db.execute("DELETE FROM errors")
    with pytest.raises(psycopg.errors.UndefinedColumn):
        store.query("SELECT no_such_column FROM articles")
    # Each statement was its own transaction: none is left open, or aborted, for the next request.
    assert store.db.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    paths = ["/api/overview", "/api/events", "/api/speakers", "/api/stories", "/", "/events"] * 4
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda path: (path, pg.get(path)), paths))
    assert all(response.status_code == 200 for _, response in answers)
    for path, response in answers:
        assert response.text == pg.get(path).text, path
    assert stores.opened == [store]


def test_serve_refuses_an_unreachable_server_in_one_sentence(monkeypatch, capsys):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(args))
    closed = f"postgresql://presslens:s3cret@127.0.0.1:{free_port()}/news"
    assert main(["serve", "--db", closed]) == 2
    err = capsys.readouterr().err
    assert err.startswith("presslens: ") and err.count("\n") == 1
    assert "127.0.0.1" in err and "s3cret" not in err
    assert started == []


def test_serve_refuses_a_database_without_a_corpus(postgres, monkeypatch, capsys):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(args))
    assert main(["serve", "--db", postgres.url()]) == 2
    err = capsys.readouterr().err
    assert "no corpus database" in err and err.count("\n") == 1
    assert started == []


def test_serve_serves_a_postgresql_corpus_without_showing_the_password(corpora, monkeypatch, capsys):
    import uvicorn

    _, url, ids = corpora
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append(app))
    with_password = url.replace("presslens@", "presslens:s3cret@")
    assert main(["serve", "--db", with_password, "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert f"serving {url} on http://127.0.0.1:8123/" in out and "s3cret" not in out
    with TestClient(started[0]) as client:
        assert {a["id"] for a in client.get("/api/articles").json()["items"]} == set(ids.values())
