"""Scores event typing on CASE 2021 Task 2 (fine-grained event classification, ACLED sub-event types).

The data set is a folder holding ``events.tsv`` (header ``id  EventSnippet  SubType``): short
news-like snippets, each describing one event, labelled with one of 25 ACLED sub-event types
or five types outside ACLED (ORG_CRIME, NATURAL_DISASTER, MAN_MADE_DISASTER, DIPLO, ATTRIB).

Each snippet goes through the same path as a plain-text article (``RawArticle``,
``build_document``, the full pipeline, batched). Its main event is the one with the highest
salience (the first on a tie); that event's ACLED sub-event type is mapped to the data set's
label, and for events outside ACLED the presslens type is (``natural_disaster`` ->
NATURAL_DISASTER, ``crime`` -> ORG_CRIME, ...). A snippet with no event, or whose main event
has no label in the data set's scheme, counts as a miss (a false negative, no prediction).

Two levels are scored: the sub-event label, and ACLED's six event types (Battles,
Explosions/Remote violence, Violence against civilians, Protests, Riots, Strategic
developments), where each of the five labels outside ACLED stands as a type of its own.
Metrics: micro precision, recall and F1 over snippets (precision counts only snippets with a
prediction), macro F1 (unweighted mean over the gold classes) and weighted F1 (mean weighted
by gold class size, the shared task's headline measure), plus the share of snippets where no
event is found.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import f1, ratio
from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document

# The data set's labels and ACLED's names for the same sub-event types.
LABELS = {
    "ARMED_CLASH": "Armed clash",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "CHEM_WEAP": "Chemical weapon",
    "AIR_STRIKE": "Air/drone strike",
    "SUIC_BOMB": "Suicide bomb",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "GRENADE": "Grenade",
    "SEX_VIOL": "Sexual violence",
    "ATTACK": "Attack",
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "PEACE_PROTEST": "Peaceful protest",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "VIOL_DEMONSTR": "Violent demonstration",
    "MOB_VIOL": "Mob violence",
    "AGREEMENT": "Agreement",
    "ARREST": "Arrests",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "DISR_WEAP": "Disrupted weapons use",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "OTHER": "Other",
}
SUB_EVENT_LABEL = {name: label for label, name in LABELS.items()}
# ACLED's event type of each sub-event type (ACLED codebook).
EVENT_TYPE = {
    **dict.fromkeys(["ARMED_CLASH", "GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"], "Battles"),
    **dict.fromkeys(["CHEM_WEAP", "AIR_STRIKE", "SUIC_BOMB", "ART_MISS_ATTACK", "REM_EXPLOS", "GRENADE"],
                    "Explosions/Remote violence"),
    **dict.fromkeys(["SEX_VIOL", "ATTACK", "ABDUCT_DISSAP"], "Violence against civilians"),
    **dict.fromkeys(["PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST"], "Protests"),
    **dict.fromkeys(["VIOL_DEMONSTR", "MOB_VIOL"], "Riots"),
    **dict.fromkeys(["AGREEMENT", "ARREST", "CHANGE_TO_GROUP_ACT", "DISR_WEAP", "HQ_ESTABLISHED",
                     "PROPERTY_DISTRUCT", "NON_VIOL_TERRIT_TRANSFER", "OTHER"], "Strategic developments"),
}
# presslens types outside ACLED and the data set's labels for them.
OUTSIDE_ACLED = {
    "natural_disaster": "NATURAL_DISASTER",
    "disaster": "MAN_MADE_DISASTER",
    "explosion": "MAN_MADE_DISASTER",
    "crime": "ORG_CRIME",
    "sanction": "DIPLO",
    "expulsion": "DIPLO",
    "diplomatic": "DIPLO",
    "talks": "DIPLO",
    "visit": "DIPLO",
    "recognition": "DIPLO",
    "claim_responsibility": "ATTRIB",
    "accusation": "ATTRIB",
}
BATCH = 64


def read_snippets(path: Path) -> list[tuple[str, str, str]]:
    """Return (id, snippet, label) for each row of events.tsv."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:3]] != ["id", "EventSnippet", "SubType"]:
            raise InputError("is not a CASE 2021 Task 2 file (header id, EventSnippet, SubType)", str(path))
        return [(row[0], row[1], row[2].strip()) for row in reader if len(row) >= 3 and row[1].strip()]


