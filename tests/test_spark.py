"""The Spark job, in local mode: the same rows as the in-process pipeline, bad items as errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (the presslens[spark] extra)")
pytest.importorskip("pandas", reason="pandas is not installed (the presslens[spark] extra)")

from presslens.cli import main  # noqa: E402
from presslens.corpus.rows import ROW_COLUMNS, record_rows  # noqa: E402
from presslens.errors import InputError  # noqa: E402
from presslens.ingest.dispatch import iter_corpus_articles  # noqa: E402
from presslens.pipeline import analyze_stream  # noqa: E402
from presslens.scale.spark import (  # noqa: E402
    TABLE_SCHEMAS,
    analyze_frame,
    java_program,
    read_sources,
    spark_session,
    table_frames,
)

if java_program() is None:
    pytest.skip("Spark needs Java, and none is installed", allow_module_level=True)

GOMA = """Rebels shell market in Goma

Rebels shelled a crowded market in Goma on Tuesday, killing at least 12 people, local officials said.

“We will not let these attacks go unanswered,” said Governor Peter Cirimwami.

The United Nations said it was sending medical teams to the city.
"""

TRAM = """Council approves new tram line

The city council on Wednesday approved a new tram line linking the harbour to the university.

‘This is a good day for commuters,’ said Mayor Liesl Brandt.

Transport minister Anna Keller said the line would cost 240 million euros and open in 2027.
"""

KHARKIV = """<html><head><title>Missile strike hits Kharkiv</title></head><body><article>
<h1>Missile strike hits Kharkiv</h1>
<p>A Russian missile struck an apartment block in Kharkiv on Friday, wounding nine people, regional governor
Oleh Syniehubov said.</p>
<p>“The rescue work is still going on,” Syniehubov said on Telegram.</p>
<p>Ukraine's foreign minister said the attack showed the need for more air defence.</p>
</article></body></html>"""

# Every field name presslens's JSONL reader accepts, `date` and `source` among them; a blank
# line, which still counts in the line numbers; and an item with no text.
LINES = [
    {"id": "goma-market", "title": "Rebels shell market in Goma", "published": "2024-03-05",
     "url": "https://example.org/goma", "outlet": "Example Wire", "text": GOMA},
    {"title": "Council approves new tram line", "date": "2024-03-06", "source": "City Herald", "text": TRAM},
    None,
    {"id": "kharkiv-strike", "url": "https://example.org/kharkiv", "html": KHARKIV},
    {"id": "empty", "text": ""},
]


@pytest.fixture(scope="module")
def spark():
    # No web UI and few shuffle partitions: a few articles need neither, and each costs seconds.
    session = spark_session("local[2]", config={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("spark") / "articles.jsonl"
    path.write_text("".join("\n" if item is None else json.dumps(item, ensure_ascii=False) + "\n" for item in LINES),
                    encoding="utf-8")
    return path


def local_tables(sources) -> dict[str, list[tuple]]:
    """Return the rows of every table as the in-process pipeline makes them, errors included."""
    tables: dict[str, list[tuple]] = {table: [] for table in TABLE_SCHEMAS}
    for result in analyze_stream(iter_corpus_articles(sources)):
        if isinstance(result, InputError):
            tables["errors"].append((result.where, result.args[0]))
        else:
            for table, rows in record_rows(result).items():
                tables[table] += rows
    return tables


@pytest.fixture(scope="module")
def spark_rows(spark, jsonl):
    analysed = analyze_frame(read_sources(spark, [jsonl]), partitions=2).persist()
    try:
        return {table: [tuple(row) for row in frame.collect()] for table, frame in table_frames(analysed).items()}
    finally:
        analysed.unpersist()


@pytest.fixture(scope="module")
def local_rows(jsonl):
    return local_tables([jsonl])


@pytest.mark.parametrize("table", list(TABLE_SCHEMAS))
def test_spark_rows_equal_in_process_rows(table, spark_rows, local_rows):
    assert Counter(spark_rows[table]) == Counter(local_rows[table])


def test_spark_finds_quotes_entities_and_the_attack(spark_rows, jsonl):
    assert len(spark_rows["articles"]) == 3
    quotes = {(row[2], row[8]) for row in spark_rows["quotes"]}
    assert ("direct", "Peter Cirimwami") in quotes
    assert ("indirect", "Anna Keller") in quotes
    assert {"Goma", "Liesl Brandt", "Oleh Syniehubov"} <= {row[2] for row in spark_rows["entities"]}
    assert any(row[8] == "Goma" for row in spark_rows["events"])
    # The JSONL reader's aliases and line numbers: the blank line is line 3.
    articles = {row[0]: row for row in spark_rows["articles"]}
    assert articles["kharkiv-strike"][4] == f"{jsonl}:4"
    assert {(row[2], row[5]) for row in spark_rows["articles"]} >= {("2024-03-06", "City Herald")}
    assert spark_rows["errors"] == [(f"{jsonl}:5", "has no non-empty 'text' or 'html' field")]


def test_cli_writes_parquet_and_fails_on_the_bad_file(spark, tmp_path, capsys, nlp):
    import pyarrow.parquet as pq

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    (folder / "goma.txt").write_text(GOMA, encoding="utf-8")
    (folder / "tram.txt").write_text(TRAM, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\xff\x10" * 300)
    assert main(["spark-ingest", str(folder), str(out), "--master", "local[2]", "--partitions", "2"]) == 1
    captured = capsys.readouterr()
    assert f"articles: 2 rows in {out}/articles" in captured.out.splitlines()
    assert "errors: 1 row" in captured.out
    assert "broken.txt" in captured.err and "binary" in captured.err

    tables = {table: pq.read_table(out / table) for table in TABLE_SCHEMAS}
    assert tables["quotes"].column_names == list(ROW_COLUMNS["quotes"])
    assert str(tables["quotes"].schema.field("start").type) == "int64"
    expected = local_tables([folder])
    for table in ("quotes", "entities", "events"):
        assert Counter(tuple(row.values()) for row in tables[table].to_pylist()) == Counter(expected[table])
    [error] = tables["errors"].to_pylist()
    assert error["source"].endswith("broken.txt") and "binary" in error["message"]


def test_without_pyspark_the_cli_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    assert main(["spark-ingest", str(tmp_path), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "presslens[spark]" in err and len(err.strip().splitlines()) == 1


def test_without_java_the_cli_says_so_in_one_sentence(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # a folder with no java in it
    done = subprocess.run([sys.executable, "-m", "presslens.cli", "spark-ingest", str(tmp_path), str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "presslens: Spark needs Java 17 or later, and there is no `java` on PATH or in JAVA_HOME."]
