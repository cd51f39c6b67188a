"""Event arguments: the actor, target and location of each mention, from the parse and the entities.

Receives a Mention, the entities by token and the sentence bounds; fills the mention's
actor, target and location entities and its arguments as written (``phrases``).
"""

from __future__ import annotations

from spacy.tokens import Token

from presslens.extract.events.mention import Mention, countrywide
from presslens.extract.events.phrases import (
    CROWD_TYPES,
    SUFFERED_TYPES,
    in_other_name,
    is_place,
    performing_verb,
    written_arguments,
    written_place,
)
from presslens.extract.events.syntax import limited_subtree, subject_of
from presslens.nlp import text_of
from presslens.record import Entity, EventArgument

PLACE_TYPES = {"GPE", "LOC", "FAC"}
ACTOR_TYPES = {"PERSON", "ORG", "GPE", "NORP"}


LOCATION_PREPS = {"in", "near", "at", "on", "outside", "around", "across", "inside", "into", "along",
                  "within", "off", "from", "over", "towards", "toward", "between", "through"}
TARGET_PREPS = {"on", "against", "at", "of", "targeting", "upon"}


def entity_of(token: Token | None, index: dict[int, Entity], types: set[str] | None = None) -> Entity | None:
    """Return the entity a noun phrase names: its head, else a name inside it."""
    if token is None:
        return None
    entity = index.get(token.i)
    if entity is not None and (types is None or entity.type in types):
        return entity
    for child in token.children:
        if child.dep_ in ("compound", "amod", "poss", "appos", "nmod"):
            entity = index.get(child.i)
            if entity is not None and (types is None or entity.type in types):
                return entity
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                entity = index.get(obj.i)
                if entity is not None and (types is None or entity.type in types):
                    return entity
    return None


def block_start(block_starts: list[int], offset: int) -> int:
    start = 0
    for candidate in block_starts:
        if candidate > offset:
            break
        start = candidate
    return start


def attach_arguments(mention: Mention, index: dict[int, Entity], sentences: list[tuple[int, int]],
                     paragraph_start: int) -> None:
    """Set the mention's actor, target and location entities, its arguments as written and the
    argument that places it. The location falls back on places the sentence, or the two before
    it in the same block (from `paragraph_start`), names; the arguments as written never do."""
    head = mention.head
    is_noun = head.pos_ in ("NOUN", "PROPN")
    actor = target = location = None
    subject = subject_of(head)
    kind = mention.rule.type
    if is_noun:
        of_target = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
        for child in head.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod") and actor is None:
                if child.dep_ == "poss" and kind in SUFFERED_TYPES and not of_target:
                    continue  # "Navalny's arrest": he was arrested
                actor = entity_of(child, index, ACTOR_TYPES)
                if actor is not None and kind in CROWD_TYPES and actor.type in PLACE_TYPES:
                    actor = None  # "Venezuela's protests" happened there
        if actor is None and performing_verb(head) is not None:
            actor = entity_of(subject, index, ACTOR_TYPES)
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.pos_ == "VERB":  # "Rockets hit Kharkiv"
            target = entity_of(next((c for c in head.head.children if c.dep_ == "dobj"), None), index)
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in TARGET_PREPS and target is None:
                target = entity_of(next((c for c in child.children if c.dep_ == "pobj"), None), index)
            if child.dep_ == "acl" and target is None:  # "decrees recognising Kherson"
                target = entity_of(next((c for c in child.children if c.dep_ == "dobj"), None), index)
    else:
        actor = entity_of(subject, index, ACTOR_TYPES)
        for child in head.children:
            if child.dep_ in ("dobj", "nsubjpass") and target is None:
                target = entity_of(child, index)
            if child.dep_ == "prep" and child.lower_ in ("on", "against", "at") and target is None:
                target = entity_of(next((c for c in child.children if c.dep_ == "pobj"), None), index)
    mention.actor, mention.target = actor, target
    mention.arguments = _as_written(mention, subject, index)
    # A verb's actor is what its clause says did it: none for a passive without "by" or a
    # bomb that exploded.
    if not is_noun and not any(a.role == "actor" for a in mention.arguments):
        actor = None
    # What the parse ties to the trigger speaks first: "the Kabul bombing" happened in Kabul,
    # and Kabul did not do it.
    written = {a.role: a for a in mention.arguments}
    for role in ("actor", "target"):
        if role in written and written[role].entity_id is not None:
            entity = next(e for e in index.values() if e.id == written[role].entity_id)
            actor, target = (entity, target) if role == "actor" else (actor, entity)
    if "location" in written and written["location"].entity_id is not None:
        location = next(e for e in index.values() if e.id == written["location"].entity_id)
        if actor is location:
            actor = None
    if location is None and is_place(target):
        location = target
    if location is None:
        location = _prepositional_place(head, index)
        if location is None and head.head != head and head.dep_ in ("nsubj", "nsubjpass", "dobj"):
            location = _prepositional_place(head.head, index)
    if location is None and countrywide(mention) and actor is not None and actor.type == "GPE" \
            and (actor.geo is None or actor.geo.feature == "country"):
        location = actor  # "Russia's mobilisation" happens in Russia; what "Moscow staged" need not
    if location is None:
        location = _nearest_place(head, index, sentences[mention.sentence], actor, countries=False)
    if location is None:
        # A bullet or paragraph often names the place once and then says "the plant".
        doc = head.doc
        for number in range(mention.sentence - 1, max(mention.sentence - 3, -1), -1):
            bounds = sentences[number]
            if doc[bounds[0]].idx < paragraph_start:
                break
            location = _nearest_place(doc[bounds[1] - 1], index, bounds, actor, countries=False)
            if location is not None:
                break
    if location is None:
        location = _nearest_place(head, index, sentences[mention.sentence], actor, countries=True)
    mention.actor = actor if actor is not location else None
    mention.target, mention.location = target, location
    mention.place_argument = _place_argument(mention)


