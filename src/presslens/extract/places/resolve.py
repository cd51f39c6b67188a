"""Resolution: each place entity of an article to one gazetteer entry, with a confidence.

Receives the article's entities (with their mentions) and its text; sets ``geo`` on every
entity naming a known place and returns nothing. A name with several readings ("Paris",
"Georgia", "Jackson") is decided by the article itself: a container named right after a
mention ("Paris, Ill.", "Jordan, Minn."), then the countries and states the article's other
places point at, weighted by how often they are mentioned, then how near they are, then
population and prominence. The outlet's home, where the source's address shows it, counts
as context too: a country-code domain (".co.uk", ".ca") points at its country, and a place
the outlet is named after ("parisbeacon.com" and the article's "Paris") is read as the local
place of that name, left to the article's other places to pick rather than to fame. Names the article uses for people ("President Obama", "the Bush
administration", "coach Ripley", "pro-Morales") are not placed. A user's override file
(``PRESSLENS_PLACES``, set by ``--places FILE``: name -> GeoNames id) wins over all of this.
"""

from __future__ import annotations

import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from presslens.errors import InputError
from presslens.extract.places.demonyms import demonym_country
from presslens.extract.places.gazetteer import (
    _POSSESSIVE,
    Place,
    _key,
    _km,
    gazetteer,
)
from presslens.extract.places.index import Gazetteer
from presslens.extract.places.mentions import is_street_name
from presslens.lexicons import load_list
from presslens.record import Entity, Geo, Source

PLACE_ENTITY_TYPES = frozenset({"GPE", "LOC", "FAC"})

# Scoring. Support from the article's other places comes first, as a share of all their
# mentions; proximity and prior prominence (population, being a capital, being the reading
# the curated table names) break the remaining ties. The weights are set so that a place
# mentioned once in passing cannot outvote a capital, but an article about a country moves
# its ambiguous names into that country.
COUNTRY_SUPPORT = 2.5
REGION_SUPPORT = 1.5
# A town inside a county the article names, or two places in one county ("Paris" and "Henry
# County" agree in Tennessee, not in Illinois, where Paris lies in another county).
COUNTY_SUPPORT = 1.0
PROXIMITY = 1.0
PROXIMITY_KM = 300.0
POPULATION = 0.5
CAPITAL = 1.5
CURATED = 1.0
ALTERNATE = -1.0
FEATURE_PRIOR = {"country": 2.0, "region": 0.5, "county": 0.3, "city": 0.0, "landmark": 3.0}
# The outlet's home: a country-code domain counts as this many mentions of its country; the
# place the outlet is named after counts this many times more, and its readings are ranked
# with this much of the population prior (its fame says little: a paper named after Paris
# is seldom in France's capital).
HOME_COUNTRY_WEIGHT = 2.0
HOME_NAME_WEIGHT = 3.0
HOME_POPULATION = 0.1
HOME_NAME_MIN_LETTERS = 4
# Top-level domains that belong to a country in law but are sold to anyone.
_GENERIC_TLDS = frozenset({"co", "tv", "io", "me", "fm", "am", "ly", "cc", "ws", "ai", "to", "eu"})

