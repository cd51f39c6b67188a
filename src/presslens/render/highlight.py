"""Turning a text and labelled spans into escaped, well-formed HTML with nested highlights."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape


@dataclass(frozen=True)
class Highlight:
    """A span to mark up: CSS classes and extra attributes (values are escaped on output)."""

    start: int
    end: int
    classes: str
    attributes: tuple[tuple[str, str], ...] = field(default=())


def highlight(text: str, start: int, end: int, spans: list[Highlight]) -> str:
    """Return text[start:end] as HTML, each piece wrapped in the spans that cover it.

    The text is cut at every span boundary and each piece is wrapped on its own, outermost
    (longest) span first, so overlapping spans always give well-formed markup.
    """
    inside = [s for s in spans if s.start < end and s.end > start and s.end > s.start]
    cuts = sorted({start, end, *(max(s.start, start) for s in inside), *(min(s.end, end) for s in inside)})
    pieces: list[str] = []
    for left, right in zip(cuts, cuts[1:]):
        covering = sorted((s for s in inside if s.start <= left and s.end >= right),
                          key=lambda s: (s.start - s.end, s.start))
        html = escape(text[left:right])
        for span in reversed(covering):
            attributes = "".join(f' {name}="{escape(value)}"' for name, value in span.attributes)
            html = f'<span class="{escape(span.classes)}"{attributes}>{html}</span>'
        pieces.append(html)
    return "".join(pieces)
