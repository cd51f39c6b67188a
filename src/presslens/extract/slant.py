"""The sentence slant model: how likely a sentence is to be slanted, and which words say so.

Receives sentences as plain strings; returns for each a probability in 0..1 that it is
slanted and the words that pushed it there, with character offsets into the sentence.

The model is a logistic regression over static word-piece vectors and five lexicon features
of the sentence (the loaded-word and technique flags framing found in it, and more). The vectors were
distilled from the all-MiniLM-L6-v2 sentence encoder (``presslens.train.distil``); the
regression was trained on NewsSD-ENG, the Wiki Neutrality Corpus sample and the team's own
labelled AllSides sentences (``presslens train slant``, see ``models/slant/MODEL_CARD.md``).
Both ship as package data: nothing is downloaded, and no deep-learning runtime is needed —
the encoder's tokenizer and numpy do the work.

A sentence's vector is the mean of its pieces' vectors, so the regression's score is exactly
the sum of one contribution per piece, plus the lexicon features' share. The pieces' part is
the explanation: a word's weight is the
sum of its pieces' contributions, and the words that weigh most towards "slanted" are the
ones shown.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

MODEL_PACKAGE = "presslens.models.slant"
# Longest sentence read, in word pieces: past it a "sentence" is a run-on block of copy, and
# its first pieces are enough to judge it.
MAX_PIECES = 128
# A word is shown as driving a verdict when it adds at least this much to the logit and at
# least EXPLAIN_SHARE of what the strongest word adds.
MIN_CONTRIBUTION = 0.15
EXPLAIN_SHARE = 0.4
MAX_WORDS = 4


@dataclass(frozen=True)
class SlantWord:
    """A word of the sentence and how much it pushes the verdict towards slanted."""

    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class SlantVerdict:
    """The model's reading of one sentence."""

    probability: float
    words: tuple[SlantWord, ...]


class SlantModel:
    """Scores sentences with the shipped static vectors and regression head."""

    def __init__(self, tokenizer, vectors: np.ndarray, scale: np.ndarray, head: dict,
                 offsets: np.ndarray | None = None):
        self.tokenizer = tokenizer
        # Dequantised once, and projected on the head: a piece's contribution to the logit is
        # then one number, and a sentence is scored with a lookup and a mean. The encoder-taught
        # correction of each piece (``presslens.train.imitate``), when the head has one, is
        # added to that number.
        weights = np.asarray(head["weights"], dtype=np.float32)
        self.piece_logit = (vectors.astype(np.float32) * scale) @ weights
        if offsets is not None:
            self.piece_logit = self.piece_logit + offsets.astype(np.float32)
        self.feature_weights = np.asarray(head["feature_weights"], dtype=np.float64)
        self.bias = float(head["bias"])
        self.threshold = float(head["threshold"])
        self.meta = head

    def score(self, sentences: list[str], features: list[list[float]]) -> list[SlantVerdict]:
        """Return the verdict of each sentence, in order, given the lexicon features of each
        (``presslens.extract.framing.sentence_features``).

        With the encoder on (``presslens.extract.slant_encoder``), the encoder's probability
        replaces the static one for every sentence, or for those the static model is unsure of;
        the words shown stay the static model's attributions, which are exact sums. Only a
        slanted verdict is explained: a neutral sentence has nothing to highlight."""
        if not sentences:
            return []
        encodings = self.tokenizer.encode_batch(sentences, add_special_tokens=False)
        rows = lexicon_rows(features, len(sentences))
        # A sum of products, not a BLAS matmul: five numbers a sentence gain nothing from BLAS,
        # whose kernels may leave floating-point flags numpy then reports as invalid values.
        lexical = (rows * self.feature_weights).sum(axis=1)
        contributions = [self.piece_logit[e.ids[:MAX_PIECES]] / max(1, len(e.ids[:MAX_PIECES])) for e in encodings]
        probabilities = [_sigmoid(float(c.sum()) + float(extra) + self.bias) for c, extra in zip(contributions, lexical)]
        self._second_opinion(sentences, rows, probabilities)
        return [SlantVerdict(probability=p, words=self._words(e, c) if p >= self.threshold and len(c) else ())
                for e, c, p in zip(encodings, contributions, probabilities)]

    def _second_opinion(self, sentences: list[str], rows: np.ndarray, probabilities: list[float]) -> None:
        """Replace, in place, the probabilities the encoder is asked to judge by its own."""
        from presslens.extract import slant_encoder

        which = slant_encoder.mode()
        if which == "off":
            return
        head = slant_encoder.load_head(self.tokenizer)
        chosen = [i for i, p in enumerate(probabilities) if which == "all" or abs(p - self.threshold) < head.band]
        judged = head.probabilities([sentences[i] for i in chosen], rows[chosen])
        for i, p in zip(chosen, judged):
            probabilities[i] = float(p)

    def _words(self, encoding, contributions: np.ndarray) -> tuple[SlantWord, ...]:
        """Return the words that push hardest towards slanted, strongest first."""
        ranked = self.ranked_words(encoding, contributions)
        if not ranked or ranked[0].weight < MIN_CONTRIBUTION:
            return ()
        floor = max(MIN_CONTRIBUTION, ranked[0].weight * EXPLAIN_SHARE)
        return tuple(word for word in ranked[:MAX_WORDS] if word.weight >= floor)

    def attribute(self, sentence: str) -> list[SlantWord]:
        """Return every word of the sentence with what it adds to the log-odds, strongest first."""
        encoding = self.tokenizer.encode(sentence, add_special_tokens=False)
        ids = encoding.ids[:MAX_PIECES]
        return self.ranked_words(encoding, self.piece_logit[ids] / len(ids)) if ids else []

    @staticmethod
    def ranked_words(encoding, contributions: np.ndarray) -> list[SlantWord]:
        """Return the sentence's words (punctuation left out) with their pieces' summed
        contribution, strongest push towards slanted first."""
        by_word: dict[int, list] = {}
        # Each property of an Encoding builds a new list: read them once.
        offsets, tokens = encoding.offsets, encoding.tokens
        for piece, word in enumerate(encoding.word_ids[:len(contributions)]):
            if word is None:
                continue
            start, end = offsets[piece]
            entry = by_word.setdefault(word, [start, end, 0.0, False])
            entry[1] = max(entry[1], end)
            entry[2] += float(contributions[piece]) * len(contributions)
            entry[3] = entry[3] or any(c.isalpha() for c in tokens[piece])
        ranked = sorted((e for e in by_word.values() if e[3]), key=lambda e: -e[2])
        return [SlantWord(start=s, end=e, weight=round(w, 3)) for s, e, w, _ in ranked]


