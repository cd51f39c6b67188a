"""The `spark-ingest` sub-command: analyse a corpus on Spark and write its tables as Parquet."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from presslens.corpus.commands import positive_int
from presslens.errors import PresslensError
from presslens.ingest.sources import DEFAULT_MAX_BYTES

MAX_ERRORS_SHOWN = 1000  # the errors table keeps them all


def add_scale_commands(subparsers) -> None:
    """Register the Spark sub-commands on the CLI's sub-parsers."""
    ingest = subparsers.add_parser(
        "spark-ingest", help="analyse articles on Spark and write the corpus tables as Parquet")
    ingest.add_argument("input", metavar="INPUT",
                        help="a file, a folder (recursive), a .csv/.rss/.atom/.warc(.gz) file, or a .jsonl "
                             "file or URI (read by Spark itself)")
    ingest.add_argument("output", metavar="OUTPUT",
                        help="folder (or URI) for one Parquet folder per table; table folders already "
                             "there are replaced")
    ingest.add_argument("--model", default=None, help="spaCy pipeline to load (default: as for analyze)")
    ingest.add_argument("--master", default="local[*]",
                        help="Spark master URL (default local[*]: every core of this machine)")
    ingest.add_argument("--partitions", type=positive_int, default=None, metavar="N",
                        help="partitions to analyse in (default: a multiple of the cores, "
                             "at most about 256 articles each)")
    ingest.add_argument("--max-bytes", type=positive_int, default=DEFAULT_MAX_BYTES, metavar="N",
                        help=f"refuse inputs larger than this (default {DEFAULT_MAX_BYTES:,})")
    ingest.set_defaults(run=run_spark_ingest)


def run_spark_ingest(args: argparse.Namespace) -> int:
    """Return 0 when every item was analysed, 1 when any failed."""
    try:
        import pandas  # noqa: F401  (the workers need it; better to know before Spark starts)
        import pyspark  # noqa: F401
    except ImportError:
        message = "Spark support is not installed; install it with `pip install 'presslens[spark]'`."
        raise PresslensError(message) from None
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException
    from pyspark.sql import SparkSession

    from presslens.nlp import require_model
    from presslens.scale.spark import (
        JAVA_MISSING,
        java_program,
        read_sources,
        spark_session,
        table_location,
        write_tables,
    )

    # A session this process already runs (a notebook, a test) is used as it is and left running.
    ours = SparkSession.getActiveSession() is None
    if ours and java_program() is None:
        raise PresslensError(JAVA_MISSING)  # before the model loads: both are one sentence, this one quick
    model = require_model(args.model)  # a missing model is one sentence here, not a failed task on every worker
    if ours and args.master.startswith("local") and "://" not in args.output:
        _check_writable(Path(args.output))  # now, not after the whole corpus has been analysed
    started = time.perf_counter()
    spark = spark_session(args.master)
    try:
        frame = read_sources(spark, [args.input], args.max_bytes)
        counts = write_tables(frame, args.output, model=model, partitions=args.partitions)
        errors = spark.read.parquet(table_location(args.output, "errors")).limit(MAX_ERRORS_SHOWN).collect()
    except PySparkException as error:
        raise PresslensError(f"the Spark job failed ({_last_line(str(error))}).") from None
    except Py4JJavaError as error:
        raise PresslensError(f"the Spark job failed ({_root_cause(error)}).") from None
    finally:
        if ours:
            spark.stop()
    seconds = time.perf_counter() - started
    for source, message in errors:
        print(f"presslens: {source}: {message}" if source else f"presslens: {message}", file=sys.stderr)
    if counts["errors"] > len(errors):
        print(f"presslens: … and {counts['errors'] - len(errors)} more in the errors table.", file=sys.stderr)
    for table, rows in counts.items():
        print(f"{table}: {rows:,} row{'' if rows == 1 else 's'} in {table_location(args.output, table)}")
    where = args.master if ours else "the running Spark session"
    print(f"{counts['articles']:,} analysed, {counts['errors']:,} failed in {seconds:.1f} s on {where}; "
          f"Parquet tables under {args.output}")
    return 1 if counts["errors"] else 0


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PresslensError(f"cannot create {folder} ({error.strerror or error}).") from None
    if not os.access(folder, os.W_OK):
        raise PresslensError(f"cannot write to {folder} (permission denied).")


def _last_line(message: str) -> str:
    """Return the last line of an error message: for a worker's, the Python exception that ended it."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[-1] if lines else "no reason given"


def _root_cause(error) -> str:
    """Return the first line of the Java exception at the bottom of a Py4JJavaError's chain."""
    cause = error.java_exception
    while cause.getCause() is not None:
        cause = cause.getCause()
    return (cause.toString().splitlines() or ["no reason given"])[0]
