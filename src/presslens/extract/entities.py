"""Entities: one canonical entity per real-world referent within an article.

Starts from spaCy's named entities, corrects the small model's frequent label errors
(curated lexicon plus the gazetteer), clusters the mentions ("Vladimir Putin", "Putin",
"the Kremlin leader"; "Nato"/"NATO"; "UN"/"United Nations"), reads titles and roles from
pre-nominal titles and appositions, affiliations from those titles, finds the mentions the
model missed, and scores salience.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from presslens.ingest.document import Document
from presslens.lexicons import load_list, load_table
from presslens.nlp import subtree, text_of
from presslens.record import Entity, Mention

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model gives to place names it does not know.
MISTAKABLE_FOR_PLACE = {"PERSON", "ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
EDGE_JUNK = {"the", "a", "an", "and", "or", "of", "'s", "’s", "‘s", "'", "’", "‘", "\"", "“", "”", "-", "–", "—"}
POSSESSIVE = re.compile(r"[’'‘]s$")
BLOCK_WEIGHT = {"headline": 3.0, "bullet": 1.2, "caption": 0.5, "paragraph": 1.0, "boilerplate": 0.2}
LEAD_BONUS = 0.5  # mentions in the first two body paragraphs count extra
TITLE_MAX_TOKENS = 12
# Honorifics that make the name after them a person's ("Mr. Obama", "Ms. Noem").
HONORIFICS = frozenset({"mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "dr.", "dr"})
# Labels the model gives a person's full name by mistake ("Shawn Steel" as ORG).
MISTAKABLE_FOR_PERSON = {"ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"}


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    root: Token
    kind: str = "name"
    titles: list[str] = field(default_factory=list)


@dataclass
class _Cluster:
    label: str
    mentions: list[_Mention] = field(default_factory=list)
    canonical: str | None = None  # fixed by the alias lexicon, else chosen from the mentions

    @property
    def forms(self) -> list[str]:
        return [m.text for m in self.mentions if m.kind == "name"]


@cache
def _titles() -> frozenset[str]:
    # abbreviated titles ("Gov.", "Sen.") are titles too
    return frozenset(load_list("titles.txt")) | {short for short, _ in load_table("title-abbreviations.tsv")}


HYPHENS = frozenset({"-", "‐", "‑"})


def _glued_to_hyphen(doc: Doc, position: int) -> bool:
    """Return True when a token is written against a following hyphen ("co" in "co-founder")."""
    return position + 1 < len(doc) and not doc[position].whitespace_ and doc[position + 1].text in HYPHENS \
        and not doc[position + 1].whitespace_


@cache
def _title_modifiers() -> frozenset[str]:
    return frozenset(load_list("title-modifiers.txt"))


@cache
def _type_fixes() -> dict[str, str]:
    return {name: label for name, label in load_table("entity-types.tsv")}


@cache
def _aliases() -> dict[str, str]:
    return {alias.casefold(): canonical for alias, canonical in load_table("entity-aliases.tsv")}


@cache
def _metonyms() -> dict[str, str]:
    return {name.casefold(): country for name, country in load_table("metonyms.tsv")}


@cache
def _demonyms() -> dict[str, str]:
    return {name.casefold(): country for name, country in load_table("demonyms.tsv")}


@cache
def _place_heads() -> frozenset[str]:
    return frozenset(load_list("place-heads.txt"))


@cache
def _leader_nouns() -> frozenset[str]:
    return frozenset(load_list("leader-nouns.txt"))


@cache
def _head_of_state_titles() -> tuple[str, ...]:
    return load_list("head-of-state-titles.txt")


def is_title_word(token: Token | str) -> bool:
    """Return True when a word names an office or role ("minister", "Secretary-General")."""
    text = token if isinstance(token, str) else token.text
    return text.casefold() in _titles()


def extract_entities(doc: Doc, document: Document) -> list[Entity]:
    """Return the article's canonical entities, each with its mentions, titles and salience."""
    # Token.is_sent_start scans the whole doc on each call; one pass here instead.
    sentence_starts = frozenset(sentence.start for sentence in doc.sents)
    lower_words = frozenset(t.text for t in doc if t.text.islower())
    mentions = [m for m in (_mention_from_span(span, sentence_starts) for span in doc.ents) if m is not None]
    mentions = [m for m in mentions if not _common_word(m, sentence_starts, lower_words)]
    person_words = _person_words(mentions)
    for mention in mentions:
        mention.label = _corrected_label(mention, person_words)
    _relabel_places(mentions, person_words)
    clusters = _cluster(mentions)
    _add_missed_mentions(clusters, doc)
    for cluster in clusters:
        if cluster.label == "PERSON":
            for mention in cluster.mentions:
                mention.titles = read_titles(doc, mention)
    _add_nominal_mentions(clusters, doc)
    return _entities(clusters, document)


