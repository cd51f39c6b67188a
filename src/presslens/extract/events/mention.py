"""One mention of an event: a matched trigger and what the later steps attach to it.

The trigger step makes mentions; the argument, dating, modality and casualty steps fill
their fields; the merging step turns groups of them into Event records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from presslens.extract.events.lexicon import TriggerRule
from presslens.record import Entity, EventArgument, ReportedBy, Span, TimeExpression

# Event types whose mentions across an article are one process in one country (a
# mobilisation, a referendum campaign), not separate incidents.
COUNTRYWIDE_TYPES = {"decree", "referendum", "mobilisation", "annexation", "sanction", "sabotage",
                     "expulsion", "diplomatic", "talks", "agreement", "ceasefire", "curfew", "emergency"}


@dataclass
class Mention:
    """One matched trigger; the later steps fill its fields."""

    rule: TriggerRule
    first: int
    last: int
    head: Token
    sentence: int
    actor: Entity | None = None
    target: Entity | None = None
    location: Entity | None = None
    time: TimeExpression | None = None
    modality: str = "asserted"
    reported_by: ReportedBy | None = None
    casualties: dict[str, int] = field(default_factory=dict)
    # Actor, target and location where the parse ties them to this trigger.
    arguments: list[EventArgument] = field(default_factory=list)
    # Where the event is placed, by syntax or by the nearest place named: the event's map point.
    place_argument: EventArgument | None = None
    # A bare outcome ("killing five") in a sentence that names the event it belongs to: a
    # mention of that event with its own arguments (the victims), never an event of its own.
    outcome: bool = False


def countrywide(mention: Mention) -> bool:
    """Return True for a type whose mentions are one process in one country."""
    return mention.rule.type in COUNTRYWIDE_TYPES


def mention_span(mention: Mention, text: str) -> Span:
    """Return the trigger's span in the text."""
    doc = mention.head.doc
    start = doc[mention.first].idx
    end = doc[mention.last].idx + len(doc[mention.last].text)
    return Span(start=start, end=end, text=text[start:end])
