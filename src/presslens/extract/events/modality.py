"""How certainly an event is told, and who reports it.

Receives a Mention with the article's quotes; returns its modality (hedges, modal
auxiliaries, negation) and the speaker or source it is reported by.
"""

from __future__ import annotations

from array import array

from presslens.extract.events.lexicon import hedges
from presslens.extract.events.mention import Mention
from presslens.extract.events.syntax import limited_subtree, subject_of
from presslens.record import Article, Entity, ReportedBy

MODALITY_ORDER = ("negated", "hypothetical", "suspected", "alleged", "planned", "reported")


def modality_of(mention: Mention) -> str:
    cues = hedges()
    found: set[str] = set()
    doc = mention.head.doc
    tokens = [doc[i] for i in range(mention.first, mention.last + 1)]
    for token in tokens:
        for child in token.children:
            if child.dep_ in ("neg", "advmod", "amod", "aux", "auxpass", "det", "mark", "compound") and child.lower_ in cues:
                modality = cues[child.lower_]
                if child.dep_ == "det" and modality == "negated" and token.pos_ == "VERB":
                    continue
                found.add(modality)
    head = mention.head
    if head.pos_ == "VERB":
        subject = subject_of(head)
        if subject is not None and (subject.lower_ in ("nobody", "none")
                                    or any(c.dep_ == "det" and c.lower_ == "no" for c in subject.children)):
            found.add("negated")
        governor = head.head
        if head.dep_ == "xcomp" and governor.lemma_.lower() in cues:  # "expected to rubber stamp"
            found.add(cues[governor.lemma_.lower()])
        if head.dep_ == "xcomp":
            for child in governor.children:
                if child.dep_ in ("aux", "neg") and child.lower_ in cues:
                    found.add(cues[child.lower_])
        if head.dep_ == "acl" and governor.lemma_.lower() in cues:  # "plans to annex"
            found.add(cues[governor.lemma_.lower()])
        if head.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in head.children):
            found.add("hypothetical")
    else:
        governor = head.head
        if head.dep_ == "pobj" and governor.lower_ == "of":  # "allegations of sabotage"
            governor = governor.head
            if governor.lemma_.lower() in cues and governor.pos_ == "NOUN":
                found.add(cues[governor.lemma_.lower()])
        elif head.dep_ in ("nsubj", "nsubjpass") and governor.pos_ in ("VERB", "AUX"):
            for child in governor.children:
                if child.dep_ == "aux" and child.lower_ in cues and cues[child.lower_] in ("planned", "hypothetical"):
                    found.add(cues[child.lower_])
            if governor.lemma_.lower() in ("expect", "plan", "schedule"):
                found.add("planned")
        elif head.dep_ == "dobj" and governor.pos_ == "VERB":
            for child in governor.children:
                if child.dep_ in ("aux", "neg") and child.lower_ in cues:
                    found.add(cues[child.lower_])
    for modality in MODALITY_ORDER:
        if modality in found:
            return modality
    return "asserted"


def innermost_quotes(article: Article, length: int) -> array:
    """Return, for each character of the text, the index of the shortest quote whose words
    hold it, or -1: looked up per event mention, so a long article costs no quote scan each."""
    quote_at = array("i", [-1]) * (length + 1)
    by_length = sorted(range(len(article.quotes)),
                       key=lambda i: article.quotes[i].content.end - article.quotes[i].content.start, reverse=True)
    for number in by_length:  # shorter quotes written last, over the longer ones holding them
        quote = article.quotes[number]
        for piece in quote.parts or [quote.content]:
            start, end = max(piece.start, 0), min(piece.end, length)
            if end > start:
                quote_at[start:end] = array("i", [number]) * (end - start)
    return quote_at


def reporter_of(mention: Mention, article: Article, index: dict[int, Entity],
                 sentences: list[tuple[int, int]], quote_at: array) -> ReportedBy | None:
    offset = mention.head.idx
    if 0 <= offset < len(quote_at) and quote_at[offset] >= 0:
        quote = article.quotes[quote_at[offset]]
        return ReportedBy(entity_id=quote.speaker.entity_id if quote.speaker else None, quote_id=quote.id)
    doc = mention.head.doc
    start, end = sentences[mention.sentence]
    for i in range(start, end - 1):
        if doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
            for token in limited_subtree(doc[i + 1], 10):
                entity = index.get(token.i)
                if entity is not None and entity.type in ("PERSON", "ORG", "NORP", "GPE"):
                    return ReportedBy(entity_id=entity.id, quote_id=None)
    return None
