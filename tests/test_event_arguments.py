"""Event arguments per mention (extract/events/arguments.py, phrases.py), on sentences
written for these tests: each role only where the parse ties it to the trigger."""

from __future__ import annotations

from conftest import mention_roles


def test_the_performer_of_a_nominal_event_is_its_actor(analyze_text):
    article = analyze_text("Rebel fighters launched an attack near Kandahar on Tuesday.\n")
    roles = mention_roles(article, "attack")
    assert roles["actor"] == ("Rebel fighters", "subject of launched")
    assert roles["location"] == ("Kandahar", "near")


def test_who_condemns_an_attack_did_not_carry_it_out(analyze_text):
    article = analyze_text("The foreign minister condemned the attack in Baghdad.\n")
    roles = mention_roles(article, "attack")
    assert "actor" not in roles
    assert roles["location"] == ("Baghdad", "in")


def test_a_passive_agent_is_the_actor_and_its_subject_the_target(analyze_text):
    article = analyze_text("Two suspects were arrested by police in Lagos.\n")
    roles = mention_roles(article, "arrested")
    assert roles["actor"] == ("police", "by")
    assert roles["target"] == ("Two suspects", "passive subject")
    assert roles["location"] == ("Lagos", "in")


def test_the_subject_of_a_verb_of_undergoing_is_its_target(analyze_text):
    article = analyze_text("A ferry sank off the coast of Crete on Monday.\n")
    roles = mention_roles(article, "sank")
    assert roles["target"][0] == "A ferry"
    assert "actor" not in roles


def test_a_place_of_the_clause_places_the_event_it_tells_of(analyze_text):
    article = analyze_text("Five soldiers were killed in an ambush in Helmand.\n")
    roles = mention_roles(article, "ambush")
    assert roles["target"] == ("Five soldiers", "passive subject of killed")
    assert roles["location"] == ("Helmand", "in")


def test_an_unnamed_place_is_a_location_as_written(analyze_text):
    article = analyze_text("Gunmen attacked a bus at a checkpoint on Friday.\n")
    roles = mention_roles(article, "attacked")
    assert roles["actor"][0] == "Gunmen"
    assert roles["location"][0] == "a checkpoint"


def test_a_town_that_modifies_the_trigger_is_its_place_not_its_actor(analyze_text):
    article = analyze_text("The Kandahar bombing left twelve people dead.\n")
    event = next(e for e in article.events if e.trigger.text == "bombing")
    roles = mention_roles(article, "bombing")
    assert roles["location"] == ("Kandahar", "modifier")
    assert event.actor is None
    assert article.entity(event.location).name == "Kandahar"


def test_a_place_named_elsewhere_in_the_sentence_is_no_argument_as_written(analyze_text):
    article = analyze_text("In Kyiv, officials said that unknown men had attacked a convoy.\n")
    roles = mention_roles(article, "attacked")
    assert "location" not in roles


def test_where_something_was_said_does_not_place_what_was_said(analyze_text):
    article = analyze_text("The minister said in Geneva that militants had attacked a village.\n")
    roles = mention_roles(article, "attacked")
    assert roles.get("location", ("", ""))[0] != "Geneva"


def test_each_mention_keeps_its_own_arguments_when_mentions_merge(analyze_text):
    article = analyze_text("Russian troops shelled Kharkiv on Monday.\n\n"
                           "The shelling lasted two hours, officials said.\n")
    event = next(e for e in article.events if any(m.text == "shelled" for m in e.mentions))
    texts = [m.text for m in event.mentions]
    assert "shelling" in texts
    shelled = event.mentions[texts.index("shelled")]
    shelling = event.mentions[texts.index("shelling")]
    assert {a.role: a.text for a in shelled.arguments} == {"actor": "Russian troops", "target": "Kharkiv",
                                                           "location": "Kharkiv"}
    assert shelling.arguments == []
    # The event as a whole keeps the roles its mentions give.
    assert {a.role for a in event.arguments} == {"actor", "target", "location"}


