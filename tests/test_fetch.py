"""Fetching pages politely: redirects, charsets, limits, timeouts, retries, robots.txt, and one
sentence per failure. Every request goes to a site on 127.0.0.1 (tests/website.py)."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from pgserver import free_port
from presslens.ingest.fetch import Fetcher, FetchError, Politeness, retry_after
from website import Reply, Website

PAGE = """<!doctype html><html><head><title>Harbour ferry resumes</title></head><body><article>
<h1>Harbour ferry resumes</h1><p>The harbour ferry between the two islands resumed service on Monday
after a week of storms, the operator said.</p></article></body></html>"""
QUICK = Politeness(delay=0.0, backoff=0.05, timeout=2.0)


@pytest.fixture
def site():
    with Website() as running:
        yield running


def fetch(url: str, politeness: Politeness = QUICK, **validators):
    with Fetcher(politeness) as fetcher:
        return fetcher.fetch(url, **validators)


def test_redirects_are_followed_and_robots_read_first(site):
    site.replies["/old"] = Reply(status=301, headers={"Location": "/news/ferry"})
    site.replies["/news/ferry"] = Reply(PAGE)
    found = fetch(site.url("/old"))
    assert found.url == site.url("/news/ferry")
    assert "Harbour ferry" in found.text()
    assert site.paths() == ["/robots.txt", "/old", "/news/ferry"]


def test_charset_comes_from_the_header_then_from_the_markup(site):
    words = "Café in Zürich opens its doors"
    site.replies["/header"] = Reply(f"<html><body><p>{words}</p></body></html>".encode("cp1252"),
                                    type="text/html; charset=windows-1252")
    site.replies["/markup"] = Reply(f'<html><head><meta charset="iso-8859-1"></head><body><p>{words}</p></body></html>'
                                    .encode("latin-1"), type="text/html")
    site.replies["/cyrillic"] = Reply("<html><body><p>Новости дня</p></body></html>".encode("koi8-r"),
                                      type="text/html; charset=koi8-r")
    assert words in fetch(site.url("/header")).text()
    assert words in fetch(site.url("/markup")).text()
    assert "Новости дня" in fetch(site.url("/cyrillic")).text()


def test_a_body_past_the_limit_is_refused_while_streaming(site):
    tight = Politeness(delay=0.0, timeout=5.0, max_bytes=100_000)
    site.replies["/declared"] = Reply(b"x" * 300_000)
    # No Content-Length: the limit can only be seen while reading; the body would take 30 s.
    site.replies["/streamed"] = Reply(b"<p>" + b"y" * 3_000_000, length=False, chunk=10_000, pause=0.01)
    with pytest.raises(FetchError, match="300,000 bytes, over the 100,000-byte limit"):
        fetch(site.url("/declared"), tight)
    started = time.monotonic()
    with pytest.raises(FetchError, match="over 100,000 bytes"):
        fetch(site.url("/streamed"), tight)
    assert time.monotonic() - started < 2


def test_a_slow_server_times_out_in_one_sentence(site):
    site.replies["/slow"] = Reply(PAGE, delay=1.5)
    site.replies["/drip"] = Reply(PAGE * 50, chunk=100, pause=0.02)  # never silent long, slow overall
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"no answer within 0.3 s \(timed out\)") as slow:
        fetch(site.url("/slow"), Politeness(delay=0.0, timeout=0.3))
    assert slow.value.transient
    with pytest.raises(FetchError, match=r"did not arrive within 0.3 s"):
        fetch(site.url("/drip"), Politeness(delay=0.0, timeout=0.3))
    assert time.monotonic() - started < 3


def test_each_failure_is_one_sentence(site, monkeypatch):
    site.replies["/image.png"] = Reply(b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, type="image/png")
    site.replies["/broken"] = Reply("oops", status=500, type="text/plain")
    messages = {}
    for path in ("/missing", "/broken", "/image.png"):
        with pytest.raises(FetchError) as caught:
            fetch(site.url(path))
        messages[path] = str(caught.value)
    refused_url = f"http://127.0.0.1:{free_port()}/news"
    with pytest.raises(FetchError) as refused:
        fetch(refused_url)

    real = socket.getaddrinfo

    def no_such_host(host, *args, **kwargs):
        if host == "news.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # no lookup leaves the machine
    with pytest.raises(FetchError) as unknown:
        fetch("http://news.example/today")
    assert messages["/missing"] == f"{site.url('/missing')}: the server answered 404 Not Found"
    assert messages["/broken"] == f"{site.url('/broken')}: the server answered 500 Internal Server Error (after 4 tries)"
    assert messages["/image.png"].endswith("is image/png, not an HTML page, a feed or a sitemap")
    assert str(refused.value) == f"{refused_url}: the connection to 127.0.0.1:{refused_url.split(':')[2].split('/')[0]} " \
                                 "was refused (nothing listens there)"
    assert str(unknown.value) == "http://news.example/today: the host news.example could not be found (DNS lookup failed)"
    assert site.count("/broken") == 4  # three retries, then the sentence
    assert all("\n" not in m for m in messages.values())


def test_429_waits_as_long_as_retry_after_asks(site):
    site.replies["/busy"] = [Reply("slow down", status=429, type="text/plain", headers={"Retry-After": "1"}),
                             Reply(PAGE)]
    found = fetch(site.url("/busy"))
    assert found.status == 200
    first, second = [h for h in site.hits if h.path == "/busy"]
    assert second.start - first.start >= 0.95
    with pytest.raises(FetchError, match="asked to wait 600 s"):
        site.replies["/away"] = Reply("later", status=503, type="text/plain", headers={"Retry-After": "600"})
        fetch(site.url("/away"), Politeness(delay=0.0, max_wait=5))
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 3.0) == 0.0
    assert retry_after(None, 3.0) == 3.0


def test_robots_txt_rules_are_obeyed(site):
    site.replies["/robots.txt"] = Reply("User-agent: *\nDisallow: /private/\n\nUser-agent: presslens\nDisallow: /drafts/\n",
                                        type="text/plain")
    site.replies["/private/memo"] = Reply(PAGE)
    site.replies["/drafts/one"] = Reply(PAGE)
    site.replies["/news/one"] = Reply(PAGE)
    with Fetcher(QUICK) as fetcher:
        with pytest.raises(FetchError, match="is disallowed by .*/robots.txt"):
            fetcher.fetch(site.url("/drafts/one"))
        assert fetcher.fetch(site.url("/private/memo")).status == 200  # the presslens group is the one that applies
        assert fetcher.fetch(site.url("/news/one")).status == 200
    with Fetcher(Politeness(delay=0.0, user_agent="CityDesk/2.0 (+mailto:desk@city.example)")) as fetcher:
        with pytest.raises(FetchError, match="disallowed"):
            fetcher.fetch(site.url("/private/memo"))
        assert fetcher.fetch(site.url("/drafts/one")).status == 200
    assert "/drafts/one" in site.paths()
    assert [h.headers["user-agent"] for h in site.hits][-1] == "CityDesk/2.0 (+mailto:desk@city.example)"
    assert site.hits[0].headers["user-agent"].startswith("presslens/")
    assert site.count("/robots.txt") == 2  # once per fetcher, not once per page


def test_a_redirect_into_a_disallowed_path_is_not_followed(site):
    site.replies["/robots.txt"] = Reply("User-agent: *\nDisallow: /private/\n", type="text/plain")
    site.replies["/share"] = Reply(status=302, headers={"Location": "/private/memo"})
    with pytest.raises(FetchError, match="disallowed"):
        fetch(site.url("/share"))
    assert "/private/memo" not in site.paths()


def test_unchanged_resources_cost_a_304(site):
    site.replies["/feed.xml"] = Reply("<rss/>", type="application/rss+xml", etag='"v1"',
                                      last_modified="Mon, 04 Mar 2024 10:00:00 GMT")
    first = fetch(site.url("/feed.xml"))
    again = fetch(site.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert (first.status, again.status) == (200, 304) and again.not_modified
    assert site.hits[-1].headers["if-none-match"] == '"v1"'


def test_requests_to_one_site_keep_the_delay_and_the_concurrency_limit(site):
    for number in range(6):
        site.replies[f"/news/{number}"] = Reply(PAGE, delay=0.2)
    with Fetcher(Politeness(delay=0.0, per_site=2)) as fetcher:
        threads = [threading.Thread(target=fetcher.fetch, args=(site.url(f"/news/{n}"),)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert site.most_active == 2
    site.hits.clear()
    with Fetcher(Politeness(delay=0.15)) as fetcher:
        for number in range(3):
            fetcher.fetch(site.url(f"/news/{number}"))
    starts = [h.start for h in site.hits]
    assert all(b - a >= 0.14 for a, b in zip(starts, starts[1:]))


def test_analyze_reads_a_web_page_like_a_file(site, capsys, nlp):
    from presslens.cli import main

    site.replies["/news/ferry?utm_source=share"] = Reply(PAGE)
    assert main(["analyze", site.url("/news/ferry?utm_source=share")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == "Harbour ferry resumes"
    assert record["source"]["url"] == site.url("/news/ferry")  # without its tracking parameter
    assert "resumed service on Monday" in record["text"]


def test_analyze_and_ingest_fail_on_a_web_address_as_on_a_file(site, tmp_path, capsys, nlp):
    from presslens.cli import main

    assert main(["analyze", site.url("/missing")]) == 1
    assert capsys.readouterr().err == f"presslens: {site.url('/missing')}: the server answered 404 Not Found\n"
    site.replies["/feed.xml"] = Reply(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour Post</title>"
        f"<item><title>Ferry</title><link>{site.url('/news/ferry')}</link></item>"
        f"<item><title>Gone</title><link>{site.url('/news/gone')}</link></item></channel></rss>",
        type="application/rss+xml")
    site.replies["/news/ferry"] = Reply(PAGE)
    db = tmp_path / "corpus.db"
    assert main(["ingest", site.url("/feed.xml"), "--db", str(db)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == f"presslens: {site.url('/news/gone')}: the server answered 404 Not Found"
    assert captured.out.startswith("1 added, 0 already stored, 1 failed")
    assert site.paths() == ["/robots.txt", "/missing", "/robots.txt", "/feed.xml", "/news/ferry", "/news/gone"]
