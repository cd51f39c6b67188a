"""One happening, one event: mentions merged into Event records.

Receives the filled mentions, the text, the sub-headings and the publication date; returns
the Event records in order of first mention.
"""

from __future__ import annotations

from spacy.tokens import Token

from presslens.extract.events.mention import Mention, countrywide, mention_span
from presslens.extract.times import calendar_date, precision_of
from presslens.ingest.document import Document
from presslens.record import Casualties, Event, EventArgument, EventMention, TimeExpression


def subheadings(document: Document) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the sub-headings: headlines below the title."""
    return [(b.start, b.end) for b in document.blocks if b.kind == "headline" and b.level == 2]


def _compatible_times(event: Mention, other: Mention, published: str | None) -> bool:
    """Return False when two mentions are dated to different periods ("a referendum in 2014"
    is not this week's referendum). An undated mention is taken to be of the publication's
    year, so it does not absorb a mention dated to another year."""
    first = event.time.value if event.time else None
    second = other.time.value if other.time else None
    if first is None and second is None:
        return True
    if first is None or second is None:
        dated = first or second
        return published is not None and dated[:4] == published[:4]
    if first[:4] != second[:4]:
        return False
    # A week and a month or day are compared by their year alone: weeks straddle months.
    shared = 4 if "W" in first + second else min(len(first), len(second), 10)
    return first[:shared] == second[:shared]


def _same_event(event: Mention, other: Mention, published: str | None) -> bool:
    if event.rule.type != other.rule.type or not _compatible_times(event, other, published):
        return False
    if event.location is not None and other.location is not None:
        if event.location.id == other.location.id:
            return True
        if countrywide(event):
            codes = [m.location.geo.country_code if m.location.geo else None for m in (event, other)]
            return None in codes or codes[0] == codes[1]
        return False
    if event.target is not None and other.target is not None:
        return event.target.id == other.target.id
    # A mention with neither place nor target refers back to the event already named.
    return other.location is None and other.target is None or event.location is None and event.target is None


def merge_mentions(mentions: list[Mention], text: str, sentences: list[tuple[int, int]],
           subheadings: list[tuple[int, int]], published: str | None,
           outcomes: list[Mention] | None = None) -> list[Event]:
    """Return the events the mentions tell of; each outcome mention ("killing five") joins the
    event of a mention of its sentence as one more mention, giving the event nothing else."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        group = next((g for g in groups if all(_compatible_times(m, mention, published) for m in g)
                      and _same_event(g[0], mention, published)), None)
        if group is None:
            groups.append([mention])
        else:
            group.append(mention)
            # The placed mention speaks for the group.
            if group[0].location is None and mention.location is not None:
                group[0], group[-1] = mention, group[0]
    # A sub-heading ("Hostage swap") announces what the text below tells; alone it is no event.
    groups = [g for g in groups
              if not all(any(start <= m.head.idx < end for start, end in subheadings) for m in g)]
    joined = _outcomes_by_group(groups, outcomes or [])
    events = []
    first_sentence = 0
    for group in sorted(groups, key=lambda g: min(m.first for m in g)):
        lead = group[0]
        ordered = sorted(group, key=lambda m: m.first)
        shown = sorted(group + joined.get(id(group), []), key=lambda m: m.first)
        casualties: dict[str, int] = {}
        for mention in group:
            for kind, value in mention.casualties.items():
                casualties[kind] = max(casualties.get(kind, 0), value)
        salience = max(_weight(m) for m in group) + 0.3 * (len(group) - 1)
        if any(m.sentence == first_sentence for m in group):
            salience += 0.5
        if casualties:
            salience += 0.3
        events.append(Event(
            id=f"v{len(events) + 1}",
            type=lead.rule.type,
            trigger=mention_span(lead, text),
            actor=_first(m.actor for m in [lead, *ordered]),
            target=_first(m.target for m in [lead, *ordered]),
            location=_first(m.location for m in [lead, *ordered]),
            **_event_time(next((m.time for m in [lead, *ordered] if m.time), None)),
            casualties=Casualties(**casualties),
            modality=lead.modality,
            reported_by=next((m.reported_by for m in [lead, *ordered] if m.reported_by), None),
            acled_event_type=lead.rule.acled_event_type,
            acled_sub_event_type=lead.rule.acled_sub_event_type,
            cameo=lead.rule.cameo,
            salience=round(salience, 2),
            mentions=[EventMention(**mention_span(m, text).model_dump(), arguments=m.arguments)
                      for m in shown],
            arguments=_group_arguments([lead, *ordered]),
        ))
    return events


