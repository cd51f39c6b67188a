"""Event arguments as written: the phrase that fills an event's actor, target or location slot.

Receives an event trigger's head token and its subject (found by the events step); returns
(role, phrase start token, phrase end token, relation) for the actor and the target, read
from the dependency parse whether or not the phrase names an entity ("security forces
arrested protesters", "the blast killed two women"), and the place a preposition or a
modifier ties to the trigger ("clashes in Mosul", "the Kabul bombing"). The relation says
how the text ties the phrase to the trigger: subject, by (agent of a passive), possessor,
modifier, object, passive subject, participle, or the preposition ("attack on", "in").

Only the syntax decides: a phrase that is merely near the trigger is no argument here (the
events step may still place an event by its sentence, see ``arguments``). The subject of a
verb of undergoing ("three soldiers died") is its target, not its actor; the subject of a
verb that governs a nominal trigger is its actor only when the verb is one of performing it
("militants launched an attack", not "officials condemned the attack"). Both verb classes
are in ``lexicons/event-context.tsv``.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from presslens.extract.events.syntax import subject_of
from presslens.lexicons import load_table

TARGET_PREPS = {"on", "against", "at", "upon", "targeting"}
PHRASE_DEPS = {"det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "case"}
# Relative and dummy pronouns stand for nothing the reader can name.
EMPTY_PRONOUNS = {"it", "that", "which", "there", "this", "what"}
RELATIVE_PRONOUNS = {"who", "which", "that"}

SERIES = {"series", "wave", "spate", "string", "round", "number", "couple", "pair", "dozen", "handful"}
COUNTS = {"dozen", "hundred", "thousand", "million", "number", "group", "score", "handful", "couple",
          "pair", "lot", "crowd", "team", "unit", "band"}

# Word classes of event-context.tsv whose words are the means of an attack, not who made it
# ("the bomb exploded", "a drone struck"): such a subject is no actor.
INSTRUMENT_CLASSES = {"weapon", "explosive", "artillery", "air", "chemical"}
ACTOR_NAME_TYPES = {"NORP", "ORG", "PERSON"}
TIME_TYPES = {"DATE", "TIME"}
PLACE_TYPES = {"GPE", "LOC", "FAC"}
# Prepositions that say where something happened; "from", "towards" and "on" say where it
# came from, went or struck, which is no location of the event.
PLACE_PREPS = {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "within", "along",
               "off", "into", "over", "through"}
# Relations by which a trigger's target is also where the event happened ("shelled Kharkiv").
PLACE_TARGET_RELATIONS = {"object", "passive subject", "on", "at", "against", "of"}

Argument = tuple[str, int, int, str]


@cache
def _word_class(*names: str) -> frozenset[str]:
    return frozenset(word for cls, word in load_table("event-context.tsv") if cls in names)


def _instruments() -> frozenset[str]:
    return _word_class(*INSTRUMENT_CLASSES)


def written_arguments(head: Token, subject: Token | None) -> list[Argument]:
    """Return the actor and target phrases of a trigger: (role, first token, last token, relation)."""
    found: list[Argument] = []
    actor = _actor(head, subject)
    if actor is not None and actor[0].lemma_.lower() in _instruments():
        actor = None
    if actor is not None:
        found.append(("actor", *_phrase(actor[0]), actor[1]))
    target = _target(head)
    if target is not None and (actor is None or target[0] != actor[0]):
        found.append(("target", *_phrase(target[0]), target[1]))
    return found


def _undergoes(verb: Token) -> bool:
    """Return True for a verb whose subject is what the event befalls ("died", "sank")."""
    return verb.pos_ == "VERB" and not _word_class("undergo").isdisjoint(_verb_forms(verb))


def _performs(verb: Token) -> bool:
    """Return True for a verb whose subject carries out its nominal object ("launched an attack")."""
    return not _word_class("perform").isdisjoint(_verb_forms(verb))


def _verb_forms(verb: Token) -> set[str]:
    """Return the verb's lemma and its written form without a regular ending: the lemmatiser
    sometimes errs ("staged" -> "stag")."""
    word = verb.lower_
    forms = {verb.lemma_.lower(), word}
    for ending in ("ed", "d", "es", "s", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            forms.add(word[: -len(ending)])
    return forms


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
            # A name is written with a capital: "Russian strikes", not a mis-tagged "sham".
            if child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ACTOR_NAME_TYPES \
                    and child.text[:1].isupper():
                return child, "modifier"
        governor = performing_verb(head)
        if governor is not None:
            performer = subject if subject is not None and subject.head == governor else subject_of(governor)
            if performer is not None and performer.dep_ != "nsubjpass" and _fills(performer):
                return _antecedent(performer), f"subject of {governor.lower_}"
        return None
    for child in head.children:
        if child.dep_ == "agent":
            obj = _object_of(child)
            if obj is not None:
                return obj, "by"
    # A present participle on a noun: "gunmen killing civilians".
    if head.dep_ == "acl" and head.tag_ == "VBG" and _fills(head.head):
        return head.head, "participle"
    if _undergoes(head):
        return None
    if subject is not None and subject.dep_ != "nsubjpass" and _fills(subject):
        return _antecedent(subject), "subject"
    return None


def performing_verb(head: Token) -> Token | None:
    """Return the verb that governs a nominal trigger as what its subject did: the verb of its
    object ("launched an attack", "staged a series of referendums") or of "responsibility for" it ("claimed responsibility for
    the bombing")."""
    # "staged a series of referendums": a count of events stands for them as the object.
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in SERIES:
        head = head.head.head
    if head.dep_ == "dobj" and _performs(head.head):
        return head.head
    if head.dep_ == "pobj" and head.head.lower_ == "for" and head.head.head.dep_ == "dobj":
        owner = head.head.head
        if owner.lemma_.lower() == "responsibility" and owner.head.pos_ == "VERB":
            return owner.head
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
    # A past participle on a noun: "the soldiers killed in the attack".
    if head.dep_ == "acl" and head.tag_ == "VBN" and _fills(head.head):
        return head.head, "participle"
    if _undergoes(head):
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subject is not None and _fills(subject):
            return _antecedent(subject), "subject"
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


def written_place(head: Token, target: Argument | None, index: dict) -> tuple[object, int, int, str] | None:
    """Return the place the syntax ties to a trigger, as (entity or None for an unnamed place,
    first token, last token, relation): a place its target names ("shelled Kharkiv"), a place under one of its
    locative prepositions or those of the verb it is the subject or object of ("clashes
    in Mosul", "carried out an attack near Kabul"), else a town or region that modifies it
    ("the Kabul bombing"). `index` maps token indices to entities."""
    if target is not None and (target[3] in PLACE_TARGET_RELATIONS or target[3].startswith("object of")):
        for i in range(target[1], target[2] + 1):
            entity = index.get(i)
            if entity is not None and entity.type in PLACE_TYPES:
                return entity, *_mention_tokens(head.doc[i], entity, index), target[3]
    for governor in _clause_governors(head):
        for child in governor.children:
            if child.dep_ == "prep" and child.lower_ in PLACE_PREPS and child != head.head:
                found = _place_under(child, index)
                if found is not None:
                    return (*found, child.lower_)
    # The parse often hangs the place on the verb's object or agent ("arrested protesters in
    # Caracas", "arrested by police in Lagos"); a named place there places the event.
    if head.pos_ == "VERB":
        for child in head.children:
            participant = _object_of(child) if child.dep_ == "agent" else child if child.dep_ == "dobj" else None
            for prep in participant.children if participant is not None else ():
                if prep.dep_ == "prep" and prep.lower_ in PLACE_PREPS:
                    found = _place_under(prep, index)
                    if found is not None and found[0] is not None:
                        return (*found, prep.lower_)
    if head.pos_ in ("NOUN", "PROPN"):
        for child in head.lefts:
            entity = index.get(child.i)
            if child.dep_ in ("compound", "nmod", "amod") and entity is not None and _is_town(entity):
                return entity, *_mention_tokens(child, entity, index), "modifier"
    return None


def _clause_governors(head: Token) -> list[Token]:
    """Return the trigger and the verbs above it in its own clause: a place that modifies the
    clause ("a bomber blew himself up in Kabul, killing five"; "carried out an attack near
    Kabul"; "killed in an attack in Kabul") is where its events happened. The climb stops at
    reported speech, relative clauses and noun modifiers: where something was said, or the
    noun a clause describes, does not place the event."""
    governors = [head]
    node = head
    for _ in range(4):
        if node.dep_ in ("ccomp", "parataxis", "relcl", "acl", "ROOT") or node.head == node:
            break
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            governors.append(node)
    return governors


def _place_under(preposition: Token, index: dict) -> tuple[object, int, int] | None:
    """Return the place a prepositional phrase names: its object, a name compounded with it,
    the place of "the city of Mosul", or one in apposition ("a village, Tal Afar")."""
    obj = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    candidates = [obj]
    candidates += [c for c in obj.children if c.dep_ in ("compound", "appos")]
    if index.get(obj.i) is None and obj.pos_ == "NOUN":
        for child in obj.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                candidates += [c for c in child.children if c.dep_ == "pobj"]
    for token in candidates:
        entity = index.get(token.i)
        if entity is not None and entity.type in PLACE_TYPES:
            return entity, *_mention_tokens(token, entity, index)
    # An unnamed place: "at a checkpoint", "in the market".
    if index.get(obj.i) is None and obj.pos_ == "NOUN" and obj.lemma_.lower() in _word_class("place_noun"):
        return None, *_phrase(obj)
    return None


def _is_town(entity) -> bool:
    """Return True for a place smaller than a country: as a modifier a country is as often
    the actor ("a US strike") as the place."""
    geo = entity.geo
    return geo is not None and geo.feature != "country" and geo.country_code is not None


def _mention_tokens(token: Token, entity, index: dict) -> tuple[int, int]:
    """Return the first and last token of the entity's mention that holds the token."""
    first = last = token.i
    while first > 0 and index.get(first - 1) is entity:
        first -= 1
    while last + 1 < len(token.doc) and index.get(last + 1) is entity:
        last += 1
    return first, last
