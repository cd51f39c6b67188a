"""Sources become Documents: reading, decoding, main-text extraction and cleaning."""

from presslens.ingest.document import Document, RawArticle
from presslens.ingest.sources import DEFAULT_MAX_BYTES, iter_raw_articles
from presslens.ingest.structure import build_document

__all__ = ["DEFAULT_MAX_BYTES", "Document", "RawArticle", "build_document", "iter_raw_articles"]
