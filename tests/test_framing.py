"""Framing: loaded words and labels with targets, quoted wording given to its speaker, neutral
reporting left alone, sentence bias, voices, and the BABE and PTC scorers on tiny folders."""

from __future__ import annotations

import pytest
from tests.conftest import entity_named

from presslens.eval.babe import evaluate_babe, format_babe
from presslens.eval.ptc import SICounts, evaluate_ptc, format_ptc, merge

LOADED_REPORT = (
    "Kremlin critics condemned the sham vote on Sunday.\n\n"
    "President Vladimir Putin of Russia signed the decrees in Moscow. The Kremlin dictator "
    "then praised the result of the bogus ballot, which observers said was rigged.\n\n"
    "The bill now goes to the Duma, the regime’s puppet parliament, which has never said no."
)

NEUTRAL_REPORT = (
    "At least 12 people were killed and 30 wounded when a missile hit an apartment building in "
    "the city of Dnipro on Tuesday, regional officials said.\n\n"
    "Rescue teams searched the rubble through the night. The regional governor, Maria Olsen, "
    "said: “Emergency crews are still working at the site and the number may change.”\n\n"
    "The city council will meet on Thursday to discuss the repairs."
)


def top_score(article) -> float:
    return max(s.score for s in article.framing.sentences)


def flag_on(article, words: str):
    """Return the framing span whose text holds these words, or None."""
    return next((s for s in article.framing.spans if words in s.text), None)


@pytest.fixture(scope="module")
def loaded(analyze):
    return analyze(LOADED_REPORT)


@pytest.fixture(scope="module")
def neutral(analyze):
    return analyze(NEUTRAL_REPORT)


def test_loaded_words_are_flagged_as_loaded_language(loaded):
    for word in ("sham", "bogus", "rigged"):
        span = flag_on(loaded, word)
        assert span is not None, word
        assert span.technique == "loaded_language"
        assert loaded.text[span.start:span.end] == span.text


def test_kremlin_dictator_is_name_calling_aimed_at_putin(loaded):
    span = flag_on(loaded, "dictator")
    assert span is not None and span.technique == "name_calling"
    assert span.text == "Kremlin dictator"
    putin = entity_named(loaded, "Vladimir Putin")
    assert putin is not None and span.target == putin.id


def test_puppet_parliament_is_labelled_and_aimed_at_the_duma(loaded):
    span = flag_on(loaded, "puppet")
    assert span is not None and span.technique == "name_calling"
    assert span.text == "puppet parliament"
    duma = entity_named(loaded, "Duma")
    assert duma is not None and span.target == duma.id


def test_flags_carry_a_reason(loaded):
    assert all(span.reason for span in loaded.framing.spans)


def test_flags_in_the_article_voice_are_not_marked_as_quoted(loaded):
    assert not flag_on(loaded, "Kremlin dictator").in_quote


def test_neutral_casualty_report_is_not_flagged(neutral):
    assert neutral.framing.spans == []
    assert all(s.label == "neutral" for s in neutral.framing.sentences)


def test_general_praise_is_not_loaded_but_general_contempt_is(analyze):
    article = analyze("The harvest was excellent this year and the growers were happy with the prices.\n\n"
                      "The council's handling of the harvest was disgraceful.\n")
    assert not [s for s in article.framing.spans if s.technique == "loaded_language" and "excellent" in s.text]
    assert not [s for s in article.framing.spans if "happy" in s.text]
    assert flag_on(article, "disgraceful") is not None


def test_neutral_quote_is_counted_as_a_voice_without_flags(neutral):
    olsen = next(v for v in neutral.framing.voices if v.name == "Maria Olsen")
    assert olsen.quotes == 1 and olsen.words >= 10
    assert not any(s.in_quote for s in neutral.framing.spans)


def test_same_loaded_word_in_a_quotation_belongs_to_the_speaker(analyze):
    article = analyze(
        "Foreign Minister Anna Berg of Sweden spoke in Stockholm on Friday.\n\n"
        "“This is a sham referendum and a bogus process,” Berg said."
    )
    for word in ("sham", "bogus"):
        span = flag_on(article, word)
        assert span is not None and span.in_quote
        berg = entity_named(article, "Anna Berg")
        assert span.speaker_entity_id == berg.id
        assert span.quote_id is not None
    assert article.framing.summary.quoted_flags >= 2
    assert article.framing.summary.own_voice_flags == 0


def test_loaded_sentence_scores_higher_than_neutral_one(analyze):
    article = analyze(
        "The council approved the budget on Monday.\n\n"
        "The corrupt, shameless mayor pushed through his absurd and disgraceful scheme."
    )
    first, second = article.framing.sentences
    assert second.score > first.score
    assert second.label == "biased" and first.label == "neutral"
    assert 0.0 <= first.score <= 1.0


def test_judging_reporting_verbs_and_intensifiers_slant_a_sentence(analyze):
    plain = analyze("The minister said the harbour budget was balanced last year.\n")
    slanted = analyze("The minister insisted the harbour budget was flatly balanced last year.\n")
    dated = analyze("The minister said the harbour budget was balanced last year and recently.\n")
    assert top_score(slanted) > top_score(plain)
    assert top_score(dated) == top_score(plain)  # "recently" dates, it does not intensify


