"""Not-a-quote filters: headline labels, editorial notes and section headings, dummy subjects
and verbs that report no words.

People and places in the texts are invented.
"""

from __future__ import annotations

from conftest import quote_with, speaker_name


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



def test_capitalised_labels_that_take_turns_are_speakers(analyze):
    text = ("Here is the exchange.\n\n"
            "HARLOW: Let us begin with the budget vote that was held last night in the chamber.\n\n"
            "DENNING: Well, the vote was a disgrace and the people of this state deserve better.\n\n"
            "HARLOW: Thank you for joining us this morning.\n")
    article = analyze(text)
    assert quote_with(article, "the vote was a disgrace").speaker.text == "DENNING"


def test_fields_of_a_fact_box_named_once_each_are_no_speakers(analyze):
    text = ("Storm hits the coast.\n\n"
            "UPDATE: The road to the harbour was reopened on Tuesday afternoon by the county.\n\n"
            "WARNING: Drivers should avoid the coastal road until the county clears the debris.\n")
    assert not [q for q in analyze(text).quotes if q.cue and q.cue.text == ":"]


def test_a_desks_tag_is_no_speaker_even_beside_a_transcript(analyze):
    text = ("Harbour vote\n\n"
            "BREAKING: The council has voted to close the harbour to fishing boats until May.\n\n"
            "HARLOW: Let us begin with the budget vote that was held last night in the chamber.\n\n"
            "DENNING: Well, the vote was a disgrace and the people of this state deserve better.\n\n"
            "HARLOW: Thank you for joining us this morning, councillor.\n")
    article = analyze(text)
    assert not any(q.speaker and q.speaker.text == "BREAKING" for q in article.quotes)
    assert quote_with(article, "the vote was a disgrace").speaker.text == "DENNING"
    assert quote_with(article, "Let us begin").speaker.text == "HARLOW"


def test_a_tag_before_a_report_leaves_the_report_its_speaker(analyze):
    article = analyze("Harbour plan stalls\n\n"
                      "EXCLUSIVE: Mayor Pia Drell says the harbour plan is “dead for now” after the vote.\n")
    assert speaker_name(quote_with(article, "dead for now")) == "Pia Drell"


def test_one_word_in_capitals_is_no_speaker_though_quoted_words_follow(analyze):
    article = analyze("Harbour plan stalls\n\n"
                      "SHOWDOWN: Mayor Pia Drell called the levy “a tax on the poor” at the meeting.\n")
    assert not any(q.speaker and q.speaker.text == "SHOWDOWN" for q in article.quotes)


def test_transcript_labels_and_titled_names_still_name_speakers(analyze):
    text = ("Debate night\n\n"
            "Senator Jo Smith spoke with host Ann Kerr on Tuesday.\n\n"
            "KERR: Can you win the northern seat in the spring election?\n\n"
            "SMITH: We will win. The voters in the north want change.\n\n"
            "KERR: Thank you for joining us tonight, senator.\n\n"
            "Dr. Jane Roe: We will open the new clinic in the spring of next year.\n")
    article = analyze(text)
    assert quote_with(article, "We will win").speaker.text == "SMITH"
    assert quote_with(article, "Can you win").speaker.text == "KERR"
    assert speaker_name(quote_with(article, "open the new clinic")) == "Jane Roe"


def test_editors_note_and_correction_are_the_outlets_voice(analyze):
    text = ("Harbour levy passes.\n\n"
            "Mayor Pia Drell said on Monday that the levy would pay for the new sea wall.\n\n"
            "Editor’s note: The mayor regularly misleads the public about the state of the harbour.\n\n"
            "Correction: An earlier version of this article gave the wrong date for the harbour vote.\n")
    article = analyze(text)
    assert not [q for q in article.quotes if q.cue and q.cue.text == ":"]
    assert quote_with(article, "the levy would pay for the new sea wall").speaker.text == "Mayor Pia Drell"


def test_label_naming_no_one_is_a_section_heading(analyze):
    text = ("Success on Harbour Issue: The council focused on the harbour as its signature project.\n\n"
            "Another challenge: Most towns have passed the deadline to change the names on their ballots.\n")
    assert not [q for q in analyze(text).quotes if q.cue and q.cue.text == ":"]


def test_lets_say_is_the_writer_supposing(analyze):
    article = analyze("Let's say you think a degree will cost $160,000 in 18 years.\n")
    assert not any(q.speaker and q.speaker.text in ("'s", "’s") for q in article.quotes)


def test_a_question_put_to_the_reader_reports_nobody(analyze):
    article = analyze("If the mayor were a farmer, would you still vote for him? Do you know where the harbour money went?\n\n"
                      "“Do you know where the money went?” she asked.\n")
    assert all(q.speaker is not None and q.speaker.text == "she" for q in article.quotes)
    assert quote_with(article, "Do you know where the money went?").speaker.text == "she"


def test_caption_and_summary_labels_are_not_speakers(analyze):
    article = analyze("FILE PHOTO: Mayor Tom Reyes talks about the harbour plan during a meeting in Velmont.\n\n"
                      "Story highlights Council chief: \"Time is short\" for a harbour deal.\n\n"
                      "The government said the harbour would reopen in May.\n")
    shown = [q.speaker.name for q in article.quotes if q.speaker]
    assert "FILE PHOTO" not in shown and "Story" not in shown
    assert "the government" not in shown and "The government" not in shown
