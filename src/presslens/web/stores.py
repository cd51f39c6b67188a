"""The read-only corpus stores behind the web app, and reconnection when a server drops them.

`Stores` hands each worker thread the store it queries. `ReconnectingRoute` runs a GET route
again, once, on a fresh connection when the database server dropped the old one (PostgreSQL
restarted, a proxy cut an idle link): a reader never sees the restart, and while the server
cannot be reached every page answers 503 with one sentence instead of a traceback.
"""

from __future__ import annotations

import threading

from fastapi import HTTPException, Request
from fastapi.routing import APIRoute

from presslens.corpus.store import SQLStore, open_store
from presslens.errors import PresslensError


class Stores:
    """The read-only stores the worker threads query: one shared by all when the store allows it
    (PostgreSQL), else one per thread (a SQLite connection is not shared across threads), and the
    one store the corpus's generation is read on (the shared one, or a SQLite connection of its own)."""

    def __init__(self, location: str):
        self.location = location
        self.local = threading.local()
        self.shared: SQLStore | None = None
        self.opened: list[SQLStore] = []
        self.lock = threading.Lock()
        self.served = False  # whether a store was ever opened
        self.watcher: SQLStore | None = None  # the one store whose generation is read (see `generation`)
        self.watching = threading.Lock()

    def get(self) -> SQLStore:
        """Return the store this thread reads, opening it on first use."""
        store = self.shared or getattr(self.local, "store", None)
        if store is None:
            store = self._open()
            if store.thread_safe():
                self.shared = store
            else:
                self.local.store = store
        return store

    def _open(self) -> SQLStore:
        try:
            store = open_store(self.location, read_only=True, create=False)
        except PresslensError as error:
            if not self.served:
                raise  # at start-up: the command says why in one sentence
            # Reachable before, not now (a server restarting): the page says so, as a 503.
            raise HTTPException(503, _sentence(error)) from None
        self.served = True
        with self.lock:
            self.opened.append(store)
        return store

    def generation(self) -> object:
        """Return the corpus's generation, always read on one store so that two readings compare."""
        with self.watching:
            if self.watcher is None or self.watcher.db is None:
                self.watcher = self.shared or self._open()
                if self.watcher.thread_safe() and self.shared is None:
                    self.shared = self.watcher  # one connection for all, as `get` would share it
            return self.watcher.generation()

    def drop_lost(self) -> bool:
        """Return True when some store had lost its connection, after forgetting it (the next `get` reconnects)."""
        with self.lock:
            lost = [store for store in self.opened if store.connection_lost()]
            for store in lost:
                self.opened.remove(store)
                store.discard()
                if self.shared is store:
                    self.shared = None
                if self.watcher is store:
                    self.watcher = None
        if getattr(self.local, "store", None) in lost:
            self.local.store = None
        return bool(lost)

    def close(self) -> None:
        with self.lock:
            for store in self.opened:
                store.close()
            self.opened.clear()
            self.shared = self.watcher = None


class ReconnectingRoute(APIRoute):
    """A route that, when its store's connection was lost under it, reconnects and runs once more (GET only)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def handle(request: Request):
            try:
                return await handler(request)
            except Exception:
                stores: Stores | None = getattr(request.app.state, "stores", None)
                # Only a read is run twice; a lost connection is known by the store, not guessed from the error.
                if request.method != "GET" or stores is None or not stores.drop_lost():
                    raise
            return await handler(request)

        return handle


def _sentence(error: PresslensError) -> str:
    text = str(error)
    return text[:1].upper() + text[1:]
