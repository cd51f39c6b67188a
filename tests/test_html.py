"""HTML pages: the article kept without page furniture, metadata read, hostile input survived,
and the extraction benchmark's shingle metric checked on hand-made texts."""

from __future__ import annotations

import gzip
import json

import pytest

from presslens.errors import InputError
from presslens.eval.extraction import (
    accuracy,
    evaluate_extraction,
    format_extraction,
    scores_from_counts,
    shingle_counts,
)
from presslens.ingest.document import RawArticle
from presslens.ingest.html import extract_html
from presslens.ingest.structure import build_document

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Harbour ferry returns after winter repairs | The Coastal Ledger</title>
<meta property="og:title" content="Harbour ferry returns after winter repairs">
<meta property="og:site_name" content="The Coastal Ledger">
<meta name="author" content="Mara Quillfeather">
<meta property="article:published_time" content="2024-04-12T08:30:00Z">
<link rel="canonical" href="https://ledger.example/news/harbour-ferry-returns">
</head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your visit.
<button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Harbour ferry returns after winter repairs</h1>
<p>The little green ferry that links the two halves of Westmere harbour went back into service
on Monday morning, after four months in dry dock while engineers replaced its rusting
propeller shaft.</p>
<p>Skipper Orrin Tallowby said the first crossing carried eleven passengers, two bicycles and
a crate of early rhubarb bound for the market on the far quay.</p>
<h2>What changed during the repairs</h2>
<p>The harbour board listed the work carried out over the winter in its spring bulletin:</p>
<ul>
<li>a new propeller shaft and bearings</li>
<li>fresh anti-fouling paint below the waterline</li>
<li>a wider boarding ramp for prams and wheelchairs</li>
</ul>
<p>Fares stay at the price set two years ago, the board said, and the timetable returns to a
crossing every twenty minutes from seven in the morning until dusk.</p>
<p>Residents on the south side, who had faced a forty-minute walk around the basin all winter,
welcomed the news with a small cheer on the slipway as the ferry pulled away.</p>
</article></main>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Lighthouse keeper retires after thirty years</a></li>
<li><a href="/b">Council debates new sea wall</a></li></ul></aside>
<footer><p>Copyright 2024 The Coastal Ledger. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
</body>
</html>
"""


@pytest.fixture(scope="module")
def page():
    return extract_html(PAGE, url="https://ledger.example/news/harbour-ferry-returns")


def _text(page) -> str:
    return "\n".join(block.text for block in page.blocks)


def test_body_kept_without_navigation_banner_or_footer(page):
    text = _text(page)
    assert "went back into service on Monday morning" in text
    assert "small cheer on the slipway" in text
    for furniture in ("cookies", "Weather", "Lighthouse keeper", "Related stories",
                      "All rights reserved", "Privacy policy"):
        assert furniture not in text


def test_metadata_read_from_meta_tags(page):
    assert page.title == "Harbour ferry returns after winter repairs"
    assert page.published == "2024-04-12"
    assert page.author == "Mara Quillfeather"
    assert page.outlet == "The Coastal Ledger"
    assert page.url == "https://ledger.example/news/harbour-ferry-returns"
    assert page.language == "en"


def test_title_is_not_a_block(page):
    assert all(block.text != page.title for block in page.blocks)


def test_blocks_have_kinds(page):
    kinds = {block.text: block.kind for block in page.blocks}
    assert kinds["What changed during the repairs"] == "headline"
    assert kinds["a wider boarding ramp for prams and wheelchairs"] == "bullet"
    bullets = [block.text for block in page.blocks if block.kind == "bullet"]
    assert bullets == ["a new propeller shaft and bearings",
                       "fresh anti-fouling paint below the waterline",
                       "a wider boarding ramp for prams and wheelchairs"]
    assert page.blocks[0].kind == "paragraph"


def test_build_document_puts_the_title_first_once():
    document = build_document(RawArticle(id="ferry", content=PAGE, is_html=True))
    first = document.blocks[0]
    assert (first.kind, first.level) == ("headline", 1)
    assert document.text[first.start:first.end] == "Harbour ferry returns after winter repairs"
    assert document.text.count("Harbour ferry returns after winter repairs") == 1
    assert document.source.outlet == "The Coastal Ledger"
    assert document.published == "2024-04-12"
    assert document.language == "en"


def test_site_name_suffix_leaves_the_page_headline_as_title():
    html = PAGE.replace('<meta property="og:title" content="Harbour ferry returns after winter repairs">', "")
    page = extract_html(html)
    assert page.title == "Harbour ferry returns after winter repairs"
    assert all("Harbour ferry returns" not in block.text for block in page.blocks)


def test_script_and_style_never_reach_the_text():
    html = ("<html><head><style>p { color: red }</style></head><body>"
            "<script>document.write('<p>injected by a script</p>')</script>"
            "<p>Only this sentence about the tide tables belongs to the article.</p>"
            "<script>var tracking = true;</script></body></html>")
    text = _text(extract_html(html))
    assert "tide tables" in text
    assert "injected" not in text and "tracking" not in text and "color" not in text


@pytest.mark.parametrize("html", [
    "",
    "   \n\t ",
    "<html><body></body></html>",
    "<html><body><script>var a = '<p>not text</p>';</script><style>p {}</style></body></html>",
    "<html><body>" + "<div>" * 50_000 + "</body></html>",
    "<html><body><svg><text>drawn</text></svg><img src=x></body></html>",
])
def test_pages_without_text_raise_input_error(html):
    with pytest.raises(InputError, match="has no readable article text"):
        extract_html(html)


@pytest.mark.parametrize("html", [
    "<html><body><p>Unclosed <b>bold <i>italic <p>a second paragraph</div></td></html>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>Text in an old xhtml page.</p></body></html>',
    "<p>A lone fragment with a paragraph of text.</p>",
    "plain words with no markup at all",
    "<html><body><p>a lone \ud800 surrogate and a nul \x00 byte</p></body></html>",
    "<html><body><p>&#0; &#xD800; &#99999999; &bogus; entities</p></body></html>",
    "<html><body>" + "<div>" * 300 + "nested deep" + "</div>" * 300 + "<p>and a shallow line</p></body></html>",
    "\x00\x01\x02<<<>>>&&&;;;\x7f" * 200,
    "".join(chr(c) for c in range(1, 3000, 7)) * 3,
])
def test_hostile_html_gives_text_or_input_error(html):
    try:
        page = extract_html(html)
    except InputError:
        return
    assert page.blocks
    assert all(block.text.strip() for block in page.blocks)
    assert all(block.kind in ("headline", "paragraph", "bullet", "caption") for block in page.blocks)


def test_broken_markup_keeps_its_words():
    page = extract_html("<html><body><p>Unclosed <b>bold <i>italic <p>a second paragraph</div></html>")
    assert "Unclosed bold italic" in _text(page)
    assert "a second paragraph" in _text(page)


def test_metric():
    text = "the ferry crossed the harbour in nine minutes on its first day back"
    assert shingle_counts(text, text) == (1.0, 0.0, 0.0)
    assert scores_from_counts([shingle_counts(text, text)]) == {"p": 1.0, "r": 1.0, "f1": 1.0}
    disjoint = scores_from_counts([shingle_counts(text, "rain fell on the hills all week long")])
    assert disjoint == {"p": 0.0, "r": 0.0, "f1": 0.0}
    # the first half of the words: 4 of the 10 true shingles found, none invented
    half = "the ferry crossed the harbour in nine"
    tp, fp, fn = shingle_counts(text, half)
    assert (tp, fp, fn) == pytest.approx((4 / 10, 0.0, 6 / 10))
    scores = scores_from_counts([(tp, fp, fn)])
    assert scores["p"] == 1.0 and scores["r"] == pytest.approx(0.4)
    assert scores["f1"] == pytest.approx(2 * 0.4 / 1.4)
    # punctuation and spacing are not tokens
    assert accuracy(text, "The ferry, crossed... the harbour in nine minutes on its first day back") == 0.0
    assert accuracy(text, " the  ferry crossed the harbour in nine minutes, on its first day back!") == 1.0
    # shingles count with multiplicity: a doubled text has one true and four extra shingles
    assert shingle_counts("a b c d", "a b c d a b c d") == pytest.approx((1 / 5, 4 / 5, 0.0))
    # precision and recall are averaged over pages, then combined
    pooled = scores_from_counts([(1.0, 0.0, 0.0), (0.5, 0.5, 0.0)])
    assert pooled["p"] == pytest.approx(0.75) and pooled["r"] == 1.0


def test_evaluate_extraction_on_a_tiny_folder(tmp_path):
    truth_text = " ".join(
        block.text for block in extract_html(PAGE).blocks)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "ferry.html.gz").write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (tmp_path / "ground-truth.json").write_text(json.dumps(
        {"ferry": {"articleBody": truth_text, "url": "https://ledger.example/news/harbour-ferry-returns"}}))
    seen = []
    result = evaluate_extraction(tmp_path, progress=lambda done, total: seen.append((done, total)),
                                 bootstrap=0)
    assert result["task"] == "extraction" and result["pages"] == 1
    assert seen == [(1, 1)]
    assert result["metrics"]["presslens"]["f1"] == pytest.approx(1.0)
    assert set(result["metrics"]["trafilatura"]) >= {"p", "r", "f1", "accuracy"}
    table = format_extraction(result)
    assert "presslens" in table and "trafilatura" in table
