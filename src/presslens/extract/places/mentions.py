"""Recognition: the place mentions an article holds beyond spaCy's place entities.

Receives the article's entities and text; returns the entities, with new place entities
added, and how each such place was found. Three kinds are found:

- demonyms and adjectives of place ("an Iranian ship", "Palestinians"): the NORP entity is
  kept as it is and marked to be placed at its country;
- places inside organisation and facility names ("Gainesville Police", "Indiana
  Statehouse", "University of Texas"): the organisation stays whole, and a place entity
  for the inner name is added (or the mention joins the article's entity of that place),
  linked to the organisation;
- datelines ("BEIRUT —", "GAINESVILLE, Fla. (AP) --"): the upper-case place that opens
  the article or a paragraph becomes a mention of that place.
"""

from __future__ import annotations

import re
from functools import cache

from presslens.extract.places.demonyms import demonym_country
from presslens.extract.places.gazetteer import _POSSESSIVE, _key, gazetteer, place_type
from presslens.lexicons import load_list
from presslens.record import Entity, Mention

# How recognition found a place: the kind, and the organisation whose name holds it.
FoundAs = dict[str, tuple[str, str | None]]

# Capitalised words of a name, with the connectives that may join them inside a place name.
_WORD = re.compile(r"[A-Z][\w.'’-]*")
_OF = re.compile(r"\bof (?:the )?((?:[A-Z][\w.'’-]*)(?: [A-Z][\w.'’-]*){0,2})")
# A dateline: upper-case words at the start of a line, maybe a state or country in any
# case, maybe an agency in brackets, then a dash or colon.
_DATELINE = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})"
    r"(?:,\s*[A-Z][A-Za-z.]+(?: [A-Z][a-z.]+)?)?\s*(?:\([^)\n]{1,30}\)\s*)?(?:--|[—–:]|-\s)"
)


@cache
def _street_words() -> frozenset[str]:
    return frozenset(load_list("street-words.txt"))


def names_a_place(entity: Entity) -> bool:
    """Return True when an entity names a place: it has a point, is a GPE or LOC, or is a
    facility named as a street, road, park or river ("Main Street", "Shawnee Park")."""
    if entity.geo is not None or entity.type in ("GPE", "LOC"):
        return True
    return entity.type == "FAC" and is_street_name(entity.name)


def is_street_name(name: str) -> bool:
    """Return True for a name such as "Main Street", "Lancaster Avenue" or "Shawnee Park"."""
    words = name.split()
    return len(words) >= 2 and words[-1].casefold().rstrip(".") in _street_words()


# Words after a name that make it a second-level division's name ("Laurel County").
_DIVISION_WORDS = frozenset({"county", "parish", "borough"})


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


@cache
def _institutions() -> frozenset[str]:
    return frozenset(load_list("place-institutions.txt"))


def _inner_places(text: str) -> list[tuple[int, int]]:
    """Return the spans, within an organisation's name, of well-known place names it holds.

    Two shapes are read: a country or state after "of" ("University of Texas"), and a place
    before a word naming a local body ("Gainesville Police", "Indiana Statehouse"). A name
    before any other word is left alone: "Washington Latin School" is named after a man.
    """
    gaz = gazetteer()
    found: list[tuple[int, int]] = []
    match = _OF.search(text)
    if match and any(p.feature in ("country", "region") for p in gaz.lookup(match.group(1))):
        found.append(match.span(1))
    words = list(_WORD.finditer(text))
    for size in range(min(3, len(words) - 1), 0, -1):
        start, end = words[0].start(), words[size - 1].end()
        head = words[size].group(0).casefold()
        if head in _institutions() and place_type(_POSSESSIVE.sub("", text[start:end])):
            if head in _DIVISION_WORDS and any(
                p.feature == "county" for p in gaz.lookup(text[start:words[size].end()])
            ):
                # "Laurel County Detention Center" holds Laurel County, not the town of Laurel.
                end = words[size].end()
            found.append((start, end))
            break
    return found


def _next_id(entities: list[Entity]) -> int:
    numbers = [int(e.id[1:]) for e in entities if e.id[:1] == "e" and e.id[1:].isdigit()]
    return max(numbers, default=0) + 1


def add_place_mentions(entities: list[Entity], text: str) -> tuple[list[Entity], FoundAs]:
    """Return the entities with place entities for inner names and datelines, and how each was found."""
    found_as: FoundAs = {}
    for entity in entities:
        if entity.type == "NORP" and demonym_country(entity.name):
            found_as[entity.id] = ("demonym", None)
    by_key = {_key(e.name): e for e in entities if e.type in ("GPE", "LOC")}
    taken = [(m.start, m.end) for e in entities if e.type in ("GPE", "LOC", "NORP") for m in e.mentions]
    number = _next_id(entities)
    added: list[Entity] = []

    def add(start: int, end: int, name: str, via: str, organisation: str | None) -> None:
        nonlocal number
        mention = Mention(start=start, end=end, text=text[start:end])
        taken.append((start, end))
        entity = by_key.get(_key(name))
        if entity is not None:
            entity.mentions.append(mention)
            entity.mentions.sort(key=lambda m: m.start)
            return
        entity = Entity(id=f"e{number}", name=name, type="GPE", mentions=[mention])
        number += 1
        by_key[_key(name)] = entity
        added.append(entity)
        found_as[entity.id] = (via, organisation)

    for entity in entities:
        if entity.type not in ("ORG", "FAC"):
            continue
        for mention in entity.mentions:
            if getattr(mention, "kind", "name") != "name":
                continue
            for s, e in _inner_places(mention.text):
                start, end = mention.start + s, mention.start + e
                if not _covered(taken, start, end):
                    add(start, end, _POSSESSIVE.sub("", text[start:end]), "organisation", entity.id)
    for match in _DATELINE.finditer(text):
        start, end = match.span(1)
        name = text[start:end].title()
        if not _covered(taken, start, end) and gazetteer().lookup(name):
            add(start, end, name, "dateline", None)
    return entities + added, found_as
