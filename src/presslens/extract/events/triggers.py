"""Finding event triggers: lexicon phrases in the parse whose conditions hold.

Receives the parsed doc, its words and sentences, the entities by token and the tokens of
time expressions; returns one Mention per trigger, outcomes and modifiers of another trigger
left out.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc, Token

from presslens.extract.events.lexicon import TriggerRule, trigger_rules, word_classes
from presslens.extract.events.mention import Mention
from presslens.extract.events.syntax import subject_of
from presslens.record import Entity, TimeExpression

PLACE_TYPES = {"GPE", "LOC", "FAC"}
# Names whose words are not triggers: "Security Council", "Institute for the Study of War".
NAME_TYPES = {"PERSON", "ORG", "WORK_OF_ART", "LAW", "PRODUCT", "NORP", "GPE", "LOC", "FAC"}


ARG_DEPS = {"compound", "amod", "nmod", "dobj", "nsubjpass", "attr", "npadvmod", "poss", "acomp", "oprd"}
ARG_PREPS = {"with", "on", "against", "of", "at", "into", "by", "from", "targeting", "upon", "in"}


def time_tokens(doc: Doc, times: list[TimeExpression]) -> set[int]:
    """Return the indices of the tokens inside a time expression."""
    inside: set[int] = set()
    for time in times:
        span = doc.char_span(time.start, time.end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
    return inside


def find_triggers(doc: Doc, words: list[tuple[str, str]], sentence_of: list[int],
                   context: list[frozenset[str]], index: dict[int, Entity], in_time: set[int]) -> list[Mention]:
    rules = trigger_rules()
    found: list[Mention] = []
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
        found.append(Mention(rule, i, last, head, sentence_of[i]))
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
    subject = subject_of(head)
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


def _drop_subsumed(found: list[Mention]) -> list[Mention]:
    """Return the triggers without nouns that only modify another trigger ("protest march"),
    bare outcomes ("killed") in sentences that name the event marked as outcomes."""
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for mention in found:
        by_sentence[mention.sentence].append(mention)
    heads = {m.head.i for m in found}
    kept = []
    for mention in found:
        others = [m for m in by_sentence[mention.sentence] if m is not mention]
        if mention.head.dep_ == "compound" and mention.head.head.i in heads:
            continue
        if mention.rule.priority == 0 and any(m.rule.priority > 0 for m in others):
            mention.outcome = True
        kept.append(mention)
    return kept
