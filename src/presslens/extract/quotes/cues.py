"""Cue lexicon lookups: which words report speech or thought, and of which class.

Receives a parsed token; returns its cue class ("speech", "cognition", "intent",
"perception", "evidential", "naming") or None, read from the lexicons speech-verbs.txt,
cue-nouns.txt, cue-adjectives.txt and according-to.txt; and the desk's tags that look like
a speaker's label and are none (newsroom-tags.txt).
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from presslens.lexicons import load_list, load_table


@cache
def cue_lexicon() -> tuple[dict[str, str], dict[str, dict[str, str]], frozenset[str]]:
    """Return the one-word cues (lemma -> class), the verb + preposition cues (verb lemma ->
    preposition -> class) and the verbs whose object is the addressee, from the lexicon."""
    single: dict[str, str] = {}
    phrasal: dict[str, dict[str, str]] = {}
    addressee: set[str] = set()
    for lemma, kind, *frame in load_table("speech-verbs.txt"):
        verb, _, preposition = lemma.partition(" ")
        if preposition:
            phrasal.setdefault(verb, {})[preposition] = kind
        else:
            single[lemma] = kind
        if "addressee" in frame:
            addressee.add(lemma)
    return single, phrasal, frozenset(addressee)


@cache
def topic_naming_verbs() -> frozenset[str]:
    """Return the naming verbs whose object is the content even without a label."""
    return frozenset(lemma for lemma, _, *frame in load_table("speech-verbs.txt") if "topic" in frame)


def _cue_classes() -> dict[str, str]:
    return cue_lexicon()[0]


@cache
def cue_nouns() -> dict[str, str]:
    return {lemma: kind for lemma, kind, *_ in load_table("cue-nouns.txt")}


@cache
def noun_prepositions() -> dict[str, frozenset[str]]:
    """Return, for the cue nouns that take a prepositional object, the prepositions."""
    return {lemma: frozenset(rest[0].split()) for lemma, _, *rest in load_table("cue-nouns.txt") if rest}


@cache
def cue_adjectives() -> dict[str, str]:
    return {lemma: kind for lemma, kind in load_table("cue-adjectives.txt")}


@cache
def prepositional_cues() -> dict[str, str]:
    return {first: second for first, second in load_table("according-to.txt")}


def cue_class(token: Token) -> str | None:
    """Return the class of a cue verb ("speech", "cognition", "intent", "perception",
    "evidential", "naming") or None."""
    if token.pos_ not in ("VERB", "AUX") or token.tag_ == "MD" or token.dep_ == "amod":
        return None  # a participle before a noun describes it: "pledged delegates", "a feared attack"
    return listed_class(token)


def listed_class(token: Token) -> str | None:
    """Return the lexicon class of a word as a cue verb, whatever its part of speech."""
    classes = _cue_classes()
    # The lexicon also lists a few word forms the lemmatizer gets wrong ("hoping" -> "hop").
    return classes.get(token.lemma_.lower()) or classes.get(token.lower_)


def phrasal_cue(token: Token) -> tuple[str, Token] | None:
    """Return the class and the preposition of a verb + preposition cue ("call for",
    "talk about", "vote for"), or None."""
    prepositions = cue_lexicon()[1].get(token.lemma_.lower())
    if prepositions is None or token.pos_ != "VERB":
        return None
    for child in token.children:
        if child.i > token.i and child.dep_ in ("prep", "prt") and child.lower_ in prepositions:
            return prepositions[child.lower_], child
    return None


@cache
def prepositional_lemmas() -> frozenset[str]:
    return frozenset(f"{first} {second}" for first, second in prepositional_cues().items())


@cache
def newsroom_tags() -> frozenset[str]:
    """Return the one-word tags a desk sets before a headline or paragraph ("breaking",
    "exclusive", "analysis"): a label made of one of them names no speaker."""
    return frozenset(load_list("newsroom-tags.txt"))
