"""Attaching quotations to attributions: direct, mixed and continued quotes.

Receives the quoted spans and the attributions; returns every attribution with its
quotations. Inside a reported clause a quotation makes a mixed quote, or a direct one when the
clause is all quotation; next to a cue ("said: ‘…’", "‘…,’ he said") a direct one; after an
attributed quote of the same paragraph a further part of that quote. A quoted phrase with no
cue and no sentence of its own is a scare quote or a title and is left out.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Token

from presslens.extract.quotes.clauses import (
    MAX_LABEL_TOKENS,
    MIN_UNATTRIBUTED_WORDS,
    NAME_POS,
    SENTENCE_END,
    Attribution,
    grammatical_subject,
    hands_over_to,
    is_mark,
    label_head,
    label_start,
    name_after,
    span_of,
    verb_source,
)
from presslens.extract.quotes.cues import cue_class
from presslens.extract.quotes.marks import QuotedSpan
from presslens.nlp import subtree, text_of

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
AFTER_WINDOW = 25  # tokens after a closing mark in which ", he said" is looked for
# Dashes that sign a quotation with its speaker's name: "‘…’ — Jo Doe".
SIGNING_DASHES = {"—", "―", "–", "--"}
MAX_SIGNATURE_TOKENS = 12  # "— Jo Doe, 34, a nurse from Dayton"
BEFORE_WINDOW = 4  # tokens before "…: ‘" in which the cue verb is looked for


def attach_quotes(doc: Doc, quotes: list[QuotedSpan], found: list[Attribution],
                  block_of, paragraph) -> list[Attribution]:
    """Return every attribution with its quotations, plus the direct quotes found by
    adjacency, continuation or on their own; scare quotes are left out."""
    token_starts = [t.idx for t in doc]
    by_cue = {a.cue[0].i: a for a in found}
    result = list(found)
    # the colons of transcript turns, by position, so a long text's quotations do not each
    # read every attribution
    colons = sorted((a.cue[0].i, order) for order, a in enumerate(found) if a.lemma == ":")
    colon_at = [i for i, _ in colons]
    previous: Attribution | None = None
    for quote in quotes:
        first, last = token_range(token_starts, doc, quote.outer)
        inside = colons[bisect_right(colon_at, first):bisect_right(colon_at, last)]
        turns = [found[order] for _, order in sorted(inside, key=lambda pair: pair[1])]
        if turns:
            _split_into_turns(doc, quote, turns)
            previous = None
            continue
        holder = _signature(doc, quote, last, paragraph)
        if holder is not None:
            result.append(holder)
        else:
            holder = _holder(result, first, last)
        if holder is None:
            holder = _adjacent_cue(doc, quote, first, last, by_cue, result, paragraph)
        if holder is None:
            holder = _governing_cue(doc, first, last, by_cue, result, paragraph(first))
        if holder is None and previous is not None and _continues(previous, quote, block_of, doc, first):
            holder = previous
            if block_of(quote.start) != block_of(previous.quotes[-1].start):
                holder = Attribution([], previous.lemma, previous.cue_class, previous.source, None,
                                     continued=True)
                result.append(holder)
        if holder is None:
            if not _is_sentence(doc, first, last, quote, token_starts):
                continue  # a scare quote, a title, a phrase nobody is quoted for
            source = _paragraph_speaker(doc, quote, first, last, result, block_of, paragraph)
            holder = Attribution([], "", "speech", source, None, nearby=source is not None)
            result.append(holder)
        holder.quotes.append(quote)
        previous = holder if holder.cue or holder.continued or holder.nearby else None
    for attribution in result:
        attribution.kind = _kind(doc, attribution, token_starts)
    return sorted(result, key=lambda a: _start_char(doc, a))


def _paragraph_speaker(doc: Doc, quote: QuotedSpan, first: int, last: int, result: list[Attribution],
                       block_of, paragraph) -> Token | None:
    """Return the source of the nearest speech cue in a cue-less quotation's paragraph, else,
    when the quotation is the whole paragraph, of the last one in the paragraph before.

    Writers state the speaker once per paragraph ("Smith told AFP on Monday. ‘…’") and let a
    paragraph that is only a quotation go on with the speaker just named.
    """
    def sources(bounds: tuple[int, int]) -> list[Attribution]:
        return [a for a in result if a.cue and a.source is not None and a.cue_class in ("speech", "naming")
                and bounds[0] <= a.cue[0].i < bounds[1] and not first <= a.cue[0].i <= last]

    bounds = paragraph(first)
    here = sources(bounds)
    if here:
        return min(here, key=lambda a: abs(a.cue[0].i - first)).source
    block_start, block_end = block_of.bounds(block_of(quote.start))
    whole = text_of(doc)[block_start:block_end].strip()
    if bounds[0] == 0 or len(whole) - (quote.outer[1] - quote.outer[0]) > 2:
        return None
    before = sources(paragraph(bounds[0] - 1))
    return max(before, key=lambda a: a.cue[0].i).source if before else None


def token_range(token_starts: list[int], doc: Doc, span: tuple[int, int]) -> tuple[int, int]:
    first = max(bisect_right(token_starts, span[0]) - 1, 0)
    last = max(bisect_left(token_starts, span[1]) - 1, first)
    return first, last


def _holder(found: list[Attribution], first: int, last: int) -> Attribution | None:
    """Return the attribution whose content holds the quotation (the narrowest one)."""
    holders = [a for a in found if a.content and a.content[0] <= last and first < a.content[1]]
    return min(holders, key=lambda a: a.content[1] - a.content[0]) if holders else None


def _adjacent_cue(doc: Doc, quote: QuotedSpan, first: int, last: int, by_cue: dict,
                  result: list[Attribution], paragraph) -> Attribution | None:
    """Return the attribution of a cue written just before ("said: ‘") or after ("’ he said")."""
    text = text_of(doc)
    # Before: "X said: ‘…’", "X said, ‘…’", "X: ‘…’" (headline style).
    position = first - 1
    while position >= 0 and doc[position].is_space:
        position -= 1  # a quotation set as its own paragraph after "X continued:"
    if position >= 0 and doc[position].text in (":", ","):
        for index in range(position - 1, max(position - 1 - BEFORE_WINDOW, -1), -1):
            token = doc[index]
            if token.text in SENTENCE_END or is_mark(token) or "\n" in token.text:
                break
            kind = cue_class(token)
            if kind is not None:
                attribution = _cue_attribution(token, kind, by_cue, result, paragraph(index))
                if attribution.source is not None and token.i < attribution.source.i < position:
                    attribution.source_range = (token.i + 1, position)  # "Said Jo Doe: ‘…’"
                return attribution
        introducer = doc[position].head
        while introducer.dep_ not in ("ROOT", "ccomp", "conj") and introducer.head != introducer:
            introducer = introducer.head  # "released the following statement:" hangs on the noun
        if doc[position].text == ":" and introducer.pos_ in ("VERB", "AUX") and introducer.i < position \
                and grammatical_subject(introducer) is not None and paragraph(introducer.i) == paragraph(position):
            # "Cruz hit back: ‘…’": whatever the verb, a clause with a subject that hands
            # over to a quotation with a colon introduces the speaker's words.
            return _cue_attribution(introducer, cue_class(introducer) or "speech", by_cue, result,
                                    paragraph(introducer.i))
        if doc[position].text == ":" and position > 0 and doc[position - 1].pos_ == "PROPN":
            start = label_start(doc, paragraph(position)[0], position)
            colon = Attribution([doc[position]], ":", "speech", label_head(doc[position - 1], start), None,
                                source_range=(start, position) if start > paragraph(position)[0] else None)
            result.append(colon)
            return colon
    # After: "‘…,’ he said", "‘…?’ asked the minister" — only when the quote hands over
    # with a comma, question or exclamation mark rather than ending its sentence.
    inner_end = text[quote.end - 1] if quote.end > 0 else ""
    after = text[quote.outer[1]] if quote.outer[1] < len(text) else ""
    hands_over = text[quote.end:quote.outer[1]].strip(" ’'”\"»›").startswith(",") or after == ","
    if not hands_over and inner_end not in "?!," and inner_end in ".;:":
        return None
    for index in range(last + 1, min(last + 1 + AFTER_WINDOW, len(doc))):
        token = doc[index]
        if token.text in SENTENCE_END or is_mark(token) or "\n" in token.text:
            break
        kind = cue_class(token)
        if kind is None and (hands_over or inner_end in ",?!") and token.pos_ == "VERB" and token.tag_ != "VBG":
            kind = "speech"  # "‘…,’ he continued", "‘…,’ Smith shot back": the frame makes it speech
        if kind is not None:
            subject = grammatical_subject(token)
            between = doc[last + 1:index]
            written = set(subject.subtree) if subject is not None else set()
            if all(t in written or t.is_punct for t in between) and (
                    any(t in written for t in between) or _inverted_subject(token)):
                return _cue_attribution(token, kind, by_cue, result, paragraph(first))
            inverted = _misparsed_inverted_subject(token) if subject is None and all(
                t.is_punct for t in between) else None
            if inverted is not None and token.i not in by_cue:
                attribution = _cue_attribution(token, kind, by_cue, result, paragraph(first))
                attribution.source = inverted
                return attribution
            # "‘…?’ the 43-year-old asked", "‘…,’ Ramos, 58, told AFP": the parser lost the
            # subject, but a bare noun phrase between the quote and the verb is its speaker.
            # Anything else there ("‘…,’ he said, dismissing ...") means the cue is not this
            # quote's, or there is no "he said" at all.
            source = _source_between(between)
            if source is None or token.i in by_cue:
                return None
            attribution = _cue_attribution(token, kind, by_cue, result, paragraph(first))
            attribution.source = source
            return attribution
    return None


def _split_into_turns(doc: Doc, quote: QuotedSpan, turns: list[Attribution]) -> None:
    """Give each labelled turn of a quoted transcript ("‘SMITH: …", "‘DOE: …", one paragraph
    each inside one quotation) its paragraph's piece of the quotation, after the label."""
    text = text_of(doc)
    for turn in turns:
        colon = turn.cue[0].idx
        piece = next(((s, e) for s, e in quote.parts if s <= colon < e), None)
        if piece is None:
            continue
        start = colon + 1
        while start < piece[1] and text[start].isspace():
            start += 1
        if start < piece[1]:
            turn.quotes.append(QuotedSpan([(start, piece[1])], piece))


