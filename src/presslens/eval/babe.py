"""Scores sentence bias and loaded-word flags on BABE (Bias Annotations By Experts).

The data set is a folder of one or more ``final_labels_*.csv`` files: ``;``-separated, with a
byte-order mark, one sentence per row with ``label_bias`` (Biased / Non-biased / No
agreement) and ``biased_words`` (a Python-style list of the words annotators marked).

Each sentence goes through the full pipeline as a one-sentence article. A sentence is
predicted Biased when any of its sentence scores is labelled biased (since the slant model,
the model's verdict).

- Sentence level: precision, recall and F1 of Biased, of Non-biased, and their macro F1
  ("No agreement" rows are dropped).
- Word level, over Biased sentences: a flagged span's words are the predicted words, the
  annotated ``biased_words`` the gold words, both compared lower-cased as sets per sentence;
  the same for the words the slant model shows as driving its verdict ("explaining words").
  ``flags_on_biased_word`` counts the flagged spans that hold at least one annotated word.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Callable
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import prf_from_matches
from presslens.eval.sentences import analyse_sentences, is_biased

WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
BIASED, NEUTRAL = "Biased", "Non-biased"


def read_babe(path: str | Path) -> list[dict]:
    """Return the labelled sentences of every ``final_labels_*.csv`` in the folder."""
    folder = Path(path)
    files = sorted(folder.glob("final_labels_*.csv")) if folder.is_dir() else []
    if not files:
        raise InputError("is not a BABE folder (it needs final_labels_*.csv files)", str(folder))
    rows = []
    for file in files:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                if row.get("label_bias") not in (BIASED, NEUTRAL) or not (row.get("text") or "").strip():
                    continue
                rows.append({"text": row["text"], "label": row["label_bias"],
                             "words": _biased_words(row.get("biased_words") or "")})
    return rows


def _biased_words(cell: str) -> set[str]:
    try:
        words = ast.literal_eval(cell) if cell.strip() else []
    except (ValueError, SyntaxError):
        words = re.findall(r"'([^']*)'", cell)
    return {w.lower() for item in words for w in WORD.findall(str(item))}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    return prf_from_matches(tp, tp + fp, tp, tp + fn)


def evaluate_babe(path: str | Path, progress: Callable[[int, int], None] | None = None,
                  limit: int | None = None) -> dict:
    """Return sentence-level P/R/macro F1 of Biased vs Non-biased and word-level P/R/F1 of
    flagged words against the annotated biased words.

    ``progress(done, total)`` is called after each sentence; ``limit`` scores only the first
    sentences (for quick runs while developing).
    """
    rows = read_babe(path)
    if limit:
        rows = rows[:limit]
    confusion = {(gold, pred): 0 for gold in (BIASED, NEUTRAL) for pred in (BIASED, NEUTRAL)}
    word_tp = word_fp = word_fn = 0
    shown = {"tp": 0, "fp": 0, "fn": 0}
    sources = {"lexicon": 0, "model": 0}
    flags = flags_on_word = 0
    done = 0
    failed: list[int] = []
    for index, article in analyse_sentences([row["text"] for row in rows], progress, failed):
        row = rows[index]
        confusion[(row["label"], BIASED if is_biased(article) else NEUTRAL)] += 1
        if row["label"] == BIASED:
            predicted: set[str] = set()
            for span in article.framing.spans:
                words = {w.lower() for w in WORD.findall(span.text)}
                predicted |= words
                flags += 1
                flags_on_word += bool(words & row["words"])
            word_tp += len(predicted & row["words"])
            word_fp += len(predicted - row["words"])
            word_fn += len(row["words"] - predicted)
            explained = {w.text.lower() for s in article.framing.sentences for w in s.words}
            for s in article.framing.sentences:
                for w in s.words:
                    sources[w.source] += 1
            shown["tp"] += len(explained & row["words"])
            shown["fp"] += len(explained - row["words"])
            shown["fn"] += len(row["words"] - explained)
        done += 1
    biased = _prf(confusion[(BIASED, BIASED)], confusion[(NEUTRAL, BIASED)], confusion[(BIASED, NEUTRAL)])
    neutral = _prf(confusion[(NEUTRAL, NEUTRAL)], confusion[(BIASED, NEUTRAL)], confusion[(NEUTRAL, BIASED)])
    return {
        "task": "babe",
        "metrics": {
            "sentence_macro_f1": round((biased["f1"] + neutral["f1"]) / 2, 4),
            "sentence": biased,
            "sentence_neutral": neutral,
            "word": _prf(word_tp, word_fp, word_fn),
            "explanation_word": _prf(shown["tp"], shown["fp"], shown["fn"]),
            "explanation_sources": sources,
            "flags": flags,
            "flags_on_biased_word": flags_on_word,
        },
        "sentences": done,
        "failed": len(failed),
    }


def format_babe(result: dict) -> str:
    """Return the scores as a readable table."""
    metrics = result["metrics"]
    lines = [f"BABE sentence bias and loaded words ({result['sentences']} sentences)", "",
             f"{'':22}{'P':>8}{'R':>8}{'F1':>8}"]
    for label, key in (("sentence: biased", "sentence"), ("sentence: non-biased", "sentence_neutral"),
                       ("flagged words", "word"), ("explaining words", "explanation_word")):
        scores = metrics[key]
        lines.append(f"{label:22}{scores['p'] * 100:8.1f}{scores['r'] * 100:8.1f}{scores['f1'] * 100:8.1f}")
    lines.append(f"{'sentence macro F1':22}{'':16}{metrics['sentence_macro_f1'] * 100:8.1f}")
    lines.append(f"flags on an annotated biased word: {metrics['flags_on_biased_word']} of {metrics['flags']}")
    sources = metrics["explanation_sources"]
    lines.append(f"explaining words (biased sentences): {sources['lexicon']} from the lexicon and model, "
                 f"{sources['model']} from the model alone")
    if result.get("failed"):
        lines.append(f"sentences the pipeline failed on (left out): {result['failed']}")
    return "\n".join(lines)
