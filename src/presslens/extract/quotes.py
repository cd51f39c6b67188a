"""Quotes: who said what, as direct, mixed and indirect quotations with resolved speakers.

Works on the one parse the pipeline made, in four steps that read like a spaCy component's
logic:

1. ``find_quote_marks`` pairs quotation marks into quoted spans, telling a closing ’ from an
   apostrophe ("It’s", "Putin’s") by its neighbours and by whether a quote is open, and
   joins a quote whose paragraph ends open with the next paragraph that reopens it.
2. ``find_attributions`` reads cue verbs ("said", "warned", "described ... as") and
   prepositional cues ("according to") from the dependency tree: the cue, its source (the
   grammatical subject, inherited over "and said", "..., vowing") and its content (the
   reported clause, else the object: "criticized the plan", "supports Smith", "records
   show a rise"). Verbs with a preposition ("called for", "talked about") and cue nouns
   with a clause ("Smith's claim that ...") are read the same way. Each cue has a class
   (speech, cognition, intent, perception, evidential, naming) from the lexicon.
3. ``attach_quotes`` gives every quoted span to an attribution: inside a reported clause it
   makes a mixed quote, or a direct one when the clause is all quotation; next to a cue
   ("said: ‘…’", "‘…,’ he said") a direct one; after an attributed quote of the same
   paragraph ("‘…,’ said X. ‘…’") a further part of that quote. A quoted phrase with no cue
   and no sentence of its own is a scare quote or a title and is left out.
4. ``resolve_speaker`` maps the source as written ("he", "the institute") to a canonical
   entity: the entity mentioned there, else for a pronoun the previous speaker or person,
   else for a nominal the entity whose name or title holds its head noun.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token

from presslens.extract.entities import entities_by_token
from presslens.ingest.document import Document
from presslens.lexicons import load_table
from presslens.nlp import text_of
from presslens.record import Cue, Entity, Quote, Span, Speaker

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"they", "it", "we", "them"}
RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Dependents of a cue verb that carry the reported words when there is no clause.
NAMING_DEPS = {"dobj", "oprd", "attr", "prep", "xcomp", "dative"}
# Relations by which a reporting verb hangs inside another's content yet reports on its own
# ("X pledged that ..., while Y said that ..."): such a report is kept and the outer content
# stops before it. Reached any other way (a clause inside a clause) it is the outer source's
# words and is left inside them.
SEPARATE_REPORT_DEPS = {"advcl", "conj", "parataxis"}
CONTRAST_MARKS = {"while", "whereas", "whilst"}
REPORT_MARKS = {"that", "if", "whether"}  # the conjunctions that open a reported clause
PRO_FORMS = {"yes", "no", "so"}  # words that stand for what was said ("said yes")
# Cue classes whose verb's object can be the content ("criticized the plan", "supports
# Smith", "records show a rise"); a belief or a perception needs a clause ("saw that ...").
OBJECT_CONTENT_CLASSES = {"speech", "intent", "evidential"}
# Prepositions by which a cue adjective governs what it is about ("critical of", "upbeat
# about"); a cue noun's are listed with it in the lexicon.
NOUN_CUE_PREPOSITIONS = {"of", "about", "on", "for", "against", "at", "to", "toward", "towards"}
# Cue classes that can be set into the clause they report ("X, he said, is Y", "as polls show").
INTERRUPTING_CLASSES = {"speech", "cognition", "evidential"}
SENTENCE_END = {".", "!", "?", ";"}
AFTER_WINDOW = 25  # tokens after a closing mark in which ", he said" is looked for
BEFORE_WINDOW = 4  # tokens before "…: ‘" in which the cue verb is looked for
PRONOUN_REACH = 3  # paragraphs back in which a pronoun's antecedent is looked for
MIN_UNATTRIBUTED_WORDS = 4
MAX_LABEL_TOKENS = 5  # "Senator Jane Doe: ..." names the speaker in a few words
# Parts of speech of a speaker written as a bare noun phrase ("the 43-year-old", "Ramos, 58").
NAME_POS = {"DET", "NUM", "PROPN", "NOUN", "ADJ"}

CONFIDENCE = {
    "named": 0.95,  # a named or nominal source written next to the cue
    "resolved": 0.85,  # a pronoun or nominal resolved to an entity
    "unresolved": 0.7,  # a source span that names no known entity
    "not_speech": 0.6,  # beliefs, stances, perceptions, evidence: attributed, not necessarily said
    "continued": 0.6,  # a paragraph-long quote read as continuing the previous speaker
    "nearby": 0.5,  # a quote with no cue of its own, given to the speaker of its paragraph
    "no_speaker": 0.4,
}


@cache
def _cue_lexicon() -> tuple[dict[str, str], dict[str, dict[str, str]], frozenset[str]]:
    """Return the one-word cues (lemma -> class), the verb + preposition cues (verb lemma ->
    preposition -> class) and the verbs whose object is the addressee, from the lexicon."""
    single: dict[str, str] = {}
    phrasal: dict[str, dict[str, str]] = {}
    addressee: set[str] = set()
    for lemma, kind, *frame in load_table("speech-verbs.txt"):
        verb, _, preposition = lemma.partition(" ")
        if preposition:
            phrasal.setdefault(verb, {})[preposition] = kind
        else:
            single[lemma] = kind
        if "addressee" in frame:
            addressee.add(lemma)
    return single, phrasal, frozenset(addressee)


@cache
def _topic_naming_verbs() -> frozenset[str]:
    """Return the naming verbs whose object is the content even without a label."""
    return frozenset(lemma for lemma, _, *frame in load_table("speech-verbs.txt") if "topic" in frame)


def _cue_classes() -> dict[str, str]:
    return _cue_lexicon()[0]


@cache
def _cue_nouns() -> dict[str, str]:
    return {lemma: kind for lemma, kind, *_ in load_table("cue-nouns.txt")}


@cache
def _noun_prepositions() -> dict[str, frozenset[str]]:
    """Return, for the cue nouns that take a prepositional object, the prepositions."""
    return {lemma: frozenset(rest[0].split()) for lemma, _, *rest in load_table("cue-nouns.txt") if rest}


@cache
def _cue_adjectives() -> dict[str, str]:
    return {lemma: kind for lemma, kind in load_table("cue-adjectives.txt")}



@cache
def _prepositional_cues() -> dict[str, str]:
    return {first: second for first, second in load_table("according-to.txt")}


@cache
def _marks() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    table = {mark: (family, role) for mark, family, role in load_table("quotation-marks.tsv")}
    # Two-character marks first, so "''" is one mark and not two apostrophes.
    ordered = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(m) for m in ordered)), table


# ---------------------------------------------------------------------------------------
# 1. Quotation marks


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
    pattern, table = _marks()
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


@dataclass
class Attribution:
    """A cue with its source tokens and content token range, before records are built."""

    cue: list[Token]
    lemma: str
    cue_class: str
    source: Token | None  # the head of the source phrase
    content: tuple[int, int] | None  # token range [start, end)
    quotes: list[QuotedSpan] = field(default_factory=list)
    kind: str = "indirect"
    continued: bool = False
    nearby: bool = False  # the source is borrowed from a cue elsewhere in the paragraph
    gap: tuple[int, int] | None = None  # the cue's own clause inside the content ("X, he said, is Y")
    read_from_words: bool = False  # source and content read from the word order, not the tree

    @property
    def position(self) -> int:
        starts = [self.cue[0].i]
        if self.content:
            starts.append(self.content[0])
        return min(starts)


def cue_class(token: Token) -> str | None:
    """Return the class of a cue verb ("speech", "cognition", "intent", "perception",
    "evidential", "naming") or None."""
    if token.pos_ not in ("VERB", "AUX") or token.tag_ == "MD" or token.dep_ == "amod":
        return None  # a participle before a noun describes it: "pledged delegates", "a feared attack"
    return _listed_class(token)


def _listed_class(token: Token) -> str | None:
    """Return the lexicon class of a word as a cue verb, whatever its part of speech."""
    classes = _cue_classes()
    # The lexicon also lists a few word forms the lemmatizer gets wrong ("hoping" -> "hop").
    return classes.get(token.lemma_.lower()) or classes.get(token.lower_)


def phrasal_cue(token: Token) -> tuple[str, Token] | None:
    """Return the class and the preposition of a verb + preposition cue ("call for",
    "talk about", "vote for"), or None."""
    prepositions = _cue_lexicon()[1].get(token.lemma_.lower())
    if prepositions is None or token.pos_ != "VERB":
        return None
    for child in token.children:
        if child.i > token.i and child.dep_ in ("prep", "prt") and child.lower_ in prepositions:
            return prepositions[child.lower_], child
    return None


def find_attributions(doc: Doc, quoted: list[tuple[int, int]], paragraph) -> list[Attribution]:
    """Return the attributions read from cue verbs and "according to", in text order.

    ``quoted`` are the token ranges inside quotation marks: a cue there is the quoted
    person's own words, not the article's attribution. ``paragraph(i)`` returns the token
    range of the paragraph holding token ``i``: the parser runs sentences over paragraph
    breaks, but a report never crosses one.
    """
    found: list[Attribution] = []
    for token in doc:
        if _inside(token.i, quoted):
            continue
        kind = cue_class(token)
        phrasal = phrasal_cue(token)
        attribution = None
        second = _prepositional_cues().get(token.lower_)
        if kind is not None or phrasal is not None:
            # "called for a recount" before "called it a sham": the preposition decides
            if phrasal is not None:
                attribution = _verb_attribution(token, phrasal[0], phrasal[1])
            if attribution is None and kind is not None:
                attribution = _verb_attribution(token, kind)
        elif token.pos_ == "NOUN" and token.lemma_.lower() in _cue_nouns():
            attribution = _noun_attribution(token, _cue_nouns()[token.lemma_.lower()])
        elif token.pos_ == "ADJ" and token.lemma_.lower() in _cue_adjectives():
            attribution = _adjective_attribution(token, _cue_adjectives()[token.lemma_.lower()])
        elif second is not None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == second:
            attribution = _prepositional_attribution(token, doc[token.i + 1])
        elif token.text == ":" and paragraph(token.i)[0] + MAX_LABEL_TOKENS >= token.i:
            attribution = _label_attribution(token, paragraph(token.i))
        if attribution is None and token.i + 1 < len(doc) and doc[token.i + 1].text in SENTENCE_END:
            attribution = _tag_attribution(token, paragraph(token.i))
        if attribution is not None and _within_paragraph(attribution, paragraph(token.i)):
            if attribution.source is None and token.tag_ in ("VBG", "VBN") and found \
                    and found[-1].source is not None and paragraph(found[-1].cue[0].i) == paragraph(token.i):
                attribution.source = found[-1].source  # "..., he said, claiming that ..."
            found.append(attribution)
    return _settle_nesting(found)


def _tag_attribution(token: Token, bounds: tuple[int, int]) -> Attribution | None:
    """Return the attribution of a tag that ends a sentence, ", records show." or ", the
    aide said.", read from the words alone: the parser often takes "records show" for a noun
    phrase and leaves such a tag with no clause. None for anything else."""
    kind = _listed_class(token)
    if kind not in INTERRUPTING_CLASSES or token.is_sent_start:
        return None
    doc = token.doc
    start = token.i
    while start - 1 > bounds[0] and token.i - start < MAX_LABEL_TOKENS and (
            doc[start - 1].pos_ in NAME_POS or doc[start - 1].pos_ == "PRON"
            or doc[start - 1].tag_ in ("VBG", "VBN") and doc[start].pos_ in ("NOUN", "PROPN")):  # "shipping documents"
        start -= 1
    if start == token.i or start - 1 <= bounds[0] or doc[start - 1].text != ",":
        return None
    content = _trimmed_range(doc, max(doc[start - 1].sent.start, bounds[0]), start - 1)
    if content is None or sum(1 for t in doc[content[0]:content[1]] if not t.is_punct) < MIN_UNATTRIBUTED_WORDS:
        return None
    return Attribution([token], token.lemma_.lower(), kind, doc[token.i - 1], content, read_from_words=True)


def _noun_attribution(noun: Token, kind: str) -> Attribution | None:
    """Return the attribution of a cue noun with a "that" clause ("Smith's claim that ...",
    "the warning that ..."), its possessor as the source; None without such a clause."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and c.i > noun.i
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if clause is None and noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
        # "Her argument is that ...", "The mayor's answer was that ...": the clause the
        # noun is said to be
        clause = next((c for c in noun.head.children if c.dep_ == "ccomp" and c.i > noun.head.i
                       and any(m.dep_ == "mark" and m.lower_ in REPORT_MARKS for m in c.children)), None)
    # the possessor; the small model sometimes labels "Smith’s" otherwise, but keeps its "’s"
    source = next((c for c in noun.children if c.i < noun.i and (
        c.dep_ == "poss" or any(m.dep_ == "case" for m in c.children))), None)
    if clause is not None:
        content = _span_of(clause.left_edge.i, clause.right_edge.i + 1, noun)
        return Attribution([noun], noun.lemma_.lower(), kind, source, content) if content else None
    light = noun.head if noun.dep_ == "dobj" and noun.head.pos_ == "VERB" else None
    wanted = next((c for c in noun.children if c.dep_ in ("acl", "relcl") and c.i > noun.i
                   and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)
    if wanted is not None and kind == "intent":
        # "Smith's pledge to cut taxes", "made a promise to cut taxes": what is pledged, held
        # by the possessor or by the one who made it
        holder = source if source is not None else (_subject(light) if light is not None else None)
        content = _span_of(wanted.left_edge.i, wanted.right_edge.i + 1, noun)
        if holder is not None and holder.lower_ not in RELATIVE_PRONOUNS and content:
            return Attribution([noun], noun.lemma_.lower(), kind, holder, content)
    # "her criticism of the plan", "took a swipe at Smith": without a clause the noun reports
    # what its preposition governs, and only when someone is written as holding it (the
    # possessor, or the subject of the light verb the noun is the object of).
    # "took a swipe at Smith": the parser hangs the preposition on the light verb
    holders = [noun] + ([light] if light is not None else [])
    allowed = _noun_prepositions().get(noun.lemma_.lower(), frozenset())
    preposition = next((c for h in holders for c in h.children if c.dep_ == "prep" and c.i > noun.i
                        and c.lower_ in allowed), None)
    objects = [c for c in preposition.children if c.dep_ in ("pobj", "pcomp")] if preposition else []
    if not objects:
        return None
    if source is None and light is not None:
        source = _subject(light)
    if source is None or source.lower_ in RELATIVE_PRONOUNS:
        return None
    content = _span_of(objects[0].left_edge.i, objects[-1].right_edge.i + 1, noun)
    return Attribution([noun, preposition], noun.lemma_.lower(), kind, source, content) if content else None


def _adjective_attribution(adjective: Token, kind: str) -> Attribution | None:
    """Return the attribution of a stance adjective predicated of its source ("Smith is
    critical of the plan", "she is confident that ...", "made it clear that ..."), or None
    when nothing is said to be held."""
    if adjective.dep_ not in ("acomp", "oprd", "ccomp"):
        return None  # "a critical vote" describes a noun: no one holds a stance there
    holder = adjective.head
    content = None
    clause = [c for c in adjective.children if c.i > adjective.i and (c.dep_ in ("ccomp", "xcomp") or c.dep_ == "advcl"
              and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children))]
    if not clause and adjective.dep_ == "oprd":
        clause = [c for c in holder.children if c.dep_ == "ccomp" and c.i > adjective.i]  # "made it clear that"
    preposition = next((c for c in adjective.children if c.dep_ == "prep" and c.lower_ in NOUN_CUE_PREPOSITIONS), None)
    objects = [c for c in preposition.children if c.dep_ in ("pobj", "pcomp")] if preposition else []
    if clause:
        content = _span_of(clause[0].left_edge.i, clause[-1].right_edge.i + 1, adjective)
    elif objects:
        content = _span_of(objects[0].left_edge.i, objects[-1].right_edge.i + 1, adjective)
    source = _subject(holder)
    if content is None or source is None:
        return None
    cue = [adjective] + ([preposition] if preposition is not None and not clause else [])
    return Attribution(cue, adjective.lemma_.lower(), kind, source, content)


