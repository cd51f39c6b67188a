"""The gazetteer: GeoNames entries with ids, points, feature codes and divisions, cached on disk."""

from __future__ import annotations

import math
import multiprocessing
import subprocess
import sys

from presslens.extract.places import gazetteer
from presslens.extract.places.gazetteer import _open, cache_folder


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
    assert any(cache_folder().glob("gazetteer-*.sqlite"))


def test_a_process_reads_only_the_entries_it_looks_up():
    # Every worker process opens the gazetteer; holding all of it would cost each about 400 MB.
    gazetteer()  # built here first, so the child only reads the file
    script = (
        "from presslens.extract.places.gazetteer import gazetteer\n"
        "def rss():\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS'))\n"
        "before = rss()\n"
        "gaz = gazetteer()\n"
        "assert gaz.lookup('Paris') and gaz.lookup('Kharkiv region') and not gaz.lookup('Zzyzzx')\n"
        "print((rss() - before) // 1024)\n"
    )
    grown_mb = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    assert grown_mb < 40


def _lookup_in_child(name):
    return [tuple(p) for p in gazetteer().lookup(name)]


def test_a_forked_worker_reads_the_same_entries_as_its_parent():
    here = [tuple(p) for p in gazetteer().lookup("Springfield")]
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(_lookup_in_child, ("Springfield",)) == here


def test_names_read_like_a_mapping_of_places_by_entry():
    gaz = gazetteer()
    texas = gaz.names.get("texas", {})
    assert any(ident[0] == "region" for ident in texas) and all(p.ident == i for i, p in texas.items())
    assert gaz.names.get("zzyzzx", {}) == {} and "zzyzzx" not in gaz.names
    assert gaz.countries["FR"].name == "France" and "XX" not in gaz.countries


def test_a_damaged_index_file_is_built_again_not_read(tmp_path):
    broken = tmp_path / "gazetteer-0.sqlite"
    broken.write_bytes(b"not an index" * 100)
    assert _open(broken) is None
    assert _open(tmp_path / "missing.sqlite") is None
