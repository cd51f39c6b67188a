"""Stories: the articles of a corpus grouped by the happening they report.

One greedy pass over the articles in publication order. Each article joins the story it is
most similar to, or starts a new one. Similarity mixes three signals:

- entity overlap: cosine over the corpus entities of the two sides, each weighted by its
  salience in the article and by its kind (places and people identify a happening better
  than organisations, nationalities or works);
- text similarity: TF-IDF cosine over the title and lead, where reports of the same
  happening share their rarer words;
- time: when both sides have a publication date, they must lie within a window of days.

Only stories that share a key entity or a key term with the article are compared
(blocking), and only the most recent ones under each key, so the pass stays linear in the
corpus size. Near-duplicate copies (the duplicates table) enter as one unit, so wire copies
always share a story. The result is recomputed from the whole store each time: it depends
on the articles stored, never on the order or number of runs that loaded them.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from presslens.corpus.store import PLACE_TYPES, Store

WINDOW_DAYS = 3
THRESHOLD = 0.3
MIN_TEXT = 0.05  # a shared cast alone is not a shared happening: the words must overlap too
LEAD_CHARS = 1200  # title and first paragraphs: where a report says what happened
TERMS_KEPT = 40  # per article; the tail of a TF-IDF vector adds cost, not signal
KEY_ENTITIES = 5
KEY_TERMS = 3
RECENT_STORIES = 200  # per blocking key; older stories under a common key are out of reach
ENTITY_SHARE = 0.5  # of the score; the rest is text, plus the time bonus below
TIME_BONUS = 0.1

# Places and people pin a happening down; organisations less, nationalities and works little.
KIND_WEIGHTS = {"PLACE": 1.5, "PERSON": 1.5, "ORG": 1.0, "EVENT": 1.0, "NORP": 0.6}
OTHER_KIND_WEIGHT = 0.4
MIN_SALIENCE = 0.05  # an entity named once still counts a little

WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", re.UNICODE)


@dataclass
class StoryArticle:
    """What story building reads of one stored article."""

    id: str
    published: str | None = None
    outlet: str | None = None
    text: str = ""  # title and lead
    # corpus entity id -> (name, type, salience)
    entities: dict[int, tuple[str, str, float]] = field(default_factory=dict)


@dataclass
class Story:
    """A group of articles about one happening, with the label that names it."""

    id: str
    label: str
    article_ids: list[str]
    first_date: str | None
    last_date: str | None
    outlets: list[str]


@dataclass
class _Unit:
    """Articles that enter a story together: one article, or a near-duplicate cluster."""

    articles: list[StoryArticle]
    first: int | None  # day numbers, for the time window
    last: int | None
    entities: dict[int, float] = field(default_factory=dict)  # normalised
    terms: dict[str, float] = field(default_factory=dict)  # normalised
    keys: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class _Group:
    """A story while it is being built: its units and the summed vectors of their members."""

    units: list[_Unit]
    first: int | None
    last: int | None
    entities: dict[int, float] = field(default_factory=dict)
    entity_norm2: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)
    term_norm2: float = 0.0
    keys: set = field(default_factory=set)

    def add(self, unit: _Unit) -> None:
        self.units.append(unit)
        self.entity_norm2 = _add_into(self.entities, self.entity_norm2, unit.entities)
        self.term_norm2 = _add_into(self.terms, self.term_norm2, unit.terms)
        if unit.first is not None:
            self.first = unit.first if self.first is None else min(self.first, unit.first)
            self.last = unit.last if self.last is None else max(self.last, unit.last)


def build_stories(store: Store, window_days: int = WINDOW_DAYS, threshold: float = THRESHOLD) -> list[Story]:
    """Return the stories of the whole store, after replacing its stories table with them."""
    articles = store.articles_for_stories()
    duplicates = dict(store.duplicate_pairs())
    stories = cluster_stories(articles, duplicates, window_days=window_days, threshold=threshold)
    # A copy is one more place a text ran, not one more report: stories count it apart.
    copies = {s.id: sum(1 for a in s.article_ids if duplicates.get(a, a) != a) for s in stories}
    store.set_stories([(s.id, s.label, s.article_ids, s.first_date, s.last_date, s.outlets) for s in stories],
                      copies)
    return stories


def cluster_stories(articles: list[StoryArticle], duplicates: dict[str, str] | None = None,
                    window_days: int = WINDOW_DAYS, threshold: float = THRESHOLD) -> list[Story]:
    """Return the stories these articles form, largest first; `duplicates` maps a copy's id to its canonical's.

    `articles` must be in the order they were stored: that order breaks ties between
    equal dates, so the same articles always give the same stories and story ids.
    """
    units = _units(articles, duplicates or {})
    _vectorise(units)
    # Dated units first, oldest first: a story grows forward in time. Undated units come
    # last and join on content alone.
    units.sort(key=lambda u: (u.first is None, u.first or 0))
    groups: list[_Group] = []
    postings: dict[tuple[str, object], deque[int]] = defaultdict(deque)
    undated = False
    for unit in units:
        if unit.first is None and not undated:
            # The dated pass dropped stories that fell out of the window; an undated unit
            # may join any story, so it sees them all again.
            undated = True
            postings = defaultdict(deque)
            for index, group in enumerate(groups):
                for key in group.keys:
                    postings[key].append(index)
        best, best_score = None, threshold
        seen: set[int] = set()
        for key in unit.keys:
            posting = postings.get(key)
            if not posting:
                continue
            if unit.first is not None:
                # Units come in date order, so a story too old for this one is too old for
                # every later one: dropping it keeps the lists short.
                while posting and _too_old(groups[posting[0]], unit.first, window_days):
                    posting.popleft()
            for index in islice(reversed(posting), RECENT_STORIES):
                if index in seen:
                    continue
                seen.add(index)
                score = _similarity(unit, groups[index], window_days)
                if score >= best_score:
                    best, best_score = index, score
        if best is None:
            best = len(groups)
            groups.append(_Group(units=[], first=None, last=None))
        group = groups[best]
        group.add(unit)
        for key in unit.keys:
            if key not in group.keys:
                group.keys.add(key)
                postings[key].append(best)
    stories = [_story(group) for group in groups]
    stories.sort(key=lambda s: (-len(s.article_ids), s.first_date is None, s.first_date or "", s.id))
    return stories


def _too_old(group: _Group, first: int, window_days: int) -> bool:
    return group.last is not None and first - group.last > window_days


def _units(articles: list[StoryArticle], duplicates: dict[str, str]) -> list[_Unit]:
    by_canonical: dict[str, list[StoryArticle]] = {}
    for article in articles:
        by_canonical.setdefault(duplicates.get(article.id, article.id), []).append(article)
    units = []
    for members in by_canonical.values():
        days = [d for d in (_day(a.published) for a in members) if d is not None]
        units.append(_Unit(articles=members, first=min(days, default=None), last=max(days, default=None)))
    return units


def _vectorise(units: list[_Unit]) -> None:
    """Give every unit its normalised entity and term vectors and its blocking keys."""
    # Copies say the same; one speaks for all. A unit's terms are counted twice, once for the
    # document frequencies and once for its own vector, rather than all held at once: on
    # 10,000 articles the counts of every lead take more memory than the whole rest of the step.
    term_df = Counter(term for u in units for term in _term_counts(u.articles[0].text))
    entity_df = Counter(eid for u in units for eid in {e for a in u.articles for e in a.entities})
    n = len(units)
    for unit in units:
        count = _term_counts(unit.articles[0].text)
        terms = {t: (1 + math.log(c)) * _idf(n, term_df[t]) for t, c in count.items()}
        terms = dict(sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_KEPT])
        entities: dict[int, float] = {}
        for article in unit.articles:
            for eid, (_, kind, salience) in article.entities.items():
                weight = _entity_weight(kind, salience) * _idf(n, entity_df[eid])
                entities[eid] = max(entities.get(eid, 0.0), weight)
        unit.terms, unit.entities = _normalised(terms), _normalised(entities)
        # Terms found in one unit only can never be shared, so they make no key.
        key_terms = [t for t in terms if term_df[t] > 1][:KEY_TERMS]
        key_entities = sorted(entities, key=lambda e: (-entities[e], e))[:KEY_ENTITIES]
        unit.keys = [("e", e) for e in key_entities] + [("t", t) for t in key_terms]


def _similarity(unit: _Unit, group: _Group, window_days: int) -> float:
    """Return how strongly a unit belongs to a story (0 to 1), or 0 when their dates are too far apart."""
    time = 0.0
    if unit.first is not None and group.first is not None:
        gap = max(0, group.first - unit.last, unit.first - group.last)
        if gap > window_days:
            return 0.0
        time = 1.0 - gap / (window_days + 1)
    text = _cosine(unit.terms, group.terms, group.term_norm2)
    if text < MIN_TEXT:
        return 0.0
    entities = _cosine(unit.entities, group.entities, group.entity_norm2)
    return ENTITY_SHARE * entities + (1 - ENTITY_SHARE) * text + TIME_BONUS * time


def _story(group: _Group) -> Story:
    articles = [a for unit in group.units for a in unit.articles]
    seed = group.units[0].articles[0].id
    dates = sorted(a.published for a in articles if a.published)
    outlets = sorted({a.outlet for a in articles if a.outlet})
    return Story(id="s" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:11], label=_label(group),
                 article_ids=[a.id for a in articles], first_date=dates[0] if dates else None,
                 last_date=dates[-1] if dates else None, outlets=outlets)


def _label(group: _Group) -> str:
    """Return the story's name: its two weightiest entities, then its weightiest terms, up to three parts."""
    names: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for unit in group.units:
        for article in unit.articles:
            for eid, (name, kind, _) in article.entities.items():
                names.setdefault(eid, name)
                kinds.setdefault(eid, kind)
    ranked = sorted(group.entities, key=lambda e: (-group.entities[e], names[e]))
    parts: list[str] = []
    for eid in ranked:
        if len(parts) == 2:
            break
        if names[eid].casefold() not in {p.casefold() for p in parts}:
            parts.append(names[eid])
    taken = {w for p in parts for w in _words(p)}
    for term in sorted(group.terms, key=lambda t: (-group.terms[t], t)):
        if len(parts) == 3:
            break
        if term not in taken:
            parts.append(term)
            taken.add(term)
    return " · ".join(parts) or "(no words)"


