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

    kind: str = Field(description="duplicate_caption, duplicate_block, boilerplate, related_links, hover_card, code, empty_block")
    text: str


class Geo(Record):
    lat: float
    lon: float
    country_code: str | None
    geonames_id: int | None
    feature: str = Field(description="country, region, county, city or landmark")
    name: str = Field(description="the gazetteer's name for the place")
    feature_code: str | None = Field(
        default=None, description="GeoNames feature code: PCLI, ADM1, ADM2, PPL, PPLC, CONT; null for curated places")
    admin1: str | None = Field(default=None, description="name of the first-level division (state, province) holding it")
    admin2: str | None = Field(default=None, description="name of the second-level division (county, parish) holding it")
    confidence: float = Field(default=1.0, description="0-1: how clearly the article picks this reading over the others")
    via: Literal["name", "demonym", "organisation", "dateline", "override"] = Field(
        default="name", description="how the place was found: its name, a demonym (\"Iranian\"), a place inside an "
                                    "organisation's name, an article's dateline, or the user's --places file")
    organisation: str | None = Field(
        default=None, description="id of the organisation entity whose name holds this place, when via is organisation")


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
    name: str | None = Field(description="who spoke: the resolved entity's name, else the source as written when it "
                             "names someone; None when it names nobody the article identifies ('they', 'officials')")
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        """Return the name to show a reader: the speaker's name, or "unresolved"."""
        return self.name or "unresolved"


class Cue(Span):
    lemma: str | None = None
    category: str | None = Field(default=None, description="speech, cognition, intent, perception or evidential")


class Quote(Record):
    id: str
    kind: Literal["direct", "mixed", "indirect"]
    content: Span
    cue: Cue | None
    speaker: Speaker | None
    confidence: float = 1.0
    parts: list[Span] = Field(default_factory=list, description="content pieces when split")

    @property
    def words(self) -> str:
        """Return the quoted words alone: the pieces of a split quote joined, without the
        attribution written between them."""
        return " … ".join(part.text for part in self.parts) if len(self.parts) > 1 else self.content.text


class Amount(Record):
    """A number in the text, with what it counts and its kind (killed, percent, money, ...)."""

    value: int | float | None
    approximate: bool = False
    unit: str | None = None
    counts: str | None = None
    kind: str
    start: int
    end: int
    text: str
    value_max: int | float | None = Field(default=None, description="upper end of a range ('between 20 and 30')")
    qualifier: str | None = Field(default=None, description="'about', 'at least', 'more than', ...")


class Casualties(Record):
    killed: int | None = None
    wounded: int | None = None
    missing: int | None = None
    arrested: int | None = None
    displaced: int | None = None


class ReportedBy(Record):
    entity_id: str | None = None
    quote_id: str | None = None


class TimeExpression(Span):
    """A date, time, duration or frequency the text names, normalised as TIMEX3."""

    id: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str = Field(description="TIMEX3 value: 2022-09-29, 2022-W39, 2022-09, 2022-Q3, P3D, PRESENT_REF, ...")
    anchor: str | None = Field(default=None, description="'published', or the id of the expression it was "
                                                          "resolved from; None when absolute")


class EventArgument(Span):
    """Who did it, to whom, or where, as the text writes it, with the entity when it names one."""

    role: Literal["actor", "target", "location"]
    relation: str = Field(description="how the text ties it to the trigger: subject, object, passive "
                                      "subject, by, possessor, modifier, or a preposition ('on', 'in')")
    entity_id: str | None = None


class EventMention(Span):
    """One place the text tells of an event, with the arguments its own clause gives it."""

    arguments: list[EventArgument] = Field(default_factory=list, description="actor, target and location "
                                           "that the parse ties to this mention's trigger")


class Event(Record):
    id: str
    type: str
    trigger: Span
    actor: str | None = None
    target: str | None = None
    location: str | None = None
    time: str | None = None
    time_precision: Literal["day", "week", "month", "year", "unknown"] = "unknown"
    time_id: str | None = Field(default=None, description="id of the time expression the date comes from")
    casualties: Casualties = Casualties()
    modality: str = "asserted"
    reported_by: ReportedBy | None = None
    acled_event_type: str | None = Field(default=None, description="ACLED event type, e.g. 'Battles'")
    acled_sub_event_type: str | None = Field(default=None, description="ACLED sub-event type, e.g. 'Armed clash'")
    cameo: str | None = Field(default=None, description="CAMEO root code, e.g. '19'")
    salience: float = 0.0
    mentions: list[EventMention] = Field(default_factory=list, description="every mention in text order, with the outcomes its sentence tells of it ('killing five')")
    arguments: list[EventArgument] = Field(default_factory=list, description="actor, target and location "
                                           "as written, named or not: each role from the first mention "
                                           "that has it; a location may be 'nearby', only named near it")


