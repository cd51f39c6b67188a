"""Main-text extraction from HTML pages: trafilatura finds the article, we keep its structure.

The page's navigation, cookie banners, footers and related links are left to trafilatura;
this module turns the tree it returns into typed RawBlocks (headline, paragraph, bullet,
caption) and reads the page metadata. When trafilatura finds no article, its baseline and
then the plain text of the page body stand in, so a short or odd page still yields text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Document as Extraction

from presslens.errors import InputError
from presslens.ingest.document import RawBlock
from presslens.record import Removal

# Settings chosen on the article-extraction benchmark (see presslens.eval.extraction):
# precision mode leaves out more teasers and link lists than the default balanced mode and
# scored best there; comments are left out as they are not the article.
EXTRACT_OPTIONS = {"include_comments": False, "include_tables": True, "deduplicate": False}
# Precision mode skips trafilatura's own safety nets for short results, and now and then keeps
# one small wrong block. A result this short, covering this little of the page's text, is
# checked against balanced mode, which wins only when it finds clearly more.
SHORT_TEXT = 3000
PAGE_SHARE = 0.2
CLEARLY_MORE = 2.0

# Tags that start a block of their own, and the kind of block they make. Both trafilatura's
# own vocabulary (head, item, quote, row) and HTML's are listed: the fallbacks return HTML.
BLOCK_KINDS = {
    "p": "paragraph", "quote": "paragraph", "blockquote": "paragraph", "code": "paragraph",
    "pre": "paragraph", "row": "paragraph", "tr": "paragraph", "dd": "paragraph",
    "dt": "paragraph", "address": "paragraph",
    "head": "headline", "h1": "headline", "h2": "headline", "h3": "headline",
    "h4": "headline", "h5": "headline", "h6": "headline",
    "item": "bullet", "li": "bullet",
    "caption": "caption", "figcaption": "caption",
}
# trafilatura writes an inline <q> as <quote> and inline code as <code>, like the block forms.
INLINE_IN_TEXT = {"quote", "code", "blockquote", "pre"}
# Tags that only group blocks: their loose text is a paragraph, their tail belongs outside.
CONTAINERS = {
    "body", "doc", "main", "div", "article", "section", "list", "ul", "ol", "dl", "table",
    "tbody", "thead", "tfoot", "figure", "header", "fieldset", "details", "summary",
    "center", "hr",
}
# Never article text. Navigation, sidebars, footers and forms only reach this module when
# the last fallback reads the whole body; trafilatura has dropped them otherwise.
SKIPPED = {
    "script", "style", "noscript", "template", "title", "meta", "link", "graphic",
    "img", "svg", "math", "iframe", "object", "embed", "video", "audio", "canvas", "button",
    "select", "input", "textarea", "nav", "aside", "footer", "form",
}
CELLS = {"cell", "td", "th"}
BREAKS = {"lb", "br"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRAGMENT_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
# A site name is joined to a page title by a spaced separator: "Headline | Site", "Site - Headline".
TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»:]|::)\s+")
TITLE_SEARCH = 3  # the title headline, when the body repeats it, comes before the text
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?=$|[-_])")

# trafilatura logs every discarded page as a warning, which Python prints to stderr when the
# application set up no logging. Here a page without an article is an ordinary outcome,
# reported through the fallback or InputError; an application that configures logging
# still receives the records.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass
class HtmlPage:
    """The article found in an HTML page: its blocks (title excluded) and its metadata."""

    blocks: list[RawBlock] = field(default_factory=list)
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    removed: list[Removal] = field(default_factory=list)  # what was cut from the blocks found


def extract_html(html: str, url: str | None = None) -> HtmlPage:
    """Return the article blocks and metadata of an HTML page; InputError if it has no text."""
    tree = _parse(html)
    if tree is None:
        raise InputError("has no readable article text")
    cards = _drop_hover_cards(tree)
    document = _extract(tree, url)
    page = HtmlPage(url=url, language=_language(tree))
    body = None
    if document is not None:
        page.title = _clean(document.title)
        page.published = document.date if document.date and DATE.fullmatch(document.date) else None
        page.url = url or _clean(document.url)
        page.outlet = _clean(document.sitename)
        page.author = _clean(document.author)
        page.language = page.language or _language_code(document.language)
        body = document.body
    blocks = blocks_from_tree(body) if body is not None else []
    if not blocks:
        blocks = _fallback_blocks(tree)
    if not blocks and (flat := _flattened(html)) is not None:
        blocks = _fallback_blocks(flat)
    blocks, page.title = _without_title(blocks, page.title)
    if not blocks:
        raise InputError("has no readable article text")
    if document is not None and (lede := _missing_lede(blocks, document.description, tree)):
        blocks.insert(0, RawBlock(text=lede, kind="paragraph"))
    page.blocks = blocks
    page.removed = _cards_cut_from(blocks, cards)
    return page


# A hover card: the panel a site shows over a linked name (photo, full name, the person's latest
# stories), present in the page's text though hidden until the pointer rests on the name. Its
# class names say what it is: a rollover, hover, tooltip or popover part that is a block, card
# or box, never the link itself.
HOVER_CARD = re.compile(r"(?:rollover|hover|tooltip|popover|popup)[\w-]*?[-_]?"
                        r"(?:block|card|content|box|panel|body|inner|text|wrap|container)$", re.I)


def _drop_hover_cards(tree: etree._Element) -> list[tuple[str, str]]:
    """Take hover cards out of the page; return each card's (anchor text, card text)."""
    cards = []
    found = [e for e in tree.iter() if isinstance(e.tag, str) and any(HOVER_CARD.search(token) for token in
                                                                          (e.get("class") or "").split())]
    for card in found:
        parent = card.getparent()
        if parent is None or any(ancestor in found for ancestor in card.iterancestors()):
            continue
        text = " ".join(card.text_content().split())
        anchor = " ".join((parent.text_content() or "").replace(card.text_content(), " ", 1).split())
        _remove_keeping_tail(card)
        if text:
            cards.append((anchor, text))
    return cards


