"""Framing: loaded wording and persuasion techniques with their targets, sentence-level bias,
and whose voices the article lets speak.

Works on the one parse the pipeline made and on the entities and quotes found before, in four
steps:

1. ``find_lexical_flags`` reads every token once against two lexicons: the project's loaded
   and labelling vocabulary (``loaded-words.tsv``) and a general subjectivity lexicon merged
   from Pattern and VADER (``subjectivity.tsv``). A labelling noun takes its modifiers with
   it ("Kremlin dictator", "puppet parliament"); its target is read from the tree
   (apposition, possessor, subject) and, for "the Kremlin dictator", from who leads the
   country the qualifier stands for.
2. ``find_pattern_flags`` runs the phrase patterns of ``techniques.tsv`` (doubt, fear,
   flag-waving, slogans, clichés, black-and-white, oversimplification, authority,
   exaggeration) over the text once.
3. Every flag inside a quotation is given to the quote's speaker (``in_quote``), since the
   wording is then the speaker's and not the article's.
4. ``score_sentences`` gives each sentence the lexicons' bias score and the slant model's
   verdict (``presslens.extract.slant``: static vectors and a regression head that also reads
   the lexicon features of ``sentence_features``), with the words that drive it;
   ``count_voices`` counts quotes and quoted words per speaker and per side.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
from spacy.tokens import Doc, Span, Token

from presslens.extract.entities import affiliation_of, entities_by_token
from presslens.extract.slant import SlantWord, load_model
from presslens.ingest.document import Document
from presslens.lexicons import load_list, load_table
from presslens.nlp import text_of
from presslens.record import (
    Article,
    Entity,
    Framing,
    FramingSpan,
    FramingSummary,
    Quote,
    SentenceBias,
    SlantEvidence,
    Voice,
    VoiceGroup,
)

LOADED = "loaded_language"
NAME_CALLING = "name_calling"
# Parts of speech whose evaluative words colour a description; nouns and verbs of the general
# lexicon are mostly topic words ("war", "crisis", "killed") that neutral reporting needs.
EVALUATIVE_POS = {"ADJ", "ADV"}
# A general-lexicon word is flagged as loaded only when both lexicons that know it agree it is
# strongly evaluative and pejorative: subjectivity and polarity from Pattern, valence from VADER.
MIN_SUBJECTIVITY = 0.9
MIN_POLARITY = 0.7
MIN_VALENCE = 2.0
# Sentence score: evaluative weight summed over the sentence, squashed to 0..1; a sentence
# from BIASED_AT on reads as opinionated.
BIASED_AT = 0.6
SCORE_SCALE = 1.0
LOADED_WEIGHT = 1.2
SLANT_WEIGHT = 0.5  # a judging reporting verb or an intensifying adverb (slanted-words.tsv)
PATTERN_WEIGHT = 0.6
# Whether a flag in a sentence the slant model reads as neutral is dropped (see the README's
# PTC figures for what it does to precision and recall).
DROP_FLAGS_IN_NEUTRAL_SENTENCES = False
TARGET_REACH = 600  # characters back in which "the dictator" looks for the person meant
WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
PERSONAL = {"PERSON"}
GROUPS = {"ORG", "NORP", "GPE"}
POSSESSIVE_PRONOUNS = {"his", "her", "their", "its"}


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]
    technique: str


@cache
def _loaded_entries() -> dict[str, list[_Entry]]:
    """Return the loaded-words lexicon indexed by its first token, longest entry first."""
    table: dict[str, list[_Entry]] = defaultdict(list)
    for term, technique, *_ in load_table("loaded-words.tsv"):
        words = tuple(re.findall(r"\w+|[^\w\s]", term.lower()))
        table[words[0]].append(_Entry(words, technique))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e.words))
    return dict(table)


@cache
def _subjectivity() -> dict[str, tuple[float, float, float]]:
    """Return word -> (subjectivity, polarity, valence/4); 0 where a lexicon has no entry."""
    lexicon = {}
    for word, subjectivity, polarity, valence in load_table("subjectivity.tsv"):
        lexicon[word] = (
            0.0 if subjectivity == "-" else float(subjectivity),
            0.0 if polarity == "-" else float(polarity),
            0.0 if valence == "-" else float(valence) / 4,
        )
    return lexicon


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], str]]:
    return [(technique, re.compile(pattern, re.IGNORECASE), reason)
            for technique, pattern, reason in load_table("techniques.tsv")]


@cache
def _sides() -> dict[str, str]:
    return {affiliation.casefold(): group for affiliation, group in load_table("sides.tsv")}


@cache
def _head_of_state_titles() -> tuple[str, ...]:
    return load_list("head-of-state-titles.txt")


@cache
def _leader_nouns() -> frozenset[str]:
    return frozenset(load_list("leader-nouns.txt")) | {
        e.words[0] for entries in _loaded_entries().values() for e in entries
        if e.technique == NAME_CALLING and len(e.words) == 1}


def word_weight(token: Token) -> float:
    """Return how strongly a word evaluates what it describes, 0 for a neutral word."""
    entry = _subjectivity().get(token.lower_) or _subjectivity().get(token.lemma_.lower())
    if entry is None:
        return 0.0
    subjectivity, polarity, valence = entry
    if token.pos_ in EVALUATIVE_POS:
        return max(subjectivity * abs(polarity), abs(valence)) * (0.5 + subjectivity / 2 if subjectivity else 0.8)
    if token.pos_ in {"NOUN", "VERB"}:
        return abs(valence) * 0.5
    return 0.0


@cache
def _slanted() -> tuple[frozenset[str], frozenset[str]]:
    """Return the judging reporting verbs and the neutral adverbs in -ly of the lexicon."""
    rows = load_table("slanted-words.tsv")
    return frozenset(w for w, kind in rows if kind == "report"), frozenset(w for w, kind in rows if kind == "neutral")


def slant_weight(token: Token) -> float:
    """Return the weight a word adds to its sentence's bias score by slanting it: a
    reporting verb that judges the saying ("claimed", "slammed") or an intensifying adverb
    in -ly ("shamelessly", "wildly")."""
    reports, neutral = _slanted()
    if token.pos_ == "VERB" and token.lemma_.lower() in reports:
        return SLANT_WEIGHT
    word = token.lower_
    if token.pos_ == "ADV" and word.endswith("ly") and len(word) > 4 and word not in neutral:
        return SLANT_WEIGHT
    return 0.0


def _is_strongly_evaluative(token: Token) -> bool:
    if token.pos_ not in EVALUATIVE_POS or token.ent_type_:
        return False
    entry = _subjectivity().get(token.lower_) or _subjectivity().get(token.lemma_.lower())
    if entry is None:
        return False
    subjectivity, polarity, valence = entry
    strong_pattern = subjectivity >= MIN_SUBJECTIVITY and abs(polarity) >= MIN_POLARITY
    # pejorative only: general praise ("happy", "excellent") is ordinary evaluation far more
    # often than persuasion; loaded praise is in the project's own list
    strong_vader = -valence * 4 >= MIN_VALENCE
    if subjectivity and valence:
        return strong_pattern and strong_vader
    # Known to one lexicon only: that one must be surer.
    return False


class _Targets:
    """Finds the entity a loaded word or a label is aimed at."""

    def __init__(self, doc: Doc, article: Article):
        self.doc = doc
        self.index = entities_by_token(doc, article.entities)
        self.entities = article.entities
        mentions = sorted(((m.start, e) for e in article.entities if e.type in PERSONAL for m in e.mentions),
                          key=lambda pair: pair[0])
        self.person_starts = [start for start, _ in mentions]
        self.person_at = [entity for _, entity in mentions]

    def of(self, token: Token) -> Entity | None:
        """Return the entity the flagged token is aimed at, or None."""
        head = token
        if token.pos_ in EVALUATIVE_POS or token.dep_ in {"amod", "compound"}:
            if token.dep_ in {"amod", "compound", "advmod"} and token.head.pos_ in {"NOUN", "PROPN"}:
                head = token.head
            elif token.dep_ in {"acomp", "attr", "advmod"} or token.pos_ == "ADV":
                head = _subject(token.head) or token.head
        elif token.pos_ == "VERB":
            head = _subject(token) or token
        if head.pos_ == "VERB":
            return None
        return self._of_noun(head)

    def _of_noun(self, noun: Token) -> Entity | None:
        if noun.i in self.index:
            return self.index[noun.i]
        for child in noun.children:
            if child.dep_ == "appos" and child.i in self.index:
                return self.index[child.i]
        if noun.dep_ == "appos":
            if noun.head.i in self.index:
                return self.index[noun.head.i]
            # "deputies of the Assembly, the regime's puppet chamber": the parser often hangs the
            # apposition on the wrong noun; the name just before its comma is the one meant.
            before = noun.left_edge.i - 2
            if before >= 0 and self.doc[before + 1].text == "," and before in self.index:
                return self.index[before]
        modifiers = [c for c in noun.children if c.dep_ in {"compound", "amod", "nmod", "poss"} and c.i < noun.i]
        if noun.lemma_.lower() in _leader_nouns():
            for modifier in modifiers:
                country = affiliation_of(modifier.text)
                leader = self._leader_of(country) if country else None
                if leader is not None:
                    return leader
        for modifier in modifiers:
            if modifier.dep_ == "poss":
                if modifier.i in self.index:
                    return self.index[modifier.i]
                if modifier.lower_ in POSSESSIVE_PRONOUNS:
                    return self._previous_person(modifier.idx)
        if noun.lemma_.lower() in _leader_nouns() and any(c.lower_ == "the" for c in noun.children):
            return self._previous_person(noun.idx, leaders_only=True)
        return None

    def _leader_of(self, country: str) -> Entity | None:
        leaders = [e for e in self.entities if e.type in PERSONAL and e.affiliation == country
                   and any(any(t in title.casefold() for t in _head_of_state_titles()) for title in e.titles)]
        return max(leaders, key=lambda e: e.salience) if leaders else None

    def _previous_person(self, offset: int, leaders_only: bool = False) -> Entity | None:
        at = bisect_right(self.person_starts, offset)
        while at > 0:
            at -= 1
            if offset - self.person_starts[at] > TARGET_REACH:
                return None
            entity = self.person_at[at]
            if not leaders_only or any(any(t in title.casefold() for t in _head_of_state_titles())
                                       for title in entity.titles):
                return entity
        return None


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            return child
    return None


def find_lexical_flags(doc: Doc, targets: _Targets) -> list[FramingSpan]:
    """Return the loaded words and labels of the doc, each with its target when it has one."""
    text = text_of(doc)
    entries = _loaded_entries()
    flags: list[FramingSpan] = []
    covered = -1
    tokens = list(doc)
    for token in tokens:
        if token.i <= covered or token.is_punct or token.is_space:
            continue
        match = _match(tokens, token, entries.get(token.lower_) or entries.get(token.lemma_.lower()) or ())
        if match is not None:
            entry, last = match
            technique = entry.technique
            first = token.i
            if technique == NAME_CALLING:
                if token.pos_ in {"ADJ", "VERB", "ADV"} and token.dep_ != "compound":
                    technique = LOADED
                else:
                    first, last = _label_phrase(tokens, token.i, last)
            anchor = tokens[last] if technique == NAME_CALLING and tokens[last].pos_ in {"NOUN", "PROPN"} else token
            target = targets.of(anchor)
            reason = "labels " + ("its target" if target else "a person or group") if technique == NAME_CALLING \
                else "judges what it describes"
            flags.append(_span(text, tokens[first], tokens[last], technique, target, reason))
            covered = last
        elif _is_strongly_evaluative(token):
            flags.append(_span(text, token, token, LOADED, targets.of(token), "strongly evaluative word"))
    return flags


def _match(tokens: list[Token], token: Token, candidates: list[_Entry]) -> tuple[_Entry, int] | None:
    for entry in candidates:
        end = token.i + len(entry.words)
        if end > len(tokens):
            continue
        window = tokens[token.i:end]
        if all(t.lower_ == w or t.lemma_.lower() == w for t, w in zip(window, entry.words)):
            if len(entry.words) == 1 and token.ent_type_ in {"PERSON", "ORG", "GPE"} and token.text[:1].isupper():
                return None  # a name that happens to be spelt like a word ("Savage", "Fool")
            return entry, end - 1
    return None


def _label_phrase(tokens: list[Token], i: int, last: int) -> tuple[int, int]:
    """Return the token range of a label with its noun modifiers: "Kremlin dictator", "puppet
    parliament" (a label used as a modifier takes the noun it qualifies)."""
    token = tokens[i]
    if token.dep_ in {"compound", "amod"} and token.head.i > i and token.head.pos_ in {"NOUN", "PROPN"}:
        last = max(last, token.head.i)
        token = token.head
    first = i
    for child in token.lefts:
        if child.dep_ in {"compound", "amod", "nmod"} and child.i < first and all(
                t.dep_ in {"compound", "amod", "nmod", "punct"} or t.i == i for t in tokens[child.i:i]):
            first = child.i
    return first, last


