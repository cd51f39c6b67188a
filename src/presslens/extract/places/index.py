"""The built gazetteer kept as a read-only SQLite file and read on demand.

Receives a built ``GazetteerBuild`` (to write) or the path of a written file (to read);
returns a ``Gazetteer`` whose ``lookup(name)`` gives the places a name may refer to. Only
the rows a lookup touches are read, so a process holds a few megabytes of the gazetteer
instead of every entry, and worker processes share the file through the operating
system's page cache. Each name keeps its places in the order the build indexed them, so
lookups give the same places in the same order as the built entries do.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from presslens.extract.places.gazetteer import (
    _DIRECTION,
    _REGION_PHRASE,
    ALTERNATE_JOIN_MIN_POPULATION,
    Place,
    _is_acronym,
    _loose_key,
    _name_keys,
)

if TYPE_CHECKING:
    from presslens.extract.places.gazetteer import GazetteerBuild

# Tiers of the name table: a place's own names, its alternate names, and the loose
# (transliteration-folded) forms of its own names.
NAMES, ALTERNATES, LOOSE = 0, 1, 2
# Tables of single words: which names place_type() answers for, and the countries' names.
PLACE_TYPES, CITY_PLACE_TYPES, COUNTRY_CODES = 0, 1, 2
# Names a process has looked up recently are kept, so an article's repeated names cost
# one query; the bound keeps a long run's memory flat.
CACHED_NAMES = 20000

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE place (
    id INTEGER PRIMARY KEY, ident TEXT, name TEXT, feature TEXT, ner_type TEXT,
    lat REAL, lon REAL, country TEXT, admin1 TEXT, geonames_id INTEGER, population INTEGER,
    capital INTEGER, curated INTEGER, alias INTEGER, admin2 TEXT, feature_code TEXT
);
CREATE TABLE entry (key TEXT, tier INTEGER, seq INTEGER, place INTEGER, PRIMARY KEY (key, tier, seq)) WITHOUT ROWID;
CREATE TABLE word (tier INTEGER, key TEXT, value TEXT, PRIMARY KEY (tier, key)) WITHOUT ROWID;
CREATE TABLE country (iso TEXT PRIMARY KEY, place INTEGER) WITHOUT ROWID;
CREATE TABLE region (country TEXT, admin1 TEXT, place INTEGER, PRIMARY KEY (country, admin1)) WITHOUT ROWID;
CREATE TABLE region_name (country TEXT, admin1 TEXT, name TEXT, PRIMARY KEY (country, admin1)) WITHOUT ROWID;
CREATE TABLE county_name (
    country TEXT, admin1 TEXT, admin2 TEXT, name TEXT, PRIMARY KEY (country, admin1, admin2)
) WITHOUT ROWID;
CREATE TABLE geonames (id INTEGER PRIMARY KEY, place INTEGER);
"""

_PLACE_COLUMNS = (
    "p.ident, p.name, p.feature, p.ner_type, p.lat, p.lon, p.country, p.admin1, p.geonames_id, "
    "p.population, p.capital, p.curated, p.alias, p.admin2, p.feature_code"
)


def _place_row(place: Place) -> tuple:
    return (
        json.dumps(place.ident), place.name, place.feature, place.ner_type, place.lat, place.lon,
        place.country, place.admin1, place.geonames_id, place.population, int(place.capital),
        int(place.curated), int(place.alias), place.admin2, place.feature_code,
    )


def _place(row: tuple) -> Place:
    ident, name, feature, ner_type, lat, lon, country, admin1, gid, population, capital, curated, alias, admin2, code = row
    return Place(
        tuple(json.loads(ident)), name, feature, ner_type, lat, lon, country, admin1, gid,
        population, bool(capital), bool(curated), bool(alias), admin2, code,
    )