def _remove_keeping_tail(element: etree._Element) -> None:
    parent, tail = element.getparent(), element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _cards_cut_from(blocks: list[RawBlock], cards: list[tuple[str, str]]) -> list[Removal]:
    """Return the removals of the hover cards whose linked name is in the article's text."""
    text = " ".join(" ".join(b.text.split()) for b in blocks)
    return [Removal(kind="hover_card", text=card) for anchor, card in cards if anchor and anchor in text]


LEDE_MIN_WORDS = 12
SENTENCE_END = re.compile(r"[.!?]['\"’”)]*$")


def _missing_lede(blocks: list[RawBlock], description: str | None, tree: etree._Element) -> str | None:
    """Return the page's lede when the extraction left it out, else None.

    The lede is the summary a page shows as the article's opening and repeats as its
    description: a full sentence or more, printed in the page right before the first block
    found, nothing between them. A standfirst set apart by a byline, date or picture, a
    description that is only metadata, or a teaser cut short, is not one.
    """
    lede = " ".join((description or "").split())
    if len(lede.split()) < LEDE_MIN_WORDS or not SENTENCE_END.search(lede):
        return None
    # Its opening words already in the text: the lede is there, maybe worded a little apart.
    opening = _key(" ".join(lede.split()[:LEDE_MIN_WORDS]))
    if any(opening in _key(block.text) for block in blocks):
        return None
    page = " ".join(_page_text(tree).split())
    where, first = page.find(lede), page.find(" ".join(blocks[0].text.split())[:80])
    return lede if 0 <= where and first >= 0 and not page[where + len(lede):first].strip() else None


def blocks_from_tree(root: etree._Element) -> list[RawBlock]:
    """Return the typed blocks of an extracted tree (trafilatura's XML or plain HTML)."""
    collector = _Collector()
    collector.walk(root, "paragraph")
    collector.flush()
    return collector.blocks


class _Collector:
    """Gathers inline text into the block that is open and closes it at block boundaries."""

    def __init__(self) -> None:
        self.blocks: list[RawBlock] = []
        self.parts: list[str] = []
        self.kind = "paragraph"

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def flush(self) -> None:
        text = "".join(self.parts).strip()
        self.parts = []
        if text:
            self.blocks.append(RawBlock(text=text, kind=self.kind))

    def walk(self, element: etree._Element, kind: str, in_text: bool = False) -> None:
        # Recursive on purpose: lxml's HTML parser caps nesting at 255 levels, well inside
        # Python's recursion limit, so deeply nested hostile pages cannot overflow it.
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if not tag or tag in SKIPPED:  # comments, processing instructions, media, scripts
            self.add(element.tail)
            return
        if tag in BREAKS:
            self.add("\n")
            self.add(element.tail)
            return
        block_kind = BLOCK_KINDS.get(tag)
        if in_text and tag in INLINE_IN_TEXT:
            block_kind = None  # a short quotation or code span inside a sentence
        if block_kind is None and tag not in CONTAINERS:
            if tag in CELLS and element.getprevious() is not None:
                self.add(" | ")  # keep cells of a row apart, as trafilatura's text output does
            self.add(element.text)
            for child in element:
                self.walk(child, kind, in_text)
            self.add(element.tail)
            return
        inner = block_kind or kind
        self.flush()
        self.kind = inner
        self.add(element.text)
        for child in element:
            self.walk(child, inner, block_kind is not None)
        self.flush()
        self.kind = kind
        self.add(element.tail)


