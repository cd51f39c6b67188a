"""Entities: one canonical entity per real-world referent within an article.

Receives the parsed doc and its Document; returns the article's ``Entity`` records. The
steps, one module each: ``mentions`` (spaCy's names, trimmed and extended, as mentions),
``labels`` (the small model's label errors corrected from lexicons and the gazetteer),
``clusters`` (mentions of one referent grouped: "Vladimir Putin"/"Putin", "Nato"/"NATO",
"UN"/"United Nations"; the mentions the model missed), ``titles`` (titles and roles from
pre-nominal titles and appositions, affiliations from those titles), ``nominals`` ("the
President", "the Kremlin leader" resolved to a person), ``records`` (canonical names and
salience). ``lexicon`` reads the word lists they share.
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Doc

from presslens.extract.entities.clusters import add_missed_mentions, cluster_mentions
from presslens.extract.entities.labels import corrected_label, relabel_places, words_of_people
from presslens.extract.entities.lexicon import given_name_gender, is_title_word
from presslens.extract.entities.mentions import is_common_word, mention_from_span
from presslens.extract.entities.nominals import add_nominal_mentions
from presslens.extract.entities.records import entities_from_clusters
from presslens.extract.entities.titles import affiliation_of, read_titles
from presslens.ingest.document import Document
from presslens.record import Entity, Mention

__all__ = ["add_speaker_mentions", "affiliation_of", "entities_by_token", "extract_entities",
           "given_name_gender", "is_title_word", "read_titles"]


def extract_entities(doc: Doc, document: Document) -> list[Entity]:
    """Return the article's canonical entities, each with its mentions, titles and salience."""
    # Token.is_sent_start scans the whole doc on each call; one pass here instead.
    sentence_starts = frozenset(sentence.start for sentence in doc.sents)
    lower_words = frozenset(t.text for t in doc if t.text.islower())
    mentions = [m for m in (mention_from_span(span, sentence_starts) for span in doc.ents) if m is not None]
    mentions = [m for m in mentions if not is_common_word(m, sentence_starts, lower_words)]
    person_words = words_of_people(mentions)
    for mention in mentions:
        mention.label = corrected_label(mention, person_words)
    relabel_places(mentions, person_words)
    clusters = cluster_mentions(mentions)
    add_missed_mentions(clusters, doc)
    for cluster in clusters:
        if cluster.label == "PERSON":
            for mention in cluster.mentions:
                mention.titles = read_titles(doc, mention)
    add_nominal_mentions(clusters, doc)
    return entities_from_clusters(clusters, document)


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
