"""Titles: the offices written before or beside a person's name, and what they affiliate.

Receives a person's mention in the parsed doc; returns its titles ("Czech Foreign Minister",
"the head of the ministry's legal team") and, from a title or qualifier, the country or
organisation it names (``affiliation_of``).
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Token

from presslens.extract.entities.lexicon import aliases, demonyms, is_title_word, metonyms, title_modifiers
from presslens.extract.entities.mentions import HYPHENS, FoundMention, glued_to_hyphen
from presslens.nlp import subtree, text_of

TITLE_MAX_TOKENS = 12


def read_titles(doc: Doc, mention: FoundMention) -> list[str]:
    """Return the titles written before a person's name or in apposition to it."""
    titles: list[str] = []
    first = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if first is not None and len(first):
        title = _pre_nominal_title(doc, first.start)
        if title:
            titles.append(title)
    root = mention.root
    for child in root.children:
        if child.dep_ == "appos" and _holds_title(child):
            titles.append(_phrase(child))
    if root.dep_ == "appos" and _holds_title(root.head) and root.head.i < root.i:
        titles.append(_phrase(root.head, stop=root))
    return [t for t in titles if t]


def _pre_nominal_title(doc: Doc, index: int) -> str | None:
    """Return the title phrase right before a name ("Czech Foreign Minister" Jan Lipavsky)."""
    position = index - 1
    start = index
    while position >= 0 and index - position <= TITLE_MAX_TOKENS:
        token = doc[position]
        word = token.text.casefold()
        if is_title_word(token) or word in title_modifiers() or word in HYPHENS or glued_to_hyphen(doc, position):
            start = position  # "co-founder", "editor-in-chief" kept whole
        elif token.pos_ in ("PROPN", "ADJ") and token.text[:1].isupper():
            start = position  # a country, organisation or nationality qualifying the title
        elif word == "of" and position > 0 and doc[position - 1].text[:1].isupper():
            start = position
        else:
            break
        position -= 1
    words = doc[start:index]
    if not any(is_title_word(t) for t in words):
        return None
    titled = [i for i, t in enumerate(words) if is_title_word(t) or t.text in HYPHENS]
    if not (titled[-1] + 1 < len(words) and words[titled[-1] + 1].lower_ == "of"):
        words = words[:titled[-1] + 1]  # "Brothers of Italy leader Giorgia" keeps "leader"; "Director of
        # Public Prosecution Eva Persson" keeps the whole title
    while words and words[0].text in HYPHENS:
        words = words[1:]
    return words.text if len(words) else None


def _holds_title(token: Token) -> bool:
    return is_title_word(token) or any(is_title_word(c) for c in token.children if c.dep_ == "compound")


def _phrase(token: Token, stop: Token | None = None) -> str:
    """Return a title noun's phrase without its article, cut at a comma or the name itself."""
    tokens = subtree(token)
    if stop is not None:
        tokens = [t for t in tokens if t.i < stop.left_edge.i]
    kept: list[Token] = []
    for t in tokens:
        if t.text in (",", "(", ")", ";") and kept:
            if t.i > token.i:
                break
            kept = []
            continue
        kept.append(t)
    while kept and (kept[0].pos_ == "DET" or kept[0].is_punct or kept[0].dep_ == "poss" and kept[0].pos_ == "PRON"):
        kept.pop(0)
    while kept and kept[-1].is_punct:
        kept.pop()
    doc = token.doc
    while kept and kept[0].i >= 2 and glued_to_hyphen(doc, kept[0].i - 2):
        kept = [doc[kept[0].i - 2], doc[kept[0].i - 1]] + kept  # "co-founder", not "founder"
    if not kept or len(kept) > TITLE_MAX_TOKENS:
        return ""
    return text_of(doc)[kept[0].idx: kept[-1].idx + len(kept[-1].text)]


def affiliation_of(phrase: str) -> str | None:
    """Return the country or organisation a title or qualifier names ("Czech" -> Czechia)."""
    words = [w.removesuffix("’s").removesuffix("'s") for w in re.findall(r"[\w.\-’']+", phrase)]
    words = [w for w in words if w and not is_title_word(w) and w.casefold() not in title_modifiers()]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            chunk = " ".join(words[i:i + size])
            if not chunk[:1].isupper():
                continue
            found = _known_affiliation(chunk)
            if found:
                return found
    # Otherwise an organisation named in the title ("UN spokesman", "Brothers of Italy leader").
    runs = re.findall(r"[A-Z][\w.\-]*(?:\s+(?:of\s+|for\s+the\s+)?[A-Z][\w.\-]*)*", " ".join(words))
    runs = [r for r in runs if " " in r or r.replace(".", "").isupper()]
    return max(runs, key=len) if runs else None


def _known_affiliation(chunk: str) -> str | None:
    folded = chunk.casefold()
    for table in (demonyms(), metonyms(), aliases()):
        if folded in table:
            return table[folded]
    if chunk in demonyms().values():
        return chunk
    return _country_name(chunk)


@cache
def _country_name(name: str) -> str | None:
    import pycountry

    try:
        country = pycountry.countries.lookup(name)
    except LookupError:
        return None
    return getattr(country, "common_name", None) or country.name
