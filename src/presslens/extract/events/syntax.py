"""Reading the dependency parse around a trigger: sentences, subjects, bounded subtrees.

Receives spaCy tokens; returns tokens and token bounds. Shared by the trigger, argument and
modality steps.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

SUBJECT_DEPS = ("nsubj", "csubj")


def sentences(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """Return each token's sentence number and each sentence's (start, end) token bounds."""
    sentence_of = [0] * len(doc)
    bounds = []
    for number, sentence in enumerate(doc.sents):
        bounds.append((sentence.start, sentence.end))
        for i in range(sentence.start, sentence.end):
            sentence_of[i] = number
    return sentence_of, bounds


def subject_of(head: Token) -> Token | None:
    """Return the subject of a trigger's clause, or the agent of a passive, climbing through xcomp, conj and advcl."""
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


def limited_subtree(token: Token, limit: int) -> list[Token]:
    """Return up to `limit` tokens of the subtree under a token, in text order."""
    found = []
    stack = [token]
    while stack and len(found) < limit:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(list(node.children)))
    return sorted(found, key=lambda t: t.i)
