"""Quotations attached to attributions: direct, mixed, continued and cue-less quotes.

People and places in the texts are invented.
"""

from __future__ import annotations

from conftest import parsed, quote_with, speaker_and_content, speaker_name


def test_split_quote_attributed_once(analyze):
    text = ("‘The vote was fair,’ said Interior Minister Pavel Drusk. ‘Nobody was turned away.’\n")
    article = analyze(text)
    quote = quote_with(article, "The vote was fair")
    assert len(quote.parts) == 2
    assert quote.parts[1].text.startswith("Nobody was turned away")
    assert len([q for q in article.quotes if q.kind == "direct"]) == 1
    assert "Drusk" in speaker_name(quote)
    assert quote.words == "The vote was fair … Nobody was turned away."
    assert "said" not in quote.words


def test_mixed_quote_called(analyze):
    article = analyze("Senator Ruth Callander called the new tariff ‘an outright tax on farmers’.\n")
    quote = quote_with(article, "an outright tax on farmers")
    assert quote.kind == "mixed"
    assert quote.cue.lemma == "call"
    assert "Callander" in speaker_name(quote)


def test_mixed_quote_said_it(analyze):
    article = analyze("The governor Elsa Marrick said the plan ‘must not be delayed again.’\n")
    quote = quote_with(article, "must not be delayed again")
    assert quote.kind == "mixed"
    assert "Marrick" in speaker_name(quote)


def test_postposed_cue_with_organisation(analyze):
    article = analyze("Three ferries were cancelled because of fog, the Northwind Ferry Company said.\n")
    quote = quote_with(article, "Three ferries were cancelled")
    assert quote.kind == "indirect"
    assert "Northwind Ferry Company" in quote.speaker.text


def test_quote_in_headline(analyze):
    text = ("Mayor Ulla Brandt calls flood barrier ‘a waste of money’\n\n"
            "The city council met on Tuesday to discuss the barrier.\n")
    article = analyze(text)
    quote = quote_with(article, "a waste of money")
    assert quote.kind == "mixed"
    assert "Brandt" in speaker_name(quote)


def test_quote_with_no_speaker(analyze):
    text = ("The protest moved slowly through the old town.\n\n"
            "“We will not leave until the mill is saved.”\n\n"
            "Police closed two streets.\n")
    article = analyze(text)
    quote = quote_with(article, "We will not leave until the mill is saved")
    assert quote.speaker is None
    assert quote.confidence < 0.5


def test_scare_quotes_are_not_quotes(analyze):
    text = "The so-called ‘peace plan’ was published on Monday and the ‘reforms’ began in March.\n"
    article = analyze(text)
    assert article.quotes == []


def test_block_quote_after_colon_with_any_verb(analyze):
    text = ("Senator Ruth Calloway hit back at her rivals on Friday:\n\n"
            "“They have offered nothing but slogans, and the voters know it.”\n")
    article = analyze(text)
    quote = quote_with(article, "They have offered nothing but slogans")
    assert quote.kind == "direct"
    assert "Calloway" in speaker_name(quote)


def test_postposed_verb_outside_the_lexicon(analyze):
    text = ("Fire chief Marta Olsson spoke after the blaze.\n\n"
            "“We will rebuild the station before winter,” Olsson continued.\n")
    article = analyze(text)
    quote = quote_with(article, "We will rebuild the station")
    assert speaker_name(quote) == "Marta Olsson"


def test_speaker_noun_phrase_the_parser_lost(analyze):
    text = ("Storm season\n\n"
            "“Can anyone here honestly say the sirens worked that night?” the 61-year-old asked "
            "at the harbour meeting.\n")
    article = analyze(text)
    quote = quote_with(article, "the sirens worked that night")
    assert quote.kind == "direct"
    assert quote.speaker is not None and "61-year-old" in quote.speaker.text


def test_cueless_quote_takes_the_speaker_of_its_paragraph(analyze):
    text = ("Harbour master Piet Kallas told the council on Monday that the pier is unsafe. "
            "“We cannot wait for another storm to prove it to us.”\n")
    article = analyze(text)
    quote = quote_with(article, "We cannot wait for another storm")
    assert quote.kind == "direct" and quote.cue is None
    assert speaker_name(quote) == "Piet Kallas"
    assert quote.confidence <= 0.5


def test_cueless_quote_alone_in_its_paragraph_continues_the_last_speaker(analyze):
    text = ("Harbour master Piet Kallas told the council on Monday that the pier is unsafe.\n\n"
            "“We cannot wait for another storm to prove it to us.”\n")
    article = analyze(text)
    quote = quote_with(article, "We cannot wait for another storm")
    assert speaker_name(quote) == "Piet Kallas"


def test_cueless_scare_quote_stays_out_near_a_speaker(analyze):
    text = "Piet Kallas said the so-called ‘harbour plan’ was never costed.\n"
    article = analyze(text)
    assert all(q.content.text != "harbour plan" for q in article.quotes)


def test_postposed_cue_with_a_stray_subject_on_the_verb(analyze):
    article = analyze("The storm has left it hard for crews with old, if reliable, trawlers to leave the bay "
                      "and sell their catch, she said.\n")
    quote = quote_with(article, "The storm has left it hard")
    assert quote.speaker.text == "she"


def test_inverted_speaker_after_the_quote_with_an_aside(analyze):
    article = analyze("“The vote is over and the count is final,” declared Ilse Varga, a notary who "
                      "chairs the Plenn district electoral board.\n\n"
                      "“I signed the contract on Monday,” Jorun Dale, a builder hired by the council "
                      "last year, wrote in a letter to the mayor.\n")
    assert "Varga" in speaker_name(quote_with(article, "The vote is over"))
    assert "Dale" in speaker_name(quote_with(article, "I signed the contract on Monday"))


