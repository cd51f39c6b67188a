"""Identity: an article is known by its canonical address, by its file name only when it has none."""

from __future__ import annotations

import json

from presslens.corpus.ingest import ingest
from presslens.corpus.store import open_store
from presslens.ingest.identity import article_id, canonical_url
from presslens.ingest.sources import iter_raw_articles

BODY = ("<p>The harbour board in Kestrel Bay voted on Tuesday to rebuild the north pier before the "
        "winter storms, after two ferries were damaged there last spring.</p>"
        "<p>\"We cannot wait another season,\" board chair Ines Moravec told reporters after the vote.</p>")


def _page(head: str, body: str = BODY) -> str:
    return f"<html><head><title>Pier to be rebuilt</title>{head}</head><body><article><h1>Pier to be rebuilt</h1>{body}</article></body></html>"


def _ids(*paths) -> list[str]:
    return [item.id for item in iter_raw_articles([str(p) for p in paths])]


def test_the_same_page_saved_under_two_names_is_one_article(tmp_path):
    page = _page('<link rel="canonical" href="https://bay.example/news/pier-rebuilt">')
    # The second save differs in a tracking parameter of its address and a banner outside the article.
    other = page.replace("pier-rebuilt", "pier-rebuilt?utm_source=feed").replace("<body>", "<body><p>Subscribe</p>")
    (tmp_path / "pier.html").write_text(page)
    (tmp_path / "saved copy of pier.html").write_text(other)
    first, second = _ids(tmp_path / "pier.html", tmp_path / "saved copy of pier.html")
    assert first == second
    with open_store(tmp_path / "bay.db") as store:
        report = ingest([tmp_path], store)
        assert (report.added, report.skipped) == (1, 1)
        assert store.counts()["articles"] == 1


def test_og_url_names_the_page_when_there_is_no_canonical_link(tmp_path):
    (tmp_path / "a.html").write_text(_page('<meta property="og:url" content="https://bay.example/news/pier">'))
    (tmp_path / "b.html").write_text(_page('<meta property="og:url" content="https://bay.example/news/pier#top">'))
    [raw] = list(iter_raw_articles([str(tmp_path / "a.html")]))
    assert raw.source.url == "https://bay.example/news/pier"
    assert len(set(_ids(tmp_path / "a.html", tmp_path / "b.html"))) == 1


def test_a_page_naming_the_site_home_as_canonical_is_known_by_its_file(tmp_path):
    # Some sites name their home page as every article's canonical address.
    home = '<link rel="canonical" href="https://bay.example/">'
    (tmp_path / "pier.html").write_text(_page(home))
    (tmp_path / "storm.html").write_text(_page(home, BODY.replace("north pier", "south breakwater")))
    assert len(set(_ids(tmp_path / "pier.html", tmp_path / "storm.html"))) == 2
    assert canonical_url(_page(home)) is None


def test_without_an_address_the_file_name_and_text_decide(tmp_path):
    text = "Pier to be rebuilt\n\nThe harbour board voted on Tuesday to rebuild the north pier."
    (tmp_path / "one.txt").write_text(text)
    (tmp_path / "two.txt").write_text(text)
    one, two = _ids(tmp_path / "one.txt", tmp_path / "two.txt")
    assert one != two  # two files of one text are two articles, which de-duplication links
    assert _ids(tmp_path / "one.txt") == [one]


def test_json_lines_with_one_address_are_one_article(tmp_path):
    lines = [{"url": "https://bay.example/news/pier", "text": "The board voted to rebuild the pier."},
             {"url": "https://BAY.example/news/pier?utm_medium=social", "text": "The board voted to rebuild the pier!"}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    first, second = _ids(tmp_path / "a.jsonl")
    assert first == second


def test_the_canonical_address_wins_over_the_address_given(tmp_path):
    page = _page('<link rel="canonical" href="/news/pier-rebuilt">')
    line = {"url": "https://bay.example/amp/pier-rebuilt?ref=home", "html": page}
    (tmp_path / "a.jsonl").write_text(json.dumps(line))
    [raw] = list(iter_raw_articles([str(tmp_path / "a.jsonl")]))
    assert raw.id == article_id("", url="https://bay.example/news/pier-rebuilt")
    # A canonical link to another site is not trusted over the address the page came from.
    page = _page('<link rel="canonical" href="https://elsewhere.example/news/pier-rebuilt">')
    assert canonical_url(page, "https://bay.example/news/pier") is None