# A place qualified by its container right after it: "Moscow, Idaho", "Lyman, Ukraine",
# "Gainesville, Va.".
_QUALIFIER = re.compile(
    r"\s*,\s*((?:the\s+)?[A-Z][^\s,;:!?()\"“”]*(?:\s+[A-Z][^\s,;:!?()\"“”]*){0,3})"
)
# A name that opens a list of counties: "Harvey, Harper and Kingman counties" names three.
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?"
_COUNTY_LIST = re.compile(
    rf"(?:\s*,\s*{_NAME})*\s*,?\s+(?:and|or|&)\s+{_NAME}\s+(counties|parishes|boroughs)\b"
)
# The name that closes such a list: "Oglethorpe" in "Clarke, Oconee and Oglethorpe counties".
_COUNTY_LIST_END = re.compile(r"\s+(counties|parishes|boroughs)\b")
_LIST_BEFORE = re.compile(r"(?:,|\band|\bor|&)\s*$")
_LIST_DIVISION = {"counties": "County", "parishes": "Parish", "boroughs": "Borough"}
# Words right after a name that make it a person's: "the Bush administration".
_PERSON_AFTER = re.compile(r"\s*(?:['’]s\s+)?(?:administration|presidency|campaign|government's)\b")
# "pro-Morales", "anti-Obama": a stance for or against someone.
_STANCE_BEFORE = re.compile(r"\b(?:pro|anti)[-‐‑]$", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\s+$")


@cache
def _person_titles() -> frozenset[str]:
    return frozenset(w.casefold().rstrip(".") for w in load_list("titles.txt"))


def _person_context(text: str, start: int, end: int) -> bool:
    """Return True when the words around a name show it names a person."""
    before = text[max(0, start - 40):start]
    if _STANCE_BEFORE.search(before) or _PERSON_AFTER.match(text, end, min(len(text), end + 30)):
        return True
    word = _WORD_BEFORE.search(before)
    return bool(word) and word.group(1).casefold().rstrip(".") in _person_titles()


def _surnames(entities: list[Entity]) -> set[str]:
    """Return the folded last words of the article's multi-word person names."""
    out = set()
    for entity in entities:
        if entity.type != "PERSON":
            continue
        for name in (entity.name, *entity.aliases):
            words = name.split()
            if len(words) >= 2:
                out.add(_key(_POSSESSIVE.sub("", words[-1])))
    return out


@cache
def _abbreviations() -> dict[str, tuple[str, str]]:
    from presslens.lexicons import load_table

    return {
        abbr.casefold(): (region, kind)
        for table in ("us-state-abbreviations.tsv", "ca-province-abbreviations.tsv")
        for abbr, region, kind in load_table(table)
    }


def _abbreviation(name: str) -> tuple[str, str] | None:
    """Return the (region, kind) an abbreviation such as "Va.", "N.Y" or "OK" stands for."""
    folded = name.strip().casefold()
    found = _abbreviations().get(folded)
    if found is None and "." in folded:
        # spaCy often leaves the closing full stop out of the span: "N.Y" for "N.Y.".
        found = _abbreviations().get(folded + ".")
    return found


def _regions_named(gaz: Gazetteer, name: str) -> list[Place]:
    # Straight from the index: lookup() reads "New York" as the city, but "N.Y." is the state.
    return [p for p in gaz.names.get(_key(name), {}).values() if p.feature == "region"]


def containers(gaz: Gazetteer, name: str, after_comma: bool) -> list[Place]:
    """Return the countries, states and counties a qualifier such as "Idaho" or "Va." may name."""
    name = name.strip()
    abbreviation = _abbreviation(name) or _abbreviations().get(name.casefold() + ".")
    if abbreviation and (after_comma or abbreviation[1] == "style") and (name.isupper() or "." in name or abbreviation[1] == "style"):
        return _regions_named(gaz, abbreviation[0])
    return [p for p in gaz.lookup(name) if p.feature in ("country", "region", "county") and p.country]


def lookup(gaz: Gazetteer, name: str) -> list[Place]:
    """Return the readings of a name, reading a style abbreviation ("Va.", "B.C.") as its region."""
    abbreviation = _abbreviation(name)
    if abbreviation and abbreviation[1] == "style":
        return _regions_named(gaz, abbreviation[0])
    return gaz.lookup(name)


def _within(place: Place, containers: list[Place]) -> bool:
    for c in containers:
        if c.ident == place.ident:
            continue
        if c.feature == "country" and place.country == c.country and place.feature != "country":
            return True
        if c.feature == "region" and c.admin1 and (place.country, place.admin1) == (c.country, c.admin1):
            return place.feature != "region"
        if c.feature == "county" and place.admin2 and (place.country, place.admin1, place.admin2) == (
            c.country, c.admin1, c.admin2
        ):
            return True
    return False


def _narrow(places: list[Place], found: list[Place]) -> list[Place]:
    """Return the places inside one of the containers, or all places if none is."""
    inside = [p for p in places if _within(p, found)]
    return inside or places


def _named(entity: Entity) -> list:
    # Nominal and pronoun mentions ("the country", "it") say nothing about which place.
    return [m for m in entity.mentions if getattr(m, "kind", "name") == "name"]


def _listed_county(entity: Entity, text: str, gaz: Gazetteer) -> list[Place]:
    """Return the counties a name stands for when it heads or closes a list such as "Harvey and Reno counties"."""
    for mention in _named(entity):
        match = _COUNTY_LIST.match(text, mention.end, min(len(text), mention.end + 200))
        if not match and _LIST_BEFORE.search(text, max(0, mention.start - 8), mention.start):
            # Only after "and", "or" or a comma: "Indiana counties" are the state's counties.
            match = _COUNTY_LIST_END.match(text, mention.end, min(len(text), mention.end + 20))
        if match:
            name = f"{_POSSESSIVE.sub('', mention.text)} {_LIST_DIVISION[match.group(1)]}"
            return [p for p in gaz.lookup(name) if p.feature == "county"]
    return []


def _entity_candidates(entity: Entity, text: str, gaz: Gazetteer) -> tuple[list[Place], bool]:
    """Return the readings of an entity's name, and whether they are towns named by a part of it only."""
    named = _named(entity)
    if text:
        listed = _listed_county(entity, text, gaz)
        if listed:
            return listed, False
    surfaces = [entity.name, *entity.aliases, *(m.text for m in named)]
    places: list[Place] = []
    for surface in dict.fromkeys(s for s in surfaces if s and s.strip()):
        places = lookup(gaz, surface)
        if not places and "," in surface:
            head, _, tail = surface.partition(",")
            places = _narrow(gaz.lookup(head), containers(gaz, tail, after_comma=True))
        if places:
            break
    partial = False
    if not places and entity.type == "GPE":
        # "the Russian Empire", "the Canadian Lottery": a name the gazetteer lacks that opens
        # with a demonym is about that country, not a town spelled like the demonym.
        words = entity.name.split()
        code = demonym_country(words[0]) if len(words) >= 2 else None
        if code and code in gaz.countries:
            return [gaz.countries[code]], False
    if not places and not (entity.type == "FAC" and is_street_name(entity.name)):
        # A street is not in the town it is named after: "Lancaster Avenue" may be anywhere.
        places = _part_candidates(entity.name, gaz)
        # A division inside a longer name ("Titus County Sheriff's Office", "Licking Memorial
        # Hospital") is what the name is about; a town's name inside one ("Hampton Hills",
        # "Titan Operating") is a guess among namesakes.
        towns = [p for p in places if p.feature == "city"]
        partial = bool(towns) and all(p in towns or _is_city_county(p) for p in places) \
            and not _same_town(entity.name, towns)
    if len(places) > 1:
        places = _towns_over_small_divisions(places)
    if len(places) > 1 and text and _town_institution(named, text):
        places = _towns_first(places)
    if len(places) > 1 and text:
        for mention in named:
            match = _QUALIFIER.match(text, mention.end, min(len(text), mention.end + 80))
            if match:
                qualifier = _POSSESSIVE.sub("", match.group(1))
                places = _narrow(places, containers(gaz, qualifier, after_comma=True))
    return places, partial


@cache
def _town_institution_pattern() -> re.Pattern[str]:
    phrases = sorted(load_list("town-institutions.txt"), key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases)
    return re.compile(rf"(?:['’]s)?\s+(?:(?:city|town)\s+)?(?:{words})\b", re.IGNORECASE)


def _town_institution(named: list, text: str) -> bool:
    """Return True when a mention is followed by a body only a town has ("Berea police")."""
    pattern = _town_institution_pattern()
    return any(pattern.match(text, m.end, min(len(text), m.end + 40)) for m in named)


# Divisions smaller than this are written with their kind when a division is meant
# ("Camden County", "the district of Berea"); bare, their name is the town's.
SMALL_DIVISION_POPULATION = 1_000_000
# ... and only where such a town is a real rival: a tenth of the division's people or more
# (Dorset is the English county, not a village of Vermont).
DIVISION_TOWN_RATIO = 10


def _towns_over_small_divisions(places: list[Place]) -> list[Place]:
    """Return the readings without small second-level divisions that carry, bare, a town's name.

    Many countries name a district after its seat, with no "county" in the name (Camden in
    New South Wales, San-Pédro in Ivory Coast); such a division summed over its towns
    outweighs every town of the name, though news that says "Camden" means a town. First-level
    divisions keep their reading: a small country's parish may be what a name stands for.
    """
    towns: dict[str, int] = {}
    for p in places:
        if p.feature == "city" and not p.alias:
            towns[_key(p.name)] = max(towns.get(_key(p.name), 0), p.population)
    kept = [
        p for p in places
        if not (p.feature == "county" and not p.curated and not p.alias
                and p.population < SMALL_DIVISION_POPULATION
                and towns.get(_key(p.name), -1) * DIVISION_TOWN_RATIO >= p.population)
    ]
    return kept or places


# A town reading this many times smaller than a division of the same name is a namesake
# the writer hardly means ("Georgia police" are the state's, not a village's).
TOWN_INSTITUTION_MAX_RATIO = 50


def _towns_first(places: list[Place]) -> list[Place]:
    """Return the town readings of a name followed by a town's body, unless none is a likely town."""
    # A town's own name, not a big city's old or foreign one ("Berea" is also Aleppo's).
    towns = [p for p in places if p.feature == "city" and not p.alias]
    divisions = [p for p in places if p.feature != "city"]
    if not towns or any(p.feature == "country" for p in divisions):
        return places
    largest = max(max(p.population, 1) for p in towns)
    if divisions and max(p.population for p in divisions) > TOWN_INSTITUTION_MAX_RATIO * largest:
        return places
    return towns


# Words beside a town's name that still name the town itself ("Oakport Township", "Fargo
# City", "the Springfield area"), unlike "Hampton Hills" or "Titan Operating".
_TOWN_WORDS = frozenset({"city", "town", "township", "village", "borough", "area", "metro", "downtown"})


def _is_city_county(place: Place) -> bool:
    """Return True for a county-level city ("City of Hampton"), a town by another name."""
    return place.feature == "county" and _key(place.name).startswith("city of ")


def _same_town(name: str, places: list[Place]) -> bool:
    """Return True when the words of a name beside its town's name only say it is that town."""
    town = set(_key(places[0].name).split())
    rest = [w for w in _key(_POSSESSIVE.sub("", name)).split() if w not in town]
    return bool(rest) and all(w in _TOWN_WORDS for w in rest)


def _part_candidates(name: str, gaz: Gazetteer) -> list[Place]:
    """Return the readings of the longest leading, else trailing, words of a name that is a place.

    spaCy's place spans sometimes take in the words around the place: "Fargo City",
    "Laurel County High School", "Historic Dublin".
    """
    words = name.split()
    generic = _feature_words()
    for size in range(len(words) - 1, 0, -1):
        for part in (" ".join(words[:size]), " ".join(words[-size:])):
            # "River" in "River Lune" and "Metro" in "Metro Nashville" say what kind of
            # place the rest is; they never name it ("Lake Harriet" is no Lake County).
            if part[:1].isupper() and not all(w.casefold() in generic for w in part.split()):
                found = [p for p in lookup(gaz, part) if p.feature != "city" or p.population >= 1000]
                if found:
                    return found
    return _hyphen_part_candidates(words, gaz)


_HYPHEN = re.compile(r"[-‐‑]")


def _hyphen_part_candidates(words: list[str], gaz: Gazetteer) -> list[Place]:
    """Return the readings of the first, else last, part of a hyphenated compound name.

    Joined names of consolidated governments and districts ("Athens-Clarke", "Paris-Henry
    County", "Greenbrier-Pocahontas"), a party and home ("R-Ashland") or a pair of places
    ("EU-Israel") are in no gazetteer as written; their parts are. A division word closing the
    name goes with the first part too ("Greenbrier County").
    """
    if not words or not _HYPHEN.search(words[0]):
        return []
    generic = _feature_words()
    tail = [w for w in words[1:] if w[:1].isupper()]
    pieces = _HYPHEN.split(words[0])
    if pieces[0].casefold() in _STANCE_PREFIXES:
        return []  # "Anti-Obama" is against a person, wherever a town of that name lies
    parts = [part for part in pieces if len(part) > 1 and part[:1].isupper()]
    if len(pieces) < 2 or not parts:
        return []
    division = " " + tail[-1] if tail and tail[-1].casefold() in _DIVISION_WORDS else ""
    for part in (parts[0], parts[-1]):
        if part.casefold() in generic:
            continue
        for form in ((part + division, part) if division else (part,)):
            found = [p for p in lookup(gaz, form) if p.feature != "city" or p.population >= 1000]
            if found:
                return found
    return []


_STANCE_PREFIXES = frozenset({"pro", "anti", "ex", "non", "post", "pre", "neo"})
_DIVISION_WORDS = frozenset({"county", "parish", "borough", "township", "district"})


@cache
def _feature_words() -> frozenset[str]:
    return frozenset(load_list("place-feature-words.txt"))


def _qualified(entity: Entity, text: str) -> bool:
    return any(_QUALIFIER.match(text, m.end, min(len(text), m.end + 80)) for m in _named(entity))


def _names_a_person(entity: Entity, text: str, surnames: set[str], places: list[Place]) -> bool:
    """Return True when the article uses the entity's name for a person, not a place."""
    if any(p.feature in ("country", "region") for p in places) or _qualified(entity, text):
        return False
    named = _named(entity)
    if any(_person_context(text, m.start, m.end) for m in named):
        return True
    return _key(_POSSESSIVE.sub("", entity.name)) in surnames


@dataclass
class _Context:
    """What the article's places point at: countries, regions and points, by mention count."""

    countries: dict[str | None, float] = field(default_factory=lambda: defaultdict(float))
    regions: dict[tuple, float] = field(default_factory=lambda: defaultdict(float))
    counties: dict[tuple, float] = field(default_factory=lambda: defaultdict(float))
    anchors: list[tuple[float, float, int]] = field(default_factory=list)
    total: float = 0.0
    # What each contributing name added, so it can be left out when that name is scored:
    # a name must not vote for its own reading.
    shares: dict[int, tuple[str, tuple | None, float, tuple | None]] = field(default_factory=dict)
    # Names of the outlet's home place, ranked with HOME_POPULATION instead of the full prior.
    home: frozenset[int] = frozenset()
    # Names read as a town through a part of them only ("Hampton Hills" as Hampton, "Titan
    # Operating"): placed if nothing better, but their guess must not pull the other names.
    silent: frozenset[int] = frozenset()
    _points: tuple | None = None  # the anchors as numpy columns, once there are many

    def add_country(self, country: str, weight: float) -> None:
        """Count a country the article points at without naming it (the outlet's domain)."""
        self.total += weight
        self.countries[country] += weight

    def add(self, owner: int, places: list[Place], weight: float) -> None:
        """Count a name's readings when they agree on one country (and maybe one region)."""
        countries = {p.country for p in places}
        if len(countries) != 1 or None in countries or owner in self.silent:
            return
        country = next(iter(countries))
        regions = {(p.country, p.admin1) for p in places}
        region = next(iter(regions)) if len(regions) == 1 and places[0].admin1 else None
        self.total += weight
        self.countries[country] += weight
        if region:
            self.regions[region] += weight
        counties = {_county_key(p) for p in places}
        county = next(iter(counties)) if len(counties) == 1 else None
        if county:
            self.counties[county] += weight
        self.shares[owner] = (country, region, weight, county)
        if len(places) == 1 and places[0].feature not in ("country", "region"):
            self.anchors.append((places[0].lat, places[0].lon, owner))

    def score(self, place: Place, owner: int) -> float:
        """Return how well a reading of name ``owner`` fits the article's other places."""
        country, region, weight, county = self.shares.get(owner, (None, None, 0.0, None))
        score = _local_prior(place) if owner in self.home else _prior(place)
        total = self.total - weight
        if total > 0:
            support = self.countries.get(place.country, 0.0) - (weight if place.country == country else 0.0)
            score += COUNTRY_SUPPORT * support / total
            if place.admin1:
                own = (place.country, place.admin1)
                support = self.regions.get(own, 0.0) - (weight if own == region else 0.0)
                score += REGION_SUPPORT * support / total
            own_county = _county_key(place)
            if own_county:
                support = self.counties.get(own_county, 0.0) - (weight if own_county == county else 0.0)
                score += COUNTY_SUPPORT * support / total
        if place.feature != "country":
            nearest = self._nearest_anchor(place, owner)
            if nearest is not None:
                score += PROXIMITY * math.exp(-nearest / PROXIMITY_KM)
        return score

    def _nearest_anchor(self, place: Place, owner: int) -> float | None:
        """Return the distance in km from the place to the nearest anchor of another name,
        None when there is none.

        A long text has thousands of anchors and each ambiguous name is scored against all
        of them many times, so past a few dozen the distances are computed at once with
        numpy, and only those that may be the least are computed again exactly, so the
        result is the same as reading every anchor one by one."""
        if len(self.anchors) < MANY_ANCHORS:
            distances = [_km(place.lat, place.lon, lat, lon) for lat, lon, o in self.anchors if o != owner]
            return min(distances) if distances else None
        if self._points is None or len(self._points[0]) != len(self.anchors):
            self._points = tuple(np.array(column, dtype=np.float64) for column in zip(*self.anchors))
        lats, lons, owners = self._points
        approx = _km_many(place.lat, place.lon, lats, lons)
        approx[owners == owner] = np.inf
        least = float(approx.min())
        if not math.isfinite(least):
            return None
        close = np.flatnonzero(approx <= least * (1 + 1e-9) + 1e-9)
        return min(_km(place.lat, place.lon, float(lats[k]), float(lons[k])) for k in close)


# Past this many anchors, distances to them are computed with numpy (see _nearest_anchor).
MANY_ANCHORS = 64


def _km_many(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Return the great-circle distances in km from one point to many (the formula of _km)."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _county_key(place: Place) -> tuple | None:
    if place.feature in ("country", "region") or not place.admin2:
        return None
    return place.country, place.admin1, place.admin2


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


def _local_prior(place: Place) -> float:
    return FEATURE_PRIOR[place.feature] + HOME_POPULATION * math.log10(max(place.population, 1000))


def outlet_home(source: Source | None) -> tuple[str | None, tuple[str, ...]]:
    """Return the country of an outlet's domain, if a country's, and the words of its host.

    "www.thisisoxfordshire.co.uk" gives ("GB", ("thisisoxfordshire",)); "parisbeacon.com"
    gives (None, ("parisbeacon",)). The host comes from the source's address, else from an
    outlet that is written as a domain.
    """
    if source is None:
        return None, ()
    host = ""
    if source.url:
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", source.url.strip().casefold()).split("/", 1)[0]
    if not host and source.outlet and re.fullmatch(r"[\w.-]+\.[a-z]{2,}", source.outlet.strip().casefold()):
        host = source.outlet.strip().casefold()
    labels = [label for label in host.split(":", 1)[0].split(".") if label]
    if len(labels) < 2:
        return None, ()
    tld = labels[-1]
    labels = labels[:-1]
    if labels[-1] in ("co", "com", "org", "net", "ac", "gov") and len(labels) > 1:
        labels = labels[:-1]  # "co.uk", "com.au"
    country = None
    if len(tld) == 2 and tld.isalpha() and tld not in _GENERIC_TLDS:
        country = "GB" if tld == "uk" else tld.upper()
    words = tuple(label.replace("-", "") for label in labels if label != "www")
    return country, words


def _names_home(entity: Entity, host_words: tuple[str, ...]) -> bool:
    """Return True when the outlet's host starts or ends with the entity's name ("parisbeacon")."""
    name = _key(_POSSESSIVE.sub("", entity.name)).replace(" ", "")
    if len(name) < HOME_NAME_MIN_LETTERS or not name.isalpha():
        return False
    for word in host_words:
        word = word.removeprefix("the")
        if word.startswith(name) or word.endswith(name):
            return True
    return False


def _confidence(scores: list[float], best: float) -> float:
    """Return the share of the best reading in a softmax over all readings' scores."""
    return 1.0 / sum(math.exp(s - best) for s in scores)


@cache
def read_places_file(path: str) -> dict[str, int]:
    """Return the user's name -> GeoNames id table from a tab- or comma-separated file."""
    table: dict[str, int] = {}
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot be read as a places file ({getattr(error, 'strerror', None) or error})", path) from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, gid = line.rpartition("\t") if "\t" in line else line.rpartition(",")
        if not sep or not name.strip() or not gid.strip().isdigit():
            raise InputError(f"line {number} is not 'name<TAB>GeoNames id'", path)
        table[_key(name)] = int(gid)
    return table


def override_for(entity: Entity, gaz: Gazetteer) -> Place | None:
    """Return the place the user's --places file names for this entity, if any."""
    path = os.environ.get("PRESSLENS_PLACES")
    if not path:
        return None
    table = read_places_file(path)
    for surface in (entity.name, *entity.aliases, *(m.text for m in _named(entity))):
        gid = table.get(_key(surface))
        if gid is not None:
            return gaz.by_geonames_id(gid)
    return None


def record(gaz: Gazetteer, place: Place, confidence: float, via: str = "name") -> Geo:
    """Return the record form of a place, with the names of the divisions that hold it."""
    admin1, admin2 = gaz.describe(place)
    return Geo(
        lat=round(place.lat, 5), lon=round(place.lon, 5), country_code=place.country,
        geonames_id=place.geonames_id, feature=place.feature, name=place.name,
        feature_code=place.feature_code, admin1=admin1, admin2=admin2,
        confidence=round(confidence, 3), via=via,
    )


# How many regions an article's ambiguous names are also tried in, most shared first, and
# how many of its names a region must hold readings of: two small towns that happen to
# share a state ("St. Peter" and "Rome", Wisconsin) must not outvote Rome itself.
START_REGIONS = 4
START_REGION_NAMES = 3


def _shared_regions(items: list[tuple[Entity, list[Place], float]]) -> list[tuple]:
    """Return the (country, admin1) pairs holding readings of several ambiguous names."""
    counts: dict[tuple, int] = defaultdict(int)
    for _entity, places, _weight in items:
        if len(places) > 1:
            for region in {(p.country, p.admin1) for p in places if p.admin1}:
                counts[region] += 1
    shared = sorted((n, region) for region, n in counts.items() if n >= START_REGION_NAMES)
    return [region for _n, region in reversed(shared[-START_REGIONS:])]


# How many regions where one name's county holds another name's town are also tried.
START_COUNTY_REGIONS = 3


def _county_regions(items: list[tuple[Entity, list[Place], float]]) -> list[tuple]:
    """Return the (country, admin1) pairs where a reading of one ambiguous name is a county
    holding a town that is a reading of another ("Richmond" and "Madison County", Kentucky).

    A town named beside its own county is a far stronger sign than two names that merely
    share a state, so one such pair is enough to try the region.
    """
    towns: dict[tuple, set[int]] = defaultdict(set)
    for i, (_entity, places, _weight) in enumerate(items):
        for p in places:
            if p.feature == "city" and p.admin2:
                towns[(p.country, p.admin1, p.admin2)].add(i)
    found: dict[tuple, float] = defaultdict(float)
    for i, (_entity, places, weight) in enumerate(items):
        if len(places) < 2:
            continue
        for p in places:
            if p.feature != "county":
                continue
            others = towns.get((p.country, p.admin1, p.admin2), set()) - {i}
            if others:
                found[(p.country, p.admin1)] += weight + sum(items[j][2] for j in others)
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    return [region for region, _w in ranked[:START_COUNTY_REGIONS]]


def _chosen_context(items, chosen: list[Place], new_context) -> _Context:
    context = new_context()
    for j, (_entity, _places, weight) in enumerate(items):
        context.add(j, [chosen[j]], weight)
    return context


def _settle(items, chosen: list[Place], new_context) -> list[Place]:
    """Return the readings after revisiting each ambiguous name until none changes."""
    chosen = list(chosen)
    ambiguous = [i for i, (_e, places, _w) in enumerate(items) if len(places) > 1]
    context = None  # built again only when a reading changed: it depends on nothing else
    for _sweep in range(3):
        changed = False
        for i in ambiguous:
            if context is None:
                context = _chosen_context(items, chosen, new_context)
            best = max(items[i][1], key=lambda p: context.score(p, i))
            changed |= best.ident != chosen[i].ident
            if best != chosen[i]:
                context = None
            chosen[i] = best
        if not changed:
            break
    return chosen


def _agreement(items, chosen: list[Place], new_context) -> float:
    """Return how well a reading of every name fits: each name's score, weighted by mentions."""
    context = _chosen_context(items, chosen, new_context)
    return sum(weight * context.score(chosen[i], i) for i, (_e, _p, weight) in enumerate(items))


def geocode_entities(
    entities: list[Entity], text: str, found_as: dict[str, tuple[str, str | None]] | None = None,
    source: Source | None = None,
) -> None:
    """Return None, having set ``geo`` on every GPE, LOC or FAC entity naming a known place.

    Entities of other types are left untouched; place entities that match nothing, or whose
    name the article uses for a person, get ``geo = None``. ``text`` is the article text the
    mentions point into. ``found_as`` maps an entity id to how recognition found the place
    ("demonym", "organisation", "dateline") and the organisation whose name holds it.
    ``source`` is where the article comes from; its address may show the outlet's home.
    """
    found_as = found_as or {}
    home_country, host_words = outlet_home(source)
    gaz = gazetteer()
    surnames = _surnames(entities)
    items: list[tuple[Entity, list[Place], float]] = []
    partial: set[int] = set()
    for entity in entities:
        if entity.type not in PLACE_ENTITY_TYPES and entity.id not in found_as:
            continue
        entity.geo = None
        forced = override_for(entity, gaz)
        if forced is not None:
            entity.geo = record(gaz, forced, 1.0, "override")
            continue
        guessed = False
        if found_as.get(entity.id, ("",))[0] == "demonym":
            code = demonym_country(entity.name)
            places = [gaz.countries[code]] if code in gaz.countries else []
        else:
            places, guessed = _entity_candidates(entity, text, gaz)
            if places and _names_a_person(entity, text, surnames, places):
                # The article uses the name for someone: it is no place, whatever spaCy said.
                entity.type = "PERSON"
                continue
        if places:
            if guessed:
                partial.add(len(items))
            items.append((entity, places, float(max(1, len(entity.mentions)))))
    home = frozenset(i for i, (entity, places, _w) in enumerate(items)
                     if len(places) > 1 and host_words and _names_home(entity, host_words))
    if home:
        # An outlet is named after its town: of "Paris", the towns, not the department.
        items = [
            (e, [c for c in p if c.feature == "city"] or p, w + HOME_NAME_WEIGHT) if i in home else (e, p, w)
            for i, (e, p, w) in enumerate(items)
        ]

    def new_context() -> _Context:
        context = _Context(home=home, silent=frozenset(partial))
        if home_country:
            context.add_country(home_country, HOME_COUNTRY_WEIGHT)
        return context

    # First, names with one reading (or readings all in one country) set the context for
    # the rest. Then every name's chosen reading counts, and ambiguous names are revisited
    # one at a time against the latest choices of the others until none changes, so an
    # article whose places are all ambiguous ("Cambridge", "Boston") still agrees with itself.
    # Revisiting from one start can settle on a far-off cluster (Albany, Brandon and Douglas
    # all exist in Australia too), so it is also started from each region that several
    # ambiguous names could lie in, and the reading of the whole article that agrees best wins.
    context = new_context()
    for i, (_entity, places, weight) in enumerate(items):
        context.add(i, places, weight)
    chosen = [max(places, key=lambda p: context.score(p, i)) for i, (_e, places, _w) in enumerate(items)]
    starts = [chosen]
    for region in dict.fromkeys([*_shared_regions(items), *_county_regions(items)]):
        starts.append([
            next((p for p in places if (p.country, p.admin1) == region), chosen[i])
            for i, (_e, places, _w) in enumerate(items)
        ])
    chosen = max((_settle(items, start, new_context) for start in starts),
                 key=lambda c: _agreement(items, c, new_context))
    context = new_context()
    for j, (_entity, _places, weight) in enumerate(items):
        context.add(j, [chosen[j]], weight)
    for i, ((entity, places, _weight), place) in enumerate(zip(items, chosen, strict=True)):
        scores = [context.score(p, i) for p in places]
        via, organisation = found_as.get(entity.id, ("name", None))
        entity.geo = record(gaz, place, _confidence(scores, context.score(place, i)), via)
        entity.geo.organisation = organisation
