"""Not-a-quote filters: attributions that read like quotes and are not.

Receives one attribution, all of the article's attributions and the document's blocks;
returns True when the attribution is not somebody's words:

- a headline or caption label ("Smith: rates will rise", "FILE PHOTO: ...") is the desk's
  summary, unless the article body attributes words to the same speaker; a fact box's field ("TARGET: ...") is a heading;
- an editorial label ("Editor's note: ...", "Correction: ...") is the outlet's own voice, and
  a label that names no one ("Refugees: ...", "Another challenge: ...") is a section heading;
- a dummy subject ("It seems unfair to ...") or the "us" of "let's say" reports nobody, nor
  does a question the writer puts to the reader ("Would you still vote for her?");
- a verb that is not speech in context: "avoided criticism of teachers" reports what was not
  said; "spoke before lawmakers" with no reported words names an audience, not content.
"""

from __future__ import annotations

from functools import cache

from presslens.extract.entities import is_title_word
from presslens.extract.quotes.clauses import Attribution, is_mark, label_start
from presslens.ingest.document import Document
from presslens.lexicons import load_list

# Verbs that report speech only through a clause or quotation; with a bare object or an
# audience they say that someone spoke, or did not, and not what was said.
AUDIENCE_VERBS = {"speak", "testify", "address", "avoid", "decline", "refuse"}
# Verbs by which a cue noun is what was not said ("avoided criticism of", "refrained from comment").
AVOIDING_VERBS = {"avoid", "refrain", "forgo", "withhold", "shun", "sidestep", "dodge"}
DUMMY_VERBS = {"seem", "appear", "look", "sound", "emerge", "transpire"}


def not_a_quote(attribution: Attribution, attributions: list[Attribution], document: Document, blocks) -> bool:
    """Return True when the attribution is a headline label, a dummy subject or a verb that
    reports no words."""
    return _headline_label(attribution, attributions, document, blocks) or _field_label(attribution, attributions) \
        or _heading_label(attribution, attributions) or _dummy_subject(attribution) or _question_to_reader(attribution) \
        or _no_words_reported(attribution)


# Entity types of a label that names someone ("Clinton camp:", "Nato:", "Ukrainians:").
SPEAKER_ENTITY_TYPES = {"PERSON", "ORG", "NORP", "GPE"}


def _heading_label(attribution: Attribution, attributions: list[Attribution]) -> bool:
    """Return True for a "Label: ..." paragraph whose label is the outlet's note ("Editor's
    note:", "Correction:") or names no one: no person, organisation, group or place, no title
    or voice noun, not a run of proper nouns and no word the article gives as a speaker
    elsewhere ("Success on Harbour Issue:", "Another challenge:").
    A label in capitals ("DENNING:") is a transcript's speaker, whatever the tagger says."""
    if attribution.lemma != ":" or attribution.source is None or not attribution.cue:
        return False
    colon = attribution.cue[0]
    doc = colon.doc
    start = colon.i
    while start > 0 and "\n" not in doc[start - 1].text_with_ws:
        start -= 1  # the label is the line before the colon, after a dash that sets it apart
    start = label_start(doc, start, colon.i)
    label = [t for t in doc[start:colon.i] if not t.is_punct]
    if not label:
        return False
    words = {t.lower_.removesuffix("’s").removesuffix("'s") for t in label}
    if words & _editorial_labels():
        return True
    if any(len(t.text) > 1 and t.text.isupper() and t.text.isalpha() for t in label):
        return False
    if any(t.ent_type_ in SPEAKER_ENTITY_TYPES or is_title_word(t) or t.lower_ in _voice_words() for t in label):
        return False
    # a name the model did not tag ("Pence: ..."): proper nouns only, no phrase around them,
    # or a word the article gives as the source of other words
    if all(t.pos_ == "PROPN" or t.lower_ in ("and", "&") for t in label):
        return False
    speakers = {other.source.lower_ for other in attributions if other is not attribution and other.source is not None}
    return not any(t.text[:1].isupper() and t.lower_ in speakers for t in label)


@cache
def _editorial_labels() -> frozenset[str]:
    return frozenset(load_list("editorial-labels.txt"))


@cache
def _voice_words() -> frozenset[str]:
    return frozenset(load_list("voice-nouns.txt")) | frozenset(load_list("generic-speakers.txt"))


