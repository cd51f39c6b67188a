"""Resolution: each place entity of an article to one gazetteer entry, with a confidence.

Receives the article's entities (with their mentions) and its text; sets ``geo`` on every
entity naming a known place and returns nothing. A name with several readings ("Paris",
"Georgia", "Jackson") is decided by the article itself: a container named right after a
mention ("Paris, Ill.", "Jordan, Minn."), then the countries and states the article's other
places point at, weighted by how often they are mentioned, then how near they are, then
population and prominence. Names the article uses for people ("President Obama", "the Bush
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

from presslens.errors import InputError
from presslens.extract.places.demonyms import demonym_country
from presslens.extract.places.gazetteer import (
    _POSSESSIVE,
    Gazetteer,
    Place,
    _key,
    _km,
    gazetteer,
)
from presslens.lexicons import load_list
from presslens.record import Entity, Geo

PLACE_ENTITY_TYPES = frozenset({"GPE", "LOC", "FAC"})

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
FEATURE_PRIOR = {"country": 2.0, "region": 0.5, "county": 0.3, "city": 0.0, "landmark": 3.0}

# A place qualified by its container right after it: "Moscow, Idaho", "Lyman, Ukraine",
# "Gainesville, Va.".
_QUALIFIER = re.compile(
    r"\s*,\s*((?:the\s+)?[A-Z][^\s,;:!?()\"“”]*(?:\s+[A-Z][^\s,;:!?()\"“”]*){0,3})"
)
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

    return {abbr.casefold(): (state, kind) for abbr, state, kind in load_table("us-state-abbreviations.tsv")}


def containers(gaz: Gazetteer, name: str, after_comma: bool) -> list[Place]:
    """Return the countries, states and counties a qualifier such as "Idaho" or "Va." may name."""
    name = name.strip()
    abbreviation = _abbreviations().get(name.casefold()) or _abbreviations().get(name.casefold() + ".")
    if abbreviation and (after_comma or abbreviation[1] == "style") and (name.isupper() or "." in name or abbreviation[1] == "style"):
        name = abbreviation[0]
    return [p for p in gaz.lookup(name) if p.feature in ("country", "region", "county") and p.country]


def lookup(gaz: Gazetteer, name: str) -> list[Place]:
    """Return the readings of a name, reading a state's style abbreviation ("Va.") as the state."""
    abbreviation = _abbreviations().get(name.strip().casefold())
    if abbreviation and abbreviation[1] == "style":
        return [p for p in gaz.lookup(abbreviation[0]) if p.feature == "region" and p.country == "US"]
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


def _entity_candidates(entity: Entity, text: str, gaz: Gazetteer) -> list[Place]:
    named = _named(entity)
    surfaces = [entity.name, *entity.aliases, *(m.text for m in named)]
    places: list[Place] = []
    for surface in dict.fromkeys(s for s in surfaces if s and s.strip()):
        places = lookup(gaz, surface)
        if not places and "," in surface:
            head, _, tail = surface.partition(",")
            places = _narrow(gaz.lookup(head), containers(gaz, tail, after_comma=True))
        if places:
            break
    if not places:
        places = _part_candidates(entity.name, gaz)
    if len(places) > 1 and text:
        for mention in named:
            match = _QUALIFIER.match(text, mention.end, min(len(text), mention.end + 80))
            if match:
                qualifier = _POSSESSIVE.sub("", match.group(1))
                places = _narrow(places, containers(gaz, qualifier, after_comma=True))
    return places


def _part_candidates(name: str, gaz: Gazetteer) -> list[Place]:
    """Return the readings of the longest leading, else trailing, words of a name that is a place.

    spaCy's place spans sometimes take in the words around the place: "Fargo City",
    "Laurel County High School", "Historic Dublin".
    """
    words = name.split()
    for size in range(len(words) - 1, 0, -1):
        for part in (" ".join(words[:size]), " ".join(words[-size:])):
            if part[:1].isupper():
                found = [p for p in lookup(gaz, part) if p.feature != "city" or p.population >= 1000]
                if found:
                    return found
    return []


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
        if len(places) == 1 and places[0].feature not in ("country", "region"):
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


def geocode_entities(
    entities: list[Entity], text: str, found_as: dict[str, tuple[str, str | None]] | None = None
) -> None:
    """Return None, having set ``geo`` on every GPE, LOC or FAC entity naming a known place.

    Entities of other types are left untouched; place entities that match nothing, or whose
    name the article uses for a person, get ``geo = None``. ``text`` is the article text the
    mentions point into. ``found_as`` maps an entity id to how recognition found the place
    ("demonym", "organisation", "dateline") and the organisation whose name holds it.
    """
    found_as = found_as or {}
    gaz = gazetteer()
    surnames = _surnames(entities)
    items: list[tuple[Entity, list[Place], float]] = []
    for entity in entities:
        if entity.type not in PLACE_ENTITY_TYPES and entity.id not in found_as:
            continue
        entity.geo = None
        forced = override_for(entity, gaz)
        if forced is not None:
            entity.geo = record(gaz, forced, 1.0, "override")
            continue
        if found_as.get(entity.id, ("",))[0] == "demonym":
            code = demonym_country(entity.name)
            places = [gaz.countries[code]] if code in gaz.countries else []
        else:
            places = _entity_candidates(entity, text, gaz)
            if places and _names_a_person(entity, text, surnames, places):
                # The article uses the name for someone: it is no place, whatever spaCy said.
                entity.type = "PERSON"
                continue
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
    context = _Context()
    for j, (_entity, _places, weight) in enumerate(items):
        context.add(j, [chosen[j]], weight)
    for i, ((entity, places, _weight), place) in enumerate(zip(items, chosen, strict=True)):
        scores = [context.score(p, i) for p in places]
        via, organisation = found_as.get(entity.id, ("name", None))
        entity.geo = record(gaz, place, _confidence(scores, context.score(place, i)), via)
        entity.geo.organisation = organisation