def _term_counts(text: str) -> Counter:
    return Counter(w for w in _words(text) if len(w) > 2 and w not in _stop_words())


def _words(text: str) -> list[str]:
    return [w.replace("’", "'").removesuffix("'s") for w in WORD.findall(text.casefold())]


_STOP_WORDS: frozenset[str] | None = None


def _stop_words() -> frozenset[str]:
    global _STOP_WORDS
    if _STOP_WORDS is None:
        # spaCy's English list: the language the pipeline reads, and already installed.
        from spacy.lang.en.stop_words import STOP_WORDS

        _STOP_WORDS = frozenset(STOP_WORDS)
    return _STOP_WORDS


def _entity_weight(entity_type: str, salience: float) -> float:
    kind = "PLACE" if entity_type in PLACE_TYPES else entity_type
    return KIND_WEIGHTS.get(kind, OTHER_KIND_WEIGHT) * max(salience or 0.0, MIN_SALIENCE)


def _idf(n: int, df: int) -> float:
    # Smoothed, and never below 1, so that in a small corpus a name every article shares
    # still counts for something.
    return 1.0 + math.log((n + 1) / (df + 1))


def _normalised(vector: dict) -> dict:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


def _add_into(total: dict, norm2: float, vector: dict) -> float:
    """Return the squared norm of `total` after adding `vector` into it in place."""
    for key, value in vector.items():
        old = total.get(key, 0.0)
        total[key] = old + value
        norm2 += 2 * old * value + value * value
    return norm2


def _cosine(unit: dict, total: dict, total_norm2: float) -> float:
    if not unit or total_norm2 <= 0:
        return 0.0
    # Most keys are not shared: intersecting the key sets (in C) first is what keeps the
    # pass fast on a large corpus.
    shared = unit.keys() & total.keys() if len(unit) <= len(total) else total.keys() & unit.keys()
    if not shared:
        return 0.0
    return sum(unit[k] * total[k] for k in shared) / math.sqrt(total_norm2)


def _day(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None
