"""Demonyms: the country an adjective or noun of nationality points at.

Receives a name such as "Iranian" or "Palestinians"; returns the ISO 3166 code of the
country, from the lexicon ``demonyms.tsv`` first, then from the regular English endings
matched against the gazetteer's country names.
"""

from __future__ import annotations

from functools import cache

from presslens.extract.places.gazetteer import country_code
from presslens.lexicons import load_table

# Demonym endings and what the country's name ends with instead: Iranian -> Iran,
# Lebanese -> Lebanon is in the lexicon, Israeli -> Israel, Kenyan -> Kenya.
_DEMONYM_ENDINGS = (("ians", ""), ("ian", ""), ("ans", "a"), ("an", "a"), ("an", ""), ("is", ""), ("i", ""), ("ese", ""))


@cache
def _demonyms() -> dict[str, str]:
    return {name.casefold(): country for name, country in load_table("demonyms.tsv")}


def demonym_country(name: str) -> str | None:
    """Return the ISO code of the country a demonym ("Iranian", "Palestinians") points at."""
    name = name.strip()
    listed = _demonyms().get(name.casefold())
    if listed:
        return country_code(listed)
    if not name[:1].isupper() or " " in name:
        return None
    for ending, replacement in _DEMONYM_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 3:
            code = country_code(name[: -len(ending)] + replacement)
            if code:
                return code
    return None
