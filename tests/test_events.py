"""Events on short texts written for these tests: types, arguments, time, casualties,
modality, sources and merging of mentions."""

from __future__ import annotations

import pytest

from presslens.extract.events import trigger_rules
from presslens.lexicons import load_table


def event_of(article, event_type: str):
    found = [e for e in article.events if e.type == event_type]
    assert found, f"no {event_type} event: {[(e.type, e.trigger.text) for e in article.events]}"
    return found[0]


def name_of(article, entity_id):
    entity = article.entity(entity_id)
    return entity.name if entity else None


def test_lexicon_rows_are_well_formed():
    for row in load_table("event-triggers.tsv"):
        assert len(row) == 7, row
        assert row[5].isdigit()
    assert "attack" in trigger_rules()


def test_missile_attack_on_a_city(analyze_text):
    article = analyze_text("A Russian missile attack on Odesa damaged the port overnight.\n")
    event = event_of(article, "missile_strike")
    assert event.acled_event_type == "Explosions/Remote violence"
    assert event.acled_sub_event_type == "Shelling/artillery/missile attack"
    assert event.cameo == "19"
    assert name_of(article, event.location) == "Odesa"
    assert name_of(article, event.target) == "Odesa"


def test_shelling_with_casualties_and_location(analyze_text):
    article = analyze_text("About 30 people were killed when artillery shelled a market in Donetsk.\n")
    event = next(e for e in article.events if e.acled_sub_event_type == "Shelling/artillery/missile attack")
    assert event.casualties.killed == 30
    assert name_of(article, event.location) == "Donetsk"


def test_wounded_linked_to_the_attack(analyze_text):
    article = analyze_text("A rocket attack on Kramatorsk wounded 11 people, the mayor said.\n")
    event = event_of(article, "shelling")
    assert event.casualties.wounded == 11


def test_actor_from_the_subject(analyze_text):
    article = analyze_text("President Emmanuel Macron signed a decree dissolving the assembly in Paris.\n")
    event = event_of(article, "decree")
    assert name_of(article, event.actor) == "Emmanuel Macron"


def test_grenade_attack_is_typed_by_its_weapon(analyze_text):
    article = analyze_text("Two men were injured in a grenade attack on a bus station in Peshawar.\n")
    event = article.events[0]
    assert event.acled_sub_event_type == "Grenade"


def test_protest_with_arrests_is_protest_with_intervention(analyze_text):
    article = analyze_text("Police detained dozens of protesters during a march in Minsk on Sunday.\n")
    assert any(e.acled_sub_event_type == "Protest with intervention" for e in article.events)


def test_peaceful_protest(analyze_text):
    article = analyze_text("Thousands of teachers rallied outside parliament in Nairobi to demand higher pay.\n")
    assert article.events[0].acled_sub_event_type == "Peaceful protest"


def test_natural_disaster_is_outside_acled(analyze_text):
    article = analyze_text("Heavy floods swept through villages in Assam, killing at least 12 people.\n")
    event = event_of(article, "natural_disaster")
    assert event.acled_event_type is None and event.casualties.killed == 12


def test_no_one_was_killed_is_negated(analyze_text):
    article = analyze_text("No one was killed in the overnight raid, the governor said.\n")
    killed = [a for a in article.amounts if a.kind == "killed"]
    assert killed and killed[0].value == 0
    assert all(e.casualties.killed in (None, 0) for e in article.events)


@pytest.mark.parametrize("sentence,modality", [
    ("Militants reportedly attacked a checkpoint near Kandahar.\n", "reported"),
    ("Soldiers allegedly abducted two farmers near Goma.\n", "alleged"),
    ("A suspected car bomb exploded outside a hotel in Mogadishu.\n", "suspected"),
])
def test_hedges(analyze_text, sentence, modality):
    article = analyze_text(sentence)
    assert article.events and article.events[0].modality == modality


def test_planned_event(analyze_text):
    article = analyze_text("The government will hold a referendum in Chile next year.\n")
    assert event_of(article, "referendum").modality == "planned"


def test_negated_verb(analyze_text):
    article = analyze_text("Troops did not withdraw from the border town of Kupiansk.\n")
    assert event_of(article, "withdrawal").modality == "negated"


def test_relative_weekday_resolved_against_publication(analyze_text):
    article = analyze_text("Rebels attacked an army base in Mali on Thursday.\n")
    assert article.events[0].time == "2024-05-09"


def test_month_and_week_dates_carry_their_precision(analyze_text):
    article = analyze_text("Rebels attacked an army base in Mali in February.\n")
    assert (article.events[0].time, article.events[0].time_precision) == ("2024-02-01", "month")
    article = analyze_text("Rebels attacked an army base in Mali this week.\n")
    assert (article.events[0].time, article.events[0].time_precision) == ("2024-05-06", "week")
    article = analyze_text("Rebels attacked an army base in Mali yesterday.\n")
    assert (article.events[0].time, article.events[0].time_precision) == ("2024-05-09", "day")
    dated_by = next(t for t in article.times if t.id == article.events[0].time_id)
    assert dated_by.text == "yesterday"


def test_no_publication_date_no_relative_time(analyze_text):
    article = analyze_text("Rebels attacked an army base in Mali on Thursday.\n", published=None)
    assert article.events[0].time is None


def test_reported_by_the_speaker_of_a_quote(analyze_text):
    article = analyze_text("A drone strike on Kherson wounded five people, Governor Oleksandr Prokudin said.\n")
    event = event_of(article, "air_strike")
    assert event.reported_by is not None and event.reported_by.quote_id is not None
    assert name_of(article, event.reported_by.entity_id) == "Oleksandr Prokudin"
    assert event.modality == "reported"


