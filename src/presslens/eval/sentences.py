"""Runs labelled sentences through the full pipeline, one short article each, for the scorers
of sentence-level data sets (BABE, NewsSD-ENG, the WNC sample)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document
from presslens.record import Article


def analyse_sentences(texts: list[str], progress: Callable[[int, int], None] | None = None,
                      failed: list[int] | None = None) -> Iterator[tuple[int, Article]]:
    """Return (index, Article) for each text the pipeline analyses, in order; the index of a
    text an extractor fails on is added to `failed` instead of ending the run."""
    from presslens.pipeline import analyze_documents

    documents = (build_document(RawArticle(id=str(i), content=text)) for i, text in enumerate(texts))

    def skip(document, error: Exception) -> None:
        if failed is not None:
            failed.append(int(document.id))

    for done, (document, article) in enumerate(analyze_documents(documents, on_error=skip), start=1):
        yield int(document.id), article
        if progress is not None:
            progress(done, len(texts))


def is_biased(article: Article) -> bool:
    """Return whether any sentence of the article is labelled biased."""
    return any(s.label == "biased" for s in article.framing.sentences)


def macro_f1(gold: list[bool], predicted: list[bool]) -> dict:
    """Return P/R/F1 of the positive and the negative class and their macro F1."""
    from presslens.eval.metrics import prf_from_matches

    tp = sum(g and p for g, p in zip(gold, predicted))
    tn = sum(not g and not p for g, p in zip(gold, predicted))
    fp = sum(p and not g for g, p in zip(gold, predicted))
    fn = sum(g and not p for g, p in zip(gold, predicted))
    positive = prf_from_matches(tp, tp + fp, tp, tp + fn)
    negative = prf_from_matches(tn, tn + fn, tn, tn + fp)
    return {"positive": positive, "negative": negative, "macro_f1": round((positive["f1"] + negative["f1"]) / 2, 4)}
