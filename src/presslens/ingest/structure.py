"""Cleaning: raw text or extracted HTML becomes a Document with typed blocks.

Tells headline, paragraphs, bullets, captions and boilerplate apart; removes repeated
captions and blocks (listing each removal); normalises odd whitespace. Quotation marks
and apostrophes are left exactly as written: the quote extractor needs to tell them apart.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import cache

from presslens.ingest.cards import name_cards
from presslens.ingest.document import Document, RawArticle, RawBlock
from presslens.lexicons import load_list
from presslens.record import Block, Removal

SPACE_LIKE = {"\u00a0", "\u2007", "\u202f", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004",
              "\u2005", "\u2006", "\u2008", "\u2009", "\u200a", "\u205f", "\u3000", "\t", "\f", "\v"}
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
# Control and format characters (NUL, bidi overrides, zero-width marks, lone surrogates)
# carry no words; kept, they split tokens mid-name and some stores refuse them (NUL).
DROPPED_CATEGORIES = {"Cc", "Cf", "Cs"}
BULLET = re.compile(r"^(?:[•●▪‣◦∙·■□➢►▸*]|[-–—](?=\s)|\d{1,2}[.)](?=\s))\s*")
TERMINAL = re.compile(r"[.!?…:;]['\"’”»)\]]*$")
QUOTE_FOLD = str.maketrans({c: "'" for c in "‘’‚‛′`´\"“”„‟″«»"})
MIN_DUPLICATE_WORDS = 5
HEADLINE_MAX_WORDS = 30
# A label over a list of links is a few words ("More:", "Related stories"); each link is a
# headline, short and without a closing full stop.
LABEL_MAX_WORDS = 4
LINK_MAX_WORDS = 25
BLOCK_SEPARATOR = "\n\n"


def build_document(raw: RawArticle) -> Document:
    """Return the cleaned Document for a raw article (plain text or HTML)."""
    title, published, source = raw.title, raw.published, raw.source
    language = None
    page_removed = []
    if raw.is_html:
        from presslens.ingest.html import extract_html

        page = extract_html(raw.content, url=source.url)
        raw_blocks = page.blocks
        title = title or page.title
        published = published or page.published
        source = source.model_copy(update={
            "url": source.url or page.url,
            "outlet": source.outlet or page.outlet,
            "author": source.author or page.author,
        })
        language = page.language
        page_removed = page.removed
    else:
        raw_blocks = split_plain_text(raw.content)
    text, blocks, removed, origin = assemble(raw_blocks, title, from_html=raw.is_html)
    if title is None:
        title = next((text[b.start:b.end] for b in blocks if b.kind == "headline"), None)
    # The page's own date comes before a fetch date or a date in a file's name.
    published = published or raw.fallback_date
    # Held as machine integers: a list of Python ints costs about 36 bytes a character of text.
    return Document(id=raw.id, text=text, blocks=blocks, removed=page_removed + removed, title=title,
                    published=published, source=source, language=language, origin=array("q", origin))


def split_plain_text(raw: str) -> list[RawBlock]:
    """Return the blocks of plain text: one per line, or per paragraph when hard-wrapped."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\r\n]+", raw)]
    if _is_hard_wrapped(raw, lines):
        return [RawBlock(m.group(), origin=m.start())
                for m in re.finditer(r"\S(?:.|\n(?![ \t]*\r?\n))*", raw)]
    return [RawBlock(line, origin=start) for start, line in lines if line.strip()]


def _is_hard_wrapped(raw: str, lines: list[tuple[int, str]]) -> bool:
    """Prose wrapped at a fixed width: most lines stop near the same column, mid-sentence."""
    if len(lines) < 6 or "\n\n" not in raw.replace("\r", ""):
        return False
    lengths = [len(line.rstrip()) for _, line in lines if line.strip()]
    widest = max(lengths)
    near_width = sum(1 for n in lengths if n >= widest - 15)
    open_ended = sum(1 for _, line in lines if line.strip() and not TERMINAL.search(line.rstrip()))
    return widest <= 100 and near_width >= len(lengths) / 2 and open_ended >= len(lengths) / 2


