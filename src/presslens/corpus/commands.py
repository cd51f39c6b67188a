"""The corpus sub-commands: ingest, search, quotes, events, entities, stories and export.

Thin: each parses its arguments, calls the library and prints a table or JSON. Article
text goes into tables as rich Text, never as markup, so brackets in an article are shown
as written.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from presslens.corpus.search import SYNTAX_HELP
from presslens.errors import PresslensError
from presslens.ingest.given import parse_address, parse_date
from presslens.ingest.sources import DEFAULT_MAX_BYTES

# presslens.nlp's BATCH_SIZE; not imported from there, since that loads spaCy on every
# command-line start.
BATCH_SIZE = 32
ID_COLUMNS = ("id", "article_id")


def add_corpus_commands(subparsers) -> None:
    """Register the corpus sub-commands on the CLI's sub-parsers."""
    ingest = subparsers.add_parser("ingest", help="load articles (files, folders, JSONL, CSV, feeds, WARC) into a corpus")
    ingest.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="a file, a folder (recursive), a .jsonl/.csv/.rss/.atom/.warc(.gz) file, an http(s) address "
                             "(a page, feed or sitemap), or -")
    _add_db(ingest)
    ingest.add_argument("--model", default=None, help="spaCy pipeline to load (default: as for analyze)")
    ingest.add_argument("--batch-size", type=positive_int, default=BATCH_SIZE, metavar="N",
                        help=f"articles parsed and committed together (default {BATCH_SIZE})")
    add_workers_option(ingest)
    add_given_options(ingest)
    ingest.add_argument("--max-bytes", type=positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                        help=f"refuse inputs larger than this (default {DEFAULT_MAX_BYTES:,})")
    ingest.set_defaults(run=run_ingest)

    search = subparsers.add_parser(
        "search", help="find corpus articles: words, \"phrases\", prefix*, OR, NOT",
        description=f"Find corpus articles. The query: {SYNTAX_HELP}.")
    search.add_argument("text", metavar="QUERY")
    _add_db(search)
    _add_filters(search, speaker="articles quoting this person or organisation (name or alias)")
    _add_output(search, limit=20)
    search.set_defaults(run=run_search)

    quotes = subparsers.add_parser("quotes", help="who said what: quotes in the corpus")
    _add_db(quotes)
    quotes.add_argument("--about", metavar="QUERY",
                        help=f"quotes whose words match this query: {SYNTAX_HELP}")
    _add_filters(quotes, speaker="quotes by this person or organisation (name or alias)")
    _add_output(quotes, limit=100)
    quotes.set_defaults(run=run_quotes)

    events = subparsers.add_parser("events", help="what happened where: events in the corpus")
    _add_db(events)
    events.add_argument("--type", metavar="T",
                        help="events of this type, presslens's or ACLED's (e.g. attack, protest, Battles)")
    events.add_argument("--near", metavar="PLACE", help="events at or within 100 km of this place")
    _add_filters(events)
    _add_output(events, limit=100)
    events.set_defaults(run=run_events)

    article = subparsers.add_parser("article", help="one stored article's record, as `analyze` prints it")
    article.add_argument("id", metavar="ID", help="an article id, as `search`, `quotes` and `events` print it")
    _add_db(article)
    article.add_argument("-f", "--format", choices=("text", "json", "html"), default="text",
                         help="text (default), json or html")
    article.set_defaults(run=run_article)

    entities = subparsers.add_parser("entities", help="the people, organisations and places mentioned most")
    _add_db(entities)
    _add_copies(entities)
    entities.add_argument("--top", type=positive_int, default=20, metavar="N", help="how many (default 20)")
    entities.add_argument("--timeline", action="store_true",
                          help="also show each entity's articles and mentions per published date")
    entities.add_argument("--json", action="store_true", help="print JSON instead of a table")
    entities.set_defaults(run=run_entities)

    stories = subparsers.add_parser("stories", help="articles grouped by the happening they report")
    _add_db(stories)
    stories.add_argument("--top", type=positive_int, default=20, metavar="N", help="how many, largest first (default 20)")
    stories.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stories.set_defaults(run=run_stories)

    story = subparsers.add_parser("story", help="the articles of one story, by outlet and date")
    story.add_argument("id", metavar="ID", help="a story id, as `presslens stories` prints it")
    _add_db(story)
    story.add_argument("--json", action="store_true", help="print JSON instead of a table")
    story.set_defaults(run=run_story)

    export = subparsers.add_parser("export", help="write the corpus tables as Parquet, CSV or JSONL files")
    _add_db(export)
    export.add_argument("--to", required=True, metavar="DIR", help="folder for the files (created if missing)")
    export.add_argument("--format", choices=("parquet", "csv", "jsonl"), default="parquet")
    export.set_defaults(run=run_export)


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    """Add --workers: how many processes analyse articles (each loads its own pipeline)."""
    parser.add_argument("--workers", type=positive_int, default=1, metavar="N",
                        help="processes analysing articles in parallel, each with its own pipeline (default 1)")


