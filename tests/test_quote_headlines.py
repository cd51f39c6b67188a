"""Title-case headlines: "Name Verbs What" read from the word order, as the parse finds no clause.

People and places in the texts are invented.
"""

from __future__ import annotations

from conftest import quote_with, speaker_name

BODY = "\n\nThe harbour board met on Monday evening in the town hall.\n"


def test_a_title_case_headline_verb_reports_its_name(analyze):
    article = analyze("Senator Hal Dorn Blasts Harbour Board for Closing the Pier" + BODY)
    quote = quote_with(article, "Harbour Board for Closing the Pier")
    assert (quote.speaker.text, speaker_name(quote), quote.cue.lemma) == ("Senator Hal Dorn", "Hal Dorn", "blast")


def test_a_body_named_in_a_headline_reports_too(analyze):
    article = analyze("Board Of Election Finds Dorn Eligible to Run Again" + BODY)
    quote = quote_with(article, "Dorn Eligible")
    assert quote.speaker.text == "Board Of Election" and quote.cue.lemma == "find"
    # the verb ends the body's name
    assert "Board Of Election" in {e.name for e in article.entities}


def test_a_plural_noun_in_a_headline_is_not_a_cue(analyze):
    for headline in ("Harbour Talks Resume in Kestrel Bay", "Police Reports Show Rise in Thefts"):
        article = analyze(headline + BODY)
        assert not any(q.content.start < len(headline) for q in article.quotes), headline


def test_a_headline_in_sentence_case_or_capitals_is_parsed_as_usual(analyze):
    article = analyze("Harbour board says the pier will close" + BODY)
    assert quote_with(article, "the pier will close").speaker.text == "Harbour board"
    shouted = analyze("HAL DORN SAYS THE PIER WILL CLOSE" + BODY)
    assert quote_with(shouted, "THE PIER WILL CLOSE").cue.lemma == "say"


def test_a_name_is_not_stretched_over_a_headline_verb(analyze):
    article = analyze("Mayor Odile Marsk Endorses Hal Dorn" + BODY)
    assert not any("Endorses" in e.name for e in article.entities)
    quote = quote_with(article, "Hal Dorn")
    assert (speaker_name(quote), quote.cue.lemma, quote.cue.category) == ("Odile Marsk", "endorse", "intent")