def assemble(
    raw_blocks: list[RawBlock], title: str | None = None, from_html: bool = False
) -> tuple[str, list[Block], list[Removal], list[int]]:
    """Return the cleaned text, its blocks, the removals and the char-to-raw offset map.

    Plain text loses every repeat of a block of five words or more (scrapers repeat captions
    and pull-quotes far apart). Main text extracted from HTML is already free of page
    furniture and may repeat on purpose (recipes, lists, table headers), so there only
    repeated captions and a block repeated right after itself are dropped.
    """
    cleaned: list[tuple[str, list[int], str | None]] = []
    removed: list[Removal] = []
    for raw_block in raw_blocks:
        text, origin = normalise_whitespace(raw_block.text, raw_block.origin)
        text, origin = _without_name_cards(text, origin, removed)
        kind = raw_block.kind
        marker = BULLET.match(text)
        if marker and kind in (None, "paragraph") and len(text) > marker.end():
            text, origin, kind = text[marker.end():], origin[marker.end():], "bullet"
        if text:
            cleaned.append((text, origin, kind))

    counts: dict[str, int] = {}
    for text, _, _ in cleaned:
        key = fold(text)
        counts[key] = counts.get(key, 0) + 1

    pieces: list[tuple[str, list[int], str, int | None]] = []
    first_kind: dict[str, str] = {}
    title_key = fold(title) if title else None
    previous_key = None
    under_label = False  # inside the list of links a label such as "More:" or "Related:" leads
    for index, (text, origin, kind) in enumerate(cleaned):
        key = fold(text)
        words = len(text.split())
        if under_label and kind == "bullet" and words <= LINK_MAX_WORDS and not text.endswith("."):
            removed.append(Removal(kind="related_links", text=text))
            continue
        under_label = False
        if not any(c.isalnum() for c in text):  # a rule drawn in characters: "___", "|", "* * *"
            removed.append(Removal(kind="boilerplate", text=text))
            continue
        if kind != "bullet" and is_boilerplate(text):
            removed.append(Removal(kind="boilerplate", text=text))
            under_label = words <= LABEL_MAX_WORDS and (kind == "headline" or text.endswith(":"))
            continue
        if kind is None and looks_like_code(text):
            removed.append(Removal(kind="code", text=text))
            continue
        repeated = key in first_kind and (words >= MIN_DUPLICATE_WORDS or first_kind[key] == "headline")
        if repeated and from_html:
            repeated = first_kind[key] == "caption" or key == previous_key
        previous_key = key
        if repeated:
            removal = "duplicate_caption" if first_kind[key] == "caption" else "duplicate_block"
            removed.append(Removal(kind=removal, text=text))
            continue
        level = None
        if kind is None:
            kind, level = _classify(text, len(pieces), counts[key] > 1, title_key == key)
        elif kind == "headline":
            level = 1 if title_key == key or (index == 0 and title is None) else 2
        first_kind.setdefault(key, kind)
        pieces.append((text, origin, kind, level))

    pieces = _without_heading_runs(pieces, removed)
    if title and title_key not in first_kind:
        text, origin = normalise_whitespace(title, 0)
        origin = [-1] * len(origin)  # the title came from metadata, not from the body
        pieces.insert(0, (text, origin, "headline", 1))

    parts: list[str] = []
    blocks: list[Block] = []
    offsets: list[int] = []
    position = 0
    for number, (text, origin, kind, level) in enumerate(pieces):
        if number:
            parts.append(BLOCK_SEPARATOR)
            gap = offsets[-1] + 1 if offsets else 0
            offsets.extend([gap] * len(BLOCK_SEPARATOR))
            position += len(BLOCK_SEPARATOR)
        parts.append(text)
        offsets.extend(origin[:-1])
        blocks.append(Block(kind=kind, start=position, end=position + len(text), level=level))
        position += len(text)
    offsets.append(offsets[-1] + 1 if offsets else 0)
    return "".join(parts), blocks, removed, offsets


HEADING_RUN = 3


def _without_name_cards(text: str, origin: list[int], removed: list[Removal]) -> tuple[str, list[int]]:
    """Return a block's text and offset map without the name cards left in it ("Jo Doe Joanna
    DoeHeadline… MORE says" is "Jo Doe says"), each listed as removed."""
    cards = name_cards(text)
    if not cards:
        return text, origin
    kept_text, kept_origin, done = [], [], 0
    for start, end in cards:
        removed.append(Removal(kind="hover_card", text=text[start:end].strip()))
        kept_text.append(text[done:start])
        kept_origin.extend(origin[done:start])
        done = end
    kept_text.append(text[done:])
    kept_origin.extend(origin[done:])
    return "".join(kept_text), kept_origin


def _without_heading_runs(pieces: list, removed: list[Removal]) -> list:
    """Return the pieces without runs of three or more subheadings with no text under them: a
    heading opens a section, so headings that only lead to the next are a list of links. The
    last of a run keeps its place when text follows it."""
    kept: list = []
    run: list = []
    for piece in [*pieces, None]:
        if piece is not None and piece[2] == "headline" and piece[3] == 2:
            run.append(piece)
            continue
        textless = run[:-1] if piece is not None and run else run
        if len(textless) >= HEADING_RUN:
            removed.extend(Removal(kind="related_links", text=text) for text, *_ in textless)
            run = run[len(textless):]
        kept.extend(run)
        run = []
        if piece is not None:
            kept.append(piece)
    return kept


