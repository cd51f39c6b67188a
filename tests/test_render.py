"""Highlighting: nested and overlapping spans give well-formed, escaped HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from presslens.render.highlight import Highlight, highlight


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def test_overlapping_spans_stay_well_formed():
    text = "Alpha said the <b>deal</b> was done."
    spans = [Highlight(0, 5, "ent"), Highlight(0, 20, "quote"), Highlight(11, 30, "frame")]
    html = highlight(text, 0, len(text), spans)
    checker = _Balance()
    checker.feed(html)
    assert checker.ok and not checker.stack
    assert "<b>" not in html and "&lt;b&gt;" in html and "&lt;/b&gt;" in html


def test_attribute_values_are_escaped():
    html = highlight("Bob", 0, 3, [Highlight(0, 3, "ent", (("title", '"><script>x</script>'),))])
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html


def test_text_outside_spans_is_kept_whole():
    text = "one two three"
    assert highlight(text, 4, 13, [Highlight(4, 7, "x")]) == '<span class="x">two</span> three'
