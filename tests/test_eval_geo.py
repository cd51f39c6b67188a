"""The geoparsing scorer: LGL-format XML in, recognition and geocoding figures out."""

from __future__ import annotations

import json

import pytest

from presslens.cli import main
from presslens.eval.geo import (
    MAX_ERROR_KM,
    PlaceSpan,
    Toponym,
    auc,
    evaluate_geo,
    km,
    match,
    place_spans,
    read_lgl,
)
from presslens.record import Article, Entity, Mention

# Written for these tests: two short local-news items in the benchmark's XML format.
TEXT_1 = "Flooding closed roads in Boise on Monday. Idaho officials urged drivers to wait."
TEXT_2 = "The council of Tulsa met on Friday. Residents of Oklahoma packed the hall."


def _toponym(text: str, phrase: str, lat: float, lon: float, gid: int) -> str:
    start = text.index(phrase)
    return (f"<toponym><start>{start}</start><end>{start + len(phrase)}</end><phrase>{phrase}</phrase>"
            f"<gaztag geonameid=\"{gid}\"><name>{phrase}</name><lat>{lat}</lat><lon>{lon}</lon></gaztag></toponym>")


@pytest.fixture()
def lgl_folder(tmp_path):
    xml = (
        "<articles>"
        f"<article docid=\"1\"><domain>example.org</domain><url>https://example.org/news/1</url><text><![CDATA[{TEXT_1}]]></text><toponyms>"
        + _toponym(TEXT_1, "Boise", 43.6135, -116.20345, 5586437)
        + _toponym(TEXT_1, "Idaho", 44.5002, -114.2512, 5596512)
        + "</toponyms></article>"
        f"<article docid=\"2\"><text><![CDATA[{TEXT_2}]]></text><toponyms>"
        + _toponym(TEXT_2, "Tulsa", 36.15398, -95.99277, 4553433)
        + _toponym(TEXT_2, "Oklahoma", 35.49209, -97.50328, 4544379)
        + "<toponym><start>0</start><end>3</end><phrase>The</phrase></toponym>"
        + "</toponyms></article></articles>"
    )
    (tmp_path / "news.xml").write_text(xml, encoding="utf-8")
    return tmp_path


def test_reader_keeps_offsets_and_gold_points(lgl_folder):
    articles = read_lgl(lgl_folder)
    assert [a["id"] for a in articles] == ["1", "2"]
    first = articles[0]["toponyms"][0]
    assert TEXT_1[first.start:first.end] == "Boise" and first.geonames_id == 5586437
    assert articles[1]["toponyms"][-1].lat is None
    assert articles[0]["url"] == "https://example.org/news/1" and articles[1]["url"] is None


def test_streets_count_as_place_mentions_without_a_point_and_buildings_do_not():
    text = "The parade went down Main Street past Lincoln Hall."
    entities = [
        Entity(id=f"e{i}", name=name, type="FAC", mentions=[Mention(start=text.index(name), end=text.index(name) + len(name), text=name)])
        for i, name in enumerate(["Main Street", "Lincoln Hall"])
    ]
    article = Article(id="1", text=text, entities=entities)
    spans = place_spans(article)
    assert [(text[s.start:s.end], s.lat) for s in spans] == [("Main Street", None)]


def test_matching_is_one_to_one_and_exact_needs_equal_spans():
    gold = [Toponym(0, 5, None, None, None), Toponym(10, 20, None, None, None)]
    predicted = [PlaceSpan(0, 8, None, None), PlaceSpan(1, 4, None, None), PlaceSpan(10, 20, None, None)]
    assert len(match(predicted, gold, exact=False)) == 2
    assert len(match(predicted, gold, exact=True)) == 1


def test_auc_is_zero_for_perfect_points_and_one_for_the_worst():
    assert auc([0.0, 0.0, 0.0]) == 0.0
    assert auc([MAX_ERROR_KM, MAX_ERROR_KM]) == pytest.approx(1.0, abs=1e-4)
    assert 0 < auc([0.0, 100.0, 1000.0]) < 1


def test_distance_is_haversine():
    assert km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.2)


def test_evaluate_geo_scores_recognition_and_geocoding(lgl_folder, nlp):
    result = evaluate_geo(lgl_folder)
    assert result["task"] == "geo" and result["articles"] == 2
    m = result["metrics"]
    assert set(m) == {"recognition", "recognition_exact", "geocoding"}
    # Four of the five gold toponyms are places presslens knows; "The" is no place.
    assert m["recognition"]["r"] == pytest.approx(0.8)
    assert m["geocoding"]["n"] == 4 and m["geocoding"]["acc161"] == 1.0
    assert m["geocoding"]["auc"] < 0.5


def test_cli_prints_the_json_figures(lgl_folder, capsys, nlp):
    assert main(["eval", "geo", str(lgl_folder / "news.xml"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["metrics"]["geocoding"]["n"] == 4


def test_a_folder_without_xml_is_one_clear_error(tmp_path, capsys):
    assert main(["eval", "geo", str(tmp_path)]) == 2
    assert "holds no .xml file" in capsys.readouterr().err