def label_of(event) -> str | None:
    """Return the data set's label for a presslens event, or None when it has none."""
    if event.acled_sub_event_type:
        return SUB_EVENT_LABEL.get(event.acled_sub_event_type)
    return OUTSIDE_ACLED.get(event.type)


def main_event(article):
    """Return the article's most salient event (the first on a tie), or None."""
    labelled = [e for e in article.events if label_of(e) is not None]
    if not labelled:
        return None
    return max(labelled, key=lambda e: (e.salience, -e.trigger.start))


def event_type_of(label: str | None) -> str | None:
    """Return ACLED's event type for a label; labels outside ACLED stand for themselves."""
    if label is None:
        return None
    return EVENT_TYPE.get(label, label)


def evaluate_case2021(path: str | Path, progress: Callable[[int, int], None] | None = None,
                      limit: int | None = None) -> dict:
    """Return micro, macro and weighted F1 of main-event typing at sub-event and event-type level.

    ``progress(done, total)`` is called after each snippet; ``limit`` scores only the first
    snippets (for quick runs while developing).
    """
    from presslens.pipeline import analyze_documents

    folder = Path(path)
    file = folder / "events.tsv" if folder.is_dir() else folder
    if not file.is_file():
        raise InputError("is not a CASE 2021 folder (it needs events.tsv)", str(folder))
    rows = read_snippets(file)
    if limit:
        rows = rows[:limit]
    gold = {row_id: label for row_id, _, label in rows}
    documents = (build_document(RawArticle(id=row_id, content=snippet, is_html=False)) for row_id, snippet, _ in rows)
    predicted: dict[str, str | None] = {}
    for document, article in analyze_documents(documents, batch_size=BATCH):
        event = main_event(article)
        predicted[document.id] = label_of(event) if event is not None else None
        if progress is not None:
            progress(len(predicted), len(rows))
    pairs = [(gold[row_id], predicted.get(row_id)) for row_id, _, _ in rows]
    found_none = sum(1 for row_id, _, _ in rows
                     if predicted.get(row_id) is None)
    return {
        "task": "case2021",
        "metrics": {
            "event_type": scores([(event_type_of(g), event_type_of(p)) for g, p in pairs]),
            "sub_event_type": scores(pairs),
            "no_event_rate": round(found_none / len(rows), 4) if rows else 0.0,
        },
        "snippets": len(rows),
        "confusion": _confusion(pairs),
    }


def scores(pairs: list[tuple[str, str | None]]) -> dict:
    """Return micro P/R/F1, macro F1 and weighted F1 of single-label predictions (None = no prediction)."""
    correct = sum(1 for g, p in pairs if p is not None and g == p)
    made = sum(1 for _, p in pairs if p is not None)
    precision = correct / made if made else 0.0
    recall = correct / len(pairs) if pairs else 0.0
    per_class = {}
    support = Counter(g for g, _ in pairs)
    for label in support:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if p == label and g != label)
        fn = support[label] - tp
        per_class[label] = f1(ratio(tp, tp + fp), ratio(tp, tp + fn))
    total = sum(support.values())
    return {
        "p": round(precision, 4),
        "r": round(recall, 4),
        "f1": round(f1(precision, recall), 4),
        "macro_f1": round(sum(per_class.values()) / len(per_class), 4) if per_class else 0.0,
        "weighted_f1": round(sum(per_class[c] * support[c] for c in per_class) / total, 4) if total else 0.0,
        "per_class": {label: round(value, 4) for label, value in sorted(per_class.items())},
    }



def _confusion(pairs: list[tuple[str, str | None]]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter] = {}
    for g, p in pairs:
        table.setdefault(g, Counter())[p or "(none)"] += 1
    return {g: dict(c.most_common()) for g, c in sorted(table.items())}


def format_case2021(result: dict) -> str:
    """Return the scores as a readable table."""
    metrics = result["metrics"]
    lines = [f"CASE 2021 Task 2 event types ({result['snippets']} snippets)", "",
             f"{'':18}{'P':>8}{'R':>8}{'F1':>8}{'macro':>8}{'weighted':>10}"]
    for key in ("event_type", "sub_event_type"):
        m = metrics[key]
        lines.append(f"{key.replace('_', ' '):18}{m['p'] * 100:8.1f}{m['r'] * 100:8.1f}{m['f1'] * 100:8.1f}"
                     f"{m['macro_f1'] * 100:8.1f}{m['weighted_f1'] * 100:10.1f}")
    lines.append(f"no event found in {metrics['no_event_rate'] * 100:.1f}% of snippets")
    return "\n".join(lines)
