"""Answers kept while the corpus stays as it is: computed once, dropped when the store changes, bounded."""

from __future__ import annotations

import threading
import time

import pytest

from conftest import raw_article

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from presslens.web import queries  # noqa: E402
from presslens.web.app import create_app  # noqa: E402
from presslens.web.cache import Answers  # noqa: E402

FERRY = """Ferry strike ends in Bergen

The ferry strike in Bergen ended on Thursday after eleven days.

"Every crossing runs again from tonight," said harbour master Ingrid Solberg.
"""

BRIDGE = """Bergen bridge opens to cyclists

A new cycling bridge opened in Bergen on Saturday.

"This bridge joins the two halves of the city," said Ingrid Solberg, who chairs the transport board.
"""

MARKET = """Fish market in Bergen reopens

The fish market in Bergen reopened on Monday after its roof was repaired.

"Traders are back in time for the summer," Ingrid Solberg said at the market.
"""


def test_one_computation_serves_every_caller_until_the_generation_moves():
    generation = [1]
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.05)  # long enough for the other readers to arrive while it runs
        return {"total": len(calls)}

    answers = Answers(lambda: generation[0])
    seen = []
    readers = [threading.Thread(target=lambda: seen.append(answers.get("overview", compute))) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(calls) == 1 and seen == [{"total": 1}] * 8

    generation[0] = 2  # something was committed to the store
    assert answers.get("overview", compute) == {"total": 2}
    assert answers.get("overview", compute) == {"total": 2}


def test_the_least_recently_used_answer_goes_first_past_the_bound():
    answers = Answers(lambda: 1, size=2)
    computed = []

    def compute(key):
        computed.append(key)
        return key

    answers.get("a", lambda: compute("a"))
    answers.get("b", lambda: compute("b"))
    answers.get("a", lambda: compute("a"))  # kept; "b" is now the least recently used
    answers.get("c", lambda: compute("c"))
    answers.get("a", lambda: compute("a"))
    answers.get("b", lambda: compute("b"))
    assert computed == ["a", "b", "c", "b"]


def test_a_failed_computation_is_not_kept():
    answers = Answers(lambda: 1)

    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        answers.get("overview", broken)
    assert answers.get("overview", lambda: "fresh") == "fresh"


def test_pages_follow_an_ingest_into_the_store_they_serve(tmp_path, nlp):
    from presslens.corpus.ingest import ingest_items
    from presslens.corpus.store import open_store

    db = tmp_path / "corpus.db"
    with open_store(db) as store:
        ingest_items([raw_article(FERRY, "2024-05-02", "example.org")], store)
    with TestClient(create_app(db)) as client:
        assert client.get("/api/overview").json()["counts"]["articles"] == 1
        assert client.get("/api/articles").json()["total"] == 1
        solberg = next(s for s in client.get("/api/speakers").json() if s["name"].endswith("Solberg"))
        assert solberg["quotes"] == 1
        # An ingest writes while the app serves (SQLite readers never wait for it).
        with open_store(db) as store:
            ingest_items([raw_article(BRIDGE, "2024-05-04", "example.net")], store)
        assert client.get("/api/overview").json()["counts"]["articles"] == 2
        assert client.get("/api/articles").json()["total"] == 2
        solberg = next(s for s in client.get("/api/speakers").json() if s["name"].endswith("Solberg"))
        assert solberg["quotes"] == 2
        assert "Bergen bridge opens" in client.get("/").text


def test_entity_page_says_when_it_counts_co_occurrence_in_the_latest_articles_only(tmp_path, nlp, monkeypatch):
    from presslens.corpus.ingest import ingest_items
    from presslens.corpus.store import open_store

    db = tmp_path / "corpus.db"
    with open_store(db) as store:
        ingest_items([raw_article(FERRY, "2024-05-02", "example.org"), raw_article(BRIDGE, "2024-05-04", "example.net"),
                      raw_article(MARKET, "2024-05-06", "example.com")], store)
    with TestClient(create_app(db)) as client:
        bergen = next(e for e in client.get("/api/entities", params={"size": 200}).json()["items"]
                      if e["name"] == "Bergen")
        path = f"/entities/{bergen['id']}"
        whole = client.get(f"/api{path}").json()
        assert whole["co_occurring_in"] == 3
        assert "latest articles" not in client.get(path).text
        monkeypatch.setattr(queries, "CO_OCCURRING_ARTICLES", 2)
        latest = client.get(f"/api{path}").json()
        assert latest["co_occurring_in"] == 2
        assert all(c["articles"] <= 2 for c in latest["co_occurring"])
        # Ingrid Solberg is in all three articles; only the two latest are counted now.
        solberg = [{c["name"]: c["articles"] for c in found["co_occurring"]}.get("Ingrid Solberg")
                   for found in (whole, latest)]
        assert solberg == [3, 2]
        assert "(in its 2 latest articles)" in client.get(path).text
