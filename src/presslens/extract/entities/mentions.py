"""Mentions: spaCy's named entities as trimmed, whole name mentions.

Receives a parsed doc's entity spans; returns ``FoundMention`` drafts whose edges are cut of
articles, marks, possessives, titles and headline verbs, extended over hyphenated names the
model cut ("Eva-Marie") and given names it left out, with capitalised common words dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from presslens.extract.entities.lexicon import demonyms, headline_verbs, is_title_word, title_modifiers
from presslens.nlp import is_spaced_dash, text_of

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}


EDGE_JUNK = {"the", "a", "an", "and", "or", "of", "'s", "’s", "‘s", "'", "’", "‘", "\"", "“", "”", "-", "–", "—"}
POSSESSIVE = re.compile(r"[’'‘]s$")


@dataclass
class FoundMention:
    start: int
    end: int
    text: str
    label: str
    root: Token
    kind: str = "name"
    titles: list[str] = field(default_factory=list)


HYPHENS = frozenset({"-", "‐", "‑"})


def glued_to_hyphen(doc: Doc, position: int) -> bool:
    """Return True when a token is written against a following hyphen ("co" in "co-founder")."""
    return position + 1 < len(doc) and not doc[position].whitespace_ and doc[position + 1].text in HYPHENS \
        and not doc[position + 1].whitespace_


def mention_from_span(span: SpacySpan, sentence_starts: frozenset[int]) -> FoundMention | None:
    if span.label_ not in ENTITY_LABELS:
        return None
    tokens = list(span)
    breaks = [i for i, t in enumerate(tokens) if "\n" in t.text or "\n" in t.whitespace_]
    if breaks:  # the model ran a name across a block boundary: keep the part before it
        tokens = tokens[: breaks[0] + (0 if "\n" in tokens[breaks[0]].text else 1)]
    dashes = [i for i, t in enumerate(tokens) if i and is_spaced_dash(t)]
    if dashes:  # "TURNOUT FALLS - Jo Doe": a dash between spaces ends a heading before the name
        tokens = tokens[dashes[-1] + 1:]
    while tokens and (tokens[0].lower_ in EDGE_JUNK or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].lower_ in EDGE_JUNK or tokens[-1].is_punct and tokens[-1].text != "."):
        tokens.pop()
    if not tokens:
        return None  # the model took a lone mark for a name (a "‚" typed as a comma)
    tokens = _whole_hyphenated(tokens, span.label_)
    verbs = [i for i, t in enumerate(tokens) if i and t.lower_ in headline_verbs()]
    if verbs:
        tokens = tokens[:verbs[0]]  # "Bernanke Testifies On Rates": a headline's verb ends the name
    if span.label_ == "PERSON":
        possessive = [i for i, t in enumerate(tokens[:-1]) if t.lower_ in ("'s", "’s")]
        if possessive:
            tokens = tokens[:possessive[0]]  # "Holcomb’s 2016": the name ends at its possessive
        while len(tokens) > 1 and is_title_word(tokens[0]):
            tokens.pop(0)
        tokens = _after_title_of(_given_names(tokens, sentence_starts))
    if not tokens or not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in tokens):
        return None  # lower-case words the model took for a name ("sham")
    if len(tokens) == 1 and tokens[0].pos_ not in ("PROPN", "NOUN", "ADJ", "NUM") and span.label_ != "NORP":
        return None
    if len(tokens) == 1 and tokens[0].pos_ == "NOUN" and tokens[0].i in sentence_starts:
        return None  # a capitalised common noun opening a sentence ("Referendum volunteers ...")
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = text_of(tokens[0].doc)[start:end]
    trimmed = POSSESSIVE.sub("", text)
    end -= len(text) - len(trimmed)
    root = min(tokens, key=lambda t: _depth(t, tokens))
    return FoundMention(start, end, trimmed, span.label_, root)


def _whole_hyphenated(tokens: list[Token], label: str) -> list[Token]:
    """Return a name's tokens extended over a hyphenated word the model cut ("Eva-" of
    "Eva-Marie", "-Marie"). Only a capitalised word continues a name: "Houston-based" and
    "Atlanta-area" stay the place, and two peoples joined ("Israeli-Egyptian") stay two."""
    doc = tokens[0].doc
    first, last = tokens[0].i, tokens[-1].i
    if label == "NORP":
        return tokens
    while last + 2 < len(doc) and glued_to_hyphen(doc, last) and doc[last + 2].text[:1].isupper():
        last += 2
    if tokens[-1].text in HYPHENS and last + 1 < len(doc) and not tokens[-1].whitespace_ \
            and doc[last + 1].text[:1].isupper():
        last += 1
    while first >= 2 and doc[first - 1].text in HYPHENS and glued_to_hyphen(doc, first - 2) \
            and doc[first - 2].text[:1].isupper():
        first -= 2
    return list(doc[first:last + 1])


def _after_title_of(tokens: list[Token]) -> list[Token]:
    """Return a person's name without the body of a title written before it ("Director of
    Public Prosecution Eva Persson" -> "Eva Persson"): after "<title> of", a name is its last
    two words."""
    doc = tokens[0].doc
    first = tokens[0].i
    if first < 2 or doc[first - 1].lower_ != "of" or not any(is_title_word(t) for t in doc[max(first - 4, 0):first - 1]):
        return tokens
    words = text_of(doc)[tokens[0].idx:tokens[-1].idx + len(tokens[-1].text)].split()
    if len(words) <= 2:
        return tokens
    keep = len(" ".join(words[-2:]))
    end = tokens[-1].idx + len(tokens[-1].text)
    return [t for t in tokens if t.idx >= end - keep]


NATIONALITY_ENDING = re.compile(r"(an|ans|ish|ese|i|is|ic|ch|sh|ern|ist|ists)$")


def is_common_word(mention: FoundMention, sentence_starts: frozenset[int], lower_words: frozenset[str]) -> bool:
    """Return True for a one-word "name" that is a common word capitalised by its position
    ("Referendum volunteers ..." when the article also writes "referendum"), or a
    "nationality" that has no nationality's form ("Harbour" opening a headline)."""
    token = mention.root
    if " " in mention.text:
        return False
    if mention.label == "NORP":
        return mention.text.casefold() not in demonyms() and not NATIONALITY_ENDING.search(mention.text)
    if token.i not in sentence_starts:
        return False
    return mention.text.lower() in lower_words


def _depth(token: Token, tokens: list[Token]) -> int:
    """Return how many heads up a token sits from the mention's root."""
    inside = {t.i for t in tokens}
    depth = 0
    while token.head.i in inside and token.head.i != token.i and depth < len(tokens):
        token, depth = token.head, depth + 1
    return depth


def _given_names(tokens: list[Token], sentence_starts: frozenset[int]) -> list[Token]:
    """Extend a person's name leftwards over given names the model left out ("Oleksandr")."""
    doc = tokens[0].doc
    position = tokens[0].i - 1
    added: list[Token] = []
    while position >= 0 and len(added) < 2:
        token = doc[position]
        if (token.pos_ != "PROPN" or not token.text[:1].isupper() or is_title_word(token)
                or token.ent_type_ not in ("", "PERSON") or token.i in sentence_starts
                or token.text.casefold() in title_modifiers() or "." in token.text
                or token.lower_ in headline_verbs()):  # "Jo Doe Endorses Hal Roe"
            break
        added.insert(0, token)
        position -= 1
    return added + tokens
