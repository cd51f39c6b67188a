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
("militants launched an attack", not "officials condemned the attack"). A passive trigger
takes its actor only from "by" ("five were killed" names no killer); the object of a verb
of setting off ("detonated two bombs") and the subject of its intransitive use ("the bomb
exploded") are the device, neither actor nor target; a possessor of an event suffered
("his arrest", "her abduction") is its target; both sides of "a clash between police and
protesters" are its actor; the trigger's own words ("opened fire") fill no role. A place is
never an occasion named after one ("the Berlin Marathon"), a place inside another name or a
person's title ("the Ohio State University", "Texas Gov."), nor the setting of a clause the
trigger only modifies a noun of ("the cordon around the blast site"). Where unsure, a role
is left empty. The verb classes and the occasion words are in ``lexicons/event-context.tsv``.
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from presslens.extract.events.lexicon import trigger_rules
from presslens.extract.events.syntax import subject_of
from presslens.lexicons import load_list, load_table

TARGET_PREPS = {"on", "against", "at", "upon", "targeting"}
# "An attack at the cafe" says where; "fired at the crowd" says at whom.
NOUN_TARGET_PREPS = TARGET_PREPS - {"at"}
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
# Word classes of event-context.tsv whose words name people and groups.
PARTICIPANT_CLASSES = ("armed", "nonstate", "person", "crowd")
TIME_TYPES = {"DATE", "TIME"}
PLACE_TYPES = {"GPE", "LOC", "FAC"}
# Event types whose possessor underwent them ("his arrest", "the judge's murder"): the
# possessor is the target unless an "of" phrase names the target ("the IRA's bombing of the city").
SUFFERED_TYPES = {"arrest", "abduction", "release", "execution", "assassination", "killing", "torture",
                  "beating", "stabbing", "sexual_violence", "expulsion"}
# Event types no one carries out.
AGENTLESS_TYPES = {"natural_disaster"}
# Event types carried out by crowds or happening to places: a place that owns one
# ("Venezuela's protests") is where it happened, not who did it.
CROWD_TYPES = {"protest", "protest_intervened", "protest_crackdown", "violent_protest", "mob_violence",
               "natural_disaster", "disaster"}
# Prepositions by which an event dates or explains another ("after the bombing").
TIME_PREPS = {"after", "before", "since", "following", "until", "despite", "amid", "over"}
NEGATIVE_WORDS = {"no", "nobody", "none", "neither", "nor"}
# Prepositions that say where something happened; "from", "towards" and "on" say where it
# came from, went or struck, which is no location of the event.
PLACE_PREPS = {"in", "at", "near", "outside", "inside", "around", "across", "throughout", "within", "along",
               "off", "into", "over", "through"}
# Relations by which a trigger's target is also where the event happened ("shelled Kharkiv").
PLACE_TARGET_RELATIONS = {"object", "passive subject", "on", "at", "against", "of"}

Argument = tuple[str, int, int, str, int]


@cache
def _word_class(*names: str) -> frozenset[str]:
    return frozenset(word for cls, word in load_table("event-context.tsv") if cls in names)


def _instruments() -> frozenset[str]:
    return _word_class(*INSTRUMENT_CLASSES)


def written_arguments(head: Token, subject: Token | None, kind: str = "", index: dict | None = None,
                      last: int | None = None) -> list[Argument]:
    """Return the actor and target phrases of a trigger of event type `kind`: (role, first
    token, last token, relation, head token). `index` maps token indices to entities; `last`
    is the trigger's last token, whose words ("opened fire") fill no role."""
    index = index or {}
    found: list[Argument] = []
    actor = None if kind in AGENTLESS_TYPES else _actor(head, subject, kind, index)
    if actor is not None and _is_instrument(actor[0]):
        actor = None
    if actor is not None:
        start, end = _phrase(actor[0])
        if actor[1] == "between":  # both sides: "a battle between troops and rebels"
            end = max(end, *(_phrase(c)[1] for c in actor[0].conjuncts))
        found.append(("actor", start, end, actor[1], actor[0].i))
    target = None if kind in AGENTLESS_TYPES else _target(head, kind, head.i if last is None else last)
    if target is not None and (actor is None or target[0] != actor[0]):
        found.append(("target", *_phrase(target[0]), target[1], target[0].i))
    return found


def _is_instrument(token: Token) -> bool:
    """Return True for a weapon or vehicle of attack ("the bomb", "a drone"); a suicide bomber
    is a person."""
    if token.lemma_.lower() not in _instruments():
        return False
    return not any(c.dep_ in ("compound", "amod") and c.lemma_.lower() in _word_class("suicide")
                   for c in token.children)


def _is_passive(verb: Token) -> bool:
    """Return True for a passive verb, or a participle in a row of passive ones ("were
    mutilated, injured and scarred")."""
    node = verb
    for _ in range(4):
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in node.children):
            return True
        if node.dep_ != "conj" or node.tag_ != "VBN" or node.head == node:
            return False
        node = node.head
    return False


