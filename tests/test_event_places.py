"""Where an event happened and who fought it (extract/events/phrases.py, arguments.py), on
sentences written for these tests: a place only where the parse ties it to the trigger, never
an occasion named after a place, never the setting of another clause; both sides of a clash."""

from __future__ import annotations

import pytest

from conftest import mention_roles


@pytest.mark.parametrize("text, trigger, occasion", [
    ("A bomb exploded near the finish line of the Berlin Marathon.\n", "exploded", "Berlin Marathon"),
    ("A car bomb exploded outside the Monaco Grand Prix.\n", "exploded", "Monaco Grand Prix"),
])
def test_a_race_named_after_a_place_is_not_where_an_event_happened(analyze_text, text, trigger, occasion):
    article = analyze_text(text)
    roles = mention_roles(article, trigger)
    assert roles.get("location", ("", ""))[0] != occasion
    event = next(e for e in article.events if any(m.text == trigger for m in e.mentions))
    assert event.location is None or article.entity(event.location).name != occasion


def test_a_trigger_that_modifies_a_noun_takes_no_place_from_the_clause(analyze_text):
    # The cordon was lifted on Baker Street; the sentence does not say the blast was there.
    article = analyze_text("On Baker Street, police lifted the cordon around the blast site.\n")
    assert "location" not in mention_roles(article, "blast")


def test_a_harm_hung_on_the_main_verb_belongs_to_the_event_it_follows(analyze_text):
    article = analyze_text("Detectives are searching for a man who left a bag holding a bomb that exploded on "
                           "Sunday, wounding nine people on a crowded street in Leeds.\n")
    wounding = mention_roles(article, "wounding")
    # The detectives searching did not wound anyone.
    assert "actor" not in wounding
    assert wounding["target"][0] == "nine people"
    # The explosion happened where it wounded them.
    assert mention_roles(article, "exploded")["location"] == ("a crowded street", "on")


def test_a_name_typed_as_a_person_under_in_is_a_place_with_those_listed_beside_it(analyze_text):
    article = analyze_text("Dozens of fighters were killed in militia attacks in Umm Salim and Umm Jarrah.\n")
    roles = mention_roles(article, "attacks")
    assert roles["location"] == ("Umm Salim and Umm Jarrah", "in")
    assert roles["target"][0] == "Dozens of fighters"


def test_a_title_the_name_was_taken_for_stays_in_the_place(analyze_text):
    article = analyze_text("Gunmen attacked a convoy in Sheikh Ahmed.\n")
    roles = mention_roles(article, "attacked")
    assert roles["location"] == ("Sheikh Ahmed", "in")
    assert roles["actor"][0] == "Gunmen"


def test_a_place_after_the_date_places_the_event_even_when_typed_as_a_person(analyze_text):
    article = analyze_text("On 4 June 2018 in Umm Salim, a suicide bomber blew himself up, killing five "
                           "police officers.\n")
    assert mention_roles(article, "blew himself up")["location"] == ("Umm Salim", "in")


def test_both_sides_of_a_clash_are_its_actors(analyze_text):
    article = analyze_text("Clashes between police and protesters in Lima left three injured.\n")
    roles = mention_roles(article, "Clashes")
    assert roles["actor"] == ("police and protesters", "between")
    assert roles["location"] == ("Lima", "in")


def test_a_place_in_a_title_or_an_organisation_does_not_place_the_event(analyze_text):
    said = analyze_text("A gunman opened fire at a church on Sunday, Texas Gov. Greg Abbott said.\n")
    event = next(e for e in said.events if any(m.text == "opened fire" for m in e.mentions))
    assert event.location is None or said.entity(event.location).name != "Texas"
    stabbed = analyze_text("A man was stabbed outside the Ohio State University library.\n")
    event = next(e for e in stabbed.events if any(m.text == "stabbed" for m in e.mentions))
    assert event.location is None or stabbed.entity(event.location).name != "Ohio"
    # A town the parser alone takes for an organisation is still where it happened.
    lyon = analyze_text("A bomb exploded near a bakery in the city of Lyon on Sunday.\n")
    event = next(e for e in lyon.events if any(m.text == "exploded" for m in e.mentions))
    assert lyon.entity(event.location).name == "Lyon"


def test_the_words_of_the_trigger_are_not_its_target(analyze_text):
    article = analyze_text("Soldiers opened fire on the crowd in Mandalay.\n")
    roles = mention_roles(article, "opened fire")
    assert roles["target"] == ("the crowd", "on")
    assert roles["actor"] == ("Soldiers", "subject")
    assert roles["location"] == ("Mandalay", "in")