def _mention_from_span(span: SpacySpan, sentence_starts: frozenset[int]) -> _Mention | None:
    if span.label_ not in ENTITY_LABELS:
        return None
    tokens = list(span)
    breaks = [i for i, t in enumerate(tokens) if "\n" in t.text or "\n" in t.whitespace_]
    if breaks:  # the model ran a name across a block boundary: keep the part before it
        tokens = tokens[: breaks[0] + (0 if "\n" in tokens[breaks[0]].text else 1)]
    while tokens and (tokens[0].lower_ in EDGE_JUNK or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and (tokens[-1].lower_ in EDGE_JUNK or tokens[-1].is_punct and tokens[-1].text != "."):
        tokens.pop()
    if not tokens:
        return None  # the model took a lone mark for a name (a "‚" typed as a comma)
    tokens = _whole_hyphenated(tokens, span.label_)
    verbs = [i for i, t in enumerate(tokens) if i and t.lower_ in _headline_verbs()]
    if verbs:
        tokens = tokens[:verbs[0]]  # "Bernanke Testifies On Rates": a headline's verb ends the name
    if span.label_ == "PERSON":
        possessive = [i for i, t in enumerate(tokens[:-1]) if t.lower_ in ("'s", "’s")]
        if possessive:
            tokens = tokens[:possessive[0]]  # "Holcomb’s 2016": the name ends at its possessive
        while len(tokens) > 1 and is_title_word(tokens[0]):
            tokens.pop(0)
        tokens = _after_title_of(_given_names(tokens, sentence_starts))
    if not tokens or not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in tokens):
        return None  # lower-case words the model took for a name ("sham")
    if len(tokens) == 1 and tokens[0].pos_ not in ("PROPN", "NOUN", "ADJ", "NUM") and span.label_ != "NORP":
        return None
    if len(tokens) == 1 and tokens[0].pos_ == "NOUN" and tokens[0].i in sentence_starts:
        return None  # a capitalised common noun opening a sentence ("Referendum volunteers ...")
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    text = text_of(tokens[0].doc)[start:end]
    trimmed = POSSESSIVE.sub("", text)
    end -= len(text) - len(trimmed)
    root = min(tokens, key=lambda t: _depth(t, tokens))
    return _Mention(start, end, trimmed, span.label_, root)


def _whole_hyphenated(tokens: list[Token], label: str) -> list[Token]:
    """Return a name's tokens extended over a hyphenated word the model cut ("Eva-" of
    "Eva-Marie", "-Marie"). Only a capitalised word continues a name: "Houston-based" and
    "Atlanta-area" stay the place, and two peoples joined ("Israeli-Egyptian") stay two."""
    doc = tokens[0].doc
    first, last = tokens[0].i, tokens[-1].i
    if label == "NORP":
        return tokens
    while last + 2 < len(doc) and _glued_to_hyphen(doc, last) and doc[last + 2].text[:1].isupper():
        last += 2
    if tokens[-1].text in HYPHENS and last + 1 < len(doc) and not tokens[-1].whitespace_ \
            and doc[last + 1].text[:1].isupper():
        last += 1
    while first >= 2 and doc[first - 1].text in HYPHENS and _glued_to_hyphen(doc, first - 2) \
            and doc[first - 2].text[:1].isupper():
        first -= 2
    return list(doc[first:last + 1])


def _after_title_of(tokens: list[Token]) -> list[Token]:
    """Return a person's name without the body of a title written before it ("Director of
    Public Prosecution Eva Persson" -> "Eva Persson"): after "<title> of", a name is its last
    two words."""
    doc = tokens[0].doc
    first = tokens[0].i
    if first < 2 or doc[first - 1].lower_ != "of" or not any(is_title_word(t) for t in doc[max(first - 4, 0):first - 1]):
        return tokens
    words = text_of(doc)[tokens[0].idx:tokens[-1].idx + len(tokens[-1].text)].split()
    if len(words) <= 2:
        return tokens
    keep = len(" ".join(words[-2:]))
    end = tokens[-1].idx + len(tokens[-1].text)
    return [t for t in tokens if t.idx >= end - keep]