def _passive_subject(verb: Token) -> Token | None:
    """Return the passive subject of a verb or of the first of the passive participles it is coordinated with."""
    node = verb
    for _ in range(4):
        subject = next((c for c in node.children if c.dep_ == "nsubjpass"), None)
        if subject is not None:
            return subject
        if node.dep_ != "conj" or node.tag_ != "VBN" or node.head == node:
            return None
        node = node.head
    return None


def _negative(token: Token) -> bool:
    """Return True for a phrase that names no one ("no group", "nobody")."""
    return token.lower_ in NEGATIVE_WORDS or any(c.dep_ == "det" and c.lower_ in NEGATIVE_WORDS
                                                 for c in token.children)


def _sets_off(verb: Token) -> bool:
    """Return True for a verb whose object, or intransitive subject, is a device ("detonated
    two bombs", "the bomb exploded")."""
    return verb.pos_ == "VERB" and not _word_class("device_verb").isdisjoint(_verb_forms(verb))


def _harms(verb: Token) -> bool:
    """Return True for a verb whose object is whom an event harmed ("the blast killed two women")."""
    return verb.pos_ == "VERB" and not _word_class("harm").isdisjoint(_verb_forms(verb))


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


def _actor(head: Token, subject: Token | None, kind: str, index: dict) -> tuple[Token, str] | None:
    if head.pos_ in ("NOUN", "PROPN"):
        of_target = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
        for child in head.children:
            if child.dep_ == "poss" and _fills(child) and (kind not in SUFFERED_TYPES or of_target) \
                    and not (kind in CROWD_TYPES and _names_place(child, index)):
                return child, "possessor"
            if child.dep_ == "prep" and child.lower_ == "by":
                obj = _object_of(child)
                if obj is not None:
                    return obj, "by"
            # "clashes between police and protesters": the sides fought it, both of them.
            if child.dep_ == "prep" and child.lower_ == "between":
                obj = _object_of(child)
                if obj is not None and obj.conjuncts and not _negative(obj):
                    return obj, "between"
        for child in head.children:
            # A name is written with a capital: "Russian strikes", not a mis-tagged "sham"; a
            # place or an occasion that names an attack ("the Manchester bombing") did not make it.
            if child.dep_ in ("compound", "amod", "nmod") and child.ent_type_ in ACTOR_NAME_TYPES \
                    and child.text[:1].isupper() and not _names_place(child, index):
                return child, "modifier"
        # "attacks carried out by militants", "a bombing claimed by the group".
        for child in head.children:
            if child.dep_ == "acl" and child.tag_ == "VBN" and _performs(child):
                agent = next((c for c in child.children if c.dep_ == "agent"), None)
                obj = _object_of(agent) if agent is not None else None
                if obj is not None and not _negative(obj):
                    return obj, f"by, {child.lower_}"
        # "launched a bombing campaign", "involved in the assassination attempt": the noun the
        # trigger modifies stands in the clause for it.
        position = head.head if head.dep_ == "compound" and head.head.pos_ == "NOUN" else head
        governor = performing_verb(position)
        if governor is not None:
            performer = subject if subject is not None and subject.head == governor else subject_of(governor)
            if performer is not None and performer.dep_ != "nsubjpass" and _fills(performer) \
                    and not _negative(performer):
                return _antecedent(performer), f"subject of {governor.lower_}"
            # "the group's decision to carry out the attacks"
            owner = governor.head if governor.dep_ in ("acl", "xcomp") else None
            if performer is None and owner is not None and owner.pos_ == "NOUN":
                possessor = next((c for c in owner.children if c.dep_ == "poss"), None)
                if possessor is not None and _fills(possessor):
                    return possessor, f"possessor of {owner.lower_}"
        joiner = _joined(position)
        if joiner is not None:
            performer = next((c for c in joiner.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if performer is not None and _fills(performer) and not _negative(performer):
                return _antecedent(performer), f"subject of {joiner.lower_}"
        return None
    for child in head.children:
        if child.dep_ == "agent":
            obj = _object_of(child)
            if obj is not None and not _negative(obj):
                return obj, "by"
    cause = misplaced_harm(head)
    if cause is not None:  # "detectives hunt a man whose bomb exploded, wounding nine": not the detectives
        return _actor(cause, subject_of(cause), kind, index)
    # A present participle on a noun: "gunmen killing civilians".
    if head.dep_ == "acl" and head.tag_ == "VBG" and _fills(head.head):
        return head.head, "participle"
    if head.pos_ == "ADJ":  # "shot dead by police"
        agent = next((c for c in head.head.children if c.dep_ == "agent"), None) if head.dep_ != "ROOT" else None
        obj = _object_of(agent) if agent is not None else None
        return (obj, "by") if obj is not None and not _negative(obj) else None
    # A passive without "by" names no doer; nor does "the bomb exploded".
    if _undergoes(head) or _is_passive(head) or head.tag_ == "VBN" and head.dep_ in ("acl", "amod"):
        return None
    if _sets_off(head) and not any(c.dep_ == "dobj" for c in head.children):
        return None
    if subject is None or subject.dep_ == "nsubjpass" or not _fills(subject) or _negative(subject):
        return None
    # "the attack, which killed three", "the bomb exploded, killing five": an event or a
    # thing caused it, and no one is named.
    if subject.lower_ == "which" or _is_event_word(subject):
        return None
    verb = subject.head
    if verb != head and (_sets_off(verb) or _undergoes(verb) or _is_passive(verb)):
        return None
    return _antecedent(subject), "subject"


def _is_event_word(token: Token) -> bool:
    """Return True for a noun that names an event ("the attack", "an explosion"), not one of
    its participants ("gunmen", also a trigger)."""
    lemma = token.lemma_.lower()
    if token.pos_ not in ("NOUN", "PROPN") or lemma in _word_class(*PARTICIPANT_CLASSES):
        return False
    return lemma in trigger_rules() or token.lower_ in trigger_rules()


def _joined(head: Token) -> Token | None:
    """Return the verb by which its subject takes part in a nominal event ("took part in the
    protests", "were involved in the attack")."""
    if head.dep_ != "pobj" or head.head.lower_ != "in":
        return None
    verb = head.head.head
    if verb.lemma_.lower() == "part" and verb.head.lemma_.lower() == "take":
        return verb.head
    if verb.lemma_.lower() == "take" and any(c.dep_ == "dobj" and c.lower_ == "part" for c in verb.children):
        return verb
    if verb.pos_ in ("VERB", "ADJ") and verb.lemma_.lower() in _word_class("take_part"):
        return verb
    return None


def _names_place(token: Token, index: dict) -> bool:
    """Return True when the token names a place, or an occasion (a race, a festival) rather than a doer."""
    entity = index.get(token.i)
    return entity is not None and entity.type in PLACE_TYPES | {"EVENT"} or token.ent_type_ in ("EVENT", "FAC")


def performing_verb(head: Token) -> Token | None:
    """Return the verb that governs a nominal trigger as what its subject did: the verb of its
    object ("launched an attack", "staged a series of referendums") or of "responsibility for" it ("claimed responsibility for
    the bombing")."""
    # "staged a series of referendums": a count of events stands for them as the object.
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in SERIES:
        head = head.head.head
    # "called the explosion an attack" names the event; it does not carry it out.
    if head.dep_ == "dobj" and _performs(head.head) and not any(
            c.dep_ in ("oprd", "ccomp", "xcomp") for c in head.head.children):
        return head.head
    if head.dep_ == "pobj" and head.head.lower_ == "for" and head.head.head.dep_ == "dobj":
        owner = head.head.head
        if owner.lemma_.lower() == "responsibility" and owner.head.pos_ == "VERB":
            return owner.head
    return None


def _target(head: Token, kind: str = "", last: int = -1) -> tuple[Token, str] | None:
    if head.pos_ in ("NOUN", "PROPN"):
        # "blamed the attack on the far right": the "on" is the blaming's.
        blamed = head.dep_ == "dobj" and head.head.lemma_.lower() == "blame"
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in NOUN_TARGET_PREPS | {"of"} and not (
                    blamed and child.lower_ == "on"):
                obj = _object_of(child)
                if obj is not None:
                    return obj, child.lower_
        if kind in SUFFERED_TYPES:  # "his arrest": he was arrested
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            if owner is not None and _fills(owner):
                return owner, "possessor"
        for child in head.children:  # "bombings targeted at the army", "attacks aimed at civilians"
            if child.dep_ in ("acl", "relcl"):
                for verb in (child, *(c for c in child.children if c.dep_ == "xcomp")):
                    if verb.lemma_.lower() in _word_class("aim"):
                        for prep in verb.children:
                            if prep.dep_ == "prep" and prep.lower_ in ("at", "against", "on"):
                                obj = _object_of(prep)
                                if obj is not None:
                                    return obj, f"{verb.lower_} {prep.lower_}"
        if kind in AGENTLESS_TYPES:
            return None
        governor = head.head
        # "the blast killed two women"; what else a subject did ("the bombing prompted talks") is no target.
        if head.dep_ in ("nsubj",) and _harms(governor):
            obj = next((c for c in governor.children if c.dep_ == "dobj"), None)
            if obj is not None and _fills(obj):
                return obj, f"object of {governor.lower_}"
        if head.dep_ == "pobj" and governor.lower_ in ("in", "during", "by") and _harms(governor.head):
            verb = governor.head  # "two women were killed in the blast"
            passive = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            if passive is not None and _fills(passive):
                return _antecedent(passive), f"passive subject of {verb.lower_}"
        return None
    # A past participle on a noun: "the soldiers killed in the attack".
    if head.dep_ == "acl" and head.tag_ == "VBN" and _fills(head.head):
        return None if _sets_off(head) else (head.head, "participle")
    # "nine people were dead", "a man was shot dead": the subject of the verb.
    if head.pos_ == "ADJ" and head.dep_ in ("acomp", "oprd", "xcomp"):
        subject = next((c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return (_antecedent(subject), "subject") if subject is not None and _fills(subject) else None
    if _undergoes(head):
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        if subject is not None and _fills(subject):
            return _antecedent(subject), "subject"
    if _sets_off(head):  # what was detonated is the device
        return None
    for child in head.children:
        # "blew himself up": the bomber, who is its actor.
        if child.dep_ == "dobj" and _fills(child) and not child.lower_.endswith(("self", "selves")) \
                and not head.i < child.i <= last:
            return child, "object"
        if child.dep_ == "nsubjpass" and _fills(child):
            return _antecedent(child), "passive subject"
    passive = _passive_subject(head) if head.dep_ == "conj" else None
    if passive is not None and _fills(passive):
        return _antecedent(passive), "passive subject"
    # "opened fire on the crowd": the preposition may hang on the trigger's own noun.
    own = [t for t in head.doc[head.i + 1:last + 1] if t.head == head]
    for child in (*head.children, *(c for t in own for c in t.children)):
        if child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
            obj = _object_of(child)
            # "fired at the crowd" says at whom; "blew himself up at a checkpoint" says where.
            if obj is not None and not (child.lower_ == "at" and _is_place_word(obj)):
                return obj, child.lower_
    return None


def is_place(entity) -> bool:
    """Return True for an entity that names a place: a town, a region, a building, not an
    occasion named after one ("the Berlin Marathon", typed a facility)."""
    if entity is None or entity.type not in PLACE_TYPES:
        return False
    words = entity.name.lower().split()
    return not words or words[-1] not in _word_class("occasion")


# Names a place's word may be part of ("the Ohio State University", "the Kabul Times").
OTHER_NAME_TYPES = {"ORG", "PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"}


@cache
def _titles() -> frozenset[str]:
    return frozenset(load_list("titles.txt")) | {short.rstrip(".") for short, _ in load_table("title-abbreviations.tsv")}


def in_other_name(token: Token, index: dict) -> bool:
    """Return True for a place's word that is part of another name or describes a person
    ("Ohio" in "the Ohio State University library", "Texas" in "Texas Gov. Jane Roe"): it
    says nothing of where an event happened. A place the parser alone calls an organisation
    ("the city of Lyon") is still a place. `index` maps token indices to entities."""
    if token.ent_type_ in OTHER_NAME_TYPES:
        name = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        first, last = _mention_tokens(token, index.get(token.i), index)
        if name is not None and (name.start < first or name.end > last + 1):
            return True
    node = token
    for _ in range(4):
        if node.dep_ != "compound" or node.head == node:
            return False
        node = node.head
        if node.ent_type_ == "PERSON" or node.lower_.rstrip(".") in _titles():
            return True
    return False


def _is_place_word(token: Token) -> bool:
    """Return True for a place's name or a noun of a place ("a checkpoint")."""
    return token.ent_type_ in ("GPE", "LOC", "FAC") or token.lemma_.lower() in _word_class("place_noun")


def _object_of(preposition: Token) -> Token | None:
    obj = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    return obj if obj is not None and _fills(obj) else None


def _fills(token: Token) -> bool:
    """Return True when a token can stand for a participant: a noun, a name or a pronoun
    that refers to someone, not a date ("Saturday's attack")."""
    if token.ent_type_ in TIME_TYPES or not any(c.isalnum() for c in token.text):
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
        if child.dep_ == "amod" and token.pos_ == "NUM" and child.i == last + 1:  # "130 more"
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
    # "attacked the camp in Helmand": the locative phrase says where, the object what was hit.
    for governor in _clause_governors(head):
        for child in governor.children:
            if child.dep_ == "prep" and _locative(child) and child != head.head:
                found = _place_under(child, index)
                if found is not None:
                    return (*found, child.lower_)
            # "On 21 December in Bagram, a bomber blew himself up": the place goes with the date.
            if child.dep_ == "prep" and child.lower_ in ("on", "in"):
                date = next((c for c in child.children if c.dep_ == "pobj" and c.ent_type_ == "DATE"), None)
                for prep in date.children if date is not None else ():
                    if prep.dep_ == "prep" and prep.lower_ in PLACE_PREPS:
                        found = _place_under(prep, index)
                        if found is not None and (found[0] is not None or head.doc[found[2]].pos_ == "PROPN"):
                            return (*found, prep.lower_)
    place_target = target is not None and (
        target[3] in PLACE_TARGET_RELATIONS or target[3].startswith(("object of", "passive subject")))
    if place_target:
        for i in range(target[1], target[2] + 1):
            entity = index.get(i)
            if is_place(entity) and not in_other_name(head.doc[i], index):
                return entity, *_mention_tokens(head.doc[i], entity, index), target[3]
    # "an attack on the market in Strasbourg", "targeted a bakery on Victor Hugo Street": a
    # named place that the target is in.
    if target is not None:
        for prep in head.doc[target[4]].children:
            if prep.dep_ == "prep" and (prep.lower_ in ("in", "near", "outside") or _locative(prep)):
                found = _place_under(prep, index)
                if found is not None:
                    return (*found, prep.lower_)
    # "a battle between troops and rebels in the market area": a place that one of the
    # trigger's own phrases is in.
    if head.pos_ in ("NOUN", "PROPN"):
        for prep in head.children:
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep.dep_ == "prep" else None
            for member in (obj, *obj.conjuncts) if obj is not None else ():
                for inner in member.children:
                    if inner.dep_ == "prep" and inner.lower_ in ("in", "near", "outside"):
                        found = _place_under(inner, index)
                        if found is not None:
                            return (*found, inner.lower_)
    if place_target:
        # "the bombing of the city", "shelled the village": an unnamed place hit is where it happened.
        noun = head.doc[target[4]]
        if noun.pos_ == "NOUN" and noun.lemma_.lower() in _word_class("place_noun") and noun.i not in index:
            return None, target[1], target[2], target[3]
    # "the station, where six people were killed": the place the clause describes.
    for governor in _clause_governors(head):
        if governor.dep_ == "relcl" and any(c.lower_ == "where" and c.dep_ == "advmod" for c in governor.children):
            place = governor.head
            if place.pos_ in ("NOUN", "PROPN"):
                entity = index.get(place.i)
                if is_place(entity):
                    return entity, *_mention_tokens(place, entity, index), "where"
                if entity is None and place.lemma_.lower() in _word_class("place_noun"):
                    return None, *_phrase(place), "where"
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


def _locative(preposition: Token) -> bool:
    """Return True for a preposition that says where: "in", "at", "near"...; "on" only with a
    street, a road or a border ("on a busy street"), since "an attack on X" says what was hit."""
    if preposition.lower_ in PLACE_PREPS:
        return True
    if preposition.lower_ != "on":
        return False
    obj = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    return obj is not None and obj.lemma_.lower() in _word_class("surface_place")


def _clause_governors(head: Token) -> list[Token]:
    """Return the trigger and the verbs above it in its own clause: a place that modifies the
    clause ("a bomber blew himself up in Kabul, killing five"; "carried out an attack near
    Kabul"; "killed in an attack in Kabul") is where its events happened. The climb stops at
    reported speech, relative clauses and noun modifiers: where something was said, or the
    noun a clause describes, does not place the event."""
    governors = [head]
    # "exploded, wounding 13 people on a street": the harm it did, where it did it.
    governors += [c for c in head.children if c.dep_ == "advcl" and c.tag_ == "VBG" and _harms(c)]
    following = _following_harm(head)
    if following is not None:
        governors.append(following)
    node = head
    for _ in range(4):
        if node.dep_ in ("ccomp", "parataxis", "relcl", "acl", "ROOT") or node.head == node:
            break
        # "removed the cordon around the explosion area": a trigger that modifies another noun
        # names what that noun is about; the clause is about the noun.
        if node.dep_ in ("compound", "amod", "nmod", "poss"):
            break
        # "patrols were seen on the streets hours after the bombing": an event that dates
        # another is not where that one happened.
        if node.dep_ == "pobj" and node.head.lower_ in TIME_PREPS:
            break
        # A clause of its own ("remained in prison as they were charged with the murder"): its
        # setting is another event's.
        if node.dep_ == "advcl" and any(c.dep_ in ("mark", "nsubj", "nsubjpass") for c in node.children):
            break
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            governors.append(node)
    return governors


def _following_harm(head: Token) -> Token | None:
    """Return the harm participle that follows a verb trigger inside a relative clause but that
    the parse hangs on the main verb ("detectives hunt a man who left a bomb that exploded,
    wounding nine people"): the wounding is the explosion's, whatever the main verb is."""
    if head.pos_ != "VERB" or head.dep_ != "relcl":
        return None
    after = head.right_edge.i + 1
    doc = head.doc
    if after + 1 >= len(doc) or doc[after].text != ",":
        return None
    participle = doc[after + 1]
    if participle.dep_ == "advcl" and participle.tag_ == "VBG" and _harms(participle) \
            and participle.head in head.ancestors and not _is_event_verb(participle.head):
        return participle
    return None


def misplaced_harm(participle: Token) -> Token | None:
    """Return the verb trigger a harm participle follows when the parse hangs the participle
    on a main verb that names no event (see ``_following_harm``), else None."""
    if participle.dep_ != "advcl" or participle.tag_ != "VBG" or participle.i < 2:
        return None
    doc = participle.doc
    if doc[participle.i - 1].text != ",":
        return None
    before = doc[participle.i - 2]
    for token in (before, *before.ancestors):
        if token.pos_ == "VERB" and token.dep_ == "relcl" and _following_harm(token) == participle \
                and _is_event_verb(token):
            return token
        if token == participle.head:
            break
    return None


def _is_event_verb(token: Token) -> bool:
    """Return True for a verb the trigger lexicon lists ("exploded", "attacked")."""
    return token.pos_ == "VERB" and (token.lemma_.lower() in trigger_rules() or token.lower_ in trigger_rules())


def _place_under(preposition: Token, index: dict) -> tuple[object, int, int] | None:
    """Return the place a prepositional phrase names: its object, a name compounded with it,
    the place of "the city of Mosul", or one in apposition ("a village, Tal Afar")."""
    obj = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    if obj is None:
        return None
    # "killed in an attack near Kunduz": the place of the event it happened in.
    if _is_event_word(obj) and index.get(obj.i) is None:
        for inner in obj.children:
            if inner.dep_ == "prep" and inner.lower_ in PLACE_PREPS and inner is not preposition:
                found = _place_under(inner, index)
                if found is not None:
                    return found
        return None
    candidates = [obj]
    candidates += [c for c in obj.children if c.dep_ in ("compound", "appos")]
    if index.get(obj.i) is None and obj.pos_ == "NOUN":
        for child in obj.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                candidates += [c for c in child.children if c.dep_ == "pobj"]
    for token in candidates:
        entity = index.get(token.i)
        if is_place(entity):
            if token.dep_ == "compound" and obj.pos_ == "NOUN" and index.get(obj.i) is None:
                return entity, *_phrase(obj)  # "the Oxford Street bus station"
            return entity, *_mention_tokens(token, entity, index)
    # A name the entities step did not type, under "in" ("attacks in Badia al-Sham"): no
    # date, person or organisation is written there in news, so it is a place.
    if preposition.lower_ == "in" and obj.pos_ == "PROPN" and index.get(obj.i) is None and not obj.ent_type_ \
            and obj.text[:1].isupper():
        return None, *_phrase(obj)
    # Nor does an event happen in a person: a name typed as one there ("attacks in Umm Salim
    # and Umm Jarrah") is a place the entities step took for a name, with the places it is
    # listed with.
    entity = index.get(obj.i)
    if preposition.lower_ == "in" and obj.pos_ == "PROPN" and entity is not None and entity.type == "PERSON":
        first, last = _mention_tokens(obj, entity, index)
        first = min(first, _phrase(obj)[0])  # "in Sheikh Zayed": the title the name was taken for
        for member in obj.conjuncts:
            other = index.get(member.i)
            if member.i > last and member.pos_ == "PROPN" and (other is None or other.type in PLACE_TYPES | {"PERSON"}):
                last = _mention_tokens(member, other, index)[1] if other is not None else member.i
        return None, first, last
    # An unnamed place: "at a checkpoint", "in the market".
    if index.get(obj.i) is None and obj.pos_ == "NOUN" and obj.lemma_.lower() in _word_class("place_noun"):
        return None, *_phrase(obj)
    return None


def _is_town(entity) -> bool:
    """Return True for a place smaller than a country: as a modifier a country is as often
    the actor ("a US strike") as the place."""
    geo = entity.geo
    return geo is not None and geo.feature != "country" and geo.country_code is not None and is_place(entity)


def _mention_tokens(token: Token, entity, index: dict) -> tuple[int, int]:
    """Return the first and last token of the entity's mention that holds the token."""
    first = last = token.i
    while first > 0 and index.get(first - 1) is entity:
        first -= 1
    while last + 1 < len(token.doc) and index.get(last + 1) is entity:
        last += 1
    return first, last
