"""Name cards left in plain text: the pop-ups some sites attach to a politician's name.

Receives a block of text; returns the character ranges of the cards in it. A page that links a
name to a card of that person's full name and latest headlines loses the markup when its text
is copied or extracted elsewhere, and what is left reads

    President Jo Doe Joanna Mary DoeFerry fares to rise Harbour board names chair MORE says…

the name as the article shows it, the full name glued to the first headline, more headlines,
and the card's closing "MORE", then the sentence goes on. The card runs from the end of the
name shown to the end of "MORE"; cutting it leaves "President Jo Doe says…". A card is taken
only when all of it holds: a closing "MORE" in capitals (not "READ MORE:"), a surname glued
to the next word's capital, and the same surname ending the name shown just before the full
name, with only names between, so ordinary text is never cut.
"""

from __future__ import annotations

import re

CARD_MAX_CHARS = 1500  # a card's full name and headlines, at the most
FULL_NAME_MAX_CHARS = 80  # between the name shown and the surname glued to the headline
CLOSING = re.compile(r"(?<![A-Z]) MORE(?![\w:])")
# Where the full name ends: glued to the first headline ("DoeSenators", "Doe2020 Democrats")
# or, on some pages, a space before it ("Doe Senators").
NAME_END = re.compile(r"(?<=[a-z])(?=[A-Z0-9'‘“\"])|(?<=[a-z])(?= [A-Z0-9'‘“\"])")
NAME_WORD = re.compile(r"[A-Z][A-Za-z'’\-]{2,}")  # "Doe", "McDoe", "O'Doe"
# Between the name shown and the full name's surname: given names, initials, a nickname in
# brackets, particles ("Joanna Mary", "J. (Jo) van").
FULL_NAME = re.compile(r"\s*(?:(?:[A-Z][\w.'’\-]*|\([^()\s][^()]{0,30}\)|[a-z]{1,3})\s+)*")


def name_cards(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character ranges of the name cards in a text, in order."""
    cards: list[tuple[int, int]] = []
    done = 0
    for closing in CLOSING.finditer(text):
        start = _card_start(text, max(done, closing.start() - CARD_MAX_CHARS), closing.start())
        if start is not None:
            cards.append((start, closing.end()))
            done = closing.end()
    return cards


def _card_start(text: str, low: int, high: int) -> int | None:
    """Return where the card before ``high`` starts (the end of the name shown), or None.

    A given name repeated ("Jo Doe Jo Anne Doe…") looks like a short card ending in "Jo"; of
    the starts found within a full name's length of the first, the last is the card's."""
    found: int | None = None
    for end in NAME_END.finditer(text, low, high):
        word_start = max(text.rfind(" ", low, end.start()), text.rfind("(", low, end.start())) + 1
        if found is not None and word_start > found + FULL_NAME_MAX_CHARS:
            break
        surname = text[word_start:end.start()]
        if not NAME_WORD.fullmatch(surname):
            continue
        # the name shown: the last time the surname ends a word before the full name
        before = text[max(low, word_start - FULL_NAME_MAX_CHARS):word_start]
        ends = [m.end() for m in re.finditer(re.escape(surname) + r"(?=[\s,]|[A-Z])", before)]
        if not ends:
            continue
        shown_end = word_start - len(before) + ends[-1]
        if FULL_NAME.fullmatch(text, shown_end, word_start):
            found = shown_end
    return found