def lexicon_rows(features: list[list[float]], count: int) -> np.ndarray:
    """Return the lexicon features as a float array, one row per sentence, anything not finite
    read as 0 so that one odd value cannot turn a verdict into NaN."""
    rows = np.asarray(features, dtype=np.float64).reshape(count, -1)
    return np.nan_to_num(rows, nan=0.0, posinf=0.0, neginf=0.0)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x > -60 else 0.0


def read_tokenizer(folder=None):
    """Return the encoder's word-piece tokenizer, read from the model's package data."""
    # The tokenizer's own thread pool buys nothing here (presslens runs worker processes, and a
    # sentence batch of an article is small) and, on a busy machine, made encoding an article's
    # sentences five times slower; a user's own setting is kept.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from tokenizers import Tokenizer

    folder = folder or files(MODEL_PACKAGE)
    tokenizer = Tokenizer.from_str(folder.joinpath("tokenizer.json").read_text(encoding="utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def read_table(folder=None) -> tuple[np.ndarray, np.ndarray]:
    """Return the int8 static vectors and their per-dimension scales from package data."""
    folder = folder or files(MODEL_PACKAGE)
    with folder.joinpath("vectors.npz").open("rb") as handle:
        table = np.load(handle)
        return table["vectors"], table["scale"]


@cache
def load_model() -> SlantModel:
    """Return the shipped slant model, loaded once per process."""
    folder = files(MODEL_PACKAGE)
    vectors, scale = read_table(folder)
    head = json.loads(folder.joinpath("head.json").read_text(encoding="utf-8"))
    return SlantModel(read_tokenizer(folder), vectors, scale, head, read_offsets(folder, head))


def read_offsets(folder, head: dict) -> np.ndarray | None:
    """Return the encoder-taught correction of every piece's contribution, if the head has one."""
    pieces = head.get("pieces")
    if not pieces:
        return None
    with folder.joinpath(pieces["file"]).open("rb") as handle:
        return np.load(handle)["offsets"]
