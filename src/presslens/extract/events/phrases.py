"""Event arguments as written: the phrase that fills an event's actor or target slot.

Receives an event trigger's head token and its subject (found by the events step); returns
(role, phrase start token, phrase end token, relation) for the actor and the target, read
from the dependency parse whether or not the phrase names an entity ("security forces
arrested protesters", "the blast killed two women"). The relation says how the text ties the
phrase to the trigger: subject, by (agent of a passive), possessor, modifier, object,
passive subject, or the preposition ("attack on", "strike against").
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from presslens.lexicons import load_table

TARGET_PREPS = {"on", "against", "at", "upon", "targeting"}
PHRASE_DEPS = {"det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "case"}
# Relative and dummy pronouns stand for nothing the reader can name.
EMPTY_PRONOUNS = {"it", "that", "which", "there", "this", "what"}
RELATIVE_PRONOUNS = {"who", "which", "that"}

COUNTS = {"dozen", "hundred", "thousand", "million", "number", "group", "score", "handful", "couple",
          "pair", "lot", "crowd", "team", "unit", "band"}

# Word classes of event-context.tsv whose words are the means of an attack, not who made it
# ("the bomb exploded", "a drone struck"): such a subject is no actor.
INSTRUMENT_CLASSES = {"weapon", "explosive", "artillery", "air", "chemical"}
ACTOR_NAME_TYPES = {"NORP", "ORG", "PERSON"}
TIME_TYPES = {"DATE", "TIME"}

Argument = tuple[str, int, int, str]


@cache
def _instruments() -> frozenset[str]:
    return frozenset(word for cls, word in load_table("event-context.tsv") if cls in INSTRUMENT_CLASSES)


def written_arguments(head: Token, subject: Token | None) -> list[Argument]:
    """Return the actor and target phrases of a trigger: (role, first token, last token, relation)."""
    found: list[Argument] = []
    actor = _actor(head, subject)
    if actor is not None and actor[0].lemma_.lower() in _instruments():
        actor = None
    if actor is not None:
        found.append(("actor", *_phrase(actor[0]), actor[1]))
    target = _target(head)
    if target is not None and (actor is None or target[0] is not actor[0]):
        found.append(("target", *_phrase(target[0]), target[1]))
    return found


def _actor(head: Token, subject: Token | None) -> tuple[Token, str] | None:
    if head.pos_ in ("NOUN", "PROPN"):
        for child in head.children:
            if child.dep_ == "poss" and _fills(child):
                return child, "possessor"
            if child.dep_ == "prep" and child.lower_ == "by":
                obj = _object_of(child)
                if obj is not None:
                    return obj, "by"
        for child in head.children:
            if child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ACTOR_NAME_TYPES:
                return child, "modifier"
        if head.dep_ == "dobj" and subject is not None and _fills(subject):
            return _antecedent(subject), "subject"
        return None
    for child in head.children:
        if child.dep_ == "agent":
            obj = _object_of(child)
            if obj is not None:
                return obj, "by"
    if subject is not None and subject.dep_ != "nsubjpass" and _fills(subject):
        return _antecedent(subject), "subject"
    return None


def _target(head: Token) -> tuple[Token, str] | None:
    if head.pos_ in ("NOUN", "PROPN"):
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in TARGET_PREPS | {"of"}:
                obj = _object_of(child)
                if obj is not None:
                    return obj, child.lower_
        governor = head.head
        if head.dep_ in ("nsubj",) and governor.pos_ == "VERB":  # "the blast killed two women"
            obj = next((c for c in governor.children if c.dep_ == "dobj"), None)
            if obj is not None and _fills(obj):
                return obj, f"object of {governor.lower_}"
        if head.dep_ == "pobj" and governor.lower_ in ("in", "during", "by") and governor.head.pos_ == "VERB":
            verb = governor.head  # "two women were killed in the blast"
            passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            if passive is not None and _fills(passive):
                return _antecedent(passive), f"passive subject of {verb.lower_}"
        return None
    for child in head.children:
        if child.dep_ == "dobj" and _fills(child):
            return child, "object"
        if child.dep_ == "nsubjpass" and _fills(child):
            return _antecedent(child), "passive subject"
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
            obj = _object_of(child)
            if obj is not None:
                return obj, child.lower_
    return None


def _object_of(preposition: Token) -> Token | None:
    obj = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    return obj if obj is not None and _fills(obj) else None


def _fills(token: Token) -> bool:
    """Return True when a token can stand for a participant: a noun, a name or a pronoun
    that refers to someone, not a date ("Saturday's attack")."""
    if token.ent_type_ in TIME_TYPES:
        return False
    if token.pos_ == "PRON":
        return token.lower_ not in EMPTY_PRONOUNS or token.lower_ in RELATIVE_PRONOUNS
    return token.pos_ in ("NOUN", "PROPN", "NUM")


def _antecedent(token: Token) -> Token:
    """Return the noun a relative pronoun stands for ("militants who attacked"), else the token."""
    if token.lower_ in RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
        return token.head.head
    return token


def _phrase(token: Token) -> tuple[int, int]:
    """Return the first and last token of the noun phrase a head token heads, without its
    clauses and prepositional phrases."""
    first = token.i
    for child in token.lefts:
        if child.dep_ in PHRASE_DEPS:
            first = min(first, child.left_edge.i)
    last = token.i
    for child in token.rights:
        if child.dep_ in ("compound", "nummod", "case") and child.i == last + 1:
            last = child.i
        # A count names its members: "dozens of protesters", "a group of soldiers".
        if child.dep_ == "prep" and child.lower_ == "of" and (token.pos_ == "NUM" or token.lemma_.lower() in COUNTS):
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                last = obj.i
    return first, last
