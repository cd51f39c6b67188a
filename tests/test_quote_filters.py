"""Not-a-quote filters: headline labels, dummy subjects and verbs that report no words.

People and places in the texts are invented.
"""

from __future__ import annotations


def contents(article) -> list[str]:
    return [q.content.text for q in article.quotes]


def test_headline_label_is_the_headline_not_a_quote(analyze):
    article = analyze("Orla Venn: Tarnby inquiry into harbour fraud dropped\n\n"
                      "Prosecutors in Tarnby closed the inquiry on Tuesday after three years.\n")
    assert not any("inquiry into harbour fraud" in c for c in contents(article))


def test_headline_label_stays_when_the_article_gives_the_speaker_words(analyze):
    article = analyze("Orla Venn: the harbour fund was never touched\n\n"
                      "Venn said on Tuesday that every payment had been approved.\n")
    assert any("the harbour fund was never touched" in c for c in contents(article))


def test_dummy_it_reports_nobody(analyze):
    article = analyze("It seems unfair to ask the fishing villages to pay for the new sea wall.\n")
    assert not any(q.speaker and q.speaker.text.lower() == "it" for q in article.quotes)


def test_spoke_before_lawmakers_is_an_audience_not_words(analyze):
    article = analyze("Governor Ilse Marrow spoke before lawmakers on Thursday about the budget.\n")
    assert not any(c.startswith("lawmakers") for c in contents(article))


def test_avoided_criticism_reports_nothing_said(analyze):
    article = analyze("Mayor Pia Drell avoided direct criticism of teachers or school districts.\n")
    assert not any("teachers or school districts" == c for c in contents(article))

