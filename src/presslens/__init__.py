"""presslens: who said what, who did what to whom, where, when, with what numbers and in what words."""

from __future__ import annotations

from presslens.record import SCHEMA_VERSION, Article

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "Article", "analyze", "__version__"]


def analyze(text_or_html: str, *, model: str | None = None, title: str | None = None,
            published: str | None = None, url: str | None = None) -> Article:
    """Return the Article record of one article given as plain text or HTML."""
    from presslens.errors import InputError
    from presslens.ingest.document import RawArticle
    from presslens.ingest.identity import article_id, identity_address
    from presslens.ingest.sources import looks_like_html
    from presslens.pipeline import analyze_stream
    from presslens.record import Source

    if not text_or_html or not text_or_html.strip():
        raise InputError("the article is empty")
    is_html = looks_like_html(text_or_html)
    raw = RawArticle(id=article_id(text_or_html, url=identity_address(text_or_html, is_html, url)),
                     content=text_or_html, is_html=is_html, title=title, published=published,
                     source=Source(url=url))
    [result] = list(analyze_stream([raw], model=model, batch_size=1))
    if isinstance(result, InputError):
        raise result
    return result
