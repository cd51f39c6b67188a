"""Clusters: the mentions of one referent grouped together."""

from __future__ import annotations

from conftest import entity_named
from entity_stories import STORY


def test_surname_and_full_name_are_one_entity(analyze):
    article = analyze(STORY)
    halvorsen = entity_named(article, "Ingrid Halvorsen")
    assert halvorsen is not None and halvorsen.type == "PERSON"
    texts = [m.text for m in halvorsen.mentions]
    assert texts.count("Halvorsen") >= 2  # headline and body surname mentions
    assert "Ingrid Halvorsen" in texts
    assert not any(e.name == "Halvorsen" and e is not halvorsen for e in article.entities)


def test_organisation_spellings_and_acronyms_merge(analyze):
    article = analyze(STORY)
    nato = [e for e in article.entities if e.name.casefold() == "nato"]
    assert len(nato) == 1 and nato[0].name == "NATO"
    assert len(nato[0].mentions) == 2
    un = entity_named(article, "United Nations")
    assert un is not None and "UN" in un.aliases


def test_names_are_found_again_as_whole_words_the_longest_first():
    from presslens.extract.entities.clusters import occurrences

    text = "Dona Reyes met Don Hale. Donald spoke; Don-Hale Street is closed, and Don Hale left."
    found = [text[s:e] for s, e in occurrences(text, ["Don", "Don Hale", "Dona Reyes"])]
    # "Donald" holds "Don" but is another word; "Don-Hale" runs on with a hyphen
    assert found == ["Dona Reyes", "Don Hale", "Don Hale"]
