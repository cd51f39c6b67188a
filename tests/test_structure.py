"""Cleaning: blocks told apart, repeated captions removed and listed, offsets kept honest."""

from __future__ import annotations

from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document

ARTICLE = """Minister quits after ‘chaotic’ flood response

The minister’s resignation came late on Tuesday, after days of criticism.

  • Two towns remain cut off.
  • Rail services are suspended.
Rescue workers carry sandbags along the river bank in Oldport

Rescue workers carry sandbags along the river bank in Oldport

Volunteers fill sandbags at the town hall (left) on Monday

Volunteers fill sandbags at the town hall (left) on Monday

Advertisement

‘We were left alone,’ said one resident.\u00a0 The council said it would review its plans.
"""


def _document(text=ARTICLE):
    return build_document(RawArticle(id="t", content=text))


def _kinds(document):
    return [(b.kind, document.text[b.start:b.end]) for b in document.blocks]


def test_headline_bullets_captions_and_paragraphs_are_told_apart():
    document = _document()
    kinds = _kinds(document)
    assert kinds[0] == ("headline", "Minister quits after ‘chaotic’ flood response")
    assert ("bullet", "Two towns remain cut off.") in kinds
    assert ("bullet", "Rail services are suspended.") in kinds
    assert ("caption", "Rescue workers carry sandbags along the river bank in Oldport") in kinds
    assert document.title == "Minister quits after ‘chaotic’ flood response"


def test_duplicated_captions_are_removed_once_and_listed():
    document = _document()
    assert document.text.count("Rescue workers carry sandbags") == 1
    assert document.text.count("Volunteers fill sandbags") == 1
    removed = [r for r in document.removed if r.kind == "duplicate_caption"]
    assert len(removed) == 2


def test_captions_repeated_with_other_quote_styles_are_still_duplicates():
    text = ("Town marks mill anniversary\n\n"
            "Police guard the ‘Old Mill’ gate before the ceremony\n\n"
            "Police guard the 'Old Mill' gate before the ceremony\n\n"
            "The ceremony went ahead as planned on Sunday afternoon.\n")
    document = _document(text)
    assert document.text.count("Police guard") == 1
    assert document.removed[0].kind == "duplicate_caption"


def test_boilerplate_lines_are_removed_and_listed():
    document = _document()
    assert "Advertisement" not in document.text
    assert any(r.kind == "boilerplate" and r.text == "Advertisement" for r in document.removed)


def test_odd_whitespace_is_normalised_but_quote_marks_are_kept():
    document = _document()
    assert "\u00a0" not in document.text
    assert "resident. The council" in document.text
    assert "‘We were left alone,’" in document.text
    assert "minister’s" in document.text


def test_every_block_offset_points_into_text_and_back_to_the_raw_input():
    document = _document()
    for block in document.blocks:
        piece = document.text[block.start:block.end]
        assert piece == piece.strip() and piece
        raw_start = document.raw_offset(block.start)
        assert ARTICLE[raw_start:raw_start + 5] == piece[:5] or piece.startswith(("Two", "Rail"))


def test_hard_wrapped_paragraphs_are_joined():
    text = ("The committee published its report on the harbour expansion today and\n"
            "recommended that the second phase be delayed until the environmental survey\n"
            "has been completed and reviewed by independent experts from the university.\n\n"
            "Local businesses welcomed the decision but warned that further delays would\n"
            "cost jobs in the fishing and tourism sectors, which depend on the harbour for\n"
            "most of their trade during the summer months and the autumn festival season.\n")
    document = _document(text)
    paragraphs = [b for b in document.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == 2
    assert "today and recommended" in document.text


def test_subheadings_inside_the_body_are_marked_level_two():
    text = ("Storm batters coast\n\nWaves flooded the promenade overnight.\n\n"
            "Clean-up begins in harbour district\n\nCrews began clearing debris at dawn.\n")
    document = _document(text)
    levels = [(b.kind, b.level) for b in document.blocks]
    assert levels == [("headline", 1), ("paragraph", None), ("headline", 2), ("paragraph", None)]
