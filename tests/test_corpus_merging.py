"""Corpus entities merged over the whole corpus: the same entities whatever order articles arrive in.

People and places in the texts are invented.
"""

from __future__ import annotations

import itertools
import json

from presslens.corpus.ingest import ingest
from presslens.corpus.merging import StoredEntity, canonical_name, group_entities, merge_corpus_entities
from presslens.corpus.store import open_store
from presslens.corpus.writing import person_key


def entity(article: str, name: str, type: str = "PERSON", aliases: tuple[str, ...] = (), cid: int | None = None):
    return StoredEntity(article, "e1", cid, name, type, aliases)


def partition(groups) -> set[frozenset[str]]:
    return {frozenset(m.article_id for m in g.members) for g in groups}


def test_surname_alone_joins_the_one_full_name_in_any_order():
    entities = [entity("a1", "Vance"), entity("a2", "Oriel Vance", aliases=("Vance",)), entity("a3", "Vance", "ORG"),
                entity("a4", "Petra Holm")]
    results = set()
    for order in itertools.permutations(entities):
        groups = group_entities(list(order))
        results.add((frozenset(partition(groups)), tuple(sorted(g.name for g in groups))))
    assert len(results) == 1
    (groups, names), = results
    assert frozenset({"a1", "a2", "a3"}) in groups
    assert names == ("Oriel Vance", "Petra Holm")


def test_surname_shared_by_two_people_stays_apart():
    groups = group_entities([entity("a1", "Halden"), entity("a2", "Ivo Halden"), entity("a3", "Mira Halden")])
    assert partition(groups) == {frozenset({"a1"}), frozenset({"a2"}), frozenset({"a3"})}


def test_full_name_chosen_over_the_surname_even_when_rarer():
    members = [entity("a1", "Vance"), entity("a2", "Vance"), entity("a3", "Oriel Vance")]
    assert canonical_name(members) == "Oriel Vance"


def test_an_outlet_mistyped_as_a_person_keeps_its_name():
    members = [entity("a1", "Kestrel", "ORG"), entity("a2", "Kestrel", "ORG"), entity("a3", "Kestrel"),
               entity("a4", "Ada Lenz Kestrel")]
    assert canonical_name(members) == "Kestrel"


def test_initials_do_not_split_a_person_and_a_son_is_not_his_father():
    assert person_key("Mr. Oriel T. Vance") == "Oriel Vance"
    assert len(group_entities([entity("a1", "Oriel T. Vance"), entity("a2", "Oriel Vance")])) == 1
    assert len(group_entities([entity("a1", "Oriel Vance Jr."), entity("a2", "Oriel Vance")])) == 2


def test_surname_goes_to_the_person_who_holds_nearly_all_its_articles():
    people = [entity(f"a{i}", "Oriel Vance") for i in range(9)] + [entity("b1", "Ada Vance")]
    groups = group_entities(people + [entity("c1", "Vance")])
    assert next(g for g in groups if any(m.article_id == "c1" for m in g.members)).name == "Oriel Vance"
    shared = [entity(f"a{i}", "Oriel Vance") for i in range(3)] + [entity(f"b{i}", "Ada Vance") for i in range(2)]
    groups = group_entities(shared + [entity("c1", "Vance")])
    assert next(g for g in groups if any(m.article_id == "c1" for m in g.members)).name == "Vance"


def test_place_is_not_joined_to_a_person_by_surname():
    groups = group_entities([entity("a1", "Ostrava", "GPE"), entity("a2", "Lida Ostrava")])
    assert len(groups) == 2


def _ingest(path, rows):
    source = _write(path.with_suffix(".jsonl"), rows)
    with open_store(path) as store:
        ingest([source], store, batch_size=1)
        merge_corpus_entities(store)
        speakers = store.query("SELECT c.name, COUNT(*) AS quotes FROM quotes q JOIN corpus_entities c"
                               " ON c.id = q.corpus_entity_id GROUP BY c.name ORDER BY c.name")
        people = store.query("SELECT name, articles FROM corpus_entities WHERE type = 'PERSON' ORDER BY name")
        names = store.query("SELECT key FROM corpus_entity_names n JOIN corpus_entities c"
                            " ON c.id = n.corpus_entity_id WHERE c.name = 'Oriel Vance' ORDER BY key")
    return speakers, people, [r["key"] for r in names]


def test_store_merge_is_the_same_whatever_the_ingest_order(tmp_path):
    rows = [
        {"title": "Levy passes", "published": "2024-05-01",
         "text": "Vance said on Monday that the harbour levy was fair.\n"},
        {"title": "Senator tours the dock", "published": "2024-05-02",
         "text": "Senator Oriel Vance said the dock would be rebuilt by June.\n"},
        {"title": "Dock opens", "published": "2024-05-03",
         "text": "Vance told reporters the dock would open next week.\n"},
    ]
    first = _ingest(tmp_path / "first.db", rows)
    second = _ingest(tmp_path / "second.db", rows[1:] + rows[:1])
    assert first == second
    speakers, people, names = first
    assert {"name": "Oriel Vance", "quotes": 3} in speakers
    assert [p for p in people if p["name"].endswith("Vance")] == [{"name": "Oriel Vance", "articles": 3}]
    assert "vance" in names


def test_surname_in_the_articles_of_two_people_joins_neither():
    groups = group_entities([entity("a1", "Oriel Vance", aliases=("Vance",)), entity("a2", "Ada Vance", aliases=("Vance",)),
                             entity("a3", "Vance")])
    assert partition(groups) == {frozenset({"a1"}), frozenset({"a2"}), frozenset({"a3"})}


def test_surname_first_then_two_full_names_gives_what_the_other_order_gives(tmp_path):
    rows = [
        {"title": "Levy passes", "published": "2024-05-01",
         "text": "Vance said on Monday that the harbour levy was fair.\n"},
        {"title": "Senator tours the dock", "published": "2024-05-02",
         "text": "Senator Oriel Vance said the dock would be rebuilt by June. Vance said it would cost little.\n"},
        {"title": "Mayor opens the school", "published": "2024-05-03",
         "text": "Mayor Ada Vance said the school would open in the autumn. Vance said it had new roofs.\n"},
    ]
    assert _ingest(tmp_path / "first.db", rows) == _ingest(tmp_path / "second.db", rows[::-1])


def test_store_merge_holds_each_repeated_value_once(tmp_path):
    # Every article entity of a corpus is held at once while merging: an article's id and day
    # and an entity type must be one object each, not one per entity, or memory grows with them.
    rows = [{"title": f"Dock {n}", "published": "2024-05-01",
             "text": f"Senator Oriel Vance and Mayor Ada Lenz of Brest met in Quimper on day {n}.\n"}
            for n in range(3)]
    with open_store(tmp_path / "c.db") as store:
        ingest([_write(tmp_path / "c.jsonl", rows)], store, batch_size=1)
        groups = merge_corpus_entities(store)
    members = [m for g in groups for m in g.members]
    assert len(members) >= 9
    for attribute in ("article_id", "day", "type"):
        values = [getattr(m, attribute) for m in members]
        assert len({id(v) for v in values}) == len(set(values)), attribute


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