NATIONALITY_ENDING = re.compile(r"(an|ans|ish|ese|i|is|ic|ch|sh|ern|ist|ists)$")


def _common_word(mention: _Mention, sentence_starts: frozenset[int], lower_words: frozenset[str]) -> bool:
    """Return True for a one-word "name" that is a common word capitalised by its position
    ("Referendum volunteers ..." when the article also writes "referendum"), or a
    "nationality" that has no nationality's form ("Harbour" opening a headline)."""
    token = mention.root
    if " " in mention.text:
        return False
    if mention.label == "NORP":
        return mention.text.casefold() not in _demonyms() and not NATIONALITY_ENDING.search(mention.text)
    if token.i not in sentence_starts:
        return False
    return mention.text.lower() in lower_words


def _depth(token: Token, tokens: list[Token]) -> int:
    """Return how many heads up a token sits from the mention's root."""
    inside = {t.i for t in tokens}
    depth = 0
    while token.head.i in inside and token.head.i != token.i and depth < len(tokens):
        token, depth = token.head, depth + 1
    return depth


def _given_names(tokens: list[Token], sentence_starts: frozenset[int]) -> list[Token]:
    """Extend a person's name leftwards over given names the model left out ("Oleksandr")."""
    doc = tokens[0].doc
    position = tokens[0].i - 1
    added: list[Token] = []
    while position >= 0 and len(added) < 2:
        token = doc[position]
        if (token.pos_ != "PROPN" or not token.text[:1].isupper() or is_title_word(token)
                or token.ent_type_ not in ("", "PERSON") or token.i in sentence_starts
                or token.text.casefold() in _title_modifiers() or "." in token.text):
            break
        added.insert(0, token)
        position -= 1
    return added + tokens


def given_name_gender(word: str) -> str | None:
    """Return "m" or "f" when a word is a given name that says which pronoun its bearer gets,
    else None (unknown names, and names given to both)."""
    return _given_name_table().get(word.casefold())


@cache
def _given_name_table() -> dict[str, str]:
    return {name: gender for name, gender in load_table("given-names.tsv")}


def _honorific_before(mention: _Mention) -> bool:
    """Return True when an honorific is written just before the name ("Mr. Obama")."""
    doc = mention.root.doc
    first = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if first is None or first.start == 0:
        return False
    return doc[first.start - 1].text.casefold() in HONORIFICS


def _person_words(mentions: list[_Mention]) -> set[str]:
    """Return the words of multi-word person names and the names written after an honorific:
    a town name that is also one is a person."""
    words: set[str] = set()
    for mention in mentions:
        if mention.label == "PERSON" and " " in mention.text:
            words.update(mention.text.split())
        if _honorific_before(mention) and " " not in mention.text:
            words.add(mention.text)
    return words


def _full_name_of_person(mention: _Mention) -> bool:
    """Return True for a two- or three-word name opening with a known given name, every word
    capitalised and none a title or place word ("Shawn Steel", not "Paul Allen Foundation")."""
    words = mention.text.split()
    if not 2 <= len(words) <= 3 or given_name_gender(words[0]) is None:
        return False
    return all(w[:1].isupper() and not w.isupper() and not is_title_word(w) and w.casefold() not in _place_heads()
               and w.casefold() not in _organisation_heads() and w.casefold() not in _kind_of_place_words()
               for w in words)


@cache
def _kind_of_place_words() -> frozenset[str]:
    """Words that make a name a place's ("Henry County", "Grant Street", "Lake Charles")."""
    return frozenset().union(*(load_list(name) for name in
                               ("place-feature-words.txt", "street-words.txt", "place-nouns.txt")))


@cache
def _headline_verbs() -> frozenset[str]:
    return frozenset(load_list("headline-verbs.txt"))


@cache
def _organisation_heads() -> frozenset[str]:
    return frozenset(load_list("organisation-heads.txt"))


