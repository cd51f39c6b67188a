"""Resolution from what lies around the names: the outlet's home, abbreviations, feature words,
datelines in capitals, streets, and places that agree with each other."""

from __future__ import annotations

import pytest

from presslens.extract.places import geocode_entities, names_a_place
from presslens.extract.places.resolve import outlet_home
from presslens.record import Entity, Mention, Source

# Written for these tests: short local-news sentences of the kinds the resolver must read.
# Paris lies in Henry County, Tennessee; Lyon pulls the other way, towards France.
COUNCIL = "The Paris council approved the budget. Officials from Henry County and from Lyon attended."
TOWPATH = "Flooding closed the towpath in Richmond and Kew on Monday."


def _resolved(text: str, names: list[str], kind: str = "GPE", source: Source | None = None) -> dict[str, Entity]:
    entities = []
    for i, name in enumerate(names):
        start = text.index(name)
        entities.append(Entity(id=f"e{i}", name=name, type=kind,
                               mentions=[Mention(start=start, end=start + len(name), text=name)]))
    geocode_entities(entities, text, source=source)
    return {e.name: e for e in entities}


@pytest.mark.parametrize("source", [
    Source(url="https://www.parisherald.com/news/2024/budget"),
    Source(outlet="parisherald.com"),
])
def test_an_outlet_named_after_a_town_reads_that_name_as_the_local_town(source):
    found = _resolved(COUNCIL, ["Paris", "Henry County", "Lyon"], source=source)
    assert (found["Paris"].geo.country_code, found["Paris"].geo.admin1) == ("US", "Tennessee")
    assert found["Henry County"].geo.admin1 == "Tennessee"


def test_without_the_outlet_the_same_names_are_not_read_as_one_town():
    found = _resolved(COUNCIL, ["Paris", "Henry County", "Lyon"])
    assert found["Paris"].geo.admin1 != "Tennessee"


def test_a_country_code_domain_points_at_its_country():
    found = _resolved(TOWPATH, ["Richmond", "Kew"], source=Source(url="https://news.example.co.uk/a/1"))
    assert found["Richmond"].geo.country_code == "GB" and found["Kew"].geo.country_code == "GB"


def test_a_generic_domain_points_nowhere():
    plain = _resolved(TOWPATH, ["Richmond", "Kew"])
    dotcom = _resolved(TOWPATH, ["Richmond", "Kew"], source=Source(url="https://news.example.com/a/1"))
    assert dotcom["Richmond"].geo.geonames_id == plain["Richmond"].geo.geonames_id


def test_outlet_home_reads_the_host_of_an_address_or_a_domain_outlet():
    assert outlet_home(Source(url="http://www.thisisnorthshire.co.uk/news/1")) == ("GB", ("thisisnorthshire",))
    assert outlet_home(Source(outlet="parisherald.com")) == (None, ("parisherald",))
    assert outlet_home(Source(outlet="The Herald")) == (None, ())
    assert outlet_home(None) == (None, ())


def test_style_abbreviations_name_their_state_or_province():
    text = "Traffic was slow in N.Y. and D.C. while Victoria, B.C., stayed calm."
    found = _resolved(text, ["N.Y.", "D.C.", "Victoria", "B.C."])
    assert (found["N.Y."].geo.feature, found["N.Y."].geo.name) == ("region", "New York")
    assert found["D.C."].geo.name == "District of Columbia"
    assert (found["B.C."].geo.country_code, found["B.C."].geo.feature) == ("CA", "region")
    assert found["Victoria"].geo.admin1 == "British Columbia"


def test_an_abbreviation_cut_before_its_full_stop_still_names_the_state():
    found = _resolved("She drove home to upstate N.Y last week.", ["N.Y"])
    assert found["N.Y"].geo.name == "New York" and found["N.Y"].geo.feature == "region"


def test_a_feature_word_is_never_the_place():
    text = "Anglers on the River Lune and Lake Harriet did well; Metro Nashville police watched."
    found = _resolved(text, ["River Lune", "Lake Harriet", "Metro Nashville"], kind="LOC")
    # No town is called Lune or Harriet; "River" and "Lake" must not stand in for them.
    assert found["River Lune"].geo is None and found["Lake Harriet"].geo is None
    assert found["Metro Nashville"].geo.admin1 == "Tennessee"


def test_a_battle_is_placed_at_its_town_not_at_a_town_called_battle():
    found = _resolved("He wrote about the Battle of Richmond.", ["Battle of Richmond"], kind="LOC")
    assert found["Battle of Richmond"].geo.name == "Richmond"


@pytest.mark.parametrize("text, name, qualifier, state", [
    ("CHARLESTON, W.Va. -- All lanes reopened after the crash.", "CHARLESTON", "W.Va.", "West Virginia"),
    ("FAIRFIELD, Conn. -- Police said the woman was charged.", "FAIRFIELD", "Conn.", "Connecticut"),
])
def test_a_dateline_in_capitals_is_a_town_with_its_qualifier(text, name, qualifier, state):
    found = _resolved(text, [name, qualifier])
    assert (found[name].geo.feature, found[name].geo.admin1) == ("city", state)


def test_short_capitals_are_still_acronyms():
    assert _resolved("NATO met on Monday.", ["NATO"])["NATO"].geo is None


def test_a_street_is_a_place_mention_but_not_placed_at_its_namesake_town():
    found = _resolved("The shop on Lancaster Avenue closed.", ["Lancaster Avenue"], kind="FAC")
    street = found["Lancaster Avenue"]
    assert street.geo is None and names_a_place(street)
    hall = Entity(id="h", name="Lancaster Hall", type="FAC", mentions=[])
    assert not names_a_place(hall)


def test_names_that_share_one_region_are_read_together():
    # Each name alone is likelier elsewhere (Albany, New York; Alexandria, Virginia); together
    # only Minnesota holds all three.
    text = "A crash near Brandon hurt an Albany man; Douglas County deputies and Alexandria police came."
    found = _resolved(text, ["Albany", "Brandon", "Douglas County", "Alexandria"])
    for name in ("Albany", "Douglas County", "Alexandria"):
        assert (found[name].geo.country_code, found[name].geo.admin1) == ("US", "Minnesota"), name


def test_two_small_towns_sharing_a_state_do_not_outvote_a_capital():
    found = _resolved("Pilgrims left St. Peter for Rome.", ["St. Peter", "Rome"])
    assert found["Rome"].geo.country_code == "IT"


def test_a_name_heading_a_list_of_counties_is_a_county():
    text = "Roofs fell in Harvey, Harper and Kingman counties, Kansas officials said."
    found = _resolved(text, ["Harvey", "Harper", "Kansas"])
    for name in ("Harvey", "Harper"):
        assert (found[name].geo.feature, found[name].geo.admin1) == ("county", "Kansas"), name


def test_a_town_inside_the_county_the_article_names_is_read_with_more_confidence():
    inside = _resolved("A Paris woman was hurt in Edgar County, Illinois.", ["Paris", "Edgar County", "Illinois"])
    beside = _resolved("A Paris woman was hurt in Coles County, Illinois.", ["Paris", "Coles County", "Illinois"])
    assert inside["Paris"].geo.admin1 == beside["Paris"].geo.admin1 == "Illinois"
    # Paris, Illinois lies in Edgar County, not in Coles County.
    assert inside["Paris"].geo.admin2 == "Edgar County"
    assert inside["Paris"].geo.confidence > beside["Paris"].geo.confidence
