"""Casualty counts given to the events they belong to.

Receives the mentions and the article's amounts; adds each killed, wounded, missing, arrested
or displaced count to the nearest mention of its sentence.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

from presslens.extract.events.mention import Mention
from presslens.record import Article


def link_casualties(mentions: list[Mention], article: Article, doc: Doc, sentence_of: list[int]) -> None:
    """Give each casualty amount to the nearest event of its sentence."""
    if not article.amounts:
        return
    starts = {t.idx: t.i for t in doc}
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_sentence[mention.sentence].append(mention)
    for amount in article.amounts:
        if amount.kind not in ("killed", "wounded", "missing", "arrested", "displaced") or amount.value is None:
            continue
        token = starts.get(amount.start)
        if token is None:
            continue
        candidates = by_sentence.get(sentence_of[token])
        if not candidates:
            continue
        nearest = min(candidates, key=lambda m: (-min(m.rule.priority, 1), abs(m.head.i - token)))
        value = int(amount.value)
        nearest.casualties[amount.kind] = max(nearest.casualties.get(amount.kind, 0), value)
