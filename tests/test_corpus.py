"""The corpus: ingest from every kind of source into a store, then query, de-duplicate and export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from presslens.cli import main
from presslens.corpus.dedupe import find_duplicates
from presslens.corpus.export import export
from presslens.corpus.ingest import ingest, ingest_items
from presslens.corpus.store import open_store
from presslens.ingest.dispatch import iter_corpus_articles

TRAM = """Council approves new tram line

The city council in Lyon on Wednesday approved a new tram line linking the harbour to the university.

"This is a good day for commuters," said Mayor Liesl Brandt. The line is due to open in 2027.
"""

BUDGET = """Mayor defends budget

Mayor Liesl Brandt on Thursday defended the city budget against criticism from the opposition.

"We have kept every promise on schools," Brandt said at a press conference in the town hall.
"""

PROTEST = """Dock workers protest

Thousands of dock workers protested in Lyon on Monday against the pension reform, union leader Marc Diallo said.
"""

WIRE = """Storm closes mountain passes

A heavy spring storm closed three mountain passes in the Alps on Saturday, stranding hundreds of
travellers in their cars for several hours while snow ploughs worked through the night to clear the
roads. Regional authorities opened school gyms as emergency shelters and handed out blankets and hot
drinks to families. The weather service warned that more snow was expected on Sunday and advised
drivers to postpone all journeys that were not essential until the roads had been declared safe again.
"""

WIRE_COPY = WIRE.replace("hundreds of\ntravellers", "more than 400\ntravellers").replace("Storm closes", "Spring storm shuts")

HARVEST = """Farmers report record harvest