def _classify(text: str, index: int, repeated: bool, is_title: bool) -> tuple[str, int | None]:
    words = len(text.split())
    open_ended = not TERMINAL.search(text)
    if is_title or (index == 0 and (open_ended and words <= HEADLINE_MAX_WORDS or is_title_cased_line(text))):
        return "headline", 1
    if repeated and words >= MIN_DUPLICATE_WORDS:
        return "caption", None
    if looks_like_caption(text):
        return "caption", None
    if open_ended and words <= HEADLINE_MAX_WORDS and not text.endswith(","):
        return "headline", 2
    return "paragraph", None


TITLE_CASED_MAX_WORDS = 15
TITLE_CASED_SHARE = 0.75
SENTENCE_INSIDE = re.compile(r"(?<![A-Z])[.!?]['\"’”)]*\s+\S")  # "U.S. Senate" is no sentence break
WORD = re.compile(r"[^\W\d_][\w'’-]*")


def is_title_cased_line(text: str) -> bool:
    """Return True for a short line in title case that ends with a full stop: a title written as a
    sentence ("The Human Face of Coal Power."), which a lede in sentence case never is."""
    if not text.endswith(".") or text.endswith("..") or SENTENCE_INSIDE.search(text):
        return False
    words = WORD.findall(text)
    if not 2 <= len(words) <= TITLE_CASED_MAX_WORDS:
        return False
    minor = _words("title-minor-words.txt")
    major = [w for w in words if w.casefold() not in minor] or words
    capitalised = sum(1 for w in major if w[0].isupper())
    return capitalised >= 2 and capitalised >= TITLE_CASED_SHARE * len(major)


# A style rule ("p { margin: 0 }", ".lede, h2 > a {"), an at-rule, or a run of declarations
# ("font-size: 12px; color: #333;"): text a scraper lifted from a page's stylesheet. Property
# names are lower case and values short, which a sentence with a colon and a semicolon is not.
CSS_RULE = re.compile(r"(?:^|[}\s])(?:@[a-z-]+\b[^{}]*|[#.]?[a-z][\w-]*(?:[\s,>+~:#.\[\]=\"'()\w-]*)?)\s*\{")
CSS_DECLARATION = re.compile(r"(?<![\w-])-{0,2}[a-z][a-z-]*\s*:\s*[^;{}:\s][^;{}:]{0,60}(?:;|(?=\s*}))")
CSS_COVERAGE = 0.8
CSS_TECHNICAL = re.compile(r"^-{0,2}[a-z]+-[a-z-]+\s*:|:.*[\d#(]")


def looks_like_code(text: str) -> bool:
    """Return True when a plain-text line is stylesheet code rather than prose: a rule holding a
    declaration or opening a block, or nothing but two or more `property: value;` declarations."""
    declarations = CSS_DECLARATION.findall(text)
    if "{" in text or "}" in text:
        return bool(declarations) or (text.rstrip().endswith("{") and CSS_RULE.search(text) is not None)
    covered = sum(len(d) for d in declarations)
    # Stylesheets give lengths, colours and hyphenated properties; "roads: repairs;" gives none.
    technical = any(CSS_TECHNICAL.search(d) for d in declarations)
    return len(declarations) >= 2 and technical and covered >= CSS_COVERAGE * len(text.replace(" ", "")) - len(declarations)


@cache
def _words(name: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in load_list(name))


def normalise_whitespace(text: str, start: int) -> tuple[str, list[int]]:
    """Return text with odd spaces made plain, invisible characters dropped and runs collapsed,
    and for each kept character (plus the end) its offset in the raw input."""
    chars: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text, start=start):
        if char in INVISIBLE or (not char.isspace() and _is_control(char)):
            continue
        if char in SPACE_LIKE or char in "\r\n" or (char.isspace() and char != " "):
            char = " "
        if char == " " and (not chars or chars[-1] == " "):
            continue
        chars.append(char)
        origin.append(offset)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    end = origin[-1] + 1 if origin else start
    normal = unicodedata.normalize("NFC", "".join(chars))
    if len(normal) != len(chars):  # composed characters: keep offsets one-to-one
        normal = "".join(chars)
    return normal, origin + [end]


def _is_control(char: str) -> bool:
    if " " <= char < "\x7f":
        return False
    return unicodedata.category(char) in DROPPED_CATEGORIES


def fold(text: str) -> str:
    """Return a key under which two copies of a block compare equal despite quote styles."""
    folded = text.translate(QUOTE_FOLD).casefold().replace("''", "'")
    return re.sub(r"[\W_]+", " ", folded).strip()


@cache
def _patterns(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in load_list(name)), re.IGNORECASE)


def is_boilerplate(text: str) -> bool:
    """Return True when a whole block is page furniture (share links, ads, cookie notices)."""
    return len(text) <= 250 and _patterns("boilerplate.txt").fullmatch(text.strip(" .:|»›>")) is not None


def looks_like_caption(text: str) -> bool:
    """Return True when a block reads like a picture caption (position marker, photo credit)."""
    return _patterns("captions.txt").search(text) is not None
