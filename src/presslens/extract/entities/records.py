"""Records: the article's clusters as ``Entity`` records.

Receives the clusters and the Document; returns entities with a canonical name, aliases,
titles, affiliation and a salience weighted by where the mentions stand (headline, lead).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from presslens.extract.entities.clusters import Cluster
from presslens.extract.entities.lexicon import demonyms, metonyms
from presslens.extract.entities.titles import affiliation_of
from presslens.ingest.document import Document
from presslens.record import Entity, Mention

BLOCK_WEIGHT = {"headline": 3.0, "bullet": 1.2, "caption": 0.5, "paragraph": 1.0, "boilerplate": 0.2}
LEAD_BONUS = 0.5  # mentions in the first two body paragraphs count extra


def entities_from_clusters(clusters: list[Cluster], document: Document) -> list[Entity]:
    weights = _block_weights(document)
    scored: list[tuple[Cluster, float]] = []
    for cluster in clusters:
        cluster.mentions.sort(key=lambda m: m.start)
        score = sum(_weight(weights, m.start) for m in cluster.mentions)
        scored.append((cluster, score))
    top = max((s for _, s in scored), default=1.0) or 1.0
    scored.sort(key=lambda pair: pair[0].mentions[0].start)
    entities: list[Entity] = []
    for number, (cluster, score) in enumerate(scored, start=1):
        names = cluster.forms or [m.text for m in cluster.mentions]
        name = cluster.canonical or _canonical(cluster.label, names)
        titles = _unique(t for m in cluster.mentions for t in m.titles)
        aliases = _unique(n for n in names if n != name)
        label = Counter(m.label for m in cluster.mentions if m.kind == "name").most_common(1)
        entities.append(Entity(
            id=f"e{number}",
            name=name,
            type=label[0][0] if label else cluster.label,
            aliases=aliases,
            titles=titles,
            affiliation=_affiliation(cluster.label, name, titles),
            mentions=[Mention(start=m.start, end=m.end, text=m.text, kind=m.kind) for m in cluster.mentions],
            salience=round(score / top, 3),
        ))
    return entities


def _canonical(label: str, names: list[str]) -> str:
    if label in ("PERSON", "ORG"):
        if label == "ORG":
            spelled = [n for n in names if not n.replace(".", "").isupper()]
            if spelled:
                names = spelled
            else:
                return max(names, key=lambda n: (n.isupper(), names.count(n)))
        return max(names, key=lambda n: (len(n.split()), names.count(n), len(n)))
    if label == "NORP":
        plural = [n for n in names if n.endswith("s") and n[:-1] in names]
        if plural:
            return plural[0]  # a group is named by its members: "Republicans", not "Republican"
    return Counter(names).most_common(1)[0][0]


def _affiliation(label: str, name: str, titles: list[str]) -> str | None:
    if label == "PERSON":
        for title in titles:
            found = affiliation_of(title)
            if found:
                return found
        return None
    if label in ("ORG", "NORP"):
        return metonyms().get(name.casefold()) or (demonyms().get(name.casefold()) if label == "NORP" else None)
    return None


def _unique(items) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.casefold(), item)
    return list(seen.values())


def _block_weights(document: Document) -> list[tuple[int, int, float]]:
    weights = []
    body_seen = 0
    for block in document.blocks:
        weight = BLOCK_WEIGHT.get(block.kind, 1.0)
        if block.kind == "paragraph":
            body_seen += 1
            if body_seen <= 2:
                weight += LEAD_BONUS
        weights.append((block.start, block.end, weight))
    return weights


def _weight(weights: list[tuple[int, int, float]], offset: int) -> float:
    # the blocks are in text order and never overlap: the one holding the offset is the last
    # that starts at or before it
    at = bisect_right(weights, offset, key=lambda block: block[0]) - 1
    if at >= 0 and weights[at][0] <= offset < weights[at][1]:
        return weights[at][2]
    return 1.0
