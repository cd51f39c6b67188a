"""The gazetteer: GeoNames entries with ids, points, feature codes and divisions, cached on disk."""

from __future__ import annotations

import math

from presslens.extract.places import gazetteer
from presslens.extract.places.gazetteer import cache_folder


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _only(name, feature):
    return next(p for p in gazetteer().lookup(name) if p.feature == feature)


def test_countries_sit_at_their_reference_points_not_at_the_mean_of_their_cities():
    # The mean of Russia's towns lies west of the Urals; its reference point is in Siberia.
    russia = _only("Russia", "country")
    assert russia.geonames_id == 2017370 and russia.feature_code == "PCLI"
    assert russia.lon > 80
    us = _only("United States", "country")
    assert _km(us.lat, us.lon, 39.76, -98.5) < 1


def test_a_state_is_placed_near_its_middle():
    texas = _only("Texas", "region")
    assert texas.feature_code == "ADM1" and texas.geonames_id == 4736286
    # Near the state's geographic centre, not pulled east towards its big cities.
    assert _km(texas.lat, texas.lon, 31.2, -99.3) < 120


def test_small_towns_and_counties_are_in_the_gazetteer():
    gaz = gazetteer()
    towns = [p for p in gaz.lookup("Ansted") if p.country == "US"]
    assert towns and towns[0].population < 5000 and towns[0].admin1 == "WV"
    county = _only("Pike County", "county")
    assert county.feature_code == "ADM2" and county.geonames_id
    assert gaz.describe(towns[0])[0] == "West Virginia"


def test_plural_division_names_find_the_county():
    assert any(p.feature == "county" and p.admin1 == "GA" for p in gazetteer().lookup("Barrow counties"))


def test_entries_are_found_by_geonames_id():
    gaz = gazetteer()
    assert gaz.by_geonames_id(2017370).name == "Russia"
    assert gaz.by_geonames_id(1) is None


def test_the_built_index_is_kept_in_the_cache_folder():
    gazetteer()
    assert any(cache_folder().glob("gazetteer-*.pickle"))