def test_quotation_handed_over_keeps_its_words_from_a_later_clause(analyze):
    article = analyze("“We had built three boats before we moved to [Velm],” Ilsa Brandt said, mentioning "
                      "the long-delayed ferry is “almost ready.”\n")
    quote = quote_with(article, "We had built three boats")
    assert "Brandt" in speaker_name(quote)


def test_inverted_tag_after_a_coordinated_clause(analyze):
    article = analyze("Up in Velm, the paper mill is holding out, but it faces stiff competition from cheaper "
                      "rivals abroad, said its managing director, Ana Ferro.\n")
    quote = quote_with(article, "the paper mill is holding out")
    assert "Ferro" in speaker_name(quote)


def test_inverted_tag_after_a_coordinated_clause_read_as_its_content():
    doc = parsed("""
        The      DET   DT  det   1  the
        mill     NOUN  NN  nsubj 2  mill
        holds    VERB  VBZ ROOT  2  hold
        out      ADP   RP  prt   2  out
        ,        PUNCT ,   punct 2  ,
        but      CCONJ CC  cc    2  but
        it       PRON  PRP nsubj 7  it
        struggles VERB VBZ conj  2  struggle
        ,        PUNCT ,   punct 7  ,
        said     VERB  VBD conj  2  say
        its      PRON  PRP$ poss 12 its
        managing VERB  VBG amod  12 manage
        director NOUN  NN  nsubj 9  director
        .        PUNCT .   punct 2  .
    """)
    assert speaker_and_content(doc, 9) == ("director", "The mill holds out, but it struggles")


def test_speaker_after_a_quotation_read_as_the_verbs_object_or_adjective():
    from presslens.extract.quotes.attach import _misparsed_inverted_subject

    doc = parsed("""
        “         PUNCT ``  punct    2  “
        Harbour   NOUN  NN  compound 2  harbour
        closed    NOUN  NN  ROOT     2  closed
        ,         PUNCT ,   punct    2  ,
        ”         PUNCT ''  punct    2  ”
        tweeted   VERB  VBD amod     8  tweet
        spokesman NOUN  NN  compound 8  spokesman
        Ilse      PROPN NNP compound 8  Ilse
        Varga     PROPN NNP appos    2  Varga
        .         PUNCT .   punct    2  .
    """)
    assert _misparsed_inverted_subject(doc[5]).text == "Varga"


def test_clause_after_a_handed_over_quotation_is_not_its_content():
    doc = parsed("""
        “          PUNCT ``  punct 3  “
        We         PRON  PRP nsubj 2  we
        built      VERB  VBD ccomp 8  build
        boats      NOUN  NNS dobj  2  boat
        ,          PUNCT ,   punct 2  ,
        ”          PUNCT ''  punct 8  ”
        Ilsa       PROPN NNP compound 7 Ilsa
        Brandt     PROPN NNP nsubj 8  Brandt
        said       VERB  VBD ROOT  8  say
        ,          PUNCT ,   punct 8  ,
        mentioning VERB  VBG advcl 8  mention
        the        DET   DT  det   12 the
        ferry      NOUN  NN  nsubj 13 ferry
        is         AUX   VBZ ccomp 8  be
        ready      ADJ   JJ  acomp 13 ready
        .          PUNCT .   punct 8  .
    """)
    speaker, content = speaker_and_content(doc, 8)
    assert speaker == "Brandt" and "We built boats" in content and "ferry" not in content


def test_quotation_signed_with_a_dash_and_a_name(analyze):
    text = ("“The ferry is the only way our town can reach the hospital in winter.” ― Marta Olsen\n\n"
            "“Nobody asked the fishermen what they wanted.” — Tomas Berg, 61, a retired skipper "
            "“The roads are worse than ever before.” -- Ana Ruiz\n")
    article = analyze(text)
    assert speaker_name(quote_with(article, "reach the hospital")) == "Marta Olsen"
    fishermen = quote_with(article, "Nobody asked the fishermen")
    assert fishermen.kind == "direct" and fishermen.speaker.text == "Tomas Berg"
    assert speaker_name(quote_with(article, "The roads are worse")) == "Ana Ruiz"


def test_dash_after_a_quoted_phrase_that_goes_on_is_no_signature(analyze):
    text = ("The mayor called the bypass “a road to nowhere that nobody will drive” — "
            "Councillor Ray Hunt disagreed at once.\n\n"
            "The choir sang “Rivers of the North” — Ada Lund's favourite hymn.\n")
    article = analyze(text)
    assert not [q for q in article.quotes if q.cue and q.cue.text in "—―" and q.speaker
                and q.speaker.text in ("Councillor Ray Hunt", "Ada Lund")]


def test_turns_of_a_quoted_transcript_each_get_their_speaker(analyze):
    text = ("The interview went as follows.\n\n"
            "“HARLOW: Let us begin with the budget vote that was held last night in the chamber.\n\n"
            "“DENNING: Well, the vote was a disgrace and the people of this state deserve better.\n\n"
            "“HARLOW: Thank you for joining us this morning, senator.”\n")
    article = analyze(text)
    vote = quote_with(article, "the vote was a disgrace")
    assert vote.speaker.text == "DENNING" and "HARLOW" not in vote.content.text
    assert quote_with(article, "Let us begin").speaker.text == "HARLOW"
    assert quote_with(article, "Thank you for joining").speaker.text == "HARLOW"


def test_signature_dash_glued_to_the_closing_mark(analyze):
    text = "“He is ignorant of our culture and of our lives.”― Pamela Quist\n"
    quote = quote_with(analyze(text), "ignorant of our culture")
    assert quote.speaker.text == "Pamela Quist"