def _outcomes_by_group(groups: list[list[Mention]], outcomes: list[Mention]) -> dict[int, list[Mention]]:
    """Return, by group, the outcome mentions that belong to it: each to the event of its
    sentence that it is tied to in the parse ("exploded, killing five", "killed in the
    attack"), else to the nearest one."""
    joined: dict[int, list[Mention]] = {}
    for outcome in outcomes:
        candidates = [(_closeness(m, outcome), n, g) for n, g in enumerate(groups) for m in g
                      if m.sentence == outcome.sentence]
        if candidates:
            group = min(candidates, key=lambda c: (c[0], c[1]))[2]
            joined.setdefault(id(group), []).append(outcome)
    return joined


def _closeness(mention: Mention, outcome: Mention) -> tuple[int, int]:
    """Return how close a mention is to an outcome: tied to it in the parse first, then by distance."""
    tied = _governs(mention.head, outcome.head) or _governs(outcome.head, mention.head)
    return (0 if tied else 1, abs(mention.head.i - outcome.head.i))


def _governs(upper: Token, lower: Token) -> bool:
    node = lower
    for _ in range(4):
        if node.head == node:
            return False
        node = node.head
        if node == upper:
            return True
    return False


def _group_arguments(mentions: list[Mention]) -> list[EventArgument]:
    """Return one argument per role for an event: the actor and target of the lead mention,
    else of the first other mention that has them, and the mention of the place the event is
    put at (so that it names the event's location)."""
    chosen: dict[str, EventArgument] = {}
    for mention in mentions:
        for argument in mention.arguments:
            if argument.role != "location":
                chosen.setdefault(argument.role, argument)
        if mention.place_argument is not None:
            chosen.setdefault("location", mention.place_argument)
    return [chosen[role] for role in ("actor", "target", "location") if role in chosen]


def _event_time(time: TimeExpression | None) -> dict:
    """Return an event's time fields from the time expression that dates it."""
    if time is None:
        return {"time": None, "time_precision": "unknown", "time_id": None}
    return {"time": calendar_date(time.value), "time_precision": precision_of(time.value), "time_id": time.id}


def _weight(mention: Mention) -> float:
    """Return how central one mention is: its trigger's specificity, raised when it heads its
    sentence ("Protests were held ... over an accident"), lowered when it did not happen."""
    weight = float(mention.rule.priority)
    node, depth = mention.head, 0
    while node.head != node and depth < 3:
        node, depth = node.head, depth + 1
    if node.head == node:
        weight += (0.6, 0.4, 0.2, 0.0)[depth]
    if mention.modality in ("hypothetical", "planned", "negated"):
        weight -= 1.0
    if _is_background(mention.head):
        weight -= 0.8
    return weight


BACKGROUND_WORDS = {"after", "following", "response", "retaliation", "over", "amid", "since", "before",
                    "revenge", "despite"}


def _is_background(head: Token) -> bool:
    """Return True when the event is given as the cause or setting of another ("sanctions in
    response to an attack", "protests over a spill", "expelled after a poisoning")."""
    node = head
    for _ in range(4):
        if node.head == node:
            return False
        if node.dep_ in ("prep", "mark", "pobj") and node.lower_ in BACKGROUND_WORDS:
            return True
        if node.lower_ in BACKGROUND_WORDS and node.pos_ in ("ADP", "SCONJ", "NOUN"):
            return True
        node = node.head
    return False


def _first(entities) -> str | None:
    return next((e.id for e in entities if e is not None), None)
