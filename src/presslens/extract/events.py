"""Events: what happened, typed, with who did it to whom, where, when, at what cost, how
certainly, and who says so.

Triggers (verbs and nominalisations, "shelled", "missile attack", "annexation") come from
``lexicons/event-triggers.tsv``, which types each one in presslens's scheme and maps it to an
ACLED event and sub-event type and a CAMEO root. A trigger may carry a condition on its
arguments or its sentence (an "attack" with a "grenade" is a Grenade; a "protest" where
police "opened fire" is Excessive force against protesters); the word classes those
conditions test are in ``lexicons/event-context.tsv``.

For each trigger the dependency parse gives the actor (subject, agent, possessor or a
national adjective), the target (object, "attack on X") and the location (a place entity
under "in", "near", "at", "on"..., else the nearest place in the sentence, towns before
countries). Time is the date of the time expression (``article.times``) that modifies the
trigger, else one of its sentence that modifies no other event, with its precision (day,
week, month, year). Casualties come from the casualty amounts of the same sentence. Modality
comes from hedges (``lexicons/hedges.tsv``), modal auxiliaries and negation; an event inside
a quote's content, or in a sentence with "according to", is reported by that quote's speaker.

Mentions of one event (headline, bullet, body) are merged: same type and same place or
target, or an unplaced mention of a type already placed ("the attack"). Political and
administrative events (decrees, referendums, mobilisation) merge by country.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token

from presslens.extract.entities import entities_by_token
from presslens.extract.event_arguments import written_arguments
from presslens.extract.times import calendar_date, precision_of
from presslens.ingest.document import Document
from presslens.lexicons import load_table
from presslens.nlp import text_of
from presslens.record import (
    Article,
    Casualties,
    Entity,
    Event,
    EventArgument,
    ReportedBy,
    Span,
    TimeExpression,
)

PLACE_TYPES = {"GPE", "LOC", "FAC"}
ACTOR_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
# Names whose words are not triggers: "Security Council", "Institute for the Study of War".
NAME_TYPES = {"PERSON", "ORG", "WORK_OF_ART", "LAW", "PRODUCT", "NORP", "GPE", "LOC", "FAC"}
LOCATION_PREPS = {"in", "near", "at", "on", "outside", "around", "across", "inside", "into", "along",
                  "within", "off", "from", "over", "towards", "toward", "between", "through"}
TARGET_PREPS = {"on", "against", "at", "of", "targeting", "upon"}
ARG_DEPS = {"compound", "amod", "nmod", "dobj", "nsubjpass", "attr", "npadvmod", "poss", "acomp", "oprd"}
ARG_PREPS = {"with", "on", "against", "of", "at", "into", "by", "from", "targeting", "upon", "in"}
SUBJECT_DEPS = ("nsubj", "csubj")
MODALITY_ORDER = ("negated", "hypothetical", "suspected", "alleged", "planned", "reported")
# Event types whose mentions across an article are one process in one country (a
# mobilisation, a referendum campaign), not separate incidents.
COUNTRYWIDE_TYPES = {"decree", "referendum", "mobilisation", "annexation", "sanction", "sabotage",
                     "expulsion", "diplomatic", "talks", "agreement", "ceasefire", "curfew", "emergency"}


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


@dataclass
class _Mention:
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
    arguments: list[EventArgument] = field(default_factory=list)


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


def extract_events(doc: Doc, document: Document, article: Article) -> list[Event]:
    """Return the article's events, one per real-world event, in order of first mention."""
    if len(doc) == 0:
        return []
    text = text_of(doc)
    sentence_of, sentences = _sentences(doc)
    words = [(t.lemma_.lower(), t.lower_) for t in doc]
    context = [frozenset(w for i in range(start, end) for w in words[i]) for start, end in sentences]
    index = entities_by_token(doc, article.entities)
    in_time = _time_tokens(doc, article.times)
    mentions = _find_triggers(doc, words, sentence_of, context, index, in_time)
    if not mentions:
        return []
    block_starts = sorted(block.start for block in document.blocks)
    quote_at = _innermost_quotes(article, len(text))
    for mention in mentions:
        _arguments(mention, index, sentences, _block_start(block_starts, mention.head.idx))
        mention.modality = _modality(mention)
        mention.reported_by = _reported_by(mention, article, index, sentences, quote_at)
        if mention.reported_by is not None and mention.modality == "asserted":
            mention.modality = "reported"
    _attach_times(mentions, article.times, doc, sentence_of)
    _link_casualties(mentions, article, doc, sentence_of)
    return _merge(mentions, text, sentences, _subheadings(document), article.published)


