"""Load articles into a corpus store: streamed, batched through the pipeline, idempotent.

An article is skipped before it is parsed when the store already holds its content hash,
so re-ingesting a corpus costs a read of the sources and changes nothing. The store commits
once per batch: a run killed mid-way keeps every committed batch, and running it again
redoes only the rest.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from presslens.corpus.store import Store
from presslens.errors import InputError
from presslens.ingest.document import RawArticle
from presslens.ingest.given import Given
from presslens.ingest.sources import DEFAULT_MAX_BYTES
from presslens.nlp import BATCH_SIZE
from presslens.progress import Progress
from presslens.record import Article


@dataclass
class IngestReport:
    """What one ingest run did: how many articles were added, skipped and failed, and how fast."""

    added: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def items(self) -> int:
        """Return the number of items read from the sources."""
        return self.added + self.skipped + self.failed

    @property
    def rate(self) -> float:
        """Return items handled per second."""
        return self.items / self.seconds if self.seconds else 0.0


MAX_ERRORS_KEPT = 1000  # the report lists the first ones; the errors table keeps them all


def ingest(
    sources: Iterable[str | Path],
    store: Store,
    model: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    given: Given | None = None,
) -> IngestReport:
    """Return the report of loading every article in the sources (with any metadata given for them) into the store."""
    from presslens.ingest.dispatch import iter_corpus_articles

    items = iter_corpus_articles(sources, max_bytes)
    if given:
        items = given.apply(items)
    return ingest_items(items, store, model, batch_size, progress, workers)


def ingest_items(
    items: Iterable[RawArticle | InputError],
    store: Store,
    model: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    workers: int = 1,
) -> IngestReport:
    """Return the report of loading these raw articles (and recording these errors) into the store.

    With several workers the analysis runs in that many processes while this one writes;
    articles are stored in input order either way, so the store ends the same.
    """
    from presslens.pipeline import analyze_stream

    report = IngestReport()
    started = time.perf_counter()
    pending = 0

    def fresh(stream: Iterable[RawArticle | InputError]) -> Iterator[RawArticle | InputError]:
        # Known articles never reach the parser: that is what makes a re-run cheap.
        for item in stream:
            if isinstance(item, RawArticle) and store.has(item.id):
                report.skipped += 1
                if progress:
                    progress(report.items)
                continue
            yield item

    try:
        for result in analyze_stream(fresh(items), model=model, batch_size=batch_size, workers=workers):
            if isinstance(result, Article):
                if store.add_article(result):
                    report.added += 1
                else:
                    report.skipped += 1  # the same content twice in one run
            else:
                _record_error(store, report, result)
            pending += 1
            if pending >= batch_size:
                store.commit()
                pending = 0
            if progress:
                progress(report.items)
    finally:
        # Also on an interruption: what was analysed is kept, the run resumes from there.
        store.commit()
        report.seconds = time.perf_counter() - started
    return report


def _record_error(store: Store, report: IngestReport, error: InputError) -> None:
    report.failed += 1
    message = str(error.args[0]) if error.args else str(error)  # the source goes in its own column
    store.add_error(error.where or "", message)
    if len(report.errors) < MAX_ERRORS_KEPT:
        report.errors.append(str(error))


def count_items(sources: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Return how many items the sources hold, reading them once without parsing (for an ETA)."""
    from presslens.ingest.dispatch import iter_corpus_articles

    return sum(1 for _ in iter_corpus_articles(sources, max_bytes))
