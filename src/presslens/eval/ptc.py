"""Scores technique spans on the Propaganda Techniques Corpus (SemEval-2020 Task 11).

The data set is a folder holding ``articles/articleID.txt`` (the raw article, first line the
title) and ``labels.tsv`` (``id  technique  start  end``, character offsets into the raw
file). Each article goes through the same path as a plain-text file, and predicted spans are
mapped back to raw offsets with ``Document.raw_offset``.

- Span identification (SI), as the official task scorer computes it: techniques ignored,
  predicted fragments being the technique spans and the sentences labelled biased,
  overlapping spans merged per article on both sides; precision is the mean over predicted
  spans of the share of their characters inside gold spans, recall the mean over gold spans
  of the share of their characters inside predicted spans, F1 their harmonic mean.
- Per technique: a predicted span is correct when it overlaps a gold span of the same
  technique, a gold span is found when some prediction of its technique overlaps it.

presslens's technique names map onto PTC's labels through ``PTC_LABELS``; PTC techniques
presslens does not look for (whataboutism, bandwagon) count in recall only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import prf_from_matches
from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document

PTC_LABELS = {
    "loaded_language": "Loaded_Language",
    "name_calling": "Name_Calling,Labeling",
    "exaggeration": "Exaggeration,Minimisation",
    "doubt": "Doubt",
    "appeal_to_fear": "Appeal_to_fear-prejudice",
    "flag_waving": "Flag-Waving",
    "repetition": "Repetition",
    "causal_oversimplification": "Causal_Oversimplification",
    "slogans": "Slogans",
    "appeal_to_authority": "Appeal_to_Authority",
    "black_and_white": "Black-and-White_Fallacy",
    "thought_terminating_cliche": "Thought-terminating_Cliches",
}
BATCH = 16

Spans = list[tuple[int, int]]


def read_labels(path: Path) -> dict[str, list[tuple[str, int, int]]]:
    """Return article id -> [(technique, start, end)] from a labels.tsv file."""
    labels: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 4 and fields[2].isdigit() and fields[3].isdigit():
            labels[fields[0]].append((fields[1], int(fields[2]), int(fields[3])))
    return labels


def merge(spans: Spans) -> Spans:
    """Return the spans with overlapping or touching ones joined, sorted."""
    merged: Spans = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(span: tuple[int, int], others: Spans) -> int:
    return sum(max(0, min(span[1], b) - max(span[0], a)) for a, b in others)


class SICounts:
    """Running sums of the official SI score's partial credits."""

    def __init__(self) -> None:
        self.precision = self.recall = 0.0
        self.predicted = self.gold = 0

    def add(self, predicted: Spans, gold: Spans) -> None:
        predicted, gold = merge(predicted), merge(gold)
        self.precision += sum(_overlap(s, gold) / (s[1] - s[0]) for s in predicted)
        self.recall += sum(_overlap(s, predicted) / (s[1] - s[0]) for s in gold)
        self.predicted += len(predicted)
        self.gold += len(gold)

    def scores(self) -> dict[str, float]:
        return prf_from_matches(self.precision, self.predicted, self.recall, self.gold)


def evaluate_ptc(path: str | Path, progress: Callable[[int, int], None] | None = None,
                 limit: int | None = None) -> dict:
    """Return the official SI span F1 with partial-overlap credit and per-technique P/R/F1.

    ``progress(done, total)`` is called after each article; ``limit`` scores only the first
    articles by id (for quick runs while developing).
    """
    from presslens.pipeline import analyze_documents

    folder = Path(path)
    articles, labels_file = folder / "articles", folder / "labels.tsv"
    if not articles.is_dir() or not labels_file.is_file():
        raise InputError("is not a PTC folder (it needs articles/ and labels.tsv)", str(folder))
    labels = read_labels(labels_file)
    files = sorted(articles.glob("article*.txt"))
    if limit:
        files = files[:limit]
    raw = {f.stem.removeprefix("article"): f.read_bytes().decode("utf-8") for f in files}
    ids = list(raw)
    documents = (build_document(RawArticle(id=i, content=raw[i])) for i in ids)
    si = SICounts()
    counts = defaultdict(lambda: [0, 0, 0, 0])  # matched predicted, predicted, found gold, gold
    done = 0
    failed: list[str] = []

    def skip(document, error: Exception) -> None:
        # One article an extractor cannot handle must not end the whole evaluation.
        failed.append(document.id)

    for document, article in analyze_documents(documents, batch_size=BATCH, on_error=skip):
        gold = labels.get(document.id, [])
        predicted = []
        for span in article.framing.spans:
            label = PTC_LABELS.get(span.technique)
            if label is None:
                continue
            start, end = document.raw_offset(span.start), document.raw_offset(span.end)
            if end > start:
                predicted.append((label, start, end))
        # A sentence presslens labels biased is a fragment it points a reader at, so SI, which
        # ignores techniques, counts it along with the technique spans.
        fragments = [(s, e) for _, s, e in predicted] + [
            (document.raw_offset(s.start), document.raw_offset(s.end))
            for s in article.framing.sentences if s.label == "biased"]
        si.add(fragments, [(s, e) for _, s, e in gold])
        for technique in {t for t, _, _ in predicted} | {t for t, _, _ in gold}:
            mine = [(s, e) for t, s, e in predicted if t == technique]
            theirs = [(s, e) for t, s, e in gold if t == technique]
            tally = counts[technique]
            tally[0] += sum(1 for s in mine if _overlap(s, theirs))
            tally[1] += len(mine)
            tally[2] += sum(1 for s in theirs if _overlap(s, mine))
            tally[3] += len(theirs)
        done += 1
        if progress is not None:
            progress(done, len(ids))
    per_technique = {}
    for technique, (matched, predicted_n, found, gold_n) in sorted(counts.items()):
        per_technique[technique] = {**prf_from_matches(matched, predicted_n, found, gold_n),
                                    "predicted": predicted_n, "gold": gold_n}
    return {"task": "ptc", "metrics": {"span_si": si.scores(), "per_technique": per_technique}, "articles": done,
            "failed": len(failed)}


def format_ptc(result: dict) -> str:
    """Return the scores as a readable table."""
    metrics = result["metrics"]
    lines = [f"PTC propaganda technique spans ({result['articles']} articles)", "",
             f"{'':34}{'P':>8}{'R':>8}{'F1':>8}{'pred':>7}{'gold':>7}"]
    si = metrics["span_si"]
    lines.append(f"{'span identification (official)':34}{si['p'] * 100:8.1f}{si['r'] * 100:8.1f}{si['f1'] * 100:8.1f}")
    for technique, scores in metrics["per_technique"].items():
        lines.append(f"{technique:34}{scores['p'] * 100:8.1f}{scores['r'] * 100:8.1f}{scores['f1'] * 100:8.1f}"
                     f"{scores['predicted']:7}{scores['gold']:7}")
    if result.get("failed"):
        lines.append(f"articles the pipeline failed on (left out): {result['failed']}")
    return "\n".join(lines)
