"""Resolution in context: qualifiers, abbreviations, people's names, co-mentioned places, overrides."""

from __future__ import annotations

from conftest import entity_named
from presslens.extract.places import geocode_entities
from presslens.extract.places.resolve import read_places_file
from presslens.record import Entity, Mention


def _resolved(text: str, names: list[str], kind: str = "GPE") -> dict[str, Entity]:
    entities = []
    for i, name in enumerate(names):
        start = text.index(name)
        entities.append(Entity(id=f"e{i}", name=name, type=kind,
                               mentions=[Mention(start=start, end=start + len(name), text=name)]))
    geocode_entities(entities, text)
    return {e.name: e for e in entities}


def test_a_state_abbreviation_after_a_town_places_it_in_that_state():
    found = _resolved("A storm cut power in Leesburg, Va., on Sunday.", ["Leesburg", "Va."])
    assert found["Leesburg"].geo.admin1 == "Virginia"
    # The abbreviation itself is the state, not a town that happens to be spelled alike.
    assert found["Va."].geo.country_code == "US" and found["Va."].geo.feature == "region"


def test_a_qualifier_picks_the_small_namesake_over_the_famous_place():
    found = _resolved("The mayor of Paris, Ill., opened the fair.", ["Paris"])
    assert found["Paris"].geo.country_code == "US" and found["Paris"].geo.admin1 == "Illinois"


def test_co_mentioned_places_pull_an_ambiguous_name_into_their_state():
    text = "Schools in Athens and Watkinsville closed as Oconee County and Clarke County flooded."
    found = _resolved(text, ["Athens", "Watkinsville", "Oconee County", "Clarke County"])
    assert found["Athens"].geo.country_code == "US" and found["Athens"].geo.admin1 == "Georgia"


def test_a_famous_place_wins_when_nothing_local_points_elsewhere():
    found = _resolved("Talks resumed in Paris on Monday.", ["Paris"])
    assert found["Paris"].geo.country_code == "FR"


def test_plural_counties_resolve_in_the_article_state():
    text = "Deputies from Gwinnett and Barrow counties searched the woods near Winder, Georgia."
    found = _resolved(text, ["Barrow counties", "Winder", "Georgia"])
    geo = found["Barrow counties"].geo
    assert geo.feature == "county" and geo.feature_code == "ADM2" and geo.admin1 == "Georgia"


def test_a_title_before_a_name_makes_it_a_person(analyze):
    article = analyze("President Obama signed the bill on Tuesday. Obama said it would help.")
    assert not any(e.geo for e in article.entities if e.name.startswith("Obama"))


def test_names_used_for_people_are_not_placed():
    text = "Critics of the Bush administration met coach Ripley, and pro-Morales crowds cheered."
    found = _resolved(text, ["Bush", "Ripley", "Morales"])
    for name in ("Bush", "Ripley", "Morales"):
        assert found[name].geo is None and found[name].type == "PERSON"


def test_a_possessive_before_a_building_word_is_not_the_town(analyze):
    article = analyze("Pilgrims filled St. Peter's Basilica in Rome for the Easter mass.")
    assert not any(e.geo and e.geo.country_code == "US" for e in article.entities)


def test_confidence_is_lower_when_readings_compete():
    sure = _resolved("Flights to Nairobi resumed.", ["Nairobi"])["Nairobi"].geo.confidence
    unsure = _resolved("Flights to Springfield resumed.", ["Springfield"])["Springfield"].geo.confidence
    assert 0 < unsure < sure <= 1


def test_the_places_file_overrides_the_resolver(tmp_path, monkeypatch):
    table = tmp_path / "places.tsv"
    # GeoNames 4250542 is Springfield, Illinois.
    table.write_text("# analyst's readings\nSpringfield\t4250542\n", encoding="utf-8")
    monkeypatch.setenv("PRESSLENS_PLACES", str(table))
    geo = _resolved("Flights to Springfield resumed.", ["Springfield"])["Springfield"].geo
    assert geo.geonames_id == 4250542 and geo.via == "override" and geo.admin1 == "Illinois"


