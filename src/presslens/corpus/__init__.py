"""A corpus of articles: the store, ingest, de-duplication, queries and export."""

from presslens.corpus.sqlite import SQLiteStore
from presslens.corpus.store import Store, open_store

__all__ = ["SQLiteStore", "Store", "open_store"]
