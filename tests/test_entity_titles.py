"""Titles: offices before or beside a name, and the affiliation they give."""

from __future__ import annotations

from conftest import entity_named
from entity_stories import STORY, TITLED


def test_pre_nominal_title_and_affiliation_are_read(analyze):
    article = analyze(STORY)
    halvorsen = entity_named(article, "Ingrid Halvorsen")
    assert any("Prime Minister" in t for t in halvorsen.titles)
    assert halvorsen.affiliation == "Norway"
    laine = entity_named(article, "Pekka Laine")
    assert "Finnish Foreign Minister" in laine.titles
    assert laine.affiliation == "Finland"


def test_apposition_gives_a_title(analyze):
    article = analyze(STORY)
    virta = entity_named(article, "Sanna Virta")
    assert virta is not None
    assert any("head of the ministry" in t for t in virta.titles)


def test_titles_with_party_and_state_before_the_name(analyze):
    article = analyze(TITLED)
    assert "Republican Gov." in entity_named(article, "Eric Dunmore").titles
    assert "Kentucky GOP Gov." in entity_named(article, "Matt Brevin").titles


def test_hyphenated_titles_kept_whole(analyze):
    article = analyze(TITLED)
    assert "co-founder" in entity_named(article, "Jean-Paul Marchetti").titles
    assert any(t.endswith("editor-in-chief") for t in entity_named(article, "Ola Brandt").titles)
