"""Near-duplicate articles: wire copies and lightly edited updates, found with MinHash LSH.

Each article's text becomes a set of word shingles; LSH finds the pairs whose shingle sets
overlap by more than a threshold (Jaccard similarity) without comparing every pair. Linked
articles form a cluster whose canonical article is the earliest published (the first
stored when dates are missing), since that is the copy the others were taken from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presslens.corpus.disjoint import DisjointSets
from presslens.corpus.store import Store

SHINGLE_WORDS = 5
NUM_PERM = 128
# 32 bands of 4 hash values: two articles at the threshold share a band with probability
# 0.87, at 0.6 with 0.99, at 0.2 with 0.05, so pairs are proposed well below it and confirmed.
BANDS = 32
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
    import numpy as np
    from datasketch import MinHash

    # The banding index is kept here rather than in datasketch's MinHashLSH, which holds a
    # set per bucket: about 10 KB an article, where this index and the signatures take 2 KB.
    permutations = MinHash(num_perm=NUM_PERM).permutations  # one set for every article
    ids: list[str] = []
    order: list[tuple[bool, str, int]] = []  # undated last, then by date, then as stored
    signatures: list[np.ndarray] = []
    buckets: list[dict[bytes, int | list[int]]] = [{} for _ in range(BANDS)]
    sets = DisjointSets()

    def similarity(a: int, b: int) -> float:
        return float(np.count_nonzero(signatures[a] == signatures[b])) / NUM_PERM

    for article_id, published, text in store.articles_for_dedupe():
        grams = shingles(text)
        if not grams:
            continue
        hashed = MinHash(num_perm=NUM_PERM, permutations=permutations)
        hashed.update_batch(grams)
        me = len(ids)
        ids.append(article_id)
        order.append((published is None, published or "", me))
        signatures.append(hashed.hashvalues.astype(np.uint32))  # MinHash values fit in 32 bits
        sets.add()
        raw = signatures[me].tobytes()
        width = len(raw) // BANDS
        candidates: set[int] = set()
        for band, bucket in enumerate(buckets):
            key = raw[band * width:(band + 1) * width]
            held = bucket.get(key)
            if held is None:
                bucket[key] = me
            elif isinstance(held, int):
                candidates.add(held)
                bucket[key] = [held, me]
            else:
                candidates.update(held)
                held.append(me)
        for other in candidates:
            # Sharing a band only proposes a pair; the estimated similarity decides.
            if similarity(me, other) >= threshold:
                sets.union(me, other)

    groups: dict[int, list[int]] = {}
    for member in range(len(ids)):
        groups.setdefault(sets.root(member), []).append(member)
    clusters = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=order.__getitem__)
        canonical = members[0]
        scored = [(ids[m], 1.0 if m == canonical else round(similarity(canonical, m), 3)) for m in members]
        clusters.append((order[canonical], Cluster(ids[canonical], scored)))
    clusters.sort(key=lambda pair: pair[0])
    found = [cluster for _, cluster in clusters]
    store.set_duplicates([(c.canonical, c.members) for c in found])
    return found
