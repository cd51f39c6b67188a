"""Scores event arguments (actor, target, location) on WikiEvents or MEANTIME.

The folder decides the data set: ``dev.jsonl`` (with ``coref/dev.jsonlines``) is WikiEvents,
document-level KAIROS events in conflict news; ``gold_events.jsonl`` with ``txt/`` is
MEANTIME, events with PropBank participants in economic news. Each document goes through the
full pipeline as a plain-text article; gold offsets are carried onto the cleaned text by
aligning the two texts' non-space characters.

A gold event is found when a mention of a presslens event overlaps its trigger; only found
events are scored, each against the arguments of that mention (``event.mentions[i].arguments``:
what the parse ties to that trigger), since the data sets annotate each mention with the
arguments its own sentence gives. A document none of whose events has an argument was not
annotated for arguments (WikiEvents holds one such); its events count for trigger recall only,
since every argument given there would be scored wrong. Gold roles map onto presslens's
arguments by what the argument does in the event, whatever its type:

- WikiEvents: actor = Attacker, Killer, Injurer, Perpetrator, Jailer, Demonstrator (who does
  the harm, the detaining or the protesting); target = Target, Victim, Detainee, Defendant,
  Artifact (whom or what it is done to: the person arrested, charged or released, the thing
  damaged or destroyed); location = Place. Roles of neither side (Participant, Communicator,
  Recipient, Instrument, ExplosiveDevice, Origin, Destination...) are not scored.
- MEANTIME: actor = Arg0, target = Arg1, location = Argm-LOC.

A predicted argument is right when the phrase presslens gives for it, or any mention of the
entity it names, overlaps any mention of the gold argument (WikiEvents: of any mention in its
coreference cluster, the data set's "coref match", which suits presslens's canonical
entities). Per role, precision is over the found events where presslens gives that argument,
recall over the found events whose gold has it; precision is also shown over the found events
whose gold has the role (``p_annotated``). Trigger recall (the share of gold events found) is
reported beside them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path

from presslens.errors import InputError
from presslens.eval.metrics import prf, ratio

ROLES = ("actor", "target", "location")
WIKIEVENTS_ROLES = {
    **dict.fromkeys(["Attacker", "Killer", "Injurer", "Perpetrator", "Jailer", "Demonstrator"], "actor"),
    **dict.fromkeys(["Target", "Victim", "Detainee", "Defendant", "Artifact"], "target"),
    "Place": "location",
}
MEANTIME_ROLES = {"Arg0": "actor", "Arg1": "target", "Argm-LOC": "location"}

Spans = list[tuple[int, int]]


def read_wikievents(path: Path) -> list[dict]:
    """Return each WikiEvents document as {"id", "text", "published", "annotated", "events"}:
    each event a trigger span and, per presslens role, the gold arguments as lists of mention
    spans; `annotated` is False when no event of the document has an argument of any role."""
    clusters: dict[str, list[str]] = {}
    coref = path / "coref" / "dev.jsonlines"
    if coref.is_file():
        for line in coref.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for cluster in json.loads(line)["clusters"]:
                    for member in cluster:
                        clusters[member] = cluster
    documents = []
    for line in _lines(path / "dev.jsonl"):
        raw = json.loads(line)
        text, token_spans = _layout(raw["sentences"])
        mention_spans = {m["id"]: (token_spans[m["start"]][0], token_spans[m["end"] - 1][1])
                         for m in raw["entity_mentions"]}
        events = []
        for gold in raw["event_mentions"]:
            trigger = (token_spans[gold["trigger"]["start"]][0], token_spans[gold["trigger"]["end"] - 1][1])
            roles: dict[str, list[Spans]] = defaultdict(list)
            for argument in gold["arguments"]:
                role = WIKIEVENTS_ROLES.get(argument["role"])
                members = clusters.get(argument["entity_id"], [argument["entity_id"]])
                spans = [mention_spans[m] for m in members if m in mention_spans]
                if role and spans:
                    roles[role].append(spans)
            events.append({"trigger": trigger, "roles": dict(roles)})
        annotated = any(gold["arguments"] for gold in raw["event_mentions"])
        documents.append({"id": raw["doc_id"], "text": text, "published": None, "annotated": annotated,
                          "events": events})
    return documents


def _layout(sentences: list) -> tuple[str, list[tuple[int, int]]]:
    """Return the document text (the headline, a blank line, then paragraphs where the
    original had a gap) and each token's span in it."""
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    previous_end = None
    for number, (tokens, sentence_text) in enumerate(sentences):
        first = tokens[0][1]
        if number:
            gap = "\n\n" if number == 1 or first - previous_end > 1 else " "
            pieces.append(gap)
            length += len(gap)
        for _, start, end in tokens:
            spans.append((length + start - first, length + end - first))
        pieces.append(sentence_text)
        length += len(sentence_text)
        previous_end = tokens[-1][2]
    return "".join(pieces), spans


