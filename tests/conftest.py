"""Shared fixtures: the spaCy pipeline is loaded, and a PostgreSQL server started, once for the whole run."""

from __future__ import annotations

import pytest

import presslens
from presslens.ingest.document import RawArticle
from presslens.ingest.identity import article_id
from presslens.nlp import load_pipeline
from presslens.record import Source


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="session")
def postgres():
    """Return a PostgreSQL server started for the session, stopped and removed at its end (see pgserver)."""
    from pgserver import running_server

    with running_server() as server:
        yield server


@pytest.fixture(scope="session")
def analyze(nlp):
    """Return a function that analyses a text with the shared pipeline."""

    def run(text: str, **kwargs) -> presslens.Article:
        return presslens.analyze(text, **kwargs)

    return run


def entity_named(article: presslens.Article, name: str):
    """Return the entity whose canonical name or an alias is `name`, or None."""
    for entity in article.entities:
        if entity.name == name or name in entity.aliases:
            return entity
    return None


def raw_article(text: str, published: str, outlet: str) -> RawArticle:
    """Return a raw article as an outlet's page would give it: title, date, outlet and URL."""
    return RawArticle(id=article_id(text), content=text, title=text.splitlines()[0], published=published,
                      source=Source(url=f"https://{outlet}/news/{article_id(text)}", outlet=outlet))


def build_corpus(db, items: dict[str, RawArticle], error: str):
    """Return (db, article ids by name) after storing the articles, one ingest error and the stories."""
    from presslens.corpus.ingest import ingest_items
    from presslens.corpus.store import open_store
    from presslens.corpus.stories import build_stories
    from presslens.errors import InputError

    with open_store(db) as store:
        ingest_items([*items.values(), InputError(error)], store)
        build_stories(store)
    return db, {name: raw.id for name, raw in items.items()}


@pytest.fixture(scope="session")
def xss_corpus(tmp_path_factory, nlp):
    """Return (database path, payload by article id) of the corpus built from tests/xss-payloads.txt (see xss.py)."""
    from xss import build_xss_corpus

    db = tmp_path_factory.mktemp("xss") / "corpus.db"
    return db, build_xss_corpus(db)


def quote_with(article, words: str):
    """Return the quote whose content holds the words."""
    found = [q for q in article.quotes if words in q.content.text]
    assert found, f"no quote holds {words!r}: {[q.content.text for q in article.quotes]}"
    return found[0]


def speaker_name(quote) -> str | None:
    return quote.speaker.name if quote.speaker else None


# The rules that repair what the parser sometimes gets wrong are tested on such a wrong parse
# written out by hand, so that they hold whatever the model does with a sentence.

def parsed(rows: str):
    """Return a Doc from one token a line: word, part of speech, tag, relation, head, lemma."""
    import spacy
    from spacy.tokens import Doc

    cells = [line.split() for line in rows.strip().splitlines()]
    words = [c[0] for c in cells]
    spaces = [i + 1 < len(words) and words[i + 1] not in (",", ".", "”") and w not in ("“",) for i, w in enumerate(words)]
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, pos=[c[1] for c in cells], tags=[c[2] for c in cells],
               deps=[c[3] for c in cells], heads=[int(c[4]) for c in cells], lemmas=[c[5] for c in cells])


def speaker_and_content(doc, cue: int) -> tuple[str, str]:
    """Return the subject the rules find for the cue word at ``cue`` and the content they give it."""
    from presslens.extract.quotes.clauses import _clause_content, grammatical_subject

    subject = grammatical_subject(doc[cue])
    start, end = _clause_content(doc[cue], "speech", subject)
    return subject.text, doc[start:end].text


# The publication day the event tests date their texts by: a Friday.
EVENTS_PUBLISHED = "2024-05-10"


@pytest.fixture(scope="session")
def analyze_text(nlp):
    """Analyse a text published on EVENTS_PUBLISHED (or the day given)."""
    def run(text: str, published: str | None = EVENTS_PUBLISHED):
        return presslens.analyze(text, published=published)

    return run


def mention_roles(article, trigger: str) -> dict[str, tuple[str, str]]:
    """Return role -> (text, relation) for the event mention whose trigger is `trigger`."""
    for event in article.events:
        for mention in event.mentions:
            if mention.text == trigger:
                return {a.role: (a.text, a.relation) for a in mention.arguments}
    raise AssertionError(f"no mention '{trigger}': {[m.text for e in article.events for m in e.mentions]}")
