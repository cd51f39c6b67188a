"""The PostgreSQL store: the same corpus in SQLite and in PostgreSQL gives the same answers.

A real PostgreSQL server is started once for the session (the `postgres` fixture, see
tests/pgserver.py) from the initdb and pg_ctl found on PATH, by pg_config, or where Debian and
Ubuntu install them; the tests are skipped only when there is no server to start.
"""

from __future__ import annotations

import json
import re
import sys

import pytest

from conftest import build_corpus, raw_article
from pgserver import free_port as _free_port
from presslens.cli import main
from presslens.corpus.dedupe import find_duplicates
from presslens.corpus.ingest import ingest_items
from presslens.corpus.store import Filters, open_store
from presslens.corpus.stories import build_stories
from presslens.errors import InputError, PresslensError

TRAM = """Council approves new tram line

The city council in Lyon on Wednesday approved a new tram line linking the harbour to the university.
"This is a good day for commuters," said Mayor Liesl Brandt. The line is due to open in 2027 and will
carry forty thousand passengers a day, the transport authority said.
"""

# The same report from a wire service: only the headline differs, so it is a near-duplicate.
TRAM_WIRE = TRAM.replace("Council approves new tram line", "Lyon council approves tram line")

BUDGET = """Mayor defends budget

Mayor Liesl Brandt on Thursday defended the city budget against criticism from the opposition.
"We have kept every promise on schools," Brandt said at a press conference in the town hall in Lyon.
"""

PROTEST = """Dock workers protest

Thousands of dock workers protested in Marseille on Monday against the pension reform, union leader
Marc Diallo said. "We will not accept this," Diallo told reporters.
"""

ERROR = "feed.xml: is not a feed"


def _items() -> dict:
    return {"tram": raw_article(TRAM, "2024-03-06", "lyon-daily.example"),
            "wire": raw_article(TRAM_WIRE, "2024-03-06", "wire.example"),
            "budget": raw_article(BUDGET, "2024-03-07", "lyon-daily.example"),
            "protest": raw_article(PROTEST, "2024-03-04", "coast-news.example")}


@pytest.fixture(scope="module")
def stores(postgres, tmp_path_factory, nlp):
    """Return (SQLite path, PostgreSQL URL) of the same corpus, with duplicates and stories built."""
    locations = (str(tmp_path_factory.mktemp("sqlite") / "corpus.db"), postgres.new_database())
    for location in locations:
        build_corpus(location, _items(), ERROR)
        with open_store(location) as store:
            find_duplicates(store)
            build_stories(store)
    return locations


def _answers(location: str) -> dict:
    """Return what every query of the store answers about the test corpus."""
    with open_store(location) as store:
        found = {
            "counts": store.counts(),
            "search": store.search("tram line"),
            "search syntax": store.search('"tram line" OR budg* NOT schools'),
            "search with copies": store.search("tram line", filters=Filters(include_copies=True)),
            "quotes about": store.quotes(about="promise OR commuters"),
            "search none": store.search("submarine"),
            "quotes": store.quotes(),
            "quotes by speaker": store.quotes(speaker="Liesl Brandt"),
            "quotes by alias": store.quotes(speaker="brandt", about="SCHOOLS"),
            "events": store.events(),
            "events by type": store.events(type="PROTEST"),
            "events at": store.events(near="marseille"),
            "events near": store.events(near="Toulon"),  # 50 km away: found by coordinates
            "events far": store.events(near="Lyon"),
            # The protest was on Monday 2024-03-04, the day the article was published.
            "events since": store.events(since="2024-03-05"),
            "events from its day": store.events(since="2024-03-04"),
            "entities": store.top_entities(50),
            "stories": store.stories(),
            "columns": {t: store.columns(t) for t in store.tables()},
            # When an error was seen is the time of each run, not part of the corpus.
            "rows": {t: [{k: v for k, v in row.items() if k != "seen"} for row in store.rows(t)]
                     for t in store.tables()},
        }
        found["days"] = [store.entity_days(e["id"]) for e in found["entities"]]
        found["story"] = [store.story(s["id"]) for s in found["stories"]]
        found["records"] = [store.article(a["id"]) for a in found["rows"]["articles"]]
    return found


def test_postgres_answers_every_query_as_sqlite_does(stores):
    sqlite, postgres = (_answers(location) for location in stores)
    for name in sqlite:
        assert postgres[name] == sqlite[name], name
    # The comparison is only as good as the corpus: every table has rows, every query an answer.
    assert sqlite["counts"]["articles"] == 4 and sqlite["counts"]["duplicates"] == 2
    assert all(sqlite["rows"][table] for table in ("articles", "entities", "quotes", "events", "stories", "errors"))
    assert [r["title"] for r in sqlite["search"]] == ["Council approves new tram line"]
    assert [r["title"] for r in sqlite["search with copies"]] == ["Council approves new tram line",
                                                                  "Lyon council approves tram line"]
    assert "tram" in sqlite["search"][0]["snippet"]
    assert {r["title"] for r in sqlite["quotes by speaker"]} == {"Council approves new tram line",
                                                                 "Mayor defends budget"}
    assert [r["title"] for r in sqlite["quotes by alias"]] == ["Mayor defends budget"]
    assert [r["trigger"] for r in sqlite["events by type"]] == ["protested"]
    assert sqlite["events at"] == sqlite["events near"] == sqlite["events by type"]
    assert sqlite["events far"] == sqlite["events since"] == []
    assert sqlite["events from its day"] == sqlite["events by type"]


