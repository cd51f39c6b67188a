"""Place mentions beyond spaCy's place entities: demonyms, places in organisation names, datelines."""

from __future__ import annotations

from conftest import entity_named
from presslens.extract.places.demonyms import demonym_country
from presslens.extract.places.mentions import add_place_mentions
from presslens.record import Entity, Mention


def _entity(text: str, name: str, kind: str, number: int) -> Entity:
    start = text.index(name)
    return Entity(id=f"e{number}", name=name, type=kind,
                  mentions=[Mention(start=start, end=start + len(name), text=name)])


def test_demonyms_point_at_their_country():
    assert demonym_country("Iranian") == "IR"
    assert demonym_country("Palestinians") == "PS"
    assert demonym_country("Israeli") == "IL"
    assert demonym_country("Kenyan") == "KE"
    assert demonym_country("Democrats") is None


def test_a_demonym_is_placed_at_its_country_and_flagged(analyze):
    article = analyze("Sailors boarded an Iranian tanker off the coast on Tuesday, officials said.")
    iranian = entity_named(article, "Iranian")
    assert iranian is not None and iranian.type == "NORP"
    assert iranian.geo is not None and iranian.geo.country_code == "IR"
    assert iranian.geo.feature == "country" and iranian.geo.via == "demonym"


def test_a_place_inside_an_organisation_name_is_a_place_linked_to_it():
    text = "The Tallahassee Police Department said the road was closed."
    org = _entity(text, "Tallahassee Police Department", "ORG", 1)
    entities, found_as = add_place_mentions([org], text)
    assert [e.name for e in entities] == ["Tallahassee Police Department", "Tallahassee"]
    place = entities[1]
    assert place.type == "GPE" and text[place.mentions[0].start:place.mentions[0].end] == "Tallahassee"
    assert found_as[place.id] == ("organisation", "e1")
    # The organisation itself stays whole.
    assert org.mentions[0].text == "Tallahassee Police Department"


def test_a_state_after_of_in_an_organisation_name_is_a_place():
    text = "She studied at the University of Nebraska before the war."
    entities, found_as = add_place_mentions([_entity(text, "the University of Nebraska", "ORG", 1)], text)
    assert [e.name for e in entities][1:] == ["Nebraska"]


def test_a_name_before_an_ordinary_word_is_not_taken_for_a_place():
    # Schools and firms are named after people as often as after towns.
    text = "Pupils at the Lincoln Memorial Academy sang. Madison Partners bought the site."
    orgs = [_entity(text, "Lincoln Memorial Academy", "ORG", 1), _entity(text, "Madison Partners", "ORG", 2)]
    entities, found_as = add_place_mentions(orgs, text)
    assert len(entities) == 2 and not found_as


def test_an_upper_case_dateline_is_a_place_mention():
    text = "NAIROBI — Heavy rain closed schools across the region on Monday."
    entities, found_as = add_place_mentions([], text)
    assert [e.name for e in entities] == ["Nairobi"]
    assert found_as[entities[0].id] == ("dateline", None)


def test_a_dateline_place_is_geocoded_in_the_record(analyze):
    article = analyze("ANCHORAGE, Alaska (AP) -- Snow fell early this year, forecasters said on Friday.")
    place = next(e for e in article.entities if e.geo and e.geo.via == "dateline")
    assert place.geo.country_code == "US" and place.geo.admin1 == "Alaska"


def test_the_mention_joins_the_article_entity_of_that_place():
    text = "Boise is growing. The Boise Police Department hired ten officers."
    city = _entity(text, "Boise", "GPE", 1)
    org = _entity(text, "Boise Police Department", "ORG", 2)
    entities, found_as = add_place_mentions([city, org], text)
    assert len(entities) == 2 and len(city.mentions) == 2 and not found_as
