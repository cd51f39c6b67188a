"""Training the sentence slant model: rebuilds the shipped vectors and regression head.

Receives the shared data folder (AllSides, NewsSD-ENG, the WNC sample) and the team's labels;
writes ``vectors.npz`` (only with ``distil``: needs the ``train`` extra, onnxruntime and the
int8 encoder) and ``head.json`` into the model folder. Every step is seeded or exact, so two
runs write the same bytes.

The training set (see the model card for the figures):

- the team's labelled AllSides sentences (slanted 1, neutral 0);
- NewsSD-ENG train and validation sentences (SUBJ 1, OBJ 0); its test split is kept for
  ``presslens eval newssd``;
- the WNC sample's training pairs: the sentence before the neutralising edit as slanted, the
  one after as neutral, at half weight since the two differ by a word or two.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from presslens.extract.slant import MAX_PIECES, read_table, read_tokenizer
from presslens.train.sentences import read_articles, read_newssd, read_team_labels, read_wnc

SEED = 16
# Regularisation of the regression (inverse strength), chosen by cross-validation on the
# training sources only.
C = 1.0
WNC_WEIGHT = 0.5
DIGITS = 6  # weights rounded so the JSON is the same on every machine that rounds alike


def sentence_matrix(tokenizer, vectors: np.ndarray, scale: np.ndarray, texts: list[str]) -> np.ndarray:
    """Return one row per text: the mean of its word pieces' static vectors."""
    table = vectors.astype(np.float32) * scale
    rows = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for i, encoding in enumerate(tokenizer.encode_batch(texts, add_special_tokens=False)):
        ids = encoding.ids[:MAX_PIECES]
        if ids:
            rows[i] = table[ids].mean(axis=0)
    return rows


def training_set(data: Path) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, int]]:
    """Return the training texts, their labels, their sample weights and a count per source."""
    texts: list[str] = []
    labels: list[int] = []
    weights: list[float] = []
    counts = {}
    team = read_team_labels(read_articles(data / "allsides"))
    newssd = read_newssd(data / "newssd-eng", "train") + read_newssd(data / "newssd-eng", "val")
    wnc = [(text, label) for pair in read_wnc(data / "wnc-sample", "train") for text, label in zip(pair, (1, 0))]
    for name, rows, weight in (("team", team, 1.0), ("newssd", newssd, 1.0), ("wnc", wnc, WNC_WEIGHT)):
        counts[name] = len(rows)
        for text, label in rows:
            texts.append(text)
            labels.append(label)
            weights.append(weight)
    return texts, np.array(labels), np.array(weights), counts


def fit_head(features: np.ndarray, labels: np.ndarray, weights: np.ndarray, c: float = C) -> tuple[np.ndarray, float]:
    """Return the regression's weights and bias, classes balanced, fitted deterministically."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    model.fit(features, labels, sample_weight=weights)
    return model.coef_[0], float(model.intercept_[0])


def train(data: str | Path, out: str | Path, distil: bool = False) -> dict:
    """Return the written head's metadata, after writing head.json (and vectors.npz if
    distil) into the folder `out`."""
    data, out = Path(data), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = read_tokenizer()
    if distil:
        from presslens.train.distil import distil as distil_table

        articles = read_articles(data / "allsides")
        vectors, scale = distil_table(tokenizer, (articles[k] for k in sorted(articles)[:3000]))
        with (out / "vectors.npz").open("wb") as handle:
            np.savez(handle, vectors=vectors, scale=scale)
    else:
        vectors, scale = read_table()
    texts, labels, weights, counts = training_set(data)
    features = sentence_matrix(tokenizer, vectors, scale, texts)
    coef, bias = fit_head(features, labels, weights)
    head = {
        "weights": [round(float(w), DIGITS) for w in coef],
        "bias": round(bias, DIGITS),
        "threshold": 0.5,
        "trained_on": counts,
        "vectors_sha256": hashlib.sha256(vectors.tobytes() + scale.tobytes()).hexdigest(),
        "seed": SEED,
        "c": C,
    }
    (out / "head.json").write_text(json.dumps(head, indent=1) + "\n", encoding="utf-8")
    return head
