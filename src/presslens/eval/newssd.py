"""Scores the slant model on NewsSD-ENG's test split (sentence subjectivity, SUBJ vs OBJ).

The data set is a folder with ``test.csv`` (``Sentence,Label,...``). Each sentence goes
through the full pipeline as a one-sentence article and is predicted SUBJ when a sentence of
it is labelled biased. The train and validation splits are training data of the model; the
test split is never trained on.

The published baselines (the corpus's repository, trained and tested on English) are printed
beside the figure: multilingual BERT fine-tuned 0.76 macro F1, SBERT embeddings + logistic
regression 0.69, TF-IDF + logistic regression 0.55.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from presslens.eval.sentences import analyse_sentences, is_biased, macro_f1
from presslens.train.sentences import read_newssd

BASELINES = (("mBERT fine-tuned", 0.76), ("SBERT + logistic regression", 0.69),
             ("TF-IDF + logistic regression", 0.55))


def evaluate_newssd(path: str | Path, progress: Callable[[int, int], None] | None = None) -> dict:
    """Return P/R/F1 of SUBJ and OBJ and their macro F1 on the test split."""
    rows = read_newssd(path, "test")
    failed: list[int] = []
    predicted = dict((i, is_biased(a)) for i, a in analyse_sentences([t for t, _ in rows], progress, failed))
    kept = [i for i in range(len(rows)) if i in predicted]
    scores = macro_f1([bool(rows[i][1]) for i in kept], [predicted[i] for i in kept])
    return {"task": "newssd", "metrics": {"macro_f1": scores["macro_f1"], "subj": scores["positive"],
                                           "obj": scores["negative"]},
            "sentences": len(kept), "failed": len(failed), "baselines": dict(BASELINES)}


def format_newssd(result: dict) -> str:
    """Return the scores as a readable table, next to the published baselines."""
    metrics = result["metrics"]
    lines = [f"NewsSD-ENG test: subjective vs objective sentences ({result['sentences']} sentences)", "",
             f"{'':40}{'P':>8}{'R':>8}{'F1':>8}"]
    for label, key in (("SUBJ", "subj"), ("OBJ", "obj")):
        scores = metrics[key]
        lines.append(f"{label:40}{scores['p'] * 100:8.1f}{scores['r'] * 100:8.1f}{scores['f1'] * 100:8.1f}")
    lines.append(f"{'macro F1: presslens slant':40}{'':16}{metrics['macro_f1'] * 100:8.1f}")
    for name, figure in BASELINES:
        lines.append(f"{'macro F1: ' + name:40}{'':16}{figure * 100:8.1f}  (published)")
    return "\n".join(lines)
