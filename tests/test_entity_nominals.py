"""Nominal mentions: "the Prime Minister", "the Kremlin leader" resolved to a person."""

from __future__ import annotations

from conftest import entity_named
from entity_stories import STORY


def test_nominal_mention_resolves_to_the_title_bearer(analyze):
    article = analyze(STORY)
    halvorsen = entity_named(article, "Ingrid Halvorsen")
    nominal = [m.text for m in halvorsen.mentions if m.kind == "nominal"]
    assert nominal == ["Prime Minister"]


def test_kremlin_leader_resolves_to_the_russian_president(analyze):
    text = ("Russian President Vladimir Putin met his security chiefs on Monday. "
            "The Kremlin leader then flew to Sochi.")
    article = analyze(text)
    putin = entity_named(article, "Vladimir Putin")
    assert "Kremlin leader" in [m.text for m in putin.mentions if m.kind == "nominal"]
    assert putin.affiliation == "Russia"
