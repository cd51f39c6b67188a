"""Speaker resolution: the entity a quote's source refers to, or an explicit "unresolved".

Receives a source's head token, the article's entities and the speakers seen so far; returns
its entity and how it was found ("named", "resolved" or "unresolved"): the entity mentioned
there, else for a pronoun the previous speaker or person of the same sort, else for a nominal
the entity whose name or title holds its head noun. A person pronoun agrees in gender with
its antecedent when the person's given name, honorific or title shows it ("Mrs. Doe",
"Congresswoman Jo Doe", "Maria Doe"); a person whose gender nothing shows agrees with either,
and "they" and "it" never stand for one named person. Only people, organisations, places
standing for their governments and groups speak: a date, a number or an event never does.
``speaker_name`` then says what a reader is shown: the entity's name, the source as written
when it describes someone ("the Estonian coastguard"), or None when it names nobody the
article identifies (a pronoun left unresolved, "officials", "some").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, wraps

from spacy.tokens import Token

from presslens.extract.entities import affiliation_of, given_name_gender, is_title_word
from presslens.extract.entities.lexicon import title_modifiers
from presslens.extract.quotes.clauses import RELATIVE_PRONOUNS, grammatical_subject
from presslens.lexicons import load_list, load_table
from presslens.nlp import is_spaced_dash, subtree, text_of
from presslens.record import Entity

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f"}
GROUP_PRONOUNS = {"they", "it", "we", "them", "its", "their"}
# Outside a quotation, "I" and "we" are the writer's own voice, not a source to resolve.
FIRST_PERSON = {"i", "me", "my", "we", "us", "our", "you", "your"}
# The entity types that can speak; dates, numbers, events, works and laws never do.
SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# Cue classes by which a country stands for its government: it speaks ("Russia said"), but a
# country that "wants" or "believes" is the writer's summary, not a source.
COUNTRY_CUE_CLASSES = frozenset({"speech", "naming"})
# Words of a source phrase that describe a speaker beyond a vague head ("Officials in Riga",
# "the Estonian coastguard" do; "officials", "the report" do not).
DESCRIBING_POS = {"PROPN", "ADJ"}
QUOTE_CHARACTERS = set("\"'“”‘’«»„‚")
PRONOUN_REACH = 3  # paragraphs back in which a pronoun's antecedent is looked for
PERSON_NOUN_ENDINGS = ("man", "woman", "person", "ist", "ian")
PARTY_LETTERS = {"r", "d", "i"}  # of a lawmaker's tag after the name: "Sen. Ann Vale, R-Iowa"
TITLE_REACH = 6  # tokens before a name that can hold its title and place: "Republican Iowa Sen."


@dataclass
class Said:
    position: int
    block: int
    entity: Entity | None
    person: bool
    gender: str | None = None  # of an unresolved person speaker, from its pronoun or noun


def is_person_noun(token: Token) -> bool:
    """Return True for a singular common noun that names a person ("the driver", "a
    spokeswoman", "the senator"): a speaker written so is someone, though unnamed."""
    if token.pos_ != "NOUN" or token.tag_ != "NN":
        return False
    word = token.lower_
    return (word in _person_nouns() or is_title_word(word) or word in _gendered_words()
            or word.endswith(PERSON_NOUN_ENDINGS))


def unrecognised_person(source: Token) -> tuple[bool, str | None]:
    """Return whether a source that no entity stands for is a person, and the gender it
    shows: a pronoun ("he"), a person noun ("the driver", "a spokeswoman") or a name the
    entities missed that an apposition or a given name shows to be someone's ("Ada K. Rushby,
    a professor at the college"; "Ada Rushby"). A pronoun after such a speaker is that
    person, not someone named before."""
    if source.lower_ in PERSON_PRONOUNS:
        return True, PRONOUN_GENDER.get(source.lower_)
    if is_person_noun(source):
        return True, _gendered_words().get(source.lower_)
    if source.pos_ == "PROPN":
        first = next((t for t in subtree(source) if t.pos_ == "PROPN"), source)
        gender = given_name_gender(first.text) if first.i < source.i else None
        if gender is not None or any(c.dep_ == "appos" and is_person_noun(c) for c in source.children):
            return True, gender
    return False, None


def source_tokens(source: Token, cue: Token | None = None, bounds: tuple[int, int] | None = None) -> list[Token]:
    """Return the tokens of a source phrase as written, within its paragraph, without edge
    punctuation."""
    tokens = subtree(source)
    if bounds is not None:
        tokens = [t for t in tokens if bounds[0] <= t.i < bounds[1]]
    if cue is not None and source.i > cue.i:
        tokens = [t for t in tokens if t.i > cue.i]  # "‘…,’ tweeted spokesman Jo Doe"
        stop = next((k for k, t in enumerate(tokens) if t.text == ":" or t.is_quote), None)
        tokens = tokens[:stop]  # "Said Jo Doe: ‘…’": the name ends where the words begin
    if cue is not None and source.i < cue.i:
        tokens = [t for t in tokens if t.i < cue.i]
        # a subject that is not the parser's ("..., the secretary-general said") starts
        # after the last comma before it
        commas = [t.i for t in tokens if t.text == "," and t.i < source.i]
        if commas and source.head != cue and grammatical_subject(cue) != source:
            tokens = [t for t in tokens if t.i > commas[-1]]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    return tokens


def past_dateline(source: Token, tokens: list[Token], index: dict[int, Entity]) -> tuple[Token, list[Token]]:
    """Return the source head and tokens without the dateline the parser ran into them
    ("NEWPORT —", "Newport (AFP) – Vice President Jo Doe"): the place opening the paragraph,
    written in capitals or with an agency in brackets, before a dash between spaces. When the
    parser made the place the head, the head is the named person after the dash, else the
    root of the words after it. Either way a head misparsed before a person's name and title
    becomes the name (``_titled_name``)."""
    if not tokens:
        return source, tokens
    dash = next((k for k, t in enumerate(tokens) if is_spaced_dash(t)), None)
    if dash is None or dash + 1 >= len(tokens) or not _is_dateline(tokens[:dash]):
        return _titled_name(source, tokens, index), tokens
    rest = tokens[dash + 1:]
    if source.i > tokens[dash].i:
        return _titled_name(source, rest, index), rest
    kept = {t.i for t in rest}
    root = next((t for t in rest if t.head.i not in kept or t.head == t), rest[0])
    return _titled_name(root, rest, index), rest


def _titled_name(source: Token, tokens: list[Token], index: dict[int, Entity]) -> Token:
    """Return the person's name a misparsed source head stands before: "Harbour chief Jo
    Doe, speaking for the board" headed by "Harbour" is Jo Doe, as only title words come
    before the name; "a lawyer for Jo Doe" stays the lawyer."""
    if source.i in index or source.i > tokens[-1].i or source.i < tokens[0].i:
        return source
    for k, token in enumerate(tokens):
        if token.i in index:
            person = index[token.i]
            if person.type != "PERSON" or source.i > token.i:
                return source
            last = k
            while last + 1 < len(tokens) and index.get(tokens[last + 1].i) is person:
                last += 1
            # the name ends the phrase's words ("…Jo Doe, speaking for…"), or it only
            # modifies them: "Doe's allies", "some Doe aides"
            after = tokens[last + 1] if last + 1 < len(tokens) else None
            return token if after is None or after.text == "," else source
        if token.pos_ not in ("PROPN", "NOUN", "ADJ", "DET") or token.pos_ == "DET" and k:
            return source
    return source


def _is_dateline(words: list[Token]) -> bool:
    letters = [t for t in words if t.is_alpha]
    return bool(letters) and (words[-1].text == ")" or all(t.is_upper for t in letters)) \
        and not any(t.pos_ in ("VERB", "AUX") and t.is_lower for t in words)


def resolve_speaker(source: Token, index: dict[int, Entity], entities: list[Entity],
                    history: list[Said], block: int, quoted: frozenset[int] = frozenset()) -> tuple[Entity | None, str]:
    """Return the entity a source refers to (or None) and how it was found: "named",
    "resolved" or "unresolved". ``quoted`` holds the indices of the tokens inside quotation
    marks: a name there is the quoted speaker's word, not the writer's."""
    if source.lower_ in RELATIVE_PRONOUNS and source.head.dep_ == "relcl":
        source = source.head.head  # "officials who said": the officials
    entity = _entity_at(source, index)
    if entity is not None and source.pos_ == "NOUN" and source.i not in index and entity.type != "PERSON" \
            and not any(c.dep_ == "appos" for c in source.children):
        # "the Wikileaks founder", "some Indiana protesters": the name modifies the speaker,
        # it is not the speaker; a person whose title holds the noun may be
        entity = _nominal_referent(source, [e for e in entities if e.type == "PERSON"])
        return entity, "resolved" if entity is not None else "unresolved"
    if entity is not None and entity.type == "PERSON" and source.tag_ == "NNS" and source.i not in index \
            and not any(c.dep_ == "appos" for c in source.children):
        return None, "unresolved"  # "some Doe aides", "Doe supporters": people around a person, not them
    if entity is not None and entity.type == "NORP" and source.tag_ in ("NN", "NNP") \
            and any(c.dep_ == "det" for c in source.children):
        # "The Louisiana Republican said": one person described by party, not the party
        entity = _nominal_referent(source, [e for e in entities if e.type == "PERSON"])
        return entity, "resolved" if entity is not None else "unresolved"
    if entity is not None and entity.type not in SPEAKER_TYPES:
        return None, "unresolved"  # "2001 said": a misparse, not a speaking date
    if entity is not None and entity.type == "NORP":
        return None, "group"  # "Republicans say", "Americans think": a group, not one speaker
    if entity is not None:
        return entity, "named" if source.pos_ == "PROPN" else "resolved"
    lowered = source.lower_
    if lowered in FIRST_PERSON:
        return None, "unresolved"
    if lowered in PERSON_PRONOUNS:
        if _reports_an_unrecognised_name(source, index):
            return None, "unresolved"
        entity = _person_antecedent(source, index, entities, history, block, PRONOUN_GENDER[lowered], quoted)
        return entity, "resolved" if entity is not None else "unresolved"
    if lowered in GROUP_PRONOUNS:
        return _group_antecedent(history, source.idx, block), "resolved"
    owner = next((c for c in source.children if c.dep_ == "poss" and c.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS),
                 None)
    if source.pos_ == "NOUN" and owner is not None:
        if source.lemma_.lower() not in _voice_nouns() and source.lower_ not in _voice_nouns():
            return None, "unresolved"  # "his opponents", "her husband": someone else than the owner
        # "his office said", "their spokesman said": the owner speaking through them
        if owner.lower_ in PERSON_PRONOUNS:
            entity = _person_antecedent(owner, index, entities, history, block, PRONOUN_GENDER.get(owner.lower_),
                                        quoted)
        else:
            entity = _group_antecedent(history, source.idx, block)
        return entity, "resolved" if entity is not None else "unresolved"
    if source.pos_ == "NOUN" and any(c.lower_ in ("the", "this", "that") for c in source.children):
        entity = _nominal_referent(source, entities)
        if entity is not None:
            return entity, "resolved"
    return None, "unresolved"


def speaker_name(tokens: list[Token], source: Token, entity: Entity | None) -> str | None:
    """Return the name a reader is shown for a source: the entity's name, the source as
    written when it describes a speaker, or None when it names nobody."""
    if entity is not None:
        return entity.name
    head = source
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not words or head.pos_ in ("PRON", "NUM", "DET") or head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS \
            | FIRST_PERSON | RELATIVE_PRONOUNS or head.like_num or head.ent_type_ in ("DATE", "TIME", "CARDINAL"):
        return None
    one = head.tag_ in ("NN", "NNP") and any(c.dep_ == "det" and c.lower_ in ("the", "a", "an") for c in head.children)
    if (head.ent_type_ == "NORP" or head.text in _demonym_words()) and not one:
        return None  # "Republicans", "Americans": a group, counted as nobody's; "the Ohio Republican" is one
    capitals = all(t.text.isupper() and t.text.isalpha() and len(t.text) > 1 for t in words)
    if head.pos_ not in ("PROPN", "NOUN") and not capitals:
        return None  # "Republican", "A": a modifier left without its noun; "DOE:" is a name
    if head.lower_ in _generic_heads() or head.lemma_.lower() in _generic_heads():
        if not any(t.pos_ in DESCRIBING_POS and t != head for t in words):
            return None
    if head.pos_ == "PROPN" and head.text.isupper() and len(words) == 1 and head.lower_ in _generic_heads():
        return None
    return text_of(source.doc)[words[0].idx:words[-1].idx + len(words[-1].text)]


def agrees(entity: Entity, gender: str | None, doc) -> bool:
    """Return whether a pronoun of ``gender`` ("m", "f" or None for any) can stand for the
    person: True unless the person's name, honorific or titles show the other gender."""
    if gender is None or doc is None:
        return True
    known = person_gender(entity, doc)
    return known is None or known == gender


def _remembered(read):
    """Return ``read(entity, doc)`` remembered for each doc and entity: in a long text every
    pronoun and nominal asks after the same people, and each answer reads all of a person's
    mentions."""
    @wraps(read)
    def remembered(entity: Entity, doc):
        if doc is None:
            return read(entity, doc)
        memo = doc.user_data.setdefault(("presslens.speakers", read.__name__), {})
        key = (entity.id, entity.name, len(entity.mentions), len(entity.titles))
        if key not in memo:
            memo[key] = read(entity, doc)
        return memo[key]
    return remembered


@_remembered
def person_gender(entity: Entity, doc) -> str | None:
    """Return "m" or "f" when the person's given name, an honorific or title before a mention,
    or a title of theirs shows which pronoun the writer uses; None when nothing does or the
    signs disagree."""
    signs: set[str] = set()
    words = entity.name.split()
    if len(words) > 1:
        given = given_name_gender(words[0].strip(".,"))
        if given:
            signs.add(given)
    gendered = _gendered_words()
    for title in entity.titles:
        signs.update(gendered[w] for w in re.split(r"[\s\-]+", title.casefold()) if w in gendered)
    text = text_of(doc)
    for mention in entity.mentions:
        if mention.kind != "name":
            continue
        before = text[max(mention.start - 30, 0):mention.start].split()
        if before and before[-1].casefold() in gendered:
            signs.add(gendered[before[-1].casefold()])  # "Mrs. Doe", "Congresswoman Doe"
    return signs.pop() if len(signs) == 1 else None


@cache
def _gendered_words() -> dict[str, str]:
    return {word: gender for word, gender in load_table("gendered-words.tsv")}


@_remembered
def _titles_before(entity: Entity, doc) -> frozenset[str]:
    """Return the title words written just before the entity's mentions ("Gov.", "Republican
    Gov."), which the entity's own titles may have missed."""
    text = text_of(doc)
    found: set[str] = set()
    for mention in entity.mentions:
        for word in reversed(text[max(mention.start - 40, 0):mention.start].split()[-3:]):
            word = word.casefold()
            if word in _abbreviations() or is_title_word(word):
                found.add(word)
    return frozenset(found)


@cache
def _abbreviations() -> dict[str, str]:
    """Return abbreviated titles with the role noun they stand for ("gov." -> "governor")."""
    return {short: full for short, full in load_table("title-abbreviations.tsv")}


@cache
def _demonym_words() -> frozenset[str]:
    return frozenset(word for word, _ in load_table("demonyms.tsv"))


@cache
def _person_nouns() -> frozenset[str]:
    return frozenset(load_list("person-nouns.txt"))


@cache
def _voice_nouns() -> frozenset[str]:
    return frozenset(load_list("voice-nouns.txt"))


@cache
def _generic_heads() -> frozenset[str]:
    return frozenset(load_list("generic-speakers.txt"))


def _entity_at(head: Token, index: dict[int, Entity]) -> Entity | None:
    if head.i in index:
        return index[head.i]
    for child in head.children:
        if child.dep_ in ("appos", "compound") and child.i in index:
            return index[child.i]  # "the agency, Energoatom"
    return None


def _person_antecedent(pronoun: Token, index: dict[int, Entity], entities: list[Entity], history: list[Said],
                       block: int, gender: str | None, quoted: frozenset[int]) -> Entity | None:
    """Return the person a he/she (or his/her) stands for: of the person last named as a main
    clause's subject nearby and the last speaker of that gender, the later one; else the last
    person of that gender named outside quotation marks. None when someone else who could be
    meant comes between that person and the pronoun: the writer may have moved on to them."""
    subject = _recent_subject(pronoun, index, gender)
    speaker = _previous_speaker(history, pronoun.idx, block, gender, pronoun.doc)
    if subject is not None and speaker is not None:
        chosen = subject[1] if subject[0] > speaker.position else speaker.entity
    elif subject is not None:
        chosen = subject[1]
    elif speaker is not None:
        chosen = speaker.entity
    else:
        chosen = _last_person_named(entities, pronoun, gender, index, quoted)
    if chosen is None or _someone_else_between(pronoun, chosen, history, index, gender, quoted):
        return None
    return chosen


def _someone_else_between(pronoun: Token, chosen: Entity, history: list[Said], index: dict[int, Entity],
                          gender: str | None, quoted: frozenset[int]) -> bool:
    """Return True when, between the last reference to the chosen person (a mention or a
    speaker resolved to them) and the pronoun, the writer makes someone else the pronoun
    agrees with the subject of a main clause (another named person, or an unnamed one: "the
    president made a promise that he now says…"), or the pronoun sits in a relative clause
    about an unnamed person ("a woman who says she…"), outside quotation marks. People named
    as objects or inside reported clauses do not count: the subject stays the topic."""
    doc = pronoun.doc
    last = max([m.start for m in chosen.mentions if m.start < pronoun.idx]
               + [s.position for s in history if s.entity is chosen and s.position < pronoun.idx], default=None)
    if last is None:
        return False
    roles = _referent_words(chosen, doc)[1]
    gendered = _gendered_words()
    for i in range(pronoun.i - 1, -1, -1):  # back from the pronoun to that reference
        token = doc[i]
        if token.idx <= last:
            break
        if token.i in quoted:
            continue
        entity = index.get(token.i)
        if entity is not None:
            if entity is not chosen and entity.type == "PERSON" and agrees(entity, gender, doc) \
                    and _main_subject_before(token, pronoun):
                return True
            continue
        if not is_person_noun(token) or token.lower_ in roles or gendered.get(token.lower_) not in (None, gender):
            continue
        if _main_subject_before(token, pronoun) or any(c.dep_ == "relcl" and (c == pronoun or c.is_ancestor(pronoun))
                                                      for c in token.children):
            return True
    return False


def _main_subject_before(token: Token, pronoun: Token) -> bool:
    """Return True when the token is (part of a name that is) the subject of a main clause
    ahead of the pronoun, not of "in the event that X faces Y" or of a reported clause."""
    head = token
    while head.dep_ in ("compound", "flat", "appos") and head.head != head:
        head = head.head
    main = head.head.dep_ == "ROOT" or (head.head.dep_ == "conj" and head.head.head.dep_ == "ROOT")
    return head.dep_ in ("nsubj", "nsubjpass") and main and head.i < pronoun.i


def _previous_speaker(history: list[Said], position: int, block: int, gender: str | None, doc) -> Said | None:
    """Return the last person speaker before ``position`` within reach who agrees in gender.
    An unnamed one ("the driver said") is returned too, with no entity: a pronoun after it is
    that person, not someone named before."""
    for said in reversed(history):
        if said.position >= position:
            continue
        if block - said.block > PRONOUN_REACH:
            break
        if not said.person:
            continue
        if said.entity is None:
            if gender is None or said.gender in (None, gender):
                return said
        elif agrees(said.entity, gender, doc):
            return said
    return None


def _reports_an_unrecognised_name(pronoun: Token, index: dict[int, Entity]) -> bool:
    """Return True when a pronoun speaker reports a clause about a name the article has not
    recognised as a person, met there for the first time ("Seddiqi worked for the agency, he
    told the paper"): the pronoun is most likely that person, whom no entity stands for."""
    if pronoun.dep_ != "nsubj":
        return False
    for clause in pronoun.head.children:
        if clause.dep_ != "ccomp" or clause.i > pronoun.i:
            continue
        subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.pos_ != "PROPN":
            return False
        entity = index.get(subject.i)
        if entity is None:
            return True
        first = min((m.start for m in entity.mentions), default=subject.idx)
        return entity.type != "PERSON" and first >= subject.idx
    return False


def _last_person_named(entities: list[Entity], pronoun: Token, gender: str | None,
                       index: dict[int, Entity], quoted: frozenset[int]) -> Entity | None:
    """Return the person of that gender last named before the pronoun outside quotation
    marks, not counting names that only modify another noun ("the Doe case")."""
    doc = pronoun.doc
    # Read back from the pronoun, so a long text is not read from its start for each one.
    for i in range(pronoun.i - 1, -1, -1):
        entity = index.get(i)
        if entity is None or entity.type != "PERSON" or i in quoted or not agrees(entity, gender, doc):
            continue
        head = doc[i]
        while head.dep_ in ("compound", "flat") and head.head.i in index and index[head.head.i] is entity:
            head = head.head
        if head.dep_ != "compound":
            return entity
    return None


def _recent_subject(pronoun: Token, index: dict[int, Entity], gender: str | None) -> tuple[int, Entity] | None:
    """Return the position and entity of the person of the pronoun's gender last named as a
    main clause's subject in the pronoun's sentence or the two before, outside quotation
    marks; None when there is none.

    The subject of a sentence just before is the most salient referent ("Mr. Doe was blunt.
    ‘…,’ he said"), more than a speaker quoted before it.
    """
    sentence = pronoun.sent
    start = sentence.start
    for _ in range(2):
        if start > 0:
            start = pronoun.doc[start - 1].sent.start
    marks = 0
    for token in reversed(pronoun.doc[start:pronoun.i]):
        if token.is_quote or token.text in QUOTE_CHARACTERS:
            marks += 1
        entity = index.get(token.i)
        if entity is None or entity.type != "PERSON" or marks % 2 or not agrees(entity, gender, pronoun.doc):
            continue
        if _main_subject_before(token, pronoun):
            return token.idx, entity
    return None


def _group_antecedent(history: list[Said], position: int, block: int) -> Entity | None:
    """Return the previous speaker that is not a person (an organisation, a group, a
    government) nearby, for "they", "it" and "its"; None when there is none."""
    for said in reversed(history):
        if said.position >= position:
            continue
        if block - said.block > PRONOUN_REACH:
            break
        if not said.person:
            return said.entity
    return None


def _nominal_referent(head: Token, entities: list[Entity]) -> Entity | None:
    """Return the entity named before whose name or title holds a nominal's head noun
    ("the institute" -> Institute for the Study of War, "the minister" -> a minister).

    A nominal that names a state or country ("the Ohio governor") never goes to a person
    whose title or name tag gives another ("Gov. Bo Lund of Utah"), and goes to one whose
    place matches before any whose place nothing shows."""
    word = head.lower_
    doc = head.doc
    wanted = _places_in(doc, head.left_edge.i, head.i)
    best: tuple[int, Entity] | None = None
    matching: tuple[int, Entity] | None = None
    plural = head.tag_ in ("NNS", "NNPS")
    for entity in entities:
        if entity.type not in SPEAKER_TYPES or (plural and entity.type == "PERSON"):
            continue  # "the governors" are several people, not one named before
        name_words, title_words = _referent_words(entity, head.doc)
        # "the official" is someone unnamed, not whoever has "official" in a title; "the
        # company" may still be the company named before. Titles are people's: "the
        # president" is not the country of "the president of the United States".
        words = title_words if word not in _generic_heads() and entity.type == "PERSON" else name_words
        if word not in words:
            continue
        earlier = [m.start for m in entity.mentions if m.start < head.idx]
        if not earlier:
            continue
        fit = _place_fit(wanted, _places_of(entity, doc)) if wanted and entity.type == "PERSON" else None
        if fit is False:
            continue
        if fit and (matching is None or max(earlier) > matching[0]):
            matching = (max(earlier), entity)
        if best is None or max(earlier) > best[0]:
            best = (max(earlier), entity)
    chosen = matching or best
    return chosen[1] if chosen else None


def _place_fit(wanted: frozenset[tuple[str, str]], known: frozenset[tuple[str, str]]) -> bool | None:
    """Return True when a person's places hold one the nominal names, False when they name
    another of the same kind (a state for a state), None when nothing tells."""
    if wanted & known:
        return True
    kinds = {kind for kind, _ in wanted}
    return False if any(kind in kinds for kind, _ in known) else None


@_remembered
def _places_of(entity: Entity, doc) -> frozenset[tuple[str, str]]:
    """Return the places written with a person's mentions: in the title before the name
    ("Iowa Sen. Ann Vale"), in the mention itself ("the Iowa senator"), in a party tag
    ("Sen. Ann Vale, R-Iowa") or after "of" ("Gov. Bo Lund of Utah")."""
    found: set[tuple[str, str]] = set()
    for mention in entity.mentions:
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        first = span.start
        while first > 0 and span.start - first < TITLE_REACH and _title_part(doc[first - 1]):
            first -= 1
        found |= _places_in(doc, first, span.end)
        after = doc[span.end:span.end + 5]
        if len(after) >= 4 and after[0].text in (",", "(") and after[1].lower_ in PARTY_LETTERS \
                and after[2].text == "-":
            for size in (2, 1):
                region = _regions().get(" ".join(t.text for t in after[3:3 + size]).casefold())
                if region is not None:
                    found.add(("region", region[0]))
                    break
        elif len(after) >= 2 and after[0].lower_ == "of" and after[1].ent_type_ == "GPE":
            last = after[1].i
            while last + 1 < len(doc) and doc[last + 1].ent_iob_ == "I":
                last += 1
            found |= _places_in(doc, after[1].i, last + 1)
    return frozenset(found)


def _title_part(token: Token) -> bool:
    """Return True for a word of the title run before a name: a title or its qualifier
    ("Sen.", "Foreign Minister"), a party or a place ("Republican Iowa Sen.")."""
    return is_title_word(token.lower_) or token.lower_ in _abbreviations() or token.lower_ in title_modifiers() \
        or token.ent_type_ in ("GPE", "NORP") or _region_word(token) or token.text in ("-", "'s", "’s")


def _region_word(token: Token) -> str | None:
    """Return the state or province a capitalised word names or abbreviates ("Ohio", "Ia."),
    or None; postal codes ("IN", "OR") are ordinary words outside a party tag."""
    region = _regions().get(token.lower_)
    return region[0] if region is not None and region[1] != "postal" and token.text[:1].isupper() else None


def _places_in(doc, start: int, end: int) -> frozenset[tuple[str, str]]:
    """Return the states and provinces ("region", name) and the other places and countries
    ("place", name) named in the tokens from ``start`` to ``end``: "Ohio", "Ia.", "New York",
    "French" (France)."""
    found: set[tuple[str, str]] = set()
    for ent in doc[start:end].ents:
        region = _regions().get(ent.text.casefold())
        if region is not None and region[1] != "postal":
            found.add(("region", region[0]))
        elif ent.label_ == "GPE" or ent.label_ == "NORP" and ent.text in _demonym_words():
            found.add(("place", (affiliation_of(ent.text) or ent.text).casefold()))
    found.update(("region", region) for region in map(_region_word, doc[start:end]) if region)
    return frozenset(found)


@cache
def _regions() -> dict[str, tuple[str, str]]:
    """Return the US states and Canadian provinces by name and abbreviation, casefolded:
    "ia." -> ("iowa", "style"), "ohio" -> ("ohio", "name")."""
    found: dict[str, tuple[str, str]] = {}
    for table in ("us-state-abbreviations.tsv", "ca-province-abbreviations.tsv"):
        for short, region, kind in load_table(table):
            found[short.casefold()] = (region.casefold(), kind)
            found[region.casefold()] = (region.casefold(), "name")
    return found


@_remembered
def _referent_words(entity: Entity, doc) -> tuple[frozenset[str], frozenset[str]]:
    """Return the words of an entity's name, and those with the words of its titles (its own
    and those written before its mentions) and the role nouns they abbreviate."""
    name = set(re.split(r"[\s\-]+", entity.name.casefold()))
    words = set(name)
    for title in entity.titles:
        words.update(re.split(r"[\s\-]+", title.casefold()))
    words.update(_titles_before(entity, doc))
    words.update(_abbreviations().get(w, w) for w in list(words))
    return frozenset(name), frozenset(words)


# ---------------------------------------------------------------------------------------
# The extractor