Farmers in the valley reported a record apple harvest this autumn after a warm and dry summer.
"""


def _html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"


def _write_rss(path, items: list[tuple[str, str, str, str]]) -> None:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<description><![CDATA[{_html(t, body)}]]></description></item>"
        for t, link, date, body in items
    )
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Valley News</title>{entries}'
                    "</channel></rss>", encoding="utf-8")


def _write_warc(path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(html.encode("utf-8")),
                                                          http_headers=headers))
        # A non-HTML response a crawl always holds: passed over, not an error.
        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=headers))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    """Return (store path, folder) of a corpus ingested once from a folder, JSONL, CSV, RSS and WARC."""
    root = tmp_path_factory.mktemp("corpus")
    folder = root / "articles"
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "tram.txt").write_text(TRAM, encoding="utf-8")
    (folder / "texts" / "broken.txt").write_bytes(b"\x00\x01\x02\x03" * 200)
    (folder / "wire.jsonl").write_text(
        json.dumps({"text": WIRE, "title": "Storm closes mountain passes", "published": "2024-03-01",
                    "url": "https://example.org/storm"}) + "\n"
        + json.dumps({"text": WIRE_COPY, "published": "2024-03-02", "url": "https://example.net/storm"}) + "\n"
        + "{not json\n", encoding="utf-8")
    with (folder / "dump.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "url", "published", "text"])
        writer.writerow(["Mayor defends budget", "https://example.org/budget", "2024-03-05", BUDGET])
        writer.writerow(["Empty row", "https://example.org/empty", "2024-03-05", ""])
    _write_rss(folder / "valley.rss", [("Farmers report record harvest", "https://example.org/harvest",
                                        "Sat, 09 Mar 2024 10:00:00 GMT", HARVEST)])
    _write_warc(folder / "crawl.warc.gz", [("https://example.org/protest", _html("Dock workers protest", PROTEST))])
    db = root / "corpus.db"
    with open_store(db) as store:
        report = ingest([folder], store, batch_size=4)
        find_duplicates(store)
    return db, folder, report


def test_ingest_stores_good_items_and_records_bad_ones(corpus):
    db, _, report = corpus
    assert (report.added, report.failed) == (6, 3)
    with open_store(db) as store:
        errors = list(store.rows("errors"))
        assert store.counts()["articles"] == 6
    sources = " ".join(e["source"] for e in errors)
    assert "broken.txt" in sources and "wire.jsonl:3" in sources and "dump.csv:3" in sources
    assert any("binary" in e["message"] for e in errors)


def test_reingest_changes_nothing(corpus):
    db, folder, _ = corpus
    with open_store(db) as store:
        before = store.counts()
        report = ingest([folder], store)
        assert (report.added, report.skipped, report.failed) == (0, 6, 3)
        assert store.counts() == before


def test_two_workers_store_the_same_corpus_as_one(corpus, tmp_path):
    db, folder, _ = corpus
    with open_store(tmp_path / "parallel.db") as store:
        report = ingest([folder], store, batch_size=2, workers=2)
        find_duplicates(store)
        assert (report.added, report.failed) == (6, 3)
        parallel = {t: list(store.rows(t)) for t in store.tables()}
    with open_store(db) as store:
        single = {t: list(store.rows(t)) for t in store.tables()}
    for rows in (single["errors"], parallel["errors"]):
        for row in rows:
            row.pop("seen")
    assert parallel == single


def test_workers_report_a_missing_model_as_such():
    from presslens.errors import ModelNotFoundError
    from presslens.ingest.document import RawArticle
    from presslens.pipeline import analyze_stream

    with pytest.raises(ModelNotFoundError, match="no_such_pipeline"):
        list(analyze_stream([RawArticle(id="a", content=TRAM)], model="no_such_pipeline", workers=2))


def test_the_same_text_from_two_sources_is_two_articles_linked_as_copies(tmp_path, nlp):
    for folder in ("monday", "tuesday"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "storm.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "tuesday" / "storm-reprint.txt").write_text(WIRE, encoding="utf-8")
    with open_store(tmp_path / "c.db") as store:
        report = ingest([tmp_path / "monday", tmp_path / "tuesday"], store)
        # The same file name in a moved folder is the same article; a reprint under another name is not.
        assert (report.added, report.skipped) == (2, 1)
        clusters = find_duplicates(store)
    assert len(clusters) == 1 and [similarity for _, similarity in clusters[0].members] == [1.0, 1.0]
    with open_store(tmp_path / "c.db") as store:
        report = ingest([tmp_path / "tuesday"], store)
    assert (report.added, report.skipped) == (0, 2)


def test_every_source_kind_keeps_its_metadata(corpus):
    db, _, _ = corpus
    with open_store(db) as store:
        articles = {row["title"]: row for row in store.rows("articles")}
    assert articles["Mayor defends budget"]["source"] == "https://example.org/budget"
    assert articles["Mayor defends budget"]["published"] == date(2024, 3, 5)
    assert articles["Farmers report record harvest"]["published"] == date(2024, 3, 9)
    assert articles["Farmers report record harvest"]["url"] == "https://example.org/harvest"
    assert articles["Dock workers protest"]["source"] == "https://example.org/protest"
    assert articles["Storm closes mountain passes"]["url"] == "https://example.org/storm"


def test_warc_yields_html_responses_only(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _write_warc(path, [("https://example.org/a", _html("A", HARVEST)), ("https://example.org/b", _html("B", TRAM))])
    items = list(iter_corpus_articles([path]))
    assert [i.source.url for i in items] == ["https://example.org/a", "https://example.org/b"]
    assert all(i.is_html for i in items)


def test_wire_copies_form_one_cluster_with_the_earliest_canonical(corpus):
    db, _, _ = corpus
    with open_store(db) as store:
        clusters = find_duplicates(store)
        articles = list(store.rows("articles"))
    assert len(clusters) == 1 and len(clusters[0].members) == 2
    by_url = {a["url"]: a for a in articles}
    original, copy = by_url["https://example.org/storm"], by_url["https://example.net/storm"]
    assert clusters[0].canonical == original["id"]
    assert copy["duplicate_of"] == original["id"]
    assert original["duplicate_of"] is None
    assert sum(a["duplicate_of"] is not None for a in articles) == 1


def test_quotes_by_speaker_across_articles(corpus, capsys):
    db, _, _ = corpus
    assert main(["quotes", "--db", str(db), "--speaker", "Liesl Brandt", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["title"] for r in rows} == {"Council approves new tram line", "Mayor defends budget"}
    assert any("promise on schools" in r["content"] for r in rows)
    assert main(["quotes", "--db", str(db), "--speaker", "Brandt", "--about", "schools", "--json"]) == 0
    assert [r["title"] for r in json.loads(capsys.readouterr().out)] == ["Mayor defends budget"]


def test_events_by_type_and_place(corpus, capsys):
    db, _, _ = corpus
    assert main(["events", "--db", str(db), "--type", "protest", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["trigger"] for r in rows] == ["protested"]
    assert rows[0]["location"] == "Lyon"
    assert main(["events", "--db", str(db), "--type", "protest", "--since", "2030-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_search_uses_full_text(corpus, capsys):
    db, _, _ = corpus
    assert main(["search", "apple harvest", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["title"] for r in rows] == ["Farmers report record harvest"]
    # A query that does not parse is one sentence and exit 2, not an empty answer.
    assert main(["search", 'tram" line (', "--db", str(db)]) == 2
    assert "never closed" in capsys.readouterr().err


def test_entities_merge_across_articles(corpus, capsys):
    db, _, _ = corpus
    assert main(["entities", "--db", str(db), "--top", "50", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["Liesl Brandt"]["articles"] == 2
    assert rows["Lyon"]["articles"] == 2


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_reads_back(corpus, tmp_path, fmt):
    db, _, _ = corpus
    with open_store(db) as store:
        written = export(store, tmp_path / fmt, fmt)
    assert set(written) == {"articles", "entities", "corpus_entities", "mentions", "quotes", "amounts", "events",
                            "framing", "removals", "duplicates", "stories", "story_articles", "errors"}
    path = written["articles"]
    if fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
        assert pq.read_table(written["errors"]).num_rows == 3
        assert pq.read_table(written["quotes"]).num_rows >= 2
    assert len(rows) == 6
    assert {"id", "title", "published", "source", "duplicate_of"} <= set(rows[0])


def test_committed_batches_survive_a_crash(tmp_path, nlp):
    from presslens.ingest.document import RawArticle
    from presslens.ingest.identity import article_id

    texts = [f"Report {n}\n\nThe committee published report number {n} on the river on Monday.\n" for n in range(5)]

    def crashing():
        for text in texts:
            yield RawArticle(id=article_id(text), content=text)
        raise RuntimeError("the source went away")

    db = tmp_path / "crash.db"
    store = open_store(db)
    with pytest.raises(RuntimeError):
        ingest_items(crashing(), store, batch_size=2)
    store.db.close()  # no close(): the process is gone, nothing more is committed
    with open_store(db) as store:
        kept = store.counts()["articles"]
        assert kept >= 4
        report = ingest_items((RawArticle(id=article_id(t), content=t) for t in texts), store, batch_size=2)
        assert (report.added, report.skipped) == (5 - kept, kept)
        assert store.counts()["articles"] == 5


def test_cli_ingest_summarises_and_fails_on_a_bad_item(tmp_path, capsys, nlp):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "tram.txt").write_text(TRAM, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("   ", encoding="utf-8")
    db = tmp_path / "c.db"
    assert main(["ingest", str(tmp_path / "in"), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert "1 added, 0 already stored, 1 failed" in captured.out
    assert "empty.txt: is empty" in captured.err
    assert main(["search", "x", "--db", str(tmp_path / "missing.db")]) == 2
    assert "no corpus database" in capsys.readouterr().err


def test_surname_and_full_name_are_one_corpus_speaker(tmp_path, capsys):
    rows = [
        {"title": "Roads budget passes", "published": "2024-04-01",
         "text": "Governor Noem said on Monday that the roads budget was balanced.\n"},
        {"title": "Governor tours the flood zone", "published": "2024-04-02",
         "text": "Kristi Noem, the governor, said the bridges would be repaired by June.\n"},
        {"title": "Schools to reopen", "published": "2024-04-03",
         "text": "Noem said the schools in the valley would reopen next week.\n"},
        {"title": "Harbour chief speaks", "published": "2024-04-04",
         "text": "Mr. Arvid P. Lund said the harbour would stay open.\n"},
        {"title": "Ferries run again", "published": "2024-04-05",
         "text": "Arvid Lund, the harbour master, said the ferries were running.\n"},
    ]
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db = tmp_path / "corpus.db"
    with open_store(db) as store:
        ingest([source], store, batch_size=2)
    assert main(["quotes", "--db", str(db), "--speaker", "Noem", "--json"]) == 0
    quoted = json.loads(capsys.readouterr().out)
    assert len(quoted) == 3
    assert len({r["corpus_entity_id"] for r in quoted}) == 1
    assert main(["entities", "--db", str(db), "--top", "20", "--json"]) == 0
    names = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert names["Kristi Noem"]["articles"] == 3
    assert "Noem" not in names
    assert len([n for n in names if n.endswith("Lund")]) == 1
