"""Quotation marks: which marks open and close a quotation, told apart from apostrophes.

People and places in the texts are invented.
"""

from __future__ import annotations

from conftest import quote_with, speaker_name


def test_straight_double_quotes(analyze):
    article = analyze('Mayor Tilda Varnum said: "The bridge will reopen in May."\n')
    quote = quote_with(article, "The bridge will reopen in May")
    assert quote.kind == "direct"
    assert "Varnum" in speaker_name(quote)
    assert quote.cue.text == "said" and quote.cue.lemma == "say"


def test_curly_double_quotes_postposed_cue(analyze):
    article = analyze("“We have not received a single complaint,” Orlan Pessick said.\n")
    quote = quote_with(article, "We have not received a single complaint")
    assert quote.kind == "direct"
    assert speaker_name(quote) == "Orlan Pessick"


def test_curly_single_quotes_with_apostrophes_around(analyze):
    text = ("Velmar’s harbour master Anja Krodt said the storm’s damage was ‘far worse than anyone’s "
            "forecast’. It’s the town’s third flood this year.\n")
    article = analyze(text)
    assert all("s the town" not in q.content.text for q in article.quotes)
    quote = quote_with(article, "far worse than anyone’s forecast")
    assert quote.kind == "mixed"
    assert "Krodt" in speaker_name(quote)
    # no quotation opened or closed by an apostrophe
    assert not any(q.content.text.startswith("s ") for q in article.quotes)


def test_guillemets(analyze):
    article = analyze("Regional prefect Lionel Abadie declared: « The roads are closed until further notice. »\n")
    quote = quote_with(article, "The roads are closed until further notice")
    assert quote.kind == "direct"
    assert "Abadie" in speaker_name(quote)


def test_quote_over_two_paragraphs_is_one_quote(analyze):
    text = ("Fire chief Marta Olsson said: ‘We fought the blaze for eleven hours.\n\n"
            "‘By morning the wind had turned and the last houses were safe.’\n")
    article = analyze(text)
    quote = quote_with(article, "We fought the blaze")
    assert "By morning the wind had turned" in quote.content.text
    assert len(quote.parts) == 2
    assert "Olsson" in speaker_name(quote)
    assert sum(1 for q in article.quotes if "By morning" in q.content.text) == 1


def test_nested_quotes_are_one_quote(analyze):
    text = ("“The crowd kept shouting ‘open the gates’ until midnight,” organiser Lena Marsh said.\n")
    article = analyze(text)
    assert len(article.quotes) == 1
    quote = article.quotes[0]
    assert "open the gates" in quote.content.text
    assert "Marsh" in speaker_name(quote)


def test_quotation_mark_glued_to_the_speaker(analyze):
    article = analyze("“We will rebuild the pier before winter,”Ortega Lamb said. “Nobody will be left behind.”\n")
    quote = quote_with(article, "We will rebuild the pier before winter")
    assert speaker_name(quote) == "Ortega Lamb"
    assert "Ortega" not in quote.parts[0].text if quote.parts else "Ortega" not in quote.content.text


def test_closing_mark_set_apart_by_a_space(analyze):
    article = analyze("\"We sent the town our 'final offer,' \" the builder wrote on Tuesday.\n")
    quote = quote_with(article, "We sent the town our 'final offer,'")
    assert quote.speaker.text == "the builder"