def _time_tokens(doc: Doc, times: list[TimeExpression]) -> set[int]:
    """Return the indices of the tokens inside a time expression."""
    inside: set[int] = set()
    for time in times:
        span = doc.char_span(time.start, time.end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
    return inside


def _sentences(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    sentence_of = [0] * len(doc)
    bounds = []
    for number, sentence in enumerate(doc.sents):
        bounds.append((sentence.start, sentence.end))
        for i in range(sentence.start, sentence.end):
            sentence_of[i] = number
    return sentence_of, bounds


def _find_triggers(doc: Doc, words: list[tuple[str, str]], sentence_of: list[int],
                   context: list[frozenset[str]], index: dict[int, Entity], in_time: set[int]) -> list[_Mention]:
    rules = trigger_rules()
    found: list[_Mention] = []
    i = 0
    n = len(doc)
    while i < n:
        candidates = rules.get(words[i][0], []) + (rules.get(words[i][1], []) if words[i][1] != words[i][0] else [])
        entity = index.get(i)
        # Names and time expressions ("in March", "Operation Storm") are not triggers.
        if not candidates or entity is not None and entity.type in NAME_TYPES or i in in_time:
            i += 1
            continue
        matched = None
        for rule in sorted(candidates, key=lambda r: -len(r.words)):
            last = _match(rule.words, words, i)
            if last is None:
                continue
            head = _phrase_head(doc, i, last)
            if _holds(rule, head, doc, i, last, context[sentence_of[i]], index):
                matched = (rule, last, head)
                break
        if matched is None:
            i += 1
            continue
        rule, last, head = matched
        found.append(_Mention(rule, i, last, head, sentence_of[i]))
        i = last + 1
    return _drop_subsumed(found)


def _match(phrase: tuple[str, ...], words: list[tuple[str, str]], i: int) -> int | None:
    """Return the last token index of the phrase matched from token i (hyphens skipped)."""
    j = i
    for k, word in enumerate(phrase):
        while k and j < len(words) and words[j][1] in ("-", "–"):
            j += 1
        if j >= len(words) or word not in words[j]:
            return None
        j += 1
    return j - 1


def _phrase_head(doc: Doc, first: int, last: int) -> Token:
    if first == last:
        return doc[first]
    # A verb phrase ("open fire", "set up") is headed by its verb, a noun compound by its last noun.
    if doc[first].pos_ in ("VERB", "AUX"):
        return doc[first]
    outside = [t for t in doc[first:last + 1] if not first <= t.head.i <= last or t.head == t]
    return outside[0] if len(outside) == 1 else doc[last]


def _holds(rule: TriggerRule, head: Token, doc: Doc, first: int, last: int, sentence_words: frozenset[str],
           index: dict[int, Entity]) -> bool:
    if not rule.conditions:
        return True
    classes = word_classes()
    arguments: set[str] | None = None
    subjects: set[str] | None = None
    for name, value in rule.conditions:
        if name == "pos":
            wanted = {"NOUN": ("NOUN", "PROPN"), "VERB": ("VERB",)}.get(value, (value,))
            if head.pos_ not in wanted:
                return False
        elif name in ("ctx", "!ctx"):
            hit = not classes.get(value, frozenset()).isdisjoint(sentence_words)
            if hit != (name == "ctx"):
                return False
        elif name == "arg":
            if arguments is None:
                arguments, places = _argument_words(head, first, last, index)
                if places and value == "territory":
                    continue
            if classes.get(value, frozenset()).isdisjoint(arguments):
                return False
        elif name == "subj":
            if subjects is None:
                subjects = _subject_words(head)
            if classes.get(value, frozenset()).isdisjoint(subjects):
                return False
        elif name == "place":
            if not _argument_words(head, first, last, index)[1]:
                return False
    return True


def _words(token: Token) -> set[str]:
    words = {token.lemma_.lower(), token.lower_}
    for child in token.children:
        if child.dep_ in ("compound", "amod"):
            words.update((child.lemma_.lower(), child.lower_))
    return words


def _argument_words(head: Token, first: int, last: int, index: dict[int, Entity]) -> tuple[set[str], bool]:
    """Return the words of the trigger's modifiers and objects, and whether one is a place name."""
    words: set[str] = set()
    place = False
    doc = head.doc
    tokens = [doc[i] for i in range(first, last + 1)]
    for token in tokens:
        for child in token.children:
            if first <= child.i <= last:
                continue
            if child.dep_ in ARG_DEPS:
                words |= _words(child)
                place |= _is_place(child, index)
                for inner in child.children:  # "a total of 56 posts", "a stash of projectiles"
                    if inner.dep_ == "prep" and inner.lower_ == "of":
                        for obj in inner.children:
                            if obj.dep_ == "pobj":
                                words |= _words(obj)
            elif child.dep_ in ("prep", "agent") and child.lower_ in ARG_PREPS or child.dep_ == "acl":
                for grandchild in child.children:
                    if grandchild.dep_ in ("pobj", "dobj"):
                        words |= _words(grandchild)
                        place |= _is_place(grandchild, index)
                        for great in grandchild.children:
                            if great.dep_ == "prep" and great.lower_ == "of":
                                for obj in great.children:
                                    place |= _is_place(obj, index)
    # A participle on a noun takes the noun as its object ("diplomats expelled by the US").
    if head.dep_ == "acl" and head.head.pos_ in ("NOUN", "PROPN"):
        words |= _words(head.head)
    # A nominal trigger that is the object of a verb takes that verb's other words ("fired
    # dozens of rockets", "used mustard gas in an attack").
    if head.dep_ in ("dobj", "pobj") and head.head.pos_ in ("VERB", "ADP"):
        governor = head.head if head.head.pos_ == "VERB" else head.head.head
        for child in governor.children:
            if child.dep_ in ("dobj", "nsubjpass") and child != head:
                words |= _words(child)
    return words, place


def _is_place(token: Token, index: dict[int, Entity]) -> bool:
    entity = index.get(token.i)
    return entity is not None and entity.type in PLACE_TYPES


def _subject_words(head: Token) -> set[str]:
    """Return the words of the trigger's subject (or of the agent of a passive)."""
    subject = _subject(head)
    words: set[str] = set()
    if subject is not None:
        words |= _words(subject)
        for child in subject.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod"):
                words |= _words(child)
            elif child.dep_ == "prep" and child.lower_ in ("of", "from"):  # "units of the army"
                for obj in child.children:
                    words |= _words(obj)
    for child in head.children:
        if child.dep_ in ("poss", "amod", "compound") and head.pos_ in ("NOUN", "PROPN"):
            words |= _words(child)
    return words


def _subject(head: Token) -> Token | None:
    verb = head
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ == "dobj":
        verb = head.head
    for _ in range(3):
        for child in verb.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head != verb:
            verb = verb.head
        else:
            break
    return None


def _drop_subsumed(found: list[_Mention]) -> list[_Mention]:
    """Return the triggers without bare outcomes ("killed") in sentences that name the event,
    and without nouns that only modify another trigger ("protest march")."""
    by_sentence: dict[int, list[_Mention]] = defaultdict(list)
    for mention in found:
        by_sentence[mention.sentence].append(mention)
    heads = {m.head.i for m in found}
    kept = []
    for mention in found:
        others = [m for m in by_sentence[mention.sentence] if m is not mention]
        if mention.rule.priority == 0 and any(m.rule.priority > 0 for m in others):
            continue
        if mention.head.dep_ == "compound" and mention.head.head.i in heads:
            continue
        kept.append(mention)
    return kept


def _entity_of(token: Token | None, index: dict[int, Entity], types: set[str] | None = None) -> Entity | None:
    """Return the entity a noun phrase names: its head, else a name inside it."""
    if token is None:
        return None
    entity = index.get(token.i)
    if entity is not None and (types is None or entity.type in types):
        return entity
    for child in token.children:
        if child.dep_ in ("compound", "amod", "poss", "appos", "nmod"):
            entity = index.get(child.i)
            if entity is not None and (types is None or entity.type in types):
                return entity
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                entity = index.get(obj.i)
                if entity is not None and (types is None or entity.type in types):
                    return entity
    return None


def _block_start(block_starts: list[int], offset: int) -> int:
    start = 0
    for candidate in block_starts:
        if candidate > offset:
            break
        start = candidate
    return start


def _arguments(mention: _Mention, index: dict[int, Entity], sentences: list[tuple[int, int]],
               block_start: int) -> None:
    head = mention.head
    is_noun = head.pos_ in ("NOUN", "PROPN")
    actor = target = location = None
    subject = _subject(head)
    if is_noun:
        for child in head.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod") and actor is None:
                actor = _entity_of(child, index, ACTOR_TYPES)
        if actor is None and head.dep_ == "dobj":
            actor = _entity_of(subject, index, ACTOR_TYPES)
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.pos_ == "VERB":  # "Rockets hit Kharkiv"
            target = _entity_of(next((c for c in head.head.children if c.dep_ == "dobj"), None), index)
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in TARGET_PREPS and target is None:
                target = _entity_of(next((c for c in child.children if c.dep_ == "pobj"), None), index)
            if child.dep_ == "acl" and target is None:  # "decrees recognising Kherson"
                target = _entity_of(next((c for c in child.children if c.dep_ == "dobj"), None), index)
    else:
        actor = _entity_of(subject, index, ACTOR_TYPES)
        for child in head.children:
            if child.dep_ in ("dobj", "nsubjpass") and target is None:
                target = _entity_of(child, index)
            if child.dep_ == "prep" and child.lower_ in ("on", "against", "at") and target is None:
                target = _entity_of(next((c for c in child.children if c.dep_ == "pobj"), None), index)
    if target is not None and target.type in PLACE_TYPES:
        location = target
    if location is None:
        location = _prepositional_place(head, index)
        if location is None and head.head != head and head.dep_ in ("nsubj", "nsubjpass", "dobj"):
            location = _prepositional_place(head.head, index)
    if location is None and _countrywide(mention) and actor is not None and actor.type == "GPE":
        location = actor  # "Russia's mobilisation" happens in Russia
    if location is None:
        location = _nearest_place(head, index, sentences[mention.sentence], actor, countries=False)
    if location is None:
        # A bullet or paragraph often names the place once and then says "the plant".
        doc = head.doc
        for number in range(mention.sentence - 1, max(mention.sentence - 3, -1), -1):
            bounds = sentences[number]
            if doc[bounds[0]].idx < block_start:
                break
            location = _nearest_place(doc[bounds[1] - 1], index, bounds, actor, countries=False)
            if location is not None:
                break
    if location is None:
        location = _nearest_place(head, index, sentences[mention.sentence], actor, countries=True)
    mention.actor = actor if actor is not location else None
    mention.target, mention.location = target, location
    mention.arguments = _as_written(mention, subject, index)


def _as_written(mention: _Mention, subject: Token | None, index: dict[int, Entity]) -> list[EventArgument]:
    """Return the mention's actor, target and location as the text writes them."""
    doc = mention.head.doc
    found = []
    for role, first, last, relation in written_arguments(mention.head, subject):
        chosen = mention.actor if role == "actor" else mention.target
        named = [index[i] for i in range(first, last + 1) if i in index]
        entity = chosen if chosen is not None and chosen in named else (named[0] if named else None)
        start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
        found.append(EventArgument(role=role, relation=relation, entity_id=entity.id if entity else None,
                                   start=start, end=end, text=text_of(doc)[start:end]))
    if mention.location is not None and mention.location.mentions:
        place = min(mention.location.mentions, key=lambda m: abs(m.start - mention.head.idx))
        span = doc.char_span(place.start, place.end, alignment_mode="expand")
        token = span[0] if span and span[0].idx == place.start else None
        relation = token.head.lower_ if token is not None and token.dep_ == "pobj" else "nearby"
        found.append(EventArgument(role="location", relation=relation, entity_id=mention.location.id,
                                   start=place.start, end=place.end, text=place.text))
    return found


def _prepositional_place(token: Token, index: dict[int, Entity]) -> Entity | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in LOCATION_PREPS:
            for inner in _limited_subtree(child, 14):
                entity = index.get(inner.i)
                if entity is not None and entity.type in PLACE_TYPES:
                    return entity
    return None


def _limited_subtree(token: Token, limit: int) -> list[Token]:
    found = []
    stack = [token]
    while stack and len(found) < limit:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(list(node.children)))
    return sorted(found, key=lambda t: t.i)


def _nearest_place(head: Token, index: dict[int, Entity], bounds: tuple[int, int], actor: Entity | None,
                   countries: bool) -> Entity | None:
    """Return the place named nearest the trigger within bounds; towns and regions only unless
    `countries`. A place that acts ("Moscow staged", "Italy will not recognise", "Ukraine's
    agency") is an actor, not where the event happened."""
    best, best_distance = None, None
    doc = head.doc
    for i in range(*bounds):
        entity = index.get(i)
        if entity is None or entity.type not in PLACE_TYPES or entity is actor:
            continue
        if doc[i].dep_ in ("nsubj", "nsubjpass", "poss") or doc[i].dep_ == "case" and doc[i].head.dep_ == "poss":
            continue
        # Countries, seas and continents are too broad to place an incident.
        is_country = entity.geo is None or entity.geo.feature == "country" or entity.geo.country_code is None
        if is_country and not countries:
            continue
        distance = abs(i - head.i)
        if best_distance is None or distance < best_distance:
            best, best_distance = entity, distance
    return best


# --- time


def _attach_times(mentions: list[_Mention], times: list[TimeExpression], doc: Doc,
                  sentence_of: list[int]) -> None:
    """Give each mention the date of the time expression that modifies it; a time that
    modifies no event of its sentence goes to the sentence's events that have none, an
    explicit date before a relative one. Durations, frequencies and vague references date
    nothing."""
    starts = {t.idx: t for t in doc}
    by_head: dict[int, _Mention] = {}
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


def _owner(token: Token, by_head: dict[int, _Mention]) -> _Mention | None:
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


# --- modality and source


def _modality(mention: _Mention) -> str:
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
        subject = _subject(head)
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


def _innermost_quotes(article: Article, length: int) -> array:
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


def _reported_by(mention: _Mention, article: Article, index: dict[int, Entity],
                 sentences: list[tuple[int, int]], quote_at: array) -> ReportedBy | None:
    offset = mention.head.idx
    if 0 <= offset < len(quote_at) and quote_at[offset] >= 0:
        quote = article.quotes[quote_at[offset]]
        return ReportedBy(entity_id=quote.speaker.entity_id if quote.speaker else None, quote_id=quote.id)
    doc = mention.head.doc
    start, end = sentences[mention.sentence]
    for i in range(start, end - 1):
        if doc[i].lower_ == "according" and doc[i + 1].lower_ == "to":
            for token in _limited_subtree(doc[i + 1], 10):
                entity = index.get(token.i)
                if entity is not None and entity.type in ("PERSON", "ORG", "NORP", "GPE"):
                    return ReportedBy(entity_id=entity.id, quote_id=None)
    return None


# --- casualties


def _link_casualties(mentions: list[_Mention], article: Article, doc: Doc, sentence_of: list[int]) -> None:
    """Give each casualty amount to the nearest event of its sentence."""
    if not article.amounts:
        return
    starts = {t.idx: t.i for t in doc}
    by_sentence: dict[int, list[_Mention]] = defaultdict(list)
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


# --- merging mentions into events


def _subheadings(document: Document) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the sub-headings: headlines below the title."""
    return [(b.start, b.end) for b in document.blocks if b.kind == "headline" and b.level == 2]


def _compatible_times(event: _Mention, other: _Mention, published: str | None) -> bool:
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


def _same_event(event: _Mention, other: _Mention, published: str | None) -> bool:
    if event.rule.type != other.rule.type or not _compatible_times(event, other, published):
        return False
    if event.location is not None and other.location is not None:
        if event.location.id == other.location.id:
            return True
        if _countrywide(event):
            codes = [m.location.geo.country_code if m.location.geo else None for m in (event, other)]
            return None in codes or codes[0] == codes[1]
        return False
    if event.target is not None and other.target is not None:
        return event.target.id == other.target.id
    # A mention with neither place nor target refers back to the event already named.
    return other.location is None and other.target is None or event.location is None and event.target is None


def _countrywide(mention: _Mention) -> bool:
    return mention.rule.type in COUNTRYWIDE_TYPES


def _merge(mentions: list[_Mention], text: str, sentences: list[tuple[int, int]],
           subheadings: list[tuple[int, int]], published: str | None) -> list[Event]:
    groups: list[list[_Mention]] = []
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
    events = []
    first_sentence = 0
    for group in sorted(groups, key=lambda g: min(m.first for m in g)):
        lead = group[0]
        ordered = sorted(group, key=lambda m: m.first)
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
            trigger=_span(lead, text),
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
            mentions=[_span(m, text) for m in ordered],
            arguments=_group_arguments([lead, *ordered]),
        ))
    return events


def _group_arguments(mentions: list[_Mention]) -> list[EventArgument]:
    """Return one argument per role for an event: the lead mention's, else the first other
    mention's that has it."""
    chosen: dict[str, EventArgument] = {}
    for mention in mentions:
        for argument in mention.arguments:
            chosen.setdefault(argument.role, argument)
    return [chosen[role] for role in ("actor", "target", "location") if role in chosen]


def _event_time(time: TimeExpression | None) -> dict:
    """Return an event's time fields from the time expression that dates it."""
    if time is None:
        return {"time": None, "time_precision": "unknown", "time_id": None}
    return {"time": calendar_date(time.value), "time_precision": precision_of(time.value), "time_id": time.id}


def _weight(mention: _Mention) -> float:
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


def _span(mention: _Mention, text: str) -> Span:
    doc = mention.head.doc
    start = doc[mention.first].idx
    end = doc[mention.last].idx + len(doc[mention.last].text)
    return Span(start=start, end=end, text=text[start:end])
