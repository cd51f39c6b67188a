"""The Article record and its parts: typed, JSON-serialisable and versioned.

Field names follow the minimum JSON contract that tools outside the project read; new fields
may be added, none renamed or dropped. Every offset is a character offset into
``Article.text`` with an exclusive end, so ``article.text[start:end]`` is the span.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

BlockKind = Literal["headline", "paragraph", "bullet", "caption", "boilerplate"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    """A stretch of the cleaned text."""

    start: int
    end: int
    text: str


class Mention(Span):
    """One place where an entity is named or referred to."""

    kind: Literal["name", "nominal", "pronoun"] = "name"


class Source(Record):
    path: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None


class Block(Record):
    """A structural unit of the cleaned text: headline, paragraph, bullet, caption."""

    kind: BlockKind
    start: int
    end: int
    level: int | None = Field(default=None, description="1 for the title, 2 for a sub-headline")


class Removal(Record):
    """A piece of the raw input that cleaning left out of ``text``, and why."""

    kind: str = Field(description="duplicate_caption, duplicate_block, boilerplate, empty_block")
    text: str


class Geo(Record):
    lat: float
    lon: float
    country_code: str | None
    geonames_id: int | None
    feature: str = Field(description="country, region, city or landmark")
    name: str = Field(description="the gazetteer's name for the place")


class Entity(Record):
    """One real-world referent within an article, with every mention of it."""

    id: str
    name: str
    type: str
    aliases: list[str] = []
    titles: list[str] = []
    affiliation: str | None = None
    mentions: list[Mention] = []
    salience: float = 0.0
    geo: Geo | None = None


class Speaker(Record):
    entity_id: str | None
    name: str
    start: int
    end: int
    text: str


class Cue(Span):
    lemma: str | None = None


class Quote(Record):
    id: str
    kind: Literal["direct", "mixed", "indirect"]
    content: Span
    cue: Cue | None
    speaker: Speaker | None
    confidence: float = 1.0
    parts: list[Span] = Field(default_factory=list, description="content pieces when split")


class Amount(Record):
    value: float | None
    approximate: bool = False
    unit: str | None = None
    counts: str | None = None
    kind: str
    start: int
    end: int
    text: str


class Casualties(Record):
    killed: int | None = None
    wounded: int | None = None


class ReportedBy(Record):
    entity_id: str | None = None
    quote_id: str | None = None


class Event(Record):
    id: str
    type: str
    trigger: Span
    actor: str | None = None
    target: str | None = None
    location: str | None = None
    time: str | None = None
    casualties: Casualties = Casualties()
    modality: str = "asserted"
    reported_by: ReportedBy | None = None


class FramingSpan(Record):
    technique: str
    start: int
    end: int
    text: str
    target: str | None = None


class Voice(Record):
    entity_id: str | None
    name: str
    quotes: int
    words: int
    share: float


class Framing(Record):
    spans: list[FramingSpan] = []
    voices: list[Voice] = []


class Article(Record):
    """Everything presslens extracted from one article."""

    schema_version: str = SCHEMA_VERSION
    id: str
    title: str | None = None
    published: str | None = Field(default=None, description="YYYY-MM-DD")
    language: str | None = None
    source: Source = Source()
    text: str
    blocks: list[Block] = []
    removed: list[Removal] = []
    entities: list[Entity] = []
    quotes: list[Quote] = []
    amounts: list[Amount] = []
    events: list[Event] = []
    framing: Framing = Framing()

    def span(self, start: int, end: int) -> str:
        """Return the cleaned text between two offsets."""
        return self.text[start:end]

    def entity(self, entity_id: str | None) -> Entity | None:
        """Return the entity with this id, or None."""
        return next((e for e in self.entities if e.id == entity_id), None)


def json_schema() -> dict:
    """Return the JSON Schema of the article record, tagged with its version."""
    schema = Article.model_json_schema()
    schema["title"] = "presslens article record"
    schema["version"] = SCHEMA_VERSION
    return schema
