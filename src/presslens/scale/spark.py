"""Analyse a Spark DataFrame of raw articles into the store's tables, written as Parquet.

The input has one row per item, with the columns of INPUT_SCHEMA, all strings and all
optional:

    id         the article's id; when empty, a hash of its content and url (as presslens's readers make it)
    text       the article as plain text
    html       the article as an HTML page or fragment; used instead of `text` when not blank
    title      the headline, when the source gives it apart from the text
    published  the publication date, YYYY-MM-DD
    url        where the article was published
    path       where the item was read from: a file, `file:line` in JSON lines, `feed#entry`
    outlet     the publication's name
    author     the byline, when the source gives it
    error      set when the item could not be read: it becomes an `errors` row as it is

The fields a JSON line of presslens's own reader may hold map onto it one to one, with
`date` standing in for `published` and `source` for `outlet`. An item without text or HTML
is an error, not a failure of its partition.

Each partition goes through `analyze_stream` in a Python worker. The pipeline is loaded
once per worker process (`load_pipeline` caches it, and Spark reuses its workers from one
task to the next), and a bad item gives one `errors` row while the others go on. The
tables are `record_rows` of each Article, with the columns of ROW_COLUMNS, so an article
has the same rows here as in the corpus store.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from pyspark import StorageLevel
from pyspark.errors import PySparkRuntimeError
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, DataType, DoubleType, LongType, StringType, StructField, StructType

from presslens.corpus.rows import ROW_COLUMNS, record_rows
from presslens.errors import InputError, PresslensError
from presslens.ingest.document import RawArticle
from presslens.ingest.identity import article_id
from presslens.ingest.sources import DEFAULT_MAX_BYTES, JSONL_SUFFIXES
from presslens.nlp import BATCH_SIZE, model_name
from presslens.record import Article, Source

if TYPE_CHECKING:
    import pandas as pd

INPUT_SCHEMA = StructType([StructField(name, StringType()) for name in (
    "id", "text", "html", "title", "published", "url", "path", "outlet", "author", "error")])

# A column means the same thing in every table that has it, so its type goes by its name;
# every other column is text, as in the store.
INTEGER_COLUMNS = frozenset({"start", "end", "mentions", "geonames_id", "location_geonames_id", "killed",
                             "wounded", "missing", "arrested", "displaced", "approximate", "in_quote"})
REAL_COLUMNS = frozenset({"salience", "lat", "lon", "confidence", "value", "value_max"})


def _column_type(name: str) -> DataType:
    if name in INTEGER_COLUMNS:
        return LongType()
    return DoubleType() if name in REAL_COLUMNS else StringType()


TABLE_SCHEMAS: dict[str, StructType] = {
    table: StructType([StructField(name, _column_type(name)) for name in columns])
    for table, columns in ROW_COLUMNS.items()
}
TABLE_SCHEMAS["errors"] = StructType([StructField("source", StringType()), StructField("message", StringType())])

# What analyze_frame returns: one row per item, its tables' rows nested in it, so that a
# single pass over the input fills every table.
ANALYSED_SCHEMA = StructType([StructField("source", StringType()), StructField("error", StringType())]
                             + [StructField(table, ArrayType(TABLE_SCHEMAS[table])) for table in ROW_COLUMNS])

# Few enough articles per task that a failed task is cheap to redo and its rows sit in a
# worker's memory; enough that the spaCy batches are full.
ARTICLES_PER_TASK = 256


# -- the session ---------------------------------------------------------------------------

JAVA_MISSING = "Spark needs Java 17 or later, and there is no `java` on PATH or in JAVA_HOME."


def spark_session(master: str = "local[*]", app_name: str = "presslens",
                  config: dict[str, str] | None = None) -> SparkSession:
    """Return the SparkSession this process already runs, as it is, or a new one on
    `master` with `config`, logging errors only.

    Raises PresslensError when Java is missing or cannot be started.
    """
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if java_program() is None:
        raise PresslensError(JAVA_MISSING)
    if master.startswith("local"):
        # Local workers run PYSPARK_PYTHON, by default whichever python3 is on PATH, which
        # need not be the one presslens is installed in.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # The progress bar would draw over the summary; Java's own logging is set before the
    # JVM starts, so that its start-up notices are quiet too.
    logging = files("presslens.scale") / "log4j2.properties"
    settings = {"spark.ui.showConsoleProgress": "false",
                "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={Path(str(logging)).as_uri()}",
                **(config or {})}
    try:
        spark = SparkSession.builder.master(master).appName(app_name).config(map=settings).getOrCreate()
    except PySparkRuntimeError:
        raise PresslensError("Spark could not start Java; check that `java -version` runs and reports 17 "
                             "or later.") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def java_program() -> str | None:
    """Return the java program Spark would start (JAVA_HOME's, else the one on PATH), or None."""
    home = os.environ.get("JAVA_HOME")
    if home:
        program = Path(home) / "bin" / "java"
        return str(program) if program.is_file() else None
    return shutil.which("java")


# -- the input -----------------------------------------------------------------------------


def read_sources(spark: SparkSession, sources: Iterable[str | Path],
                 max_bytes: int = DEFAULT_MAX_BYTES) -> DataFrame:
    """Return the input DataFrame (INPUT_SCHEMA) of presslens sources.

    A .jsonl or .ndjson file (local, or a URI such as hdfs://) is read by Spark, so its
    lines never pass through the driver; any other source (files, folders, CSV, feeds,
    WARC) is read on the driver by presslens's own readers, its text held there until the
    DataFrame is made.
    """
    frames = [read_jsonl(spark, str(source), max_bytes) if _is_jsonl(str(source))
              else items_frame(spark, _corpus_items(str(source), max_bytes))
              for source in sources]
    frame = frames[0] if frames else items_frame(spark, [])
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame


def _is_jsonl(source: str) -> bool:
    if Path(source.lower()).suffix not in JSONL_SUFFIXES:
        return False
    return "://" in source or Path(source).is_file()


def _corpus_items(source: str, max_bytes: int) -> Iterator[RawArticle | InputError]:
    from presslens.ingest.dispatch import iter_corpus_articles

    return iter_corpus_articles([source], max_bytes)


def items_frame(spark: SparkSession, items: Iterable[RawArticle | InputError]) -> DataFrame:
    """Return the input DataFrame of raw articles and reading errors, made on the driver."""
    return spark.createDataFrame([_input_row(item) for item in items], INPUT_SCHEMA)


def _input_row(item: RawArticle | InputError) -> tuple:
    if isinstance(item, InputError):
        row = {"path": item.where, "error": _message(item)}
    else:
        source = item.source
        row = {"id": item.id, "html" if item.is_html else "text": item.content, "title": item.title,
               "published": item.published, "url": source.url, "path": source.path, "outlet": source.outlet,
               "author": source.author}
    return tuple(row.get(field.name) for field in INPUT_SCHEMA)


JSONL_FIELDS = StructType([StructField(name, StringType()) for name in (
    "id", "text", "html", "title", "published", "date", "url", "outlet", "source", "_corrupt_record")])


def read_jsonl(spark: SparkSession, location: str, max_bytes: int = DEFAULT_MAX_BYTES) -> DataFrame:
    """Return the input DataFrame of a JSON-lines file (or URI, or glob) read by Spark.

    Each line is an item as presslens's own reader takes it, and its `path` is
    `location:line`, numbered as that reader numbers them, blank lines included.
    """
    uri = location if "://" in location else str(Path(location).resolve())
    lines = spark.read.text(uri).select(
        "value", F.col("_metadata.file_path").alias("file"), F.col("_metadata.file_block_start").alias("block"),
        F.monotonically_increasing_id().alias("order"))
    # A file's splits are numbered by their offset and rows keep their order within a
    # split, so this counts the lines of each file from the first.
    number = F.row_number().over(Window.partitionBy("file").orderBy("block", "order"))
    lines = lines.withColumn("line", number).where(~F.col("value").rlike(r"^\s*$"))
    prefix = F.col("file") if "://" in location else F.lit(str(Path(location)))
    item = F.from_json("value", JSONL_FIELDS)
    size = F.octet_length("value") + 1  # with its line break, as the reader counts a line
    error = (F.when(size > max_bytes, F.format_string(
                 "is %,d bytes, over the %,d-byte limit (raise it with --max-bytes)", size, F.lit(max_bytes)))
             .when(item["_corrupt_record"].isNotNull(), F.lit("is not a valid JSON object")))
    return lines.select(
        _filled(item["id"]).alias("id"), item["text"].alias("text"), item["html"].alias("html"),
        _filled(item["title"]).alias("title"),
        F.coalesce(_filled(item["published"]), _filled(item["date"])).alias("published"),
        _filled(item["url"]).alias("url"),
        F.concat(prefix, F.lit(":"), F.col("line").cast("string")).alias("path"),
        F.coalesce(_filled(item["outlet"]), _filled(item["source"])).alias("outlet"),
        F.lit(None).cast("string").alias("author"),
        error.alias("error"))


def _filled(value: Column) -> Column:
    """Return the value, or null when it is empty: the reader takes "" as absent."""
    return F.when(value != "", value)


# -- the analysis --------------------------------------------------------------------------


def default_partitions(spark: SparkSession, items: int) -> int:
    """Return how many partitions to analyse `items` items in: a multiple of the cores, so
    that no core idles through a last lone task, with at most about ARTICLES_PER_TASK each."""
    cores = max(1, spark.sparkContext.defaultParallelism)
    return cores * max(1, math.ceil(items / (ARTICLES_PER_TASK * cores)))


def analyze_frame(frame: DataFrame, model: str | None = None, partitions: int | None = None) -> DataFrame:
    """Return one row per input item (ANALYSED_SCHEMA): `source`, `error` (null when the item
    was analysed) and, for each table of ROW_COLUMNS, an array of the item's rows.

    `frame` has columns of INPUT_SCHEMA; missing ones are taken as null. The model is
    resolved here, on the driver, and handed to the workers with the function they run,
    so they load the pipeline the user asked for whatever their own environment says.
    Without `partitions`, the input is counted and default_partitions() decides.
    """
    resolved = model_name(model)
    present = set(frame.columns)
    frame = frame.select([(F.col(f.name) if f.name in present else F.lit(None)).cast("string").alias(f.name)
                          for f in INPUT_SCHEMA])
    if partitions is None:
        partitions = default_partitions(frame.sparkSession, frame.count())
    return frame.repartition(partitions).mapInPandas(partial(analyze_batches, model=resolved), ANALYSED_SCHEMA)


def table_frames(analysed: DataFrame) -> dict[str, DataFrame]:
    """Return a DataFrame per table of ROW_COLUMNS, then `errors` (source, message), from
    the rows of analyze_frame."""
    tables = {table: analysed.select(F.explode(table).alias("row")).select("row.*") for table in ROW_COLUMNS}
    tables["errors"] = analysed.where(F.col("error").isNotNull()).select(
        "source", F.col("error").alias("message"))
    return tables


def write_tables(frame: DataFrame, output: str | Path, model: str | None = None,
                 partitions: int | None = None) -> dict[str, int]:
    """Return the row count of each table, after writing them as Parquet to `output`/<table>/.

    The analysis runs once: its rows are kept (memory, then disk) while every table is cut
    from them. Table folders already in `output` are replaced.
    """
    analysed = analyze_frame(frame, model, partitions).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        totals = analysed.agg(*[F.sum(F.size(table)).alias(table) for table in ROW_COLUMNS],
                              F.count("error").alias("errors")).first()
        for table, rows in table_frames(analysed).items():
            rows.write.mode("overwrite").parquet(table_location(output, table))
    finally:
        analysed.unpersist()
    return {table: int(totals[table] or 0) for table in TABLE_SCHEMAS}


def table_location(output: str | Path, table: str) -> str:
    """Return the folder of a table under `output`, a local path or a URI such as s3a://."""
    return f"{str(output).rstrip('/')}/{table}"


# -- in the Python workers -----------------------------------------------------------------


def analyze_batches(batches: Iterator[pd.DataFrame], model: str) -> Iterator[pd.DataFrame]:
    """Return the analysed rows (ANALYSED_SCHEMA) of one partition's input, BATCH_SIZE items
    at a time; what mapInPandas runs in each worker."""
    import pandas as pd

    from presslens.pipeline import analyze_stream

    items = (_raw_item(row) for batch in batches for row in batch.to_dict("records"))
    rows: list[dict] = []
    for result in analyze_stream(items, model=model):
        rows.append(_analysed_row(result))
        if len(rows) >= BATCH_SIZE:
            yield pd.DataFrame(rows, columns=ANALYSED_SCHEMA.names)
            rows = []
    if rows:
        yield pd.DataFrame(rows, columns=ANALYSED_SCHEMA.names)


def _raw_item(row: dict) -> RawArticle | InputError:
    row = {name: value if isinstance(value, str) else None for name, value in row.items()}
    where = row["path"] or row["url"] or row["id"]
    if row["error"]:
        return InputError(row["error"], where)
    html, text = row["html"], row["text"]
    is_html = bool(html and html.strip())
    content = html if is_html else text
    if not content or not content.strip():
        return InputError("has no non-empty 'text' or 'html' field", where)
    return RawArticle(id=row["id"] or article_id(content, url=row["url"]), content=content, is_html=is_html, title=row["title"],
                      published=row["published"],
                      source=Source(path=row["path"], url=row["url"], outlet=row["outlet"], author=row["author"]))


def _analysed_row(result: Article | InputError) -> dict:
    if isinstance(result, InputError):
        return {"source": result.where or "", "error": _message(result), **{table: [] for table in ROW_COLUMNS}}
    source = result.source
    row: dict = {"source": source.path or source.url or result.id, "error": None}
    for table, rows in record_rows(result).items():
        fields = _CASTS[table]
        row[table] = [{name: cast(value) for (name, cast), value in zip(fields, values)} for values in rows]
    return row


def _message(error: InputError) -> str:
    """Return the error's sentence without its source, which has a column of its own."""
    return str(error.args[0]) if error.args else str(error)


def _cast(kind: type, value):
    if value is None:
        return None
    if kind is str:
        return value if isinstance(value, str) else str(value)
    return kind(value)


def _caster(data_type: DataType) -> Callable:
    kind = int if isinstance(data_type, LongType) else float if isinstance(data_type, DoubleType) else str
    return partial(_cast, kind)


# Each value is made the Python type of its Spark column, so that Arrow never has to guess
# (an amount's value is an int or a float, a flag a bool or an int).
_CASTS = {table: [(field.name, _caster(field.dataType)) for field in schema.fields]
          for table, schema in TABLE_SCHEMAS.items() if table in ROW_COLUMNS}
