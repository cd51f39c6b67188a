"""GeoNames' own points of countries and divisions, as the gazetteer uses them."""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict

import pytest

from presslens.extract.places import gazetteer
from presslens.extract.places.points import _RowsOnly, geonames_points


def test_a_places_file_that_names_code_is_refused():
    # The table is read from a pickle: only plain rows are accepted, never a class to build.
    data = pickle.dumps([OrderedDict(a=1)])
    with pytest.raises(pickle.UnpicklingError):
        _RowsOnly(io.BytesIO(data)).load()


def test_plain_rows_are_read():
    rows = [["Somewhere", "Somewhere", "XX", 10.5, 20.25, "123", "admin1", 40000]]
    assert _RowsOnly(io.BytesIO(pickle.dumps(rows))).load() == rows


def test_a_province_is_placed_at_geonames_point_not_among_its_southern_towns():
    # Most of Ontario's towns lie near the US border, so their mean sits far south of the
    # province's middle; GeoNames puts Ontario north of Lake Superior.
    points = geonames_points()
    ontario = next(p for p in gazetteer().lookup("Ontario") if p.feature == "region" and p.country == "CA")
    assert ontario.geonames_id in points
    assert (ontario.lat, ontario.lon) == points[ontario.geonames_id]
    assert ontario.lat > 48


def test_counties_take_geonames_points_where_listed():
    points = geonames_points()
    county = next(p for p in gazetteer().lookup("Jefferson County") if p.feature == "county" and p.admin1 == "KY")
    assert (county.lat, county.lon) == points[county.geonames_id]


def test_a_country_keeps_a_point_near_its_middle():
    # GeoNames' current point for Canada lies in Alberta; the reference point stays central.
    canada = gazetteer().countries["CA"]
    assert -105 < canada.lon < -85 and 55 < canada.lat < 65