def test_reported_by_according_to(analyze_text):
    article = analyze_text("An explosion damaged a power line near Enerhodar, according to Energoatom.\n")
    event = article.events[0]
    assert event.reported_by is not None
    assert name_of(article, event.reported_by.entity_id) == "Energoatom"


def test_one_event_mentioned_twice_is_merged(analyze_text):
    article = analyze_text(
        "Protesters gathered in Tbilisi\n\n"
        "Thousands of protesters gathered in Tbilisi on Saturday against the new law.\n\n"
        "The protest in Tbilisi ended peacefully late at night.\n"
    )
    protests = [e for e in article.events if e.acled_event_type == "Protests"]
    assert len(protests) == 1
    assert len(protests[0].mentions) >= 2


def test_different_places_stay_apart(analyze_text):
    article = analyze_text("A missile attack on Odesa killed two people. A missile attack on Lviv killed one person.\n")
    strikes = [e for e in article.events if e.type == "missile_strike"]
    assert {name_of(article, e.location) for e in strikes} == {"Odesa", "Lviv"}


def test_every_event_offset_points_into_the_text(analyze_text):
    article = analyze_text("Gunmen kidnapped three aid workers in Borno state, police said on Monday.\n")
    assert article.events
    for event in article.events:
        assert article.text[event.trigger.start:event.trigger.end] == event.trigger.text
        for mention in event.mentions:
            assert article.text[mention.start:mention.end] == mention.text


def test_same_weekday_past_event_is_dated_the_publication_day(analyze_text):
    article = analyze_text("Protesters surrounded the statehouse later on Friday, police said.\n")
    event = article.events[0]
    assert (event.time, event.time_precision) == ("2024-05-10", "day")


def test_an_age_after_a_name_does_not_date_an_event(analyze_text):
    article = analyze_text("Police arrested Mark Doyle, 55, after the attack on the depot.\n")
    assert article.events
    assert all(e.time is None and e.time_precision == "unknown" for e in article.events)


def test_month_names_are_not_protests(analyze_text):
    article = analyze_text("The senator spoke to supporters in March about the budget.\n")
    assert all(e.type not in ("protest", "protest_intervened") for e in article.events)


def test_a_planned_march_is_dated_ahead(analyze_text):
    article = analyze_text("The farmers' union will march in March to protest against the tax.\n")
    march = next(e for e in article.events if e.trigger.text == "march")
    assert march.modality == "planned"
    assert (march.time, march.time_precision) == ("2025-03-01", "month")


def test_weekday_goes_to_the_event_it_modifies(analyze_text):
    article = analyze_text("Officials said on Tuesday that militants bombed the bridge in Mosul on Sunday.\n")
    bombing = next(e for e in article.events if e.trigger.text == "bombed")
    assert bombing.time == "2024-05-05"


def test_unknown_time_stays_unknown(analyze_text):
    article = analyze_text("Militants bombed the bridge in Mosul.\n")
    assert (article.events[0].time, article.events[0].time_precision, article.events[0].time_id) == (
        None, "unknown", None)


def test_a_claim_by_one_side_keeps_its_source(analyze_text):
    article = analyze_text("The rebels said they shot down an army helicopter near Kunduz.\n")
    assert article.events
    claim = article.events[0]
    assert claim.modality in ("reported", "alleged") and claim.reported_by is not None


def test_a_leak_is_a_disaster_only_with_a_hazard(analyze_text):
    article = analyze_text("A gas leak at the factory in Bhopal forced thousands to flee.\n")
    assert event_of(article, "disaster")
    article = analyze_text("Divers found leaks in the pipeline near Bornholm.\n")
    assert all(e.type != "disaster" for e in article.events)


SUBHEADED = """Talks resume in the capital

The two sides met in Doha on Monday to resume negotiations.

Prisoner swap

Negotiators discussed the timetable for the next round.
"""


def test_a_subheading_alone_is_no_event(analyze_text):
    article = analyze_text(SUBHEADED)
    assert any(b.kind == "headline" and b.level == 2 for b in article.blocks)
    assert all(e.trigger.text.lower() != "prisoner swap" for e in article.events)


def test_mentions_dated_to_different_years_are_different_events(analyze_text):
    article = analyze_text("Voters in Crimea took part in a referendum in 2014. Another referendum was held "
                           "in Crimea this week.\n")
    referendums = [e for e in article.events if e.type == "referendum"]
    assert len(referendums) == 2
    assert {e.time_precision for e in referendums} == {"year", "week"}


def test_arguments_as_written_name_unnamed_participants(analyze_text):
    article = analyze_text("Security forces arrested dozens of protesters in Caracas on Sunday.\n")
    event = next(e for e in article.events if e.trigger.text == "arrested")
    roles = {a.role: (a.text, a.relation) for a in event.arguments}
    assert roles["actor"] == ("Security forces", "subject")
    assert roles["target"] == ("dozens of protesters", "object")
    assert roles["location"][0] == "Caracas"
    location = next(a for a in event.arguments if a.role == "location")
    assert location.entity_id == event.location


def test_victims_of_a_blast_are_its_target_and_the_bomb_no_actor(analyze_text):
    article = analyze_text("Two women were killed in the blast near Lyon. A bomb exploded outside the station.\n")
    blast = next(e for e in article.events if e.trigger.text == "blast")
    assert {a.role: a.text for a in blast.arguments}["target"] == "Two women"
    assert not any(a.role == "actor" and "bomb" in a.text.lower() for e in article.events for a in e.arguments)
