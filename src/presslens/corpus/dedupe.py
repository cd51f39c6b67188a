"""Near-duplicate articles: wire copies and lightly edited updates, found with MinHash LSH.

Each article's text becomes a set of word shingles; LSH finds the pairs whose shingle sets
overlap by more than a threshold (Jaccard similarity) without comparing every pair. Linked
articles form a cluster whose canonical article is the earliest published (the first
stored when dates are missing), since that is the copy the others were taken from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presslens.corpus.store import Store

SHINGLE_WORDS = 5
NUM_PERM = 128
# Wire copies differ by a headline, a dateline or a few edited words, and a short article
# loses a quarter of its 5-grams to that; an update republished under a new top keeps about
# half. Different articles on one subject share under a fifth.
THRESHOLD = 0.5
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Cluster:
    """A group of near-identical articles and the one the others copy."""

    canonical: str
    members: list[tuple[str, float]]  # (article id, estimated similarity to the canonical), canonical included


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Return the set of overlapping word n-grams of a text, case-folded."""
    words = WORD.findall(text.casefold())
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def find_duplicates(store: Store, threshold: float = THRESHOLD) -> list[Cluster]:
    """Return the clusters of near-duplicate articles in the store, and store them in its duplicates table.

    Recomputed from the whole store each time, so the result does not depend on the order
    or the number of runs that loaded the articles.
    """
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures: dict[str, MinHash] = {}
    order: dict[str, tuple[int, str, int]] = {}
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for position, (article_id, published, text) in enumerate(store.articles_for_dedupe()):
        grams = shingles(text)
        if not grams:
            continue
        signature = MinHash(num_perm=NUM_PERM)
        signature.update_batch(grams)
        signatures[article_id] = signature
        order[article_id] = (published is None, published or "", position)
        parent[article_id] = article_id
        for other in lsh.query(signature):
            # LSH only proposes candidates; the estimate confirms them.
            if signature.jaccard(signatures[other]) >= threshold:
                parent[root(article_id)] = root(other)
        lsh.insert(article_id, signature)

    groups: dict[str, list[str]] = {}
    for article_id in parent:
        groups.setdefault(root(article_id), []).append(article_id)
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        canonical = min(members, key=order.__getitem__)
        base = signatures[canonical]
        scored = [(m, 1.0 if m == canonical else round(base.jaccard(signatures[m]), 3))
                  for m in sorted(members, key=order.__getitem__)]
        clusters.append(Cluster(canonical, scored))
    clusters.sort(key=lambda c: order[c.canonical])
    store.set_duplicates([(c.canonical, c.members) for c in clusters])
    return clusters
