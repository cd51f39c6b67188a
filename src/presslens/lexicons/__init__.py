"""Word lists and patterns as data files. Each file opens with '#' lines saying where its
entries come from; blank lines and '#' lines are skipped when reading."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


def _lines(name: str) -> list[str]:
    text = files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def load_list(name: str) -> tuple[str, ...]:
    """Return the entries of a one-entry-per-line lexicon."""
    return tuple(line.strip() for line in _lines(name))


@cache
def load_table(name: str) -> tuple[tuple[str, ...], ...]:
    """Return the rows of a tab-separated lexicon."""
    return tuple(tuple(cell.strip() for cell in line.split("\t")) for line in _lines(name))
