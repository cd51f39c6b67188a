"""Events in the store: date precision and arguments as columns, filled in for a store made
before they existed, shown by `presslens events`, and the events page timeline."""

from __future__ import annotations

import json

import pytest

from presslens.cli import main
from presslens.corpus.store import EXPORT_VIEWS, open_store
from presslens.web import queries

RAID = """Police raid warehouse in Lyon

Police raided a warehouse in Lyon on Tuesday and arrested four men.

In 2019 thousands of dockers marched through Marseille. The union said it would strike again in March.
"""
PUBLISHED = "2024-05-10"  # a Friday
NEW_COLUMNS = ("time_precision", "actor_entity_id", "target_entity_id", "location_entity_id", "arguments")


@pytest.fixture
def store_path(tmp_path, analyze):
    db = tmp_path / "corpus.db"
    with open_store(db) as store:
        store.add_article(analyze(RAID, published=PUBLISHED))
        store.commit()
    return db


def _as_before_step_6(store) -> None:
    """Put a store back to the schema before events kept precision and arguments."""
    store._begin()
    store._execute("DROP VIEW export_events")
    store._execute(EXPORT_VIEWS["events"])
    for column in NEW_COLUMNS:
        store._execute(f"ALTER TABLE events DROP COLUMN {column}")
    # and before the names' last words, the step after it
    store._execute("DROP INDEX corpus_entity_names_last_word")
    store._execute("ALTER TABLE corpus_entity_names DROP COLUMN last_word")
    store._execute("DELETE FROM schema_version WHERE version >= ?", (len(store.migrations) - 1,))
    store.commit()


def _stored_events(store) -> dict[str, dict]:
    return {row["event_id"]: row for row in store.query(
        "SELECT event_id, " + ", ".join(NEW_COLUMNS) + " FROM events ORDER BY event_id")}


def _check_filled_from_records(store, expected: dict[str, dict]) -> None:
    assert _stored_events(store).keys() == expected.keys()
    for event_id, row in _stored_events(store).items():
        want = expected[event_id]
        assert row["time_precision"] == want["time_precision"]
        for role in ("actor", "target", "location"):
            assert row[f"{role}_entity_id"] == want[f"{role}_entity_id"]
        assert [(a["role"], a["text"], a["entity_id"]) for a in json.loads(row["arguments"] or "[]")] == \
            [(a["role"], a["text"], a["entity_id"]) for a in json.loads(want["arguments"] or "[]")]


def test_a_store_made_before_the_columns_gets_them_from_its_records(store_path):
    with open_store(store_path) as store:
        expected = _stored_events(store)
        assert any(row["time_precision"] == "day" for row in expected.values())
        assert any(row["arguments"] for row in expected.values())
        _as_before_step_6(store)
    with open_store(store_path) as store:  # the migration runs on opening
        _check_filled_from_records(store, expected)
        exported = list(store.rows("events"))
        assert {row["time_precision"] for row in exported} >= {"day", "year"}
        assert all(isinstance(row["arguments"], list | type(None)) for row in exported)


def test_a_postgres_store_made_before_the_columns_gets_them_from_its_records(postgres, analyze):
    url = postgres.new_database()
    with open_store(url) as store:
        store.add_article(analyze(RAID, published=PUBLISHED))
        store.commit()
        expected = _stored_events(store)
        _as_before_step_6(store)
    with open_store(url) as store:
        _check_filled_from_records(store, expected)


def test_events_are_dated_at_their_precision(store_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a table wide enough to keep each date on one line
    assert main(["events", "--db", str(store_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    raid = next(r for r in rows if r["type"] == "raid")
    assert (raid["time"], raid["time_precision"]) == ("2024-05-07", "day")
    assert {a["role"]: a["text"] for a in raid["arguments"]} == {"actor": "Police", "target": "a warehouse",
                                                                 "location": "Lyon"}
    assert raid["location"] == "Lyon" and raid["location_entity_id"]
    march = next(r for r in rows if r["trigger"] == "marched")
    assert march["arguments"][0]["text"] == "thousands of dockers"
    assert (march["time"], march["time_precision"]) == ("2019-01-01", "year")
    assert main(["events", "--db", str(store_path)]) == 0
    table = capsys.readouterr().out
    assert "2024-05-07" in table
    assert "2019" in table and "2019-01-01" not in table


def test_the_timeline_places_only_days(store_path):
    with open_store(store_path, read_only=True) as store:
        days = [group["day"] for group in queries.event_timeline(store)]
    assert "2024-05-07" in days
    assert not any(day.startswith("2019") for day in days)


def test_a_store_made_before_the_names_last_words_gets_them(tmp_path, analyze):
    db = tmp_path / "names.db"
    with open_store(db) as store:
        store.add_article(analyze("Kristi Lynn Noem said the roads budget was balanced.\n", published=PUBLISHED))
        store.commit()
        store._begin()
        store._execute("DROP INDEX corpus_entity_names_last_word")
        store._execute("ALTER TABLE corpus_entity_names DROP COLUMN last_word")
        store._execute("DELETE FROM schema_version WHERE version = ?", (len(store.migrations),))
        store.commit()
    with open_store(db) as store:  # the migration fills the column from the stored names
        words = {r["key"]: r["last_word"] for r in store.query("SELECT key, last_word FROM corpus_entity_names")}
        assert words.get("kristi lynn noem") == "noem"
        # A surname seen after the migration merges with the full name through the column.
        store.add_article(analyze("Noem said the schools would reopen next week.\n", published=PUBLISHED))
        store.commit()
        people = store.query("SELECT name, articles FROM corpus_entities WHERE type = 'PERSON'")
    assert {"name": "Kristi Lynn Noem", "articles": 2} in people