def _label_attribution(colon: Token, bounds: tuple[int, int]) -> Attribution | None:
    """Return the attribution of a headline-style "Name: what they said" paragraph."""
    doc = colon.doc
    label = doc[bounds[0]:colon.i]
    if not label or any(t.pos_ in ("VERB", "AUX") for t in label) or label[-1].pos_ not in ("PROPN", "NOUN"):
        return None
    if len(label.text) == 1:
        return None  # an interview's "Q:" and "A:" mark turns, not speakers: their words are read as text
    # a name or a headline-style label ("Clinton camp:"): it opens with a capital and holds no clause
    if not label[0].text[:1].isupper() or any(t.pos_ in ("PRON", "SCONJ", "CCONJ") and t.lower_ not in ("and", "&")
                                               for t in label):
        return None
    content = _span_of(colon.i + 1, bounds[1], colon)
    if content is None or content[1] - content[0] < MIN_UNATTRIBUTED_WORDS:
        return None
    return Attribution([colon], ":", "speech", _label_head(label[-1], bounds[0]), content)


def _label_head(last: Token, start: int) -> Token:
    """Return the head of the name phrase ending at ``last`` ("Jane Roe and John Doe:"
    gives the first name, whose phrase holds both), within the paragraph from ``start``."""
    head = last
    while head.head != head and start <= head.head.i < last.i and head.dep_ in ("conj", "compound", "appos", "flat"):
        head = head.head
    return head