def _corrected_label(mention: _Mention, person_words: set[str]) -> str:
    fixed = _type_fixes().get(mention.text) or _type_fixes().get(mention.text.casefold().title())
    if fixed:
        return fixed
    label = mention.label
    if label in MISTAKABLE_FOR_PERSON and (_honorific_before(mention) or _full_name_of_person(mention)):
        return "PERSON"
    if label != "PERSON" and " " not in mention.text and mention.text in person_words:
        from presslens.extract.places import place_type

        if place_type(mention.text) is None:
            return "PERSON"  # "Varga, the prime minister" after "Elsa Varga": the model said ORG
    if label in PLACE_LABELS and mention.text.casefold() in _demonyms():
        return "NORP"  # "Ukrainian" tagged as a place
    last_word = mention.text.split()[-1].casefold()
    if label in ("PERSON", "ORG", "PRODUCT", "WORK_OF_ART") and " " in mention.text and last_word in _place_heads():
        return "FAC"
    return label


# Prepositions that put a name on the map; "to", "from" and "on" are left out because
# organisations take them as often ("a challenge to Toyota", "a statement from Nokia").
LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "around", "towards", "toward",
                      "into", "through"})


def _relabel_places(mentions: list[_Mention], person_words: set[str]) -> None:
    """Give a place label to names the model called something else, when the gazetteer knows
    the name and the article uses it as a place.

    A name tagged as a person with nothing personal about it is a place ("Lyman" in "the town of
    Lyman", tagged PERSON). A name tagged as an organisation or product must stand after a place
    preposition ("in Mariupol") at least as often as it is used otherwise: companies named
    after towns ("Toyota") stay organisations. Every mention of such a name becomes a place, so
    its mentions stay together.
    """
    from presslens.extract.places import place_type

    votes: dict[str, int] = {}
    for mention in mentions:
        if mention.label not in MISTAKABLE_FOR_PLACE or _person_context(mention, person_words):
            continue
        if place_type(mention.text) is None:
            if mention.label == "PERSON" and _named_as_place(mention):
                votes.setdefault(mention.text, 0)  # an island or village too small for the gazetteer
            continue
        place_like = mention.label == "PERSON" or _locative(mention)
        votes[mention.text] = votes.get(mention.text, 0) + (1 if place_like else -1)
    for mention in mentions:
        if votes.get(mention.text, -1) >= 0 and mention.label in MISTAKABLE_FOR_PLACE \
                and not _person_context(mention, person_words):
            mention.label = place_type(mention.text) or "LOC"


def _person_context(mention: _Mention, person_words: set[str]) -> bool:
    """Return True when a name is used for a person: a word of a full name, or after a title."""
    if mention.text in person_words and mention.label == "PERSON":
        return True
    index = mention.root.left_edge.i
    before = mention.root.doc[index - 1] if index > 0 else None
    return mention.label == "PERSON" and before is not None and is_title_word(before)


def _locative(mention: _Mention) -> bool:
    """Return True when the article uses the name as a place: after a place preposition ("in
    Mariupol"), beside a place noun ("Kramatorsk, an eastern city"; "the town of Lyman")."""
    root, head = mention.root, mention.root.head
    return (root.dep_ == "pobj" and head.lower_ in LOCATIVE) or _named_as_place(mention)


def _named_as_place(mention: _Mention) -> bool:
    """Return True when a place noun says what the name is ("the island of Saaremaa",
    "Kramatorsk, an eastern city"): evidence enough even for a name no gazetteer knows."""
    root, head = mention.root, mention.root.head
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _place_nouns():
        return True
    return any(child.dep_ == "appos" and child.lemma_.lower() in _place_nouns() for child in root.children)


@cache
def _place_nouns() -> frozenset[str]:
    return frozenset(load_list("place-nouns.txt"))


def _key(text: str) -> str:
    """Return the string under which two spellings of one name compare equal."""
    canonical = _aliases().get(text.casefold())
    if canonical:
        text = canonical
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"[.\s\-‐–]+", " ", text).strip().casefold()


def _cluster(mentions: list[_Mention]) -> list[_Cluster]:
    by_key: dict[tuple[str, str], _Cluster] = {}
    clusters: list[_Cluster] = []
    for mention in mentions:
        group = _group(mention.label)
        key = (group, _key(mention.text))
        if group == "NORP":
            key = (group, key[1].removesuffix("s"))
        cluster = by_key.get(key)
        if cluster is None:
            cluster = _Cluster(label=mention.label, canonical=_aliases().get(mention.text.casefold()))
            by_key[key] = cluster
            clusters.append(cluster)
        cluster.mentions.append(mention)
    clusters = _merge_surnames(clusters)
    return _merge_acronyms(clusters)


