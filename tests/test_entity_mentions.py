"""Mentions: spaCy's names trimmed and extended, common words dropped."""

from __future__ import annotations

from conftest import entity_named
from entity_stories import TITLED


def test_a_given_name_left_out_by_the_model_is_added(analyze):
    article = analyze("Mayor Bohdan Kravets said the school would reopen. Kravets visited it on Friday.")
    kravets = entity_named(article, "Bohdan Kravets")
    assert kravets is not None
    assert "Mayor" in kravets.titles
    assert len(kravets.mentions) == 2


def test_lowercase_words_are_never_entities(analyze):
    article = analyze("The sham vote was held in Kherson on Sunday, officials said.")
    assert all(any(c.isupper() for c in e.name) for e in article.entities)


def test_capitalised_common_word_opening_a_sentence_is_not_a_place(analyze):
    text = ("Polls close in northern Norway\n\n"
            "Voters queued for hours in Bergen, officials said.\n\n"
            "Referendum volunteers carry sealed boxes into a sports hall in Bergen\n\n"
            "The referendum was called by the regional council.")
    article = analyze(text)
    assert all(e.name != "Referendum" for e in article.entities)


def test_headline_word_the_model_calls_a_nationality_is_dropped(analyze):
    text = ("Harbour talks collapse as Latvia condemns cable damage\n\n"
            "Estonian officials walked out of the talks in Tallinn on Monday.")
    article = analyze(text)
    assert entity_named(article, "Harbour") is None
    assert entity_named(article, "Estonian").type == "NORP"


def test_hyphenated_name_and_title_of_a_body_kept_whole(analyze):
    person = entity_named(analyze(TITLED), "Anna-Lena Vikstrom")
    assert person.type == "PERSON"
    assert "Deputy Director of Public Prosecution" in person.titles


def test_possessive_year_is_not_part_of_a_name(analyze):
    article = analyze(TITLED)
    assert not any("2016" in e.name for e in article.entities if e.type == "PERSON")


def test_headline_verb_is_not_part_of_a_name(analyze):
    article = analyze("Halloran Testifies On Rates\n\nHalloran told lawmakers on Tuesday that rates would stay low.\n")
    assert not any("Testifies" in e.name for e in article.entities)


def test_a_heading_before_a_spaced_dash_is_not_part_of_a_name(analyze):
    article = analyze("Notes.\n\nCITY VOTE HOLDS - Maria Ostrova wrote that the count was slow, and "
                      "Ileana Ros-Lehtinen agreed.\n")
    names = {e.name for e in article.entities if e.type == "PERSON"}
    assert "Maria Ostrova" in names and "Ileana Ros-Lehtinen" in names
    assert not any("HOLDS" in name for name in names)


def test_a_place_before_a_lower_case_hyphenated_word_is_the_place(analyze):
    article = analyze("The Houston-based contractor hired new staff. Most Atlanta-area calls came at "
                      "night, and the Israeli-Egyptian talks resumed on Monday.\n")
    names = {e.name for e in article.entities}
    assert {"Houston", "Atlanta", "Israeli"} <= names
    assert not any("-" in name for name in names)
