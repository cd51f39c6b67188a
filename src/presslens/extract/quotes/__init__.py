"""Quotes: who said what, as direct, mixed and indirect quotations with resolved speakers.

Works on the one parse the pipeline made, one module a step:

1. ``marks``: quotation marks paired into quoted spans;
2. ``cues``: the cue lexicon (which words report, and of which class);
3. ``clauses``: each cue's source and content read from the dependency tree, and
   ``headlines``: those of a title-case headline, read from the word order;
4. ``attach``: quoted spans given to attributions (direct, mixed, continued);
5. ``filters``: what looks like a quote and is not (headline labels, dummy subjects);
6. ``speakers``: the source as written resolved to an article entity, or left unresolved.

``extract_quotes`` runs them and returns the article's ``Quote`` records.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Token

from presslens.extract.entities import entities_by_token
from presslens.extract.quotes.attach import attach_quotes, token_range
from presslens.extract.quotes.clauses import Attribution, find_attributions, trimmed_range
from presslens.extract.quotes.filters import not_a_quote
from presslens.extract.quotes.headlines import title_case_attributions
from presslens.extract.quotes.marks import find_quote_marks
from presslens.extract.quotes.speakers import (
    COUNTRY_CUE_CLASSES,
    Said,
    past_dateline,
    resolve_speaker,
    source_tokens,
    speaker_name,
    unrecognised_person,
)
from presslens.ingest.document import Document
from presslens.nlp import subtree, text_of
from presslens.record import Cue, Entity, Quote, Span, Speaker

CONFIDENCE = {
    "named": 0.95,  # a named or nominal source written next to the cue
    "resolved": 0.85,  # a pronoun or nominal resolved to an entity
    "unresolved": 0.7,  # a source span that names no known entity
    "not_speech": 0.6,  # beliefs, stances, perceptions, evidence: attributed, not necessarily said
    "continued": 0.6,  # a paragraph-long quote read as continuing the previous speaker
    "nearby": 0.5,  # a quote with no cue of its own, given to the speaker of its paragraph
    "no_speaker": 0.4,
}


class _Blocks:
    """Maps a character offset to the index of its paragraph."""

    def __init__(self, document: Document, length: int):
        bounds = [(b.start, b.end) for b in document.blocks] or [(0, length)]
        self.starts = [s for s, _ in bounds]
        self.ranges = bounds

    def __call__(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def bounds(self, index: int) -> tuple[int, int]:
        return self.ranges[index]


def extract_quotes(doc: Doc, document: Document, entities: list[Entity]) -> list[Quote]:
    """Return the article's quotes (direct, mixed, indirect) in text order, ids "q1", "q2"…"""
    text = text_of(doc)
    blocks = _Blocks(document, len(text))
    quotes = find_quote_marks(text, blocks.ranges)
    token_starts = [t.idx for t in doc]
    quoted = sorted(token_range(token_starts, doc, (q.start, q.end)) for q in quotes)
    quoted = [(first, last + 1) for first, last in quoted]
    block_tokens = [bisect_left(token_starts, start) for start, _ in blocks.ranges] + [len(doc)]

    def paragraph(i: int) -> tuple[int, int]:
        number = max(bisect_right(block_tokens, i) - 1, 0)
        return block_tokens[number], block_tokens[min(number + 1, len(block_tokens) - 1)]

    found = find_attributions(doc, quoted, paragraph)
    # A title-case headline's verb is read from the words when the parse found no speaker
    # there; a text's first block in title case is its headline, whatever its length.
    headline = next((b for b, block in enumerate(document.blocks) if block.kind == "headline"),
                    0 if document.blocks else None)
    if headline is not None:
        first, last = paragraph(block_tokens[headline])
        if not any(first <= a.cue[0].i < last for a in found if a.cue and a.source is not None):
            found = sorted(found + title_case_attributions(doc, (first, last), quoted),
                           key=lambda a: a.cue[0].i if a.cue else 0)
    attributions = attach_quotes(doc, quotes, found, blocks, paragraph)
    attributions = [a for a in attributions if not not_a_quote(a, attributions, document, blocks)]
    index = entities_by_token(doc, entities)
    inside = frozenset(i for first, end in quoted for i in range(first, end))
    history: list[Said] = []
    records: list[Quote] = []
    last_speaker: Speaker | None = None
    for attribution in attributions:
        record = _record(doc, attribution, index, entities, history, blocks, paragraph, last_speaker,
                         len(records) + 1, inside)
        if record is None:
            continue
        records.append(record)
        if record.speaker is not None:
            last_speaker = record.speaker
    return records