def _within_paragraph(attribution: Attribution, bounds: tuple[int, int]) -> bool:
    """Clip an attribution's content and source to its cue's paragraph; False if none is left."""
    start, end = bounds
    if attribution.content is not None:
        content_start, content_end = attribution.content
        first, last = max(content_start, start), min(content_end, end)
        clipped = _span_of(first, last, attribution.cue[0]) if attribution.gap is None \
            else _trimmed_range(attribution.cue[0].doc, first, last)
        if clipped is None:
            return False
        attribution.content = clipped
    verb = attribution.cue[0]
    if attribution.lemma in _prepositional_lemmas():
        if attribution.source is not None and not start <= attribution.source.i < end:
            attribution.source = None
    elif attribution.lemma != ":" and verb.pos_ not in ("NOUN", "ADJ") and not attribution.read_from_words \
            and not any(c.dep_ == "agent" for c in attribution.cue):
        attribution.source = _source(verb, attribution.content, bounds)
    return True


@cache
def _prepositional_lemmas() -> frozenset[str]:
    return frozenset(f"{first} {second}" for first, second in _prepositional_cues().items())


def _verb_attribution(verb: Token, kind: str, preposition: Token | None = None) -> Attribution | None:
    """Return the attribution of a cue verb (with its preposition, for "call for"), or None
    when the verb reports nothing."""
    subject = _subject(verb)
    if _hands_over_to(verb) and (subject is None and _name_after(verb) is not None
                                 or subject is not None and subject.i > verb.i):
        # "‘…,’ said Jo Doe, who heads ...": the quotation is what was said and the words
        # after the cue are its speaker, whatever clause the parser finds in them
        return None
    content = _clause_content(verb, kind, subject, preposition)
    gap = None
    if content is None and preposition is None and kind in INTERRUPTING_CLASSES:
        content, gap = _interrupted_clause(verb)
    cue = [verb] + [c for c in verb.children if c.dep_ == "prt" and c != preposition]
    if preposition is not None:
        cue.append(preposition)
    source = subject
    lemma = verb.lemma_.lower() if preposition is None else f"{verb.lemma_.lower()} {preposition.lower_}"
    if _is_passive(verb):
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        source = pobj  # "was reported by MSNBC"; a bare passive has no source
        if agent is not None:
            cue.append(agent)
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        patient = patient if patient is not None and patient.lower_ not in RELATIVE_PRONOUNS else None
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if content is None and pobj is None and patient is not None and xcomp is not None:
            # "Smith is expected to win", "she is believed to have left": a belief held by
            # no one named, about what the subject is to do.
            content = _span_of(xcomp.left_edge.i, xcomp.right_edge.i + 1, verb)
        if content is None and pobj is not None and kind != "naming" and patient is not None:
            # "Smith was praised by the mayor": what the source spoke about is the subject.
            content = _span_of(patient.left_edge.i, patient.right_edge.i + 1, verb)
    if content is None:
        return None
    return Attribution(sorted(cue, key=lambda t: t.i), lemma, kind, source, content, gap=gap)