def test_summary_counts_biased_sentences_and_quoted_words(loaded, neutral):
    summary = loaded.framing.summary
    assert summary.sentences == len(loaded.framing.sentences)
    assert summary.biased_sentences >= 1
    assert 0 < summary.biased_share <= 1
    assert summary.techniques.get("loaded_language", 0) >= 3
    assert neutral.framing.summary.quoted_words > 0
    assert neutral.framing.summary.own_words > 0
    assert 0 < neutral.framing.summary.quoted_share < 1


def test_voices_shares_sum_to_one_and_group_by_side(analyze):
    article = analyze(
        "Kremlin spokesman Dmitry Peskov said on Monday that the talks had failed and that "
        "Moscow would not change its position.\n\n"
        "“We will respond to any provocation,” Peskov said.\n\n"
        "German Foreign Minister Annalena Baerbock said the move was unacceptable.\n\n"
        "UN Secretary-General Antonio Guterres said that all sides must return to the table."
    )
    voices = article.framing.voices
    names = {v.name for v in voices}
    assert {"Dmitry Peskov", "Annalena Baerbock", "Antonio Guterres"} <= names
    assert sum(v.share for v in voices) == pytest.approx(1.0, abs=1e-3)
    groups = {v.name: v.group for v in voices}
    assert groups["Dmitry Peskov"] == "Russian officials"
    assert groups["Annalena Baerbock"] == "Western governments"
    assert groups["Antonio Guterres"] == "international organisations"
    assert sum(g.share for g in article.framing.groups) == pytest.approx(1.0, abs=1e-3)
    peskov = next(v for v in voices if v.name == "Dmitry Peskov")
    assert peskov.quotes == 2


def test_unattributed_quotes_make_a_voice_of_their_own(analyze):
    article = analyze(
        "The bridge was closed on Monday.\n\n"
        "“Nobody told us anything about the closure, and we have waited for hours here.”"
    )
    unattributed = [v for v in article.framing.voices if v.group == "unattributed"]
    if article.quotes:
        assert len(unattributed) <= 1
    assert article.framing.summary.unattributed_words == sum(v.words for v in unattributed)


def test_pattern_techniques_are_found(analyze):
    article = analyze(
        "The so-called experts refused to answer.\n\n"
        "Critics say the plan will destroy our nation and its values.\n\n"
        "This is the worst deal in history."
    )
    techniques = {s.technique for s in article.framing.spans}
    assert "doubt" in techniques
    assert "flag_waving" in techniques
    assert "exaggeration" in techniques


def test_framing_serialises_with_contract_fields(loaded):
    data = loaded.model_dump()["framing"]
    span = data["spans"][0]
    assert {"technique", "start", "end", "text", "target"} <= set(span)
    for voice in data["voices"]:
        assert {"entity_id", "name", "quotes", "words", "share"} <= set(voice)


def write_babe(folder) -> None:
    rows = [
        ("The senator's absurd, disgraceful and corrupt scheme insulted every voter.", "Biased",
         "['absurd', 'disgraceful']"),
        ("The committee will meet on Tuesday to review the proposal.", "Non-biased", "[]"),
        ("The agency published its annual report on Monday.", "Non-biased", "[]"),
        ("Nobody could agree on this one.", "No agreement", "[]"),
    ]
    lines = ["text;news_link;outlet;topic;type;label_bias;label_opinion;biased_words"]
    lines += [f"{text};;;;;{label};;{words}" for text, label, words in rows]
    (folder / "final_labels_test.csv").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def test_babe_scorer_on_a_tiny_folder(tmp_path):
    write_babe(tmp_path)
    result = evaluate_babe(tmp_path)
    assert result["task"] == "babe"
    assert result["sentences"] == 3  # "No agreement" dropped
    metrics = result["metrics"]
    assert metrics["sentence_macro_f1"] == pytest.approx(1.0)
    assert metrics["word"]["p"] > 0 and metrics["word"]["r"] == pytest.approx(1.0)
    assert metrics["flags_on_biased_word"] >= 2
    assert "macro F1" in format_babe(result)


def test_babe_scorer_rejects_a_folder_without_labels(tmp_path):
    from presslens.errors import InputError

    with pytest.raises(InputError):
        evaluate_babe(tmp_path)


def test_si_score_gives_partial_credit_like_the_official_scorer():
    counts = SICounts()
    # One prediction half inside one gold span; a second gold span missed.
    counts.add([(0, 10)], [(5, 15), (20, 30)])
    scores = counts.scores()
    assert scores["p"] == pytest.approx(0.5)
    assert scores["r"] == pytest.approx(0.25)
    assert merge([(5, 8), (0, 6), (10, 12)]) == [(0, 8), (10, 12)]


def test_ptc_scorer_on_a_tiny_folder(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    text = ("Council meets on budget\n\n"
            "The corrupt mayor and his sham committee met on Monday. The budget was approved.\n")
    (articles / "article1.txt").write_text(text, encoding="utf-8")
    start = text.index("sham")
    labels = [f"1\tLoaded_Language\t{start}\t{start + 4}",
              f"1\tDoubt\t{text.index('The budget')}\t{text.index('approved') + 8}"]
    (tmp_path / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    result = evaluate_ptc(tmp_path)
    assert result["articles"] == 1
    loaded = result["metrics"]["per_technique"]["Loaded_Language"]
    assert loaded["r"] == pytest.approx(1.0)
    assert result["metrics"]["per_technique"]["Doubt"]["r"] == 0.0
    si = result["metrics"]["span_si"]
    assert 0 < si["p"] <= 1 and si["r"] == pytest.approx(0.5)
    assert "span identification" in format_ptc(result)
