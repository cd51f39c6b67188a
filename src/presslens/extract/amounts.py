"""Amounts: numbers in digits and words, with what they count and what kind of number they are.

A number is read from the tokens ("300,000", "2.5", "two", "a dozen", "three hundred",
"twenty-five", "2bn"), widened to the qualifier before it ("about", "at least", "more than")
and to a range ("between 20 and 30", "20 to 30", "20-30"), then typed:

- by its unit: "%"/"percent" (percent), "miles"/"km" (distance), "$"/"euros" (money),
  "days"/"years" (duration), "12-year-old" and "aged 12" (age);
- else by the words that govern it: "30 people were killed", "wounding 11", "the death toll
  rose to 66", "three left missing", "arrested 40 people" (casualty-cues.tsv);
- else it is a plain count of the noun it modifies ("two holes").

"No one was killed" and "no casualties" are read as casualty counts of zero. Years, clock
times and calendar dates are not amounts: spaCy's DATE and TIME entities are skipped unless a
duration unit follows the number ("24 hours", "five-day").
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc, Token

from presslens.ingest.document import Document
from presslens.lexicons import load_table
from presslens.nlp import text_of
from presslens.record import Amount, Entity

DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
SCALED = re.compile(r"^(\d+(?:\.\d+)?)(bn|mn|m|k)$", re.IGNORECASE)
# Qualifiers read longest first; the value says how the number is bounded.
QUALIFIERS = (
    ("as many as", "max"), ("up to", "max"), ("at least", "min"), ("at most", "max"),
    ("more than", "min"), ("less than", "max"), ("fewer than", "max"), ("close to", "approx"),
    ("upwards of", "min"), ("an estimated", "approx"), ("some", "approx"), ("about", "approx"),
    ("around", "approx"), ("approximately", "approx"), ("roughly", "approx"), ("nearly", "approx"),
    ("over", "min"), ("under", "max"), ("estimated", "approx"), ("exactly", "exact"),
)
RANGE_WORDS = {"to", "-", "–", "and", "or"}
# Entity labels whose numbers belong to a name, not to an amount ("World War Two", "G-20").
NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "NORP",
               "ORDINAL"}
ZERO_WORDS = {"no", "nobody", "none"}
CASUALTY_KINDS = ("killed", "wounded", "missing", "displaced", "arrested", "abducted")


@cache
def _numbers() -> dict[str, tuple[float, str]]:
    return {word: (float(value), kind) for word, value, kind in load_table("number-words.tsv")}


@cache
def _units() -> dict[tuple[str, ...], tuple[str, str]]:
    return {tuple(unit.split()): (kind, canonical) for unit, kind, canonical in load_table("amount-units.tsv")}


@cache
def _casualty_cues() -> dict[str, str]:
    return dict(load_table("casualty-cues.tsv"))


def extract_amounts(doc: Doc, document: Document, entities: list[Entity] | None = None) -> list[Amount]:
    """Return the amounts of the article in text order, each typed and with what it counts."""
    text = text_of(doc)
    skip = _name_or_date_tokens(doc)
    found: list[_Found] = []
    i = 0
    n = len(doc)
    while i < n:
        token = doc[i]
        number = _read_number(doc, i) if i not in skip or _duration_follows(doc, i) else None
        if number is None:
            if token.lower_ in ZERO_WORDS:
                zero = _zero_casualties(token)
                if zero is not None:
                    found.append(zero)
            i += 1
            continue
        value, last = number
        if token.lower_ == "one" and token.dep_ != "nummod" and not _unit_after(doc, last + 1):
            i = last + 1  # "one of the last ways", "the one": a pronoun, not a count
            continue
        amount = _amount(doc, text, i, last, value)
        if amount is not None:
            found.append(amount)
            i = max(last + 1, amount.end_token)
        else:
            i = last + 1
    return [f.amount for f in found]


class _Found:
    """An amount with the token index just past its span (to resume scanning there)."""

    __slots__ = ("amount", "end_token")

    def __init__(self, amount: Amount, end_token: int) -> None:
        self.amount = amount
        self.end_token = end_token



def _name_or_date_tokens(doc: Doc) -> set[int]:
    skip: set[int] = set()
    for ent in doc.ents:
        if ent.label_ in NAME_LABELS or ent.label_ in ("DATE", "TIME") and _looks_like_date(ent):
            skip.update(range(ent.start, ent.end))
    return skip


DATE_WORD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\b(mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(1[89]|20)\d\d\b|\b(day|week|month|year|decade|century|hour|minute|ago|today|tonight|yesterday|"
    r"morning|evening|night|am|pm|a\.m|p\.m)s?\b|\d[:.]\d", re.IGNORECASE)


def _looks_like_date(ent) -> bool:
    """Return True when a DATE or TIME entity names a time; the model also tags plain numbers
    ("between 20 and 30") as dates."""
    return DATE_WORD.search(ent.text) is not None


def _duration_follows(doc: Doc, i: int) -> bool:
    """Return True when a duration or age unit follows the number at i ("24 hours", "12-year-old")."""
    j = i + 1
    while j < len(doc) and doc[j].text in ("-", "–"):
        j += 1
    if j >= len(doc) or not (DIGITS.match(doc[i].text) or doc[i].lower_ in _numbers()):
        return False
    unit = _units().get((doc[j].lemma_.lower(),)) or _units().get((doc[j].lower_,))
    return unit is not None and unit[0] == "duration"


def _word_value(token: Token) -> tuple[float, str] | None:
    text = token.lower_
    if DIGITS.match(text):
        return float(text.replace(",", "")), "unit"
    scaled = SCALED.match(text)
    if scaled:
        return float(scaled.group(1)) * _numbers()[scaled.group(2).lower()][0], "unit"
    return _numbers().get(text)


def _read_number(doc: Doc, i: int) -> tuple[float, int] | None:
    """Return the value of the number starting at token i and the index of its last token."""
    token = doc[i]
    first = _word_value(token)
    if token.lower_ in ("a", "an") and i + 1 < len(doc):
        following = _numbers().get(doc[i + 1].lower_)
        if following and following[1] == "multiplier":  # "a dozen", "a hundred"
            return _scale(doc, 1.0, i)
        return None
    if first is None or first[1] == "multiplier":
        return None
    if token.pos_ == "PRON":
        return None
    value, kind = first
    if kind == "vague":
        return value, i
    last = i
    # "twenty-five", "forty two"
    if value >= 20 and value < 100 and value % 10 == 0 and not DIGITS.match(token.text):
        j = i + 1
        if j < len(doc) and doc[j].text == "-":
            j += 1
        if j < len(doc):
            unit = _numbers().get(doc[j].lower_)
            if unit and unit[1] == "unit" and unit[0] < 10:
                value += unit[0]
                last = j
    return _scale(doc, value, last)


def _scale(doc: Doc, value: float, last: int) -> tuple[float, int]:
    """Return the value times the multipliers after it ("three hundred thousand", "2 billion")."""
    j = last + 1
    while j < len(doc):
        word = _numbers().get(doc[j].lower_)
        if word is None or word[1] != "multiplier" or doc[j].lower_ in ("m", "k") and doc[j].whitespace_ == "":
            break
        if doc[j].lower_ == "score" and value > 10:
            break
        value *= word[0]
        last = j
        j += 1
    return value, last


def _unit_after(doc: Doc, j: int) -> tuple[str, str, int] | None:
    """Return (kind, canonical unit, last token index) of a unit starting at token j."""
    while j < len(doc) and doc[j].text in ("-", "–"):  # "five-day", "100-mile"
        j += 1
    if j >= len(doc):
        return None
    units = _units()
    for size in (3, 2, 1):
        if j + size > len(doc):
            continue
        words = tuple(t.lemma_.lower() for t in doc[j:j + size])
        texts = tuple(t.lower_ for t in doc[j:j + size])
        found = units.get(words) or units.get(texts)
        if found:
            return found[0], found[1], j + size - 1
    return None


def _qualifier(doc: Doc, i: int) -> tuple[str, str, int] | None:
    """Return the qualifier ending just before token i, its bound and its first token index."""
    for phrase, bound in QUALIFIERS:
        words = phrase.split()
        start = i - len(words)
        if start < 0:
            continue
        if all(doc[start + k].lower_ == w for k, w in enumerate(words)):
            return phrase, bound, start
    return None


def _amount(doc: Doc, text: str, i: int, last: int, value: float) -> _Found | None:
    start_token, end_token = i, last
    vague = _word_value(doc[i]) is not None and _word_value(doc[i])[1] == "vague"
    kind: str | None = None
    unit: str | None = None
    value_max: float | None = None

    # A currency before the number: "$2 billion", "€40 million", "US$ 5".
    if i > 0:
        before = _unit_after(doc, i - 1)
        if before and before[0] == "money" and before[2] == i - 1 and not doc[i - 1].is_alpha:
            kind, unit, start_token = "money", before[1], i - 1
    # A range: "20 to 30", "20-30", "between 20 and 30".
    j = last + 1
    if j + 1 < len(doc) and doc[j].lower_ in RANGE_WORDS:
        second = _read_number(doc, j + 1)
        between = start_token > 0 and doc[start_token - 1].lower_ in ("between", "from")
        if second and (doc[j].lower_ in ("to", "-", "–") or between) and second[0] > value:
            value_max, end_token = second[0], second[1]
            if between:
                start_token -= 1
    qualifier = _qualifier(doc, start_token)
    if qualifier is not None:
        start_token = qualifier[2]
    after = _unit_after(doc, end_token + 1)
    age = _age(doc, i, end_token)
    if age is not None:
        kind, unit, end_token = "age", "year", age
    elif after and kind is None:
        if after[0] == "money" or after[0] != "money" and doc[end_token + 1].pos_ != "VERB":
            kind, unit, end_token = after[0], after[1], after[2]
    elif after and kind == "money" and after[0] == "money":
        end_token = after[2]
    # Years written alone ("in 2014") are dates the model sometimes misses.
    if kind is None and value_max is None and 1900 <= value <= 2100 and re.fullmatch(r"\d{4}", doc[i].text):
        return None
    counted = _counted(doc, i, end_token, kind)
    if kind is None or kind == "count":
        kind = _casualty_kind(doc, i, end_token) or "count"
    if kind in CASUALTY_KINDS and counted is None:
        counted = "people"
    approximate = vague or qualifier is not None and qualifier[1] != "exact"
    start, end = doc[start_token].idx, doc[end_token].idx + len(doc[end_token].text)
    amount = Amount(value=_number(value), approximate=approximate, unit=unit, counts=counted, kind=kind,
                    start=start, end=end, text=text[start:end], value_max=_number(value_max),
                    qualifier=qualifier[0] if qualifier else None)
    return _Found(amount, end_token + 1)


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _age(doc: Doc, i: int, last: int) -> int | None:
    """Return the last token index of an age ("12-year-old", "12 years old"), else None."""
    j = last + 1
    words: list[int] = []
    while j < len(doc) and len(words) < 5:
        if doc[j].text in ("-", "–"):
            j += 1
            continue
        words.append(j)
        j += 1
    lowered = [doc[k].lower_ for k in words]
    if len(lowered) >= 2 and lowered[0] in ("year", "years") and lowered[1] == "old":
        return words[1]
    if i > 0 and doc[i - 1].lower_ in ("aged", "age"):
        return last
    return None


def _counted(doc: Doc, i: int, last: int, kind: str | None) -> str | None:
    """Return the noun the number counts ("people", "holes", "territory"), or None."""
    if kind in ("percent", "money"):
        for token in doc[i:last + 1]:
            for child in token.children:
                if child.lower_ == "of":
                    objects = [c for c in child.children if c.dep_ == "pobj"]
                    if objects and objects[0].pos_ in ("NOUN", "PROPN"):
                        return objects[0].lower_
        return None
    if kind in ("distance", "duration", "weight", "area", "speed"):
        return None
    if kind == "age":
        noun = doc[last].head if doc[last].head.i > last else None
        return noun.lower_ if noun is not None and noun.pos_ == "NOUN" else None
    for token in doc[i:last + 1]:
        head = token.head
        if token.dep_ in ("nummod", "quantmod", "compound") and head.i > last and head.pos_ in ("NOUN", "PROPN"):
            return head.lower_
    nxt = doc[last + 1] if last + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.head.i != last:
        return nxt.lower_
    if nxt is not None and nxt.lower_ == "of":
        objects = [c for c in nxt.children if c.dep_ == "pobj" and c.pos_ == "NOUN"]
        if objects:
            return objects[0].lower_
    return None


def _casualty_kind(doc: Doc, i: int, last: int) -> str | None:
    """Return the casualty kind the words around the number give it ("killed"), or None."""
    cues = _casualty_cues()
    token = doc[last]
    noun = token.head if token.dep_ in ("nummod", "quantmod", "compound") and token.head.i > last else token
    for candidate in (noun, token):
        kind = _cue_around(candidate, cues)
        if kind:
            return kind
    return None


def _cue_around(node: Token, cues: dict[str, str]) -> str | None:
    # The counted noun itself ("11 deaths", "two hostages").
    if node.pos_ == "NOUN" and node.lemma_.lower() in cues:
        return cues[node.lemma_.lower()]
    # A participle or adjective on the noun ("23 others injured", "seven people dead").
    for child in node.children:
        if child.dep_ in ("amod", "acl", "relcl", "oprd", "acomp") and child.lemma_.lower() in cues:
            return cues[child.lemma_.lower()]
    governor = node.head
    if governor.pos_ == "ADP" and node.dep_ == "pobj":
        # "rose to 66", "between 20 and 30 fled"; not "killed in 25 attacks"
        if governor.lower_ not in ("to", "between"):
            return None
        governor = governor.head
    if governor == node:
        return None
    if governor.pos_ in ("VERB", "AUX", "ADJ") or governor.dep_ == "ROOT":
        lemma = governor.lemma_.lower()
        if lemma in cues and governor.pos_ != "AUX":
            return cues[lemma]
        for child in governor.children:
            if child.dep_ in ("acomp", "oprd", "xcomp", "ccomp") and child.lemma_.lower() in cues and child.i > node.i:
                return cues[child.lemma_.lower()]
            if child.dep_ in ("nsubj", "nsubjpass") and child != node:
                # "the death toll rose to 66", "the number of dead climbed to 20"
                if child.lemma_.lower() == "toll" or child.lemma_.lower() in ("number", "figure") and any(
                        g.lemma_.lower() in cues for g in child.subtree):
                    return "killed" if child.lemma_.lower() == "toll" else _first_cue(child, cues)
    return None


def _first_cue(node: Token, cues: dict[str, str]) -> str | None:
    return next((cues[t.lemma_.lower()] for t in node.subtree if t.lemma_.lower() in cues), None)


def _zero_casualties(token: Token) -> _Found | None:
    """Return a zero casualty count for "no one was killed", "nobody was hurt", "no deaths"."""
    cues = _casualty_cues()
    node = token.head if token.lower_ == "no" and token.dep_ == "det" else token
    if token.lower_ == "no" and node == token:
        return None
    kind = _cue_around(node, cues)
    if kind is None or kind not in CASUALTY_KINDS:
        return None
    doc = token.doc
    end_token = node.i if node.i >= token.i and node.i - token.i <= 2 else token.i
    start, end = token.idx, doc[end_token].idx + len(doc[end_token].text)
    text = text_of(doc)
    counted = node.lower_ if node.pos_ == "NOUN" and node.lower_ not in ("one",) and node.lemma_.lower() not in cues else "people"
    amount = Amount(value=0, approximate=False, unit=None, counts=counted, kind=kind, start=start, end=end,
                    text=text[start:end])
    return _Found(amount, end_token + 1)
