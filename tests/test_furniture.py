"""Page furniture inside a page's article: share prompts, teasers, link lists and hover cards are
removed and listed in `removed`; the lede stays."""

from __future__ import annotations

from presslens.ingest.document import RawArticle
from presslens.ingest.structure import build_document

PARAGRAPHS = [
    "The harbour board in Kestrel Bay voted on Tuesday to rebuild the north pier before the winter "
    "storms arrive, after two ferries were damaged there in the spring gales.",
    "Work is due to start in March and will close the ferry terminal for six weeks, the board said "
    "in a statement released after a meeting that ran late into the evening.",
    "Local traders said the closure would hurt the busiest weeks of the tourist season, and asked the "
    "board to keep one berth open for the island boats while the work goes on.",
]


def _page(inside: str, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + inside + f"<p>{PARAGRAPHS[2]}</p>"
    return (f"<html><head><title>Pier to be rebuilt</title>{head}</head><body><article>"
            f"<h1>Pier to be rebuilt</h1>{body}</article></body></html>")


def _document(html: str):
    return build_document(RawArticle(id="p", content=html, is_html=True))


def test_share_prompts_teasers_and_wire_credits_are_removed_and_listed():
    lines = ["Story highlights",
             "Like this story? Share it with a friend!",
             "Also on bay-courier.example Island ferry fares to rise in May",
             "SOURCE: News agencies"]
    document = _document(_page("".join(f"<p>{line}</p>" for line in lines)))
    for line in lines:
        assert line not in document.text
    assert [r.text for r in document.removed if r.kind == "boilerplate"] == lines
    for paragraph in PARAGRAPHS:
        assert paragraph in document.text


def test_a_labelled_list_of_links_is_removed_with_its_label():
    links = "".join(f'<li><a href="/news/{n}">{title}</a></li>' for n, title in
                    enumerate(["Ferry firm posts record summer", "Storm damage bill reaches two million"]))
    document = _document(_page(f"<h3>More:</h3><ul>{links}</ul>"))
    assert "Ferry firm posts record summer" not in document.text and "More:" not in document.text
    assert ("boilerplate", "More:") in {(r.kind, r.text) for r in document.removed}
    assert PARAGRAPHS[2] in document.text
    # The same list in a page saved as text, where no extractor has weighed the links.
    text = "\n\n".join(["Pier to be rebuilt", *PARAGRAPHS[:2], "More:", "- Ferry firm posts record summer",
                         "- Storm damage bill reaches two million", PARAGRAPHS[2]])
    document = build_document(RawArticle(id="t", content=text))
    assert [(r.kind, r.text) for r in document.removed] == [
        ("boilerplate", "More:"), ("related_links", "Ferry firm posts record summer"),
        ("related_links", "Storm damage bill reaches two million")]
    assert PARAGRAPHS[2] in document.text


def test_a_bulleted_list_after_a_paragraph_stays():
    items = "<ul><li>the north pier</li><li>the lifeboat slipway</li></ul>"
    document = _document(_page(f"<p>The plan covers two structures:</p>{items}"))
    assert "the lifeboat slipway" in document.text and not document.removed


def test_a_hover_card_on_a_linked_name_is_removed_and_the_name_kept():
    card = ('The board chair, <span class="person"><a href="/people/ines-moravec">Ines Moravec</a>'
            '<span class="person-hovercard"><img src="m.jpg"><a href="/people/ines-moravec">Ines Moravec</a>'
            '<a href="/news/99">Harbour fees frozen for a third year</a></span></span>, said the vote was unanimous.')
    document = _document(_page(f"<p>{card}</p>"))
    assert "The board chair, Ines Moravec, said the vote was unanimous." in document.text
    assert "Harbour fees frozen" not in document.text
    assert [r.kind for r in document.removed] == ["hover_card"]
    assert "Harbour fees frozen for a third year" in document.removed[0].text


LEDE = ("Kestrel Bay will rebuild its storm-damaged north pier next spring, closing the ferry terminal "
        "for six weeks at the start of the season.")


def test_the_lede_printed_above_the_article_is_kept_first():
    head = f'<meta name="description" content="{LEDE}"><meta property="og:description" content="{LEDE}">'
    html = _page("", head).replace("<h1>Pier to be rebuilt</h1>",
                                   f'<h1>Pier to be rebuilt</h1></article><div class="summary">{LEDE}</div><article>')
    document = _document(html)
    assert document.text.count(LEDE) == 1
    first_paragraph = next(b for b in document.blocks if b.kind == "paragraph")
    assert document.text[first_paragraph.start:first_paragraph.end] == LEDE


def test_contact_lines_credits_and_rules_drawn_in_characters_are_removed():
    lines = ["___", "ines.moravec@bay-courier.example", "Additional reporting by Tomas Greer",
             "Originally published on Bay Courier.", "Get the morning's headlines delivered to your inbox."]
    text = "\n\n".join(["Pier to be rebuilt", PARAGRAPHS[0], *lines, PARAGRAPHS[1]])
    document = build_document(RawArticle(id="t", content=text))
    assert [r.text for r in document.removed] == lines
    # Sentences that share those words stay.
    kept = ["Reporting by the Courier showed the pier had been unsafe for years.",
            "Published in 1997, the harbour plan was never carried out."]
    document = build_document(RawArticle(id="t", content="\n\n".join(["Pier to be rebuilt", *kept])))
    assert not document.removed


def test_three_headings_in_a_row_are_a_list_of_links_but_sections_stay():
    teasers = "".join(f"<h2>{t}</h2>" for t in ["Ferry fares to rise", "Lighthouse for sale", "Gull numbers fall"])
    vote = ("Nine members voted for the plan and two against it, and the chair said the cost would be met "
            "from the harbour reserve without any rise in the fees paid by the island ferries.")
    sections = f"<h2>The vote</h2><p>{vote}</p><h2>What traders say</h2>"
    document = _document(_page(teasers + sections))
    assert [r.text for r in document.removed if r.kind == "related_links"] == [
        "Ferry fares to rise", "Lighthouse for sale", "Gull numbers fall"]
    assert "The vote" in document.text and "What traders say" in document.text


def _plain(text: str):
    return build_document(RawArticle(id="t", content=text))


def test_name_cards_left_in_plain_text_are_cut_and_the_name_kept():
    text = ("Harbour plan approved\n\n"
            "Councillor Jo Marrick Joanna (Jo) Ellen MarrickPier vote delayed again Ferry fares to rise in May "
            "Storm damage bill tops estimate MORE said on Tuesday that the north pier would be rebuilt.\n\n"
            "Mayor Tom Revell Thomas Aldo Revell Harbour board names new chair Island boats keep berth MORE "
            "(Ind.) backed the plan, as did Ada Penrose Ada Mae Penrose2021 budget passes Traders ask for help "
            "MORE’s party.\n")
    document = _plain(text)
    assert "Councillor Jo Marrick said on Tuesday that the north pier would be rebuilt." in document.text
    assert "Mayor Tom Revell (Ind.) backed the plan, as did Ada Penrose’s party." in document.text
    assert "MORE" not in document.text and "Ferry fares" not in document.text
    cards = [r.text for r in document.removed if r.kind == "hover_card"]
    assert len(cards) == 3 and cards[0].startswith("Joanna (Jo) Ellen Marrick") and cards[0].endswith("MORE")
    # the offsets of what is kept still point at the same characters of the input
    start = document.text.index("said on Tuesday")
    assert text[document.origin[start]:document.origin[start] + 15] == "said on Tuesday"


def test_ordinary_capitals_and_read_more_links_are_not_cards():
    text = ("Pier vote\n\nThe board met Jo Marrick and Jo Penrose on Tuesday. READ MORE: Ferry fares to rise\n\n"
            "Marrick said Marrick Holdings would bid. The port said MORE ships would come.\n")
    document = _plain(text)
    assert "Marrick said Marrick Holdings would bid." in document.text
    assert not [r for r in document.removed if r.kind == "hover_card"]
