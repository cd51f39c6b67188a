"""Attributions in headlines written in title case, read from the word order.

Receives the parsed doc, the token range of the article's headline and the token ranges
inside quotation marks; returns the attributions of "Name Verbs What" headlines ("Senator
Jo Doe Blasts Harbour Plan", "Board Of Election Finds Dorn Eligible"), or none.

In title case every word is capitalised, so the tagger reads the verb as part of a name
("Blasts" as a proper noun) and the parser finds no clause; the cue lexicon still knows the
word once its ending is taken off. Only a headline whose words are nearly all capitalised is
read this way: a headline in sentence case is parsed like any sentence.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from presslens.extract.entities.lexicon import headline_verbs
from presslens.extract.quotes.clauses import MAX_LABEL_TOKENS, Attribution, label_head, trimmed_range
from presslens.extract.quotes.cues import cue_lexicon, cue_nouns

# Words a title-case headline leaves in lower case ("Doe Says She Is Not Worried by the Polls").
SMALL_WORDS = frozenset({"a", "an", "the", "and", "but", "or", "nor", "for", "of", "on", "in", "at", "to", "by",
                         "as", "vs", "vs.", "with", "from", "into", "over", "up", "off", "out"})
# Parts of speech a name before the verb may hold ("Conservative Icon Jo Doe", "The Board").
SOURCE_POS = frozenset({"PROPN", "NOUN", "ADJ", "DET", "NUM"})
MIN_CONTENT_WORDS = 2


def title_case_attributions(doc: Doc, headline: tuple[int, int], quoted: list[tuple[int, int]]) -> list[Attribution]:
    """Return the attribution of a title-case headline's first cue verb after a name, or none."""
    start, end = headline
    words = [t for t in doc[start:end] if t.is_alpha]
    if len(words) < 3 or not _title_case(words):
        return []
    for token in doc[start + 1:end]:
        if any(first <= token.i < last for first, last in quoted):
            return []  # a quoted word before any cue: the quotation rules read the headline
        cue = _verb_cue(token)
        if cue is None:
            continue
        lemma, kind = cue
        source = [t for t in doc[start:token.i] if not t.is_punct]
        if not source or len(source) > MAX_LABEL_TOKENS or any(t.pos_ not in SOURCE_POS for t in source) \
                or source[-1].pos_ not in ("PROPN", "NOUN"):
            return []
        content = trimmed_range(doc, token.i + 1, end)
        if content is None or sum(1 for t in doc[content[0]:content[1]] if t.is_alpha) < MIN_CONTENT_WORDS:
            return []
        return [Attribution([token], lemma, kind, label_head(source[-1], source[0].i), content,
                            read_from_words=True, source_range=(source[0].i, source[-1].i + 1))]
    return []


def _title_case(words: list[Token]) -> bool:
    """Return True when every word but the small ones opens with a capital."""
    long_words = [t for t in words if t.lower_ not in SMALL_WORDS]
    return bool(long_words) and all(t.text[0].isupper() for t in long_words) \
        and not all(t.is_upper for t in long_words)  # a headline in capitals is read as it is


def _verb_forms(word: str) -> list[str]:
    """Return the lemmas a capitalised headline verb may have: "Blasts" blast, "Denies" deny,
    "Pushes" push, "Praises" praise."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s"):
        forms.append(word[:-1])
    return forms


def _verb_cue(token: Token) -> tuple[str, str] | None:
    """Return the lemma and cue class of a capitalised word that is a cue verb in a
    headline's tense ("Says", "Blasts", "Denies"), or None. A bare form ("Call", "Plan") is
    more often a noun in a headline, and a past form is its passive ("Doe Accused of Fraud"),
    so only the third person is read. A word the tagger reads as a plural noun ("Iran Talks
    Resume") or that is also a cue noun ("Police Reports Show Rise") is a verb only when the
    tagger says so or when headlines commonly use it as one ("Claims", "Endorses")."""
    word = token.lower_
    if not token.is_alpha or not token.text[0].isupper() or not word.endswith("s"):
        return None
    single = cue_lexicon()[0]
    form = next((form for form in _verb_forms(word)[1:] if form in single), None)
    if form is None:
        return None
    if not token.tag_.startswith("VB") and word not in headline_verbs() \
            and (token.tag_ in ("NNS", "NNPS") or form in cue_nouns()):
        return None
    # "Harbour Town Sees Traffic Ease": a headline's seeing is undergoing, not perceiving
    return (form, single[form]) if single[form] != "perception" else None