def _signature(doc: Doc, quote: QuotedSpan, last: int, paragraph) -> Attribution | None:
    """Return the attribution of a quotation signed with a dash and a name after it ("‘…’ —
    Jo Doe", "‘…’ ― Jo Doe, a nurse"), the name running to the paragraph's end or to the next
    quotation; None for a quotation not signed so."""
    dash = last + 1
    if len(doc[last].text) > 1 and any(doc[last].text.endswith(d) for d in SIGNING_DASHES):
        dash = last  # "…”―Jo Doe": the tokenizer keeps the closing mark and the dash together
    if dash >= paragraph(last)[1] or dash > last and doc[dash].text not in SIGNING_DASHES:
        return None
    end = dash + 1
    limit = min(paragraph(last)[1], dash + 1 + MAX_SIGNATURE_TOKENS + 1)
    while end < limit and not is_mark(doc[end]) and "\n" not in doc[end].text and not doc[end].is_space:
        end += 1
    if end == limit and end != paragraph(last)[1]:
        return None  # the words run on: a clause set off by dashes, not a signature
    words = [t for t in doc[dash + 1:end] if not t.is_punct]
    quoted = [t for t in doc[max(last - MAX_SIGNATURE_TOKENS * 4, 0):last] if quote.start <= t.idx < quote.end]
    if sum(1 for t in quoted if not t.is_punct) < MIN_UNATTRIBUTED_WORDS:
        return None  # a title in marks ("‘Born to Run’ — J. Doe") is not a quotation signed
    if not words or not words[0].text[:1].isupper() or words[0].pos_ in ("PRON", "DET") \
            or any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" for t in words):
        return None  # "‘…’ — and then he left" goes on with the sentence
    name = []
    for token in doc[dash + 1:end]:
        if token.text in (",", "(") or token.text in SENTENCE_END:
            break
        name.append(token)
    names = [t for t in name if t.pos_ == "PROPN" or t.text[:1].isupper()]
    if not names or names[0] is not name[0]:
        return None
    return Attribution([doc[dash]], "—", "speech", names[-1], None,
                       source_range=(name[0].i, name[-1].i + 1))


