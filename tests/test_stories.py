"""Stories: reports of one happening grouped across outlets, copies kept together, stable across runs."""

from __future__ import annotations

import json

import pytest

from presslens.cli import main
from presslens.corpus.dedupe import find_duplicates
from presslens.corpus.export import export
from presslens.corpus.ingest import ingest
from presslens.corpus.store import open_store
from presslens.corpus.stories import StoryArticle, build_stories, cluster_stories

FERRY_HERALD = """Ferry runs aground off Tallinn

A passenger ferry carrying 240 people ran aground off Tallinn on Tuesday night after losing engine power
in a storm, the Estonian coast guard said. Rescue boats brought all passengers ashore by morning.

"Everyone is safe, and that is what matters tonight," said Mayor Anneli Kask, who met the passengers at the
harbour in Tallinn. The ferry operator said the engine failure would be investigated.
"""

FERRY_DAILY = """Tallinn ferry stranded as engines fail in storm

Rescue crews in Tallinn worked through Tuesday night to bring 240 passengers ashore from a ferry that ran
aground when its engines failed during a storm. Mayor Anneli Kask thanked the coast guard and the rescue
crews. Investigators will examine the ferry engines, the operator said on Wednesday.
"""

CHESS = """Teenager wins national chess title

A sixteen-year-old student from Lisbon won the national chess championship on Sunday, beating three
grandmasters in a row. Her coach, Rui Matos, said she had trained every evening for two years.
"""

WIRE = """Dam repairs delay river shipping

Repairs to a cracked lock gate on the Danube near Vienna will keep cargo barges waiting for at least
two weeks, the river authority said on Monday. Shipping companies warned that the delay would raise
the cost of grain and fuel deliveries along the river, and several firms said they would move some
cargo onto trains and lorries until the gate had been replaced and inspected by engineers.
"""

WIRE_COPY = WIRE.replace("at least\ntwo weeks", "at least\nfourteen days").replace("Dam repairs", "Lock repairs")


def _line(text: str, title: str, outlet: str, published: str, url: str) -> str:
    return json.dumps({"text": text, "title": title, "outlet": outlet, "published": published, "url": url})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    """Return (database, source folder, stories) after one ingest with duplicates and stories built."""
    root = tmp_path_factory.mktemp("stories")
    folder = root / "in"
    folder.mkdir()
    (folder / "news.jsonl").write_text("\n".join([
        _line(FERRY_HERALD, "Ferry runs aground off Tallinn", "Harbour Herald", "2024-05-14",
              "https://herald.example/ferry"),
        _line(FERRY_DAILY, "Tallinn ferry stranded as engines fail in storm", "Baltic Daily", "2024-05-15",
              "https://daily.example/ferry"),
        _line(CHESS, "Teenager wins national chess title", "Harbour Herald", "2024-05-14",
              "https://herald.example/chess"),
        _line(WIRE, "Dam repairs delay river shipping", "River Wire", "2024-05-13", "https://wire.example/dam"),
        _line(WIRE_COPY, "Lock repairs delay river shipping", "Harbour Herald", "2024-05-13",
              "https://herald.example/dam"),
    ]) + "\n", encoding="utf-8")
    db = root / "corpus.db"
    with open_store(db) as store:
        ingest([folder], store)
        find_duplicates(store)
        stories = build_stories(store)
    return db, folder, stories


def _story_of(stories, db, url: str):
    with open_store(db) as store:
        ids = {row["url"]: row["id"] for row in store.rows("articles")}
    return next(s for s in stories if ids[url] in s.article_ids)


def test_two_outlets_reports_form_one_labelled_story(corpus):
    db, _, stories = corpus
    ferry = _story_of(stories, db, "https://herald.example/ferry")
    assert ferry is _story_of(stories, db, "https://daily.example/ferry")
    assert len(ferry.article_ids) == 2
    assert ferry.outlets == ["Baltic Daily", "Harbour Herald"]
    assert (ferry.first_date, ferry.last_date) == ("2024-05-14", "2024-05-15")
    parts = ferry.label.split(" · ")
    assert 2 <= len(parts) <= 3
    assert "Tallinn" in parts and ("Anneli Kask" in parts or "ferry" in parts)