def _parse(html: str) -> etree._Element | None:
    """Return the parsed page, or None when nothing in it parses as HTML."""
    if not isinstance(html, str) or not html.strip():
        return None
    if not html.isascii():
        # Lone surrogates (from text decoded with surrogateescape) make lxml stop reading
        # at the first one; a replacement character keeps the rest of the page.
        html = html.encode("utf-8", "replace").decode("utf-8")
    try:
        # trafilatura's own loader: its extraction was tuned on trees parsed this way (comments
        # dropped, faulty markup repaired), so handing it any other tree changes the result.
        tree = trafilatura.load_html(html)
    except Exception:  # noqa: BLE001 - a third-party parser on hostile input; retried below
        tree = None
    if tree is not None:
        return tree
    # The loader rejects fragments and odd starts; lxml alone still reads those.
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    try:
        return lxml_html.document_fromstring(html, parser=FRAGMENT_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None


def _extract(tree: etree._Element, url: str | None) -> Extraction | None:
    """Return trafilatura's extraction of the page (precision mode unless it misses), or None."""
    precise = _bare_extraction(tree, url, favor_precision=True)
    length = len(precise.text or "") if precise is not None else 0
    if length >= SHORT_TEXT or length >= PAGE_SHARE * len(_page_text(tree)):
        return precise
    balanced = _bare_extraction(tree, url, favor_precision=False)
    if balanced is not None and len(balanced.text or "") > CLEARLY_MORE * length:
        return balanced
    return precise


def _bare_extraction(tree: etree._Element, url: str | None, favor_precision: bool) -> Extraction | None:
    try:
        return trafilatura.bare_extraction(tree, url=url, with_metadata=True,
                                           favor_precision=favor_precision, **EXTRACT_OPTIONS)
    except Exception:  # noqa: BLE001
        # A hostile page may trip any part of a third-party extractor (recursion, lxml
        # errors, date parsing); the fallbacks still give the reader its text.
        return None


def _page_text(tree: etree._Element) -> str:
    try:
        return trafilatura.html2txt(tree)
    except Exception:  # noqa: BLE001 - same reason as in _bare_extraction
        return ""


# Tags that only wrap blocks or style text: taken out of a page nested too deep for the
# parser, the wrappers becoming paragraph breaks.
WRAPPER_TAG = re.compile(r"</?(?:div|section|article|main|center|blockquote|ul|ol|li|table|tr|td)\b[^>]*>", re.I)
STYLE_TAG = re.compile(r"</?(?:span|font|b|i|u|em|strong|small|big|a|abbr|cite|mark|sub|sup|s|strike|tt|ins|del)\b[^>]*>",
                       re.I)


def _flattened(html: str) -> etree._Element | None:
    """Return the page parsed with its wrapping and styling tags taken out, or None for a
    page too short to be deep: libxml2 drops everything nested past its depth limit."""
    if html.count("<") < 255:
        return None
    flat = WRAPPER_TAG.sub("<p>", STYLE_TAG.sub("", html))
    try:
        return lxml_html.document_fromstring(flat, parser=FRAGMENT_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None


def _fallback_blocks(tree: etree._Element) -> list[RawBlock]:
    """Return blocks from trafilatura's baseline, else from the whole body's visible text."""
    try:
        body, _, _ = trafilatura.baseline(tree)
        blocks = blocks_from_tree(body)
    except Exception:  # noqa: BLE001 - same reason as in _extract
        blocks = []
    if blocks:
        return blocks
    body = tree.find(".//body")
    if body is None:
        body = tree
    try:
        return blocks_from_tree(body)
    except (RecursionError, ValueError):
        return []


def _without_title(blocks: list[RawBlock], title: str | None) -> tuple[list[RawBlock], str | None]:
    """Return the blocks without the page's title headline, and the title to use.

    build_document adds the title back as the level-1 headline. When the headline in the page
    is the metadata title minus a site name ("Headline | Site"), the headline's wording wins.
    """
    if not title or not blocks:
        return blocks, title
    # The headline is the longest part of "Headline | Site"; a site name alone never matches.
    headline = max(TITLE_SEPARATOR.split(title), key=len)
    keys = {_key(title), _key(headline)} - {""}
    for index, block in enumerate(blocks[:TITLE_SEARCH]):
        if block.kind == "headline" and _key(block.text) in keys:
            return blocks[:index] + blocks[index + 1:], block.text.strip()
    return blocks, title


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None


def _language(tree: etree._Element) -> str | None:
    """Return the page's declared language as a two- or three-letter code, or None."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for meta in tree.iterfind(".//meta[@http-equiv]"):
            if (meta.get("http-equiv") or "").lower() == "content-language":
                declared = meta.get("content")
                break
    return _language_code(declared)


def _language_code(value: str | None) -> str | None:
    match = LANGUAGE.match(value.strip()) if value else None
    return match.group().lower() if match else None