def _group(label: str) -> str:
    """Return the family of labels within which one name may refer to one referent."""
    return "PLACE" if label in PLACE_LABELS else label


def _merge_surnames(clusters: list[_Cluster]) -> list[_Cluster]:
    """Attach "Putin" to "Vladimir Putin" (and "Mr Putin"), when only one full name fits."""
    people = [c for c in clusters if c.label == "PERSON"]
    full = [c for c in people if any(" " in f for f in c.forms)]
    merged: set[int] = set()
    for cluster in people:
        if any(" " in f for f in cluster.forms):
            continue
        word = cluster.forms[0].casefold()
        fits = [c for c in full if any(f.split()[-1].casefold() == word for f in c.forms)]
        if not fits:
            fits = [c for c in full if any(f.split()[0].casefold() == word for f in c.forms)]
        if len(fits) == 1:
            fits[0].mentions.extend(cluster.mentions)
            merged.add(id(cluster))
    return [c for c in clusters if id(c) not in merged]


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


def _merge_acronyms(clusters: list[_Cluster]) -> list[_Cluster]:
    """Attach "ISW" to "Institute for the Study of War" when the initials match."""
    long_forms: dict[str, _Cluster] = {}
    for cluster in clusters:
        if cluster.label == "ORG":
            for form in cluster.forms:
                if " " in form:
                    long_forms.setdefault(_initials(form), cluster)
    merged: set[int] = set()
    for cluster in clusters:
        if cluster.label != "ORG" or id(cluster) in merged:
            continue
        acronym = cluster.forms[0].replace(".", "") if cluster.forms else ""
        target = long_forms.get(acronym) if acronym.isupper() and len(acronym) >= 2 else None
        if target is not None and target is not cluster:
            target.mentions.extend(cluster.mentions)
            merged.add(id(cluster))
    return [c for c in clusters if id(c) not in merged]


def _add_missed_mentions(clusters: list[_Cluster], doc: Doc) -> None:
    """Find every further occurrence of a cluster's names that the model did not tag."""
    taken = [(m.start, m.end) for c in clusters for m in c.mentions]
    forms: dict[str, _Cluster] = {}
    for cluster in clusters:
        names = set(cluster.forms)
        if cluster.label == "PERSON":
            names.update(f.split()[-1] for f in cluster.forms if " " in f)
        for name in names:
            if len(name) >= 3 and name[0].isupper():
                forms.setdefault(name, cluster)
    if not forms:
        return
    token_starts = {t.idx: t for t in doc}
    text = text_of(doc)
    # One mark per character already in a mention: a linear check, however many there are.
    occupied = bytearray(len(text) + 1)
    for start, end in taken:
        occupied[start:end] = b"\x01" * len(occupied[start:end])
    for start, end in _occurrences(text, list(forms)):
        if start not in token_starts or occupied.find(1, start, end) != -1:
            continue
        token = token_starts[start]
        found = text[start:end]
        cluster = forms[found]
        cluster.mentions.append(_Mention(start, end, found, cluster.label, token))
        occupied[start:end] = b"\x01" * (end - start)


WORD_START = re.compile(r"(?<![\w-])(?=\w)")
WORD_GOES_ON = re.compile(r"[\w-]")


