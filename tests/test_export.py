"""Exports: every table, typed columns, the schema document, and the README's join run as shown."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import build_corpus, raw_article
from presslens.corpus.dedupe import find_duplicates
from presslens.corpus.export import export, schema_markdown
from presslens.corpus.store import open_store
from presslens.corpus.stories import build_stories

README = Path(__file__).resolve().parents[1] / "README.md"
SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "export-schema.md"

FERRY = """Ferry strike halts island crossings

Ferry crews on the island of Ré walked out on Friday, and about 300 passengers were stranded in La Rochelle.
"We cannot keep sailing with half a crew," said union delegate Yann Le Goff, who called the strike.
"""

FERRY_COPY = FERRY.replace("Ferry strike halts island crossings", "Island ferries stop as crews strike")

VOTE = """Mayor wins council vote on harbour plan

The council of La Rochelle backed the harbour plan on Monday. "This plan," Mayor Odile Berthet said,
"gives the fishing fleet a future."
Hundreds of fishermen protested in Bordeaux on Sunday against the plan.
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory, nlp):
    """Return the folder holding the Parquet export of a three-article corpus with one copy."""
    root = tmp_path_factory.mktemp("export")
    db, _ = build_corpus(root / "corpus.db", {"ferry": raw_article(FERRY, "2024-07-05", "coast.example"),
                                              "copy": raw_article(FERRY_COPY, "2024-07-05", "wire.example"),
                                              "vote": raw_article(VOTE, "2024-07-08", "coast.example")},
                         "feed.xml: is not a feed")
    with open_store(db) as store:
        find_duplicates(store)
        build_stories(store)
        export(store, root / "export", "parquet")
    return root


def test_every_table_is_written_with_its_documented_types(exported):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = exported / "export"
    with open_store(":memory:") as store:
        assert {p.stem for p in folder.glob("*.parquet")} == set(store.tables())
        # The schema document is the one the code gives, so it cannot drift from it.
        assert SCHEMA.read_text(encoding="utf-8") == schema_markdown(store)
    articles = pq.read_table(folder / "articles.parquet")
    assert articles.schema.field("published").type == pa.date32()
    assert date(2024, 7, 8) in articles.column("published").to_pylist()
    assert pq.read_table(folder / "amounts.parquet").schema.field("approximate").type == pa.bool_()
    assert pq.read_table(folder / "framing.parquet").schema.field("in_quote").type == pa.bool_()
    assert pq.read_table(folder / "stories.parquet").schema.field("outlets").type == pa.list_(pa.string())
    quotes = pq.read_table(folder / "quotes.parquet").to_pylist()
    split = next(q for q in quotes if q["speaker"] and "Berthet" in q["speaker"])
    # A split quote's pieces are its words alone, without the attribution written between them.
    assert [p["text"] for p in split["parts"]] == ["This plan", "gives the fishing fleet a future."]
    assert split["cue_category"] == "speech"
    duplicates = pq.read_table(folder / "duplicates.parquet").to_pylist()
    assert len(duplicates) == 1 and duplicates[0]["similarity"] > 0.5
    story_articles = pq.read_table(folder / "story_articles.parquet").to_pylist()
    assert len(story_articles) == 3


def test_event_entities_join_to_corpus_entities(exported):
    import duckdb

    folder = exported / "export"
    rows = duckdb.sql(f"""SELECT e.location, c.name FROM '{folder}/events.parquet' e
                          JOIN '{folder}/corpus_entities.parquet' c ON c.corpus_entity_id = e.location_corpus_entity_id
                       """).fetchall()
    assert rows and all(location == name for location, name in rows)


def _readme_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"<!-- export example -->\n```python\n(.*?)```", text, re.S)


@pytest.mark.parametrize("number", [0, 1])
def test_the_readme_join_runs_as_shown(exported, number, capsys):
    examples = _readme_examples()
    assert len(examples) == 2
    cwd = os.getcwd()
    os.chdir(exported)  # the examples read export/*.parquet
    try:
        exec(compile(examples[number], f"README example {number + 1}", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "Yann Le Goff" in out and "Odile Berthet" in out
