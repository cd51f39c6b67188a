"""Labels: the model's entity-type errors corrected."""

from __future__ import annotations

from conftest import entity_named


def test_company_named_after_a_town_stays_an_organisation(analyze):
    text = ("Toyota unveiled a hybrid pickup at the show on Tuesday. Toyota says the truck will be "
            "built in Texas, and a rival from Ford is due next year.")
    article = analyze(text)
    toyota = entity_named(article, "Toyota")
    assert toyota is not None and toyota.type == "ORG" and toyota.geo is None


def test_town_the_model_calls_a_product_is_placed_by_its_apposition(analyze):
    text = "A rocket attack on Kramatorsk, an eastern city that the army still holds, wounded five people."
    article = analyze(text)
    town = entity_named(article, "Kramatorsk")
    assert town is not None and town.type == "GPE"
    assert town.geo is not None and town.geo.country_code == "UA"


def test_island_too_small_for_the_gazetteer_is_a_place_by_its_noun(analyze):
    text = "About 40 fishermen were evacuated from the island of Saaremaa, the coastguard said."
    article = analyze(text)
    island = entity_named(article, "Saaremaa")
    assert island is not None and island.type == "LOC"


def test_name_after_an_honorific_is_a_person_not_a_town(analyze):
    article = analyze("Mr. Lyon spoke to reporters on Monday.\n\n"
                      "Lyon said the harbour would reopen, and Mr. Lyon thanked the crews.\n")
    lyon = [e for e in article.entities if e.name.endswith("Lyon")]
    assert lyon and all(e.type == "PERSON" for e in lyon)


def test_full_name_with_a_known_given_name_is_a_person(analyze):
    article = analyze("This week, former party chair Shawn Brook, a member of the national board, "
                      "argued that the vote was lost on turnout.\n")
    assert entity_named(article, "Shawn Brook").type == "PERSON"


def test_institution_named_for_a_person_stays_an_institution(analyze):
    article = analyze("Researchers at George Mason University said the survey was flawed.\n")
    assert all(e.type != "PERSON" for e in article.entities if "University" in e.name)


def test_a_county_named_like_a_person_stays_a_place(analyze):
    article = analyze("Henry County commissioners met on Tuesday. Officials in Franklin County and "
                      "Warren County agreed to share the cost of the new bridge.\n")
    types = {e.name: e.type for e in article.entities}
    for county in ("Henry County", "Franklin County", "Warren County"):
        assert types.get(county) != "PERSON", county
