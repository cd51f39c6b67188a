"""Polls of the watched sources: receives source addresses and a store, stores every new article, returns counts.

A poll has two halves. First each due source is fetched (conditionally: an unchanged feed
costs a 304), its links are remembered as pending and its validators saved, in one commit
per source. Then every pending address is fetched, analysed and stored, the article and
its address's new state in one transaction, in the order the addresses were found: a
watcher killed at any point and started again carries on where the last commit left it,
and ends with the store an uninterrupted run would have made.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from presslens.corpus.store import SQLStore
from presslens.errors import InputError
from presslens.ingest.document import RawArticle
from presslens.ingest.fetch import Disallowed, Fetched, Fetcher, FetchError
from presslens.ingest.links import Listing, page_article, read_listing, seen_key
from presslens.nlp import BATCH_SIZE
from presslens.record import Article
from presslens.watch.state import PAGE, Pending, WatchState, now

MAX_SITEMAPS = 100  # sitemaps followed from one sitemap index
MAX_ERRORS_KEPT = 1000


@dataclass
class WatchOptions:
    """How often sources are polled and how the work is shared out."""

    every: float = 900.0  # seconds between two polls of a source
    fetchers: int = 8  # threads fetching; the fetcher's per-site limit still holds
    workers: int = 1  # processes analysing
    batch_size: int = BATCH_SIZE
    model: str | None = None


@dataclass
class PollReport:
    """What one poll did."""

    number: int = 0
    sources: int = 0
    changed: int = 0
    unchanged: int = 0
    source_failures: int = 0
    new: int = 0
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    failed: int = 0
    disallowed: int = 0
    retrying: int = 0  # failed for a reason that may pass: tried again next poll
    requests: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """Return the poll's progress line."""
        return (f"poll {self.number}: {self.sources} sources ({self.changed} changed, {self.unchanged} unchanged, "
                f"{self.source_failures} failed); links {self.new} new, {self.seen} seen; pages {self.stored} stored, "
                f"{self.duplicates} duplicates, {self.failed} failed, {self.disallowed} disallowed by robots.txt; "
                f"{self.requests} requests in {self.seconds:.1f} s")


