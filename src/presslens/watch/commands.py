"""The `watch` and `sources` sub-commands: thin, they parse arguments, call the watcher and print."""

from __future__ import annotations

import argparse
import re
import sys

from presslens.ingest.sources import DEFAULT_MAX_BYTES

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def add_watch_commands(subparsers) -> None:
    """Register the watch sub-commands on the CLI's sub-parsers."""
    from presslens.corpus.commands import BATCH_SIZE, _add_db, add_workers_option, positive_int

    watch = subparsers.add_parser("watch", help="poll feeds and sitemaps, storing every new article they list")
    watch.add_argument("sources", nargs="*", metavar="SOURCE",
                       help="a feed or sitemap address, an OPML file, or a text file of addresses "
                            "(none: the sources the corpus already watches)")
    _add_db(watch)
    watch.add_argument("--every", type=duration, default=900.0, metavar="TIME",
                       help="time between two polls of a source, such as 90s, 15m or 1h (default 15m)")
    watch.add_argument("--once", action="store_true", help="poll every source once now, store what is new, and stop")
    watch.add_argument("--user-agent", metavar="TEXT",
                       help="how requests introduce themselves; name yourself and a contact "
                            "(default: presslens and its version)")
    watch.add_argument("--delay", type=float, default=1.0, metavar="SECONDS",
                       help="least time between two requests to one site (default 1; robots.txt may ask more)")
    watch.add_argument("--per-site", type=positive_int, default=1, metavar="N",
                       help="requests in flight to one site at a time (default 1)")
    watch.add_argument("--fetchers", type=positive_int, default=8, metavar="N",
                       help="requests in flight in all (default 8)")
    watch.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                       help="give up on an answer after this long (default 20)")
    watch.add_argument("--max-bytes", type=positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                       help=f"refuse pages larger than this (default {DEFAULT_MAX_BYTES:,})")
    watch.add_argument("--model", default=None, help="spaCy pipeline to load (default: as for analyze)")
    watch.add_argument("--batch-size", type=positive_int, default=BATCH_SIZE, metavar="N",
                       help=f"articles parsed and committed together (default {BATCH_SIZE})")
    add_workers_option(watch)
    watch.set_defaults(run=run_watch)

    sources = subparsers.add_parser("sources", help="the sources a corpus watches: last poll and what it found")
    _add_db(sources)
    sources.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sources.set_defaults(run=run_sources)


def duration(value: str) -> float:
    """Return a duration such as 90s, 15m, 1h or 2d in seconds, or tell argparse why it is not one."""
    match = DURATION.match(value)
    if not match or float(match.group(1)) <= 0:
        raise argparse.ArgumentTypeError(f"'{value}' is not a duration such as 90s, 15m or 1h")
    return float(match.group(1)) * UNITS[(match.group(2) or "").lower() or None]


def run_watch(args: argparse.Namespace) -> int:
    """Return 0 when the watch ended with nothing failed (or by Ctrl-C in the endless mode), 1 otherwise."""
    from presslens.corpus.commands import _open
    from presslens.errors import PresslensError
    from presslens.ingest.fetch import Fetcher, Politeness
    from presslens.nlp import load_pipeline
    from presslens.watch.poll import Watcher, WatchOptions, watch
    from presslens.watch.sources import read_sources

    sources = read_sources(args.sources)  # a wrong file is one sentence before anything starts
    load_pipeline(args.model)
    # The de-duplication library is imported before polling starts: a Ctrl-C that lands inside
    # an import can surface as another error (scipy's dataclasses wrap it) instead of a clean stop.
    import datasketch  # noqa: F401

    politeness = Politeness(delay=args.delay, per_site=args.per_site, timeout=args.timeout, max_bytes=args.max_bytes,
                            **({"user_agent": args.user_agent} if args.user_agent else {}))
    options = WatchOptions(every=args.every, fetchers=args.fetchers, workers=args.workers,
                           batch_size=args.batch_size, model=args.model)
    interrupted = False
    with _open(args.db, must_exist=False) as store:
        watcher = Watcher(store, Fetcher(politeness), options)
        try:
            urls = watcher.add_sources(sources) if sources else watcher.state.top_sources()
            if not urls:
                raise PresslensError(f"{store.name} watches no sources yet; give a feed or sitemap address.")
            watch(watcher, urls, args.once, say=lambda line: print(line, flush=True), sleep=_sleep)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            watcher.close()
            reports = watcher.reports
            waiting = len(watcher.state.pending())
    _summary(reports, waiting, interrupted)
    if interrupted:
        return 130 if args.once else 0
    return 1 if any(r.failed or r.source_failures for r in reports) else 0


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def _summary(reports, waiting: int, interrupted: bool) -> None:
    from presslens.watch.poll import summary

    if interrupted:
        print("presslens: stopped by Ctrl-C; what was stored is kept.", file=sys.stderr)
    for report in reports:
        for line in report.errors[:20]:
            print(f"presslens: {line}", file=sys.stderr)
    print(summary(reports, waiting), flush=True)


def run_sources(args: argparse.Namespace) -> int:
    """Return 0 after printing the watched sources."""
    from presslens.corpus.commands import _open, _print_json, _print_table
    from presslens.watch.state import source_rows

    with _open(args.db) as store:
        rows = source_rows(store)
    if args.json:
        return _print_json(rows)
    for row in rows:
        row["shown"] = ("└ " if row["parent"] else "") + row["url"]
        row["last"] = f"{_minute(row['last_poll'])} {row['last_result'] or ''}".strip()
        row["next"] = _minute(row["next_poll"]) if row["next_poll"] else ""
        row["links"] = f"{row['last_new']} new, {row['last_seen']} seen" if row["polls"] else ""
    _print_table(rows, [("shown", "Source"), ("kind", "Kind"), ("last", "Last poll"), ("links", "Links found"),
                        ("stored", "Stored"), ("failed", "Failed"), ("pending", "Pending"), ("next", "Next poll")],
                 empty="The corpus watches no sources yet; add some with `presslens watch SOURCE --db DB`.")
    return 0


def _minute(moment: str | None) -> str:
    """Return a stored time to the minute, as a person reads it (the tables keep UTC)."""
    return moment[:16].replace("T", " ") if moment else "never"
