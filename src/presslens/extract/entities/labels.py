"""Labels: the small model's entity-type errors corrected.

Receives the article's ``FoundMention`` drafts; sets each one's label from the curated type
lexicon, honorifics and known given names (a person), demonyms (a nationality) and the
gazetteer with the article's own use of the name (a place).
"""

from __future__ import annotations

from presslens.extract.entities.lexicon import (
    demonyms,
    given_name_gender,
    is_title_word,
    kind_of_place_words,
    organisation_heads,
    place_heads,
    place_nouns,
    type_fixes,
)
from presslens.extract.entities.mentions import FoundMention

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model gives to place names it does not know.
MISTAKABLE_FOR_PLACE = {"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}


# Honorifics that make the name after them a person's ("Mr. Obama", "Ms. Noem").
HONORIFICS = frozenset({"mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "dr.", "dr"})
# Labels the model gives a person's full name by mistake ("Shawn Steel" as ORG).
MISTAKABLE_FOR_PERSON = {"ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"}


def _honorific_before(mention: FoundMention) -> bool:
    """Return True when an honorific is written just before the name ("Mr. Obama")."""
    doc = mention.root.doc
    first = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if first is None or first.start == 0:
        return False
    return doc[first.start - 1].text.casefold() in HONORIFICS


def words_of_people(mentions: list[FoundMention]) -> set[str]:
    """Return the words of multi-word person names and the names written after an honorific:
    a town name that is also one is a person."""
    words: set[str] = set()
    for mention in mentions:
        if mention.label == "PERSON" and " " in mention.text:
            words.update(mention.text.split())
        if _honorific_before(mention) and " " not in mention.text:
            words.add(mention.text)
    return words


def _full_name_of_person(mention: FoundMention) -> bool:
    """Return True for a two- or three-word name opening with a known given name, every word
    capitalised and none a title or place word ("Shawn Steel", not "Paul Allen Foundation")."""
    words = mention.text.split()
    if not 2 <= len(words) <= 3 or given_name_gender(words[0]) is None:
        return False
    return all(w[:1].isupper() and not w.isupper() and not is_title_word(w) and w.casefold() not in place_heads()
               and w.casefold() not in organisation_heads() and w.casefold() not in kind_of_place_words()
               for w in words)


def corrected_label(mention: FoundMention, person_words: set[str]) -> str:
    fixed = type_fixes().get(mention.text) or type_fixes().get(mention.text.casefold().title())
    if fixed:
        return fixed
    label = mention.label
    if label in MISTAKABLE_FOR_PERSON and (_honorific_before(mention) or _full_name_of_person(mention)):
        return "PERSON"
    if label != "PERSON" and " " not in mention.text and mention.text in person_words:
        from presslens.extract.places import place_type

        if place_type(mention.text) is None:
            return "PERSON"  # "Varga, the prime minister" after "Elsa Varga": the model said ORG
    if label in PLACE_LABELS and mention.text.casefold() in demonyms():
        return "NORP"  # "Ukrainian" tagged as a place
    last_word = mention.text.split()[-1].casefold()
    if label in ("PERSON", "ORG", "PRODUCT", "WORK_OF_ART") and " " in mention.text and last_word in place_heads():
        return "FAC"
    return label


# Prepositions that put a name on the map; "to", "from" and "on" are left out because
# organisations take them as often ("a challenge to Toyota", "a statement from Nokia").
LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "towards", "toward",
                      "into", "through"})


def relabel_places(mentions: list[FoundMention], person_words: set[str]) -> None:
    """Give a place label to names the model called something else, when the gazetteer knows
    the name and the article uses it as a place.

    A name tagged as a person with nothing personal about it is a place ("Lyman" in "the town of
    Lyman", tagged PERSON). A name tagged as an organisation or product must stand after a place
    preposition ("in Mariupol") at least as often as it is used otherwise: companies named
    after towns ("Toyota") stay organisations. Every mention of such a name becomes a place, so
    its mentions stay together.
    """
    from presslens.extract.places import place_type

    votes: dict[str, int] = {}
    for mention in mentions:
        if mention.label not in MISTAKABLE_FOR_PLACE or _person_context(mention, person_words):
            continue
        if place_type(mention.text) is None:
            if mention.label == "PERSON" and _named_as_place(mention):
                votes.setdefault(mention.text, 0)  # an island or village too small for the gazetteer
            continue
        place_like = mention.label == "PERSON" or _locative(mention)
        votes[mention.text] = votes.get(mention.text, 0) + (1 if place_like else -1)
    for mention in mentions:
        if votes.get(mention.text, -1) >= 0 and mention.label in MISTAKABLE_FOR_PLACE \
                and not _person_context(mention, person_words):
            mention.label = place_type(mention.text) or "LOC"


def _person_context(mention: FoundMention, person_words: set[str]) -> bool:
    """Return True when a name is used for a person: a word of a full name, or after a title."""
    if mention.text in person_words and mention.label == "PERSON":
        return True
    index = mention.root.left_edge.i
    before = mention.root.doc[index - 1] if index > 0 else None
    return mention.label == "PERSON" and before is not None and is_title_word(before)


def _locative(mention: FoundMention) -> bool:
    """Return True when the article uses the name as a place: after a place preposition ("in
    Mariupol"), beside a place noun ("Kramatorsk, an eastern city"; "the town of Lyman")."""
    root, head = mention.root, mention.root.head
    return (root.dep_ == "pobj" and head.lower_ in LOCATIVE) or _named_as_place(mention)


def _named_as_place(mention: FoundMention) -> bool:
    """Return True when a place noun says what the name is ("the island of Saaremaa",
    "Kramatorsk, an eastern city"): evidence enough even for a name no gazetteer knows."""
    root, head = mention.root, mention.root.head
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in place_nouns():
        return True
    return any(child.dep_ == "appos" and child.lemma_.lower() in place_nouns() for child in root.children)