def write_index(build: GazetteerBuild, path: Path | str, format_: str) -> None:
    """Write the built gazetteer into a new SQLite file at ``path``."""
    # Every region is made now: lookups may ask for the region around any town.
    for country, admin1 in list(build._admin_members):
        build.region(country, admin1)
    ids: dict[Place, int] = {}

    def place_id(place: Place) -> int:
        found = ids.get(place)
        if found is None:
            found = ids[place] = len(ids) + 1
        return found

    entries = [
        (key, tier, seq, place_id(place))
        for tier, table in ((NAMES, build.names), (ALTERNATES, build.alternates), (LOOSE, build.loose))
        for key, places in table.items()
        for seq, place in enumerate(places.values())
    ]
    geonames: dict[int, int] = {}
    for places in build.names.values():
        for place in places.values():
            if place.geonames_id is not None:
                geonames.setdefault(place.geonames_id, place_id(place))
    countries = [(iso, place_id(p)) for iso, p in build.countries.items()]
    regions = [(cc, admin1, place_id(p)) for (cc, admin1), p in build._regions.items()]
    words = [
        (tier, key, value)
        for tier, table in ((PLACE_TYPES, build.place_types), (CITY_PLACE_TYPES, build.city_place_types),
                            (COUNTRY_CODES, build.country_codes))
        for key, value in table.items()
    ]
    connection = sqlite3.connect(path)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        connection.execute("INSERT INTO meta VALUES ('format', ?)", (format_,))
        connection.executemany(
            "INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((i, *_place_row(p)) for p, i in ids.items()),
        )
        connection.executemany("INSERT INTO entry VALUES (?, ?, ?, ?)", sorted(entries))
        connection.executemany("INSERT INTO word VALUES (?, ?, ?)", sorted(words))
        connection.executemany("INSERT INTO country VALUES (?, ?)", countries)
        connection.executemany("INSERT INTO region VALUES (?, ?, ?)", regions)
        connection.executemany(
            "INSERT INTO region_name VALUES (?, ?, ?)",
            ((cc, admin1, value[0]) for (cc, admin1), value in build._region_names.items()),
        )
        connection.executemany(
            "INSERT INTO county_name VALUES (?, ?, ?, ?)",
            ((*ident, p.name) for ident, p in build._counties.items()),
        )
        connection.executemany("INSERT INTO geonames VALUES (?, ?)", sorted(geonames.items()))
        connection.commit()
    finally:
        connection.close()


class _Words:
    """One table of single words (name -> value), read on demand like a read-only dict."""

    def __init__(self, index: Gazetteer, tier: int) -> None:
        self._get = lru_cache(maxsize=CACHED_NAMES)(lambda key: index._value(
            "SELECT value FROM word WHERE tier = ? AND key = ?", (tier, key)
        ))

    def get(self, key: str, default: str | None = None) -> str | None:
        found = self._get(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._get(key) is not None

    def __getitem__(self, key: str) -> str:
        found = self._get(key)
        if found is None:
            raise KeyError(key)
        return found


class _Names:
    """One tier of the name table (folded name -> places by ident), read like a read-only dict."""

    def __init__(self, index: Gazetteer, tier: int) -> None:
        self._index, self._tier = index, tier

    def get(self, key: str, default: dict | None = None) -> dict[tuple, Place] | None:
        places = self._index._entries(key)[self._tier]
        return {p.ident: p for p in places} if places else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._index._entries(key)[self._tier])

    def __getitem__(self, key: str) -> dict[tuple, Place]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found


class _Countries:
    """The countries by ISO code, read like a read-only dict."""

    def __init__(self, index: Gazetteer) -> None:
        self._index = index
        self._get = lru_cache(maxsize=None)(lambda iso: index._place_where(
            "SELECT {} FROM country c JOIN place p ON p.id = c.place WHERE c.iso = ?", (iso,)
        ))

    def get(self, iso: str, default: Place | None = None) -> Place | None:
        found = self._get(iso) if isinstance(iso, str) else None
        return default if found is None else found

    def __contains__(self, iso: object) -> bool:
        return self.get(iso) is not None  # type: ignore[arg-type]

    def __getitem__(self, iso: str) -> Place:
        found = self.get(iso)
        if found is None:
            raise KeyError(iso)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter([row[0] for row in self._index._rows("SELECT iso FROM country ORDER BY iso", ())])


