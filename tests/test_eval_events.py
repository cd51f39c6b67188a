"""The argument scorer of `presslens eval events`, on a WikiEvents-shaped folder written for these tests."""

from __future__ import annotations

import json

import pytest

from presslens.errors import InputError
from presslens.eval.events import _alignment, _layout, evaluate_events, read_wikievents

HEADLINE = ["Militants", "attack", "base"]
BODY = ["Militants", "attacked", "an", "army", "base", "in", "Kunduz", "."]


def sentence(tokens: list[str], start: int) -> list:
    spans, position = [], start
    for token in tokens:
        spans.append([token, position, position + len(token)])
        position += len(token) + 1
    text = " ".join(tokens).replace(" .", ".")
    spans[-1][1:] = [spans[-1][1] - 1, spans[-1][2] - 1] if tokens[-1] == "." else spans[-1][1:]
    return [spans, text]


@pytest.fixture
def folder(tmp_path):
    document = {
        "doc_id": "d1", "tokens": HEADLINE + BODY, "text": "",
        "sentences": [sentence(HEADLINE, 0), sentence(BODY, 30)],
        "entity_mentions": [
            {"id": "T1", "sent_idx": 1, "start": 3, "end": 4, "entity_type": "PER", "text": "Militants"},
            {"id": "T2", "sent_idx": 1, "start": 7, "end": 8, "entity_type": "FAC", "text": "base"},
            {"id": "T3", "sent_idx": 1, "start": 9, "end": 10, "entity_type": "GPE", "text": "Kunduz"}],
        "relation_mentions": [],
        "event_mentions": [{"id": "E1", "event_type": "Conflict.Attack.Unspecified",
                            "trigger": {"start": 4, "end": 5, "text": "attacked", "sent_idx": 1},
                            "arguments": [{"entity_id": "T1", "role": "Attacker", "text": "Militants"},
                                          {"entity_id": "T2", "role": "Target", "text": "base"},
                                          {"entity_id": "T3", "role": "Place", "text": "Kunduz"}]}]}
    (tmp_path / "dev.jsonl").write_text(json.dumps(document) + "\n", encoding="utf-8")
    return tmp_path


def test_layout_keeps_each_token_at_its_offsets(folder):
    [document] = read_wikievents(folder)
    assert document["text"].startswith("Militants attack base\n\nMilitants attacked")
    text, spans = _layout(json.loads((folder / "dev.jsonl").read_text())["sentences"])
    assert [text[s:e] for s, e in spans] == HEADLINE + BODY


def test_alignment_survives_changed_spacing():
    mapping = _alignment("a  b\n\nc", "a b c")
    assert mapping == {0: 0, 3: 2, 6: 4}


def test_arguments_of_a_found_event_are_scored_by_role(folder):
    result = evaluate_events(folder)
    assert result["gold_events"] == 1 and result["found_events"] == 1
    for role in ("actor", "target", "location"):
        assert result["roles"][role]["r"] == 1.0, role


def test_a_folder_of_neither_kind_is_refused(tmp_path):
    with pytest.raises(InputError):
        evaluate_events(tmp_path)


def test_a_document_annotated_with_no_argument_counts_for_triggers_only(folder):
    lines = (folder / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    bare = json.loads(lines[0])
    bare["doc_id"] = "d2"
    bare["event_mentions"][0]["arguments"] = []
    (folder / "dev.jsonl").write_text("\n".join([lines[0], json.dumps(bare)]) + "\n", encoding="utf-8")
    result = evaluate_events(folder)
    assert result["found_events"] == 2 and result["scored_events"] == 1
    assert result["unannotated_documents"] == 1
    # The arguments given in the unannotated document are not counted as wrong.
    for role in ("actor", "target", "location"):
        assert result["roles"][role]["p"] == 1.0, role


def test_roles_map_by_what_the_argument_does_in_the_event():
    from presslens.eval.events import WIKIEVENTS_ROLES

    assert WIKIEVENTS_ROLES["Demonstrator"] == "actor"
    assert WIKIEVENTS_ROLES["Defendant"] == "target"
    # Who speaks to whom, or with what, is neither who did it nor to whom.
    for role in ("Participant", "Communicator", "Recipient", "Instrument", "ExplosiveDevice"):
        assert role not in WIKIEVENTS_ROLES
