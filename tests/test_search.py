"""Corpus search: the query syntax, its filters, copies counted once, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import json
import re

import pytest

from conftest import build_corpus, raw_article
from presslens.cli import main
from presslens.corpus.dedupe import find_duplicates
from presslens.corpus.search import And, Not, Or, Phrase, QuerySyntaxError, Term, fts5, parse
from presslens.corpus.store import Filters, open_store
from presslens.corpus.stories import build_stories

CLASH = """Police fire tear gas at harbour march

Police fire tear gas at dock workers marching through the harbour district of Brest on Tuesday, witnesses said.
"Nobody expected the police to charge," said union organiser Ines Moreau. The march had been peaceful until the evening.
"""

# The same report run by a wire service under another headline: a near-duplicate copy.
CLASH_COPY = CLASH.replace("Police fire tear gas at harbour march", "Tear gas fired at Brest dock march")

BLAZE = """Warehouse blaze in Quimper

A fire destroyed a timber warehouse in Quimper overnight, and police closed the ring road for six hours.
"The meth lab in the basement made it burn faster," said fire chief Paul Kerbrat, who has led the brigade since 2019.
"""

POLICY = """Council weighs housing policies

The regional council debated new housing policies for Rennes on Monday, among them a cap on holiday rentals.
"We will do something about empty flats," said councillor Ines Moreau after the session.
"""


def _items() -> dict:
    return {"clash": raw_article(CLASH, "2024-05-07", "north-post.example"),
            "copy": raw_article(CLASH_COPY, "2024-05-07", "wire.example"),
            "blaze": raw_article(BLAZE, "2024-05-15", "south-herald.example"),
            "policy": raw_article(POLICY, "2024-06-03", "north-post.example")}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def corpus(request, tmp_path_factory, nlp):
    """Return (location, article ids by name) of the test corpus in SQLite, then in PostgreSQL."""
    if request.param == "sqlite":
        location = str(tmp_path_factory.mktemp("search") / "corpus.db")
    else:
        location = request.getfixturevalue("postgres").new_database()
    db, ids = build_corpus(location, _items(), "feed.xml: is not a feed")
    with open_store(db) as store:
        find_duplicates(store)
        build_stories(store)
    return db, ids


# -- the syntax ---------------------------------------------------------------------------


def test_the_syntax_parses_phrases_prefixes_and_operators():
    assert parse('"police fire"') == Phrase(("police", "fire"))
    assert parse("polic*") == Term("polic", prefix=True)
    assert parse("fire police") == And((Term("fire"), Term("police")))
    assert parse("fire OR gas NOT police") == Or((Term("fire"), Not(Term("gas"), Term("police"))))
    assert parse("(fire OR blaze) AND Brest") == And((Or((Term("fire"), Term("blaze"))), Term("Brest")))
    # Operators are capitals; in lower case they are words, and punctuation inside a word splits it.
    assert parse("fire or not") == And((Term("fire"), Term("or"), Term("not")))
    assert parse("U.S.") == Phrase(("U", "S"))


def test_fts5_reads_every_word_as_a_word():
    assert fts5(parse('NEAR "a b" c*')) == '("NEAR" AND "a b" AND "c"*)'


@pytest.mark.parametrize("query, says", [
    ("", "empty"),
    ("   ", "empty"),
    ('"police fire', "never closed"),
    ("(fire OR gas", "never closed"),
    ("NOT police", "NOT needs a term before it"),
    ("fire OR", "ends where a word was expected"),
    ("fire )", "unexpected ')'"),
    ("po*lice", "not a prefix search"),
    ('""', "holds no word"),
])
def test_bad_syntax_says_what_is_wrong(query, says):
    with pytest.raises(QuerySyntaxError, match=re.escape(says)):
        parse(query)


def test_bad_syntax_is_one_sentence_and_exit_2(tmp_path, capsys):
    assert main(["search", '"police fire', "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "never closed" in err


# -- on both backends -------------------------------------------------------------------


def _ids(rows: list[dict], key: str = "id") -> set[str]:
    return {r[key] for r in rows}


def test_search_finds_phrases_prefixes_and_combinations(corpus):
    db, ids = corpus
    clash, blaze, policy = ids["clash"], ids["blaze"], ids["policy"]
    with open_store(db) as store:
        assert _ids(store.search("fire police")) == {clash, blaze}
        assert _ids(store.search('"police fire"')) == {clash}
        assert _ids(store.search("polic*")) == {clash, blaze, policy}
        assert _ids(store.search("policies")) == {policy}
        assert _ids(store.search("Quimper OR Rennes")) == {blaze, policy}
        assert _ids(store.search("police NOT gas")) == {blaze}
        assert _ids(store.search('(Quimper OR Brest) AND "tear gas"')) == {clash}
        assert store.search("submarine") == []


def test_search_filters_by_date_outlet_speaker_and_story(corpus):
    db, ids = corpus
    with open_store(db) as store:
        assert _ids(store.search("polic*", filters=Filters(since="2024-05-10"))) == {ids["blaze"], ids["policy"]}
        assert _ids(store.search("polic*", filters=Filters(until="2024-05-15"))) == {ids["clash"], ids["blaze"]}
        assert _ids(store.search("polic*", filters=Filters(outlet="north-post"))) == {ids["clash"], ids["policy"]}
        assert _ids(store.search("polic*", filters=Filters(speaker="Moreau"))) == {ids["clash"], ids["policy"]}
        story = next(row["story_id"] for row in store.rows("articles") if row["id"] == ids["blaze"])
        assert _ids(store.search("polic*", filters=Filters(story=story))) == {ids["blaze"]}


def test_copies_are_left_out_unless_asked_for(corpus):
    db, ids = corpus
    with open_store(db) as store:
        assert _ids(store.search('"tear gas"')) == {ids["clash"]}
        assert _ids(store.search('"tear gas"', filters=Filters(include_copies=True))) == {ids["clash"], ids["copy"]}
        assert _ids(store.quotes(speaker="Ines Moreau"), "article_id") == {ids["clash"], ids["policy"]}
        assert len(store.quotes(speaker="Ines Moreau", filters=Filters(include_copies=True))) == 3
        entities = {e["name"]: e for e in store.top_entities(100)}
        with_copies = {e["name"]: e for e in store.top_entities(100, include_copies=True)}
        assert entities["Brest"]["articles"] == 1 and with_copies["Brest"]["articles"] == 2
        assert entities["Brest"]["mentions"] < with_copies["Brest"]["mentions"]
        # A report and its copy are one story of one article, never a story of two.
        story = next(s for s in store.stories(20) if "wire.example" in s["outlets"])
        assert (story["articles"], story["copies"]) == (1, 1)


def test_quotes_about_match_words_not_substrings(corpus):
    db, ids = corpus
    with open_store(db) as store:
        assert [q["article_id"] for q in store.quotes(about="meth")] == [ids["blaze"]]
        assert store.quotes(about="thing") == []
        assert _ids(store.quotes(about="police OR flats"), "article_id") == {ids["clash"], ids["policy"]}
        assert _ids(store.quotes(about='"empty flats"', filters=Filters(speaker="Moreau")), "article_id") == {ids["policy"]}


def test_event_filters_are_checked(corpus):
    db, _ = corpus
    with open_store(db) as store:
        with pytest.raises(Exception, match="there is no event type 'bogus'; choose one of .*protest"):
            store.events(type="bogus")
        with pytest.raises(Exception, match="'Wakanda' is not a place in the gazetteer"):
            store.events(near="Wakanda")


# -- the command line ----------------------------------------------------------------------


def test_search_prints_article_ids_and_article_prints_the_record(corpus, capsys):
    db, ids = corpus
    assert main(["search", '"police fire"', "--db", db]) == 0
    assert ids["clash"] in capsys.readouterr().out
    assert main(["article", ids["clash"], "--db", db, "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["id"] == ids["clash"] and record["title"] == "Police fire tear gas at harbour march"
    assert main(["article", ids["clash"], "--db", db]) == 0
    assert "Ines Moreau" in capsys.readouterr().out
    assert main(["article", ids["clash"], "--db", db, "--format", "html"]) == 0
    assert capsys.readouterr().out.lstrip().lower().startswith("<!doctype html")
    assert main(["article", "a-missing-id", "--db", db]) == 2
    assert "there is no article a-missing-id" in capsys.readouterr().err


def test_unknown_event_type_and_place_exit_2(corpus, capsys):
    db, _ = corpus
    assert main(["events", "--type", "bogus", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "choose one of" in err and "protest" in err
    assert main(["events", "--near", "Wakanda", "--db", db]) == 2
    assert "not a place in the gazetteer" in capsys.readouterr().err
