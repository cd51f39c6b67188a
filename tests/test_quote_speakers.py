"""Speakers: the entity a quote's source refers to, or none.

People and places in the texts are invented.
"""

from __future__ import annotations

import pytest

from conftest import document_analyzer, quote_with, speaker_name


@pytest.fixture(scope="module")
def analyze():
    """Return a function running the real pipeline on a text, the model loaded once."""
    return document_analyzer()


def test_pronoun_speaker_resolved_to_previous_person(analyze):
    text = ("Health minister Dorota Welke visited the new clinic in Brask on Monday.\n\n"
            "‘This clinic will serve forty thousand people,’ she said.\n")
    article = analyze(text)
    quote = quote_with(article, "This clinic will serve forty thousand people")
    assert quote.speaker.text == "she"
    assert speaker_name(quote) == "Dorota Welke"
    assert quote.speaker.entity_id is not None


def test_nominal_speaker_institute(analyze):
    text = ("The Halden Institute for Coastal Research published a study on Tuesday.\n\n"
            "Sea levels in the bay rose faster than expected, the institute said.\n")
    article = analyze(text)
    quote = quote_with(article, "Sea levels in the bay rose faster")
    assert quote.speaker.text == "the institute"
    assert "Halden Institute" in speaker_name(quote)


def test_nominal_speaker_minister(analyze):
    text = ("Finance Minister Karl Oderbrink presented the budget on Friday.\n\n"
            "‘There will be no new taxes,’ the minister said.\n")
    article = analyze(text)
    quote = quote_with(article, "There will be no new taxes")
    assert quote.speaker.text == "the minister"
    assert speaker_name(quote) == "Karl Oderbrink"