def test_reingest_adds_nothing(stores, nlp):
    _, url = stores
    with open_store(url) as store:
        before = store.counts()
        report = ingest_items([*_items().values(), InputError(ERROR)], store)
        assert (report.added, report.skipped) == (0, 4)
        assert store.counts() == before


def test_a_failing_article_rolls_back_only_itself(postgres, analyze, tmp_path):
    good, bad, late = (analyze(text, published="2024-03-06") for text in (TRAM, PROTEST, BUDGET))
    url = postgres.new_database()
    with open_store(url) as store, open_store(url) as other:
        assert store.add_article(good)
        writes = store._executemany

        def fail_at_quotes(sql, rows):
            # After the article, its entities and their corpus entities are written.
            if sql.startswith("INSERT INTO quotes"):
                raise RuntimeError("the disk is full")
            writes(sql, rows)

        store._executemany = fail_at_quotes
        with pytest.raises(RuntimeError):
            store.add_article(bad)
        store._executemany = writes
        assert store.add_article(late)
        assert not other.has(good.id)  # nothing is durable before the commit
        store.commit()
        assert other.has(good.id) and other.has(late.id) and not other.has(bad.id)
        counts = other.counts()
        entities = [{k: v for k, v in e.items() if k != "id"} for e in other.top_entities(50)]
    with open_store(tmp_path / "expected.db") as expected:
        expected.add_article(good)
        expected.add_article(late)
        expected.commit()
        assert counts == expected.counts()
        # Ids differ: a PostgreSQL sequence does not give back the ids a rollback dropped.
        assert entities == [{k: v for k, v in e.items() if k != "id"} for e in expected.top_entities(50)]


def test_read_only_refuses_writes(stores, postgres):
    import psycopg

    _, url = stores
    with open_store(url, read_only=True) as store:
        assert store.counts()["articles"] == 4
        with pytest.raises(PresslensError, match="read-only"):
            store.add_error("x", "y")
        # The server refuses too, whatever a caller runs on the connection.
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            store.db.execute("DELETE FROM errors")
    with pytest.raises(PresslensError, match="no corpus database"):
        open_store(postgres.url(), read_only=True)


def test_schema_version_is_tracked(postgres):
    from presslens.corpus.postgres import MIGRATIONS

    url = postgres.new_database()
    with open_store(url) as store:
        assert store.schema_version() == len(MIGRATIONS)
    with open_store(url) as store:  # a second open finds the schema up to date and runs nothing
        assert store.schema_version() == len(MIGRATIONS)
        store.db.execute("INSERT INTO schema_version VALUES (%s, 'later')", (len(MIGRATIONS) + 1,))
    with pytest.raises(PresslensError, match="newer presslens"):
        open_store(url)


def test_text_with_nul_is_stored(postgres):
    # PostgreSQL text cannot hold NUL, which a decoded file may carry; SQLite stores it as is.
    with open_store(postgres.new_database()) as store:
        store.add_error("feed\x00.xml", "is not a feed")
        store.commit()
        assert [row["source"] for row in store.rows("errors")] == ["feed\ufffd.xml"]


def test_a_bad_url_is_one_sentence_without_the_password(postgres, capsys):
    closed = f"postgresql://presslens:s3cret@127.0.0.1:{_free_port()}/news"
    with pytest.raises(PresslensError) as error:
        open_store(closed)
    message = str(error.value)
    assert "127.0.0.1" in message and "news" in message and "s3cret" not in message and "\n" not in message
    for url in (closed, postgres.url("missing"), "postgresql://presslens:s3cret@127.0.0.1:port/news"):
        assert main(["quotes", "--db", url]) == 2
        err = capsys.readouterr().err
        assert err.startswith("presslens: ") and err.count("\n") == 1 and "s3cret" not in err


def test_missing_driver_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(PresslensError, match=re.escape("presslens[postgres]")):
        open_store("postgresql://presslens@127.0.0.1/news")


def test_queries_never_create_a_corpus(postgres, capsys):
    import psycopg

    url = postgres.new_database()
    assert main(["search", "tram", "--db", url]) == 2
    assert "no corpus database" in capsys.readouterr().err
    with psycopg.connect(url) as db:
        assert db.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None


def test_cli_gives_the_same_output_from_both_stores(postgres, tmp_path, capsys, nlp):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in (("tram.txt", TRAM), ("wire.txt", TRAM_WIRE), ("budget.txt", BUDGET), ("protest.txt", PROTEST)):
        (folder / name).write_text(text, encoding="utf-8")
    outputs = []
    for db in (str(tmp_path / "cli.db"), postgres.new_database()):
        assert main(["ingest", str(folder), "--db", db]) == 0
        assert "4 added, 0 already stored, 0 failed" in capsys.readouterr().out
        found = {}
        for command in (["quotes", "--speaker", "Brandt"], ["search", "tram"], ["events", "--type", "protest"],
                        ["entities", "--timeline"], ["stories"]):
            assert main([*command, "--db", db, "--json"]) == 0
            found[command[0]] = json.loads(capsys.readouterr().out)
        story = found["stories"][0]["id"]
        assert main(["story", story, "--db", db, "--json"]) == 0
        found["story"] = json.loads(capsys.readouterr().out)
        out = tmp_path / f"export{len(outputs)}"
        assert main(["export", "--db", db, "--to", str(out), "--format", "jsonl"]) == 0
        capsys.readouterr()
        found["export"] = {path.name: path.read_text(encoding="utf-8") for path in sorted(out.iterdir())}
        outputs.append(found)
    sqlite, postgres_output = outputs
    assert sqlite["quotes"] and sqlite["export"]["quotes.jsonl"]
    assert postgres_output == sqlite
