"""Attributions from the parse: the source and the content each cue is given.

People and places in the texts are invented.
"""

from __future__ import annotations

from conftest import parsed, quote_with, speaker_and_content, speaker_name


def test_indirect_said_that(analyze):
    article = analyze("Energy minister Bruno Hallett said that prices would fall by winter.\n")
    quote = quote_with(article, "prices would fall by winter")
    assert quote.kind == "indirect"
    assert "Hallett" in speaker_name(quote)


def test_indirect_told_reporters(analyze):
    article = analyze("Coach Ines Berglund told reporters on Sunday that the team would appeal the ban.\n")
    quote = quote_with(article, "the team would appeal the ban")
    assert quote.kind == "indirect"
    assert quote.cue.lemma == "tell"
    assert "Berglund" in speaker_name(quote)


def test_according_to(analyze):
    article = analyze("The dam was built in 1962, according to the Orvale Water Authority.\n")
    quote = quote_with(article, "The dam was built in 1962")
    assert quote.cue.text == "according to"
    assert "Orvale Water Authority" in quote.speaker.text


def test_stance_verb_takes_its_object_as_content(analyze):
    article = analyze("Councillor Brenna Osk supports the new tram line through Westhaven.\n")
    quote = quote_with(article, "the new tram line")
    assert "Osk" in speaker_name(quote)
    assert quote.cue.lemma == "support" and quote.cue.category == "intent"
    assert quote.confidence <= 0.6


def test_beliefs_stances_and_criticism_of_the_wider_lexicon(analyze):
    article = analyze("Harbour notes.\n\nCouncillor Brenna Osk rebuked the port board over the delays. "
                      "Mayor Tomas Vell contemplated running for the northern seat. "
                      "The ferry union lobbied for a second quay at Westhaven.\n")
    rebuke = quote_with(article, "the port board")
    assert (rebuke.cue.lemma, rebuke.cue.category) == ("rebuke", "speech") and "Osk" in speaker_name(rebuke)
    running = quote_with(article, "running for the northern seat")
    assert running.cue.category == "cognition" and "Vell" in speaker_name(running)
    lobby = quote_with(article, "a second quay")
    assert lobby.cue.category == "intent" and "union" in lobby.speaker.text


def test_objects_of_acts_are_not_reported_words(analyze):
    article = analyze("Harbour notes.\n\nThe crew prepared the ferry for the storm and offered a ride to the "
                      "stranded walkers.\n")
    assert not any("ferry" in q.content.text or "ride" in q.content.text for q in article.quotes)


def test_speech_verb_with_object_is_spoken_of(analyze):
    article = analyze("Governor Ilsa Marrow criticized the harbour authority for the delays.\n")
    quote = quote_with(article, "the harbour authority")
    assert "Marrow" in speaker_name(quote)
    assert quote.cue.category == "speech"


def test_noun_cue_with_possessor(analyze):
    text = "Ralf Denning’s claim that the stadium would pay for itself drew laughter in the chamber.\n"
    article = analyze(text)
    quote = quote_with(article, "the stadium would pay for itself")
    assert quote.cue.lemma == "claim"
    assert "Denning" in speaker_name(quote)


def test_addressee_is_not_content(analyze):
    article = analyze("Pellor Grant told reporters on Tuesday.\n")
    assert all("reporters" not in q.content.text for q in article.quotes)


def test_perception_needs_a_clause(analyze):
    article = analyze("Hundreds of residents saw the parade through the old town.\n")
    assert all("the parade" not in q.content.text for q in article.quotes)


def test_passive_with_agent_gives_subject_as_content(analyze):
    article = analyze("The new budget was praised by Finance Minister Odile Brandt.\n")
    quote = quote_with(article, "The new budget")
    assert "Brandt" in speaker_name(quote)


def test_participle_after_report_belongs_to_the_reporter(analyze):
    text = "The ministry said the strike would not stop repairs, vowing a ‘swift’ response.\n"
    article = analyze(text)
    quote = quote_with(article, "‘swift’ response")
    assert speaker_name(quote) == "The ministry"


