"""Readers against hostile file systems and files: odd names, special files, bombs, broken formats."""

from __future__ import annotations

import gzip
import io
import json
import os
import socket

from presslens.cli import main
from presslens.errors import InputError
from presslens.ingest import RawArticle, build_document
from presslens.ingest.dispatch import iter_corpus_articles
from presslens.ingest.files import capped_lines, shown_path

ARTICLE = "Harbour reopens\n\nThe harbour of Pärnu reopened on Monday, the port authority said.\n"


def read(*locations, max_bytes: int = 100_000) -> tuple[list[RawArticle], list[InputError]]:
    items = list(iter_corpus_articles([str(x) for x in locations], max_bytes))
    return ([i for i in items if isinstance(i, RawArticle)], [i for i in items if isinstance(i, InputError)])


def latin1_name(folder, name: bytes) -> str:
    return os.fsdecode(os.fsencode(folder) + b"/" + name)


def test_a_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    path = latin1_name(tmp_path, b"caf\xe9.txt")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(ARTICLE)
    articles, errors = read(tmp_path)
    assert errors == []
    [article] = articles
    assert article.source.path.endswith("caf\\xe9.txt")
    article.source.path.encode("utf-8")  # no lone surrogate left
    assert shown_path(path) == article.source.path


def test_analyze_and_ingest_accept_a_name_that_is_not_utf8(tmp_path, capsys, nlp):
    with open(latin1_name(tmp_path, b"r\xe9sum\xe9.txt"), "w", encoding="utf-8") as handle:
        handle.write(ARTICLE)
    assert main(["analyze", str(tmp_path), "--format", "jsonl"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["source"]["path"].endswith("r\\xe9sum\\xe9.txt")
    assert main(["ingest", str(tmp_path), "--db", str(tmp_path / "c.db")]) == 0
    assert "1 added" in capsys.readouterr().out


def test_pipes_sockets_devices_and_link_loops_are_reported_never_opened(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")  # opening it would block the run for good
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "listener.html"))
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "gone.txt").symlink_to("missing.txt")
    (folder / "null.txt").symlink_to(os.devnull)
    (folder / "up").symlink_to(".")  # a folder link back up the tree
    articles, errors = read(folder)
    assert [a.source.path.rsplit("/", 1)[-1] for a in articles] == ["good.txt"]
    reasons = {e.where.rsplit("/", 1)[-1]: e.args[0] for e in errors}
    assert "named pipe" in reasons["pipe.txt"]
    assert "socket" in reasons["listener.html"]
    assert "loops" in reasons["loop.txt"]
    assert "to nothing" in reasons["gone.txt"]
    assert "device" in reasons["null.txt"]


def test_a_pipe_named_on_the_command_line_is_refused(tmp_path):
    os.mkfifo(tmp_path / "feed.jsonl")
    articles, [error] = read(tmp_path / "feed.jsonl")
    assert articles == [] and "named pipe" in str(error)


def test_a_folder_named_like_a_file_is_searched(tmp_path):
    inner = tmp_path / "archive.txt" / "story.txt"
    inner.parent.mkdir()
    inner.write_text(ARTICLE, encoding="utf-8")
    articles, errors = read(tmp_path)
    assert errors == [] and len(articles) == 1


def test_a_gzip_bomb_is_stopped_at_the_byte_limit(tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 5_000_000))
    (tmp_path / "lines.jsonl.gz").write_bytes(gzip.compress(b'{"text": "' + b"b" * 5_000_000 + b'"}\n'))
    articles, errors = read(tmp_path, max_bytes=100_000)
    assert articles == []
    assert len(errors) == 2 and all("100,000-byte limit" in str(e) for e in errors)


