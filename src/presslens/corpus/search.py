"""The search syntax of the corpus: a query string in, a parsed query out, written for FTS5 or PostgreSQL.

Receives what a user types after `presslens search`, `quotes --about` or the web app's search
box, and returns a tree of terms (`Term`, `Phrase`) joined by `And`, `Or` and `Not`. Each
backend turns the tree into its own full-text query: `fts5` gives a SQLite FTS5 MATCH string,
`tsquery` a PostgreSQL tsquery expression with its parameters. A query that does not parse
raises `QuerySyntaxError`, one sentence saying what is wrong.

The syntax:

    water supply           both words, anywhere (AND is implied)
    "police fire"          the words in this order, next to each other
    polic*                 any word starting with "polic"
    strike OR protest      either word
    strike NOT drone       "strike" without "drone" (NOT needs a term before it)
    (strike OR raid) AND "air base"    parentheses group; AND may be written out

Words match whole words, case and accents ignored. Operators are written in capitals;
in lower case they are words to find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presslens.errors import PresslensError

SYNTAX_HELP = ('words (all required), "a phrase", prefix*, OR, NOT, AND, and parentheses; '
               'e.g. \'"police fire" OR polic* NOT drill\'')
OPERATORS = ("AND", "OR", "NOT")
_TOKEN = re.compile(r'\s*(?:(?P<phrase>"[^"]*"?)|(?P<paren>[()])|(?P<word>[^\s()"]+))')
_WORD_PIECE = re.compile(r"\w+")


class QuerySyntaxError(PresslensError):
    """A search query that does not parse; the message says why, in one sentence."""


@dataclass(frozen=True)
class Term:
    """One word, or the start of words when `prefix`."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must follow one another."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    """`keep` without `drop`: NOT is binary, as in FTS5."""

    keep: object
    drop: object


def parse(text: str):
    """Return the parsed query, or raise QuerySyntaxError saying what is wrong with it."""
    tokens = _tokens(text)
    if not tokens:
        raise QuerySyntaxError(f"the search is empty; type {SYNTAX_HELP}.")
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.peek() is not None:
        kind, value = parser.peek()
        raise QuerySyntaxError(f"unexpected {_shown(kind, value)} in the search; use {SYNTAX_HELP}.")
    return node


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    for match in _TOKEN.finditer(text):
        if match.group("phrase") is not None:
            phrase = match.group("phrase")
            if len(phrase) < 2 or not phrase.endswith('"'):
                raise QuerySyntaxError('a phrase in the search opens with " but is never closed.')
            words = tuple(_WORD_PIECE.findall(phrase[1:-1]))
            if not words:
                raise QuerySyntaxError('a phrase in the search ("") holds no word.')
            tokens.append(("phrase", words))
        elif match.group("paren"):
            tokens.append(("paren", match.group("paren")))
        elif match.group("word"):
            word = match.group("word")
            if word in OPERATORS:
                tokens.append(("op", word))
                continue
            prefix = word.endswith("*")
            pieces = _WORD_PIECE.findall(word.rstrip("*"))
            if "*" in word and (not prefix or len(pieces) != 1 or "*" in word.rstrip("*")):
                raise QuerySyntaxError(f"'{word}' is not a prefix search; put * at the end of one word, as in polic*.")
            if not pieces:
                continue  # punctuation alone is no word to find
            # A word with inner punctuation (U.S., e-mail) is indexed as its pieces in a row.
            tokens.append(("term", Term(pieces[0], prefix)) if len(pieces) == 1 else ("phrase", tuple(pieces)))
    return tokens


def _shown(kind: str, value) -> str:
    if kind == "phrase":
        return '"' + " ".join(value) + '"'
    if kind == "term":
        return f"'{value.word}'"
    return f"'{value}'"


class _Parser:
    """Recursive descent over the tokens: OR binds loosest, then AND (written or implied), then NOT."""

    def __init__(self, tokens: list[tuple[str, object]]):
        self.tokens = tokens
        self.at = 0

    def peek(self):
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.at += 1
        return token

    def expression(self):
        parts = [self.conjunction()]
        while self.peek() == ("op", "OR"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self):
        parts = [self.negation()]
        while (token := self.peek()) is not None and token not in (("op", "OR"), ("paren", ")")):
            if token == ("op", "AND"):
                self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def negation(self):
        node = self.atom()
        while self.peek() == ("op", "NOT"):
            self.take()
            node = Not(node, self.atom())
        return node

    def atom(self):
        token = self.take()
        if token is None:
            raise QuerySyntaxError(f"the search ends where a word was expected; use {SYNTAX_HELP}.")
        kind, value = token
        if kind == "term":
            return value
        if kind == "phrase":
            return Phrase(value)
        if token == ("paren", "("):
            node = self.expression()
            if self.take() != ("paren", ")"):
                raise QuerySyntaxError("a parenthesis in the search opens but is never closed.")
            return node
        if token == ("op", "NOT"):
            raise QuerySyntaxError("NOT needs a term before it, as in 'strike NOT drone'.")
        raise QuerySyntaxError(f"unexpected {_shown(kind, value)} in the search; use {SYNTAX_HELP}.")


def words(node) -> list[str]:
    """Return the words a result should show highlighted: every term and phrase word not under NOT."""
    if isinstance(node, Term):
        return [node.word]
    if isinstance(node, Phrase):
        return list(node.words)
    if isinstance(node, Not):
        return words(node.keep)
    return [w for part in node.parts for w in words(part)]


def fts5(node) -> str:
    """Return the query as an SQLite FTS5 MATCH string: every word quoted, so none is read as an operator."""
    if isinstance(node, Term):
        return f'"{node.word}"' + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Not):
        return f"({fts5(node.keep)} NOT {fts5(node.drop)})"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(fts5(part) for part in node.parts) + ")"


def tsquery(node) -> tuple[str, list[str]]:
    """Return a PostgreSQL tsquery expression for the query and its parameters, in the 'simple' configuration.

    Words go through PostgreSQL's own parser (phraseto_tsquery), as the indexed text did;
    a prefix is a lexeme with :*, quoted so that no character of it is read as an operator.
    """
    if isinstance(node, Term):
        if node.prefix:
            return "to_tsquery('simple', ?)", [f"'{node.word}':*"]
        return "phraseto_tsquery('simple', ?)", [node.word]
    if isinstance(node, Phrase):
        return "phraseto_tsquery('simple', ?)", [" ".join(node.words)]
    if isinstance(node, Not):
        keep, keep_params = tsquery(node.keep)
        drop, drop_params = tsquery(node.drop)
        return f"({keep} && !!{drop})", keep_params + drop_params
    pieces = [tsquery(part) for part in node.parts]
    joiner = " && " if isinstance(node, And) else " || "
    return "(" + joiner.join(sql for sql, _ in pieces) + ")", [p for _, params in pieces for p in params]