def add_given_options(parser: argparse.ArgumentParser) -> None:
    """Add --published, --outlet and --url: metadata for inputs that carry none, such as text files."""
    parser.add_argument("--published", type=_argument(parse_date), metavar="DATE",
                        help="the publication date (YYYY-MM-DD) of every article read, over any date the input holds")
    parser.add_argument("--outlet", dest="given_outlet", metavar="NAME",
                        help="the outlet that published every article read")
    parser.add_argument("--url", type=_argument(parse_address), metavar="ADDRESS",
                        help="the web address of the one article read (it becomes the article's identity)")


def given_metadata(args: argparse.Namespace, locations: list[str]):
    """Return the metadata the options give; PresslensError when --url would name several articles."""
    from presslens.ingest.given import Given

    if args.url and not _one_article(locations):
        raise PresslensError("--url gives one article's address; name a single text or HTML file (or -) with it.")
    return Given(published=args.published, outlet=args.given_outlet, url=args.url)


def _one_article(locations: list[str]) -> bool:
    from presslens.ingest.files import inner_suffix
    from presslens.ingest.sources import HTML_SUFFIXES, TEXT_SUFFIXES

    if len(locations) != 1:
        return False
    if locations[0] == "-":
        return True
    path = Path(locations[0])
    return path.is_file() and inner_suffix(path) in TEXT_SUFFIXES | HTML_SUFFIXES | {""}


def _argument(parse):
    """Return an argparse type that reports parse's ValueError as its one sentence."""
    def checked(value: str) -> str:
        try:
            return parse(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    checked.__name__ = parse.__name__
    return checked


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, metavar="DB",
                        help="the corpus database: a SQLite file, or a postgresql://user@host:port/dbname URL")


def _add_filters(parser: argparse.ArgumentParser, speaker: str | None = None) -> None:
    """Add the options that narrow a query to some articles: dates, outlet, story, speaker, copies."""
    parser.add_argument("--since", metavar="DATE", type=_date, help="published on or after this date (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", type=_date, help="published on or before this date (YYYY-MM-DD)")
    parser.add_argument("--outlet", metavar="NAME", help="from outlets whose name (or web address) holds this text")
    parser.add_argument("--story", metavar="ID", help="from the articles of this story, as `presslens stories` prints it")
    if speaker:
        parser.add_argument("--speaker", metavar="NAME", help=speaker)
    _add_copies(parser)


def _add_copies(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--include-copies", action="store_true",
                        help="also count near-duplicate copies of an article (left out by default)")


def _filters(args: argparse.Namespace):
    from presslens.corpus.store import Filters

    if args.since and args.until and args.since > args.until:
        raise PresslensError(f"--since {args.since} is after --until {args.until}; nothing can match.")
    return Filters(since=args.since, until=args.until, outlet=args.outlet, story=args.story,
                   speaker=getattr(args, "speaker", None), include_copies=args.include_copies)


def _add_output(parser: argparse.ArgumentParser, limit: int) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--limit", type=positive_int, default=limit, metavar="N", help=f"at most N rows (default {limit})")


