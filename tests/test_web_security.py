"""A shared deployment of the web app: the access token, the analysis rate limit, query errors,
files outside the package, and the security headers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import build_corpus, raw_article
from test_web import COUNCIL, HARBOUR

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import presslens  # noqa: E402
from presslens.cli import main  # noqa: E402
from presslens.web.app import create_app  # noqa: E402
from presslens.web.auth import COOKIE, TOKEN_ENV, is_loopback  # noqa: E402
from presslens.web.limits import Buckets  # noqa: E402

TOKEN = "correct-horse-battery-staple-42"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    db = tmp_path_factory.mktemp("security") / "corpus.db"
    items = {"harbour": raw_article(HARBOUR, "2024-03-05", "example.org"),
             "council": raw_article(COUNCIL, "2024-03-08", "example.net")}
    return build_corpus(db, items, "broken.txt: the file is not text")


@pytest.fixture(scope="module")
def guarded(corpus):
    db, _ = corpus
    with TestClient(create_app(db, token=TOKEN), follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="module")
def open_client(corpus):
    db, _ = corpus
    with TestClient(create_app(db)) as client:
        yield client


def _paths(client: TestClient, ids: dict) -> list[str]:
    return ["/", "/articles", f"/articles/{ids['harbour']}", "/search?q=tram", "/entities", "/speakers",
            "/stories", "/events", "/errors", "/analyze", "/static/presslens.css", "/openapi.json",
            "/api/articles", f"/api/articles/{ids['harbour']}", "/api/search?q=tram", "/api/entities",
            "/api/events", "/api/errors", "/api/overview", "/no/such/page"]


def test_without_the_token_every_page_and_api_call_is_refused(guarded, corpus):
    _, ids = corpus
    for path in _paths(guarded, ids):
        response = guarded.get(path)
        assert response.status_code == 401, path
        assert "content-security-policy" in response.headers, path
        assert ids["harbour"] not in response.text and "Lyon" not in response.text, path
    assert guarded.post("/api/analyze", json={"text": HARBOUR}).status_code == 401
    api = guarded.get("/api/articles").json()["error"]
    assert api.startswith("This corpus needs an access token") and api.count(". ") == 0
    for wrong in ("nope", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), ""):
        assert guarded.get("/api/articles", headers={"Authorization": f"Bearer {wrong}"}).status_code == 401
        assert guarded.get("/api/articles", params={"token": wrong}).status_code == 401
    # The cookie holds a digest of the token, not the token: the token itself is no cookie.
    for wrong in ("nope", "", TOKEN):
        guarded.cookies.set(COOKIE, wrong)
        assert guarded.get("/api/articles").status_code == 401
    guarded.cookies.clear()


def test_a_script_passes_with_the_bearer_header(guarded, corpus):
    _, ids = corpus
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for path in _paths(guarded, ids)[:-1]:
        assert guarded.get(path, headers=headers).status_code == 200, path
    assert guarded.get("/no/such/page", headers=headers).status_code == 404
    record = guarded.post("/api/analyze", json={"text": HARBOUR}, headers=headers)
    assert record.status_code == 200 and record.json()["quotes"]


def test_a_browser_logs_in_once_with_token_in_the_address(corpus):
    db, ids = corpus
    with TestClient(create_app(db, token=TOKEN), follow_redirects=False) as browser:
        login = browser.get(f"/articles/{ids['harbour']}", params={"token": TOKEN, "size": "5"})
        assert login.status_code == 303
        # Sent back to the page asked for, without the token in the address.
        assert login.headers["location"] == f"/articles/{ids['harbour']}?size=5"
        cookie = login.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=") and TOKEN not in cookie
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        # From now on the cookie is enough, on every page.
        for path in _paths(browser, ids)[:-1]:
            assert browser.get(path).status_code == 200, path
        page = browser.get(login.headers["location"])
        assert page.status_code == 200 and "Harbour reopens" in page.text


def test_serve_beyond_loopback_needs_a_token(corpus, monkeypatch, capsys):
    import uvicorn

    db, _ = corpus
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append((app, kwargs)))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    for host in ("0.0.0.0", "192.168.1.20", "::", "newsroom.example"):
        assert main(["serve", "--db", str(db), "--host", host]) == 2
        err = capsys.readouterr().err
        assert err.startswith("presslens: ") and err.count("\n") == 1 and "--token" in err and TOKEN_ENV in err
    assert main(["serve", "--db", str(db), "--host", "0.0.0.0", "--token", "short"]) == 2
    assert "at least 16 characters" in capsys.readouterr().err
    assert started == []
    # On loopback no token is needed; from the variable or the option, it is required.
    assert main(["serve", "--db", str(db), "--port", "8124"]) == 0
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert main(["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "8125"]) == 0
    out = capsys.readouterr().out
    assert "on http://0.0.0.0:8125/" in out and "access token" in out and TOKEN not in out
    assert [kwargs["host"] for _, kwargs in started] == ["127.0.0.1", "0.0.0.0"]
    with TestClient(started[0][0]) as local, TestClient(started[1][0]) as shared:
        assert local.get("/api/articles").status_code == 200
        assert shared.get("/api/articles").status_code == 401
        assert shared.get("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_loopback_addresses():
    assert all(map(is_loopback, ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost", "LOCALHOST"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.org", "localhost.example.org"]))


def test_analysis_is_rationed_per_client(corpus):
    db, _ = corpus
    with TestClient(create_app(db, analyses_per_minute=3)) as client:
        answers = [client.post("/api/analyze", json={"text": "Rain fell in Oslo on Monday."}) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        refused = answers[-1]
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"].startswith("Too many articles sent for analysis")
        assert "content-security-policy" in refused.headers
        assert client.post("/analyze", data={"content": "Rain fell in Oslo."}).status_code == 429  # the form too
        assert client.get("/api/articles").status_code == 200  # reading is not rationed


def test_buckets_refill_and_keep_clients_apart():
    now = [0.0]
    buckets = Buckets(per_minute=6, burst=2, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(2)] == [0, 0]
    assert buckets.take("a") == pytest.approx(10.0)  # one token per 10 s
    assert buckets.take("b") == 0  # another client has its own bucket
    now[0] = 10.0
    assert buckets.take("a") == 0 and buckets.take("a") > 0


def test_analysis_body_is_size_limited(corpus):
    db, _ = corpus
    with TestClient(create_app(db, max_body_bytes=2_000)) as client:
        assert client.post("/api/analyze", json={"text": "Rain fell. " * 400}).status_code == 413
        assert client.post("/analyze", data={"content": "Rain fell. " * 400}).status_code == 413


HOSTILE_QUERIES = ['"', '""', '" OR *', "*", "NEAR(a b", "title:lyon", "a AND", "OR", "NOT NOT", "(", ")",
                   "^harbour", "-", "a -b", "{x}", "'; DROP TABLE articles; --", "\\", "%", "_", "\x00",
                   "lyon\x00harbour", "\u202e", "a" * 5000, "😀", "[", "a:b:c", "+", "~", "&|!",
                   "<script>", "\"harbour", "harbour\"", "NEAR(\"a\" \"b\", 2)", "* OR title:*"]


@pytest.mark.parametrize("path", ["/api/search", "/search"])
def test_no_search_text_is_a_server_error(open_client, path):
    for q in HOSTILE_QUERIES:
        response = open_client.get(path, params={"q": q})
        assert response.status_code in (200, 400), (q, response.status_code)
        if response.status_code == 400 and path.startswith("/api/"):
            message = response.json()["error"]
            assert message.endswith(".") and "\n" not in message
    # Bytes that are not UTF-8 (a lone surrogate, a stray 0xFF), as a hand-made client sends them.
    assert open_client.get(f"{path}?q=%ED%A0%80%FFharbour").status_code in (200, 400)


def test_a_query_the_store_refuses_is_a_400_in_one_sentence(corpus, monkeypatch):
    from presslens.corpus.store import SQLStore
    from presslens.errors import PresslensError

    def refuse(self, *args, **kwargs):
        raise PresslensError("the search has an unmatched quotation mark.")

    monkeypatch.setattr(SQLStore, "search", refuse)
    db, _ = corpus
    with TestClient(create_app(db)) as client:
        api = client.get("/api/search", params={"q": '"harbour'})
        assert api.status_code == 400 and api.json() == {"error": "The search has an unmatched quotation mark."}
        page = client.get("/search", params={"q": '"harbour'})
        assert page.status_code == 400 and "unmatched quotation mark" in page.text


TRAVERSALS = ["/static/../app.py", "/static/%2e%2e/app.py", "/static/%2e%2e/%2e%2e/cli.py",
              "/static/..%2f..%2fcli.py", "/static/....//....//cli.py", "/static//etc/passwd",
              "/static/%2fetc%2fpasswd", "/static/../../../../../../etc/passwd",
              "/static/%252e%252e/app.py", "/static/..\\..\\cli.py", "/static/presslens.css/../../app.py",
              "/static/%00", "/static/", "/static", "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
              "/articles/..%2f..%2f..%2fetc%2fpasswd", "/speakers/../../../etc/passwd",
              "/speakers/%2e%2e/%2e%2e/etc/passwd", "/templates/base.html.j2", "/static/../templates/base.html.j2"]


def test_no_address_reads_a_file_outside_the_package(open_client, corpus):
    package = Path(presslens.__file__).resolve().parent
    db, _ = corpus
    opened: list[str] = []
    watching = [True]

    def audit(event, args):
        if watching[0] and event == "open" and isinstance(args[0], (str, bytes, Path)):
            opened.append(str(args[0] if not isinstance(args[0], bytes) else args[0].decode("utf-8", "replace")))

    open_client.get("/static/presslens.css")  # warm: templates and static paths are resolved once
    sys.addaudithook(audit)
    try:
        for path in TRAVERSALS:
            response = open_client.get(path)
            assert response.status_code in (400, 404, 405), (path, response.status_code)
            assert "root:" not in response.text and "def create_app" not in response.text
            assert "{% extends" not in response.text and "{%" not in response.text
        # The hook does see the files the app reads: the real stylesheet, opened from the package.
        assert open_client.get("/static/presslens.css").status_code == 200
        assert any(p.endswith("presslens.css") for p in opened)
    finally:
        watching[0] = False  # an audit hook stays installed; it only stops recording
    outside = [p for p in opened if not Path(p).resolve().is_relative_to(package) and Path(p).resolve() != Path(db)]
    assert outside == []


def test_security_headers_on_every_kind_of_answer(guarded, corpus):
    _, ids = corpus
    headers = {"Authorization": f"Bearer {TOKEN}"}
    answers = [guarded.get("/"), guarded.get("/api/articles", headers=headers),
               guarded.get("/static/presslens.css", headers=headers), guarded.get("/nope", headers=headers),
               guarded.get(f"/articles/{ids['harbour']}", headers=headers),
               guarded.get("/", params={"token": TOKEN})]
    for response in answers:
        h = response.headers
        assert "frame-ancestors 'none'" in h["content-security-policy"], response.url
        assert "script-src 'self'" in h["content-security-policy"]
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert h["x-frame-options"] == "DENY"
        assert h["cross-origin-opener-policy"] == "same-origin"