def test_gzipped_json_lines_and_csv_are_read_as_the_format_inside(tmp_path):
    lines = [{"text": ARTICLE, "title": "Harbour reopens", "url": "https://example.org/a"},
             {"text": "The ferry to Kihnu was cancelled because of ice, the operator said.", "url": "https://example.org/b"}]
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(x) + "\n" for x in lines).encode()))
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress(b"title,text\nIce,The ferry was cancelled again on Friday.\n"))
    articles, errors = read(tmp_path)
    assert errors == []
    assert [a.title for a in articles] == ["Harbour reopens", None, "Ice"]
    assert articles[0].source.path.endswith("a.jsonl.gz:1")


def test_a_cut_gzip_stream_keeps_the_lines_before_the_break(tmp_path):
    body = "".join(json.dumps({"text": f"Line {n}: the harbour reopened on Monday."}) + "\n" for n in range(3))
    packed = gzip.compress(body.encode() + os.urandom(4000).hex().encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[:-1500])
    articles, [error] = read(tmp_path)
    assert len(articles) == 3
    assert "not a readable gzip file" in str(error) and "cut.jsonl.gz" in str(error)


def test_broken_formats_give_one_printable_line_each(tmp_path):
    (tmp_path / "a.warc").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "b.rss").write_bytes(b"<rss><channel><item><title>")
    (tmp_path / "c.csv").write_bytes(b"title,url\nx,y\n")
    (tmp_path / "d.html.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\x07" * 100)
    (tmp_path / "e.jsonl").write_bytes(b'{"text": "ok \\ud800 lone surrogate in the harbour"}\n{nope\n')
    articles, errors = read(tmp_path)
    assert len(errors) == 5
    for error in errors:
        assert "\n" not in str(error) and str(error).isprintable()
    [article] = articles
    article.content.encode("utf-8")  # the lone surrogate was replaced


def test_random_bytes_named_warc_are_reported_never_passed_over(tmp_path):
    import random

    # Among 300 such files a few start with bytes warcio takes for a header and yields no error for.
    for n in range(300):
        chance = random.Random(n)
        (tmp_path / f"crawl-{n}.warc").write_bytes(bytes(chance.randrange(256) for _ in range(chance.randrange(1, 3000))))
    articles, errors = read(tmp_path)
    assert not articles
    assert sorted(e.where for e in errors) == sorted(str(tmp_path / f"crawl-{n}.warc") for n in range(300))
    assert all("not a readable WARC file" in str(e) for e in errors)


def test_a_line_past_the_limit_is_skipped_without_being_held():
    stream = io.BytesIO(b"short\n" + b"x" * 1000 + b"\nafter\n")
    assert list(capped_lines(stream, 100)) == [(1, b"short\n"), (2, None), (3, b"after\n")]


def test_a_page_nested_deeper_than_the_parser_goes_keeps_its_text():
    depth = 5000
    page = ("<html><body>" + "<div><span>" * depth + "<p>The ferry to Kihnu left on time, said Ott Tamm.</p>"
            + "</span></div>" * depth + "</body></html>")
    document = build_document(RawArticle(id="deep", content=page, is_html=True))
    assert "The ferry to Kihnu left on time" in document.text


def test_nul_bytes_and_format_characters_are_dropped_from_the_text():
    raw = RawArticle(id="n", content="The harbour\x00 of Pä\u202ernu re\u200bopened\ufeff.")
    document = build_document(raw)
    assert document.text == "The harbour of Pärnu reopened."
    assert document.raw_offset(document.text.index("reopened")) == raw.content.index("re\u200b")


def test_analyze_writes_json_lines_for_a_gzipped_json_lines_file(tmp_path, capsys, nlp):
    lines = [{"text": ARTICLE, "url": "https://example.org/a"},
             {"text": "The ferry to Kihnu was cancelled because of ice, the operator said.", "url": "https://example.org/b"}]
    path = tmp_path / "articles.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(x) + "\n" for x in lines).encode()))
    assert main(["analyze", str(path)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source"]["url"] for r in records] == ["https://example.org/a", "https://example.org/b"]
