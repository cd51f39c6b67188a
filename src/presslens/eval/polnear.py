"""Scores quote extraction on PolNeAR (political news attribution relations), Citron-style.

The data set is a folder holding ``text/NAME.txt`` (the raw article, first line the
headline) and ``attributions/NAME_ANNOTATOR.ann`` (brat standoff: ``Source``, ``Cue`` and
``Content`` spans with character offsets into the text, tied together by ``E`` lines).
Where several annotators annotated one article, the first ``.ann`` file by name is used,
so that every article counts once and a run is repeatable. Articles with no ``.ann`` file
are skipped.

Each article goes through the same path as a plain-text file: a ``RawArticle`` with
``is_html=False``, ``build_document``, then the full pipeline. Predicted spans are mapped
back to raw offsets with ``Document.raw_offset``.

How PolNeAR's conventions map to ours:

- PolNeAR annotates every attribution, including beliefs, intentions, evaluations and
  even attitudes ("X doesn't like Y", "56 percent would vote for Clinton"). presslens
  extracts statements: speech, writing, reports, stated intentions and beliefs with a
  clause. Those gold relations count against our recall; nothing is filtered out of gold.
- Gold content spans include the quotation marks of a direct quote and the "that" that
  opens a reported clause; presslens gives a direct quote's words without the marks and
  keeps "that". For *exact* matching both sides are compared after stripping edge
  whitespace, quotation marks, the punctuation that ends or hands over a quote, and a
  leading "that", so a span differing only in those counts as the same span.
- A split quote ("‘…,’ he said, ‘…’") is one relation in both: gold lists discontinuous
  pieces, we list ``parts``. Exact match compares the outer extent (first to last
  character); overlap match compares the pieces.
- Cues: ours is the verb (plus a particle, or "according to"); PolNeAR's may take in
  auxiliaries and adverbs ("has also said"). Sources: ours is the source phrase as written,
  like PolNeAR's; for "officials who said" both give "who" (we resolve it to the officials
  only in the speaker's entity).
- Nesting: PolNeAR is univocal, each token has at most one role in at most one attribution
  and the outermost attribution wins, so in "Smith said Jones believes X" it annotates only
  Smith's. A presslens attribution whose cue lies inside another predicted attribution's
  content is therefore left out of the scoring (``outermost``). The extractor itself already
  leaves most such reports inside the outer content; this keeps the scorer right whatever
  it returns. Two reports that each lie in the other's content (a parse error) both stay.

Metrics (Citron convention): for cue, source and content separately, precision is the
share of predicted spans matching some gold span of that role, recall the share of gold
spans matched by some prediction; *exact* means the same span after the normalisation
above, *overlap* that the two share at least one character. A predicted relation is
correct when its content overlaps a gold relation's content and its source overlaps that
relation's source, or when presslens resolved its source to an entity, one of that entity's
mentions overlaps the gold source (the gold source's coreferent mention: "he" resolved to
Smith matches a gold "Smith"); when the gold relation has no source, content alone decides; a
prediction with no source cannot match a gold relation that has one.

``speaker_entity`` measures the speaker's name rather than its span: over the gold relations
whose source is a proper name (a capitalised word other than a pronoun or determiner), a
prediction is correct when its content overlaps the gold content and its resolved speaker's
canonical name shares a name word with the gold source ("he" resolved to "Jo Doe" matches a
gold "Doe"; "Doe's campaign" matches "Jo Doe"). Precision counts the predictions with a
resolved speaker whose content overlaps such a gold relation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import prf_from_matches
from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document

ROLES = ("cue", "source", "content")
EDGE_STRIP = " \t\r\n\"'“”‘’«»„‚`,.;:!?—–-"

Spans = list[tuple[int, int]]


@dataclass
class Relation:
    """One attribution: each role as a list of character spans (empty when absent)."""

    cue: Spans = field(default_factory=list)
    source: Spans = field(default_factory=list)
    content: Spans = field(default_factory=list)
    # predicted only: the other mentions of the entity the source was resolved to
    coreferent: Spans = field(default_factory=list)
    # predicted only: the resolved speaker's canonical name (None when unresolved)
    speaker: str | None = None


def read_brat(path: Path) -> list[Relation]:
    """Return the attribution relations of one brat .ann file."""
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        if fields[0].startswith("T"):
            label, _, ranges = fields[1].partition(" ")
            pieces = []
            for piece in ranges.split(";"):
                start, _, end = piece.partition(" ")
                pieces.append((int(start), int(end)))
            spans[fields[0]] = (label, pieces)
        elif fields[0].startswith("E"):
            events.append([tuple(arg.split(":", 1)) for arg in fields[1].split() if ":" in arg])
    relations = []
    for arguments in events:
        relation = Relation()
        for role, ref in arguments:
            key = role.lower()
            if key in ROLES and ref in spans:
                getattr(relation, key).extend(spans[ref][1])
        if relation.content or relation.cue:
            relations.append(relation)
    return relations


def _normalised(text: str, spans: Spans, role: str) -> tuple[int, int] | None:
    """Return the outer extent of spans with edge marks, punctuation and "that" stripped."""
    if not spans:
        return None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    while start < end and text[start] in EDGE_STRIP:
        start += 1
    while end > start and text[end - 1] in EDGE_STRIP:
        end -= 1
    if role == "content" and text[start:start + 5].casefold() == "that ":
        start += 5
    return (start, end) if end > start else None


def _overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def outermost(relations: list[Relation]) -> list[Relation]:
    """Return the relations whose cue lies in no other relation's content (PolNeAR's
    univocal convention: the outer attribution wins)."""
    def nested(inner: Relation, outer: Relation) -> bool:
        return outer is not inner and bool(inner.cue) and _overlaps(inner.cue, outer.content) \
            and not (outer.cue and _overlaps(outer.cue, inner.content))

    return [r for r in relations if not any(nested(r, other) for other in relations)]


def predicted_relations(document, article) -> list[Relation]:
    """Return an article's quotes as relations in raw-text offsets, nested reports left out
    (see ``outermost``)."""
    def raw(start: int, end: int) -> tuple[int, int]:
        return document.raw_offset(start), document.raw_offset(end - 1) + 1

    mentions = {e.id: [raw(m.start, m.end) for m in e.mentions] for e in article.entities}
    relations = []
    for quote in article.quotes:
        parts = quote.parts or [quote.content]
        relations.append(Relation(
            cue=[raw(quote.cue.start, quote.cue.end)] if quote.cue else [],
            source=[raw(quote.speaker.start, quote.speaker.end)] if quote.speaker else [],
            content=[raw(p.start, p.end) for p in parts],
            coreferent=mentions.get(quote.speaker.entity_id, []) if quote.speaker else [],
            speaker=quote.speaker.name if quote.speaker and quote.speaker.entity_id else None,
        ))
    return outermost(relations)


class _Counts:
    def __init__(self) -> None:
        self.matched_predicted = 0
        self.predicted = 0
        self.matched_gold = 0
        self.gold = 0

    def add(self, matched_predicted: int, predicted: int, matched_gold: int, gold: int) -> None:
        self.matched_predicted += matched_predicted
        self.predicted += predicted
        self.matched_gold += matched_gold
        self.gold += gold

    def scores(self) -> dict:
        return prf_from_matches(self.matched_predicted, self.predicted, self.matched_gold, self.gold)


def score_article(text: str, gold: list[Relation], predicted: list[Relation], counts: dict[str, _Counts]) -> None:
    """Add one article's matches to the running counts, per role, match type and relation."""
    for role in ROLES:
        gold_spans = [getattr(r, role) for r in gold if getattr(r, role)]
        predicted_spans = [getattr(r, role) for r in predicted if getattr(r, role)]
        gold_exact = {_normalised(text, s, role) for s in gold_spans} - {None}
        predicted_exact = [_normalised(text, s, role) for s in predicted_spans]
        counts[f"{role}_exact"].add(
            sum(1 for s in predicted_exact if s in gold_exact), len(predicted_spans),
            sum(1 for s in gold_spans if _normalised(text, s, role) in set(predicted_exact)), len(gold_spans))
        counts[f"{role}_overlap"].add(
            sum(1 for s in predicted_spans if any(_overlaps(s, g) for g in gold_spans)), len(predicted_spans),
            sum(1 for g in gold_spans if any(_overlaps(s, g) for s in predicted_spans)), len(gold_spans))

    def matches(p: Relation, g: Relation) -> bool:
        if not p.content or not g.content or not _overlaps(p.content, g.content):
            return False
        if not g.source:
            return True
        return bool(p.source) and (_overlaps(p.source, g.source) or _overlaps(p.coreferent, g.source))

    counts["relation"].add(
        sum(1 for p in predicted if any(matches(p, g) for g in gold)), len(predicted),
        sum(1 for g in gold if any(matches(p, g) for p in predicted)), len(gold))

    # speaker_entity: among gold relations whose source is a proper name, the predicted
    # relation overlapping the content must name the same referent.
    named = [(g, name_words(" ".join(text[s:e] for s, e in g.source))) for g in gold if g.source]
    named = [(g, words) for g, words in named if words]

    def same_speaker(p: Relation, g: Relation, words: set[str]) -> bool:
        return bool(p.speaker) and _overlaps(p.content, g.content) and bool(name_words(p.speaker) & words)

    attempted = [p for p in predicted if p.speaker and any(_overlaps(p.content, g.content) for g, _ in named)]
    counts["speaker_entity"].add(
        sum(1 for p in attempted if any(same_speaker(p, g, w) for g, w in named)), len(attempted),
        sum(1 for g, w in named if any(same_speaker(p, g, w) for p in predicted)), len(named))