def _field_label(attribution: Attribution, attributions: list[Attribution]) -> bool:
    """Return True for a field of a fact box ("TARGET: ...", "EXCLUSIVE: ..."): one word in
    capitals before a colon names a heading, not a speaker ("AMY GOODMAN: ..." names one),
    unless it is a name the article gives elsewhere ("Jo Smith ..." and then "SMITH: ...") or
    a turn of a transcript: inside a quotation ("‘SMITH: …"), or one of several labels of
    which one comes back ("SMITH: …", "DOE: …", "SMITH: …"), where a fact box names each
    field once. Quoted words after the label ("EXCLUSIVE: Jo Doe says it is ‘dead’") do not
    make it a speaker."""
    label = _one_word_label(attribution)
    if label is None:
        return False
    colon = attribution.cue[0]
    if any(q.outer[0] <= colon.idx < q.outer[1] for q in attribution.quotes) or _named_elsewhere(label, colon.doc):
        return False
    counts: dict[str, int] = {}
    for other in attributions:
        word = _one_word_label(other)
        if word is not None:
            counts[word] = counts.get(word, 0) + 1
    return len(counts) < 2 or max(counts.values()) < 2


def _named_elsewhere(word: str, doc) -> bool:
    """Return True when a label's word in capitals is a word of a name the article writes
    in ordinary case ("SMITH" after "Jo Smith"): the model does not tag names in capitals."""
    folded = word.casefold()
    return any(ent.label_ in SPEAKER_ENTITY_TYPES and not ent.text.isupper()
               and folded in (t.lower_ for t in ent) for ent in doc.ents)


def _one_word_label(attribution: Attribution) -> str | None:
    """Return the label of a "WORD:" attribution in capitals, or None for any other."""
    if attribution.lemma != ":" or attribution.source is None or not attribution.cue:
        return None
    label = [t for t in attribution.source.subtree if t.i < attribution.cue[0].i and not t.is_punct]
    if len(label) == 1 and label[0].text.isupper() and len(label[0].text) > 1:
        return label[0].text
    return None


def _headline_label(attribution: Attribution, attributions: list[Attribution], document: Document, blocks) -> bool:
    """Return True for "Label: ..." in a headline or a picture caption ("FILE PHOTO: ..."): the
    desk's summary, unless the article body gives words to the same speaker."""
    if attribution.lemma != ":" or not attribution.cue or attribution.source is None:
        return False
    block = blocks(attribution.cue[0].idx)
    if block >= len(document.blocks) or document.blocks[block].kind not in ("headline", "caption"):
        return False
    name = attribution.source.lower_
    return not any(other is not attribution and other.source is not None and other.source.lower_ == name
                   and blocks(other.source.idx) != block for other in attributions)


def _dummy_subject(attribution: Attribution) -> bool:
    source = attribution.source
    if source is not None and source.lower_ in ("'s", "’s") and source.i > 0 and source.doc[source.i - 1].lower_ == "let":
        return True  # "Let's say you save ...": the writer supposes, nobody speaks
    if source is None or source.lower_ != "it":
        return False
    # "It seems unfair to ask ...": "it" is the subject of "seems", lent to the cue by the parse
    return source.dep_ == "expl" or attribution.lemma in DUMMY_VERBS or source.head.lemma_ in DUMMY_VERBS \
        or source.head.lemma_ == "be" or bool(attribution.cue) and source.head != attribution.cue[0] \
        and source.head.pos_ in ("VERB", "AUX") and attribution.cue[0].dep_ in ("xcomp", "ccomp", "acomp")


def _question_to_reader(attribution: Attribution) -> bool:
    """Return True for a cue in a question whose subject is "you", "I" or "we" ("Do you know
    where the returns are?", "Would I rather pay?"): the writer asks, and nobody is reported."""
    source = attribution.source
    if source is None or source.lower_ not in ("you", "i", "we") or not attribution.cue or attribution.quotes:
        return False
    sentence = attribution.cue[0].sent
    last = next((t for t in reversed(sentence) if not t.is_space and not is_mark(t)), None)
    return last is not None and last.text == "?" and source.sent == sentence


def _no_words_reported(attribution: Attribution) -> bool:
    cue = attribution.cue[0] if attribution.cue else None
    if cue is not None and cue.pos_ == "NOUN" and cue.head.lemma_ in AVOIDING_VERBS and not attribution.quotes:
        return True  # "avoided direct criticism of teachers": the criticism was not made
    if attribution.lemma not in AUDIENCE_VERBS or attribution.quotes or attribution.content is None:
        return False
    if not attribution.cue:
        return False
    doc = attribution.cue[0].doc
    first = doc[attribution.content[0]]
    # a reported clause ("declined to say whether", "spoke of a crisis that ...") keeps the report
    return not any(t.dep_ in ("ccomp", "xcomp") or t.lower_ in ("that", "whether") for t in
                   doc[attribution.content[0]:attribution.content[1]]) and first.pos_ in ("NOUN", "ADP", "DET",
                                                                                         "PROPN", "ADJ")
