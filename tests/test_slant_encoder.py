"""The slant model's encoder: off by default, judges every sentence or only the unsure ones when
asked, keeps the static model's explanations, refuses a bad setting in one sentence, and
retrains its head to the same bytes twice; odd lexicon features never decide a verdict."""

from __future__ import annotations

import json
import math

import pytest

from presslens.extract import slant_encoder
from presslens.extract.slant import load_model
from test_slant import NO_FEATURES, PLAIN, SLANTED, TRAINING_ROWS, write_data

pytest.importorskip("onnxruntime", reason="the encoder extra is not installed")

HEDGED = "Critics say the plan could make the housing shortage worse, though the council disputes it."


def scores(monkeypatch, choice: str, sentences: list[str]) -> list:
    monkeypatch.setenv(slant_encoder.MODE_ENV, choice)
    return load_model().score(sentences, [NO_FEATURES] * len(sentences))


def test_encoder_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv(slant_encoder.MODE_ENV, raising=False)
    assert slant_encoder.mode() == "off"


def test_encoder_judges_every_sentence_and_static_words_explain_it(monkeypatch):
    sentences = [SLANTED, PLAIN, HEDGED]
    static = scores(monkeypatch, "off", sentences)
    judged = scores(monkeypatch, "all", sentences)
    threshold = load_model().threshold
    assert judged[0].probability >= threshold > judged[1].probability
    assert all(a.probability != b.probability for a, b in zip(static, judged))
    shown = {SLANTED[w.start:w.end].lower() for w in judged[0].words}
    assert shown and shown <= {SLANTED[w.start:w.end].lower() for w in load_model().attribute(SLANTED)}
    assert judged[1].words == ()


def test_unsure_mode_leaves_confident_static_verdicts_alone(monkeypatch):
    sentences = [SLANTED, PLAIN, HEDGED]
    static = scores(monkeypatch, "off", sentences)
    unsure = scores(monkeypatch, "uncertain", sentences)
    band = slant_encoder.load_head(load_model().tokenizer).band
    threshold = load_model().threshold
    for before, after in zip(static, unsure):
        if abs(before.probability - threshold) >= band:
            assert after.probability == before.probability


def test_odd_lexicon_features_read_as_zero():
    model = load_model()
    odd, zero = model.score([PLAIN, PLAIN], [[math.nan, math.inf, 0.0, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0, 0.5]])
    assert math.isfinite(odd.probability) and odd.probability == zero.probability


def test_a_bad_encoder_setting_is_one_sentence_and_a_non_zero_exit(tmp_path, monkeypatch, capsys):
    from presslens.cli import main

    article = tmp_path / "a.txt"
    article.write_text(PLAIN + "\n", encoding="utf-8")
    monkeypatch.setenv(slant_encoder.MODE_ENV, "sometimes")
    assert main(["analyze", str(article)]) != 0
    error = capsys.readouterr().err.strip()
    assert slant_encoder.MODE_ENV in error and len(error.splitlines()) == 1


def test_encoder_head_trains_to_the_same_bytes_twice(tmp_path):
    from presslens.train.slant import train_encoder_head

    write_data(tmp_path, TRAINING_ROWS)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    train_encoder_head(tmp_path, first)
    train_encoder_head(tmp_path, second)
    written = (first / slant_encoder.HEAD).read_bytes()
    assert written == (second / slant_encoder.HEAD).read_bytes()
    head = json.loads(written)
    assert len(head["weights"]) == slant_encoder.DIMENSIONS and len(head["feature_weights"]) == len(NO_FEATURES)


def test_static_head_taught_by_the_encoder_trains_to_the_same_bytes_twice(tmp_path, monkeypatch):
    import gzip

    import presslens.train.slant as training
    from presslens.extract.slant import SlantModel, read_offsets, read_table, read_tokenizer
    from presslens.train.slant import PIECES, train

    write_data(tmp_path, TRAINING_ROWS)
    # A second article, and only one of the two reserved for labelling: the other teaches.
    with gzip.open(tmp_path / "allsides" / "articles.jsonl.gz", "at", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "second-article", "text": HEDGED}) + "\n")
    monkeypatch.setattr(training, "RESERVED_DRAW", 1)
    first, second = tmp_path / "first", tmp_path / "second"
    train(tmp_path, first, encoder=True)
    train(tmp_path, second, encoder=True)
    for name in ("head.json", slant_encoder.HEAD, PIECES):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    head = json.loads((first / "head.json").read_text(encoding="utf-8"))
    assert head["pieces"]["file"] == PIECES and head["pieces"]["sentences"] == 1
    vectors, scale = read_table()
    model = SlantModel(read_tokenizer(), vectors, scale, head, read_offsets(first, head))
    [verdict] = model.score([PLAIN], [NO_FEATURES])
    assert 0.0 <= verdict.probability <= 1.0
    train(tmp_path, first)  # a head without the encoder leaves no corrections behind
    assert not (first / PIECES).exists()
