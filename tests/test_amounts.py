"""Amounts on short texts written for these tests: numbers in digits and words, ranges,
qualifiers, units, ages and casualty counts."""

from __future__ import annotations

import pytest

import presslens

PUBLISHED = "2024-05-10"


@pytest.fixture(scope="module")
def amounts_of(nlp):
    """Return a function giving the amounts the real pipeline finds in a text."""

    def run(text: str):
        return presslens.analyze(text, published=PUBLISHED).amounts

    return run


def amount_with(amounts, text: str):
    found = [a for a in amounts if text in a.text]
    assert found, f"no amount holds {text!r}: {[a.text for a in amounts]}"
    return found[0]


def test_number_words_count_what_follows(amounts_of):
    amounts = amounts_of("Divers found two holes in the hull and three anchors on the seabed.\n")
    holes = amount_with(amounts, "two")
    assert (holes.value, holes.kind, holes.counts) == (2, "count", "holes")
    anchors = amount_with(amounts, "three")
    assert (anchors.value, anchors.counts) == (3, "anchors")


def test_a_dozen_is_twelve(amounts_of):
    amount = amount_with(amounts_of("A dozen volunteers cleaned the beach on Sunday.\n"), "dozen")
    assert amount.value == 12 and amount.counts == "volunteers"


def test_digits_with_thousands_separators(amounts_of):
    amount = amount_with(amounts_of("The city council counted 300,000 ballots by midnight.\n"), "300,000")
    assert amount.value == 300000 and amount.kind == "count" and not amount.approximate


def test_range_between_and(amounts_of):
    amount = amount_with(amounts_of("Between 20 and 30 boats left the harbour before the storm.\n"), "20")
    assert amount.value == 20 and amount.value_max == 30
    assert amount.text == "Between 20 and 30"


@pytest.mark.parametrize("qualifier", ["about", "at least", "more than", "nearly"])
def test_approximations(amounts_of, qualifier):
    amount = amount_with(amounts_of(f"Organisers said {qualifier} 40 buses had arrived.\n"), "40")
    assert amount.approximate and amount.qualifier == qualifier
    assert amount.text == f"{qualifier} 40"


def test_percent_of_what(amounts_of):
    amount = amount_with(amounts_of("The company controls around 15% of the national market.\n"), "15")
    assert (amount.kind, amount.value, amount.counts) == ("percent", 15, "market")
    assert amount.approximate


def test_distance_in_miles(amounts_of):
    amount = amount_with(amounts_of("The dam lies 100 miles southeast of Denver, officials said.\n"), "100")
    assert amount.kind == "distance" and amount.unit == "mile" and amount.text == "100 miles"


@pytest.mark.parametrize("text,value,unit", [("$2 billion", 2_000_000_000, "USD"), ("€40 million", 40_000_000, "EUR")])
def test_money(amounts_of, text, value, unit):
    amount = amount_with(amounts_of(f"The ministry approved {text} for new schools.\n"), text)
    assert (amount.kind, amount.value, amount.unit) == ("money", value, unit)


def test_age_is_not_a_count_of_people(amounts_of):
    amounts = amounts_of("Firefighters rescued a 12-year-old boy from the flooded cellar.\n")
    age = amount_with(amounts, "12")
    assert age.kind == "age" and age.value == 12 and age.text == "12-year-old"
    assert not [a for a in amounts if a.kind in ("count", "killed", "wounded")]


def test_killed_from_passive_verb(amounts_of):
    amount = amount_with(amounts_of("About 30 people were killed when the bridge collapsed.\n"), "30")
    assert (amount.kind, amount.value, amount.counts, amount.approximate) == ("killed", 30, "people", True)


def test_wounded_from_active_verb(amounts_of):
    amount = amount_with(amounts_of("The explosion wounded 11 people near the market.\n"), "11")
    assert amount.kind == "wounded" and amount.counts == "people"


def test_death_toll_rose_to(amounts_of):
    amount = amount_with(amounts_of("The death toll rose to 66 on Friday after the floods.\n"), "66")
    assert amount.kind == "killed" and amount.value == 66


@pytest.mark.parametrize("sentence,kind", [
    ("Police arrested 40 fans after the match.\n", "arrested"),
    ("Rescuers said 12 hikers were still missing.\n", "missing"),
    ("The floods displaced 5,000 residents in the valley.\n", "displaced"),
])
def test_other_casualty_kinds(amounts_of, sentence, kind):
    amounts = amounts_of(sentence)
    assert any(a.kind == kind for a in amounts), [(a.text, a.kind) for a in amounts]


def test_no_one_was_killed_is_zero(amounts_of):
    amount = amount_with(amounts_of("No one was killed in the fire at the depot.\n"), "No one")
    assert amount.kind == "killed" and amount.value == 0


def test_years_and_dates_are_not_amounts(amounts_of):
    amounts = amounts_of("The treaty was signed on 20 October 2014 in Geneva.\n")
    assert amounts == []


def test_offsets_point_into_the_text(nlp):
    article = presslens.analyze("Officials said nearly 500 families had fled the village.\n", published=PUBLISHED)
    for amount in article.amounts:
        assert article.text[amount.start:amount.end] == amount.text
