"""Scores time expressions on MEANTIME (TIMEX3 gold on Wikinews articles), TempEval-3 style.

The data set is a folder holding ``gold_timex.jsonl`` (one document a line: ``doc_id``,
``dct`` the publication date, ``timexes`` with character offsets, ``type`` and ``value``) and
``txt/<doc_id>.txt``, the text those offsets point into. Each text is parsed as it is (so the
offsets stay the gold's) and tagged by ``extract_times`` with the ``dct`` as publication date.

Metrics (UzZaman et al., SemEval-2013 TempEval-3): strict span precision, recall and F1
(exact offsets), relaxed span P/R/F1 (any overlap, each expression matched at most once),
type and value accuracy over the relaxed matches, and value F1 = relaxed F1 x value
accuracy, the task's ranking measure.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import f1, ratio

Tagged = list[dict]  # {"start", "end", "type", "value"} per expression


def read_gold(path: Path) -> list[dict]:
    """Return the gold documents, each with its text under "text"."""
    gold_file = path / "gold_timex.jsonl"
    if not gold_file.is_file():
        raise InputError("holds no gold_timex.jsonl (a MEANTIME TIMEX3 folder is expected)", str(path))
    documents = []
    for number, line in enumerate(gold_file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
            text_file = path / "txt" / f"{document['doc_id']}.txt"
            document["text"] = text_file.read_text(encoding="utf-8")
        except (ValueError, KeyError, OSError) as error:
            raise InputError(f"line {number} of gold_timex.jsonl cannot be read ({type(error).__name__})",
                             str(gold_file)) from None
        documents.append(document)
    return documents


def tag_with_presslens(documents: list[dict], progress: Callable | None = None) -> list[Tagged]:
    """Return presslens's time expressions for each document."""
    from presslens.extract.times import extract_times
    from presslens.nlp import BATCH_SIZE, load_pipeline

    nlp = load_pipeline()
    if progress:
        progress(0, len(documents))
    tagged = []
    for done, (document, doc) in enumerate(zip(documents, nlp.pipe(d["text"] for d in documents),
                                               strict=True), 1):
        tagged.append([t.model_dump() for t in extract_times(doc, document.get("dct"))])
        if progress and done % BATCH_SIZE == 0:
            progress(done, len(documents))
    if progress:
        progress(len(documents), len(documents))
    return tagged


def score(documents: list[dict], tagged: Iterable[Tagged]) -> dict:
    """Return the TempEval-3 figures of tagged expressions against the documents' gold."""
    gold_count = predicted_count = strict = relaxed = same_type = same_value = 0
    for document, predicted in zip(documents, tagged, strict=True):
        gold = document["timexes"]
        gold_count += len(gold)
        predicted_count += len(predicted)
        used: set[int] = set()
        for g in gold:
            match = next((i for i, p in enumerate(predicted)
                          if i not in used and p["start"] < g["end"] and g["start"] < p["end"]), None)
            if match is None:
                continue
            used.add(match)
            p = predicted[match]
            relaxed += 1
            strict += p["start"] == g["start"] and p["end"] == g["end"]
            same_type += p["type"] == g["type"]
            same_value += p["value"] == g["value"]
    strict_p, strict_r = ratio(strict, predicted_count), ratio(strict, gold_count)
    relaxed_p, relaxed_r = ratio(relaxed, predicted_count), ratio(relaxed, gold_count)
    relaxed_f1 = f1(relaxed_p, relaxed_r)
    value_accuracy = ratio(same_value, relaxed)
    return {
        "documents": len(documents), "gold": gold_count, "predicted": predicted_count,
        "strict": {"precision": strict_p, "recall": strict_r, "f1": f1(strict_p, strict_r)},
        "relaxed": {"precision": relaxed_p, "recall": relaxed_r, "f1": relaxed_f1},
        "type_accuracy": ratio(same_type, relaxed),
        "value_accuracy": value_accuracy,
        "value_f1": round(relaxed_f1 * value_accuracy, 4),
    }


def evaluate_timex(path: Path, progress: Callable | None = None) -> dict:
    """Return presslens's TempEval-3 figures on a MEANTIME folder."""
    documents = read_gold(path)
    return {"system": "presslens", **score(documents, tag_with_presslens(documents, progress))}


def format_timex(result: dict) -> str:
    """Return the figures as a short table."""
    lines = [f"{result['system']}: {result['documents']} documents, {result['gold']} gold time expressions, "
             f"{result['predicted']} found",
             f"{'':10}{'precision':>10}{'recall':>8}{'F1':>7}"]
    for kind in ("strict", "relaxed"):
        s = result[kind]
        lines.append(f"{kind:10}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>7.3f}")
    lines.append(f"type accuracy {result['type_accuracy']:.3f}   value accuracy {result['value_accuracy']:.3f}"
                 f"   value F1 {result['value_f1']:.3f}")
    return "\n".join(lines)
