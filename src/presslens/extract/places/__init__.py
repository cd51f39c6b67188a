"""Places: recognition of place mentions beyond spaCy's own, and offline geocoding.

Receives an article's entities and text; returns nothing, having added the place mentions
spaCy's entities miss (demonyms, places inside organisation names, datelines) and set
``geo`` on every entity naming a known place. ``gazetteer`` builds and caches the index of
GeoNames places, ``mentions`` finds the extra mentions, ``resolve`` picks each name's place.
"""

from __future__ import annotations

from presslens.extract.places.gazetteer import country_code, gazetteer, place_type
from presslens.extract.places.mentions import add_place_mentions, names_a_place
from presslens.extract.places.resolve import PLACE_ENTITY_TYPES, geocode_entities
from presslens.record import Entity, Source

__all__ = ["PLACE_ENTITY_TYPES", "country_code", "gazetteer", "geocode_entities", "locate_places", "names_a_place", "place_type"]


def locate_places(entities: list[Entity], text: str, source: Source | None = None) -> list[Entity]:
    """Return the entities with the extra place mentions added and every place geocoded.

    ``source`` (the article's address or outlet) lets the outlet's home count as context.
    """
    entities, found_as = add_place_mentions(entities, text)
    geocode_entities(entities, text, found_as, source)
    return entities