def positive_int(value: str) -> int:
    """Return the argument as a whole number of at least 1, or tell argparse why it is not."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2024-03-01") from None


def _open(path: str, must_exist: bool = True):
    from presslens.corpus.store import POSTGRES_SCHEMES, no_corpus, open_store

    if must_exist and not path.startswith(POSTGRES_SCHEMES) and not Path(path).is_file():
        raise no_corpus(path)
    # A query never creates a corpus: a PostgreSQL database without one is an error too, not an empty answer.
    return open_store(path, create=not must_exist)


# -- ingest -----------------------------------------------------------------------------


def run_ingest(args: argparse.Namespace) -> int:
    """Return 0 when every item was stored or skipped, 1 when any failed."""
    from presslens.corpus.dedupe import find_duplicates
    from presslens.corpus.ingest import count_items, ingest
    from presslens.corpus.merging import merge_corpus_entities
    from presslens.corpus.stories import build_stories
    from presslens.nlp import load_pipeline, require_model
    from presslens.progress import progress_bar

    given = given_metadata(args, args.sources)
    # A missing model is one sentence before any work starts; with workers, this process
    # never parses, so it only checks that the model is there.
    (load_pipeline if args.workers <= 1 else require_model)(args.model)
    # Counting reads the sources once without parsing: cheap next to the parse, and what
    # gives the bar its time left. Standard input can only be read once.
    # Web addresses would be fetched twice.
    counted = sys.stderr.isatty() and not any(s == "-" or s.startswith(("http://", "https://")) for s in args.sources)
    total = count_items(args.sources, args.max_bytes) if counted else None
    store = _open(args.db, must_exist=False)
    with stops_cleanly(store), store, progress_bar("ingesting", total, "articles") as progress:
        report = ingest(args.sources, store, model=args.model, batch_size=args.batch_size,
                        progress=progress, max_bytes=args.max_bytes, workers=args.workers, given=given)
        # Merged over the whole corpus, so that one referent is one entity whatever the order
        # the articles came in; before the stories, which group articles by their entities.
        merge_corpus_entities(store)
        clusters = find_duplicates(store)
        # After the duplicates: copies of one article always enter the same story.
        stories = build_stories(store)
        shown = store.name  # a PostgreSQL URL without its password
    for line in report.errors:
        print(f"presslens: {line}", file=sys.stderr)
    if report.failed > len(report.errors):
        print(f"presslens: … and {report.failed - len(report.errors)} more in the errors table.", file=sys.stderr)
    copies = sum(len(c.members) - 1 for c in clusters)
    print(f"{report.added} added, {report.skipped} already stored, {report.failed} failed "
          f"in {report.seconds:.1f} s ({report.rate:.1f} items/s); "
          f"{len(clusters)} near-duplicate clusters ({copies} copies), {len(stories)} stories in {shown}")
    return 1 if report.failed else 0


@contextmanager
def stops_cleanly(store):
    """Turn a database failure in the block (a full disk, a server that went away) into one sentence.

    Every batch is its own transaction, so what was committed before the failure is whole and
    the next run, which skips stored articles, does only the rest.
    """
    try:
        yield
    except store.database_error as error:
        from presslens.corpus.store import first_line

        # What failed first says why ("database or disk is full"); the commit tried on the way
        # out only fails after it.
        while isinstance(error.__context__, store.database_error):
            error = error.__context__
        store.discard()
        raise PresslensError(f"the database {store.name} failed during the ingest ({first_line(error)}); "
                             "every batch stored before it is kept, so run the same command again to finish "
                             "once the database is back (or has room).") from None


# -- queries ----------------------------------------------------------------------------


def run_search(args: argparse.Namespace) -> int:
    """Return 0 after printing the matching articles."""
    from presslens.corpus.search import parse, words

    query = parse(args.text)  # bad syntax is one sentence before the store is opened
    with _open(args.db) as store:
        rows = store.search(args.text, limit=args.limit, filters=_filters(args))
    if args.json:
        return _print_json(rows)
    _print_table(rows, [("id", "Article"), ("published", "Published"), ("outlet", "Outlet"), ("title", "Title"),
                        ("snippet", "Match")], highlight=words(query), empty="No article matches.")
    return 0


def run_quotes(args: argparse.Namespace) -> int:
    """Return 0 after printing the quotes found."""
    from presslens.corpus.search import parse

    if args.about is not None:
        parse(args.about)
    with _open(args.db) as store:
        rows = store.quotes(about=args.about, limit=args.limit, filters=_filters(args))
    if args.json:
        return _print_json(rows)
    _print_table(rows, [("article_id", "Article"), ("published", "Published"), ("speaker", "Speaker"),
                        ("cue", "Cue"), ("content", "Quote")], empty="No quote found.")
    return 0


def run_events(args: argparse.Namespace) -> int:
    """Return 0 after printing the events found."""
    from presslens.record import shown_date

    with _open(args.db) as store:
        rows = store.events(type=args.type, near=args.near, limit=args.limit, filters=_filters(args))
    if args.json:
        return _print_json(rows)
    for row in rows:
        row["when"] = shown_date(row["time"], row["time_precision"]) if row["time"] else row["published"]
        for role in ("actor", "target"):
            # A phrase as written stands in where the argument names no entity ("gunmen").
            if row[role] is None:
                row[role] = next((a["text"] for a in row["arguments"] if a["role"] == role), None)
    _print_table(rows, [("article_id", "Article"), ("when", "When"), ("type", "Type"), ("trigger", "Trigger"),
                        ("actor", "Actor"), ("target", "Target"), ("location", "Where")],
                 empty="No event found.")
    return 0



def run_article(args: argparse.Namespace) -> int:
    """Return 0 after printing one stored article's record."""
    with _open(args.db) as store:
        found = store.article(args.id)
        where = store.name
    if found is None:
        raise PresslensError(f"there is no article {args.id} in {where}; `presslens search QUERY --db {where}`"
                             " lists article ids.")
    if args.format == "json":
        print(found.model_dump_json(indent=2))
    elif args.format == "html":
        from presslens.render.html import render_html

        sys.stdout.write(render_html([found]))
    else:
        from rich.console import Console

        from presslens.render.summary import summary

        Console().print(summary(found))
    return 0


