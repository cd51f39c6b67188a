"""Dating event mentions from the article's time expressions.

Receives the mentions, ``article.times`` and the parse; sets each mention's time expression.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc, Token

from presslens.extract.events.mention import Mention
from presslens.extract.times import calendar_date
from presslens.record import TimeExpression


def attach_times(mentions: list[Mention], times: list[TimeExpression], doc: Doc,
                  sentence_of: list[int]) -> None:
    """Give each mention the date of the time expression that modifies it; a time that
    modifies no event of its sentence goes to the sentence's events that have none, an
    explicit date before a relative one. Durations, frequencies and vague references date
    nothing."""
    starts = {t.idx: t for t in doc}
    by_head: dict[int, Mention] = {}
    for mention in mentions:
        by_head.setdefault(mention.head.i, mention)
        # A nominal trigger is dated through its verb: "launched an attack on Thursday".
        if mention.head.pos_ in ("NOUN", "PROPN") and mention.head.dep_ in ("dobj", "nsubj", "nsubjpass"):
            by_head.setdefault(mention.head.head.i, mention)
    free: dict[int, list[tuple[TimeExpression, int]]] = defaultdict(list)
    for time in times:
        if time.type not in ("DATE", "TIME") or calendar_date(time.value) is None:
            continue
        token = starts.get(time.start)
        if token is None:
            continue
        owner = _owner(token, by_head)
        if owner is not None:
            if owner.time is None or owner.time.anchor is not None and time.anchor is None:
                owner.time = time
        else:
            free[sentence_of[token.i]].append((time, token.i))
    for mention in mentions:
        candidates = free.get(mention.sentence)
        if mention.time is None and candidates:
            mention.time = min(candidates, key=lambda c: (c[0].anchor is not None, abs(c[1] - mention.head.i)))[0]


def _owner(token: Token, by_head: dict[int, Mention]) -> Mention | None:
    """Return the mention a time token modifies: the first trigger (or a trigger's verb) up
    its chain of heads, stopping at a verb that is no event."""
    node = token
    for _ in range(5):
        if node.i in by_head and node is not token:
            return by_head[node.i]
        if node.head is node or node is not token and node.pos_ in ("VERB", "AUX"):
            return None
        node = node.head
    return None
