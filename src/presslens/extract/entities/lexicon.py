"""The word lists the entity steps share: titles, aliases, demonyms, place and
organisation words, given names.

Receives nothing; returns the rows of the files under ``lexicons/`` as sets and tables, each
read once, and the two lookups other stages use (``is_title_word``, ``given_name_gender``).
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Token

from presslens.lexicons import load_list, load_table


@cache
def title_words() -> frozenset[str]:
    # abbreviated titles ("Gov.", "Sen.") are titles too
    return frozenset(load_list("titles.txt")) | {short for short, _ in load_table("title-abbreviations.tsv")}


@cache
def title_modifiers() -> frozenset[str]:
    return frozenset(load_list("title-modifiers.txt"))


@cache
def type_fixes() -> dict[str, str]:
    return {name: label for name, label in load_table("entity-types.tsv")}


@cache
def aliases() -> dict[str, str]:
    return {alias.casefold(): canonical for alias, canonical in load_table("entity-aliases.tsv")}


@cache
def metonyms() -> dict[str, str]:
    return {name.casefold(): country for name, country in load_table("metonyms.tsv")}


@cache
def demonyms() -> dict[str, str]:
    return {name.casefold(): country for name, country in load_table("demonyms.tsv")}


@cache
def place_heads() -> frozenset[str]:
    return frozenset(load_list("place-heads.txt"))


@cache
def leader_nouns() -> frozenset[str]:
    return frozenset(load_list("leader-nouns.txt"))


@cache
def head_of_state_titles() -> tuple[str, ...]:
    return load_list("head-of-state-titles.txt")


def is_title_word(token: Token | str) -> bool:
    """Return True when a word names an office or role ("minister", "Secretary-General")."""
    text = token if isinstance(token, str) else token.text
    return text.casefold() in title_words()


def given_name_gender(word: str) -> str | None:
    """Return "m" or "f" when a word is a given name that says which pronoun its bearer gets,
    else None (unknown names, and names given to both)."""
    return _given_name_table().get(word.casefold())


@cache
def _given_name_table() -> dict[str, str]:
    return {name: gender for name, gender in load_table("given-names.tsv")}


@cache
def kind_of_place_words() -> frozenset[str]:
    """Words that make a name a place's ("Henry County", "Grant Street", "Lake Charles")."""
    return frozenset().union(*(load_list(name) for name in
                               ("place-feature-words.txt", "street-words.txt", "place-nouns.txt")))


@cache
def headline_verbs() -> frozenset[str]:
    return frozenset(load_list("headline-verbs.txt"))


@cache
def organisation_heads() -> frozenset[str]:
    return frozenset(load_list("organisation-heads.txt"))


@cache
def place_nouns() -> frozenset[str]:
    return frozenset(load_list("place-nouns.txt"))
