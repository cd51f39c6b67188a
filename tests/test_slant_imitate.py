"""The static head taught by the encoder head: each word piece's contribution moves towards what
the teacher says of the sentences it appears in, a piece never seen keeps its own, the fit is
the same twice, and the shipped model adds the corrections to its pieces' contributions."""

from __future__ import annotations

import numpy as np

from presslens.extract.slant import SlantModel, load_model, read_tokenizer
from presslens.train.imitate import imitate

LOADED = [
    "The mayor gave a ghastly speech to the council.",
    "Critics called the plan ghastly and the vote ghastly too.",
    "A ghastly budget passed the assembly on Monday.",
]
PLAIN = [
    "The mayor gave a speech to the council.",
    "The assembly passed the budget on Monday.",
    "The council meets again next week.",
]


def fitted():
    tokenizer = read_tokenizer()
    texts = LOADED + PLAIN
    teacher = np.array([3.0] * len(LOADED) + [-3.0] * len(PLAIN))
    lexical = np.zeros((len(texts), 5))
    return tokenizer, imitate(tokenizer, np.zeros(tokenizer.get_vocab_size()), np.zeros(5), 0.0,
                              texts, lexical, teacher, damp=0.01)


def test_a_word_the_teacher_reads_as_slanted_gains_and_an_unseen_one_keeps_its_weight():
    tokenizer, (pieces, features, bias) = fitted()
    [ghastly] = tokenizer.encode("ghastly", add_special_tokens=False).ids[:1]
    [unseen] = tokenizer.encode("zeppelin", add_special_tokens=False).ids[:1]
    assert pieces[ghastly] > 1.0
    assert pieces[unseen] == 0.0
    assert features.shape == (5,) and np.isfinite(bias)


def test_the_fit_is_the_same_twice():
    _, first = fitted()
    _, second = fitted()
    assert np.array_equal(first[0], second[0]) and first[2] == second[2]


def test_corrections_add_to_the_pieces_contributions_and_explain_the_verdict():
    shipped = load_model()
    tokenizer = shipped.tokenizer
    [piece] = tokenizer.encode("ghastly", add_special_tokens=False).ids[:1]
    offsets = np.zeros(tokenizer.get_vocab_size(), dtype=np.float32)
    offsets[piece] = 40.0
    vectors = np.zeros((tokenizer.get_vocab_size(), 2), dtype=np.int8)
    head = {"weights": [0.0, 0.0], "feature_weights": [0.0] * 5, "bias": -1.0, "threshold": 0.5}
    bare = SlantModel(tokenizer, vectors, np.ones(2, dtype=np.float32), head)
    taught = SlantModel(tokenizer, vectors, np.ones(2, dtype=np.float32), head, offsets)
    sentence = "The mayor gave a ghastly speech."
    [before] = bare.score([sentence], [[0.0] * 5])
    [after] = taught.score([sentence], [[0.0] * 5])
    assert before.probability < 0.5 <= after.probability
    assert [sentence[w.start:w.end] for w in after.words] == ["ghastly"]
