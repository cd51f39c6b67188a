"""The cue lexicon: which verbs, nouns and adjectives report, and the class each reports in.

People and places in the texts are invented.
"""

from __future__ import annotations

from conftest import quote_with, speaker_name


def test_verb_with_preposition_cue(analyze):
    article = analyze("The union called for an inquiry into the pension fund on Monday.\n")
    quote = quote_with(article, "an inquiry into the pension fund")
    assert quote.cue.lemma == "call for" and quote.cue.text == "called for"
    assert speaker_name(quote) == "The union"


def test_voting_on_a_matter_reports_no_words(analyze):
    article = analyze("The Westhaven council voted on the harbour budget late on Tuesday.\n")
    assert not any("harbour budget" in q.content.text for q in article.quotes)
    assert quote_with(analyze("Councillor Brenna Osk voted against the harbour budget.\n"),
                      "the harbour budget").cue.lemma == "vote against"


def test_wish_with_infinitive(analyze):
    article = analyze("Mayor Tilda Varnum wants to close the old ferry terminal by spring.\n")
    quote = quote_with(article, "to close the old ferry terminal")
    assert "Varnum" in speaker_name(quote)
    assert quote.cue.category == "intent"


def test_evidential_source(analyze):
    article = analyze("Council records show a sharp rise in parking fines since January.\n")
    quote = quote_with(article, "a sharp rise in parking fines")
    assert speaker_name(quote) == "Council records"
    assert quote.cue.category == "evidential"


def test_participle_before_a_noun_is_not_a_cue(analyze):
    article = analyze("Lund won most of the pledged delegates in the northern counties.\n")
    assert all(q.cue is None or q.cue.lemma != "pledge" for q in article.quotes)


def test_stance_adjective_with_preposition(analyze):
    article = analyze("Councillor Ada Brenner has been critical of the new parking levy.\n")
    quote = quote_with(article, "the new parking levy")
    assert quote.speaker.text == "Councillor Ada Brenner"
    assert quote.cue.text == "critical of"


def test_made_it_clear_that(analyze):
    article = analyze("Ada Brenner made it clear that she would vote against the levy.\n")
    quote = quote_with(article, "she would vote against the levy")
    assert quote.speaker.text == "Ada Brenner"


def test_pledge_nouns_report_what_is_pledged(analyze):
    article = analyze("The governor's pledge to reopen the rail line drew cheers in Velm.\n\n"
                      "The harbour master made a promise to dredge the channel.\n")
    pledge = quote_with(article, "to reopen the rail line")
    assert pledge.cue.lemma == "pledge" and pledge.cue.category == "intent"
    assert quote_with(article, "to dredge the channel").speaker.text == "The harbour master"


def test_describing_speaks_of_its_object_even_without_a_label(analyze):
    article = analyze("At the town hall, the mayor described the flooded cellars of the old quarter.\n\n"
                      "The army called up reservists on Monday.\n")
    quote = quote_with(article, "the flooded cellars of the old quarter")
    assert quote.cue.lemma == "describe" and quote.speaker.text == "the mayor"
    assert not [q for q in article.quotes if q.cue and q.cue.lemma == "call"]