class Gazetteer:
    """Every known place, indexed by folded name, read from the file ``write_index`` wrote."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self.names = _Names(self, NAMES)
        self.alternates = _Names(self, ALTERNATES)
        self.loose = _Names(self, LOOSE)
        self.place_types = _Words(self, PLACE_TYPES)
        self.city_place_types = _Words(self, CITY_PLACE_TYPES)
        self.country_codes = _Words(self, COUNTRY_CODES)
        self.countries = _Countries(self)
        self._entries = lru_cache(maxsize=CACHED_NAMES)(self._read_entries)
        self.region = lru_cache(maxsize=None)(self._region)
        self.by_geonames_id = lru_cache(maxsize=CACHED_NAMES)(self._by_geonames_id)
        self.format = self._value("SELECT value FROM meta WHERE name = 'format'", ())

    # -- reading ----------------------------------------------------------------------

    def _rows(self, sql: str, args: tuple) -> list[tuple]:
        with self._lock:
            if self._connection is None or self._pid != os.getpid():
                # A connection is never used across fork: a worker opens its own.
                uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
                self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._pid = os.getpid()
            return self._connection.execute(sql, args).fetchall()

    def _value(self, sql: str, args: tuple):
        rows = self._rows(sql, args)
        return rows[0][0] if rows else None

    def _place_where(self, sql: str, args: tuple) -> Place | None:
        rows = self._rows(sql.format(_PLACE_COLUMNS), args)
        return _place(rows[0]) if rows else None

    def _read_entries(self, key: str) -> tuple[tuple[Place, ...], tuple[Place, ...], tuple[Place, ...]]:
        tiers: tuple[list[Place], list[Place], list[Place]] = ([], [], [])
        rows = self._rows(
            f"SELECT e.tier, {_PLACE_COLUMNS} FROM entry e JOIN place p ON p.id = e.place "
            "WHERE e.key = ? ORDER BY e.tier, e.seq", (key,)
        )
        for tier, *row in rows:
            tiers[tier].append(_place(tuple(row)))
        return tuple(tiers[0]), tuple(tiers[1]), tuple(tiers[2])

    def _region(self, country: str, admin1: str) -> Place | None:
        """Return the first-level region (state, oblast, province) holding these cities."""
        return self._place_where(
            "SELECT {} FROM region r JOIN place p ON p.id = r.place WHERE r.country = ? AND r.admin1 = ?",
            (country, admin1),
        )

    def _by_geonames_id(self, geonames_id: int) -> Place | None:
        """Return the gazetteer entry with this GeoNames id, if the gazetteer holds it."""
        return self._place_where(
            "SELECT {} FROM geonames g JOIN place p ON p.id = g.place WHERE g.id = ?", (geonames_id,)
        )

    def describe(self, place: Place) -> tuple[str | None, str | None]:
        """Return the names of the first- and second-level divisions that hold a place."""
        if place.feature in ("country", "region") or not place.country or not place.admin1:
            return None, None
        region = self._value(
            "SELECT name FROM region_name WHERE country = ? AND admin1 = ?", (place.country, place.admin1)
        )
        admin2 = None
        if place.admin2 and place.feature != "county":
            admin2 = self._value(
                "SELECT name FROM county_name WHERE country = ? AND admin1 = ? AND admin2 = ?",
                (place.country, place.admin1, place.admin2),
            )
        return region, admin2

    # -- lookup -----------------------------------------------------------------------

    def _exact(self, key: str) -> list[Place]:
        primary, alternates, _loose = self._entries(key)
        idents = {p.ident for p in primary}
        others = [
            p._replace(alias=True) for p in alternates
            if p.ident not in idents and (not primary or p.population >= ALTERNATE_JOIN_MIN_POPULATION)
        ]
        places = [*primary, *others]
        # A region named after its own capital (Istanbul, Tokyo) is read as the city, unless
        # the curated table names the region as the usual reading (Quebec).
        city_admins = {(p.country, p.admin1) for p in places if p.feature == "city"}
        return [
            p for p in places
            if p.feature != "region" or p.curated or (p.country, p.admin1) not in city_admins
        ]

    def region_phrase(self, key: str) -> list[Place]:
        """Return the regions a key such as "kherson region" or "kharkiv oblast" names."""
        match = _REGION_PHRASE.match(key)
        if not match:
            return []
        stem = match.group(1)
        for form in (f"{stem} oblast", f"{stem} region", f"{stem} province"):
            found = [p for p in self._exact(form) if p.feature == "region"]
            if found:
                return found
        primary, alternates, _loose = self._entries(stem)
        regions = [p for p in primary or alternates if p.feature == "region"]
        if regions:
            return regions
        # "Kherson region": the region around the city or capital of that name.
        out: dict[tuple, Place] = {}
        for p in primary or alternates:
            if p.feature == "city" and p.admin1:
                region = self.region(p.country, p.admin1)
                if region:
                    out.setdefault(region.ident, region)
        return list(out.values())

    def lookup(self, name: str) -> list[Place]:
        """Return every place a name may refer to, best-matching tier only."""
        places = self._lookup(name.strip())
        if _is_acronym(name):
            # "NATO" is not the Philippine town of Nato: capitals match countries and
            # regions ("UK", "UAE", "DPR"), never a town's ordinary name.
            places = [p for p in places if p.feature != "city" or p.curated]
        return places

    def _lookup(self, name: str) -> list[Place]:
        keys = _name_keys(name)
        for key in keys:
            found = self._exact(key) or self.region_phrase(key)
            if found:
                return found
        for key in keys:
            direction = _DIRECTION.match(key)
            if direction:
                found = self._exact(direction.group(1)) or self.region_phrase(direction.group(1))
                if found:
                    return found
        for key in keys:
            if len(key) >= 6:
                found = self._entries(_loose_key(key))[LOOSE]
                if found:
                    return list(found)
        return []