def _record(doc: Doc, attribution: Attribution, index: dict[int, Entity], entities: list[Entity],
            history: list[Said], blocks: _Blocks, paragraph, last_speaker: Speaker | None,
            number: int, quoted: frozenset[int]) -> Quote | None:
    text = text_of(doc)
    if attribution.quotes and attribution.kind == "direct":
        parts = [p for q in attribution.quotes for p in q.parts]
    elif attribution.content is not None:
        pieces = [attribution.content]
        if attribution.gap is not None:  # "This campaign, he says, is different": two pieces
            (start, end), (gap_start, gap_end) = attribution.content, attribution.gap
            pieces = [r for r in (trimmed_range(doc, start, gap_start), trimmed_range(doc, gap_end, end)) if r]
        parts = []
        for first, last in pieces:
            start, end = doc[first].idx, _end_char(doc[last - 1])
            for quote in attribution.quotes:  # a mixed quote's content takes in the marks it opens
                if quote.outer[0] < end and start < quote.outer[1]:
                    start, end = min(start, quote.outer[0]), max(end, quote.outer[1])
            parts.append((start, end))
    else:
        return None
    if not parts:
        return None  # nothing of the content is left outside the cue's own clause
    start, end = parts[0][0], parts[-1][1]
    content = Span(start=start, end=end, text=text[start:end])
    cue = None
    if attribution.cue:
        cue_start, cue_end = attribution.cue[0].idx, _end_char(attribution.cue[-1])
        # naming ("called it a sham") is a way of speaking: users filter on four categories
        category = "speech" if attribution.cue_class == "naming" else attribution.cue_class
        cue = Cue(start=cue_start, end=cue_end, text=text[cue_start:cue_end], lemma=attribution.lemma,
                  category=category)
    speaker = None
    confidence = CONFIDENCE["no_speaker"]
    if attribution.continued and last_speaker is not None:
        speaker, confidence = last_speaker, CONFIDENCE["continued"]
    elif attribution.source is not None:
        source = attribution.source
        if attribution.source_range is not None:
            tokens = list(doc[attribution.source_range[0]:attribution.source_range[1]])  # "‘…’ — Jo Doe"
        elif attribution.lemma == ":" and attribution.cue:
            # the label up to its colon, without the mark opening a quoted transcript
            tokens = [t for t in subtree(source) if t.i < attribution.cue[0].i and not t.is_quote]
        else:
            tokens = source_tokens(source, attribution.cue[0] if attribution.cue else None, paragraph(source.i))
            source, tokens = past_dateline(source, tokens, index)
        tokens = tokens or [source]  # trimming can leave nothing (a source of punctuation only)
        block = blocks(source.idx)
        entity, how = resolve_speaker(source, index, entities, history, block, quoted)
        if entity is not None and entity.type == "GPE" and attribution.cue_class not in COUNTRY_CUE_CLASSES:
            entity, how = None, "group"  # "The US wants reform": the writer's summary of a country
        group = how == "group"
        if entity is None:
            how = "unresolved"
        speaker_start, speaker_end = tokens[0].idx, _end_char(tokens[-1])
        written = text[speaker_start:speaker_end]
        # a group ("Republicans", "Americans") is shown as written and counted as nobody's
        speaker = Speaker(entity_id=entity.id if entity else None,
                          name=None if group else speaker_name(tokens, source, entity),
                          start=speaker_start, end=speaker_end, text=written)
        confidence = CONFIDENCE[how]
        if entity is not None:
            history.append(Said(source.idx, block, entity, entity.type == "PERSON"))
        else:  # an unnamed person ("he", "the driver") stands between a pronoun and earlier names
            history.append(Said(source.idx, block, None, *unrecognised_person(source)))
    if attribution.cue_class not in ("speech", "naming"):
        confidence = min(confidence, CONFIDENCE["not_speech"])
    if attribution.nearby:
        confidence = min(confidence, CONFIDENCE["nearby"])
    return Quote(
        id=f"q{number}",
        kind=attribution.kind,
        content=content,
        cue=cue,
        speaker=speaker,
        confidence=confidence,
        parts=[Span(start=s, end=e, text=text[s:e]) for s, e in parts] if len(parts) > 1 else [],
    )


def _end_char(token: Token) -> int:
    return token.idx + len(token.text)
