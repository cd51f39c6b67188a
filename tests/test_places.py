"""Offline geocoding: gazetteer lookups, disambiguation from the article's other places."""

from __future__ import annotations

import math
import re

import pytest

from presslens.extract.places import country_code, geocode_entities, place_type
from presslens.record import Entity, Mention

# Written for these tests: an article-like text about the war in Ukraine that names its places
# several times, as news copy does.
UKRAINE_TEXT = (
    "Russian missiles struck Kyiv and Dnipro overnight, Ukraine's air force said. "
    "In the east, shelling hit Kharkiv and Kramatorsk, and Ukrainian troops pressed on "
    "towards Lyman in the Donetsk region. Officials in Mariupol, Kherson and Luhansk, "
    "installed by Moscow, prepared for the votes. Ukraine says Russia will not hold "
    "Zaporizhzhia. Ukraine and Russia traded blame; Moscow denied it. Ukraine's army "
    "said Russia had lost ground near Lyman."
)

# Approximate centres of the real places, for distance checks.
TRUE_PLACES = {
    "Kyiv": (50.4501, 30.5234, "UA"),
    "Dnipro": (48.4647, 35.0462, "UA"),
    "Kharkiv": (49.9935, 36.2304, "UA"),
    "Kramatorsk": (48.7234, 37.5563, "UA"),
    "Lyman": (48.9889, 37.8023, "UA"),
    "Mariupol": (47.0971, 37.5434, "UA"),
    "Kherson": (46.6354, 32.6169, "UA"),
    "Luhansk": (48.5740, 39.3078, "UA"),
    "Moscow": (55.7558, 37.6173, "RU"),
    "Zaporizhzhia": (47.8388, 35.1396, "UA"),
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def entities_in(text: str, names: list[str], kind: str = "GPE") -> list[Entity]:
    """Return one entity per name, with a mention at each whole-word occurrence in text."""
    out = []
    for i, name in enumerate(names):
        spans = [m.span() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
        mentions = [Mention(start=s, end=e, text=text[s:e]) for s, e in spans]
        out.append(Entity(id=f"e{i}", name=name, type=kind, mentions=mentions))
    return out


def geocoded(names: list[str], text: str | None = None) -> dict[str, Entity]:
    text = text if text is not None else " and ".join(names) + "."
    entities = entities_in(text, names)
    geocode_entities(entities, text)
    return {e.name: e for e in entities}


@pytest.fixture(scope="module")
def ukraine_article() -> dict[str, Entity]:
    names = ["Ukraine", "Russia", *TRUE_PLACES, "Donetsk region"]
    return geocoded(names, UKRAINE_TEXT)


@pytest.mark.parametrize("name", list(TRUE_PLACES))
def test_cities_in_a_ukraine_article_are_within_60_km(ukraine_article, name):
    lat, lon, country = TRUE_PLACES[name]
    geo = ukraine_article[name].geo
    assert geo is not None, name
    assert geo.country_code == country
    assert geo.feature == "city"
    assert geo.geonames_id is not None
    assert haversine_km(geo.lat, geo.lon, lat, lon) < 60


def test_region_phrase_resolves_to_the_region_around_the_city(ukraine_article):
    geo = ukraine_article["Donetsk region"].geo
    assert geo.feature == "region"
    assert geo.country_code == "UA"
    assert "Donetsk" in geo.name
    # The oblast's centre, not the country's: well inside 150 km of Donetsk city.
    assert haversine_km(geo.lat, geo.lon, 48.0159, 37.8028) < 150


def test_georgia_next_to_tbilisi_is_the_country():
    places = geocoded(["Georgia", "Tbilisi"], "Protesters filled Tbilisi as Georgia's parliament met.")
    assert places["Georgia"].geo.country_code == "GE"
    assert places["Georgia"].geo.feature == "country"


def test_georgia_next_to_atlanta_is_the_us_state():
    places = geocoded(["Georgia", "Atlanta"], "Voters in Atlanta lined up as Georgia counted ballots.")
    geo = places["Georgia"].geo
    assert (geo.country_code, geo.feature) == ("US", "region")
    assert haversine_km(geo.lat, geo.lon, 32.75, -83.5) < 200


@pytest.mark.parametrize(
    "name, code",
    [("Russia", "RU"), ("the United States", "US"), ("Britain", "GB"), ("U.S.", "US"),
     ("the Russian Federation", "RU"), ("Czech Republic", "CZ"), ("Ivory Coast", "CI")],
)
def test_country_names_in_common_forms_are_countries(name, code):
    geo = geocoded([name])[name].geo
    assert geo.feature == "country"
    assert geo.country_code == code


def test_moscow_alone_is_the_russian_capital():
    geo = geocoded(["Moscow"])["Moscow"].geo
    assert geo.country_code == "RU"
    assert haversine_km(geo.lat, geo.lon, 55.7558, 37.6173) < 30


def test_a_container_named_after_the_mention_wins_over_population():
    text = "Students at the university in Moscow, Idaho, held a vigil."
    geo = geocoded(["Moscow"], text)["Moscow"].geo
    assert geo.country_code == "US"
    assert haversine_km(geo.lat, geo.lon, 46.73, -117.0) < 30


def test_paris_follows_the_article():
    assert geocoded(["Paris"])["Paris"].geo.country_code == "FR"
    texas = geocoded(["Paris", "Texas"], "Storms hit Paris overnight, Texas officials said.")
    assert texas["Paris"].geo.country_code == "US"


@pytest.mark.parametrize(
    "name, code",
    [("Kharkiv oblast", "UA"), ("Kherson region", "UA"), ("Bavaria", "DE"), ("California", "US"),
     ("Crimea", "UA"), ("Belgorod region", "RU"), ("Scotland", "GB")],
)
def test_first_level_regions_are_regions(name, code):
    geo = geocoded([name])[name].geo
    assert (geo.feature, geo.country_code) == ("region", code)


def test_an_article_of_only_ambiguous_names_agrees_with_itself():
    # Both names exist in England and in Massachusetts; together they mean the US pair.
    places = geocoded(["Cambridge", "Boston"], "From Cambridge to Boston.")
    assert places["Cambridge"].geo.country_code == places["Boston"].geo.country_code == "US"


def test_names_that_are_not_places_get_no_geo():
    text = "Energoatom said Presslandia and the Referendum were fine."
    places = geocoded(["Energoatom", "Presslandia", "Referendum"], text)
    assert all(e.geo is None for e in places.values())


def test_only_place_types_are_geocoded():
    text = "Lyman and Kyiv."
    person = entities_in(text, ["Lyman"], kind="PERSON")[0]
    place = entities_in(text, ["Kyiv"])[0]
    geocode_entities([person, place], text)
    assert person.geo is None
    assert place.geo is not None and place.geo.country_code == "UA"


def test_acronyms_and_compass_points_are_not_towns():
    # "NATO" is also a town in the Philippines; "the West" names towns and a Ugandan region.
    places = geocoded(["NATO", "the West"], "NATO and the West.")
    assert places["NATO"].geo is None
    assert places["the West"].geo is None


def test_landmarks_seas_and_regions_come_from_the_curated_table():
    text = "Crowds in Red Square; a leak in the Baltic Sea; fighting in Donbas and Crimea."
    places = geocoded(["Red Square", "the Baltic Sea", "Donbas", "Crimea"], text)
    assert places["Red Square"].geo.feature == "landmark"
    assert haversine_km(places["Red Square"].geo.lat, places["Red Square"].geo.lon, 55.754, 37.620) < 2
    assert places["the Baltic Sea"].geo.feature == "region"
    assert places["Donbas"].geo.country_code == "UA"
    assert places["Crimea"].geo.feature == "region"


def test_spelling_variants_and_possessives_resolve():
    for name in ("Kiev", "Zaporizhzhya", "Kharkov", "Ukraine’s", "Kyiv's"):
        assert geocoded([name])[name].geo is not None, name
    assert geocoded(["Kiev"])["Kiev"].geo.name == "Kyiv"


def test_pronoun_mentions_do_not_change_the_reading():
    text = "Moscow said it would respond."
    entity = Entity(
        id="e0", name="Moscow", type="GPE",
        mentions=[Mention(start=0, end=6, text="Moscow"), Mention(start=12, end=14, text="it", kind="pronoun")],
    )
    geocode_entities([entity], text)
    assert entity.geo.country_code == "RU"


def test_place_type_names_well_known_places_only():
    assert place_type("Kramatorsk") == "GPE"
    assert place_type("Ukraine") == "GPE"
    assert place_type("Bavaria") == "GPE"
    assert place_type("Europe") == "LOC"
    assert place_type("Kharkiv region") == "GPE"
    assert place_type("Peskov") is None
    assert place_type("NATO") is None
    assert place_type("Kremlin") is None  # a landmark, and mostly the government it houses
    assert place_type("kyiv") is None  # not capitalised


def test_country_code_reads_common_country_names():
    assert country_code("Russia") == "RU"
    assert country_code("the U.S.") == "US"
    assert country_code("UK") == "GB"
    assert country_code("Czechia") == country_code("Czech Republic") == "CZ"
    assert country_code("Côte d’Ivoire") == "CI"
    assert country_code("Moscow") is None
