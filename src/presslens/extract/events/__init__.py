"""Events: what happened, typed, with who did it to whom, where, when, at what cost, how
certainly, and who says so.

Triggers (verbs and nominalisations, "shelled", "missile attack", "annexation") come from
``lexicons/event-triggers.tsv``, which types each one in presslens's scheme and maps it to an
ACLED event and sub-event type and a CAMEO root. A trigger may carry a condition on its
arguments or its sentence (an "attack" with a "grenade" is a Grenade; a "protest" where
police "opened fire" is Excessive force against protesters); the word classes those
conditions test are in ``lexicons/event-context.tsv``.

For each trigger the dependency parse gives the actor (subject, agent, possessor or a
national adjective), the target (object, "attack on X") and the location (a place entity
under "in", "near", "at", "on"..., else the nearest place in the sentence, towns before
countries). Time is the date of the time expression (``article.times``) that modifies the
trigger, else one of its sentence that modifies no other event, with its precision (day,
week, month, year). Casualties come from the casualty amounts of the same sentence. Modality
comes from hedges (``lexicons/hedges.tsv``), modal auxiliaries and negation; an event inside
a quote's content, or in a sentence with "according to", is reported by that quote's speaker.

A bare outcome ("killing five") in a sentence that names its event ("a bomb exploded") is a
mention of that event, with its own arguments (the victims, the killer), and no event of its
own. Mentions of one event (headline, bullet, body) are merged: same type and same place or
target, or an unplaced mention of a type already placed ("the attack"). Political and
administrative events (decrees, referendums, mobilisation) merge by country.
"""

from __future__ import annotations

from spacy.tokens import Doc

from presslens.extract.entities import entities_by_token
from presslens.extract.events.arguments import attach_arguments, block_start
from presslens.extract.events.casualties import link_casualties
from presslens.extract.events.dating import attach_times
from presslens.extract.events.lexicon import TriggerRule, trigger_rules
from presslens.extract.events.merge import merge_mentions, subheadings
from presslens.extract.events.modality import innermost_quotes, modality_of, reporter_of
from presslens.extract.events.syntax import sentences as sentence_bounds
from presslens.extract.events.triggers import find_triggers, time_tokens
from presslens.ingest.document import Document
from presslens.nlp import text_of
from presslens.record import Article, Event

__all__ = ["TriggerRule", "extract_events", "trigger_rules"]


def extract_events(doc: Doc, document: Document, article: Article) -> list[Event]:
    """Return the article's events, one per real-world event, in order of first mention."""
    if len(doc) == 0:
        return []
    text = text_of(doc)
    sentence_of, sentences = sentence_bounds(doc)
    words = [(t.lemma_.lower(), t.lower_) for t in doc]
    context = [frozenset(w for i in range(start, end) for w in words[i]) for start, end in sentences]
    index = entities_by_token(doc, article.entities)
    in_time = time_tokens(doc, article.times)
    mentions = find_triggers(doc, words, sentence_of, context, index, in_time)
    if not mentions:
        return []
    block_starts = sorted(block.start for block in document.blocks)
    quote_at = innermost_quotes(article, len(text))
    for mention in mentions:
        attach_arguments(mention, index, sentences, block_start(block_starts, mention.head.idx))
        mention.modality = modality_of(mention)
        mention.reported_by = reporter_of(mention, article, index, sentences, quote_at)
        if mention.reported_by is not None and mention.modality == "asserted":
            mention.modality = "reported"
    outcomes = [m for m in mentions if m.outcome]
    mentions = [m for m in mentions if not m.outcome]
    attach_times(mentions, article.times, doc, sentence_of)
    link_casualties(mentions, article, doc, sentence_of)
    return merge_mentions(mentions, text, sentences, subheadings(document), article.published, outcomes)