def test_an_unrelated_article_stays_apart(corpus):
    db, _, stories = corpus
    chess = _story_of(stories, db, "https://herald.example/chess")
    assert len(chess.article_ids) == 1
    assert chess is not _story_of(stories, db, "https://herald.example/ferry")
    assert len(stories) == 3


def test_wire_copies_share_a_story(corpus):
    db, _, stories = corpus
    wire = _story_of(stories, db, "https://wire.example/dam")
    assert wire is _story_of(stories, db, "https://herald.example/dam")
    assert wire.outlets == ["Harbour Herald", "River Wire"]


def test_copies_share_a_story_even_when_their_words_do_not():
    articles = [StoryArticle(id="a", published="2024-01-01", text="Harvest festival draws crowds to the valley"),
                StoryArticle(id="b", published="2024-01-01", text="Quarterly figures show steel exports falling")]
    assert len(cluster_stories(articles)) == 2
    assert [s.article_ids for s in cluster_stories(articles, {"b": "a"})] == [["a", "b"]]


def test_reports_outside_the_time_window_are_different_stories():
    text = "Flood waters rise in the river valley as villages are evacuated by rescue teams"
    entities = {1: ("Ebro", "LOC", 1.0)}
    near = [StoryArticle(id="a", published="2024-03-01", text=text, entities=entities),
            StoryArticle(id="b", published="2024-03-03", text=text, entities=entities)]
    assert len(cluster_stories(near)) == 1
    far = [near[0], StoryArticle(id="b", published="2024-03-20", text=text, entities=entities)]
    assert len(cluster_stories(far)) == 2


def test_reingest_keeps_the_same_stories(corpus):
    db, folder, stories = corpus
    with open_store(db) as store:
        before = list(store.rows("stories"))
        report = ingest([folder], store)
        find_duplicates(store)
        again = build_stories(store)
        assert report.added == 0
        assert list(store.rows("stories")) == before
    assert [(s.id, s.label, s.article_ids) for s in again] == [(s.id, s.label, s.article_ids) for s in stories]


def test_stories_and_story_commands(corpus, capsys):
    db, _, _ = corpus
    assert main(["stories", "--db", str(db), "--top", "2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # A report and its wire copy are one article of their story, with the copy counted apart.
    assert [(r["articles"], r["copies"]) for r in rows] == [(2, 0), (1, 1)]
    assert main(["story", rows[0]["id"], "--db", str(db), "--json"]) == 0
    story = json.loads(capsys.readouterr().out)
    assert story["label"] == rows[0]["label"]
    outlets = [a["outlet"] for a in story["articles"]]
    assert outlets == sorted(outlets) and len(outlets) == 2
    assert main(["stories", "--db", str(db)]) == 0
    assert "Label" in capsys.readouterr().out
    assert main(["story", "s-missing", "--db", str(db)]) == 2
    assert "no story s-missing" in capsys.readouterr().err


def test_entities_timeline_counts_per_day(corpus, capsys):
    db, _, _ = corpus
    assert main(["entities", "--db", str(db), "--top", "50", "--timeline", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert [(d["day"], d["articles"]) for d in rows["Tallinn"]["days"]] == [("2024-05-14", 1), ("2024-05-15", 1)]
    assert main(["entities", "--db", str(db), "--top", "3", "--timeline"]) == 0
    assert "2024-05-1" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_includes_stories(corpus, tmp_path, fmt):
    db, _, stories = corpus
    with open_store(db) as store:
        written = export(store, tmp_path, fmt)
    if fmt == "jsonl":
        def read(table):
            return [json.loads(line) for line in written[table].read_text(encoding="utf-8").splitlines()]
    else:
        import pyarrow.parquet as pq

        def read(table):
            return pq.read_table(written[table]).to_pylist()
    exported = read("stories")
    assert {r["story_id"] for r in exported} == {s.id for s in stories}
    assert {"label", "articles", "outlets", "first_date", "last_date"} <= set(exported[0])
    members = {aid: s.id for s in stories for aid in s.article_ids}
    assert all(row["story_id"] == members[row["id"]] for row in read("articles"))