class Watcher:
    """Polls sources into a store through one polite fetcher; close it when done."""

    def __init__(self, store: SQLStore, fetcher: Fetcher, options: WatchOptions | None = None):
        self.store = store
        self.state = WatchState(store)
        self.fetcher = fetcher
        self.options = options or WatchOptions()
        self.pool = ThreadPoolExecutor(max_workers=self.options.fetchers, thread_name_prefix="fetch")
        self.reports: list[PollReport] = []
        # Pages fetched as sources (an article address given as a source): read once, not twice.
        self._prefetched: dict[str, Fetched] = {}

    def close(self) -> None:
        """Stop the fetches in flight and commit what is done."""
        self.fetcher.close()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.store.commit()

    def add_sources(self, sources: list[tuple[str, str | None]]) -> list[str]:
        """Return the addresses of these (address, title) sources after remembering them."""
        for url, title in sources:
            self.state.add_source(url, title)
        self.store.commit()
        return [url for url, _ in sources]

    def poll(self, urls: list[str], force: bool = False) -> PollReport:
        """Return the report of polling the due sources (all of them when forced) and storing what they list."""
        report = PollReport(number=len(self.reports) + 1)
        self.reports.append(report)  # also when interrupted: the summary counts what it did
        started, requests = time.perf_counter(), self.fetcher.requests
        try:
            self._poll_sources(urls, force, report)
            self._drain(report)
        finally:
            self.store.commit()
            report.seconds = time.perf_counter() - started
            report.requests = self.fetcher.requests - requests
        if report.stored:
            from presslens.corpus.dedupe import find_duplicates
            from presslens.corpus.stories import build_stories

            find_duplicates(self.store)
            build_stories(self.store)  # after the duplicates, as ingest does
        return report

    # -- sources --------------------------------------------------------------------------

    def _poll_sources(self, urls: list[str], force: bool, report: PollReport) -> None:
        queue, polled = list(dict.fromkeys(urls)), set()
        while queue:
            rows = []
            for url in queue:
                row = self.state.source(url)
                if url in polled or row is None:
                    continue
                polled.add(url)
                if row["kind"] == PAGE and row["polls"]:
                    continue  # an article given as a source is read once
                if force or self.state.is_due(row, now()):
                    rows.append(row)
            # Fetched side by side, recorded in the order given: the store does not depend on timing.
            answers = list(self.pool.map(self._fetch_source, rows))
            queue = []
            for row, answer in zip(rows, answers):
                report.sources += 1
                queue += self._record_source(row, answer, report)

    def _fetch_source(self, row: dict) -> Fetched | InputError:
        try:
            return self.fetcher.fetch(row["url"], etag=row["etag"], last_modified=row["last_modified"])
        except InputError as error:
            return error

    def _record_source(self, row: dict, answer: Fetched | InputError, report: PollReport) -> list[str]:
        """Return the sitemaps a sitemap index listed, after recording the poll of one source."""
        url, every = row["url"], self.options.every
        if isinstance(answer, Fetched) and answer.not_modified:
            report.unchanged += 1
            self.state.polled(url, "unchanged", every, etag=answer.etag or row["etag"],
                              last_modified=answer.last_modified or row["last_modified"])
            self.store.commit()
            return []
        listing: Listing | InputError = answer
        if isinstance(answer, Fetched):
            try:
                listing = read_listing(answer)
            except InputError as error:
                listing = error
        if isinstance(listing, InputError):
            report.source_failures += 1
            message = str(listing.args[0]) if listing.args else str(listing)
            self._note_error(report, url, message)
            # The validators are kept: a source that failed is asked again as it was last seen.
            self.state.polled(url, f"failed: {message}", every, etag=row["etag"], last_modified=row["last_modified"])
            self.store.commit()
            return []
        report.changed += 1
        children: list[str] = []
        if listing.kind == "sitemap-index":
            children = [link.url for link in listing.links[:MAX_SITEMAPS]]
            for child in children:
                self.state.add_source(child, parent=url)
            new, seen = len(children), 0
        else:
            if listing.kind == PAGE:
                self._prefetched[seen_key(answer.url)] = answer
            new, seen = self.state.add_links(url, listing.links)
            report.new, report.seen = report.new + new, report.seen + seen
        if listing.title and not row["title"]:
            self.state.add_source(url, listing.title)
        # The links and the validators that say they were read are committed together.
        self.state.polled(url, "changed", every, kind=listing.kind, etag=answer.etag,
                          last_modified=answer.last_modified, new=new, seen=seen)
        self.store.commit()
        return children

    # -- pages ------------------------------------------------------------------------------

    def _drain(self, report: PollReport) -> None:
        """Fetch, analyse and store every pending address, in the order found."""
        from presslens.pipeline import analyze_stream

        waiting = self.state.pending()
        if not waiting:
            return
        queued: deque[tuple[Pending, str]] = deque()
        unsaved = 0
        try:
            stream = analyze_stream(self._pages(waiting, queued, report), model=self.options.model,
                                    batch_size=self.options.batch_size, workers=self.options.workers)
            for result in stream:
                item, canonical = queued.popleft()  # one result per page, in input order
                if isinstance(result, Article):
                    if self.store.add_article(result):
                        self.state.settle(item, "stored", result.id, canonical)
                        report.stored += 1
                    else:
                        self.state.settle(item, "duplicate", result.id, canonical)
                        report.duplicates += 1
                else:
                    message = str(result.args[0]) if result.args else str(result)
                    self.state.settle(item, "failed", canonical=canonical, message=message)
                    self._note_error(report, item.address, message)
                    report.failed += 1
                unsaved += 1
                if unsaved >= self.options.batch_size:
                    self.store.commit()
                    unsaved = 0
        finally:
            self.store.commit()

    def _pages(self, waiting: list[Pending], queued: deque, report: PollReport) -> Iterator[RawArticle]:
        """Yield the fetched pages to analyse, in the order found; settle those that need no analysis."""
        items = iter(waiting)
        window: deque[tuple[Pending, Future]] = deque()
        claimed: set[str] = set()  # canonical addresses already on their way to the store

        def top_up() -> None:
            # A few fetches ahead per thread keep them all busy while results come back in order.
            while len(window) < 4 * self.options.fetchers and (item := next(items, None)) is not None:
                window.append((item, self.pool.submit(self._fetch_page, item)))

        top_up()
        while window:
            item, future = window.popleft()
            top_up()
            found = future.result()
            if isinstance(found, InputError):
                self._page_failed(item, found, report)
                continue
            canonical = seen_key(found.source.url)
            if canonical in claimed or self.state.canonical_stored(canonical) or self.store.has(found.id):
                self.state.settle(item, "duplicate", found.id, canonical)
                report.duplicates += 1
                continue
            claimed.add(canonical)
            queued.append((item, canonical))
            yield found

    def _fetch_page(self, item: Pending) -> RawArticle | InputError:
        try:
            fetched = self._prefetched.pop(item.url, None) or self.fetcher.fetch(item.address)
            raw = page_article(fetched)
        except InputError as error:
            error.where = error.where or item.address
            return error
        raw.published = item.published  # a feed's entry date is meant to be read; a page's is guessed
        return raw

    def _page_failed(self, item: Pending, error: InputError, report: PollReport) -> None:
        message = str(error.args[0]) if error.args else str(error)
        if isinstance(error, Disallowed):
            self.state.settle(item, "disallowed", message=message)
            report.disallowed += 1
            return
        report.failed += 1
        if isinstance(error, FetchError) and error.transient and self.state.retry_later(item, message):
            report.retrying += 1
        else:
            self.state.settle(item, "failed", message=message)
        self._note_error(report, item.address, message)

    def _note_error(self, report: PollReport, where: str, message: str) -> None:
        self.store.add_error(where, message)
        if len(report.errors) < MAX_ERRORS_KEPT:
            report.errors.append(f"{where}: {message}")


def watch(watcher: Watcher, urls: list[str], once: bool, say: Callable[[str], None],
          sleep: Callable[[float], None] = time.sleep) -> None:
    """Poll the sources until stopped: once (every source, now), or each when it is due, for ever."""
    while True:
        say(watcher.poll(urls, force=once).line())
        if once:
            return
        everything = [*urls, *(child for url in urls for child in watcher.state.children(url))]
        due = watcher.state.next_due(everything)
        if due is None:
            say("nothing left to poll: every source was an article, read once")
            return
        sleep(max(0.0, (due - now()).total_seconds()))


def summary(reports: list[PollReport], waiting: int) -> str:
    """Return the line that sums up a watch: polls, pages stored, duplicates, failures, what is left."""
    total = {name: sum(getattr(r, name) for r in reports)
             for name in ("stored", "duplicates", "failed", "disallowed", "requests", "seconds")}
    return (f"watched {len(reports)} poll{'s' if len(reports) != 1 else ''}: {total['stored']} stored, "
            f"{total['duplicates']} duplicates, {total['failed']} failed, {total['disallowed']} disallowed; "
            f"{waiting} waiting for the next poll; {total['requests']} requests in {total['seconds']:.1f} s")