def _interrupted_clause(verb: Token) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Return the content and the cue's own clause inside it for a cue set into the clause
    it reports: "This campaign, he says, is different", "As Smith noted, the plan failed";
    (None, None) for any other cue."""
    head = verb.head
    addressee = verb.lemma_.lower() in _cue_lexicon()[2]  # "Instead, the mayor told reporters, the levy ..."
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    as_clause = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    reported_by = as_clause and any(c.dep_ == "agent" for c in verb.children)  # "as reported by X"
    if head == verb or not (subjects or reported_by) or any(
            c.dep_ in ("ccomp", "xcomp", "nsubjpass") or c.dep_ == "dobj" and not addressee for c in verb.children):
        return None, None
    after = verb.doc[verb.right_edge.i + 1] if verb.right_edge.i + 1 < len(verb.doc) else None
    inserted = head.i > verb.i and (verb.dep_ == "parataxis" or verb.dep_ == "ccomp" and after is not None
                                    and after.text == ",")  # the parser also reads "X told Y," as a clause
    if not (inserted or as_clause):
        return None, None
    # a second subject the parser hung on the cue is the clause's own and stays content:
    # the cue's words then start at the subject next to it
    nearest = max((c for c in subjects if c.i < verb.i), key=lambda c: c.i, default=None)
    start = nearest.left_edge.i if len(subjects) > 1 and nearest is not None else verb.left_edge.i
    gap = (start, verb.right_edge.i + 1)
    words = [t for t in head.subtree if not gap[0] <= t.i < gap[1] and not t.is_punct]
    if len(words) < MIN_UNATTRIBUTED_WORDS:
        return None, None
    return (head.left_edge.i, head.right_edge.i + 1), gap


def _is_passive(verb: Token) -> bool:
    """Return True for a passive cue, with its auxiliary or reduced ("as reported by X")."""
    return verb.tag_ == "VBN" and any(c.dep_ in ("auxpass", "agent") for c in verb.children)


def _source(verb: Token, content: tuple[int, int] | None, bounds: tuple[int, int]) -> Token | None:
    """Return the head of a cue verb's source within its paragraph."""
    subject = _subject(verb)
    if subject is not None and bounds[0] <= subject.i < bounds[1]:
        return subject
    return _misparsed_subject(verb, content, bounds)


def _misparsed_subject(verb: Token, content: tuple[int, int] | None, bounds: tuple[int, int]) -> Token | None:
    """Return the source the parser hung elsewhere: ", the secretary-general said" read as an
    apposition, a paragraph's opening name tied to the paragraph before, or "Sources close
    to X, expected to ..., said" with the subject on a clause."""
    doc = verb.doc
    before = doc[verb.i - 1] if verb.i > bounds[0] else None
    if before is not None and before.pos_ in ("NOUN", "PROPN", "PRON"):
        postposed = content is not None and content[1] <= verb.i
        opening = all(t.pos_ not in ("VERB", "AUX") for t in doc[bounds[0]:verb.i])
        if postposed or opening:
            return before
    if content is not None and content[0] > verb.i:
        for child in verb.children:
            if child.i < verb.i and child.dep_ in ("ccomp", "advcl"):
                subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
                if subject is not None:
                    return subject
    return None


