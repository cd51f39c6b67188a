"""The TempEval-3 scorer of `presslens eval timex`, on a folder and tags written for these tests."""

from __future__ import annotations

import json

import pytest

from presslens.cli import main
from presslens.errors import InputError
from presslens.eval.timex import evaluate_timex, read_gold, score

TEXT = "Shares fell on Monday and rose for three days."


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "d1.txt").write_text(TEXT, encoding="utf-8")
    gold = {"doc_id": "d1", "dct": "2024-05-10", "timexes": [
        {"start": 15, "end": 21, "text": "Monday", "type": "DATE", "value": "2024-05-06"},
        {"start": 35, "end": 45, "text": "three days", "type": "DURATION", "value": "P3D"}]}
    (tmp_path / "gold_timex.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    return tmp_path


def test_strict_relaxed_and_value_scores(folder):
    documents = read_gold(folder)
    predicted = [[{"start": 12, "end": 21, "type": "DATE", "value": "2024-05-06"},  # "on Monday": relaxed only
                  {"start": 35, "end": 45, "type": "DURATION", "value": "P2D"},  # right span, wrong value
                  {"start": 0, "end": 6, "type": "DATE", "value": "2024"}]]  # not a time
    result = score(documents, predicted)
    assert result["strict"]["precision"] == pytest.approx(1 / 3)
    assert result["strict"]["recall"] == pytest.approx(1 / 2)
    assert result["relaxed"]["recall"] == 1.0
    assert result["value_accuracy"] == 0.5
    assert result["value_f1"] == pytest.approx(round(0.8 * 0.5, 4))


def test_presslens_on_the_folder(folder):
    result = evaluate_timex(folder)
    assert result["relaxed"]["f1"] == 1.0 and result["value_accuracy"] == 1.0


def test_a_folder_without_gold_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(InputError):
        read_gold(tmp_path)
    assert main(["eval", "timex", str(tmp_path)]) == 2
    assert "gold_timex.jsonl" in capsys.readouterr().err
