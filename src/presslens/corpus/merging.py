"""Corpus entities merged over the whole corpus at once: one entity a referent, whatever order articles came in.

Receives every stored article entity (its name, aliases, type, place id, mentions and the
article's date); returns the corpus entities as groups of article entities, each with its
canonical name and type. Writing an article merges its entities one at a time into what the
corpus holds then (`ArticleWriting._merge_entity`), which depends on the order articles
arrive: "Biden" stored before any "Joe Biden" stays apart from him. This pass reads them all:

1. article entities that share a name or alias (compared as `name_key` folds them, a
   person's also without honorifics, middle initials and "Jr.") or a GeoNames id are one;
2. a surname alone ("Noem", typed as a person or, one word, as an organisation) joins the
   person of the corpus whose full name ends in it when that person holds at least
   `SURNAME_SHARE` of the articles of all such full names, and stays apart when the name is
   shared ("Clinton" with Hillary and Bill Clinton);
3. the canonical name is the full name used in most articles (ties: the longer, then the
   first alphabetically), the type the one most articles give (ties: alphabetically).

The result depends only on the set of article entities. `merge_corpus_entities` runs the
pass on a store, where each group keeps an existing corpus id of its members, so the ids of
entities that did not change stay as they were.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from presslens.corpus.disjoint import DisjointSets
from presslens.corpus.writing import name_key, person_key

PLACE_TYPES = {"GPE", "LOC", "FAC"}
# The share of the articles naming someone of a surname in full that one person must hold for
# the surname alone to be taken as theirs.
SURNAME_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class StoredEntity:
    """One article's entity as the store holds it."""

    article_id: str
    entity_id: str
    corpus_entity_id: int | None
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mentions: int = 1
    geonames_id: int | None = None
    day: str = ""
    place: tuple = (None, None, None)  # latitude, longitude, country code of a geocoded place

    @property
    def lat(self):
        return self.place[0]

    @property
    def lon(self):
        return self.place[1]

    @property
    def country_code(self):
        return self.place[2]


@dataclass
class CorpusGroup:
    """A corpus entity: its article entities, canonical name and type."""

    members: list[StoredEntity] = field(default_factory=list)
    name: str = ""
    type: str = ""

    @property
    def names(self) -> list[tuple[str, str, str]]:
        """Return the (kind, key, name) its members are looked up by, for the merges of later articles."""
        return list(dict.fromkeys(n for m in self.members for n in known_names(m)))


def kind_of(entity_type: str) -> str:
    """Return the kind entities merge within: places are typed GPE or LOC inconsistently."""
    return "PLACE" if entity_type in PLACE_TYPES else entity_type


def merge_keys(entity: StoredEntity) -> list[tuple[str, str]]:
    """Return the (kind, key) pairs an article entity merges by. A person with a full name
    is not known by the surname the article also calls them: two people of one surname would
    be joined by it ("Vance" is Oriel Vance in one article and Ada Vance in another)."""
    if kind_of(entity.type) != "PERSON":
        return [(kind, key) for kind, key, _ in known_names(entity)]
    # A person merges by the name the article settled on, not by its aliases: one article's
    # slip ("Paul Ryan" and "Stephen Ryan" as one) would join two people everywhere; and by
    # that name without honorific and initials ("Mr. Trump" is "Trump").
    key = name_key(person_key(entity.name))
    return [("PERSON", key)] if key else []


def known_names(entity: StoredEntity) -> list[tuple[str, str, str]]:
    """Return the (kind, key, name as written) an article entity is merged and looked up by."""
    kind = kind_of(entity.type)
    names = [(n, n) for n in (entity.name, *entity.aliases)]
    if kind == "PERSON":
        names += [(person_key(n), n) for n, _ in names]
    found: dict[tuple[str, str], str] = {}
    full = kind == "PERSON" and len(person_key(entity.name).split()) > 1
    for form, written in names:
        key = name_key(form)
        if key and not (full and len(key.split()) == 1):
            found.setdefault((kind, key), written)
    return [(k, key, written) for (k, key), written in found.items()]