def _source_between(tokens) -> Token | None:
    """Return the head of a short noun phrase that is all of ``tokens`` or that opens them
    before an aside set off by commas ("Jo Doe, a lawyer then working for the city,"), or None."""
    commas = [k for k, t in enumerate(tokens) if t.text == ","]
    if len(commas) >= 2 and commas[-1] == len(tokens) - 1 and commas[0] > 0:
        return _source_between(tokens[:commas[0]])
    words = [t for t in tokens if not t.is_punct]
    if not words or len(words) > MAX_LABEL_TOKENS or any(t.pos_ not in NAME_POS for t in words):
        return None
    if words[-1].pos_ not in ("PROPN", "NOUN", "ADJ") and words[0].pos_ != "PROPN":
        return None
    outer = [t for t in words if not tokens[0].i <= t.head.i <= tokens[-1].i]
    return outer[0] if outer else words[-1]


def _misparsed_inverted_subject(verb: Token) -> Token | None:
    """Return the speaker of "‘…,’ exhorted Smith's aide" or "‘…,’ tweeted spokesman Jo
    Doe" where the parser read the name after the verb as its object, or the verb as an
    adjective of the name; None when no name follows the verb."""
    if verb.dep_ == "amod" and verb.head.i > verb.i and verb.head.pos_ in ("PROPN", "NOUN"):
        name = verb.head
        while name.dep_ == "compound" and name.head.i > name.i:
            name = name.head  # "spokesman" in "tweeted spokesman Jo Doe": the name's head is "Doe"
        return name
    following = next((c for c in verb.children if c.i > verb.i and c.dep_ in ("dobj", "attr", "npadvmod")), None)
    if following is not None and following.pos_ in ("PROPN", "NOUN") and following.left_edge.i == verb.i + 1:
        return following
    return name_after(verb) if hands_over_to(verb) else None