def run_entities(args: argparse.Namespace) -> int:
    """Return 0 after printing the most mentioned corpus entities."""
    with _open(args.db) as store:
        rows = store.top_entities(args.top, include_copies=args.include_copies)
        if args.timeline:
            for row in rows:
                row["days"] = store.entity_days(row["id"])
    if args.json:
        return _print_json(rows)
    if not args.timeline:
        _print_table(rows, [("name", "Entity"), ("type", "Type"), ("articles", "Articles"), ("mentions", "Mentions"),
                            ("first_seen", "First"), ("last_seen", "Last")], empty="The corpus has no entities yet.")
        return 0
    timeline = []
    for row in rows:
        peak = max((d["mentions"] for d in row["days"]), default=0) or 1
        for number, day in enumerate(row["days"]):
            timeline.append({"name": row["name"] if number == 0 else "", "day": day["day"] or "undated",
                             "articles": day["articles"], "mentions": day["mentions"],
                             # A bar scaled to the entity's busiest day shows its rise and fall.
                             "bar": "█" * max(1, round(20 * day["mentions"] / peak))})
    _print_table(timeline, [("name", "Entity"), ("day", "Day"), ("articles", "Articles"), ("mentions", "Mentions"),
                            ("bar", "")], empty="The corpus has no entities yet.")
    return 0


def run_stories(args: argparse.Namespace) -> int:
    """Return 0 after printing the largest stories."""
    with _open(args.db) as store:
        rows = _stories(store, args.top)
    if args.json:
        return _print_json(rows)
    for row in rows:
        row["outlet_list"] = ", ".join(row["outlets"])
    _print_table(rows, [("id", "Story"), ("label", "Label"), ("articles", "Articles"), ("outlet_list", "Outlets"),
                        ("first_date", "First"), ("last_date", "Last")], empty="The corpus has no stories yet.")
    return 0


def _stories(store, top: int) -> list[dict]:
    rows = store.stories(top)
    if not rows and store.counts()["articles"]:
        # A corpus ingested before stories existed: build them now rather than show nothing.
        from presslens.corpus.stories import build_stories

        build_stories(store)
        rows = store.stories(top)
    return rows


def run_story(args: argparse.Namespace) -> int:
    """Return 0 after printing one story's articles by outlet and date."""
    with _open(args.db) as store:
        _stories(store, 1)
        found = store.story(args.id)
        where = store.name  # a PostgreSQL URL without its password
    if found is None:
        raise PresslensError(f"there is no story {args.id} in {where}; `presslens stories --db {where}` lists them.")
    if args.json:
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.text import Text

    dates = " to ".join(dict.fromkeys(d for d in (found["first_date"], found["last_date"]) if d)) or "undated"
    Console().print(Text(f"{found['label']}: {len(found['articles'])} articles, {dates}"))
    _print_table(found["articles"], [("outlet", "Outlet"), ("published", "Published"), ("title", "Title"),
                                     ("duplicate_of", "Copy of"), ("source", "Source")], empty="The story is empty.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Return 0 after writing one file per table."""
    from presslens.corpus.export import export

    with _open(args.db) as store:
        written = export(store, args.to, args.format)
    for table, path in written.items():
        print(f"{table}: {path}")
    return 0


def _print_json(rows: list[dict]) -> int:
    print(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0


def _print_table(rows: list[dict], columns: list[tuple[str, str]], empty: str,
                 highlight: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not rows:
        console.print(Text(empty))
        return
    table = Table(show_lines=False)
    for key, header in columns:
        if key in ID_COLUMNS:
            # An id is copied into the next command: never folded over two lines.
            table.add_column(header, no_wrap=True, min_width=max(len(str(r.get(key) or "")) for r in rows))
        else:
            table.add_column(header, overflow="fold")
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key)
            cell = Text("" if value is None else " ".join(str(value).split()))
            if highlight:
                cell.highlight_words(highlight, style="bold yellow", case_sensitive=False)
            cells.append(cell)
        table.add_row(*cells)
    console.print(table)