def test_report_inside_reported_words_stays_in_them(analyze):
    text = ("Senator Ada Pruitt argued that the levy will hurt farmers and that she fears "
            "the same is true of fishermen.\n")
    article = analyze(text)
    quote = quote_with(article, "the levy will hurt farmers")
    assert "Pruitt" in speaker_name(quote)
    assert "she fears the same is true" in quote.content.text
    assert all(q.cue.lemma != "fear" for q in article.quotes if q.cue)


def test_contrasting_report_is_its_own(analyze):
    text = ("Mayor Tilda Varnum pledged that the ferry will run all winter, while the harbour "
            "master said that the pier needs repairs.\n")
    article = analyze(text)
    assert "Varnum" in speaker_name(quote_with(article, "the ferry will run all winter"))
    assert speaker_name(quote_with(article, "the pier needs repairs")) == "the harbour master"


def test_participle_after_preposition_takes_the_governing_subject(analyze):
    text = "Councillor Brenna Osk defended the budget by saying that the reserves were never touched.\n"
    article = analyze(text)
    quote = quote_with(article, "the reserves were never touched")
    assert "Osk" in speaker_name(quote)


def test_cue_noun_with_preposition_takes_the_light_verbs_subject(analyze):
    article = analyze("Ada Brenner took a swipe at the harbour board on Monday.\n")
    quote = quote_with(article, "the harbour board")
    assert quote.speaker.text == "Ada Brenner"
    assert quote.cue.text == "swipe at"


def test_cue_noun_with_preposition_needs_a_holder(analyze):
    # nobody is written as criticising: no attribution
    article = analyze("Criticism of the levy grew through the winter.\n")
    assert not [q for q in article.quotes if "levy" in q.content.text]


def test_bare_passive_belief_has_no_source(analyze):
    article = analyze("The harbour board is expected to approve the levy next week.\n")
    quote = quote_with(article, "to approve the levy")
    assert quote.speaker is None
    assert quote.cue.category == "cognition"


def test_headline_label_with_a_common_noun(analyze):
    article = analyze("Brenner camp: Harbour levy will hurt small traders\n\n"
                      "The Brenner camp said on Monday that traders would pay twice.\n")
    quote = quote_with(article, "Harbour levy will hurt small traders")
    assert quote.speaker.text == "Brenner camp"


def test_label_naming_two_speakers(analyze):
    article = analyze("Ada Brenner and Tomas Lind: “The levy is the wrong answer to the wrong question.”\n")
    quote = quote_with(article, "The levy is the wrong answer")
    assert quote.speaker.text == "Ada Brenner and Tomas Lind"


def test_label_after_a_heading_and_a_dash_names_only_the_speaker(analyze):
    article = analyze("Morning digest.\n\nRURAL TURNOUT FALLS BUT CITY VOTE HOLDS - Maria Ostrova: “Across the three "
                      "counties we studied, fewer farmers voted than in any year since records began.”\n\n"
                      "THE TAX PLAN - Ileana Ros-Lehtinen: “We will not back a plan that raises taxes on every "
                      "family in the district.”\n")
    first = quote_with(article, "fewer farmers voted")
    assert (first.speaker.text, speaker_name(first)) == ("Maria Ostrova", "Maria Ostrova")
    # a hyphen inside a name is no dash between a heading and the name
    assert quote_with(article, "raises taxes on every family").speaker.text == "Ileana Ros-Lehtinen"


def test_label_after_a_summary_and_a_dash_is_the_speaker(analyze):
    article = analyze("Morning digest.\n\nThe coastal towns matter most for the ferry plan - Maria Ostrova: “Two weeks "
                      "ago the north was her strongest ground. Now it is the coast.”\n\n"
                      "The cost may rise - Harbour Research: “All the estimates include the new quay.”\n\n"
                      "The talks resumed on Monday - one aim: lower tariffs for the fishing fleets of the north.\n")
    first = quote_with(article, "strongest ground")
    assert (first.speaker.text, first.cue.text) == ("Maria Ostrova", ":")
    assert quote_with(article, "estimates include").speaker.text == "Harbour Research"
    # a lower-case phrase before the colon names no one
    assert not any("lower tariffs" in q.content.text for q in article.quotes)


