"""From raw articles to Article records: clean, parse once per batch, run every extractor."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy
from spacy.attrs import SPACY
from spacy.tokens import Doc

from presslens.errors import InputError, error_detail
from presslens.ingest import Document, RawArticle, build_document
from presslens.nlp import BATCH_SIZE, load_pipeline
from presslens.record import Article

Extractor = Callable[[Doc, Document, Article], None]


def extractors() -> list[Extractor]:
    """Return the extractors in the order they run; each fills its part of the Article.

    Later steps read what earlier ones wrote: quotes read entities, events read entities,
    quotes, amounts and times, framing reads all of them.
    """
    from presslens.extract.amounts import extract_amounts
    from presslens.extract.entities import add_speaker_mentions, extract_entities
    from presslens.extract.events import extract_events
    from presslens.extract.framing import extract_framing
    from presslens.extract.places import locate_places
    from presslens.extract.quotes import extract_quotes
    from presslens.extract.times import extract_times

    def entities(doc: Doc, document: Document, article: Article) -> None:
        article.entities = locate_places(extract_entities(doc, document), document.text, document.source)

    def quotes(doc: Doc, document: Document, article: Article) -> None:
        article.quotes = extract_quotes(doc, document, article.entities)
        add_speaker_mentions(article.entities, article.quotes)

    def amounts(doc: Doc, document: Document, article: Article) -> None:
        article.amounts = extract_amounts(doc, document, article.entities)

    def times(doc: Doc, document: Document, article: Article) -> None:
        article.times = extract_times(doc, article.published)

    def events(doc: Doc, document: Document, article: Article) -> None:
        article.events = extract_events(doc, document, article)

    def framing(doc: Doc, document: Document, article: Article) -> None:
        article.framing = extract_framing(doc, document, article)

    return [entities, quotes, amounts, times, events, framing]


def empty_article(document: Document) -> Article:
    """Return the Article record of a cleaned document, before any extractor ran."""
    return Article(
        id=document.id,
        title=document.title,
        published=document.published,
        language=document.language,
        source=document.source,
        text=document.text,
        blocks=document.blocks,
        removed=document.removed,
    )


def analyze_documents(
    documents: Iterable[Document],
    model: str | None = None,
    batch_size: int = BATCH_SIZE,
    on_error: Callable[[Document, Exception], None] | None = None,
) -> Iterator[tuple[Document, Article]]:
    """Return each document with its Article, parsing the texts in batches with nlp.pipe
    (at most `batch_size` documents and about BATCH_CHARS characters a batch).

    An extractor failing on one article raises, unless `on_error` is given: then it is told
    of the failure and the batch goes on with the next article.
    """
    nlp = load_pipeline(model)
    steps = extractors()
    for batch in batches(documents, batch_size, lambda document: len(document.text)):
        for document, doc in zip(batch, _parse_batch(nlp, batch, batch_size)):
            article = empty_article(document)
            try:
                for step in steps:
                    step(doc, document, article)
            except Exception as error:
                if on_error is None:
                    raise
                on_error(document, error)
                continue
            yield document, article


# A batch parsed together, or sent to a worker, ends once its texts reach this many
# characters, whatever its count: the parse's working memory grows with the characters of the
# batch, so the peak is set by this budget rather than by how long the longest articles of a
# corpus happen to be (a larger corpus holds longer ones), and a worker's share of the last
# tasks of a run is a few seconds, not a batch of 32 long articles.
BATCH_CHARS = 50_000


def batches(items: Iterable, size: int, length: Callable[[object], int], chars: int = BATCH_CHARS) -> Iterator[list]:
    """Return the items in lists of at most `size` items, each ended as soon as the `length`
    of its items reaches `chars` (so one item longer than that is a list of its own)."""
    batch: list = []
    held = 0
    for item in items:
        batch.append(item)
        held += length(item)
        if len(batch) >= size or held >= chars:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


# Texts longer than a batch are parsed in pieces: the parser's working memory grows with the
# length of the text it is given (about 350 MB for 100,000 characters), the joined Doc's only
# with its tokens. So no article, however long, makes a parse larger than a batch's: one of
# 62,000 characters parsed whole took a process from 326 to 512 MB. Nearly every news article
# is far shorter and is parsed whole.
LONG_TEXT_CHARS = BATCH_CHARS
# How long each piece of a long text is: its parse needs about 70 MB of working memory.
PIECE_CHARS = 20_000
SENTENCE_END = re.compile(r"[.!?…][\"'’”»)\]]*\s+")


def _parse_batch(nlp, batch: list[Document], batch_size: int) -> Iterator[Doc]:
    """Yield the parsed Doc of each document in order: short ones through nlp.pipe, long ones
    in pieces joined back into one Doc over the whole text."""
    limit = min(LONG_TEXT_CHARS, nlp.max_length)
    short = nlp.pipe((d.text for d in batch if len(d.text) <= limit), batch_size=batch_size)
    for document in batch:
        yield next(short) if len(document.text) <= limit else parse_in_pieces(nlp, document.text)


def parse_in_pieces(nlp, text: str, piece_chars: int | None = None) -> Doc:
    """Return the Doc of a long text parsed piece by piece, each cut after a paragraph break
    (else a sentence end, else a space), joined so every token offset is one into the text.

    Only each piece's token attributes are kept, not the piece itself nor its tensor (which no
    extractor reads), so memory holds one piece's parse and the tokens of the whole text. The
    words are kept once each (a text repeats "the" and "," thousands of times), and the pieces'
    attributes are copied into the joined array one piece at a time, each freed once copied,
    so they are never held twice.
    """
    limit = min(piece_chars or PIECE_CHARS, LONG_TEXT_CHARS, nlp.max_length)
    attrs = [attr for attr in Doc._get_array_attrs() if attr != SPACY] + [SPACY]
    words: list[str] = []
    spaces: list[bool] = []
    arrays = []
    for piece in _pieces(text, limit):
        doc = nlp(piece)
        words.extend(sys.intern(token.text) for token in doc)
        spaces.extend(bool(token.whitespace_) for token in doc)
        arrays.append(doc.to_array(attrs))
        del doc
    joined = Doc(nlp.vocab, words=words, spaces=spaces)
    del words, spaces
    array = numpy.empty((len(joined), len(attrs)), dtype=arrays[0].dtype)  # memory taken as filled
    arrays.reverse()
    at = 0
    while arrays:
        part = arrays.pop()
        array[at:at + len(part)] = part
        at += len(part)
        del part
    joined.from_array(attrs, array)
    del array
    if joined.text != text:  # never seen; a mismatch would shift every span after it
        raise ValueError("the parsed pieces of a long text do not join back into it")
    return joined


def _pieces(text: str, limit: int) -> Iterator[str]:
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = window.rfind("\n\n", limit // 4)
        if cut > 0:
            cut += 2
        else:
            ends = [m.end() for m in SENTENCE_END.finditer(window, limit // 2)]
            cut = ends[-1] if ends else window.rfind(" ", limit // 2) + 1 or limit
        yield text[start:start + cut]
        start += cut
    if start < len(text):
        yield text[start:]


def analyze_stream(
    items: Iterable[RawArticle | InputError],
    model: str | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
) -> Iterator[Article | InputError]:
    """Return an Article for each good item and an InputError for each bad one, in input order.

    Nothing one item does (bad bytes, no text, a text too long to parse, an extractor
    failing on it) stops the others. With more than one worker the batches are analysed in
    that many processes, each with its own pipeline; the results are the same.
    """
    if workers > 1:
        return _analyze_in_processes(items, model, batch_size, workers)
    return _analyze_here(items, model, batch_size)


def _analyze_here(
    items: Iterable[RawArticle | InputError], model: str | None, batch_size: int
) -> Iterator[Article | InputError]:
    # Runs of good documents stream into the parse (which batches them); a bad item between
    # two runs is reported in its place, so results keep the input's order.
    prepared = (_document_or_error(item) for item in items)
    for failed, run in itertools.groupby(prepared, key=lambda item: isinstance(item, InputError)):
        if failed:
            yield from run
        else:
            yield from _analyzed(run, model, batch_size)


def _document_or_error(item: RawArticle | InputError) -> Document | InputError:
    if isinstance(item, InputError):
        return item
    try:
        document = build_document(item)
    except InputError as failure:
        failure.where = failure.where or _where(item)
        return failure
    if not document.text.strip():
        return InputError("has no article text after cleaning", _where(item))
    return document


# A worker pool is replaced by a fresh one after it has been given this many articles: a
# long-lived worker's memory creeps up with the corpus (spaCy's string store keeps every new
# word it meets), and a new worker starts from the size a short run has. Its start-up (about
# 3 CPU seconds: imports, pipeline, gazetteer and lexicons) is paid once per 2,000 articles,
# about 1% of their analysis (a quarter of a CPU second an article).
RECYCLE_ARTICLES = 2000


def _analyze_in_processes(
    items: Iterable[RawArticle | InputError], model: str | None, batch_size: int, workers: int,
    recycle_after: int | None = None,
) -> Iterator[Article | InputError]:
    # Spawned, not forked: a fork would copy whatever threads the caller runs (a progress
    # bar's, a web server's) in an undefined state.
    context = multiprocessing.get_context("spawn")
    recycle_after = recycle_after or RECYCLE_ARTICLES
    tasks = batches(items, batch_size, _task_length)
    # A few tasks in flight per worker keep every process busy while memory stays bounded;
    # tasks are small (BATCH_CHARS), so at the end of a run no worker is left alone with a long one.
    in_flight = 2 * workers
    # Each worker loads the pipeline on its first batch (cached from then on): a missing
    # model then reaches the caller as the ModelNotFoundError it is, not as a broken pool.
    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=context)

    pool = new_pool()
    given = 0  # articles given to this pool
    waiting: list[RawArticle | InputError] | None = None  # taken from the input, not yet submitted
    pending: deque[tuple[list[RawArticle | InputError], Future]] = deque()
    try:
        while True:
            while len(pending) < in_flight:
                waiting = waiting or next(tasks, None)
                if waiting is None:
                    break
                if given >= recycle_after:
                    if pending:
                        break  # the old pool finishes what it holds first: results stay in order
                    pool.shutdown()
                    pool, given = new_pool(), 0
                pending.append((waiting, pool.submit(_analyze_batch, waiting, model, batch_size)))
                given += len(waiting)
                waiting = None
            if not pending:
                return
            batch, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died (out of memory, a crash in native code) and took the pool
                # with it: which item did it is unknown, so every batch in flight is run
                # again one item at a time in a fresh pool, which finds the killer and
                # keeps the rest.
                lost = [batch, *(b for b, _ in pending)]
                pending.clear()
                pool.shutdown(cancel_futures=True)
                results = []
                for lost_batch in lost:
                    pool.shutdown(cancel_futures=True)
                    pool, retried = _one_by_one(lost_batch, new_pool, model)
                    results.extend(retried)
                given = 0
            yield from results
    finally:
        pool.shutdown(cancel_futures=True)


def _task_length(item: RawArticle | InputError) -> int:
    return len(item.content) if isinstance(item, RawArticle) else 0


def _one_by_one(
    batch: list[RawArticle | InputError], new_pool: Callable[[], ProcessPoolExecutor], model: str | None
) -> tuple[ProcessPoolExecutor, list[Article | InputError]]:
    """Return a working pool and the batch's results, each item analysed alone in a fresh pool:
    an item whose worker dies is reported, and the next one goes to another pool."""
    pool = new_pool()
    results: list[Article | InputError] = []
    for item in batch:
        if isinstance(item, InputError):
            results.append(item)
            continue
        try:
            results.extend(pool.submit(_analyze_batch, [item], model, 1).result())
        except BrokenProcessPool:
            pool.shutdown(cancel_futures=True)
            pool = new_pool()
            results.append(InputError("killed the worker process analysing it (out of memory or a crash "
                                      "in native code), so it was left out", _where(item)))
    return pool, results


# Test-only: a worker given an item whose text holds this environment variable's value ends
# abruptly, as one killed by the system would; how the tests make a worker die.
KILL_MARK_ENV = "PRESSLENS_TEST_KILL_WORKER_ON"


def _analyze_batch(
    batch: list[RawArticle | InputError], model: str | None, batch_size: int
) -> list[Article | InputError]:
    mark = os.environ.get(KILL_MARK_ENV)
    if mark and any(isinstance(item, RawArticle) and mark in item.content for item in batch):
        os._exit(70)
    return list(_analyze_here(batch, model, batch_size))


def _where(item: RawArticle) -> str:
    return item.source.path or item.source.url or item.id


def _analyzed(documents: Iterable[Document], model: str | None, batch_size: int) -> Iterator[Article | InputError]:
    failures: list[InputError] = []

    def report(document: Document, error: Exception) -> None:
        where = document.source.path or document.source.url or document.id
        failures.append(InputError(f"could not be analysed ({type(error).__name__}: {error_detail(error)})", where))

    for _, article in analyze_documents(documents, model, batch_size, on_error=report):
        yield from failures
        failures.clear()
        yield article
    yield from failures
