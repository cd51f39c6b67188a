"""Answers of read queries kept while the corpus stays as it is, so a busy page costs one query per change.

The overview, the speakers and the unfiltered events pages aggregate the whole corpus: on
10,000 articles each takes seconds, and fifty readers asking at once would queue behind one
another. `Answers` keeps what a query returned under a key (the query and its arguments),
for as long as the store's generation (`SQLStore.generation`) does not move: an ingest, a
watcher or a story rebuild committing anything empties it, and the next reader computes
afresh. Readers asking for one key at once wait for a single computation instead of each
running it. At most `size` answers are kept, the least recently used going first, so memory
stays bounded however many entities or pages are visited.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_SIZE = 512


class Answers:
    """Query answers by key, dropped together when the generation the caller reads has moved."""

    def __init__(self, generation: Callable[[], object], size: int = DEFAULT_SIZE):
        self.generation = generation
        self.size = size
        self.kept: OrderedDict[Hashable, Any] = OrderedDict()
        self.kept_at: object = None  # the generation the kept answers belong to
        self.lock = threading.Lock()
        self.computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return the answer kept under key, or compute, keep and return it.

        The answer is shared by every caller: it must not be changed after it is returned.
        """
        now = self.generation()
        found, gate = self._lookup(key, now)
        if gate is None:
            return found
        with gate:
            # Another reader may have computed it while this one waited at the gate.
            found, _ = self._lookup(key, now, make_gate=False)
            if found is not _MISSING:
                return found
            try:
                answer = compute()
                with self.lock:
                    if self.kept_at == now:  # not kept when the corpus changed meanwhile
                        self.kept[key] = answer
                        while len(self.kept) > self.size:
                            self.kept.popitem(last=False)
            finally:
                with self.lock:
                    if self.computing.get(key) is gate:
                        del self.computing[key]
            return answer

    def _lookup(self, key: Hashable, now: object, make_gate: bool = True) -> tuple[Any, threading.Lock | None]:
        """Return (the kept answer, None), or (_MISSING, the lock to compute it under)."""
        with self.lock:
            if self.kept_at != now:
                self.kept.clear()
                self.kept_at = now
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key], None
            if not make_gate:
                return _MISSING, None
            return _MISSING, self.computing.setdefault(key, threading.Lock())


_MISSING = object()