def test_dash_opening_a_list_item_is_not_part_of_the_speaker(analyze):
    article = analyze("Poll roundup.\n\n-Marta Lindqvist thinks the mayor will lose the northern wards by a wide "
                      "margin. [Tribune]\n-Olu Bakare explains why the harbour vote is so hard to call. [Ledger]\n")
    assert quote_with(article, "the mayor will lose").speaker.text == "Marta Lindqvist"
    assert speaker_name(quote_with(article, "the harbour vote is so hard")) == "Olu Bakare"


def test_cue_set_inside_the_clause_it_reports(analyze):
    article = analyze("The new ferry line, harbour chief Odile Marsk said, will carry 2,000 passengers a day.\n")
    quote = quote_with(article, "will carry 2,000 passengers a day")
    assert quote.kind == "indirect" and "Marsk" in speaker_name(quote)
    # two pieces around the cue's own words, the cue left out of both
    assert [p.text for p in quote.parts] == ["The new ferry line", "will carry 2,000 passengers a day"]


def test_as_clause_cue_reports_the_main_clause(analyze):
    article = analyze("As the statistics office noted on Friday, exports of timber fell for a third month.\n")
    quote = quote_with(article, "exports of timber fell for a third month")
    assert quote.speaker.text == "the statistics office"
    assert quote.cue.lemma == "note"


def test_interview_turn_labels_are_not_speakers(analyze):
    article = analyze("Q: What comes after the strike?\n\nA: I think the port will reopen within a week. "
                      "We do not want another closure.\n")
    assert all(q.speaker is None or q.speaker.text not in ("A", "Q") for q in article.quotes)
    quote = quote_with(article, "the port will reopen within a week")
    assert quote.speaker.text == "I" and quote.cue.lemma == "think"


def test_answers_standing_for_the_words(analyze):
    article = analyze("Asked whether the levy should rise, 61 percent of farmers said yes.\n")
    quote = quote_with(article, "yes")
    assert quote.speaker.text == "61 percent of farmers"


def test_questions_and_requests_report_what_is_asked(analyze):
    article = analyze("The auditor asked the board if the accounts were complete.\n")
    assert quote_with(article, "if the accounts were complete").cue.lemma == "ask"
    article = analyze("Fishermen called on the council on Monday to reopen the northern quay.\n")
    request = quote_with(article, "to reopen the northern quay")
    assert request.cue.lemma == "call on" and "council" not in request.content.text


def test_beliefs_written_as_seeing_one_thing_as_another(analyze):
    article = analyze("Most residents see the new dam as a threat to the valley. The coach hopes the team "
                      "will recover before the final.\n")
    assert quote_with(article, "the new dam as a threat").cue.category == "cognition" or \
        quote_with(article, "the new dam as a threat").cue.category == "perception"
    hope = quote_with(article, "the team will recover before the final")
    assert hope.cue.text == "hopes" and hope.cue.category == "intent"


def test_sentence_ending_tags_read_from_the_words(analyze):
    article = analyze("So the council had to borrow millions of crowns from its school fund last winter, "
                      "treasury documents show.\n")
    records = quote_with(article, "had to borrow millions of crowns")
    assert records.cue.text == "show" and "documents" in records.speaker.text
    article = analyze("The closure of the quarry marks \"the start of a long decline\" for the valley, "
                      "said Brenna Holt, a historian at the county museum.\n")
    era = quote_with(article, "The closure of the quarry")
    assert "Holt" in speaker_name(era) and "said" not in era.content.text


def test_as_reported_by_a_source(analyze):
    article = analyze("The mill stopped buying timber from the northern estates, as reported by the Valley "
                      "Courier.\n")
    quote = quote_with(article, "The mill stopped buying timber")
    assert quote.speaker.text == "the Valley Courier"


