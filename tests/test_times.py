"""Time expressions on sentences written for these tests: spans, TIMEX3 types and values
against the publication date, direction by tense, and what is not a time."""

from __future__ import annotations

import pytest

from presslens.extract.times import calendar_date, extract_times, precision_of
from presslens.lexicons import load_table

WEDNESDAY = "2019-11-20"


@pytest.fixture(scope="module")
def tag(nlp):
    def run(text: str, published: str | None = WEDNESDAY):
        return extract_times(nlp(text), published)

    return run


def values(times) -> dict[str, str]:
    return {t.text: t.value for t in times}


def test_lexicon_rows_are_well_formed():
    classes = {row[1] for row in load_table("time-words.tsv")}
    assert {"month", "weekday", "number", "unit", "reference", "age"} <= classes
    assert all(len(row) == 3 for row in load_table("time-words.tsv"))


def test_same_weekday_in_the_past_is_the_publication_day(tag):
    times = tag("The council voted later on Wednesday to close the bridge.")
    assert values(times) == {"Wednesday": "2019-11-20"}
    assert times[0].anchor == "published" and times[0].type == "DATE"


def test_earlier_weekday_goes_back_and_future_goes_ahead(tag):
    assert values(tag("Farmers blocked the road on Monday.")) == {"Monday": "2019-11-18"}
    assert values(tag("Farmers will block the road on Monday.")) == {"Monday": "2019-11-25"}
    assert values(tag("Shops stay shut until Friday.")) == {"Friday": "2019-11-22"}


def test_month_direction_follows_tense(tag):
    assert values(tag("The union will march in March.")) == {"March": "2020-03"}
    assert values(tag("The union marched in March.")) == {"March": "2019-03"}
    assert values(tag("The union marched in December.")) == {"December": "2018-12"}


def test_march_as_a_verb_and_may_as_a_modal_are_not_times(tag):
    assert tag("Thousands march through the capital.") == []
    assert all(t.text != "May" for t in tag("May the best team win."))
    assert tag("Officials said the talks may resume.") == []
    assert values(tag("The plant closed in May.")) == {"May": "2019-05"}


def test_a_surname_that_is_a_month_is_not_a_time(tag):
    times = tag("Councillor Jenny March spoke to reporters.")
    assert all(t.text != "March" for t in times)


def test_ages_are_not_times(tag):
    assert tag("A 12-year-old boy and a man, 55, were hurt.") == []
    assert tag("The driver, who is 40 years old, fled.") == []


def test_money_counts_and_scores_are_not_times(tag):
    assert tag("The fund paid $1999 to 2008 workers.") == []
    assert tag("The home side won 2-1 with 1,955 fans in the stands.") == []
    assert values(tag("In 2008 sales rose.")) == {"2008": "2008"}


def test_explicit_dates_keep_their_year_and_precision(tag):
    times = values(tag("The pact signed on September 11, 2001 ran until March 2004 and ended in 1998."))
    assert times == {"September 11, 2001": "2001-09-11", "March 2004": "2004-03", "1998": "1998"}


def test_relative_calendar_units(tag):
    times = values(tag("Sales fell last week, rose last month and will grow next year."))
    assert times == {"last week": "2019-W46", "last month": "2019-10", "next year": "2020"}
    assert values(tag("Profit doubled in the third quarter.")) == {"the third quarter": "2019-Q3"}


def test_day_words_and_parts_of_day(tag):
    times = values(tag("Rain fell yesterday and again this morning; more is due tomorrow."))
    assert times == {"yesterday": "2019-11-19", "this morning": "2019-11-20TMO", "tomorrow": "2019-11-21"}


def test_durations_sets_and_references(tag):
    times = tag("The strike lasted three days, the audit runs every year and prices are currently high.")
    found = {t.text: (t.type, t.value) for t in times}
    assert found == {"three days": ("DURATION", "P3D"), "every year": ("SET", "P1Y"),
                     "currently": ("DATE", "PRESENT_REF")}


def test_clock_time_takes_the_date(tag):
    assert values(tag("The market opened at 09:30 UTC.")) == {"09:30 UTC": "2019-11-20T09:30Z"}


def test_without_a_publication_date_relative_values_stay_unknown(tag):
    found = values(tag("Farmers blocked the road on Monday and met on 11 June.", None))
    assert found == {"Monday": "XXXX-WXX-1", "11 June": "XXXX-06-11"}


def test_that_day_is_resolved_from_the_date_before(tag):
    times = tag("The ferry sank on 3 May 2018. Rescuers arrived later that day.")
    assert [t.value for t in times] == ["2018-05-03", "2018-05-03"]
    assert times[1].anchor == times[0].id


def test_spans_point_into_the_text(tag):
    text = "Voters went to the polls on Sunday, two weeks ago."
    for time in tag(text):
        assert text[time.start:time.end] == time.text


def test_precision_and_calendar_date_of_values():
    assert [precision_of(v) for v in ("2022-09-29", "2022-W39", "2022-09", "2022", "P3D", None)] == [
        "day", "week", "month", "year", "unknown", "unknown"]
    assert calendar_date("2022-W39") == "2022-09-26"
    assert calendar_date("2022-Q3") == "2022-07-01"
    assert calendar_date("PRESENT_REF") is None