def _clause_content(verb: Token, kind: str, subject: Token | None,
                    preposition: Token | None = None) -> tuple[int, int] | None:
    """Return the token range a cue verb reports: its clause, the object of its preposition
    ("called for a recount"), its naming phrase, or its object ("criticized the plan").
    ``subject`` is the verb's subject as ``_subject`` finds it."""
    if preposition is not None:
        wanted = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > preposition.i), None)
        if wanted is not None:  # "called on the council to reopen the quay": what is asked for
            return _span_of(wanted.left_edge.i, wanted.right_edge.i + 1, verb)
        objects = [c for c in preposition.children if c.dep_ in ("pobj", "pcomp")]
        if not objects:
            return None
        return _span_of(objects[0].left_edge.i, objects[-1].right_edge.i + 1, verb)
    # "‘…,’ Smith said, as the crowd cheered": a clause opened by "as" or "while" is
    # circumstance, not what was said
    ccomp = [c for c in verb.children if c.dep_ == "ccomp" and not any(
        m.dep_ == "mark" and m.lower_ not in REPORT_MARKS for m in c.children)]
    if subject is not None and subject.i < verb.i and _hands_over_to(subject.left_edge):
        # "‘…,’ Smith said, adding the ferry is ready": after a quotation handed over to the
        # cue, a clause set off by a comma is not what the quotation's speaker said here
        ccomp = [c for c in ccomp if c.i < verb.i or not any(t.text == "," for t in verb.doc[verb.i + 1:c.left_edge.i])]
    if len(ccomp) > 1:  # "X, expected to ..., said Y": the clause after the cue is reported
        ccomp = [c for c in ccomp if c.i > verb.i] or ccomp[-1:]
    if ccomp:
        return _span_of(ccomp[0].left_edge.i, max(c.right_edge.i for c in ccomp) + 1, verb)
    if _postposed(verb, subject):
        # "The plan failed, the minister said": the clause before the cue is the content.
        return _span_of(verb.head.left_edge.i, subject.left_edge.i, verb)
    if _inverted_tag(verb):
        # "The vote signals the end, said Jo Doe": whatever the parser made of it, what
        # comes before the comma is what was said
        start = max(verb.sent.start, verb.left_edge.i) if verb.head == verb else verb.sent.start
        return _span_of(start, verb.i - 1, verb)
    question = next((c for c in verb.children if c.dep_ == "advcl" and c.i > verb.i and any(
        m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)), None)
    if question is not None and kind == "speech":  # "asked the board if the accounts were complete"
        return _span_of(question.left_edge.i, question.right_edge.i + 1, verb)
    # a belief written as a label needs someone who holds it: "known as ISIS" is a name in
    # use, "after recognising the regions as states" an act
    lemma = verb.lemma_.lower()
    labelled = _label_content(verb) if kind == "naming" or kind in ("cognition", "perception") \
        and lemma != "know" and subject is not None else None
    if labelled is not None or kind == "naming" and lemma not in _topic_naming_verbs():
        # "called the damage ‘sabotage’", "described the move as ...", "see Smith as the
        # stronger candidate": the thing named and its label; without a label ("called up
        # reservists") the verb reports nothing, unless it speaks of its object ("described
        # the flooded cellars").
        return labelled
    xcomp = [c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i]
    if kind == "cognition":
        # "expects to win", "considered running": an active belief about a course of action;
        # "is expected to" (no one holds it) needs a clause to be a report
        reduced_passive = verb.tag_ == "VBN" and not any(c.dep_ == "aux" for c in verb.children)  # "X, expected to win,"
        if not xcomp or _is_passive(verb) or reduced_passive or subject is None:
            return None
        return _span_of(xcomp[0].left_edge.i, xcomp[0].right_edge.i + 1, verb)
    if kind in ("intent", "speech") and xcomp:
        # "pledged to defend", "claimed it ‘looks like ...’", "told him to leave"
        objects = [c for c in verb.children if c.dep_ in ("dobj", "dative") and verb.i < c.i < xcomp[0].i]
        start = min([c.left_edge.i for c in objects] + [xcomp[0].left_edge.i])
        return _span_of(start, xcomp[0].right_edge.i + 1, verb)
    if kind == "speech":
        # "61 percent said yes", "most said so": the answer stands for the words
        answer = next((c for c in verb.children if c.i == verb.i + 1 and c.lower_ in PRO_FORMS), None)
        if answer is not None and answer.dep_ in ("intj", "advmod", "dobj"):
            return answer.i, answer.i + 1
    if kind not in OBJECT_CONTENT_CLASSES and lemma not in _topic_naming_verbs() or lemma in _cue_lexicon()[2]:
        return None  # "saw the crowd", "told reporters": the object is not what was reported
    # "criticized the plan", "endorsed Smith", "polls show a tight race": what is spoken of,
    # backed or shown is the object (PolNeAR's content for such cues).
    target = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if target is not None and target.lower_ not in RELATIVE_PRONOUNS:
        return _span_of(target.left_edge.i, target.right_edge.i + 1, verb)
    if target is None and verb.dep_ == "relcl" and verb.head.i < verb.i:
        return _relative_object(verb)
    return None


def _relative_object(verb: Token) -> tuple[int, int] | None:
    """Return the noun a relative clause's cue has as its object: "the pier she wants",
    "something the mayor opposed", "the bypass, which he favors"; None when the clause's subject
    is the relative pronoun ("people who oppose")."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in RELATIVE_PRONOUNS:
        return None
    return _span_of(verb.head.left_edge.i, verb.left_edge.i, verb)


def _postposed(verb: Token, subject: Token | None) -> bool:
    """Return True for a cue set after the clause it reports: "The plan failed, the
    minister said", also when the parser hangs it as an adverbial clause ("..., later than
    planned, the ministry reported on Friday"). ``subject`` is the verb's subject."""
    if verb.head.i >= verb.i or subject is None:
        return False
    if verb.dep_ == "parataxis":
        return True
    if verb.dep_ != "advcl" or subject.head != verb or subject.left_edge.i == 0 \
            or verb.doc[subject.left_edge.i - 1].text != ",":
        return False
    # a mark the parser hung on the cue from inside the clause before it does not count
    return not any(c.dep_ in ("ccomp", "dobj") or c.dep_ == "mark" and c.i >= subject.left_edge.i
                   for c in verb.children)


