"""Speaker resolution: the entity a quote's source refers to, or an explicit "unresolved".

Receives a source's head token, the article's entities and the speakers seen so far; returns
its entity and how it was found ("named", "resolved" or "unresolved"): the entity mentioned
there, else for a pronoun the previous speaker or person of the same sort, else for a nominal
the entity whose name or title holds its head noun. Only people, organisations, places
standing for their governments and groups speak: a date, a number or an event never does.
``speaker_name`` then says what a reader is shown: the entity's name, the source as written
when it describes someone ("the Estonian coastguard"), or None when it names nobody the
article identifies (a pronoun left unresolved, "officials", "some").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Token

from presslens.extract.entities import is_title_word
from presslens.extract.quotes.clauses import RELATIVE_PRONOUNS, grammatical_subject
from presslens.lexicons import load_list, load_table
from presslens.nlp import subtree, text_of
from presslens.record import Entity

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "it", "we", "them", "its", "their"}
# Outside a quotation, "I" and "we" are the writer's own voice, not a source to resolve.
FIRST_PERSON = {"i", "me", "my", "we", "us", "our", "you", "your"}
# The entity types that can speak; dates, numbers, events, works and laws never do.
SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Words of a source phrase that describe a speaker beyond a vague head ("Officials in Riga",
# "the Estonian coastguard" do; "officials", "the report" do not).
DESCRIBING_POS = {"PROPN", "ADJ"}
QUOTE_CHARACTERS = set("\"'“”‘’«»„‚")
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
    tokens = subtree(source)
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
    if entity is not None and source.pos_ == "NOUN" and source.i not in index and entity.type != "PERSON" \
            and not any(c.dep_ == "appos" for c in source.children):
        # "the Wikileaks founder", "some Indiana protesters": the name modifies the speaker,
        # it is not the speaker; a person whose title holds the noun may be
        entity = _nominal_referent(source, [e for e in entities if e.type == "PERSON"])
        return entity, "resolved" if entity is not None else "unresolved"
    if entity is not None and entity.type == "NORP" and source.tag_ in ("NN", "NNP") \
            and any(c.dep_ == "det" for c in source.children):
        # "The Louisiana Republican said": one person described by party, not the party
        entity = _nominal_referent(source, [e for e in entities if e.type == "PERSON"])
        return entity, "resolved" if entity is not None else "unresolved"
    if entity is not None and entity.type not in SPEAKER_TYPES:
        return None, "unresolved"  # "2001 said": a misparse, not a speaking date
    if entity is not None:
        return entity, "named" if source.pos_ == "PROPN" else "resolved"
    lowered = source.lower_
    if lowered in FIRST_PERSON:
        return None, "unresolved"
    if lowered in PERSON_PRONOUNS:
        entity = _recent_subject(source, index) or _antecedent(history, entities, source.idx, block, person=True,
                                                               index=index)
        return entity, "resolved"
    if lowered in GROUP_PRONOUNS:
        return _antecedent(history, entities, source.idx, block, person=False, index=index), "resolved"
    owner = next((c for c in source.children if c.dep_ == "poss" and c.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS),
                 None)
    if source.pos_ == "NOUN" and owner is not None:  # "his office said": the office of the person meant
        person = owner.lower_ in PERSON_PRONOUNS
        entity = (_recent_subject(owner, index) if person else None) or _antecedent(
            history, entities, source.idx, block, person=person, index=index)
        return entity, "resolved" if entity is not None else "unresolved"
    if source.pos_ == "NOUN" and any(c.lower_ in ("the", "this", "that") for c in source.children):
        entity = _nominal_referent(source, entities)
        if entity is not None:
            return entity, "resolved"
    return None, "unresolved"


def speaker_name(tokens: list[Token], source: Token, entity: Entity | None) -> str | None:
    """Return the name a reader is shown for a source: the entity's name, the source as
    written when it describes a speaker, or None when it names nobody."""
    if entity is not None:
        return entity.name
    head = source
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words or head.pos_ in ("PRON", "NUM", "DET") or head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS \
            | FIRST_PERSON | RELATIVE_PRONOUNS or head.like_num or head.ent_type_ in ("DATE", "TIME", "CARDINAL"):
        return None
    if head.pos_ not in ("PROPN", "NOUN"):
        return None  # "Republican", "A": a modifier left without its noun
    if head.lower_ in _generic_heads() or head.lemma_.lower() in _generic_heads():
        if not any(t.pos_ in DESCRIBING_POS and t != head for t in words):
            return None
    if head.pos_ == "PROPN" and head.text.isupper() and len(words) == 1 and head.lower_ in _generic_heads():
        return None
    return text_of(source.doc)[words[0].idx:words[-1].idx + len(words[-1].text)]


def _titles_before(doc, entity: Entity) -> set[str]:
    """Return the title words written just before the entity's mentions ("Gov.", "Republican
    Gov."), which the entity's own titles may have missed."""
    text = text_of(doc)
    found: set[str] = set()
    for mention in entity.mentions:
        for word in reversed(text[max(mention.start - 40, 0):mention.start].split()[-3:]):
            word = word.casefold()
            if word in _abbreviations() or is_title_word(word):
                found.add(word)
    return found


@cache
def _abbreviations() -> dict[str, str]:
    """Return abbreviated titles with the role noun they stand for ("gov." -> "governor")."""
    return {short: full for short, full in load_table("title-abbreviations.tsv")}


@cache
def _generic_heads() -> frozenset[str]:
    return frozenset(load_list("generic-speakers.txt"))


def _entity_at(head: Token, index: dict[int, Entity]) -> Entity | None:
    if head.i in index:
        return index[head.i]
    for child in head.children:
        if child.dep_ in ("appos", "compound") and child.i in index:
            return index[child.i]  # "the agency, Energoatom"
    return None


def _recent_subject(pronoun: Token, index: dict[int, Entity]) -> Entity | None:
    """Return the person last named as a grammatical subject in the pronoun's sentence or the
    one before, outside quotation marks; None when there is none.

    The subject of the sentence before is the most salient referent ("Mr. Doe was blunt.
    ‘…,’ he said"), more than the last speaker two paragraphs up.
    """
    sentence = pronoun.sent
    start = sentence.start
    if start > 0:
        start = pronoun.doc[start - 1].sent.start
    marks = 0
    for token in reversed(pronoun.doc[start:pronoun.i]):
        if token.is_quote or token.text in QUOTE_CHARACTERS:
            marks += 1
        entity = index.get(token.i)
        if entity is None or entity.type != "PERSON" or marks % 2:
            continue
        head = token
        while head.dep_ in ("compound", "flat", "appos") and head.head != head:
            head = head.head
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.dep_ == "ROOT" and head.i < pronoun.i:
            return entity  # the subject of a main clause, not of "in the event that X faces Y"
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
        if entity.type not in SPEAKER_TYPES:
            continue
        words = set(re.split(r"[\s\-]+", entity.name.casefold()))
        for title in entity.titles:
            words.update(re.split(r"[\s\-]+", title.casefold()))
        words.update(_titles_before(head.doc, entity))
        words.update(_abbreviations().get(w, w) for w in list(words))
        if word not in words:
            continue
        earlier = [m.start for m in entity.mentions if m.start < head.idx]
        if earlier and (best is None or max(earlier) > best[0]):
            best = (max(earlier), entity)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------
# The extractor
