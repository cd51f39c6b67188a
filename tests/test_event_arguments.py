"""Event arguments per mention (extract/events/arguments.py, phrases.py), on sentences
written for these tests: each role only where the parse ties it to the trigger."""

from __future__ import annotations

import pytest

import presslens

PUBLISHED = "2024-05-10"


@pytest.fixture(scope="module")
def analyze_text(nlp):
    def run(text: str):
        return presslens.analyze(text, published=PUBLISHED)

    return run


def mention_roles(article, trigger: str) -> dict[str, tuple[str, str]]:
    """Return role -> (text, relation) for the mention whose trigger is `trigger`."""
    for event in article.events:
        for mention in event.mentions:
            if mention.text == trigger:
                return {a.role: (a.text, a.relation) for a in mention.arguments}
    raise AssertionError(f"no mention '{trigger}': {[m.text for e in article.events for m in e.mentions]}")


def test_the_performer_of_a_nominal_event_is_its_actor(analyze_text):
    article = analyze_text("Rebel fighters launched an attack near Kandahar on Tuesday.\n")
    roles = mention_roles(article, "attack")
    assert roles["actor"] == ("Rebel fighters", "subject of launched")
    assert roles["location"] == ("Kandahar", "near")


def test_who_condemns_an_attack_did_not_carry_it_out(analyze_text):
    article = analyze_text("The foreign minister condemned the attack in Baghdad.\n")
    roles = mention_roles(article, "attack")
    assert "actor" not in roles
    assert roles["location"] == ("Baghdad", "in")


def test_a_passive_agent_is_the_actor_and_its_subject_the_target(analyze_text):
    article = analyze_text("Two suspects were arrested by police in Lagos.\n")
    roles = mention_roles(article, "arrested")
    assert roles["actor"] == ("police", "by")
    assert roles["target"] == ("Two suspects", "passive subject")
    assert roles["location"] == ("Lagos", "in")


def test_the_subject_of_a_verb_of_undergoing_is_its_target(analyze_text):
    article = analyze_text("A ferry sank off the coast of Crete on Monday.\n")
    roles = mention_roles(article, "sank")
    assert roles["target"][0] == "A ferry"
    assert "actor" not in roles


def test_a_place_of_the_clause_places_the_event_it_tells_of(analyze_text):
    article = analyze_text("Five soldiers were killed in an ambush in Helmand.\n")
    roles = mention_roles(article, "ambush")
    assert roles["target"] == ("Five soldiers", "passive subject of killed")
    assert roles["location"] == ("Helmand", "in")


def test_an_unnamed_place_is_a_location_as_written(analyze_text):
    article = analyze_text("Gunmen attacked a bus at a checkpoint on Friday.\n")
    roles = mention_roles(article, "attacked")
    assert roles["actor"][0] == "Gunmen"
    assert roles["location"][0] == "a checkpoint"


def test_a_town_that_modifies_the_trigger_is_its_place_not_its_actor(analyze_text):
    article = analyze_text("The Kandahar bombing left twelve people dead.\n")
    event = next(e for e in article.events if e.trigger.text == "bombing")
    roles = mention_roles(article, "bombing")
    assert roles["location"] == ("Kandahar", "modifier")
    assert event.actor is None
    assert article.entity(event.location).name == "Kandahar"


def test_a_place_named_elsewhere_in_the_sentence_is_no_argument_as_written(analyze_text):
    article = analyze_text("In Kyiv, officials said that unknown men had attacked a convoy.\n")
    roles = mention_roles(article, "attacked")
    assert "location" not in roles


def test_where_something_was_said_does_not_place_what_was_said(analyze_text):
    article = analyze_text("The minister said in Geneva that militants had attacked a village.\n")
    roles = mention_roles(article, "attacked")
    assert roles.get("location", ("", ""))[0] != "Geneva"


def test_each_mention_keeps_its_own_arguments_when_mentions_merge(analyze_text):
    article = analyze_text("Russian troops shelled Kharkiv on Monday.\n\n"
                           "The shelling lasted two hours, officials said.\n")
    event = next(e for e in article.events if any(m.text == "shelled" for m in e.mentions))
    texts = [m.text for m in event.mentions]
    assert "shelling" in texts
    shelled = event.mentions[texts.index("shelled")]
    shelling = event.mentions[texts.index("shelling")]
    assert {a.role: a.text for a in shelled.arguments} == {"actor": "Russian troops", "target": "Kharkiv",
                                                           "location": "Kharkiv"}
    assert shelling.arguments == []
    # The event as a whole keeps the roles its mentions give.
    assert {a.role for a in event.arguments} == {"actor", "target", "location"}
