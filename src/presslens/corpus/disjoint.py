"""Disjoint sets of numbered items, for the corpus passes that join items into groups.

Near-duplicate clustering (`dedupe`) and the corpus-wide merge of entities (`merging`) both
join items two at a time and then read off which group each item ended in. Items are numbered
from 0 in the order they were added; a group is named by its lowest number, so the names do
not depend on the order the joins came in.
"""

from __future__ import annotations


class DisjointSets:
    """Items 0..n-1, each at first a group of its own; `union` joins two groups."""

    def __init__(self, size: int = 0):
        self.parent = list(range(size))

    def add(self) -> int:
        """Return the number of a new item, a group of its own."""
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def root(self, item: int) -> int:
        """Return the lowest number of the item's group."""
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        """Join the groups of two items."""
        a, b = self.root(a), self.root(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)
