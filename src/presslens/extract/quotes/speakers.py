"""Speaker resolution: the entity a quote's source refers to.

Receives a source's head token, the article's entities and the speakers seen so far; returns
the source as written and its entity, or None with "unresolved": the entity mentioned there,
else for a pronoun the previous speaker or person, else for a nominal the entity whose name or
title holds its head noun.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from presslens.extract.quotes.clauses import RELATIVE_PRONOUNS, grammatical_subject
from presslens.record import Entity

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "it", "we", "them"}
PRONOUN_REACH = 3  # paragraphs back in which a pronoun's antecedent is looked for


@dataclass
class Said:
    position: int
    block: int
    entity: Entity | None
    person: bool


def source_tokens(source: Token, cue: Token | None = None, bounds: tuple[int, int] | None = None) -> list[Token]:
    """Return the tokens of a source phrase as written, within its paragraph, without edge
    punctuation."""
    tokens = list(source.subtree)
    if bounds is not None:
        tokens = [t for t in tokens if bounds[0] <= t.i < bounds[1]]
    if cue is not None and source.i > cue.i:
        tokens = [t for t in tokens if t.i > cue.i]  # "‘…,’ tweeted spokesman Jo Doe"
    if cue is not None and source.i < cue.i:
        tokens = [t for t in tokens if t.i < cue.i]
        # a subject that is not the parser's ("..., the secretary-general said") starts
        # after the last comma before it
        commas = [t.i for t in tokens if t.text == "," and t.i < source.i]
        if commas and source.head != cue and grammatical_subject(cue) != source:
            tokens = [t for t in tokens if t.i > commas[-1]]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    return tokens


def resolve_speaker(source: Token, index: dict[int, Entity], entities: list[Entity],
                    history: list[Said], block: int) -> tuple[Entity | None, str]:
    """Return the entity a source refers to (or None) and how it was found: "named",
    "resolved" or "unresolved"."""
    if source.lower_ in RELATIVE_PRONOUNS and source.head.dep_ == "relcl":
        source = source.head.head  # "officials who said": the officials
    entity = _entity_at(source, index)
    if entity is not None:
        return entity, "named" if source.pos_ == "PROPN" else "resolved"
    lowered = source.lower_
    if lowered in PERSON_PRONOUNS:
        return _antecedent(history, entities, source.idx, block, person=True, index=index), "resolved"
    if lowered in GROUP_PRONOUNS:
        return _antecedent(history, entities, source.idx, block, person=False, index=index), "resolved"
    if source.pos_ == "NOUN" and any(c.lower_ in ("the", "this", "that") for c in source.children):
        entity = _nominal_referent(source, entities)
        if entity is not None:
            return entity, "resolved"
    return None, "unresolved"


def _entity_at(head: Token, index: dict[int, Entity]) -> Entity | None:
    if head.i in index:
        return index[head.i]
    for child in head.children:
        if child.dep_ in ("appos", "compound") and child.i in index:
            return index[child.i]  # "the agency, Energoatom"
    return None


def _antecedent(history: list[Said], entities: list[Entity], position: int, block: int,
                person: bool, index: dict[int, Entity]) -> Entity | None:
    """Return the previous speaker of the right sort nearby, else the last person named."""
    for said in reversed(history):
        if said.position >= position:
            continue
        if block - said.block > PRONOUN_REACH:
            break
        if said.person == person and (said.entity is not None or not person):
            return said.entity
    if not person:
        return None
    best: tuple[int, Entity] | None = None
    for entity in entities:
        if entity.type != "PERSON":
            continue
        for mention in entity.mentions:
            if mention.start < position and (best is None or mention.start > best[0]):
                best = (mention.start, entity)
    return best[1] if best else None


def _nominal_referent(head: Token, entities: list[Entity]) -> Entity | None:
    """Return the entity named before whose name or title holds a nominal's head noun
    ("the institute" -> Institute for the Study of War, "the minister" -> a minister)."""
    word = head.lower_
    best: tuple[int, Entity] | None = None
    for entity in entities:
        words = set(re.split(r"[\s\-]+", entity.name.casefold()))
        for title in entity.titles:
            words.update(re.split(r"[\s\-]+", title.casefold()))
        if word not in words:
            continue
        earlier = [m.start for m in entity.mentions if m.start < head.idx]
        if earlier and (best is None or max(earlier) > best[0]):
            best = (max(earlier), entity)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------
# The extractor