def _as_written(mention: Mention, subject: Token | None, index: dict[int, Entity]) -> list[EventArgument]:
    """Return the mention's actor, target and location as the text writes them, each only
    where the parse ties it to the trigger."""
    doc = mention.head.doc
    found = []
    # A word of the trigger itself ("opened fire") is no participant of it.
    phrases = [p for p in written_arguments(mention.head, subject, mention.rule.type, index, mention.last)
               if not mention.first <= p[4] <= mention.last]
    for role, first, last, relation, head in phrases:
        found.append(_argument(doc, role, relation, _named(role, head, first, last, index), first, last))
    target = next((p for p in phrases if p[0] == "target"), None)
    place = written_place(mention.head, target, index)
    if place is not None:
        entity, first, last, relation = place
        found.append(_argument(doc, "location", relation, entity, first, last))
    return found


def _named(role: str, head: int, first: int, last: int, index: dict[int, Entity]) -> Entity | None:
    """Return the entity a phrase names: its head's, or for an actor the group or country it
    belongs to ("Taliban gunmen", "the IRA's brigade"); "Tzarnaev's backpack" names no target."""
    if head in index:
        return index[head]
    if role != "actor":
        return None
    return next((index[i] for i in range(first, last + 1) if i in index and index[i].type in ACTOR_TYPES), None)


def _argument(doc, role: str, relation: str, entity: Entity | None, first: int, last: int) -> EventArgument:
    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
    return EventArgument(role=role, relation=relation, entity_id=entity.id if entity else None,
                         start=start, end=end, text=text_of(doc)[start:end])


def _place_argument(mention: Mention) -> EventArgument | None:
    """Return the mention of the event's place nearest the trigger, however it was found:
    "nearby" when no preposition ties it to anything."""
    location = mention.location
    if location is None or not location.mentions:
        return None
    written = next((a for a in mention.arguments if a.role == "location" and a.entity_id == location.id), None)
    if written is not None:
        return written
    doc = mention.head.doc
    place = min(location.mentions, key=lambda m: abs(m.start - mention.head.idx))
    span = doc.char_span(place.start, place.end, alignment_mode="expand")
    token = span[0] if span and span[0].idx == place.start else None
    relation = token.head.lower_ if token is not None and token.dep_ == "pobj" else "nearby"
    return EventArgument(role="location", relation=relation, entity_id=location.id,
                         start=place.start, end=place.end, text=place.text)


def _prepositional_place(token: Token, index: dict[int, Entity]) -> Entity | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in LOCATION_PREPS:
            for inner in limited_subtree(child, 14):
                entity = index.get(inner.i)
                if is_place(entity) and not in_other_name(inner, index):
                    return entity
    return None


def _nearest_place(head: Token, index: dict[int, Entity], bounds: tuple[int, int], actor: Entity | None,
                   countries: bool) -> Entity | None:
    """Return the place named nearest the trigger within bounds; towns and regions only unless
    `countries`. A place that acts ("Moscow staged", "Italy will not recognise", "Ukraine's
    agency") is an actor, not where the event happened."""
    best, best_distance = None, None
    doc = head.doc
    for i in range(*bounds):
        entity = index.get(i)
        if not is_place(entity) or entity is actor:
            continue
        if doc[i].dep_ in ("nsubj", "nsubjpass", "poss") or doc[i].dep_ == "case" and doc[i].head.dep_ == "poss":
            continue
        if in_other_name(doc[i], index):  # "Texas Gov. Jane Roe said", "the Ohio State University"
            continue
        # Countries, seas and continents are too broad to place an incident.
        is_country = entity.geo is None or entity.geo.feature == "country" or entity.geo.country_code is None
        if is_country and not countries:
            continue
        distance = abs(i - head.i)
        if best_distance is None or distance < best_distance:
            best, best_distance = entity, distance
    return best
