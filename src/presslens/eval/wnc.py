"""Scores the slant model on the Wiki Neutrality Corpus sample's test pairs.

The data set is a folder with ``pre.test`` and ``post.test``: line i of ``pre`` is a sentence
Wikipedia editors judged biased, line i of ``post`` the same sentence after the edit that
neutralised it. Neither split is trained on.

- Detection (Pryzant et al.'s word task): the words of ``pre`` that the edit removed or
  changed are the biased words; the model's most slanting word of ``pre`` (its own token
  attribution) is a hit when it is one of them. Accuracy over the pairs with a changed word.
- Pairs: the share of pairs whose ``pre`` sentence the full pipeline scores as more slanted
  than its ``post`` sentence (ties count half).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path

from presslens.eval.sentences import analyse_sentences
from presslens.extract.slant import load_model
from presslens.train.sentences import read_wnc


def changed_words(pre: str, post: str) -> set[str]:
    """Return the words of `pre` that the edit to `post` removed or replaced."""
    before, after = pre.split(), post.split()
    changed = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            changed.update(w for w in before[i1:i2] if any(c.isalnum() for c in w))
    return changed


def evaluate_wnc(path: str | Path, progress: Callable[[int, int], None] | None = None) -> dict:
    """Return the detection accuracy of the model's top word and the share of pairs ranked right."""
    pairs = read_wnc(path, "test")
    model = load_model()
    hits = judged = 0
    for pre, post in pairs:
        gold = changed_words(pre, post)
        if not gold:
            continue
        judged += 1
        words = model.attribute(pre)
        hits += bool(words) and pre[words[0].start:words[0].end] in gold
    texts = [text for pair in pairs for text in pair]
    slant = dict((i, max((s.slant or 0.0 for s in a.framing.sentences), default=0.0))
                 for i, a in analyse_sentences(texts, progress))
    ranked = [1.0 if slant[2 * i] > slant[2 * i + 1] else 0.5 if slant[2 * i] == slant[2 * i + 1] else 0.0
              for i in range(len(pairs)) if 2 * i in slant and 2 * i + 1 in slant]
    return {"task": "wnc", "metrics": {"detection_accuracy": round(hits / judged, 4) if judged else 0.0,
                                        "pairs_ranked_right": round(sum(ranked) / len(ranked), 4) if ranked else 0.0},
            "pairs": len(pairs), "pairs_with_changed_word": judged}


def format_wnc(result: dict) -> str:
    """Return the scores as readable lines."""
    metrics = result["metrics"]
    return "\n".join([
        f"WNC sample test ({result['pairs']} pairs)", "",
        f"biased word found (top word of the model, {result['pairs_with_changed_word']} pairs): "
        f"{metrics['detection_accuracy'] * 100:.1f}%",
        f"pairs where the biased sentence scores more slanted than its edit: {metrics['pairs_ranked_right'] * 100:.1f}%",
    ])
