"""Clusters: the mentions of one referent grouped together.

Receives labelled ``FoundMention`` drafts; returns ``Cluster`` groups, merging spellings
("Nato"/"NATO"), aliases, surnames with the one full name they fit ("Putin") and acronyms
with their long forms ("ISW"), then adds the later occurrences the model did not tag.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from presslens.extract.entities.labels import PLACE_LABELS
from presslens.extract.entities.lexicon import aliases
from presslens.extract.entities.mentions import FoundMention
from presslens.nlp import text_of


@dataclass
class Cluster:
    label: str
    mentions: list[FoundMention] = field(default_factory=list)
    canonical: str | None = None  # fixed by the alias lexicon, else chosen from the mentions

    @property
    def forms(self) -> list[str]:
        return [m.text for m in self.mentions if m.kind == "name"]


def _key(text: str) -> str:
    """Return the string under which two spellings of one name compare equal."""
    canonical = aliases().get(text.casefold())
    if canonical:
        text = canonical
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"[.\s\-‐–]+", " ", text).strip().casefold()


def cluster_mentions(mentions: list[FoundMention]) -> list[Cluster]:
    by_key: dict[tuple[str, str], Cluster] = {}
    clusters: list[Cluster] = []
    for mention in mentions:
        group = _group(mention.label)
        key = (group, _key(mention.text))
        if group == "NORP":
            key = (group, key[1].removesuffix("s"))
        cluster = by_key.get(key)
        if cluster is None:
            cluster = Cluster(label=mention.label, canonical=aliases().get(mention.text.casefold()))
            by_key[key] = cluster
            clusters.append(cluster)
        cluster.mentions.append(mention)
    clusters = _merge_surnames(clusters)
    return _merge_acronyms(clusters)


def _group(label: str) -> str:
    """Return the family of labels within which one name may refer to one referent."""
    return "PLACE" if label in PLACE_LABELS else label


def _merge_surnames(clusters: list[Cluster]) -> list[Cluster]:
    """Attach "Putin" to "Vladimir Putin" (and "Mr Putin"), when only one full name fits."""
    people = [c for c in clusters if c.label == "PERSON"]
    full = [c for c in people if any(" " in f for f in c.forms)]
    merged: set[int] = set()
    for cluster in people:
        if any(" " in f for f in cluster.forms):
            continue
        word = cluster.forms[0].casefold()
        fits = [c for c in full if any(f.split()[-1].casefold() == word for f in c.forms)]
        if not fits:
            fits = [c for c in full if any(f.split()[0].casefold() == word for f in c.forms)]
        if len(fits) == 1:
            fits[0].mentions.extend(cluster.mentions)
            merged.add(id(cluster))
    return [c for c in clusters if id(c) not in merged]


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


def _merge_acronyms(clusters: list[Cluster]) -> list[Cluster]:
    """Attach "ISW" to "Institute for the Study of War" when the initials match."""
    long_forms: dict[str, Cluster] = {}
    for cluster in clusters:
        if cluster.label == "ORG":
            for form in cluster.forms:
                if " " in form:
                    long_forms.setdefault(_initials(form), cluster)
    merged: set[int] = set()
    for cluster in clusters:
        if cluster.label != "ORG" or id(cluster) in merged:
            continue
        acronym = cluster.forms[0].replace(".", "") if cluster.forms else ""
        target = long_forms.get(acronym) if acronym.isupper() and len(acronym) >= 2 else None
        if target is not None and target is not cluster:
            target.mentions.extend(cluster.mentions)
            merged.add(id(cluster))
    return [c for c in clusters if id(c) not in merged]


def add_missed_mentions(clusters: list[Cluster], doc: Doc) -> None:
    """Find every further occurrence of a cluster's names that the model did not tag."""
    taken = [(m.start, m.end) for c in clusters for m in c.mentions]
    forms: dict[str, Cluster] = {}
    for cluster in clusters:
        names = set(cluster.forms)
        if cluster.label == "PERSON":
            names.update(f.split()[-1] for f in cluster.forms if " " in f)
        for name in names:
            if len(name) >= 3 and name[0].isupper():
                forms.setdefault(name, cluster)
    if not forms:
        return
    token_starts = {t.idx: t for t in doc}
    text = text_of(doc)
    # One mark per character already in a mention: a linear check, however many there are.
    occupied = bytearray(len(text) + 1)
    for start, end in taken:
        occupied[start:end] = b"\x01" * len(occupied[start:end])
    for start, end in occurrences(text, list(forms)):
        if start not in token_starts or occupied.find(1, start, end) != -1:
            continue
        token = token_starts[start]
        found = text[start:end]
        cluster = forms[found]
        cluster.mentions.append(FoundMention(start, end, found, cluster.label, token))
        occupied[start:end] = b"\x01" * (end - start)


WORD_START = re.compile(r"(?<![\w-])(?=\w)")
WORD_GOES_ON = re.compile(r"[\w-]")


def occurrences(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Return where the forms (of at least three characters) occur as whole words, in text
    order and not overlapping, the longest form first where several start at one place.

    What one regular expression of all the forms would find, but the forms are looked up by
    their first three characters at each word start: such an expression tries every form at
    every position, and a long text has thousands of names."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for form in sorted(forms, key=len, reverse=True):
        by_prefix[form[:3]].append(form)
    found: list[tuple[int, int]] = []
    resume = 0
    for start in (m.start() for m in WORD_START.finditer(text)):
        if start < resume:
            continue
        for form in by_prefix.get(text[start:start + 3], ()):
            end = start + len(form)
            if text.startswith(form, start) and not WORD_GOES_ON.match(text, end):
                found.append((start, end))
                resume = end
                break
    return found