def group_entities(entities: list[StoredEntity]) -> list[CorpusGroup]:
    """Return the corpus entities the article entities make, in a fixed order (by canonical
    name, type and lowest member), the same whatever order ``entities`` is in."""
    entities = sorted(entities, key=lambda e: (e.article_id, e.entity_id))
    sets = DisjointSets(len(entities))
    root, union = sets.root, sets.union

    first_with: dict[tuple, int] = {}
    for i, entity in enumerate(entities):
        keys: list[tuple] = list(merge_keys(entity))
        if entity.geonames_id is not None and kind_of(entity.type) == "PLACE":
            keys.append(("GEONAMES", entity.geonames_id))
        for key in keys:
            if key in first_with:
                union(i, first_with[key])
            else:
                first_with[key] = i
    _join_surnames(entities, root, union)
    groups: dict[int, CorpusGroup] = {}
    for i, entity in enumerate(entities):
        groups.setdefault(root(i), CorpusGroup()).members.append(entity)
    for group in groups.values():
        group.type = _majority_type(group.members)
        group.name = canonical_name(group.members, group.type)
    return sorted(groups.values(), key=lambda g: (g.name, g.type, g.members[0].article_id, g.members[0].entity_id))


def _join_surnames(entities: list[StoredEntity], root, union) -> None:
    """Join each group known only by one word, a person's or an organisation's, to the person
    group whose full name ends in that word, when that person holds nearly all the articles of
    the full names ending in it ("Trump" is Donald Trump, though Melania Trump is named too);
    leave it apart when two share them ("Clinton")."""
    articles: dict[int, set[str]] = {}
    full: dict[str, set[int]] = {}  # last word -> person groups with a full name ending in it
    single: dict[int, set[str]] = {}  # group -> its one-word keys
    several: set[int] = set()  # groups known by a name of several words
    for i, entity in enumerate(entities):
        group = root(i)
        articles.setdefault(group, set()).add(entity.article_id)
        for kind, key in merge_keys(entity):
            words = key.split()
            if len(words) > 1:
                several.add(group)
                if kind == "PERSON":
                    full.setdefault(words[-1], set()).add(group)
            elif kind in ("PERSON", "ORG"):
                single.setdefault(group, set()).add(key)
    for group in sorted(single):
        if group in several or len(single[group]) != 1:
            continue  # "Biden" in a group also known as "Joe Biden" is joined already
        owners = sorted(full.get(next(iter(single[group])), set()), key=lambda g: (-len(articles[g]), g))
        if not owners:
            continue
        total = sum(len(articles[g]) for g in owners)
        if len(articles[owners[0]]) >= SURNAME_SHARE * total:
            union(group, owners[0])


def canonical_name(members: list[StoredEntity], entity_type: str | None = None) -> str:
    """Return the name most articles use; for a surname alone of an entity most articles type
    as a person (``entity_type``, the members' majority type when not given), the full name
    ending in it that most articles use ("Joe Biden" over "Biden"), when there is one."""
    votes: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for member in members:
        if (member.article_id, member.name) not in seen:
            seen.add((member.article_id, member.name))
            votes[member.name] += 1

    def best(names) -> str:
        return min(names, key=lambda n: (-votes[n], -len(n), n))

    chosen = best(votes)
    words = person_key(chosen).split()
    # only a person's surname: an outlet some articles mistype as a person ("CNN") keeps its name
    # rather than taking a fragment that ends in it ("Ada Lenz CNN")
    if len(words) == 1 and kind_of(entity_type or _majority_type(members)) == "PERSON":
        surname = name_key(words[0])
        full = [n for n in votes if len(person_key(n).split()) > 1 and name_key(person_key(n)).split()[-1] == surname]
        if full:
            return best(full)
    return chosen


def _majority_type(members: list[StoredEntity]) -> str:
    votes = Counter(m.type for m in members)
    return min(votes, key=lambda t: (-votes[t], t))


def merge_corpus_entities(store) -> list[CorpusGroup]:
    """Return the corpus entities after merging the store's article entities over the whole
    corpus, and write them: ids, names, types, counts and names looked up by later merges."""
    # Every article entity is held at once, so each repeated string (an article's id and day, a
    # type, a common name, "e3") and the empty place are held once, not once a row: on 10,000
    # real articles (315,000 entities) that is what keeps this step's memory near the size of
    # its distinct values.
    shared: dict = {}

    def one(value):
        return shared.setdefault(value, value)

    groups = group_entities([_stored(row, one) for row in store.entities_for_merging()])
    store.set_corpus_entities(groups)
    return groups


def _stored(row: dict, one) -> StoredEntity:
    """Return the row as a StoredEntity, each of its values passed through ``one`` (which
    returns the equal value already held, or this one)."""
    aliases = one(tuple(one(a) for a in json.loads(row["aliases"]))) if row["aliases"] else ()
    return StoredEntity(one(row["article_id"]), one(row["entity_id"]), row["corpus_entity_id"], one(row["name"]),
                        one(row["type"]), aliases, row["mentions"], row["geonames_id"], one(row["day"]),
                        one((row["lat"], row["lon"], one(row["country_code"]))))