def _occurrences(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Return where the forms (of at least three characters) occur as whole words, in text
    order and not overlapping, the longest form first where several start at one place.

    What one regular expression of all the forms would find, but the forms are looked up by
    their first three characters at each word start: such an expression tries every form at
    every position, and a long text has thousands of names."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for form in sorted(forms, key=len, reverse=True):
        by_prefix[form[:3]].append(form)
    found: list[tuple[int, int]] = []
    resume = 0
    for start in (m.start() for m in WORD_START.finditer(text)):
        if start < resume:
            continue
        for form in by_prefix.get(text[start:start + 3], ()):
            end = start + len(form)
            if text.startswith(form, start) and not WORD_GOES_ON.match(text, end):
                found.append((start, end))
                resume = end
                break
    return found


def read_titles(doc: Doc, mention: _Mention) -> list[str]:
    """Return the titles written before a person's name or in apposition to it."""
    titles: list[str] = []
    first = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if first is not None and len(first):
        title = _pre_nominal_title(doc, first.start)
        if title:
            titles.append(title)
    root = mention.root
    for child in root.children:
        if child.dep_ == "appos" and _holds_title(child):
            titles.append(_phrase(child))
    if root.dep_ == "appos" and _holds_title(root.head) and root.head.i < root.i:
        titles.append(_phrase(root.head, stop=root))
    return [t for t in titles if t]


def _pre_nominal_title(doc: Doc, index: int) -> str | None:
    """Return the title phrase right before a name ("Czech Foreign Minister" Jan Lipavsky)."""
    position = index - 1
    start = index
    while position >= 0 and index - position <= TITLE_MAX_TOKENS:
        token = doc[position]
        word = token.text.casefold()
        if is_title_word(token) or word in _title_modifiers() or word in HYPHENS or _glued_to_hyphen(doc, position):
            start = position  # "co-founder", "editor-in-chief" kept whole
        elif token.pos_ in ("PROPN", "ADJ") and token.text[:1].isupper():
            start = position  # a country, organisation or nationality qualifying the title
        elif word == "of" and position > 0 and doc[position - 1].text[:1].isupper():
            start = position
        else:
            break
        position -= 1
    words = doc[start:index]
    if not any(is_title_word(t) for t in words):
        return None
    titled = [i for i, t in enumerate(words) if is_title_word(t) or t.text in HYPHENS]
    if not (titled[-1] + 1 < len(words) and words[titled[-1] + 1].lower_ == "of"):
        words = words[:titled[-1] + 1]  # "Brothers of Italy leader Giorgia" keeps "leader"; "Director of
        # Public Prosecution Eva Persson" keeps the whole title
    while words and words[0].text in HYPHENS:
        words = words[1:]
    return words.text if len(words) else None


def _holds_title(token: Token) -> bool:
    return is_title_word(token) or any(is_title_word(c) for c in token.children if c.dep_ == "compound")


def _phrase(token: Token, stop: Token | None = None) -> str:
    """Return a title noun's phrase without its article, cut at a comma or the name itself."""
    tokens = subtree(token)
    if stop is not None:
        tokens = [t for t in tokens if t.i < stop.left_edge.i]
    kept: list[Token] = []
    for t in tokens:
        if t.text in (",", "(", ")", ";") and kept:
            if t.i > token.i:
                break
            kept = []
            continue
        kept.append(t)
    while kept and (kept[0].pos_ == "DET" or kept[0].is_punct or kept[0].dep_ == "poss" and kept[0].pos_ == "PRON"):
        kept.pop(0)
    while kept and kept[-1].is_punct:
        kept.pop()
    doc = token.doc
    while kept and kept[0].i >= 2 and _glued_to_hyphen(doc, kept[0].i - 2):
        kept = [doc[kept[0].i - 2], doc[kept[0].i - 1]] + kept  # "co-founder", not "founder"
    if not kept or len(kept) > TITLE_MAX_TOKENS:
        return ""
    return text_of(doc)[kept[0].idx: kept[-1].idx + len(kept[-1].text)]


def _add_nominal_mentions(clusters: list[_Cluster], doc: Doc) -> None:
    """Resolve "the President", "the secretary-general", "the Kremlin leader" to a person."""
    people = [c for c in clusters if c.label == "PERSON"]
    if not people:
        return
    taken = {(m.start, m.end) for c in people for m in c.mentions}
    # one mark per character inside a person's mention: an overlap check that does not read
    # every mention for each "the"
    occupied = bytearray(len(text_of(doc)) + 1)
    for start, end in taken:
        occupied[start:end] = b"\x01" * len(occupied[start:end])
    # each person's title keys, read once: a nominal mention added below has no titles
    title_keys = {id(c): list(dict.fromkeys(_title_key(t) for m in c.mentions for t in m.titles)) for c in people}
    for token in doc:
        if token.lower_ != "the" or token.i + 1 >= len(doc):
            continue
        phrase = _nominal_after(doc, token.i + 1)
        if phrase is None:
            continue
        span, head = phrase
        start, end = span.start_char, span.end_char
        if occupied.find(1, start, end) != -1 or head.lower_ in load_list("generic-speakers.txt"):
            continue  # "the official" is someone the writer leaves unnamed
        cluster = _referent(people, span, head, clusters, title_keys)
        if cluster is not None:
            cluster.mentions.append(_Mention(start, end, span.text, "PERSON", head, kind="nominal"))
            occupied[start:end] = b"\x01" * (end - start)


def _nominal_after(doc: Doc, index: int) -> tuple[SpacySpan, Token] | None:
    """Return "[modifier] title-noun" after "the", when not followed by a name."""
    end = index
    while end < len(doc) and end - index < 3 and (doc[end].text[:1].isupper() or is_title_word(doc[end])
                                                 or doc[end].text == "-"):
        end += 1
        if is_title_word(doc[end - 1]) or doc[end - 1].lower_ in _leader_nouns():
            if end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                return None  # "the President Joe Biden": a name follows, handled as a title
            if end < len(doc) and doc[end].text == "-":
                continue
            return doc[index:end], doc[end - 1]
    return None


def _referent(people: list[_Cluster], span: SpacySpan, head: Token, clusters: list[_Cluster],
              title_keys: dict[int, list[str]]) -> _Cluster | None:
    noun = span.text.casefold().replace(" ", "-")
    words = span.text.casefold().split()
    head_word = head.lower_
    # "the secretary-general", "the President": the one person bearing that title.
    bearing = [c for c in people if any(noun in key for key in title_keys[id(c)])]
    if not bearing and len(words) == 1:
        bearing = [c for c in people if any(head_word in key.split("-") for key in title_keys[id(c)])]
    if len(bearing) > 1:  # the bearer named most recently before the nominal
        bearing = [c for c in bearing if any(m.start < span.start_char for m in c.mentions)]
        bearing.sort(key=lambda c: max(m.start for m in c.mentions if m.start < span.start_char))
        bearing = bearing[-1:]
    if len(bearing) == 1:
        return bearing[0]
    # "the Kremlin leader": the head of state of the country a qualifier stands for.
    if head_word in _leader_nouns() and len(words) >= 2:
        country = affiliation_of(" ".join(span.text.split()[:-1]))
        if country:
            leaders = [c for c in people if _leads(c, country)]
            if len(leaders) == 1:
                return leaders[0]
    return None


def _title_key(title: str) -> str:
    return title.casefold().replace(" ", "-")


def _leads(cluster: _Cluster, country: str) -> bool:
    for mention in cluster.mentions:
        for title in mention.titles:
            lowered = title.casefold()
            if affiliation_of(title) == country and any(t in lowered for t in _head_of_state_titles()):
                return True
    return False


def affiliation_of(phrase: str) -> str | None:
    """Return the country or organisation a title or qualifier names ("Czech" -> Czechia)."""
    words = [w.removesuffix("’s").removesuffix("'s") for w in re.findall(r"[\w.\-’']+", phrase)]
    words = [w for w in words if w and not is_title_word(w) and w.casefold() not in _title_modifiers()]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            chunk = " ".join(words[i:i + size])
            if not chunk[:1].isupper():
                continue
            found = _known_affiliation(chunk)
            if found:
                return found
    # Otherwise an organisation named in the title ("UN spokesman", "Brothers of Italy leader").
    runs = re.findall(r"[A-Z][\w.\-]*(?:\s+(?:of\s+|for\s+the\s+)?[A-Z][\w.\-]*)*", " ".join(words))
    runs = [r for r in runs if " " in r or r.replace(".", "").isupper()]
    return max(runs, key=len) if runs else None


def _known_affiliation(chunk: str) -> str | None:
    folded = chunk.casefold()
    for table in (_demonyms(), _metonyms(), _aliases()):
        if folded in table:
            return table[folded]
    if chunk in _demonyms().values():
        return chunk
    return _country_name(chunk)


@cache
def _country_name(name: str) -> str | None:
    import pycountry

    try:
        country = pycountry.countries.lookup(name)
    except LookupError:
        return None
    return getattr(country, "common_name", None) or country.name


def _entities(clusters: list[_Cluster], document: Document) -> list[Entity]:
    weights = _block_weights(document)
    scored: list[tuple[_Cluster, float]] = []
    for cluster in clusters:
        cluster.mentions.sort(key=lambda m: m.start)
        score = sum(_weight(weights, m.start) for m in cluster.mentions)
        scored.append((cluster, score))
    top = max((s for _, s in scored), default=1.0) or 1.0
    scored.sort(key=lambda pair: pair[0].mentions[0].start)
    entities: list[Entity] = []
    for number, (cluster, score) in enumerate(scored, start=1):
        names = cluster.forms or [m.text for m in cluster.mentions]
        name = cluster.canonical or _canonical(cluster.label, names)
        titles = _unique(t for m in cluster.mentions for t in m.titles)
        aliases = _unique(n for n in names if n != name)
        label = Counter(m.label for m in cluster.mentions if m.kind == "name").most_common(1)
        entities.append(Entity(
            id=f"e{number}",
            name=name,
            type=label[0][0] if label else cluster.label,
            aliases=aliases,
            titles=titles,
            affiliation=_affiliation(cluster.label, name, titles),
            mentions=[Mention(start=m.start, end=m.end, text=m.text, kind=m.kind) for m in cluster.mentions],
            salience=round(score / top, 3),
        ))
    return entities


def _canonical(label: str, names: list[str]) -> str:
    if label in ("PERSON", "ORG"):
        if label == "ORG":
            spelled = [n for n in names if not n.replace(".", "").isupper()]
            if spelled:
                names = spelled
            else:
                return max(names, key=lambda n: (n.isupper(), names.count(n)))
        return max(names, key=lambda n: (len(n.split()), names.count(n), len(n)))
    if label == "NORP":
        plural = [n for n in names if n.endswith("s") and n[:-1] in names]
        if plural:
            return plural[0]  # a group is named by its members: "Republicans", not "Republican"
    return Counter(names).most_common(1)[0][0]


def _affiliation(label: str, name: str, titles: list[str]) -> str | None:
    if label == "PERSON":
        for title in titles:
            found = affiliation_of(title)
            if found:
                return found
        return None
    if label in ("ORG", "NORP"):
        return _metonyms().get(name.casefold()) or (_demonyms().get(name.casefold()) if label == "NORP" else None)
    return None


def _unique(items) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold(), item)
    return list(seen.values())