def _inverted_tag(verb: Token) -> bool:
    """Return True for a cue ending a sentence with its speaker after it: ", said Jo Doe"."""
    return verb.i > 0 and verb.doc[verb.i - 1].text == "," and (verb.head == verb or verb.dep_ in ("conj", "parataxis")) \
        and any(c.dep_ == "nsubj" and c.i > verb.i for c in verb.children)


def _label_content(verb: Token) -> tuple[int, int] | None:
    """Return the thing named and its label ("called the damage ‘sabotage’", "see Smith as
    the stronger candidate"), or None when the verb gives no label."""
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i]
    labels = [c for c in verb.children if c.i > verb.i and (
        c.dep_ == "oprd" or c.dep_ == "prep" and c.lower_ == "as"
        or c.dep_ == "advcl" and objects and c.left_edge.lower_ == "as")]
    labels += [c for o in objects for c in o.children if c.dep_ == "prep" and c.lower_ == "as"]
    if not labels:
        return None
    start = min(c.left_edge.i for c in objects + labels)
    return _span_of(start, max(c.right_edge.i for c in labels) + 1, verb)


def _span_of(start: int, end: int, verb: Token) -> tuple[int, int] | None:
    """Return a token range stripped of edge punctuation and of the cue itself."""
    if start <= verb.i < end:
        if verb.i - start >= end - verb.i - 1:
            end = verb.i
        else:
            start = verb.i + 1
    return _trimmed_range(verb.doc, start, end)