def test_cue_noun_said_to_be_a_clause(analyze):
    article = analyze("The harbour master's answer was that the town cannot afford a second pier.\n")
    quote = quote_with(article, "the town cannot afford a second pier")
    assert quote.cue.lemma == "answer" and "harbour master" in quote.speaker.text


def test_speaker_of_a_cue_under_an_adjective_or_an_infinitive(analyze):
    article = analyze("The harbour workers are quick to point out that the cranes are forty years old.\n\n"
                      "The mayor gave a long speech to defend the levy.\n")
    assert quote_with(article, "the cranes are forty years old").speaker.text == "The harbour workers"
    assert quote_with(article, "the levy").speaker.text == "The mayor"


def test_tag_read_from_the_words_when_the_verb_is_read_as_a_noun():
    from presslens.extract.quotes.clauses import find_attributions

    doc = parsed("""
        So        ADV   RB  advmod   3  so
        the       DET   DT  det      2  the
        council   NOUN  NN  nsubj    3  council
        borrowed  VERB  VBD ROOT     3  borrow
        money     NOUN  NN  dobj     3  money
        last      ADJ   JJ  amod     6  last
        winter    NOUN  NN  npadvmod 3  winter
        ,         PUNCT ,   punct    3  ,
        treasury  NOUN  NN  compound 9  treasury
        documents NOUN  NNS compound 10 document
        show      NOUN  NN  npadvmod 3  show
        .         PUNCT .   punct    3  .
    """)
    [found] = find_attributions(doc, [], lambda i: (0, len(doc)))
    assert found.cue[0].text == "show" and found.source.text == "documents"
    assert doc[found.content[0]:found.content[1]].text == "So the council borrowed money last winter"


def test_postposed_cue_keeps_its_own_subject_when_the_parser_gives_it_two():
    doc = parsed("""
        The    DET   DT  det   1  the
        storm  NOUN  NN  nsubj 2  storm
        left   VERB  VBD ROOT  2  leave
        it     PRON  PRP nsubj 4  it
        hard   ADJ   JJ  ccomp 2  hard
        for    SCONJ IN  mark  11 for
        crews  NOUN  NNS nsubj 11 crew
        to     PART  TO  aux   8  to
        fish   VERB  VB  acl   6  fish
        ,      PUNCT ,   punct 11 ,
        she    PRON  PRP nsubj 11 she
        said   VERB  VBD advcl 2  say
        .      PUNCT .   punct 2  .
    """)
    assert speaker_and_content(doc, 11) == ("she", "The storm left it hard for crews to fish")


def test_cue_in_a_relative_clause_has_the_noun_it_describes_as_object(analyze):
    article = analyze("The council raised the harbour levy, something the harbour master opposed last spring.\n\n"
                      "The town never built the northern bypass, which the mayor favors.\n")
    opposed = next(q for q in article.quotes if q.cue and q.cue.lemma == "oppose")
    assert opposed.content.text == "something" and opposed.speaker.text == "the harbour master"
    favors = next(q for q in article.quotes if q.cue and q.cue.lemma == "favor")
    assert "the northern bypass" in favors.content.text


def test_active_belief_about_a_course_of_action(analyze):
    article = analyze("For a time, the baker considered selling the shop to pay off the loan.\n")
    quote = quote_with(article, "selling the shop")
    assert quote.cue.category == "cognition" and quote.speaker.text == "the baker"


def test_according_to_inside_and_after_the_clause(analyze):
    article = analyze("The night ferry, according to the operator, will resume on Monday.\n\n"
                      "Some 59 percent of the islanders want a second pier, according to a council survey.\n")
    ferry = next(q for q in article.quotes if q.speaker and q.speaker.text == "the operator")
    assert [p.text for p in ferry.parts] == ["The night ferry", "will resume on Monday"]
    survey = next(q for q in article.quotes if q.speaker and q.speaker.text == "a council survey")
    assert survey.content.text == "Some 59 percent of the islanders want a second pier"


def test_according_to_frames_a_sentence_whose_verb_is_a_cue(analyze):
    text = "Most farmers would see their incomes fall by a third, according to the Orvale Grain Board.\n"
    quote = quote_with(analyze(text), "their incomes fall")
    assert quote.cue.text == "according to" and "Orvale Grain Board" in quote.speaker.text