def _span(text: str, first: Token, last: Token, technique: str, target: Entity | None, reason: str) -> FramingSpan:
    start, end = first.idx, last.idx + len(last.text)
    return FramingSpan(technique=technique, start=start, end=end, text=text[start:end],
                       target=target.id if target else None, reason=reason)


def find_pattern_flags(text: str) -> list[FramingSpan]:
    """Return the spans that match a technique's phrase patterns."""
    flags = []
    for technique, pattern, reason in _patterns():
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and not text[end - 1].isalnum():
                end -= 1
            if end > start:
                flags.append(FramingSpan(technique=technique, start=start, end=end, text=text[start:end],
                                         reason=reason))
    return flags


def _quote_ranges(quotes: list[Quote]) -> list[tuple[int, int, Quote]]:
    ranges = []
    for quote in quotes:
        for part in quote.parts or [quote.content]:
            ranges.append((part.start, part.end, quote))
    ranges.sort(key=lambda r: r[0])
    return ranges


def _quote_at(ranges: list[tuple[int, int, Quote]], starts: list[int], start: int, end: int) -> Quote | None:
    at = bisect_right(starts, start)
    for low, high, quote in reversed(ranges[max(0, at - 8):at]):
        if low <= start and end <= high + 1:
            return quote
    return None