def shown_date(time: str, precision: str | None) -> str:
    """Return an event's date as precisely as it is known: 2022-09-29, week of 2022-09-26,
    2022-09, 2022; a date stored without its precision is shown whole."""
    if precision == "week":
        return f"week of {time[:10]}"
    return {"month": time[:7], "year": time[:4]}.get(precision or "", time[:10])


class FramingSpan(Record):
    """A word or phrase that shows a persuasion technique, with whom it is aimed at."""

    technique: str
    start: int
    end: int
    text: str
    target: str | None = Field(default=None, description="id of the entity the wording is aimed at")
    reason: str | None = Field(default=None, description="why it was flagged, for a reader")
    in_quote: bool = Field(default=False, description="inside a quotation: the speaker's words, not the article's")
    quote_id: str | None = None
    speaker_entity_id: str | None = None
    speaker: str | None = Field(default=None, description="name of the quoted speaker, when in_quote")


class Voice(Record):
    """One speaker the article quotes, and how much room it gets."""

    entity_id: str | None
    name: str
    quotes: int
    words: int
    share: float
    group: str | None = Field(default=None, description="side or affiliation: 'Russian officials', ...")


class VoiceGroup(Record):
    """The voices of one side or affiliation taken together."""

    group: str
    speakers: int
    quotes: int
    words: int
    share: float


class SlantEvidence(Span):
    """A word that pushes a sentence's slant verdict towards slanted."""

    weight: float = Field(description="what the word adds to the model's log-odds of slanted")
    source: Literal["lexicon", "model"] = Field(
        description="lexicon: a loaded-word flag covers it and the model agrees; model: the model's attribution alone")


class SentenceBias(Record):
    """How opinionated one sentence reads: a score in 0..1 and a label."""

    start: int
    end: int
    score: float = Field(description="the lexicons' reading: evaluative words and flagged techniques, 0..1")
    label: Literal["biased", "neutral"]
    in_quote: bool = Field(default=False, description="the sentence is mostly quoted words")
    slant: float | None = Field(default=None, description="the slant model's probability that the sentence is slanted")
    words: list[SlantEvidence] = Field(default_factory=list, description="the words driving the slant verdict, strongest first")


class FramingSummary(Record):
    """Article-level figures: share of biased sentences, own voice against quoted voices."""

    sentences: int = 0
    biased_sentences: int = 0
    biased_share: float = 0.0
    own_words: int = Field(default=0, description="words in the article's own voice")
    quoted_words: int = 0
    quoted_share: float = 0.0
    unattributed_words: int = Field(default=0, description="quoted words with no identified speaker")
    techniques: dict[str, int] = {}
    own_voice_flags: int = 0
    quoted_flags: int = 0


class Framing(Record):
    spans: list[FramingSpan] = []
    voices: list[Voice] = []
    groups: list[VoiceGroup] = []
    sentences: list[SentenceBias] = []
    summary: FramingSummary = FramingSummary()


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
    times: list[TimeExpression] = []
    framing: Framing = Framing()

    def span(self, start: int, end: int) -> str:
        """Return the cleaned text between two offsets."""
        return self.text[start:end]

    def entity(self, entity_id: str | None) -> Entity | None:
        """Return the entity with this id, or None."""
        return next((e for e in self.entities if e.id == entity_id), None)

    def broken_spans(self) -> list[str]:
        """Return a description of every part whose offsets fall outside the text or whose
        text differs from the stretch its offsets point at; empty for a sound record."""
        faults: list[str] = []
        _check_spans(self, self.text, "article", faults)
        return faults


def _check_spans(value: object, text: str, where: str, faults: list[str]) -> None:
    if isinstance(value, list):
        for number, item in enumerate(value):
            _check_spans(item, text, f"{where}[{number}]", faults)
        return
    if not isinstance(value, BaseModel) or isinstance(value, Source):
        return
    start, end = getattr(value, "start", None), getattr(value, "end", None)
    if isinstance(start, int) and isinstance(end, int) and value is not None:
        if not 0 <= start <= end <= len(text):
            faults.append(f"{where}: offsets {start}-{end} outside a text of {len(text)} characters")
        elif isinstance(getattr(value, "text", None), str) and text[start:end] != value.text:
            faults.append(f"{where}: says {value.text!r} but its offsets hold {text[start:end]!r}")
    for name in type(value).model_fields:
        if name != "text":
            _check_spans(getattr(value, name), text, f"{where}.{name}", faults)


def json_schema() -> dict:
    """Return the JSON Schema of the article record, tagged with its version."""
    schema = Article.model_json_schema()
    schema["title"] = "presslens article record"
    schema["version"] = SCHEMA_VERSION
    return schema
