"""Attributions from the parse: each cue with its source and its content.

Receives the parsed document; returns ``Attribution`` objects read from cue verbs ("said",
"warned", "described ... as"), verb + preposition cues ("called for"), cue nouns and
adjectives with a clause ("Smith's claim that ..."), "according to", headline labels
("Name: ...") and sentence-final tags (", records show."). The source is the grammatical
subject (inherited over "and said", "..., vowing"); the content is the reported clause, else
the object ("criticized the plan", "supports Smith").
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from presslens.extract.quotes.cues import (
    cue_adjectives,
    cue_class,
    cue_lexicon,
    cue_nouns,
    listed_class,
    newsroom_tags,
    noun_prepositions,
    phrasal_cue,
    prepositional_cues,
    prepositional_lemmas,
    topic_naming_verbs,
)
from presslens.extract.quotes.marks import QuotedSpan, mark_table
from presslens.nlp import is_spaced_dash

RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
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
MIN_UNATTRIBUTED_WORDS = 4
# Where the parser leaves the subject of a relative clause without "that" ("the sum experts say
# it costs"): as the object of the clause before.
CONTACT_RELATIVE_DEPS = ("pobj", "dobj", "attr", "npadvmod")
MAX_LABEL_TOKENS = 5  # "Senator Jane Doe: ..." names the speaker in a few words
# Parts of speech of a speaker written as a bare noun phrase ("the 43-year-old", "Ramos, 58").
NAME_POS = {"DET", "NUM", "PROPN", "NOUN", "ADJ"}


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
    source_range: tuple[int, int] | None = None  # the source's tokens, when read from the word order

    @property
    def position(self) -> int:
        starts = [self.cue[0].i]
        if self.content:
            starts.append(self.content[0])
        return min(starts)


def find_attributions(doc: Doc, quoted: list[tuple[int, int]], paragraph) -> list[Attribution]:
    """Return the attributions read from cue verbs and "according to", in text order.

    ``quoted`` are the token ranges inside quotation marks: a cue there is the quoted
    person's own words, not the article's attribution. ``paragraph(i)`` returns the token
    range of the paragraph holding token ``i``: the parser runs sentences over paragraph
    breaks, but a report never crosses one.
    """
    found: list[Attribution] = []
    for token in doc:
        if _inside(token.i, quoted) and not _opens_turn(token, paragraph(token.i)):
            continue
        kind = cue_class(token)
        phrasal = phrasal_cue(token)
        attribution = None
        second = prepositional_cues().get(token.lower_)
        if kind is not None or phrasal is not None:
            # "called for a recount" before "called it a sham": the preposition decides
            if phrasal is not None:
                attribution = _verb_attribution(token, phrasal[0], phrasal[1])
            if attribution is None and kind is not None:
                attribution = _verb_attribution(token, kind)
        elif token.pos_ == "NOUN" and token.lemma_.lower() in cue_nouns():
            attribution = _noun_attribution(token, cue_nouns()[token.lemma_.lower()])
        elif token.pos_ == "ADJ" and token.lemma_.lower() in cue_adjectives():
            attribution = _adjective_attribution(token, cue_adjectives()[token.lemma_.lower()])
        elif second is not None and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == second:
            attribution = _prepositional_attribution(token, doc[token.i + 1])
        elif token.text == ":" and label_start(doc, paragraph(token.i)[0], token.i) + MAX_LABEL_TOKENS >= token.i:
            # a label opens the paragraph, or follows a dash after the writer's summary
            # ("Turnout matters most on the coast - Jo Doe: ‘…’")
            attribution = _label_attribution(token, paragraph(token.i))
        if attribution is None and token.i + 1 < len(doc) and doc[token.i + 1].text in SENTENCE_END:
            attribution = _tag_attribution(token, paragraph(token.i))
        if attribution is None and kind in INTERRUPTING_CLASSES:
            introduced = _introduced_paragraph(token, kind, quoted, paragraph)
            if introduced is not None:
                found.append(introduced)
                continue
        if attribution is not None and _within_paragraph(attribution, paragraph(token.i)):
            if attribution.source is None and token.tag_ in ("VBG", "VBN") and found \
                    and found[-1].source is not None and paragraph(found[-1].cue[0].i) == paragraph(token.i):
                attribution.source = found[-1].source  # "..., he said, claiming that ..."
            found.append(attribution)
    return _settle_nesting(found, paragraph)


def _introduced_paragraph(verb: Token, kind: str, quoted: list[tuple[int, int]], paragraph) -> Attribution | None:
    """Return the attribution of a cue that ends its paragraph with a colon and hands over to
    the next paragraph, printed without quotation marks as a block quote ("Smith added:" and
    then her words), or None. A quoted next paragraph is left to the quotation rules."""
    doc = verb.doc
    start, end = paragraph(verb.i)
    rest = [t for t in doc[verb.i + 1:end] if not t.is_space]
    if len(rest) != 1 or rest[0].text != ":" or end >= len(doc):
        return None
    subject = grammatical_subject(verb)
    if subject is None or not start <= subject.i < verb.i:
        return None
    first, last = paragraph(end)
    while first < last and doc[first].is_space:
        first += 1
    if first >= last or is_mark(doc[first]) or _inside(first, quoted):
        return None
    content = trimmed_range(doc, first, last)
    if content is None or sum(1 for t in doc[content[0]:content[1]] if not t.is_punct) < MIN_UNATTRIBUTED_WORDS:
        return None
    return Attribution([verb], verb.lemma_.lower(), kind, subject, content)


def _tag_attribution(token: Token, bounds: tuple[int, int]) -> Attribution | None:
    """Return the attribution of a tag that ends a sentence, ", records show." or ", the
    aide said.", read from the words alone: the parser often takes "records show" for a noun
    phrase and leaves such a tag with no clause. None for anything else."""
    kind = listed_class(token)
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
    content = trimmed_range(doc, max(doc[start - 1].sent.start, bounds[0]), start - 1)
    if content is None or sum(1 for t in doc[content[0]:content[1]] if not t.is_punct) < MIN_UNATTRIBUTED_WORDS:
        return None
    return Attribution([token], token.lemma_.lower(), kind, doc[token.i - 1], content, read_from_words=True)


def _noun_attribution(noun: Token, kind: str) -> Attribution | None:
    """Return the attribution of a cue noun with a "that" clause ("Smith's claim that ...",
    "the warning that ..."), its possessor as the source; None without such a clause."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp") and c.i > noun.i
                   and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if clause is None:
        # the parser hangs the clause on the verb above: "took place despite warnings from his
        # lawyer that the hearing was pointless"; the clause follows the noun's phrase directly
        governor = noun.head.head if noun.dep_ == "pobj" else noun.head
        clause = next((c for c in governor.children if c.dep_ == "ccomp" and c.left_edge.i == noun.right_edge.i + 1
                       and c.left_edge.lower_ == "that" and c.left_edge.dep_ == "mark"), None)
    if clause is None and noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
        # "Her argument is that ...", "The mayor's answer was that ...": the clause the
        # noun is said to be
        clause = next((c for c in noun.head.children if c.dep_ == "ccomp" and c.i > noun.head.i
                       and any(m.dep_ == "mark" and m.lower_ in REPORT_MARKS for m in c.children)), None)
    # the possessor; the small model sometimes labels "Smith’s" otherwise, but keeps its "’s"
    source = next((c for c in noun.children if c.i < noun.i and (
        c.dep_ == "poss" or any(m.dep_ == "case" for m in c.children))), None)
    if source is None:
        # a subject: the word is a verb the tagger took for a plural noun ("Smith claims that")
        source = next((c for c in noun.children if c.i < noun.i and c.dep_ == "nsubj"), None)
    if source is None:
        # the one it comes from: "warnings from his lawyer that ...", "a claim by the mayor that"
        source = next((o for c in noun.children if c.i > noun.i and c.dep_ == "prep" and c.lower_ in ("from", "by")
                       for o in c.children if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN", "PRON")), None)
    if clause is not None:
        content = span_of(clause.left_edge.i, clause.right_edge.i + 1, noun)
        return Attribution([noun], noun.lemma_.lower(), kind, source, content) if content else None
    light = noun.head if noun.dep_ == "dobj" and noun.head.pos_ == "VERB" else None
    wanted = next((c for c in noun.children if c.dep_ in ("acl", "relcl") and c.i > noun.i
                   and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)), None)
    if wanted is not None and kind == "intent":
        # "Smith's pledge to cut taxes", "made a promise to cut taxes": what is pledged, held
        # by the possessor or by the one who made it
        holder = source if source is not None else (grammatical_subject(light) if light is not None else None)
        content = span_of(wanted.left_edge.i, wanted.right_edge.i + 1, noun)
        if holder is not None and holder.lower_ not in RELATIVE_PRONOUNS and content:
            return Attribution([noun], noun.lemma_.lower(), kind, holder, content)
    # "her criticism of the plan", "took a swipe at Smith": without a clause the noun reports
    # what its preposition governs, and only when someone is written as holding it (the
    # possessor, or the subject of the light verb the noun is the object of).
    # "took a swipe at Smith": the parser hangs the preposition on the light verb
    holders = [noun] + ([light] if light is not None else [])
    allowed = noun_prepositions().get(noun.lemma_.lower(), frozenset())
    preposition = next((c for h in holders for c in h.children if c.dep_ == "prep" and c.i > noun.i
                        and c.lower_ in allowed), None)
    objects = [c for c in preposition.children if c.dep_ in ("pobj", "pcomp")] if preposition else []
    if not objects:
        return None
    if source is None and light is not None:
        source = grammatical_subject(light)
    if source is None or source.lower_ in RELATIVE_PRONOUNS:
        return None
    content = span_of(objects[0].left_edge.i, objects[-1].right_edge.i + 1, noun)
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
        content = span_of(clause[0].left_edge.i, clause[-1].right_edge.i + 1, adjective)
    elif objects:
        content = span_of(objects[0].left_edge.i, objects[-1].right_edge.i + 1, adjective)
    source = grammatical_subject(holder)
    if content is None or source is None:
        return None
    cue = [adjective] + ([preposition] if preposition is not None and not clause else [])
    return Attribution(cue, adjective.lemma_.lower(), kind, source, content)


def _opens_turn(token: Token, bounds: tuple[int, int]) -> bool:
    """Return True for the colon of a speaker's label opening a paragraph of a quoted
    transcript ("‘SMITH: …"): the label is the article's, though inside the quotation."""
    doc = token.doc
    return token.text == ":" and is_mark(doc[bounds[0]]) and bounds[0] + 1 < token.i <= bounds[0] + MAX_LABEL_TOKENS


def _label_attribution(colon: Token, bounds: tuple[int, int]) -> Attribution | None:
    """Return the attribution of a headline-style "Name: what they said" paragraph, also
    when the paragraph opens a quoted transcript ("‘SMITH: …")."""
    doc = colon.doc
    start = bounds[0]
    while start < colon.i and is_mark(doc[start]):
        start += 1
    named_from = label_start(doc, start, colon.i)
    label = doc[named_from:colon.i]
    # a name in capitals ("DENNING:") is a name whatever part of speech the tagger gives it
    if not label or any(t.pos_ in ("VERB", "AUX") and not _capitals(t) for t in label) \
            or label[-1].pos_ not in ("PROPN", "NOUN") and not _capitals(label[-1]):
        return None
    if len(label.text) == 1:
        return None  # an interview's "Q:" and "A:" mark turns, not speakers: their words are read as text
    if len(label) == 1 and label[0].lower_ in newsroom_tags():
        return None  # "BREAKING:", "Analysis:": the desk's tag; a report after it stands on its own
    # a name or a headline-style label ("Clinton camp:"): it opens with a capital and holds no clause
    if not label[0].text[:1].isupper() or any(t.pos_ in ("PRON", "SCONJ", "CCONJ") and t.lower_ not in ("and", "&")
                                               for t in label):
        return None
    content = span_of(colon.i + 1, bounds[1], colon)
    if content is None or content[1] - content[0] < MIN_UNATTRIBUTED_WORDS:
        return None
    return Attribution([colon], ":", "speech", label_head(label[-1], named_from), content,
                       source_range=(named_from, colon.i) if named_from > start else None)


def _capitals(token: Token) -> bool:
    return len(token.text) > 1 and token.text.isupper() and token.text.isalpha()


def label_start(doc: Doc, start: int, colon: int) -> int:
    """Return where the name of a "Name: …" label begins: after the last dash that sets it
    apart from a heading before it ("RURAL VOTERS SHIFT - Jo Doe: ‘…’"), else at ``start``."""
    return max((t.i + 1 for t in doc[start:colon - 1] if is_spaced_dash(t)), default=start)


def label_head(last: Token, start: int) -> Token:
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
        clipped = span_of(first, last, attribution.cue[0]) if attribution.gap is None \
            else trimmed_range(attribution.cue[0].doc, first, last)
        if clipped is None:
            return False
        attribution.content = clipped
    verb = attribution.cue[0]
    if attribution.lemma in prepositional_lemmas():
        if attribution.source is not None and not start <= attribution.source.i < end:
            attribution.source = None
    elif attribution.lemma != ":" and verb.pos_ not in ("NOUN", "ADJ") and not attribution.read_from_words \
            and not any(c.dep_ == "agent" for c in attribution.cue) \
            and not (_is_passive(verb) and attribution.source is not None):
        attribution.source = verb_source(verb, attribution.content, bounds)
        source = attribution.source
        if source is not None and _contact_relative(verb, source):
            # the source of a relative clause without "that" is the noun alone, with its
            # compounds: "the $20 million experts say it costs" gives "experts"
            first = source.i
            while first - 1 >= start and source.doc[first - 1].dep_ == "compound" and source.doc[first - 1].head == source:
                first -= 1
            attribution.source_range = (first, source.i + 1)
    return True


def _verb_attribution(verb: Token, kind: str, preposition: Token | None = None) -> Attribution | None:
    """Return the attribution of a cue verb (with its preposition, for "call for"), or None
    when the verb reports nothing."""
    subject = grammatical_subject(verb)
    if hands_over_to(verb) and (subject is None and name_after(verb) is not None
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
        labels = [c for c in verb.children if c.i > verb.i and (c.dep_ == "oprd" or c.dep_ == "prep" and c.lower_ == "as")]
        label_by = next((t for c in labels for t in c.subtree if t.dep_ == "prep" and t.lower_ == "by"), None)
        by_label = False
        if agent is None and label_by is not None and content is not None and kind == "naming":
            # "was called a liar by X", "described as reckless by X": the parser hangs the
            # agent on the label
            agent, by_label = label_by, True
            content = span_of(content[0], min(content[1], label_by.i), verb) or content
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
        source = pobj  # "was reported by MSNBC"; a bare passive has no source
        if agent is not None and not by_label:
            cue.append(agent)
        patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        patient = patient if patient is not None and patient.lower_ not in RELATIVE_PRONOUNS else None
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if content is None and pobj is None and patient is not None and xcomp is not None:
            # "Smith is expected to win", "she is believed to have left": a belief held by
            # no one named, about what the subject is to do.
            content = span_of(xcomp.left_edge.i, xcomp.right_edge.i + 1, verb)
        if content is None and pobj is not None and kind != "naming" and patient is not None:
            # "Smith was praised by the mayor": what the source spoke about is the subject.
            content = span_of(patient.left_edge.i, patient.right_edge.i + 1, verb)
    if content is None:
        return None
    return Attribution(sorted(cue, key=lambda t: t.i), lemma, kind, source, content, gap=gap)


def _interrupted_clause(verb: Token) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Return the content and the cue's own clause inside it for a cue set into the clause
    it reports: "This campaign, he says, is different", "As Smith noted, the plan failed";
    (None, None) for any other cue."""
    head = verb.head
    addressee = verb.lemma_.lower() in cue_lexicon()[2]  # "Instead, the mayor told reporters, the levy ..."
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


def verb_source(verb: Token, content: tuple[int, int] | None, bounds: tuple[int, int]) -> Token | None:
    """Return the head of a cue verb's source within its paragraph."""
    subject = grammatical_subject(verb)
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
    if before is not None and _contact_relative(verb, before) and content is not None and content[0] > verb.i:
        return before  # a relative clause without "that": "the $20 million experts say it costs"
    if content is not None and content[0] > verb.i:
        for child in verb.children:
            if child.i < verb.i and child.dep_ in ("ccomp", "advcl"):
                subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
                if subject is not None:
                    return subject
    return None


def _misparsed_report(verb: Token) -> Token | None:
    """Return the head of a reported clause the parser gave another relation, or None.

    "said after the meeting he would not accept": a clause after the cue with a subject of its
    own and no conjunction, read as an adverbial clause. "told a meeting of leaders that few
    people understood the risk": a "that" clause read as a relative clause of the addressee,
    though its verb already has its subject and object, so that "that" stands for nothing in it.
    """
    for child in verb.children:
        if child.dep_ == "advcl" and child.i > verb.i and child.left_edge.i > verb.i \
                and any(c.dep_ == "nsubj" for c in child.children) \
                and not any(c.dep_ == "mark" or c.dep_ == "advmod" and c.tag_ == "WRB" for c in child.children) \
                and not verb.doc[child.left_edge.i].is_punct:
            return child
    if verb.lemma_.lower() not in cue_lexicon()[2]:
        return None
    for addressee in (c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i):
        for token in addressee.subtree:
            if token.dep_ != "relcl":
                continue
            opener = token.left_edge
            arguments = {c.dep_ for c in token.children if c.i > opener.i}
            if opener.lower_ == "that" and opener.dep_ == "mark" and "nsubj" in arguments \
                    and arguments & {"dobj", "attr", "acomp", "ccomp", "xcomp"}:
                return token
    return None


def _contact_relative(verb: Token, before: Token) -> bool:
    """Return True when the noun before a finite cue is the subject of a relative clause
    without "that" that the parser made the object of the clause before ("the sum experts
    say it costs")."""
    return before.i == verb.i - 1 and before.tag_ in ("NN", "NNS", "NNP", "NNPS") and verb.tag_ in ("VBP", "VBZ", "VBD") \
        and before.dep_ in CONTACT_RELATIVE_DEPS and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _clause_content(verb: Token, kind: str, subject: Token | None,
                    preposition: Token | None = None) -> tuple[int, int] | None:
    """Return the token range a cue verb reports: its clause, the object of its preposition
    ("called for a recount"), its naming phrase, or its object ("criticized the plan").
    ``subject`` is the verb's subject as ``grammatical_subject`` finds it."""
    if preposition is not None:
        wanted = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > preposition.i), None)
        if wanted is not None:  # "called on the council to reopen the quay": what is asked for
            return span_of(wanted.left_edge.i, wanted.right_edge.i + 1, verb)
        objects = [c for c in preposition.children if c.dep_ in ("pobj", "pcomp")]
        if not objects:
            return None
        return span_of(objects[0].left_edge.i, objects[-1].right_edge.i + 1, verb)
    # "‘…,’ Smith said, as the crowd cheered": a clause opened by "as" or "while" is
    # circumstance, not what was said
    ccomp = [c for c in verb.children if c.dep_ == "ccomp" and not any(
        m.dep_ == "mark" and m.lower_ not in REPORT_MARKS for m in c.children)]
    if subject is not None and subject.i < verb.i and hands_over_to(subject.left_edge):
        # "‘…,’ Smith said, adding the ferry is ready": after a quotation handed over to the
        # cue, a clause set off by a comma is not what the quotation's speaker said here
        ccomp = [c for c in ccomp if c.i < verb.i or not any(t.text == "," for t in verb.doc[verb.i + 1:c.left_edge.i])]
    if len(ccomp) > 1:  # "X, expected to ..., said Y": the clause after the cue is reported
        ccomp = [c for c in ccomp if c.i > verb.i] or ccomp[-1:]
    if ccomp:
        return span_of(ccomp[0].left_edge.i, max(c.right_edge.i for c in ccomp) + 1, verb)
    if kind in INTERRUPTING_CLASSES:
        reported = _misparsed_report(verb)
        if reported is not None:
            # the clause opens at its subject: "after the meeting" before it is the cue's
            first = reported.left_edge.i if reported.left_edge.lower_ == "that" else \
                next(c.left_edge.i for c in reported.children if c.dep_ == "nsubj")
            return span_of(first, reported.right_edge.i + 1, verb)
    if _postposed(verb, subject):
        # "The plan failed, the minister said": the clause before the cue is the content.
        return span_of(verb.head.left_edge.i, subject.left_edge.i, verb)
    if _inverted_tag(verb):
        # "The vote signals the end, said Jo Doe": whatever the parser made of it, what
        # comes before the comma is what was said
        start = max(verb.sent.start, verb.left_edge.i) if verb.head == verb else verb.sent.start
        return span_of(start, verb.i - 1, verb)
    question = next((c for c in verb.children if c.dep_ == "advcl" and c.i > verb.i and any(
        m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)), None)
    if question is not None and kind == "speech":  # "asked the board if the accounts were complete"
        return span_of(question.left_edge.i, question.right_edge.i + 1, verb)
    # a belief written as a label needs someone who holds it: "known as ISIS" is a name in
    # use, "after recognising the regions as states" an act
    lemma = verb.lemma_.lower()
    labelled = _label_content(verb) if kind == "naming" or kind in ("cognition", "perception") \
        and lemma != "know" and subject is not None else None
    if labelled is not None or kind == "naming" and lemma not in topic_naming_verbs():
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
        return span_of(xcomp[0].left_edge.i, xcomp[0].right_edge.i + 1, verb)
    if kind in ("intent", "speech") and xcomp:
        # "pledged to defend", "claimed it ‘looks like ...’", "told him to leave"
        objects = [c for c in verb.children if c.dep_ in ("dobj", "dative") and verb.i < c.i < xcomp[0].i]
        start = min([c.left_edge.i for c in objects] + [xcomp[0].left_edge.i])
        return span_of(start, xcomp[0].right_edge.i + 1, verb)
    if kind == "speech":
        # "61 percent said yes", "most said so": the answer stands for the words
        answer = next((c for c in verb.children if c.i == verb.i + 1 and c.lower_ in PRO_FORMS), None)
        if answer is not None and answer.dep_ in ("intj", "advmod", "dobj"):
            return answer.i, answer.i + 1
    if kind not in OBJECT_CONTENT_CLASSES and lemma not in topic_naming_verbs() or lemma in cue_lexicon()[2]:
        return None  # "saw the crowd", "told reporters": the object is not what was reported
    # "criticized the plan", "endorsed Smith", "polls show a tight race": what is spoken of,
    # backed or shown is the object (PolNeAR's content for such cues).
    target = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if target is not None and target.lower_ not in RELATIVE_PRONOUNS:
        return span_of(target.left_edge.i, target.right_edge.i + 1, verb)
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
    return span_of(verb.head.left_edge.i, verb.left_edge.i, verb)


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
    return span_of(start, max(c.right_edge.i for c in labels) + 1, verb)


