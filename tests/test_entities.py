"""Entities: the records built from the clusters, with offsets, salience and speaker mentions."""

from __future__ import annotations

from conftest import entity_named
from entity_stories import STORY


def test_every_mention_offset_matches_the_text(analyze):
    article = analyze(STORY)
    for entity in article.entities:
        for mention in entity.mentions:
            assert article.text[mention.start:mention.end] == mention.text


def test_salience_favours_the_headline_subject(analyze):
    article = analyze(STORY)
    top = max(article.entities, key=lambda e: e.salience)
    assert top.name == "Ingrid Halvorsen"
    assert top.salience == 1.0
    assert all(0.0 <= e.salience <= 1.0 for e in article.entities)
    # only a place read inside an organisation's name ("the Nordic Council") is never mentioned
    # as a place of its own, and scores nothing
    unscored = [e for e in article.entities if e.salience == 0.0]
    assert all(e.geo is not None and e.geo.via == "organisation" for e in unscored)


def test_pronoun_speakers_become_mentions_of_the_person(analyze):
    text = ("Health Minister Anna Kovacs visited the hospital on Monday.\n\n"
            "‘We are ready for the winter,’ she said.")
    article = analyze(text)
    kovacs = entity_named(article, "Anna Kovacs")
    pronouns = [m for m in kovacs.mentions if m.kind == "pronoun"]
    assert [m.text for m in pronouns] == ["she"]
    assert article.text[pronouns[0].start:pronouns[0].end] == "she"
