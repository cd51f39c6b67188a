"""The sentence slant model: it loads from package data, reads slanted copy as slanted and
plain reporting as neutral, explains itself with words of the sentence, feeds framing, and
retrains to the same weights twice; the NewsSD-ENG and WNC scorers on tiny folders."""

from __future__ import annotations

import csv
import gzip
import json

import pytest

from presslens.extract.framing import drop_neutral_flags
from presslens.extract.slant import load_model
from presslens.record import FramingSpan, SentenceBias

SLANTED = "The senator's pathetic, dishonest rant was yet another disgraceful stunt by a failed radical."
PLAIN = "The council approved the budget on Tuesday by a vote of seven to two."
NO_FEATURES = [0.0, 0.0, 0.0, 0.0, 0.5]


def test_model_loads_from_package_data_and_reads_slant():
    model = load_model()
    slanted, plain = model.score([SLANTED, PLAIN], [NO_FEATURES, NO_FEATURES])
    assert 0.0 <= plain.probability < model.threshold <= slanted.probability <= 1.0
    assert slanted.probability - plain.probability > 0.3


def test_loaded_words_push_the_verdict_and_explain_it():
    model = load_model()
    [verdict] = model.score([SLANTED], [NO_FEATURES])
    shown = [SLANTED[w.start:w.end].lower() for w in verdict.words]
    assert shown and all(word.isalpha() for word in shown)
    assert {"pathetic", "dishonest", "disgraceful", "rant", "stunt", "radical", "failed"} & set(shown)
    weights = [w.weight for w in verdict.words]
    assert weights == sorted(weights, reverse=True)


def test_lexicon_features_raise_the_slant_of_the_same_words():
    model = load_model()
    bare, flagged = model.score([PLAIN, PLAIN], [NO_FEATURES, [0.9, 1.0, 0.0, 0.0, 0.5]])
    assert flagged.probability > bare.probability


def test_framing_gives_each_sentence_a_slant_and_explains_biased_ones(analyze):
    article = analyze(f"{PLAIN}\n\n{SLANTED}\n")
    plain, slanted = article.framing.sentences
    assert plain.label == "neutral" and plain.words == []
    assert slanted.label == "biased" and slanted.slant > plain.slant
    for word in slanted.words:
        assert article.text[word.start:word.end] == word.text
        assert word.source in {"lexicon", "model"}
    flagged = {(f.start, f.end) for f in article.framing.spans}
    lexicon = [w for w in slanted.words if w.source == "lexicon"]
    assert all(any(s < w.end and w.start < e for s, e in flagged) for w in lexicon)


def test_flags_in_neutral_sentences_can_be_dropped_but_quoted_ones_stay():
    sentences = [SentenceBias(start=0, end=20, score=0.2, label="neutral"),
                 SentenceBias(start=21, end=40, score=0.9, label="biased")]
    own = FramingSpan(technique="loaded_language", start=3, end=8, text="x")
    quoted = FramingSpan(technique="loaded_language", start=10, end=14, text="y", in_quote=True)
    in_biased = FramingSpan(technique="loaded_language", start=25, end=30, text="z")
    assert drop_neutral_flags([own, quoted, in_biased], sentences) == [quoted, in_biased]


def write_data(folder, seed_rows):
    """Write a tiny shared-data folder: AllSides articles the labels do not point into, and a
    NewsSD-ENG split of sentences written for this test."""
    (folder / "allsides").mkdir()
    with gzip.open(folder / "allsides" / "articles.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "test-article", "text": PLAIN}) + "\n")
    (folder / "newssd-eng").mkdir()
    for split in ("train", "val"):
        with (folder / "newssd-eng" / f"{split}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Sentence", "Label", "Solved conflict"])
            for text, label in seed_rows:
                writer.writerow([text, label, "False"])


TRAINING_ROWS = [
    (PLAIN, "OBJ"), (SLANTED, "SUBJ"),
    ("Rescue crews reached the village on Friday, officials said.", "OBJ"),
    ("This shameful, cowardly decision betrays every family in the city.", "SUBJ"),
    ("The report lists 14 bridges due for repair next year.", "OBJ"),
    ("Only a fool would believe the minister's laughable excuses.", "SUBJ"),
]


def test_training_writes_the_same_weights_twice(tmp_path):
    from presslens.train.slant import train

    write_data(tmp_path, TRAINING_ROWS)
    first, second = tmp_path / "first", tmp_path / "second"
    train(tmp_path, first)
    train(tmp_path, second)
    assert (first / "head.json").read_bytes() == (second / "head.json").read_bytes()
    head = json.loads((first / "head.json").read_text(encoding="utf-8"))
    assert head["trained_on"] == {"team": 0, "newssd": 12}
    assert len(head["feature_weights"]) == len(NO_FEATURES)


def test_train_command_refuses_a_folder_without_the_data_sets(tmp_path, capsys):
    from presslens.cli import main

    assert main(["train", "slant", str(tmp_path)]) == 2
    assert "allsides" in capsys.readouterr().err


def test_newssd_scorer_on_a_tiny_folder(tmp_path):
    from presslens.eval.newssd import evaluate_newssd, format_newssd

    with (tmp_path / "test.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Sentence", "Label", "Solved conflict"])
        writer.writerow([PLAIN, "OBJ", "False"])
        writer.writerow([SLANTED, "SUBJ", "False"])
    result = evaluate_newssd(tmp_path)
    assert result["sentences"] == 2
    assert result["metrics"]["macro_f1"] == pytest.approx(1.0)
    assert "published" in format_newssd(result)


def test_wnc_scorer_finds_the_changed_word(tmp_path):
    from presslens.eval.wnc import changed_words, evaluate_wnc, format_wnc

    pre = "the disgraceful mayor opened the new bridge ."
    post = "the mayor opened the new bridge ."
    assert changed_words(pre, post) == {"disgraceful"}
    (tmp_path / "pre.test").write_text(pre + "\n", encoding="utf-8")
    (tmp_path / "post.test").write_text(post + "\n", encoding="utf-8")
    result = evaluate_wnc(tmp_path)
    assert result["metrics"]["detection_accuracy"] == pytest.approx(1.0)
    assert result["metrics"]["pairs_ranked_right"] == pytest.approx(1.0)
    assert "biased word found" in format_wnc(result)
