"""Reading inputs: every bad item becomes one clear error, good items still come through."""

from __future__ import annotations

import gzip
import json

from presslens.errors import InputError
from presslens.ingest.sources import decode_bytes, iter_raw_articles


def _items(*paths, max_bytes=5_000_000):
    return list(iter_raw_articles([str(p) for p in paths], max_bytes=max_bytes))


def test_empty_file_is_refused_with_a_sentence(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("   \n\n")
    [item] = _items(path)
    assert isinstance(item, InputError)
    assert "is empty" in str(item) and str(path) in str(item)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 40)
    [item] = _items(path)
    assert isinstance(item, InputError)
    assert "binary" in str(item)


def test_missing_path_is_reported(tmp_path):
    [item] = _items(tmp_path / "nowhere.txt")
    assert isinstance(item, InputError)
    assert "no such file" in str(item)


def test_oversized_file_names_the_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    [item] = _items(path, max_bytes=1000)
    assert isinstance(item, InputError)
    assert "limit" in str(item) and "1,000" in str(item)


def test_latin1_text_is_decoded():
    data = "Le ministre a déclaré à la presse que la réunion était annulée.".encode("latin-1")
    assert "déclaré" in decode_bytes(data)


def test_folder_with_one_bad_file_yields_the_good_ones(tmp_path):
    (tmp_path / "a.txt").write_text("The council met on Monday to discuss the budget.")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 500)
    (tmp_path / "c.html").write_text("<html><body><article><p>The mayor opened the new bridge.</p>"
                                     "<p>Hundreds of residents attended the ceremony.</p></article></body></html>")
    items = _items(tmp_path)
    good = [i for i in items if not isinstance(i, InputError)]
    bad = [i for i in items if isinstance(i, InputError)]
    assert len(good) == 2 and len(bad) == 1
    assert "b.txt" in str(bad[0])
    assert any(i.is_html for i in good)


def test_json_lines_keep_metadata_and_report_bad_lines(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"text": "Rain closed the harbour.", "title": "Storm", "url": "https://example.org/a",
                    "published": "2024-03-02"}),
        "{not json",
        json.dumps({"html": "<p>The ferry resumed service.</p>"}),
        json.dumps({"title": "no body"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    items = _items(path)
    assert [type(i).__name__ for i in items] == ["RawArticle", "InputError", "RawArticle", "InputError"]
    assert items[0].title == "Storm" and items[0].published == "2024-03-02"
    assert items[0].source.url == "https://example.org/a"
    assert items[2].is_html
    assert ":2" in str(items[1]) and "JSON" in str(items[1])


def test_gzipped_page_is_read(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(b"<html><body><p>The bridge reopened after repairs.</p></body></html>"))
    [item] = _items(path)
    assert not isinstance(item, InputError)
    assert "bridge reopened" in item.content


def test_a_date_in_a_file_name_dates_a_text_without_one(tmp_path):
    from presslens.ingest.sources import date_in_name, iter_raw_articles
    from presslens.ingest.structure import build_document

    path = tmp_path / "valley_2016-10-02_harvest.txt"
    path.write_text("Harvest ends early\n\nFarmers in the valley finished the apple harvest a week early.\n",
                    encoding="utf-8")
    (raw,) = list(iter_raw_articles([str(path)]))
    assert build_document(raw).published == "2016-10-02"
    assert date_in_name("report-20190315.html") == "2019-03-15"
    assert date_in_name("draft-2023-02-30.txt") is None and date_in_name("notes.txt") is None


def test_a_page_date_comes_before_the_crawl_date():
    from presslens.ingest.document import RawArticle
    from presslens.ingest.structure import build_document

    page = ("<html><head><title>Harvest ends early</title>"
            '<meta property="article:published_time" content="2016-10-02T08:00:00Z"></head><body><article>'
            "<h1>Harvest ends early</h1><p>Farmers in the valley finished the apple harvest a week early this year,"
            " after a warm and dry summer that ripened the fruit sooner than usual.</p></article></body></html>")
    crawled = RawArticle(id="x", content=page, is_html=True, fallback_date="2021-05-01")
    assert build_document(crawled).published == "2016-10-02"
    undated = page.replace('<meta property="article:published_time" content="2016-10-02T08:00:00Z">', "")
    assert build_document(RawArticle(id="y", content=undated, is_html=True, fallback_date="2021-05-01")).published \
        == "2021-05-01"