def attribute_flags(flags: list[FramingSpan], quotes: list[Quote]) -> None:
    """Mark each flag inside a quotation as the quoted speaker's wording."""
    ranges = _quote_ranges(quotes)
    starts = [r[0] for r in ranges]
    for flag in flags:
        quote = _quote_at(ranges, starts, flag.start, flag.end)
        if quote is not None:
            flag.in_quote = True
            flag.quote_id = quote.id
            if quote.speaker is not None:
                flag.speaker_entity_id = quote.speaker.entity_id
                flag.speaker = quote.speaker.name


def _deduplicated(flags: list[FramingSpan]) -> list[FramingSpan]:
    """Return the flags in text order, a span inside a longer one of the same technique dropped."""
    flags.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[FramingSpan] = []
    for flag in flags:
        if any(k.technique == flag.technique and k.start <= flag.start and flag.end <= k.end for k in kept[-4:]):
            continue
        kept.append(flag)
    return kept


def _evaluative_weight(sentence: Span) -> float:
    return sum(word_weight(t) + slant_weight(t) for t in sentence)


# (lower-case form, lemma, part of speech) -> the evaluative weight of a word so read
_WEIGHT_OF: dict[tuple[int, int, int], float] = {}


def _token_weights(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Return each token's evaluative weight (``word_weight`` + ``slant_weight``) and whether it
    is a quotation mark. Both weights depend only on a word's form, lemma and part of speech, so
    each reading is weighed once per process and the tokens are read from the doc's arrays."""
    from spacy.attrs import IS_QUOTE, LEMMA, LOWER, POS

    rows = doc.to_array([LOWER, LEMMA, POS, IS_QUOTE])
    if len(_WEIGHT_OF) > 500_000:
        _WEIGHT_OF.clear()
    weights = np.zeros(len(doc))
    for i, (lower, lemma, pos, _) in enumerate(rows.tolist()):
        weight = _WEIGHT_OF.get((lower, lemma, pos))
        if weight is None:
            token = doc[i]
            weight = _WEIGHT_OF[(lower, lemma, pos)] = word_weight(token) + slant_weight(token)
        weights[i] = weight
    return weights, rows[:, 3].astype(bool) if len(doc) else np.zeros(0, dtype=bool)


def sentence_features(sentence: Span, flags: list[FramingSpan], weight: float | None = None,
                      marks: int | None = None) -> list[float]:
    """Return what the lexicons say about one sentence, as the slant model's extra inputs:
    the evaluative weight of its words squashed to 0..1, its loaded-word and label flags
    (up to 3, scaled to 0..1), its technique-pattern flags (up to 2), whether it carries
    quotation marks (0, 0.5 or 1) and its length (tokens / 40, at most 2). `weight` and `marks`
    are the sentence's evaluative weight and count of quotation marks when the caller has them."""
    weight = _evaluative_weight(sentence) if weight is None else weight
    words = sum(1 for f in flags if f.technique in {LOADED, NAME_CALLING})
    patterns = len(flags) - words
    marks = sum(1 for t in sentence if t.is_quote) if marks is None else marks
    return [round(1 - math.exp(-weight / SCORE_SCALE), 4), min(words, 3) / 3, min(patterns, 2) / 2,
            min(marks, 2) / 2, min(len(sentence), 80) / 40]


def score_sentences(doc: Doc, flags: list[FramingSpan], quotes: list[Quote]) -> list[SentenceBias]:
    """Return a bias score, the slant model's verdict and label, and the words that drive the
    verdict for each sentence.

    ``score`` is the lexicons' own reading (evaluative weight of the words and the techniques
    flagged); ``slant`` is the model's probability, which decides the label. The words shown
    are the model's strongest pushes towards slanted, each said to come from the lexicon when a
    loaded-word flag covers it and from the model alone otherwise.
    """
    text = text_of(doc)
    ranges = _quote_ranges(quotes)
    range_starts = [r[0] for r in ranges]
    # a range overlapping a sentence starts at most the longest range's length before it
    longest = max((b - a for a, b, _ in ranges), default=0)
    ordered = sorted(flags, key=lambda f: f.start)
    starts = [f.start for f in ordered]
    sentences = [s for s in doc.sents if text[s.start_char:s.end_char].strip()]
    inside = [ordered[bisect_right(starts, s.start_char - 1):bisect_right(starts, s.end_char - 1)] for s in sentences]
    token_weights, quotation_marks = _token_weights(doc)
    weights = [float(token_weights[s.start:s.end].sum()) for s in sentences]
    marks = [int(quotation_marks[s.start:s.end].sum()) for s in sentences]
    features = [sentence_features(s, f, w, m) for s, f, w, m in zip(sentences, inside, weights, marks)]
    verdicts = _verdicts(text, sentences, features)
    result = []
    for sentence, in_sentence, evaluative, verdict in zip(sentences, inside, weights, verdicts):
        start, end = sentence.start_char, sentence.end_char
        weight = evaluative + sum(LOADED_WEIGHT if f.technique in {LOADED, NAME_CALLING} else PATTERN_WEIGHT for f in in_sentence)
        score = 1 - math.exp(-weight / SCORE_SCALE)
        near = ranges[bisect_left(range_starts, start - longest):bisect_left(range_starts, end)]
        quoted = sum(max(0, min(end, b) - max(start, a)) for a, b, _ in near if a < end and start < b)
        biased = verdict.probability >= load_model().threshold
        result.append(SentenceBias(
            start=start, end=end, score=round(score, 3), slant=round(verdict.probability, 3),
            label="biased" if biased else "neutral", in_quote=quoted > (end - start) / 2,
            words=[_slant_word(text, start, word, in_sentence) for word in verdict.words]))
    return result


# Sentences given to the slant model at once: its tokenizer's encodings of a sentence weigh a
# few kilobytes, so a long text's are made a batch at a time, not all together.
SCORED_TOGETHER = 1000


def _verdicts(text: str, sentences: list[Span], features: list[list[float]]):
    """Yield the slant model's verdict of each sentence, in order, scoring a batch at a time."""
    model = load_model()
    for at in range(0, len(sentences), SCORED_TOGETHER):
        batch = sentences[at:at + SCORED_TOGETHER]
        yield from model.score([text[s.start_char:s.end_char] for s in batch], features[at:at + SCORED_TOGETHER])


def _slant_word(text: str, offset: int, word: SlantWord, flags: list[FramingSpan]) -> SlantEvidence:
    start, end = offset + word.start, offset + word.end
    lexicon = any(f.start < end and start < f.end and f.technique in {LOADED, NAME_CALLING} for f in flags)
    return SlantEvidence(start=start, end=end, text=text[start:end], weight=word.weight,
                         source="lexicon" if lexicon else "model")


def drop_neutral_flags(flags: list[FramingSpan], sentences: list[SentenceBias]) -> list[FramingSpan]:
    """Return the flags outside sentences the slant model reads as neutral; a flag in a
    quotation is kept, since the speaker's wording is reported whatever the sentence's tone."""
    neutral = [(s.start, s.end) for s in sentences if s.label == "neutral"]
    starts = [start for start, _ in neutral]
    kept = []
    for flag in flags:
        at = bisect_right(starts, flag.start) - 1
        if flag.in_quote or at < 0 or flag.start >= neutral[at][1]:
            kept.append(flag)
    return kept


def _words(text: str) -> int:
    return len(WORD.findall(text))


def group_of(entity: Entity | None, name: str) -> str | None:
    """Return the side or affiliation a speaker's voice is grouped under."""
    sides = _sides()
    affiliation = None
    if entity is not None:
        affiliation = entity.affiliation or (entity.name if entity.type in GROUPS else None)
    # A person's own name says nothing about their side: only a title or affiliation does.
    affiliation = affiliation or (None if entity is not None and entity.type in PERSONAL else affiliation_of(name))
    if not affiliation:
        return None
    return sides.get(affiliation.casefold(), affiliation)


def count_voices(article: Article) -> tuple[list[Voice], list[VoiceGroup], int]:
    """Return the voices (quotes and quoted words per speaker), their groups, and the number of
    quoted words; unattributed quotes make one voice of their own."""
    by_id = {e.id: e for e in article.entities}
    tallies: dict[tuple[str | None, str], list[int]] = {}
    for quote in article.quotes:
        words = sum(_words(article.text[p.start:p.end]) for p in quote.parts or [quote.content])
        speaker = quote.speaker
        if speaker is None or speaker.name is None:
            key = (None, "unattributed")  # a source naming nobody is no side
        elif speaker.entity_id and speaker.entity_id in by_id:
            key = (speaker.entity_id, by_id[speaker.entity_id].name)
        else:
            key = (None, speaker.name)
        tally = tallies.setdefault(key, [0, 0])
        tally[0] += 1
        tally[1] += words
    total = sum(words for _, words in tallies.values())
    voices = []
    for (entity_id, name), (count, words) in tallies.items():
        group = "unattributed" if entity_id is None and name == "unattributed" else group_of(by_id.get(entity_id), name)
        voices.append(Voice(entity_id=entity_id, name=name, quotes=count, words=words,
                            share=round(words / total, 4) if total else 0.0, group=group))
    voices.sort(key=lambda v: (-v.words, v.name))
    grouped: dict[str, list[Voice]] = defaultdict(list)
    for voice in voices:
        grouped[voice.group or "other"].append(voice)
    groups = [VoiceGroup(group=group, speakers=len(members), quotes=sum(v.quotes for v in members),
                         words=sum(v.words for v in members),
                         share=round(sum(v.words for v in members) / total, 4) if total else 0.0)
              for group, members in grouped.items()]
    groups.sort(key=lambda g: -g.words)
    return voices, groups, total


def find_flags(doc: Doc, article: Article) -> list[FramingSpan]:
    """Return the loaded-word, label and technique-pattern flags of the doc in text order."""
    return _deduplicated(find_lexical_flags(doc, _Targets(doc, article)) + find_pattern_flags(text_of(doc)))


def extract_framing(doc: Doc, document: Document, article: Article) -> Framing:
    """Return the article's framing: technique spans with targets, sentence bias, voices."""
    text = text_of(doc)
    flags = find_flags(doc, article)
    attribute_flags(flags, article.quotes)
    sentences = score_sentences(doc, flags, article.quotes)
    if DROP_FLAGS_IN_NEUTRAL_SENTENCES:
        flags = drop_neutral_flags(flags, sentences)
    voices, groups, quoted_words = count_voices(article)
    all_words = _words(text)
    biased = sum(1 for s in sentences if s.label == "biased")
    summary = FramingSummary(
        sentences=len(sentences), biased_sentences=biased,
        biased_share=round(biased / len(sentences), 4) if sentences else 0.0,
        own_words=max(0, all_words - quoted_words), quoted_words=quoted_words,
        quoted_share=round(quoted_words / all_words, 4) if all_words else 0.0,
        unattributed_words=sum(v.words for v in voices if v.group == "unattributed"),
        techniques=dict(Counter(f.technique for f in flags).most_common()),
        own_voice_flags=sum(1 for f in flags if not f.in_quote),
        quoted_flags=sum(1 for f in flags if f.in_quote),
    )
    return Framing(spans=flags, voices=voices, groups=groups, sentences=sentences, summary=summary)
