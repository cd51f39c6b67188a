"""Nominal mentions: "the President", "the secretary-general", "the Kremlin leader".

Receives the article's clusters and the parsed doc; adds to a person's cluster each nominal
that names the one title they bear, or the leader of the country its qualifier stands for.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from presslens.extract.entities.clusters import Cluster
from presslens.extract.entities.lexicon import head_of_state_titles, is_title_word, leader_nouns
from presslens.extract.entities.mentions import FoundMention
from presslens.extract.entities.titles import affiliation_of
from presslens.lexicons import load_list
from presslens.nlp import text_of


def add_nominal_mentions(clusters: list[Cluster], doc: Doc) -> None:
    """Resolve "the President", "the secretary-general", "the Kremlin leader" to a person."""
    people = [c for c in clusters if c.label == "PERSON"]
    if not people:
        return
    taken = {(m.start, m.end) for c in people for m in c.mentions}
    # one mark per character inside a person's mention: an overlap check that does not read
    # every mention for each "the"
    occupied = bytearray(len(text_of(doc)) + 1)
    for start, end in taken:
        occupied[start:end] = b"\x01" * len(occupied[start:end])
    # each person's title keys, read once: a nominal mention added below has no titles
    title_keys = {id(c): list(dict.fromkeys(_title_key(t) for m in c.mentions for t in m.titles)) for c in people}
    for token in doc:
        if token.lower_ != "the" or token.i + 1 >= len(doc):
            continue
        phrase = _nominal_after(doc, token.i + 1)
        if phrase is None:
            continue
        span, head = phrase
        start, end = span.start_char, span.end_char
        if occupied.find(1, start, end) != -1 or head.lower_ in load_list("generic-speakers.txt"):
            continue  # "the official" is someone the writer leaves unnamed
        cluster = _referent(people, span, head, clusters, title_keys)
        if cluster is not None:
            cluster.mentions.append(FoundMention(start, end, span.text, "PERSON", head, kind="nominal"))
            occupied[start:end] = b"\x01" * (end - start)


def _nominal_after(doc: Doc, index: int) -> tuple[SpacySpan, Token] | None:
    """Return "[modifier] title-noun" after "the", when not followed by a name."""
    end = index
    while end < len(doc) and end - index < 3 and (doc[end].text[:1].isupper() or is_title_word(doc[end])
                                                 or doc[end].text == "-"):
        end += 1
        if is_title_word(doc[end - 1]) or doc[end - 1].lower_ in leader_nouns():
            if end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                return None  # "the President Joe Biden": a name follows, handled as a title
            if end < len(doc) and doc[end].text == "-":
                continue
            return doc[index:end], doc[end - 1]
    return None


def _referent(people: list[Cluster], span: SpacySpan, head: Token, clusters: list[Cluster],
              title_keys: dict[int, list[str]]) -> Cluster | None:
    noun = span.text.casefold().replace(" ", "-")
    words = span.text.casefold().split()
    head_word = head.lower_
    # "the secretary-general", "the President": the one person bearing that title.
    bearing = [c for c in people if any(noun in key for key in title_keys[id(c)])]
    if not bearing and len(words) == 1:
        bearing = [c for c in people if any(head_word in key.split("-") for key in title_keys[id(c)])]
    if len(bearing) > 1:  # the bearer named most recently before the nominal
        bearing = [c for c in bearing if any(m.start < span.start_char for m in c.mentions)]
        bearing.sort(key=lambda c: max(m.start for m in c.mentions if m.start < span.start_char))
        bearing = bearing[-1:]
    if len(bearing) == 1:
        return bearing[0]
    # "the Kremlin leader": the head of state of the country a qualifier stands for.
    if head_word in leader_nouns() and len(words) >= 2:
        country = affiliation_of(" ".join(span.text.split()[:-1]))
        if country:
            leaders = [c for c in people if _leads(c, country)]
            if len(leaders) == 1:
                return leaders[0]
    return None


def _title_key(title: str) -> str:
    return title.casefold().replace(" ", "-")


def _leads(cluster: Cluster, country: str) -> bool:
    for mention in cluster.mentions:
        for title in mention.titles:
            lowered = title.casefold()
            if affiliation_of(title) == country and any(t in lowered for t in head_of_state_titles()):
                return True
    return False
