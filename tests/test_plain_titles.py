"""Plain-text titles: a title-cased first line ending with a full stop is the title; stylesheet lines never are."""

from __future__ import annotations

import pytest

from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document

BODY = ("The mine outside Harlow Creek employs four hundred people, and the town's mayor says most "
        "families there depend on it in one way or another.")


def _document(text: str):
    return build_document(RawArticle(id="t", content=text))


@pytest.mark.parametrize("first", ["The Human Face of Coal Power.", "Mayor of Harlow Creek Resigns.",
                                   "U.S. Senate Passes Mine Safety Bill."])
def test_a_title_cased_first_line_ending_with_a_full_stop_is_the_title(first):
    document = _document(f"{first}\n\n{BODY}\n")
    assert document.title == first
    assert document.blocks[0].kind == "headline" and document.blocks[0].level == 1


@pytest.mark.parametrize("first", ["Police arrested two miners in Harlow Creek on Tuesday.",
                                   "The Mayor Spoke. Then the Council Voted."])
def test_a_first_sentence_in_sentence_case_stays_a_paragraph(first):
    document = _document(f"{first}\n\n{BODY}\n")
    assert document.title is None
    assert document.blocks[0].kind == "paragraph"


@pytest.mark.parametrize("css", [".story-body p { font-size: 1.1rem; line-height: 1.6 }",
                                 "@media screen and (max-width: 640px) {",
                                 "font-family: Georgia, serif; margin: 0 auto; color: #222;"])
def test_stylesheet_lines_are_removed_and_never_a_title(css):
    document = _document(f"{css}\nCoal Town Waits for News\n\n{BODY}\n")
    assert document.title == "Coal Town Waits for News"
    assert css not in document.text
    assert [(r.kind, r.text) for r in document.removed] == [("code", css)]


def test_prose_with_colons_and_semicolons_is_not_code():
    line = "The agenda: schools first; then roads: repairs, and the budget; nothing else."
    document = _document(f"Council Agenda\n\n{line}\n")
    assert line in document.text and not document.removed
