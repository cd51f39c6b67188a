"""The event lexicons: trigger rules, the word classes their conditions test, and hedges.

Receives nothing; returns the rows of ``lexicons/event-triggers.tsv``, ``event-context.tsv``
and ``hedges.tsv`` as the rules and sets the other steps look words up in, read once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from presslens.lexicons import load_table


@dataclass(frozen=True)
class TriggerRule:
    """One row of event-triggers.tsv."""

    words: tuple[str, ...]
    type: str
    acled_event_type: str | None
    acled_sub_event_type: str | None
    cameo: str | None
    priority: int
    conditions: tuple[tuple[str, str], ...]


@cache
def trigger_rules() -> dict[str, list[TriggerRule]]:
    """Return the trigger rules by their first word, longer phrases first."""
    rules: dict[str, list[TriggerRule]] = defaultdict(list)
    for row in load_table("event-triggers.tsv"):
        words, kind, event_type, sub_type, cameo, priority, condition = row
        conditions = tuple(
            (c.split(":", 1)[0], c.split(":", 1)[1] if ":" in c else "")
            for c in condition.split(",") if c and c != "-"
        )
        rule = TriggerRule(tuple(words.split()), kind, None if event_type == "-" else event_type,
                           None if sub_type == "-" else sub_type, None if cameo == "-" else cameo,
                           int(priority), conditions)
        rules[rule.words[0]].append(rule)
    for first in rules:
        # Stable sort: longer phrases first, file order within a length.
        rules[first].sort(key=lambda r: -len(r.words))
    return dict(rules)


@cache
def word_classes() -> dict[str, frozenset[str]]:
    """Return each word class of event-context.tsv as a set of lemmas."""
    classes: dict[str, set[str]] = defaultdict(set)
    for name, word in load_table("event-context.tsv"):
        classes[name].add(word)
    return {name: frozenset(words) for name, words in classes.items()}


@cache
def hedges() -> dict[str, str]:
    """Return the modality of each hedge cue."""
    return dict(load_table("hedges.tsv"))
