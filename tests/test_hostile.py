"""Property tests: whatever text or markup comes in, analysis returns a sound record or an InputError.

Texts are built from sentence fragments written for these tests (names, quotes, numbers,
dates, places) with hostile characters and markup put anywhere. The suite runs a fixed
set of examples in `make test`; PRESSLENS_HYPOTHESIS=thorough explores far more at random.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presslens.errors import InputError
from presslens.ingest import RawArticle, build_document
from presslens.pipeline import analyze_documents

settings.register_profile("default", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("PRESSLENS_HYPOTHESIS", "default"))

FRAGMENTS = [
    "The harbour master of Tallinn, Mart Kallaste, said",
    "“We will not reopen the bridge before spring,”",
    "said Ingrid Solberg, a spokeswoman for the ministry.",
    "At least 14 people were killed and 30 wounded",
    "when a bus overturned near Kisumu on Tuesday.",
    "Police arrested two men on 3 March 2024.",
    "The company paid $4.5 million, about 12% of its profit,",
    "according to a report by the World Bank.",
    "Protesters marched through Lyon against the reform",
    "‘It is a disgrace,’ the mayor told reporters.",
    "Dr. Amara Okafor, who leads the clinic, warned that",
    "the radical plan would devastate the coastal villages",
    "UN Secretary-General António Guterres",
    "Between 20 and 30 soldiers",
    "said on Monday",
    "Mr. O'Neill-Brady",
    "(AP) —",
    "“",
    "”",
    "…",
    "\"",
    ",",
    ".",
    "Mrs",
    "U.S.",
    "the",
]
HOSTILE = [
    "\u201a", "\u201e", "\u2028", "\u2029", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e",
    "\u2066", "\u200f", "\u0301", "\u0336", "\x0c", "\x00", "\x1b", "\x85", "\ud800", "\U0001f468\u200d\U0001f469",
    "\t", "\r\n", "\n", "\n\n\n", "  ", "\u00a0", "\u3000", "&", "<", ">", "\\", "'", "’s", "\u02bc",
]
MARKUP = ["<p>", "</p>", "<div>", "</div>", "<br>", "<b>", "</b>", "<script>alert(1)</script>", "<!-- x -->",
          "<blockquote>", "</blockquote>", "<h1>", "</h1>", "<table><tr><td>", "</td></tr></table>", "&amp;",
          "&nbsp;", "&#x202e;", "&#0;", "<![CDATA[", "]]>", "<figcaption>", "<li>", "<a href='javascript:x'>",
          "</a>", "<style>p{}</style>", "<svg><text>", "<?xml version='1.0'?>", "<p", "<"]

pieces = st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(FRAGMENTS), st.sampled_from(HOSTILE),
                   st.text(max_size=4))
texts = st.lists(pieces, min_size=1, max_size=30).map(" ".join) | st.lists(pieces, max_size=30).map("".join)
nested = st.integers(min_value=0, max_value=300).map(lambda depth: "<div><span>" * depth)
pages = st.tuples(nested, st.lists(st.one_of(pieces, st.sampled_from(MARKUP)), min_size=1, max_size=40)).map(
    lambda parts: f"<html><body>{parts[0]}{''.join(parts[1])}</body></html>")


def analysed_or_refused(content: str, is_html: bool):
    """Return the Article of the content, or the InputError it was refused with; any other
    exception (an extractor's) propagates and fails the test."""
    try:
        document = build_document(RawArticle(id="hostile", content=content, is_html=is_html))
    except InputError as error:
        return error
    if not document.text.strip():
        return InputError("has no article text after cleaning")
    [(_, article)] = list(analyze_documents([document], batch_size=1))
    return article


def assert_sound(result) -> None:
    if isinstance(result, InputError):
        return
    assert result.broken_spans() == []
    result.model_dump_json()  # raises on anything JSON cannot hold (lone surrogates)


@pytest.mark.usefixtures("nlp")
@given(texts)
def test_any_text_gives_a_sound_record_or_an_input_error(text):
    assert_sound(analysed_or_refused(text, is_html=False))


@pytest.mark.usefixtures("nlp")
@given(pages)
def test_any_page_gives_a_sound_record_or_an_input_error(page):
    assert_sound(analysed_or_refused(page, is_html=True))


def test_a_low_quotation_mark_used_as_a_comma_is_no_name(analyze):
    article = analyze("Police said the identity of the driver is unknown‚ there is no record of it‚” "
                      "said Thandeka Mbeki.")
    assert article.broken_spans() == []
    assert all(e.name.strip("‚”“ ") for e in article.entities)
    assert any(e.name == "Thandeka Mbeki" for e in article.entities)


def test_control_and_format_characters_leave_the_words_whole(analyze):
    article = analyze("The minister\u200b Ingrid\u00adSolberg arrived in Ber\u202egen\x00 on Friday.")
    assert "\x00" not in article.text and "\u202e" not in article.text and "\u200b" not in article.text
    assert "Bergen" in article.text