def _inverted_subject(verb: Token) -> bool:
    return any(c.dep_ in SUBJECT_DEPS and c.i > verb.i for c in verb.children)


def _cue_attribution(verb: Token, kind: str, by_cue: dict, result: list[Attribution],
                     bounds: tuple[int, int]) -> Attribution:
    """Return the attribution of a cue verb, made (without clause content) if it had none."""
    existing = by_cue.get(verb.i)
    if existing is not None:
        return existing
    source = verb_source(verb, None, bounds)
    if source is None and (verb.i == bounds[0] or verb.is_sent_start or is_mark(verb.doc[verb.i - 1])):
        source = name_after(verb)  # "Said Jo Doe: ‘…’": the cue opens the sentence, its speaker after it
    attribution = Attribution([verb] + [c for c in verb.children if c.dep_ == "prt"], verb.lemma_.lower(),
                              kind, source, None)
    by_cue[verb.i] = attribution
    result.append(attribution)
    return attribution


def _continues(previous: Attribution, quote: QuotedSpan, block_of, doc: Doc, first: int) -> bool:
    """Return True when a quote goes on with the previous speaker's words: later in the
    same paragraph ("‘…,’ said X. ‘…’"), or as the whole of the next paragraph."""
    if not previous.quotes or previous.kind == "mixed" and not previous.continued:
        return False
    last_quote = previous.quotes[-1]
    here, there = block_of(quote.start), block_of(last_quote.start)
    if here == there:
        return True
    if here != there + 1:
        return False
    text = text_of(doc)
    block_start, block_end = block_of.bounds(here)
    whole = text[block_start:block_end].strip()
    # The paragraph is the quotation and nothing else ("‘…’" possibly with its full stop).
    return quote.outer[0] <= block_start + 1 and len(whole) - (quote.outer[1] - quote.outer[0]) <= 2


def _governing_cue(doc: Doc, first: int, last: int, by_cue: dict, result: list[Attribution],
                   bounds: tuple[int, int]) -> Attribution | None:
    """Return the attribution of a cue verb that governs a quoted phrase ("called X ‘…’")."""
    roots = [t for t in doc[first:last + 1] if not first <= t.head.i <= last]
    for root in roots:
        token = root.head
        for _ in range(8):
            if first <= token.i <= last or not bounds[0] <= token.i < bounds[1]:
                break
            kind = cue_class(token)
            if kind is not None and (grammatical_subject(token) is not None or token.i in by_cue):
                if any(first <= t.i <= last for t in _subject_tokens(token)):
                    break  # the quotation is the subject, not the words reported
                attribution = _cue_attribution(token, kind, by_cue, result, bounds)
                if attribution.content is None:
                    attribution.content = span_of(min(first, token.i + 1), max(last + 1, token.i + 1), token)
                elif attribution.content[1] <= last:  # "called X ‘…’ and ‘…’": take in the second
                    attribution.content = (attribution.content[0], last + 1)
                return attribution
            if token.head == token:
                break
            token = token.head
    return None


def _subject_tokens(verb: Token) -> list[Token]:
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    return subtree(subject) if subject is not None else []


def _is_sentence(doc: Doc, first: int, last: int, quote: QuotedSpan, token_starts: list[int]) -> bool:
    """Return True when a quotation with no cue is a sentence someone said, not a phrase."""
    inner = [t for t in doc[first:last + 1] if quote.start <= t.idx < quote.end]
    words = [t for t in inner if not t.is_punct]
    if len(words) < MIN_UNATTRIBUTED_WORDS:
        return False
    has_verb = any(t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "conj") for t in inner)
    starts_sentence = first == 0 or doc[first].is_sent_start or doc[first - 1].text in (":", "\n\n") \
        or "\n" in doc[first - 1].text or doc[first - 1].is_space
    return has_verb and starts_sentence


def _kind(doc: Doc, attribution: Attribution, token_starts: list[int]) -> str:
    if not attribution.quotes:
        return "indirect"
    if attribution.content is None:
        return "direct"
    start, end = attribution.content
    gap = attribution.gap or (end, end)
    outside = [t for t in doc[start:end] if not t.is_punct and not t.is_space and not gap[0] <= t.i < gap[1]
               and not any(q.outer[0] <= t.idx < q.outer[1] for q in attribution.quotes)]
    if outside:
        return "mixed"
    return "direct"


def _start_char(doc: Doc, attribution: Attribution) -> int:
    starts = [q.start for q in attribution.quotes]
    if attribution.content:
        starts.append(doc[attribution.content[0]].idx)
    if attribution.cue:
        starts.append(attribution.cue[0].idx)
    return min(starts) if starts else 0


# ---------------------------------------------------------------------------------------
# 4. Speakers