# Capitalised words that do not make a source a proper name ("The governor", "He").
NOT_NAME_WORDS = {"he", "she", "it", "they", "we", "i", "you", "the", "a", "an", "his", "her", "its", "their",
                  "this", "that", "these", "those", "who", "which", "our", "my", "some", "many", "mr.", "mrs.",
                  "ms.", "dr."}


def name_words(text: str) -> set[str]:
    """Return the capitalised words of a source that name someone, casefolded, without a
    possessive ("Clinton's campaign" -> {"clinton"})."""
    words = set()
    for word in text.replace("’", "'").split():
        word = word.strip(EDGE_STRIP).removesuffix("'s")
        if len(word) > 1 and word[:1].isupper() and word.casefold() not in NOT_NAME_WORDS:
            words.add(word.casefold())
    return words


def evaluate_polnear(path: str | Path, progress: Callable[[int, int], None] | None = None,
                     limit: int | None = None) -> dict:
    """Return precision, recall and F1 of quote cues, sources, contents and relations.

    ``progress(done, total)`` is called after each article; ``limit`` scores only the first
    articles by name (for quick runs while developing).
    """
    from presslens.pipeline import analyze_documents

    folder = Path(path)
    texts, annotations = folder / "text", folder / "attributions"
    if not texts.is_dir() or not annotations.is_dir():
        raise InputError("is not a PolNeAR folder (it needs text/ and attributions/)", str(folder))
    chosen: dict[str, Path] = {}
    for ann in sorted(annotations.glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        if (texts / f"{name}.txt").is_file():
            chosen.setdefault(name, ann)
    names = sorted(chosen)[:limit] if limit else sorted(chosen)
    raw_texts = {name: (texts / f"{name}.txt").read_bytes().decode("utf-8") for name in names}
    documents = (build_document(RawArticle(id=name, content=raw_texts[name], is_html=False)) for name in names)
    counts = {f"{role}_{match}": _Counts() for role in ROLES for match in ("exact", "overlap")}
    counts["relation"] = _Counts()
    counts["speaker_entity"] = _Counts()
    done = 0
    for document, article in analyze_documents(documents):
        text = raw_texts[document.id]
        score_article(text, read_brat(chosen[document.id]), predicted_relations(document, article), counts)
        done += 1
        if progress is not None:
            progress(done, len(names))
    order = [f"{role}_{match}" for role in ROLES for match in ("exact", "overlap")] + ["relation", "speaker_entity"]
    return {"task": "polnear", "metrics": {key: counts[key].scores() for key in order}, "articles": done}


def format_polnear(result: dict) -> str:
    """Return the scores as a readable table."""
    lines = [f"PolNeAR attribution relations ({result['articles']} articles)", "",
             f"{'':18}{'P':>8}{'R':>8}{'F1':>8}"]
    for key, scores in result["metrics"].items():
        label = key.replace("_", " ")
        lines.append(f"{label:18}{scores['p'] * 100:8.1f}{scores['r'] * 100:8.1f}{scores['f1'] * 100:8.1f}")
    return "\n".join(lines)
