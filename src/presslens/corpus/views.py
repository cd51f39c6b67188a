"""The export views and the schema texts every backend shares: what an analyst reads, one row per record.

Receives nothing; holds the SQL texts the backends' migration steps create, the export
types of the columns whose type is more than the database's, and the copy-count upkeep.
"""

EXPORT_TABLES = ("articles", "entities", "corpus_entities", "mentions", "quotes", "amounts", "events", "framing",
                 "removals", "duplicates", "stories", "story_articles", "errors")

# The export views: what an analyst gets, one row per record, each with the article's id so
# that tables join in pandas or DuckDB. Every backend creates them from these texts, so an
# export reads the same from any of them. Released migration steps hold these texts: a view
# that must change gets a new text, created by a new migration step of each backend.
FIRST_EXPORT_VIEWS = {
    "articles": """CREATE VIEW export_articles AS
            SELECT a.id, a.title, a.published, COALESCE(a.url, a.path) AS source, a.url, a.path,
                   a.outlet, a.language,
                   CASE WHEN d.canonical_id != a.id THEN d.canonical_id END AS duplicate_of, s.story_id, a.text
            FROM articles a LEFT JOIN duplicates d ON d.article_id = a.id
                 LEFT JOIN story_articles s ON s.article_id = a.id ORDER BY a.seq""",
    "entities": """CREATE VIEW export_entities AS
            SELECT e.article_id, e.entity_id, e.corpus_entity_id, e.name, e.type, e.aliases, e.titles,
                   e.affiliation, e.salience, e.mentions, e.geonames_id, e.lat, e.lon, e.country_code
            FROM entities e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.entity_id""",
    "quotes": """CREATE VIEW export_quotes AS
            SELECT q.article_id, q.quote_id, q.kind, q.speaker, q.speaker_entity_id, q.corpus_entity_id,
                   q.cue, q.cue_lemma, q.content, q.start, q."end", q.confidence
            FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start""",
    "amounts": """CREATE VIEW export_amounts AS
            SELECT m.article_id, m.value, m.value_max, m.approximate, m.qualifier, m.unit, m.counts,
                   m.kind, m.text, m.start, m."end"
            FROM amounts m JOIN articles a ON a.id = m.article_id ORDER BY a.seq, m.start""",
    "events": """CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, e.target, e.location,
                   e.location_geonames_id, e.lat, e.lon, e.time, a.published, e.killed, e.wounded,
                   e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""",
    "framing": """CREATE VIEW export_framing AS
            SELECT f.article_id, f.technique, f.text, f.target, f.reason, f.in_quote, f.quote_id,
                   f.speaker, f.start, f."end"
            FROM framing f JOIN articles a ON a.id = f.article_id ORDER BY a.seq, f.start""",
    "stories": """CREATE VIEW export_stories AS
            SELECT id, label, articles, outlets, first_date, last_date FROM stories
            ORDER BY articles DESC, first_date IS NULL, first_date, id""",
    "errors": """CREATE VIEW export_errors AS
            SELECT source, message, seen FROM errors ORDER BY id""",
}

# The views of schema step 4 on: every table, entity ids beside the names events give, and
# what quotes lost before (cue category, the pieces of a split quote). Lists are JSON text
# here; EXPORT_TYPES says which columns an export turns into lists, booleans and dates.
_ENTITY_OF = """(SELECT MIN(x.{column}) FROM entities x WHERE x.article_id = e.article_id AND x.name = e.{role})"""
EXPORT_VIEWS = {
    **{name: FIRST_EXPORT_VIEWS[name] for name in ("articles", "entities", "amounts", "framing", "errors")},
    "corpus_entities": """CREATE VIEW export_corpus_entities AS
            SELECT c.id AS corpus_entity_id, c.name, c.type, c.articles - COALESCE(k.articles, 0) AS articles,
                   c.mentions - COALESCE(k.mentions, 0) AS mentions, c.articles AS articles_with_copies,
                   c.mentions AS mentions_with_copies, c.geonames_id, c.lat, c.lon, c.country_code
            FROM corpus_entities c LEFT JOIN corpus_entity_copies k ON k.corpus_entity_id = c.id ORDER BY c.id""",
    "mentions": """CREATE VIEW export_mentions AS
            SELECT m.article_id, m.entity_id, e.corpus_entity_id, m.start, m."end", m.text, m.kind
            FROM mentions m JOIN articles a ON a.id = m.article_id
                 LEFT JOIN entities e ON e.article_id = m.article_id AND e.entity_id = m.entity_id
            ORDER BY a.seq, m.start""",
    "quotes": """CREATE VIEW export_quotes AS
            SELECT q.article_id, q.quote_id, q.kind, q.speaker, q.speaker_entity_id, q.corpus_entity_id,
                   q.cue, q.cue_lemma, q.cue_category, q.content, q.parts, q.start, q."end", q.confidence
            FROM quotes q JOIN articles a ON a.id = q.article_id ORDER BY a.seq, q.start""",
    "events": """CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, """
            + _ENTITY_OF.format(column="entity_id", role="actor") + """ AS actor_entity_id, """
            + _ENTITY_OF.format(column="corpus_entity_id", role="actor") + """ AS actor_corpus_entity_id, e.target, """
            + _ENTITY_OF.format(column="entity_id", role="target") + """ AS target_entity_id, """
            + _ENTITY_OF.format(column="corpus_entity_id", role="target") + """ AS target_corpus_entity_id, e.location, """
            + _ENTITY_OF.format(column="entity_id", role="location") + """ AS location_entity_id, """
            + _ENTITY_OF.format(column="corpus_entity_id", role="location") + """ AS location_corpus_entity_id,
                   e.location_geonames_id, e.lat, e.lon, e.time, a.published, e.killed, e.wounded,
                   e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""",
    "removals": """CREATE VIEW export_removals AS
            SELECT r.article_id, r.kind, r.text FROM removals r JOIN articles a ON a.id = r.article_id
            ORDER BY a.seq""",
    "duplicates": """CREATE VIEW export_duplicates AS
            SELECT article_id, canonical_id, similarity FROM duplicates
            WHERE article_id != canonical_id ORDER BY canonical_id, article_id""",
    "stories": """CREATE VIEW export_stories AS
            SELECT id AS story_id, label, articles, copies, outlets, first_date, last_date FROM stories
            ORDER BY articles DESC, first_date IS NULL, first_date, id""",
    "story_articles": """CREATE VIEW export_story_articles AS
            SELECT s.story_id, s.article_id FROM story_articles s JOIN articles a ON a.id = s.article_id
            ORDER BY s.story_id, a.seq""",
}
# Schema step 4, the same for every backend: quotes keep the cue's category and the pieces of
# a split quote (JSON [[start, end, text], ...]), and the export views are replaced.
REPLACE_EXPORT_VIEWS = (
    "ALTER TABLE quotes ADD COLUMN cue_category TEXT",
    "ALTER TABLE quotes ADD COLUMN parts TEXT",
    *(f"DROP VIEW export_{name}" for name in FIRST_EXPORT_VIEWS),
    *EXPORT_VIEWS.values(),
)
# Schema step 6: events keep the precision of their date (day, week, month, year, unknown)
# and their arguments: the article entity ids of actor, target and location, and the
# arguments as written (JSON [{"role", "relation", "start", "end", "text", "entity_id"}, ...]).
# Each backend fills them for the events already stored from the records it keeps, then the
# export view of events is replaced by one that reads them.
EVENT_ARGUMENT_COLUMNS = tuple(
    f"ALTER TABLE events ADD COLUMN {column} TEXT"
    for column in ("time_precision", "actor_entity_id", "target_entity_id", "location_entity_id", "arguments"))
