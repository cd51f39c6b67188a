"""Scores main-text extraction on the article-extraction benchmark, presslens against trafilatura.

The data set is a folder holding ``ground-truth.json`` (page hash -> ``articleBody``, ``url``)
and ``html/HASH.html.gz``. The metric is the benchmark's own (scrapinghub's
article-extraction-benchmark, ``evaluate.py``): ``\\w+`` tokens, 4-token shingles counted
with multiplicity, per-page true/false positives and false negatives normalised to sum to
one, precision and recall averaged over pages, F1 from those two means; "accuracy" is the
share of pages whose token sequence equals the truth's. Both extractors run on the same
pages in the same run.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import statistics
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

from presslens.errors import InputError
from presslens.eval.metrics import f1
from presslens.ingest.document import RawArticle
from presslens.ingest.sources import decode_bytes
from presslens.ingest.structure import build_document, fold
from presslens.record import Source

SHINGLE_SIZE = 4
BOOTSTRAP_SAMPLES = 1000
TOKEN = re.compile(r"\w+", re.UNICODE)
SYSTEMS = ("presslens", "trafilatura")

Counts = tuple[float, float, float]


def evaluate_extraction(
    path: str | Path,
    progress: Callable[[int, int], None] | None = None,
    bootstrap: int = BOOTSTRAP_SAMPLES,
) -> dict:
    """Return precision, recall, F1 and accuracy of presslens and of plain trafilatura.

    ``progress(done, total)`` is called after each page. ``bootstrap`` resamples of the pages
    give each metric's standard deviation, as the benchmark reports them (0 to skip).
    """
    folder = Path(path)
    truth_file = folder / "ground-truth.json"
    try:
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot be read ({error.strerror or error})", str(truth_file)) from None
    except json.JSONDecodeError as error:
        raise InputError(f"is not valid JSON ({error.msg})", str(truth_file)) from None
    if not isinstance(truth, dict) or not truth:
        raise InputError("holds no pages", str(truth_file))

    counts: dict[str, list[Counts]] = {name: [] for name in SYSTEMS}
    exact: dict[str, list[float]] = {name: [] for name in SYSTEMS}
    seconds = dict.fromkeys(SYSTEMS, 0.0)
    failures: dict[str, list[str]] = {name: [] for name in (*SYSTEMS, "pages")}
    for done, (key, item) in enumerate(sorted(truth.items()), start=1):
        true = (item or {}).get("articleBody") or ""
        url = (item or {}).get("url")
        html = _read_page(folder / "html" / f"{key}.html.gz")
        if html is None:
            failures["pages"].append(key)
        predictions = {}
        for name, extractor in (("presslens", presslens_body), ("trafilatura", trafilatura_body)):
            started = time.perf_counter()
            try:
                predictions[name] = extractor(html, url) if html is not None else ""
            except InputError:
                predictions[name] = ""
                failures[name].append(key)
            seconds[name] += time.perf_counter() - started
        for name, pred in predictions.items():
            counts[name].append(shingle_counts(true, pred))
            exact[name].append(accuracy(true, pred))
        if progress is not None:
            progress(done, len(truth))

    metrics = {}
    for name in SYSTEMS:
        scores = scores_from_counts(counts[name])
        scores["accuracy"] = statistics.mean(exact[name])
        scores.update(_bootstrap_deviations(counts[name], exact[name], bootstrap))
        scores["seconds"] = round(seconds[name], 3)
        metrics[name] = scores
    return {
        "task": "extraction",
        "metrics": metrics,
        "pages": len(truth),
        "unreadable_pages": failures["pages"],
        "empty": {name: failures[name] for name in SYSTEMS},
    }


def presslens_body(html: str, url: str | None) -> str:
    """Return the body text presslens produces for a page: every block but the title headline."""
    document = build_document(RawArticle(id="page", content=html, is_html=True,
                                         source=Source(url=url)))
    title = fold(document.title) if document.title else None
    parts = []
    for block in document.blocks:
        text = document.text[block.start:block.end]
        if block.kind == "headline" and block.level == 1 and fold(text) == title:
            title = None  # only the one title block is left out, not a repeat further down
            continue
        parts.append(text)
    return "\n\n".join(parts)


def trafilatura_body(html: str, url: str | None) -> str:
    """Return trafilatura's text for a page as the benchmark runs it (defaults, no comments)."""
    return trafilatura.extract(html, include_comments=False) or ""