def all_mentions(article, trigger: str) -> list[dict[str, tuple[str, str]]]:
    """Return role -> (text, relation) of every mention whose trigger is `trigger`."""
    return [{a.role: (a.text, a.relation) for a in mention.arguments}
            for event in article.events for mention in event.mentions if mention.text == trigger]


def test_a_passive_without_by_names_no_actor(analyze_text):
    article = analyze_text("The rebels met in the hills, and two villagers were abducted near Goma.\n")
    roles = mention_roles(article, "abducted")
    assert "actor" not in roles
    assert roles["target"][0] == "two villagers"


def test_a_row_of_passive_participles_shares_its_subject(analyze_text):
    article = analyze_text("Four people were dead and some 90 more were hurt, injured and shaken.\n")
    roles = mention_roles(article, "injured")
    assert "actor" not in roles
    assert roles["target"][0] == "some 90 more"
    assert mention_roles(article, "dead")["target"][0] == "Four people"


def test_what_is_detonated_is_the_device_not_the_target(analyze_text):
    article = analyze_text("The rebels detonated three bombs across the town of Kismayo.\n")
    roles = mention_roles(article, "detonated")
    assert roles["actor"][0] == "The rebels"
    assert "target" not in roles
    passive = analyze_text("Two large devices were detonated at a busy market in Kismayo.\n")
    assert "target" not in mention_roles(passive, "detonated")


def test_a_bomb_that_exploded_is_no_actor(analyze_text):
    article = analyze_text("Hours later they exploded outside the station in Mombasa.\n")
    assert "actor" not in mention_roles(article, "exploded")


def test_a_suicide_bomber_is_a_person_and_himself_no_target(analyze_text):
    article = analyze_text("A suicide bomber blew himself up at a checkpoint in Kunduz.\n")
    roles = next(r for r in all_mentions(article, "blew himself up"))
    assert roles["actor"][0] == "A suicide bomber"
    assert "target" not in roles


def test_the_possessor_of_an_arrest_is_the_one_arrested(analyze_text):
    article = analyze_text("Her lawyer said the charges were dropped after his arrest in Minsk.\n")
    roles = mention_roles(article, "arrest")
    assert roles["target"] == ("his", "possessor")
    assert "actor" not in roles
    event = next(e for e in article.events if e.trigger.text == "arrest")
    assert event.actor is None


def test_the_possessor_of_an_attack_with_an_object_is_its_actor(analyze_text):
    article = analyze_text("The militia's shelling of the village lasted all night.\n")
    roles = mention_roles(article, "shelling")
    assert roles["actor"] == ("The militia's", "possessor")
    assert roles["target"][0] == "the village"
    assert roles["location"][0] == "the village"


def test_a_country_that_has_protests_did_not_stage_them(analyze_text):
    article = analyze_text("Peru's protests have grown since the election.\n")
    assert "actor" not in mention_roles(article, "protests")


def test_a_city_that_names_a_bombing_is_no_actor(analyze_text):
    article = analyze_text("Relatives of the victims of the Madrid bombing met the judge.\n")
    assert "actor" not in mention_roles(article, "bombing")


def test_who_names_an_explosion_an_attack_did_not_carry_it_out(analyze_text):
    article = analyze_text("On Monday the mayor called the explosion an act of terror.\n")
    assert "actor" not in mention_roles(article, "explosion")


def test_no_group_is_no_actor(analyze_text):
    article = analyze_text("So far no group has claimed responsibility for the bombing.\n")
    assert "actor" not in mention_roles(article, "bombing")


def test_what_else_an_event_did_is_not_its_target(analyze_text):
    article = analyze_text("The bombing prompted new talks between the two parties.\n")
    assert "target" not in mention_roles(article, "bombing")
    harmed = analyze_text("The blast destroyed a school in Herat.\n")
    assert mention_roles(harmed, "blast")["target"] == ("a school", "object of destroyed")


