"""Quotation marks: the quoted spans of a text, read from its characters alone.

Receives the article text and its paragraph offsets; returns ``QuotedSpan`` objects, each
the pieces of quoted text (without marks) and the marks' outer extent. A closing ’ is told
from an apostrophe ("It’s", "Putin’s") by its neighbours and by whether a quote is open, and a
quote whose paragraph ends open is joined with the next paragraph that reopens it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

from presslens.lexicons import load_table


@cache
def mark_table() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    table = {mark: (family, role) for mark, family, role in load_table("quotation-marks.tsv")}
    # Two-character marks first, so "''" is one mark and not two apostrophes.
    ordered = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(m) for m in ordered)), table


@dataclass
class QuotedSpan:
    """A quotation: its pieces of quoted text (without marks) and the marks' outer extent."""

    parts: list[tuple[int, int]]
    outer: tuple[int, int]

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]


def find_quote_marks(text: str, blocks: list[tuple[int, int]]) -> list[QuotedSpan]:
    """Return the top-level quotations of a text, a quote continued over paragraphs as one.

    ``blocks`` are the (start, end) offsets of the paragraphs, in order. One regular
    expression pass over the text finds the candidate marks; each is then read from its
    neighbouring characters.
    """
    pattern, table = mark_table()
    candidates = [(m.start(), m.group()) for m in pattern.finditer(text)]
    quotes: list[QuotedSpan] = []
    carried: tuple[str, int, list[tuple[int, int]]] | None = None  # open quote from the last block
    position = 0
    for block_start, block_end in blocks:
        first = bisect_left(candidates, (block_start, ""), lo=position)
        last = bisect_left(candidates, (block_end, ""), lo=first)
        position = last
        marks = candidates[first:last]
        # stack entries: (family, offset of the open mark, parts so far, content start)
        stack: list[tuple[str, int, list[tuple[int, int]], int]] = []
        if carried is not None:
            family, outer_start, parts = carried
            carried = None
            if marks and marks[0][0] == _first_visible(text, block_start, block_end):
                mark_family, role = _read_mark(text, marks[0][0], marks[0][1], table, [])
                if mark_family == family and role == "open":
                    stack.append((family, outer_start, parts, marks[0][0] + len(marks[0][1])))
                    marks = marks[1:]
        for offset, mark in marks:
            family, role = _read_mark(text, offset, mark, table, stack)
            if role == "close":
                depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == family), None)
                if depth is None:
                    continue  # an apostrophe, or a mark whose opening was lost
                _, outer_start, parts, content_start = stack[depth]
                del stack[depth:]
                if not stack:
                    parts = parts + [(content_start, offset)]
                    quotes.append(QuotedSpan(parts, (outer_start, offset + len(mark))))
            elif role == "open":
                stack.append((family, offset, [], offset + len(mark)))
        if stack:
            family, outer_start, parts, content_start = stack[0]
            end = _last_visible(text, content_start, block_end)
            if end > content_start:
                carried = (family, outer_start, parts + [(content_start, end)])
    return [q for q in (_trimmed(text, q) for q in quotes) if q is not None]


def _read_mark(text: str, offset: int, mark: str, table: dict, stack: list) -> tuple[str, str | None]:
    """Return the family of a mark and its role here: open, close or None (an apostrophe)."""
    family, role = table[mark]
    before = text[offset - 1] if offset > 0 else " "
    after_index = offset + len(mark)
    after = text[after_index] if after_index < len(text) else " "
    open_family = stack[-1][0] if stack else None
    if family == "single" and before.isalnum() and after.isalnum():
        return family, None  # inside a word: "It’s", "O’Malley", "Putin‘s"
    if mark == "’" and before.isspace():
        return family, None  # elided "’90s", "’em": an apostrophe opening a word
    if mark in ("’", "'") and before.isalnum():
        # "countries’ leaders" or a closing mark: only a quote that is open can close here.
        return family, ("close" if any(f == family for f, *_ in stack) else None)
    if role == "either":
        if before.isspace() and (after.isspace() or after in ".,;") and open_family == family:
            return family, "close"  # "…our 'final offer,' " the agent wrote": a closing mark set apart
        opens = before.isspace() or before in "([{—–-/" or offset == 0
        closes = not before.isspace() and (after.isspace() or not after.isalnum())
        if opens and not closes:
            return family, "open"
        if closes and not opens:
            return family, "close"
        return family, ("close" if open_family == family else "open")
    return family, role


def _first_visible(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _last_visible(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _trimmed(text: str, quote: QuotedSpan) -> QuotedSpan | None:
    """Return the quote with each part stripped of spaces and of the comma that hands over to
    the attribution ("…,’ he said"); None when nothing is left."""
    parts = []
    for start, end in quote.parts:
        while start < end and text[start].isspace():
            start += 1
        while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
            end -= 1
        if end > start:
            parts.append((start, end))
    return QuotedSpan(parts, quote.outer) if parts else None


# ---------------------------------------------------------------------------------------
# 2. Attributions from cues