def _block_weights(document: Document) -> list[tuple[int, int, float]]:
    weights = []
    body_seen = 0
    for block in document.blocks:
        weight = BLOCK_WEIGHT.get(block.kind, 1.0)
        if block.kind == "paragraph":
            body_seen += 1
            if body_seen <= 2:
                weight += LEAD_BONUS
        weights.append((block.start, block.end, weight))
    return weights


def _weight(weights: list[tuple[int, int, float]], offset: int) -> float:
    # the blocks are in text order and never overlap: the one holding the offset is the last
    # that starts at or before it
    at = bisect_right(weights, offset, key=lambda block: block[0]) - 1
    if at >= 0 and weights[at][0] <= offset < weights[at][1]:
        return weights[at][2]
    return 1.0


def entities_by_token(doc: Doc, entities: list[Entity]) -> dict[int, Entity]:
    """Return, for each token index inside a mention, the entity mentioned there."""
    index: dict[int, Entity] = {}
    starts = defaultdict(list)
    for entity in entities:
        for mention in entity.mentions:
            starts[mention.start].append((mention.end, entity))
    for token in doc:
        for end, entity in starts.get(token.idx, ()):
            span = doc.char_span(token.idx, end, alignment_mode="expand")
            if span is not None:
                for t in span:
                    index[t.i] = entity
    return index


PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them", "we", "i"})


def add_speaker_mentions(entities: list[Entity], quotes: list) -> None:
    """Add to each entity the pronoun and nominal mentions that quote attribution resolved
    to it ("‘…,’ he said"), so that its mentions list is complete."""
    by_id = {entity.id: entity for entity in entities}
    for quote in quotes:
        speaker = quote.speaker
        entity = by_id.get(speaker.entity_id) if speaker else None
        if entity is None or speaker.end <= speaker.start:
            continue
        if any(m.start < speaker.end and speaker.start < m.end for m in entity.mentions):
            continue
        kind = "pronoun" if speaker.text.casefold() in PRONOUNS else "nominal"
        entity.mentions.append(Mention(start=speaker.start, end=speaker.end, text=speaker.text, kind=kind))
        entity.mentions.sort(key=lambda m: m.start)