_CORPUS_ID_OF = """(SELECT x.corpus_entity_id FROM entities x
                   WHERE x.article_id = e.article_id AND x.entity_id = e.{role}_entity_id)"""
EVENT_EXPORT_VIEW = ("""CREATE VIEW export_events AS
            SELECT e.article_id, e.event_id, e.type, e.trigger, e.actor, e.actor_entity_id, """
                     + _CORPUS_ID_OF.format(role="actor") + """ AS actor_corpus_entity_id, e.target,
                   e.target_entity_id, """ + _CORPUS_ID_OF.format(role="target") + """ AS target_corpus_entity_id,
                   e.location, e.location_entity_id, """ + _CORPUS_ID_OF.format(role="location")
                     + """ AS location_corpus_entity_id,
                   e.location_geonames_id, e.lat, e.lon, e.time, e.time_precision, a.published, e.killed,
                   e.wounded, e.missing, e.arrested, e.displaced, e.modality, e.reported_by, e.acled_event_type,
                   e.acled_sub_event_type, e.cameo, e.salience, e.arguments, e.start, e."end"
            FROM events e JOIN articles a ON a.id = e.article_id ORDER BY a.seq, e.start""")
REPLACE_EVENT_EXPORT_VIEW = ("DROP VIEW export_events", EVENT_EXPORT_VIEW)

# Columns whose export type is more than the database's: the rest are integer, real or text.
EXPORT_TYPES = {
    "articles": {"published": "date"},
    "entities": {"aliases": "list", "titles": "list"},
    "quotes": {"parts": "spans"},
    "amounts": {"approximate": "boolean"},
    # Computed columns, which SQLite gives no declared type.
    "corpus_entities": {"articles": "integer", "mentions": "integer"},
    "events": {"published": "date", "arguments": "arguments",
               **{f"{role}_corpus_entity_id": "integer" for role in ("actor", "target", "location")}},
    "framing": {"in_quote": "boolean"},
    "stories": {"outlets": "list", "first_date": "date", "last_date": "date"},
}

# True for an article that is not a near-duplicate copy of another (the articles table named `a`).
CANONICAL = "NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.article_id = a.id AND d.canonical_id != a.id)"
# What the copies add to each corpus entity's counts, so that counts without them need no
# scan of the entities table. Recomputed with the duplicates (REFRESH_COPY_COUNTS).
REFRESH_COPY_COUNTS = (
    "DELETE FROM corpus_entity_copies",
    """INSERT INTO corpus_entity_copies (corpus_entity_id, articles, mentions)
       SELECT e.corpus_entity_id, COUNT(*), SUM(e.mentions) FROM entities e
       JOIN duplicates d ON d.article_id = e.article_id AND d.canonical_id != d.article_id
       WHERE e.corpus_entity_id IS NOT NULL GROUP BY e.corpus_entity_id""",
)
# The schema step that adds them (the same text for every backend), and the stories' count of copies.
COPY_COUNTS = (
    """CREATE TABLE corpus_entity_copies (
        corpus_entity_id BIGINT PRIMARY KEY REFERENCES corpus_entities (id),
        articles BIGINT NOT NULL,
        mentions BIGINT NOT NULL
    )""",
    REFRESH_COPY_COUNTS[1],
    "ALTER TABLE stories ADD COLUMN copies BIGINT NOT NULL DEFAULT 0",
)
