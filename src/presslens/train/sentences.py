"""The sentences the slant model is trained on: the team's labelled AllSides sentences, NewsSD-ENG
and the Wiki Neutrality Corpus sample, read from their folders at training time.

Each reader returns ``(text, label)`` pairs, label 1 for a slanted sentence and 0 for a
neutral one. The team's labels point into the AllSides articles by article id and character
offsets (``labels/allsides-slant.tsv``); the sentences themselves never enter the project.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from presslens.errors import InputError

LABELS = "allsides-slant.tsv"
# A sentence ends at . ! or ? (a closing quotation mark may follow) before a space and a capital
# or an opening mark; enough to draw sentences to label, where a bad split is simply skipped.
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"‘(A-Z0-9])")
MIN_WORDS, MAX_WORDS = 8, 60
DRAW_SEED = 16  # the seed of the labelling draw (``presslens train slant --draw``)


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Return the (start, end) character offsets of the sentences of one article body."""
    for paragraph in re.finditer(r"[^\n]+", text):
        start = paragraph.start()
        for match in SENTENCE_END.finditer(paragraph.group()):
            end = paragraph.start() + match.start()
            yield start, end
            start = paragraph.start() + match.end()
        end = paragraph.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end


def read_articles(path: str | Path) -> dict[str, str]:
    """Return article id -> body text of an AllSides JSON lines file (gzipped or not)."""
    path = Path(path)
    if path.is_dir():
        path = path / "articles.jsonl.gz"
    if not path.is_file():
        raise InputError("is not an AllSides articles file (articles.jsonl.gz)", str(path))
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return {row["id"]: row["text"] for row in map(json.loads, handle)}


def draw_sentences(articles: dict[str, str], count: int, seed: int) -> list[tuple[str, int, int]]:
    """Return `count` (article id, start, end) sentences drawn with a fixed seed, at most one per
    article, between MIN_WORDS and MAX_WORDS words long."""
    rng = random.Random(seed)
    ids = sorted(articles)
    rng.shuffle(ids)
    drawn = []
    for article_id in ids:
        text = articles[article_id]
        spans = [(s, e) for s, e in split_sentences(text) if MIN_WORDS <= len(text[s:e].split()) <= MAX_WORDS]
        if spans:
            start, end = rng.choice(spans)
            drawn.append((article_id, start, end))
        if len(drawn) == count:
            break
    return drawn


def draw_fit_sentences(articles: dict[str, str], exclude: set[str], count: int = 16000,
                       seed: int = 7) -> list[str]:
    """Return `count` unlabelled sentences, up to three per article in id order, drawn with a
    fixed seed from the articles not in `exclude` (the labelled ones)."""
    rng = random.Random(seed)
    sentences: list[str] = []
    for article_id in sorted(articles):
        if article_id in exclude:
            continue
        text = articles[article_id]
        spans = [(s, e) for s, e in split_sentences(text) if MIN_WORDS <= len(text[s:e].split()) <= MAX_WORDS]
        rng.shuffle(spans)
        sentences += [text[s:e] for s, e in spans[:3]]
        if len(sentences) >= count:
            break
    return sentences[:count]


def labelled_articles() -> set[str]:
    """Return the ids of the articles the team's labels point into."""
    return {row[0] for row in _label_rows()}


def _label_rows() -> list[list[str]]:
    text = files(__package__).joinpath("labels", LABELS).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#") and not line.startswith("article_id")]


def read_team_labels(articles: dict[str, str]) -> list[tuple[str, int]]:
    """Return the team's labelled AllSides sentences as (text, label), label 1 slanted."""
    rows = []
    for article_id, start, end, label in _label_rows():
        if label not in ("0", "1") or article_id not in articles:
            continue
        rows.append((articles[article_id][int(start):int(end)], int(label)))
    return rows


def read_newssd(folder: str | Path, split: str) -> list[tuple[str, int]]:
    """Return the NewsSD-ENG sentences of one split (train, val, test), SUBJ as 1."""
    path = Path(folder) / f"{split}.csv"
    if not path.is_file():
        raise InputError(f"is not a NewsSD-ENG folder (it needs {split}.csv)", str(folder))
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["Sentence"], int(row["Label"] == "SUBJ")) for row in csv.DictReader(handle)
                if row.get("Label") in ("SUBJ", "OBJ") and (row.get("Sentence") or "").strip()]


def read_wnc(folder: str | Path, split: str) -> list[tuple[str, str]]:
    """Return the WNC sample's (biased, neutralised) sentence pairs of one split (train, test)."""
    folder = Path(folder)
    pre, post = folder / f"pre.{split}", folder / f"post.{split}"
    if not pre.is_file() or not post.is_file():
        raise InputError(f"is not a WNC sample folder (it needs pre.{split} and post.{split})", str(folder))
    return list(zip(pre.read_text(encoding="utf-8").splitlines(), post.read_text(encoding="utf-8").splitlines()))