def test_according_to_opening_a_sentence_left_without_a_clause(analyze):
    text = "According to radio host Dana Whitlow, the move reeks of fear and desperation.\n"
    quote = quote_with(analyze(text), "reeks of fear")
    assert quote.speaker.text == "radio host Dana Whitlow"


def test_inverted_said_before_a_colon(analyze):
    text = "The levy is unpopular. Said Ellis Varn: “I do not think the council has read the plan.”\n"
    quote = quote_with(analyze(text), "read the plan")
    assert quote.speaker.text == "Ellis Varn"


def test_naming_passive_with_its_agent_hung_on_the_label(analyze):
    article = analyze("Ortiz has been called a liar by several councillors.\n")
    quote = quote_with(article, "a liar")
    assert quote.speaker.text == "several councillors" and "councillors" not in quote.content.text


def test_verb_the_tagger_reads_as_a_plural_noun_keeps_its_subject():
    from presslens.extract.quotes.clauses import find_attributions

    doc = parsed("""
        But       CCONJ CC  cc     2  but
        Halloran  PROPN NNP nsubj  2  Halloran
        claims    NOUN  NNS ROOT   2  claim
        that      SCONJ IN  mark   6  that
        the       DET   DT  det    5  the
        audit     NOUN  NN  nsubj  6  audit
        failed    VERB  VBD ccomp  2  fail
        .         PUNCT .   punct  2  .
    """)
    [found] = find_attributions(doc, [], lambda i: (0, len(doc)))
    assert found.source.text == "Halloran"
    assert doc[found.content[0]:found.content[1]].text == "that the audit failed"


def test_source_of_a_relative_clause_without_that_is_the_noun_before_the_cue(analyze):
    article = analyze("That is a small share of the minimum $20 million analysts say it costs to run a campaign.\n")
    quote = quote_with(article, "it costs to run a campaign")
    assert quote.speaker.text == "analysts"


def test_participle_after_a_preposition_takes_a_passive_subject(analyze):
    article = analyze("After saying her knee was badly swollen, she was taken to a hospital.\n")
    assert quote_with(article, "her knee was badly swollen").speaker.text == "she"


def test_cue_noun_takes_the_one_it_comes_from_and_a_clause_hung_on_the_verb(analyze):
    article = analyze("The vote took place despite repeated warnings from his lawyer that the hearing was pointless.\n")
    quote = quote_with(article, "the hearing was pointless")
    assert quote.speaker.text == "his lawyer"


def test_reported_clause_the_parser_reads_as_an_adverbial_clause(analyze):
    article = analyze("Byrne said after the meeting he would not accept the offer.\n")
    quote = quote_with(article, "he would not accept the offer")
    assert quote.content.text == "he would not accept the offer" and quote.speaker.text == "Byrne"


def test_that_clause_the_parser_reads_as_a_relative_clause_of_the_addressee(analyze):
    article = analyze("In Dublin last week, she told a meeting of island leaders that few people "
                      "understood the risk better than farmers.\n")
    quote = quote_with(article, "few people understood the risk")
    assert quote.speaker.text == "she"


def test_name_after_a_quotation_handed_over_is_the_speaker_not_the_quoted_subject(analyze):
    article = analyze("“The council is in panic mode. Full panic mode,” said Ada Byrne, a harbour official "
                      "in the northern port.\n")
    quote = quote_with(article, "Full panic mode")
    assert quote.speaker.text.startswith("Ada Byrne")


def test_cue_ending_its_paragraph_with_a_colon_introduces_the_next_one(analyze):
    article = analyze("The mayor spoke for an hour.\n\nByrne added:\n\n"
                      "We cannot keep waiting for the council to act. The roads are broken and the money is gone.\n\n"
                      "The vote is next week.\n")
    quote = quote_with(article, "We cannot keep waiting for the council to act")
    assert quote.speaker.text == "Byrne"
    assert "The vote is next week" not in quote.content.text