def read_meantime(path: Path) -> list[dict]:
    """Return each MEANTIME document as {"id", "text", "published", "events"} like read_wikievents."""
    documents = []
    for line in _lines(path / "gold_events.jsonl"):
        raw = json.loads(line)
        text_file = path / "txt" / f"{raw['doc_id']}.txt"
        if not text_file.is_file():
            raise InputError(f"has no txt/{raw['doc_id']}.txt for its gold events", str(path))
        events = []
        for gold in raw["events"]:
            roles: dict[str, list[Spans]] = defaultdict(list)
            for participant in gold.get("participants", []):
                role = MEANTIME_ROLES.get(participant.get("role"))
                if role:
                    roles[role].append([(participant["start"], participant["end"])])
            events.append({"trigger": (gold["start"], gold["end"]), "roles": dict(roles)})
        annotated = any(gold.get("participants") for gold in raw["events"])
        documents.append({"id": raw["doc_id"], "text": text_file.read_text(encoding="utf-8"),
                          "published": raw.get("dct"), "annotated": annotated, "events": events})
    return documents


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError(f"holds no {path.name}", str(path.parent))
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_events(path: Path, progress: Callable | None = None) -> dict:
    """Return argument precision and recall per role, and trigger recall, on the folder."""
    if (path / "dev.jsonl").is_file():
        name, documents = "wikievents", read_wikievents(path)
    elif (path / "gold_events.jsonl").is_file():
        name, documents = "meantime", read_meantime(path)
    else:
        raise InputError("is neither a WikiEvents folder (dev.jsonl) nor a MEANTIME one (gold_events.jsonl)",
                         str(path))
    import presslens

    counts = {role: {"predicted": 0, "correct": 0, "gold": 0, "found": 0, "predicted_annotated": 0}
              for role in ROLES}
    gold_events = found_events = scored_events = 0
    unannotated = sum(not document["annotated"] for document in documents)
    for done, document in enumerate(documents, 1):
        article = presslens.analyze(document["text"], published=document["published"])
        to_article = _alignment(document["text"], article.text)
        mentions = {e.id: [(m.start, m.end) for m in e.mentions] for e in article.entities}
        for gold in document["events"]:
            gold_events += 1
            trigger = _carried(gold["trigger"], to_article)
            mention = next((m for e in article.events for m in e.mentions
                            if trigger and _overlap((m.start, m.end), trigger)), None)
            if mention is None:
                continue
            found_events += 1
            if not document["annotated"]:
                continue
            scored_events += 1
            for role in ROLES:
                golds = [[s for s in (_carried(span, to_article) for span in spans) if s]
                         for spans in gold["roles"].get(role, [])]
                predicted = _predicted_spans(mention, role, mentions)
                hit = any(_overlap(p, g) for spans in golds for g in spans for p in predicted)
                tally = counts[role]
                tally["predicted"] += bool(predicted)
                tally["predicted_annotated"] += bool(predicted) and bool(golds)
                tally["gold"] += bool(golds)
                tally["correct"] += hit
                tally["found"] += hit and bool(golds)
        if progress:
            progress(done, len(documents))
    roles = {role: prf(ratio(c["correct"], c["predicted"]), ratio(c["found"], c["gold"]))
             | {"p_annotated": round(ratio(c["found"], c["predicted_annotated"]), 4),
                "predicted": c["predicted"], "gold": c["gold"]}
             for role, c in counts.items()}
    return {"task": "events", "data": name, "documents": len(documents), "gold_events": gold_events,
            "found_events": found_events, "scored_events": scored_events,
            "unannotated_documents": unannotated,
            "trigger_recall": round(found_events / gold_events, 4) if gold_events else 0.0, "roles": roles}


def _predicted_spans(mention, role: str, mentions: dict[str, Spans]) -> Spans:
    """Return the spans that stand for an event mention's argument: the phrase as written and
    every mention of the entity it names."""
    spans: Spans = []
    entity_ids: set[str | None] = set()
    for argument in mention.arguments:
        if argument.role == role:
            spans.append((argument.start, argument.end))
            entity_ids.add(argument.entity_id)
    for entity_id in entity_ids - {None}:
        spans.extend(mentions.get(entity_id, []))
    return spans


def _alignment(source: str, target: str) -> dict[int, int]:
    """Return, for each non-space character of `source`, its offset in `target` where the two
    texts agree (cleaning changes spacing and may drop boilerplate)."""
    a = [i for i, c in enumerate(source) if not c.isspace()]
    b = [i for i, c in enumerate(target) if not c.isspace()]
    left = "".join(source[i] for i in a)
    right = "".join(target[i] for i in b)
    if left == right:
        return dict(zip(a, b))
    mapping = {}
    for block in SequenceMatcher(None, left, right, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mapping[a[block.a + k]] = b[block.b + k]
    return mapping


def _carried(span: tuple[int, int], mapping: dict[int, int]) -> tuple[int, int] | None:
    start, end = span
    first = next((mapping[i] for i in range(start, end) if i in mapping), None)
    last = next((mapping[i] for i in range(end - 1, start - 1, -1) if i in mapping), None)
    return (first, last + 1) if first is not None and last is not None else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def format_events(result: dict) -> str:
    """Return the figures as a short table."""
    lines = [f"{result['data']}: {result['documents']} documents, {result['gold_events']} gold events, "
             f"{result['found_events']} found by a presslens event (trigger recall {result['trigger_recall']:.3f})",
             f"arguments scored over the {result['scored_events']} found events of the "
             f"{result['documents'] - result['unannotated_documents']} documents annotated with arguments",
             f"{'role':10}{'precision':>10}{'recall':>8}{'F1':>7}{'given':>7}{'gold':>6}"
             f"{'precision where gold has the role':>36}"]
    for role, s in result["roles"].items():
        lines.append(f"{role:10}{s['p']:>10.3f}{s['r']:>8.3f}{s['f1']:>7.3f}{s['predicted']:>7}{s['gold']:>6}"
                     f"{s['p_annotated']:>36.3f}")
    return "\n".join(lines)