def test_an_attack_at_a_place_is_located_there_not_aimed_at_it(analyze_text):
    article = analyze_text("The attack at the Sunrise cafe in Aden wounded nine people.\n")
    roles = mention_roles(article, "attack")
    assert roles.get("target", ("",))[0] != "the Sunrise cafe"
    assert roles["location"][0] in ("the Sunrise cafe", "Aden")


def test_a_locative_phrase_beats_the_object_as_the_place(analyze_text):
    article = analyze_text("Gunmen attacked Camp Falcon in Helmand Province on Sunday.\n")
    roles = mention_roles(article, "attacked")
    assert roles["target"][0] == "Camp Falcon"
    assert roles["location"][0] == "Helmand Province"


def test_a_place_the_target_is_in_places_the_event(analyze_text):
    article = analyze_text("Five people died in an attack on a market in Jos.\n")
    assert mention_roles(article, "attack")["location"] == ("Jos", "in")


def test_a_relative_where_places_the_event_at_its_noun(analyze_text):
    article = analyze_text("The blast was heard at the bus station, where at least four people were killed.\n")
    roles = mention_roles(article, "killed")
    assert roles["target"][0] == "at least four people"
    assert roles["location"][0] == "the bus station"


def test_an_event_that_dates_another_is_not_placed_by_it(analyze_text):
    article = analyze_text("Two hours after the bombing, soldiers were seen in the square.\n")
    assert "location" not in mention_roles(article, "bombing")


def test_the_setting_of_another_clause_does_not_place_the_event(analyze_text):
    article = analyze_text("Both men remained in prison as they were charged with the murder of a judge.\n")
    assert "location" not in mention_roles(article, "murder")


def test_those_involved_in_an_attack_are_its_actors(analyze_text):
    article = analyze_text("Police say twelve men were involved in the attack.\n")
    assert mention_roles(article, "attack")["actor"][0] == "twelve men"
    plan = analyze_text("The group's decision to carry out the bombings was a mistake.\n")
    assert mention_roles(plan, "bombings")["actor"][0] == "The group's"


def test_attacks_carried_out_by_a_group_have_it_as_actor(analyze_text):
    article = analyze_text("The attacks carried out by the militia left the valley empty.\n")
    assert mention_roles(article, "attacks")["actor"][0] == "the militia"


def test_what_an_attack_was_aimed_at_is_its_target(analyze_text):
    article = analyze_text("The town has seen many bombings aimed at the police.\n")
    assert mention_roles(article, "bombings")["target"][0] == "the police"


def test_an_outcome_is_a_mention_of_its_event_with_its_victims(analyze_text):
    article = analyze_text("A car bomb exploded in Mogadishu on Monday, killing eleven soldiers.\n")
    [event] = [e for e in article.events if any(m.text == "exploded" for m in e.mentions)]
    texts = [m.text for m in event.mentions]
    assert "killing" in texts
    killing = event.mentions[texts.index("killing")]
    assert {a.role: a.text for a in killing.arguments}.get("target") == "eleven soldiers"
    # The outcome is no event of its own and gives the event no actor: the bomb killed them.
    assert not any(e.trigger.text == "killing" for e in article.events)
    assert not any(a.role == "actor" for a in killing.arguments)


def test_an_outcome_of_a_named_event_takes_its_place(analyze_text):
    article = analyze_text("Three soldiers were killed in an attack near Kunduz on Friday.\n")
    roles = next(r for r in all_mentions(article, "killed"))
    assert roles["target"][0] == "Three soldiers"
    assert roles["location"][0] == "Kunduz"


def test_a_target_names_its_own_entity_not_its_owner(analyze_text):
    article = analyze_text("Police said the blast damaged Omar Haddad's car in Tripoli.\n")
    event = next(e for e in article.events if any(m.text == "blast" for m in e.mentions))
    target = next(a for m in event.mentions for a in m.arguments if a.role == "target")
    assert target.text == "Omar Haddad's car"
    assert target.entity_id is None