def _trimmed_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Return a token range stripped of edge punctuation (quotation marks kept), or None."""
    while start < end and (doc[start].is_punct and not _is_mark(doc[start]) or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and not _is_mark(doc[end - 1]) or doc[end - 1].is_space):
        end -= 1
    return (start, end) if end > start else None


def _is_mark(token: Token) -> bool:
    return _marks()[0].fullmatch(token.text) is not None


def _subject(verb: Token) -> Token | None:
    """Return the subject of a cue verb, inherited over coordination and participles."""
    current = verb
    if verb.tag_ == "VBG" and verb.dep_ == "advcl":
        # "X said that Y will fail, vowing ...": the parser hangs the participle on the
        # reported clause, but the one who vows is the reporter.
        reporter = verb.head
        for _ in range(3):
            if reporter.head == reporter:
                break
            if reporter.dep_ == "ccomp" and cue_class(reporter.head) == "speech":
                current = reporter.head
                break
            reporter = reporter.head
    for _ in range(4):
        subjects = [c for c in current.children if c.dep_ in ("nsubj", "csubj")]
        if subjects:
            # two subjects are a misparse ("…for people with ideas to organize, she said"):
            # the one nearest before the verb is its own, unless the verb opens an inverted
            # tag (", said Jo Doe")
            before = [c for c in subjects if c.i < current.i]
            after = [c for c in subjects if c.i > current.i]
            if after and current.i > 0 and current.doc[current.i - 1].text == ",":
                return after[0]
            return (before or subjects)[-1]
        if current.dep_ in ("conj", "advcl", "xcomp", "acomp") and current.head != current:
            current = current.head  # "... and said", "..., vowing", "wants to say", "is quick to point out"
            continue
        infinitive = current.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in current.children)
        if (current.dep_ == "acl" or infinitive) and current.head.head != current.head:
            current = current.head.head  # "issued a statement saying", "gave a speech to defend himself"
            continue
        if current.dep_ == "pcomp" and current.head.dep_ == "prep" and current.head.head != current.head:
            current = current.head.head  # "defended himself by saying", "left after warning"
            continue
        return None
    return None


def _prepositional_attribution(first: Token, second: Token) -> Attribution | None:
    source = next((c for c in second.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    head = first.head
    phrase_start, phrase_end = first.i, source.right_edge.i + 1
    if head == first or head.i >= phrase_start and head.i < phrase_end:
        return None
    sentence = head.sent
    start, end = head.left_edge.i, head.right_edge.i + 1
    if phrase_start <= start:
        start = phrase_end  # "According to X, ..."
    elif phrase_end >= end or all(t.is_punct for t in first.doc[phrase_end:sentence.end]):
        # "..., according to X.": the whole sentence before it, wherever the parser hung it
        start, end = min(start, sentence.start), phrase_start
    else:
        # "The ferry, according to the operator, will resume": the clause around the phrase
        content = _trimmed_range(first.doc, min(start, sentence.start), end)
        if content is None:
            return None
        return Attribution([first, second], f"{first.lower_} {second.lower_}", "speech", source, content,
                           gap=(phrase_start, phrase_end))
    span = _span_of(start, end, first) if end > start else None
    if span is None:
        return None
    return Attribution([first, second], f"{first.lower_} {second.lower_}", "speech", source, span)


def _settle_nesting(found: list[Attribution]) -> list[Attribution]:
    """Return the attributions with reports inside another's content settled (see
    SEPARATE_REPORT_DEPS): dropped when they are the outer source's words, otherwise
    kept and cut out of the outer content."""
    kept: list[Attribution] = []
    for inner in found:
        outer = next((a for a in found if a is not inner and a.content
                      and a.content[0] <= inner.cue[0].i < a.content[1]), None)
        if outer is None:
            kept.append(inner)
            continue
        verb = inner.cue[0]
        if verb.dep_ not in SEPARATE_REPORT_DEPS or not _separate_report(verb, outer):
            continue
        clause = (verb.left_edge.i, verb.right_edge.i + 1)
        start, end = outer.content
        if clause[1] >= end and clause[0] > start:
            outer.content = _span_of(start, clause[0], outer.cue[0]) or outer.content
        elif clause[0] <= start and clause[1] < end:
            outer.content = _span_of(clause[1], end, outer.cue[0]) or outer.content
        else:
            continue
        kept.append(inner)
    return sorted(kept, key=lambda a: a.position)


def _separate_report(verb: Token, outer: Attribution) -> bool:
    """Return True when a report met inside another's content is a report of its own: hung
    on the outer cue or outside its content, a participle of the reporter ("..., vowing"),
    or a contrast ("..., while Y said ..."); False when it sits in the reported words
    ("X argued that ... and that he fears ...")."""
    if verb.head == outer.cue[0] or not outer.content[0] <= verb.head.i < outer.content[1]:
        return True
    if verb.tag_ == "VBG" and verb.dep_ == "advcl":
        return True
    return any(c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS for c in verb.children)


def _inside(index: int, ranges: list[tuple[int, int]]) -> bool:
    position = bisect_right(ranges, (index, len(ranges) + 10**9)) - 1
    return position >= 0 and ranges[position][0] <= index < ranges[position][1]


# ---------------------------------------------------------------------------------------
# 3. Quotes given to attributions


def attach_quotes(doc: Doc, quotes: list[QuotedSpan], found: list[Attribution],
                  block_of, paragraph) -> list[Attribution]:
    """Return every attribution with its quotations, plus the direct quotes found by
    adjacency, continuation or on their own; scare quotes are left out."""
    token_starts = [t.idx for t in doc]
    by_cue = {a.cue[0].i: a for a in found}
    result = list(found)
    previous: Attribution | None = None
    for quote in quotes:
        first, last = _token_range(token_starts, doc, quote.outer)
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


def _token_range(token_starts: list[int], doc: Doc, span: tuple[int, int]) -> tuple[int, int]:
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
            if token.text in SENTENCE_END or _is_mark(token) or "\n" in token.text:
                break
            kind = cue_class(token)
            if kind is not None:
                return _cue_attribution(token, kind, by_cue, result, paragraph(index))
        introducer = doc[position].head
        while introducer.dep_ not in ("ROOT", "ccomp", "conj") and introducer.head != introducer:
            introducer = introducer.head  # "released the following statement:" hangs on the noun
        if doc[position].text == ":" and introducer.pos_ in ("VERB", "AUX") and introducer.i < position \
                and _subject(introducer) is not None and paragraph(introducer.i) == paragraph(position):
            # "Cruz hit back: ‘…’": whatever the verb, a clause with a subject that hands
            # over to a quotation with a colon introduces the speaker's words.
            return _cue_attribution(introducer, cue_class(introducer) or "speech", by_cue, result,
                                    paragraph(introducer.i))
        if doc[position].text == ":" and position > 0 and doc[position - 1].pos_ == "PROPN":
            colon = Attribution([doc[position]], ":", "speech", _label_head(doc[position - 1], paragraph(position)[0]),
                                None)
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
        if token.text in SENTENCE_END or _is_mark(token) or "\n" in token.text:
            break
        kind = cue_class(token)
        if kind is None and (hands_over or inner_end in ",?!") and token.pos_ == "VERB" and token.tag_ != "VBG":
            kind = "speech"  # "‘…,’ he continued", "‘…,’ Smith shot back": the frame makes it speech
        if kind is not None:
            subject = _subject(token)
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


def _hands_over_to(token: Token) -> bool:
    """Return True when a quotation hands over to the token: "‘…,’ said", "‘…?’ asked"."""
    doc = token.doc
    if token.i < 2:
        return False
    before, mark = doc[token.i - 2], doc[token.i - 1]
    return _is_mark(mark) and before.text in (",", "?", "!") or mark.text == "," and _is_mark(before)


def _name_after(verb: Token) -> Token | None:
    """Return the head of the name written right after a verb ("said Jo Doe, ..."), or
    None when no name follows."""
    if verb.i + 1 >= len(verb.doc):
        return None
    name = verb.doc[verb.i + 1]
    if name.pos_ == "DET" and name.i + 1 < len(verb.doc):
        name = verb.doc[name.i + 1]
    while name.dep_ in ("compound", "amod") and name.head.i > name.i:
        name = name.head
    return name if name.pos_ in ("PROPN", "NOUN") else None


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
    return _name_after(verb) if _hands_over_to(verb) else None


def _inverted_subject(verb: Token) -> bool:
    return any(c.dep_ in SUBJECT_DEPS and c.i > verb.i for c in verb.children)


def _cue_attribution(verb: Token, kind: str, by_cue: dict, result: list[Attribution],
                     bounds: tuple[int, int]) -> Attribution:
    """Return the attribution of a cue verb, made (without clause content) if it had none."""
    existing = by_cue.get(verb.i)
    if existing is not None:
        return existing
    attribution = Attribution([verb] + [c for c in verb.children if c.dep_ == "prt"], verb.lemma_.lower(),
                              kind, _source(verb, None, bounds), None)
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
            if kind is not None and (_subject(token) is not None or token.i in by_cue):
                if any(first <= t.i <= last for t in _subject_tokens(token)):
                    break  # the quotation is the subject, not the words reported
                attribution = _cue_attribution(token, kind, by_cue, result, bounds)
                if attribution.content is None:
                    attribution.content = _span_of(min(first, token.i + 1), max(last + 1, token.i + 1), token)
                elif attribution.content[1] <= last:  # "called X ‘…’ and ‘…’": take in the second
                    attribution.content = (attribution.content[0], last + 1)
                return attribution
            if token.head == token:
                break
            token = token.head
    return None


def _subject_tokens(verb: Token) -> list[Token]:
    subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    return list(subject.subtree) if subject is not None else []


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


@dataclass
class _Said:
    position: int
    block: int
    entity: Entity | None
    person: bool


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


def source_tokens(source: Token, cue: Token | None = None, bounds: tuple[int, int] | None = None) -> list[Token]:
    """Return the tokens of a source phrase as written, within its paragraph, without edge
    punctuation."""
    tokens = list(source.subtree)
    if bounds is not None:
        tokens = [t for t in tokens if bounds[0] <= t.i < bounds[1]]
    if cue is not None and source.i > cue.i:
        tokens = [t for t in tokens if t.i > cue.i]  # "‘…,’ tweeted spokesman Jo Doe"
    if cue is not None and source.i < cue.i:
        tokens = [t for t in tokens if t.i < cue.i]
        # a subject that is not the parser's ("..., the secretary-general said") starts
        # after the last comma before it
        commas = [t.i for t in tokens if t.text == "," and t.i < source.i]
        if commas and source.head != cue and _subject(cue) != source:
            tokens = [t for t in tokens if t.i > commas[-1]]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    return tokens


def resolve_speaker(source: Token, index: dict[int, Entity], entities: list[Entity],
                    history: list[_Said], block: int) -> tuple[Entity | None, str]:
    """Return the entity a source refers to (or None) and how it was found: "named",
    "resolved" or "unresolved"."""
    if source.lower_ in RELATIVE_PRONOUNS and source.head.dep_ == "relcl":
        source = source.head.head  # "officials who said": the officials
    entity = _entity_at(source, index)
    if entity is not None:
        return entity, "named" if source.pos_ == "PROPN" else "resolved"
    lowered = source.lower_
    if lowered in PERSON_PRONOUNS:
        return _antecedent(history, entities, source.idx, block, person=True, index=index), "resolved"
    if lowered in GROUP_PRONOUNS:
        return _antecedent(history, entities, source.idx, block, person=False, index=index), "resolved"
    if source.pos_ == "NOUN" and any(c.lower_ in ("the", "this", "that") for c in source.children):
        entity = _nominal_referent(source, entities)
        if entity is not None:
            return entity, "resolved"
    return None, "unresolved"


def _entity_at(head: Token, index: dict[int, Entity]) -> Entity | None:
    if head.i in index:
        return index[head.i]
    for child in head.children:
        if child.dep_ in ("appos", "compound") and child.i in index:
            return index[child.i]  # "the agency, Energoatom"
    return None


def _antecedent(history: list[_Said], entities: list[Entity], position: int, block: int,
                person: bool, index: dict[int, Entity]) -> Entity | None:
    """Return the previous speaker of the right sort nearby, else the last person named."""
    for said in reversed(history):
        if said.position >= position:
            continue
        if block - said.block > PRONOUN_REACH:
            break
        if said.person == person and (said.entity is not None or not person):
            return said.entity
    if not person:
        return None
    best: tuple[int, Entity] | None = None
    for entity in entities:
        if entity.type != "PERSON":
            continue
        for mention in entity.mentions:
            if mention.start < position and (best is None or mention.start > best[0]):
                best = (mention.start, entity)
    return best[1] if best else None


def _nominal_referent(head: Token, entities: list[Entity]) -> Entity | None:
    """Return the entity named before whose name or title holds a nominal's head noun
    ("the institute" -> Institute for the Study of War, "the minister" -> a minister)."""
    word = head.lower_
    best: tuple[int, Entity] | None = None
    for entity in entities:
        words = set(re.split(r"[\s\-]+", entity.name.casefold()))
        for title in entity.titles:
            words.update(re.split(r"[\s\-]+", title.casefold()))
        if word not in words:
            continue
        earlier = [m.start for m in entity.mentions if m.start < head.idx]
        if earlier and (best is None or max(earlier) > best[0]):
            best = (max(earlier), entity)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------
# The extractor


def extract_quotes(doc: Doc, document: Document, entities: list[Entity]) -> list[Quote]:
    """Return the article's quotes (direct, mixed, indirect) in text order, ids "q1", "q2"…"""
    text = text_of(doc)
    blocks = _Blocks(document, len(text))
    quotes = find_quote_marks(text, blocks.ranges)
    token_starts = [t.idx for t in doc]
    quoted = sorted(_token_range(token_starts, doc, (q.start, q.end)) for q in quotes)
    quoted = [(first, last + 1) for first, last in quoted]
    block_tokens = [bisect_left(token_starts, start) for start, _ in blocks.ranges] + [len(doc)]

    def paragraph(i: int) -> tuple[int, int]:
        number = max(bisect_right(block_tokens, i) - 1, 0)
        return block_tokens[number], block_tokens[min(number + 1, len(block_tokens) - 1)]

    attributions = attach_quotes(doc, quotes, find_attributions(doc, quoted, paragraph), blocks, paragraph)
    index = entities_by_token(doc, entities)
    history: list[_Said] = []
    records: list[Quote] = []
    last_speaker: Speaker | None = None
    for attribution in attributions:
        record = _record(doc, attribution, index, entities, history, blocks, paragraph, last_speaker,
                         len(records) + 1)
        if record is None:
            continue
        records.append(record)
        if record.speaker is not None:
            last_speaker = record.speaker
    return records