def span_of(start: int, end: int, verb: Token) -> tuple[int, int] | None:
    """Return a token range stripped of edge punctuation and of the cue itself."""
    if start <= verb.i < end:
        if verb.i - start >= end - verb.i - 1:
            end = verb.i
        else:
            start = verb.i + 1
    return trimmed_range(verb.doc, start, end)


def trimmed_range(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Return a token range stripped of edge punctuation (quotation marks kept), or None."""
    while start < end and (doc[start].is_punct and not is_mark(doc[start]) or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct and not is_mark(doc[end - 1]) or doc[end - 1].is_space):
        end -= 1
    return (start, end) if end > start else None


def is_mark(token: Token) -> bool:
    return mark_table()[0].fullmatch(token.text) is not None


def grammatical_subject(verb: Token) -> Token | None:
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
        # a clause the cue hangs on lends its subject, passive too: "After saying ..., she was
        # taken to hospital" ("she" said it)
        deps = ("nsubj", "csubj") if current is verb or _is_passive(verb) else ("nsubj", "csubj", "nsubjpass")
        subjects = [c for c in current.children if c.dep_ in deps and c.lower_ not in RELATIVE_PRONOUNS or
                    c.dep_ in ("nsubj", "csubj")]
        if subjects:
            # two subjects are a misparse ("…for people with ideas to organize, she said"):
            # the one nearest before the verb is its own, unless the verb opens an inverted
            # tag (", said Jo Doe")
            before = [c for c in subjects if c.i < current.i]
            after = [c for c in subjects if c.i > current.i]
            if after and current.i > 0 and (current.doc[current.i - 1].text == "," or hands_over_to(current)):
                return after[0]  # ", said Jo Doe", "‘…,’ said Jo Doe": the name after is the speaker
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
    if head == first and first.is_sent_start:
        return _opening_frame(first, second, source)
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
        content = trimmed_range(first.doc, min(start, sentence.start), end)
        if content is None:
            return None
        return Attribution([first, second], f"{first.lower_} {second.lower_}", "speech", source, content,
                           gap=(phrase_start, phrase_end))
    span = span_of(start, end, first) if end > start else None
    if span is None:
        return None
    return Attribution([first, second], f"{first.lower_} {second.lower_}", "speech", source, span)


def _opening_frame(first: Token, second: Token, source: Token) -> Attribution | None:
    """Return the attribution of "According to X, ..." opening a sentence that the parser left
    without a clause (the words after the comma read as X's apposition): the source runs to
    the comma, the content from it to the sentence's end; None without such a comma."""
    doc = first.doc
    sentence = first.sent
    comma = next((t.i for t in doc[second.i + 1:sentence.end] if t.text == ","), None)
    if comma is None or comma - second.i - 1 > MAX_LABEL_TOKENS + 3 or not second.i < source.i < comma:
        return None
    content = trimmed_range(doc, comma + 1, sentence.end)
    if content is None or sum(1 for t in doc[content[0]:content[1]] if not t.is_punct) < MIN_UNATTRIBUTED_WORDS:
        return None
    return Attribution([first, second], f"{first.lower_} {second.lower_}", "speech", source, content,
                       source_range=(second.i + 1, comma))


def _settle_nesting(found: list[Attribution], paragraph) -> list[Attribution]:
    """Return the attributions with reports inside another's content settled (see
    SEPARATE_REPORT_DEPS): dropped when they are the outer source's words, otherwise
    kept and cut out of the outer content."""
    # A content lies within one paragraph (and only shrinks here), so only the contents of
    # the inner cue's paragraph can hold it: a long text is not searched whole for each cue.
    by_paragraph: dict[tuple[int, int], list[Attribution]] = {}
    for attribution in found:
        if attribution.content:
            by_paragraph.setdefault(paragraph(attribution.content[0]), []).append(attribution)
    kept: list[Attribution] = []
    for inner in found:
        outer = next((a for a in by_paragraph.get(paragraph(inner.cue[0].i), ()) if a is not inner and a.content
                      and a.content[0] <= inner.cue[0].i < a.content[1] and not _frames(inner, a)), None)
        if outer is None:
            kept.append(inner)
            continue
        verb = inner.cue[0]
        if verb.dep_ not in SEPARATE_REPORT_DEPS or not _separate_report(verb, outer):
            continue
        clause = (verb.left_edge.i, verb.right_edge.i + 1)
        start, end = outer.content
        if clause[1] >= end and clause[0] > start:
            outer.content = span_of(start, clause[0], outer.cue[0]) or outer.content
        elif clause[0] <= start and clause[1] < end:
            outer.content = span_of(clause[1], end, outer.cue[0]) or outer.content
        else:
            continue
        kept.append(inner)
    return sorted(kept, key=lambda a: a.position)


def _frames(inner: Attribution, outer: Attribution) -> bool:
    """Return True when "according to X" holds in its content the cue whose content holds it
    ("Incomes would see a rise, according to X": the parser hangs the phrase inside what "see"
    reports): the phrase frames the sentence and is the article's attribution."""
    return inner.lemma in prepositional_lemmas() and inner.content is not None \
        and inner.content[0] <= outer.cue[0].i < inner.content[1]


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


def hands_over_to(token: Token) -> bool:
    """Return True when a quotation hands over to the token: "‘…,’ said", "‘…?’ asked"."""
    doc = token.doc
    if token.i < 2:
        return False
    before, mark = doc[token.i - 2], doc[token.i - 1]
    return is_mark(mark) and before.text in (",", "?", "!") or mark.text == "," and is_mark(before)


def name_after(verb: Token) -> Token | None:
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