def _read_page(path: Path) -> str | None:
    """Return the decoded HTML of a gzipped page, or None when it is missing or unreadable."""
    try:
        return decode_bytes(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, zlib.error, InputError):
        return None


def tokenize(text: str) -> list[str]:
    """Return the benchmark's tokens of a text: runs of word characters."""
    return TOKEN.findall(text or "")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Return how often each run of ``size`` consecutive tokens occurs in the text.

    A text shorter than ``size`` tokens is one shorter shingle, as in the benchmark.
    """
    tokens = tokenize(text)
    found = (tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(shingle for shingle in found if shingle)


def shingle_counts(true: str, pred: str, size: int = SHINGLE_SIZE) -> Counts:
    """Return one page's true positives, false positives and false negatives, summing to 1.

    Normalising per page keeps long articles from outweighing short ones.
    """
    true_shingles, pred_shingles = shingles(true, size), shingles(pred, size)
    tp = fp = fn = 0.0
    for shingle in true_shingles.keys() | pred_shingles.keys():
        wanted, got = true_shingles.get(shingle, 0), pred_shingles.get(shingle, 0)
        tp += min(wanted, got)
        fp += max(0, got - wanted)
        fn += max(0, wanted - got)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def accuracy(true: str, pred: str) -> float:
    """Return 1.0 when both texts have the same token sequence, else 0.0."""
    return float(tokenize(true) == tokenize(pred))


def scores_from_counts(counts: list[Counts]) -> dict[str, float]:
    """Return precision and recall averaged over pages and the F1 of those two averages.

    Pages with nothing predicted are left out of precision and pages with nothing to find
    out of recall, as the benchmark does.
    """
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return {"p": p, "r": r, "f1": f1(p, r)}


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def _bootstrap_deviations(counts: list[Counts], exact: list[float], samples: int) -> dict[str, float]:
    """Return the standard deviation of each metric over resamples of the pages."""
    if samples < 2 or not counts:
        return {}
    rng = random.Random(0)  # fixed seed: the same data gives the same report
    values: dict[str, list[float]] = {}
    for _ in range(samples):
        picks = [rng.randrange(len(counts)) for _ in counts]
        for key, value in scores_from_counts([counts[i] for i in picks]).items():
            values.setdefault(f"{key}_std", []).append(value)
        values.setdefault("accuracy_std", []).append(statistics.mean(exact[i] for i in picks))
    return {key: statistics.stdev(series) for key, series in values.items()}


def format_extraction(result: dict) -> str:
    """Return the scores as a small text table, one row per extractor."""
    header = f"{'extractor':<12} {'precision':>15} {'recall':>15} {'F1':>15} {'accuracy':>15} {'seconds':>8}"
    lines = [f"Article extraction: {result['pages']} pages", header, "-" * len(header)]
    for name, scores in result["metrics"].items():
        cells = []
        for key in ("p", "r", "f1", "accuracy"):
            deviation = scores.get(f"{key}_std")
            cell = f"{scores[key]:.3f}" + (f" ± {deviation:.3f}" if deviation is not None else "")
            cells.append(f"{cell:>15}")
        lines.append(f"{name:<12} {' '.join(cells)} {scores.get('seconds', 0):>8.1f}")
    for name, keys in result.get("empty", {}).items():
        if keys:
            lines.append(f"{name}: no text on {len(keys)} page(s)")
    if result.get("unreadable_pages"):
        lines.append(f"unreadable pages: {len(result['unreadable_pages'])}")
    return "\n".join(lines)