def test_a_malformed_places_file_is_one_clear_error(tmp_path):
    import pytest

    from presslens.errors import InputError

    bad = tmp_path / "bad.tsv"
    bad.write_text("Springfield\tnot-a-number\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_places_file(str(bad))


def test_front_line_cities_landmarks_and_a_plant_keep_their_places(analyze):
    text = ("Shelling near the Zaporizhzhia Nuclear Power Plant worried inspectors, while crowds "
            "gathered on Red Square in Moscow. Ukrainian troops advanced near Lyman and Kramatorsk. "
            "Trains left Dnipro for Kherson. Officials in Mariupol and in Luhansk said the vote was over.")
    article = analyze(text)
    # Kharkiv's placing is checked in test_places, on the geocoder alone.
    expected = {"Dnipro": "UA", "Kramatorsk": "UA", "Lyman": "UA", "Kherson": "UA",
                "Mariupol": "UA", "Moscow": "RU", "Luhansk": "UA", "Zaporizhzhia Nuclear Power Plant": "UA",
                "Red Square": "RU"}
    for name, code in expected.items():
        entity = entity_named(article, name)
        assert entity is not None and entity.geo is not None and entity.geo.country_code == code, name


def test_a_town_named_beside_its_own_county_is_read_in_that_county():
    # Richmond is the seat of Madison County in Kentucky; a driver from Milwaukee, the only
    # unambiguous name, must not carry Richmond into Wisconsin or the county into Illinois.
    text = "A Richmond man was charged after a crash. The Madison County sheriff said a driver from Milwaukee was hurt."
    found = _resolved(text, ["Richmond", "Madison County", "Milwaukee"])
    assert found["Richmond"].geo.admin1 == "Kentucky"
    assert found["Madison County"].geo.admin1 == "Kentucky" and found["Madison County"].geo.feature == "county"
    assert found["Milwaukee"].geo.admin1 == "Wisconsin"


def test_a_hyphenated_compound_is_placed_through_its_parts():
    text = "Athens-Clarke commissioners met as floods reached Watkinsville, Georgia, and Greenbrier-Pocahontas County."
    found = _resolved(text, ["Athens-Clarke", "Watkinsville", "Greenbrier-Pocahontas County"])
    assert found["Athens-Clarke"].geo.name == "Athens" and found["Athens-Clarke"].geo.admin1 == "Georgia"
    county = found["Greenbrier-Pocahontas County"].geo
    assert county.feature == "county" and county.name == "Greenbrier County"
    # A prefix of stance is no place: "Anti-Obama" is not the Japanese town.
    assert _resolved("Anti-Obama banners hung in the hall.", ["Anti-Obama"])["Anti-Obama"].geo is None


def test_a_name_read_through_a_part_of_it_does_not_pull_the_others():
    # "Hampton Hills" (a housing estate) is read as Hampton only because nothing else fits;
    # that guess must not move Arlington, Texas's larger city of the name, into Virginia.
    text = "Arlington approved drilling near Hampton Hills. Arlington residents objected."
    found = _resolved(text, ["Arlington", "Hampton Hills"], kind="FAC")
    assert found["Arlington"].geo.admin1 == "Texas"


def test_the_last_name_of_a_county_list_is_a_county_too():
    text = "Jobless rates rose in Clarke, Oconee and Oglethorpe counties, and in Barrow and Jackson counties."
    found = _resolved(text, ["Oglethorpe", "Jackson"])
    for name in ("Oglethorpe", "Jackson"):
        geo = found[name].geo
        assert geo.feature == "county" and geo.admin1 == "Georgia", name
    # A state before "counties" says whose counties they are: it stays the state.
    found = _resolved("Boone County is in the middle of Indiana counties.", ["Boone County", "Indiana"])
    assert found["Indiana"].geo.feature == "region" and found["Indiana"].geo.name == "Indiana"


def test_a_county_inside_a_longer_name_still_places_the_article():
    # Unlike a town guessed from part of a name, a county named inside one is what it is about.
    text = "Deputies of the Titus County Sheriff's Office stopped a car in Mount Pleasant."
    found = _resolved(text, ["Titus County Sheriff's Office", "Mount Pleasant"])
    assert found["Titus County Sheriff's Office"].geo.feature == "county"
    assert found["Mount Pleasant"].geo.admin1 == "Texas"


def test_a_body_only_a_town_has_makes_the_name_a_town():
    # "Berea" is also a district of Lesotho, far larger than any town of the name; its
    # police and city council are a town's.
    found = _resolved("Berea police are looking for a man who robbed a store.", ["Berea"])
    assert found["Berea"].geo.feature == "city" and found["Berea"].geo.country_code == "US"
    found = _resolved("The Berea district council met on Monday.", ["Berea"])
    assert found["Berea"].geo.feature == "region"


def test_a_town_body_does_not_turn_a_state_into_a_tiny_namesake():
    found = _resolved("Georgia police closed the highway near Macon.", ["Georgia", "Macon"])
    assert found["Georgia"].geo.feature == "region" and found["Georgia"].geo.country_code == "US"


def test_a_name_opening_with_a_demonym_is_placed_in_its_country():
    text = "The exhibition shows painters from the Russian Empire and their later work."
    found = _resolved(text, ["Russian Empire"])
    assert found["Russian Empire"].geo.feature == "country" and found["Russian Empire"].geo.country_code == "RU"


def test_a_named_region_of_a_country_beats_a_village_of_the_name():
    found = _resolved("A late storm brought snow across New England on Tuesday.", ["New England"])
    geo = found["New England"].geo
    assert geo.country_code == "US" and geo.feature == "region" and geo.lon > -75


def test_a_bare_name_is_a_town_before_a_small_district_named_after_it():
    # Camden is also a district of New South Wales, bare, with as many people as the town.
    found = _resolved("A clinic in Camden will move next year, its board said.", ["Camden"])
    assert found["Camden"].geo.feature == "city"
    found = _resolved("Flooding closed roads across Camden County overnight.", ["Camden County"])
    assert found["Camden County"].geo.feature == "county"


def test_the_nearest_other_place_counts_however_many_places_an_article_names():
    # A long text names hundreds of places: the context then measures them all at once, and
    # must find the same nearest one a short article's context finds reading them one by one.
    from presslens.extract.places.gazetteer import Place, _km
    from presslens.extract.places.resolve import MANY_ANCHORS, _Context

    def town(k: int, lat: float, lon: float) -> Place:
        return Place(("t", k), f"Town {k}", "city", "GPE", lat, lon, "US", "Ohio", None, 5000)

    points = [town(k, -60 + (k * 37) % 120, -170 + (k * 71) % 340) for k in range(3 * MANY_ANCHORS)]
    context = _Context()
    for k, place in enumerate(points):
        context.add(k, [place], 1.0)
    here = town(-1, 40.0, -83.0)
    for owner in (0, 5, len(points) - 1):
        expected = min(_km(here.lat, here.lon, p.lat, p.lon) for k, p in enumerate(points) if k != owner)
        assert context._nearest_anchor(here, owner) == expected
    few = _Context()
    for k, place in enumerate(points[:3]):
        few.add(k, [place], 1.0)
    assert few._nearest_anchor(here, 0) == min(_km(here.lat, here.lon, p.lat, p.lon) for p in points[1:3])