def _record(doc: Doc, attribution: Attribution, index: dict[int, Entity], entities: list[Entity],
            history: list[_Said], blocks: _Blocks, paragraph, last_speaker: Speaker | None,
            number: int) -> Quote | None:
    text = text_of(doc)
    if attribution.quotes and attribution.kind == "direct":
        parts = [p for q in attribution.quotes for p in q.parts]
    elif attribution.content is not None:
        pieces = [attribution.content]
        if attribution.gap is not None:  # "This campaign, he says, is different": two pieces
            (start, end), (gap_start, gap_end) = attribution.content, attribution.gap
            pieces = [r for r in (_trimmed_range(doc, start, gap_start), _trimmed_range(doc, gap_end, end)) if r]
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
        if attribution.lemma == ":":
            tokens = [t for t in source.subtree if t.i < attribution.cue[0].i]  # the label up to its colon
        else:
            tokens = source_tokens(source, attribution.cue[0] if attribution.cue else None, paragraph(source.i))
        tokens = tokens or [source]  # trimming can leave nothing (a source of punctuation only)
        block = blocks(source.idx)
        entity, how = resolve_speaker(source, index, entities, history, block)
        speaker_start, speaker_end = tokens[0].idx, _end_char(tokens[-1])
        written = text[speaker_start:speaker_end]
        speaker = Speaker(entity_id=entity.id if entity else None, name=entity.name if entity else written,
                          start=speaker_start, end=speaker_end, text=written)
        confidence = CONFIDENCE[how]
        person = entity.type == "PERSON" if entity else source.lower_ in PERSON_PRONOUNS
        history.append(_Said(source.idx, block, entity, person))
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
