"""Tests for geokursk.geocode on the shipped gazetteer."""

from __future__ import annotations

import math

import pytest

from geokursk import Geocoder, InvalidQueryError, geocode, geocode_frame
from geokursk.gazetteer import Place
from geokursk.geocode import AreaMention, haversine_km, same_name_variant
from geokursk.geocode.candidates import _Cand
from geokursk.geocode.context import _apply_context, _attached

# GeoNames postal points of the three villages (geo/geonames-postal, RU 307823/307825/307833).
POSTAL = {
    "Plekhovo": (51.1031, 35.3275),
    "Vorobzha": (51.1614, 35.4856),
    "Martynovka": (51.2414, 35.3647),
}


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return Geocoder()


def test_article_villages_resolve_in_sudzhansky_district(gc: Geocoder) -> None:
    results = gc.geocode_many(list(POSTAL), context="Kursk region")
    for r in results:
        assert r.status == "resolved", r.reason
        assert r.place is not None
        assert r.place.admin1 == "Kursk Oblast"
        assert r.place.admin2 == "Sudzhansky District"
        lat, lon = POSTAL[r.query]
        assert haversine_km(r.lat or 0, r.lon or 0, lat, lon) < 3.0


def test_kurilovka_resolves_from_the_register_with_homonyms_as_alternatives(
    gc: Geocoder,
) -> None:
    r = gc.geocode_many(
        ["Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"], context="Kursk region"
    )[3]
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin2 == "Sudzhansky District" and r.place.layer == "ru-register"
    assert haversine_km(r.place.lat, r.place.lon, 51.1442, 35.2700) < 0.1
    assert "point from ru-register (rosstat)" in r.reason
    # namesakes elsewhere lost because they lie outside the context region
    far = [a for a in r.alternatives if a.place.ok]
    assert far and all("outside context" in a.reason for a in far)


@pytest.mark.parametrize("context", ["Stavropol Krai", "Sumy Oblast"])
def test_other_contexts_resolve_elsewhere_or_abstain(gc: Geocoder, context: str) -> None:
    for r in gc.geocode_many(list(POSTAL), context=context):
        if r.status == "resolved":
            assert r.place is not None
            # a Kursk village only as the one place of its name next to the context region
            assert r.place.admin1 != "Kursk Oblast" or "only place of this name" in r.reason
        else:
            assert r.place is None


def test_stavropol_context_picks_the_stavropol_martynovka(gc: Geocoder) -> None:
    r = gc.geocode("Martynovka", context="Stavropol Krai")
    assert r.status == "resolved"
    assert r.place is not None and r.place.admin1_code == "RU.70"
    assert gc.geocode("Plekhovo", context="Stavropol Krai").status == "unresolved"


def test_bare_homonym_without_context_is_ambiguous_not_a_guess(gc: Geocoder) -> None:
    r = gc.geocode("Martynovka")
    assert r.status == "ambiguous"
    assert r.place is None and len(r.alternatives) >= 3
    assert "context" in r.reason


def test_co_mentions_resolve_jointly_without_context(gc: Geocoder) -> None:
    r = gc.geocode_many(["Martynovka", "Plekhovo", "Vorobzha"])[0]
    assert r.status == "resolved"
    assert r.place is not None and r.place.admin2 == "Sudzhansky District"
    assert "co-mentioned" in r.reason


@pytest.mark.parametrize(
    "spelling", ["Plyokhovo", "Плёхово", "Плехово", "Plekhove", "plekhovo", "PLEKHOVO"]
)
def test_spellings_and_scripts_reach_the_same_village(gc: Geocoder, spelling: str) -> None:
    r = gc.geocode(spelling, context="Sudzha district, Kursk region")
    assert r.status == "resolved", (spelling, r.reason, r.alternatives[:3])
    assert r.place is not None
    assert haversine_km(r.place.lat, r.place.lon, *POSTAL["Plekhovo"]) < 3


def test_ukrainian_form_of_a_russian_village(gc: Geocoder) -> None:
    r = gc.geocode("Мартинівка", context="Курська область")
    assert r.status == "resolved"
    assert r.place is not None and r.place.admin2 == "Sudzhansky District"


def test_flagged_postal_rows_are_never_answers(gc: Geocoder) -> None:
    # Дарьино (Kursk Oblast, postal 307813) has a point near Moscow: flagged outside-admin1.
    r = gc.geocode("Дарьино", context="Kursk region")
    if r.place is not None:
        assert r.place.ok
    flagged = [a for a in r.alternatives if not a.place.ok]
    assert any("outside-admin1" in a.place.quality for a in flagged)


@pytest.mark.parametrize(
    ("name", "country"),
    [("Pyongyang", "KP"), ("Washington", "US"), ("Kyiv", "UA"), ("Moscow", "RU"), ("Nepal", "NP")],
)
def test_world_places(gc: Geocoder, name: str, country: str) -> None:
    r = gc.geocode(name)
    assert r.status == "resolved", r.reason
    assert r.place is not None and r.place.country_code == country


def test_region_and_country_names_resolve_to_areas(gc: Geocoder) -> None:
    r = gc.geocode("Kursk region")
    assert r.place is not None and r.place.id == "ne:RU-KRS" and r.place.is_area
    assert gc.geocode("Sri Lanka").place.id == "country:LK"  # type: ignore[union-attr]


def test_find_areas_recognises_region_phrases(gc: Geocoder) -> None:
    text = (
        "fighting near Sudzha district in Russia's Kursk region and в Курской области; Sumy Oblast"
    )
    found = [(m.text, m.level) for m in gc.find_areas(text)]
    assert ("Sudzha district", "admin2") in found
    assert ("Russia's", "country") in found
    assert ("Kursk region", "admin1") in found
    assert ("Курской области", "admin1") in found
    assert ("Sumy Oblast", "admin1") in found
    assert gc.find_areas(None) == []


def test_result_dict_follows_cli_contract(gc: Geocoder) -> None:
    d = gc.geocode("Vorobzha", context="Kursk region").to_dict()
    for key in (
        "query",
        "status",
        "lat",
        "lon",
        "name",
        "country_code",
        "admin1",
        "admin2",
        "score",
        "reason",
        "alternatives",
    ):
        assert key in d
    u = gc.geocode("Plekhovo", context="Stavropol Krai").to_dict()
    assert u["lat"] is None and u["name"] is None
    assert all({"name", "lat", "lon", "admin1", "score"} <= set(a) for a in u["alternatives"])


@pytest.mark.parametrize("bad", ["", "   ", "—", "123"])
def test_empty_names_raise_a_clear_error(gc: Geocoder, bad: str) -> None:
    with pytest.raises(InvalidQueryError, match="place name #1"):
        gc.geocode(bad)


def test_single_string_instead_of_list_is_rejected(gc: Geocoder) -> None:
    with pytest.raises(InvalidQueryError, match="sequence"):
        gc.geocode_many("Plekhovo")  # type: ignore[arg-type]


def test_frame_keeps_order_and_unresolved_rows() -> None:
    names = ["Kurilovka", "Plekhovo", "Nowhere-on-earth-xyz", "Vorobzha"]
    # Names of one report: resolved jointly (rows of a table are independent by default).
    gdf = geocode_frame(names, context="Kursk region", together=True)
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["query"]) == names
    assert list(gdf["status"]) == ["resolved", "resolved", "unresolved", "resolved"]
    assert gdf.geometry.iloc[2] is None and math.isnan(gdf["lat"].iloc[2])
    assert gdf.geometry.iloc[1].x == pytest.approx(gdf["lon"].iloc[1])


def test_module_level_geocode_uses_shared_instance() -> None:
    assert geocode("Vorobzha", context="Sudzha district, Kursk region").status == "resolved"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Україна", "Ukraine"),
        ("Россия", "Russia"),
        ("КНДР", "North Korea"),
        ("Sri Lanka", "Sri Lanka"),
    ],
)
def test_countries_are_recognised_in_any_script(gc: Geocoder, text: str, label: str) -> None:
    found = gc.find_areas(f"у {text}")
    assert [(m.level, m.label) for m in found] == [("country", label)]


def test_cyrillic_country_context_constrains_candidates(gc: Geocoder) -> None:
    r = gc.geocode("Суми", context="Україна")
    assert r.status == "resolved" and r.place is not None and r.place.country_code == "UA"


@pytest.mark.parametrize(("name", "country"), [("Odessa", "UA"), ("Donetsk", "UA")])
def test_a_big_city_outranks_small_namesakes_by_prominence(
    gc: Geocoder, name: str, country: str
) -> None:
    r = gc.geocode(name)
    assert r.status == "resolved" and r.place is not None
    assert r.place.country_code == country and (r.place.population or 0) >= 50_000
    assert "most prominent" in r.reason


def test_prominence_never_picks_among_villages(gc: Geocoder) -> None:
    assert gc.geocode("Kurilovka").status == "ambiguous"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("на Донеччині", "Donetsk Oblast"),
        ("на Курщині", "Kursk Oblast"),
        ("Харківщина", "Kharkiv Oblast"),
        ("у Сумській області", "Sumy Oblast"),
        ("в Курской области", "Kursk Oblast"),
    ],
)
def test_colloquial_and_inflected_region_names(gc: Geocoder, text: str, label: str) -> None:
    assert [(m.level, m.label) for m in gc.find_areas(text)] == [("admin1", label)]


def test_an_approximate_spelling_alone_is_never_a_confident_answer(gc: Geocoder) -> None:
    # "Brescio" is close to Brescia (Italy) but nothing supports that reading.
    r = gc.geocode("Brescio")
    assert r.status == "unresolved" and r.place is None
    assert "approximate" in r.reason


@pytest.mark.parametrize("text", ["in western Crimea", "в Крыму", "у Криму", "Республики Крым"])
def test_crimea_is_a_region_without_a_polygon(gc: Geocoder, text: str) -> None:
    # Natural Earth draws Crimea outside its window: the region comes from geo/admin1-extra.csv
    (area,) = gc.find_areas(text)
    assert area.level == "admin1" and [p.admin1_code for p in area.places] == ["UA.11"]
    r = gc.geocode("Chornomorske", context=text)  # also in Odesa and Kherson oblasts
    assert r.status == "resolved" and r.place is not None and r.place.admin1_code == "UA.11"


def test_an_approximate_spelling_resolves_with_supporting_context(gc: Geocoder) -> None:
    alone = gc.geocode("Plekhove")
    assert alone.status in ("ambiguous", "unresolved") and alone.place is None
    r = gc.geocode("Plekhove", context="Kursk region")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin2 == "Sudzhansky District"


def test_area_word_queries_in_cyrillic(gc: Geocoder) -> None:
    for name, iso in [("Курская область", "ne:RU-KRS"), ("Сумська область", "ne:UA-59")]:
        r = gc.geocode(name)
        assert r.status == "resolved" and r.place is not None and r.place.id == iso


# --- trust: exact names first, context as evidence, one prior rule ------------------------


@pytest.mark.parametrize(
    ("query", "context"),
    [("Olgovka", "Kursk region"), ("Ольговка", "Курская область")],
)
def test_an_exact_name_is_never_swapped_for_a_similar_one(
    gc: Geocoder, query: str, context: str
) -> None:
    r = gc.geocode(query, context=context)
    assert r.status == "resolved" and r.place is not None
    assert r.place.name == "Ольговка" and r.place.admin2 == "Korenevsky District"


def test_strict_same_name_variants_keep_g_and_kh_apart() -> None:
    assert same_name_variant(["nevelskoe"], "nevelske")
    assert same_name_variant(["gorlovka"], "horlivka")
    assert same_name_variant(["kharkov"], "harkiv")
    assert not same_name_variant(["olgovka"], "olkhovka")
    assert not same_name_variant(["kurilovka"], "karlovka")


def test_exact_matches_outside_the_context_are_named_not_replaced(gc: Geocoder) -> None:
    r = gc.geocode("Sudzha", context="Stavropol Krai")
    assert r.status == "unresolved"
    assert "named 'Sudzha', none usable" in r.reason and "outside context region" in r.reason


def test_a_unique_exact_name_survives_a_neighbouring_region_context(gc: Geocoder) -> None:
    r = gc.geocode("Enerhodar", context="shelling of Nikopol, Dnipropetrovsk Oblast")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Zaporizhzhia Oblast"
    assert "the only place of this name near it" in r.reason
    r = gc.geocode("Kreminna", context="Donetsk Oblast, Ukraine")
    assert r.status == "resolved" and r.place is not None
    assert r.place.name_latin == "Kreminna" and r.place.admin1 == "Luhansk Oblast"


def test_a_place_listing_the_name_only_as_alternate_is_not_rescued_next_door(
    gc: Geocoder,
) -> None:
    # Staroukrainka (Zaporizhzhia Oblast, 37 km from Donetsk Oblast) lists «Вербовое» among
    # its alternate names; 28 villages bear it as their main name, none in Donetsk Oblast.
    r = gc.geocode("Вербовое", context="ДНР")
    assert r.status != "resolved" and r.place is None, r.reason
    assert all(
        a.place.name_latin != "Staroukrainka" or "only place" not in a.reason
        for a in r.alternatives
    )


@pytest.mark.parametrize("town", ["Bakhmut", "Pokrovsk", "Avdiivka", "Lgov", "Kreminna", "Lyman"])
def test_one_prior_rule_picks_the_town_over_small_namesakes(gc: Geocoder, town: str) -> None:
    r = gc.geocode(town)
    assert r.status == "resolved" and r.place is not None, r.reason
    assert (r.place.population or 0) >= 10_000
    assert "most prominent" in r.reason


def test_a_machine_translation_spelling_finds_the_town_not_a_namesake(gc: Geocoder) -> None:
    # "Suja" spells Суджа (дж as j); Shuya only lists "Suja" among alternate names.
    r = gc.geocode("Suja")
    assert r.status == "resolved" and r.place is not None and r.place.name == "Суджа"
    r = gc.geocode("Suja", context="Kursk region")
    assert r.status == "resolved" and r.place is not None and r.place.name == "Суджа"


@pytest.mark.parametrize("context", ["Kursk regoin", "Narnia"])
def test_a_context_naming_nothing_known_gives_a_warning(gc: Geocoder, context: str) -> None:
    r = gc.geocode("Sudzha", context=context)
    assert r.warnings and "names no country, region or district" in r.warnings[0]
    assert r.to_dict()["warnings"] == list(r.warnings)
    assert not gc.geocode("Sudzha", context="Kursk region").warnings


@pytest.mark.parametrize(
    ("word", "iso"),
    [("Харківщині", "UA-63"), ("Сумщина", "UA-59"), ("Курщина", "RU-KRS"), ("Донеччині", "UA-14")],
)
def test_region_words_are_regions_in_any_case(gc: Geocoder, word: str, iso: str) -> None:
    r = gc.geocode(word)
    assert r.status == "resolved" and r.place is not None and r.place.id == f"ne:{iso}"


@pytest.mark.parametrize("river", ["the Dnipro river", "the Seym", "река Сейм", "річка Псел"])
def test_rivers_are_not_resolved_as_villages(gc: Geocoder, river: str) -> None:
    r = gc.geocode(river)
    assert r.status == "unresolved" and "names a river" in r.reason


def test_the_article_before_a_region_is_ignored(gc: Geocoder) -> None:
    r = gc.geocode("the Kursk region")
    assert r.status == "resolved" and r.place is not None and r.place.id == "ne:RU-KRS"


def test_the_occupation_names_of_donetsk_and_luhansk_oblasts_are_context(gc: Geocoder) -> None:
    r = gc.geocode("Дзержинск", context="Министерство обороны сообщило об ударах в ДНР.")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Donetsk Oblast" and "former name" in r.reason
    r = gc.geocode("Свердловск", context="в Луганской Народной Республике")
    assert r.status == "resolved" and r.place is not None and r.place.admin1 == "Luhansk Oblast"


def test_the_exact_name_next_door_beats_a_transliteration_inside_the_context(
    gc: Geocoder,
) -> None:
    # Рижівка (Sumy Oblast, at the border) is not Рыжевка of Kursk Oblast.
    r = gc.geocode("Рижівка", context="обстріл біля кордону Курської області")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Sumy Oblast" and "next door" not in r.reason
    assert "the only place of this name near it" in r.reason


def test_an_alternate_name_next_door_does_not_beat_the_name_transliterated_inside(
    gc: Geocoder,
) -> None:
    # Kharkiv Oblast's Myroliubivka lists «Миролюбовка» as an alternate name; Donetsk
    # Oblast's Myroliubivka is the same name in Ukrainian, inside the context.
    r = gc.geocode("Миролюбовка", context="бои в Донецкой области")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Donetsk Oblast" and "next door" not in r.reason
    assert "near it" not in r.reason


def test_an_area_of_origin_points_next_door(gc: Geocoder) -> None:
    # "from the Kursk region": the place lies outside it, within reach.
    areas = gc.find_areas("обстріл з боку Курської області")
    assert [a.origin for a in areas] == [True]
    assert [a.origin for a in gc.find_areas("обстріл у Курській області")] == [False]
    r = gc.geocode("Рижівка", context="обстріл з боку Курської області")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Sumy Oblast"
    assert "named as where the movement comes from" in r.reason
    # Басовка: a village of that name deep in Kursk Oblast loses to the border one.
    r = gc.geocode(
        "Басовка", context="Подразделения, наступающие из Курской области, заняли Басовку."
    )
    assert r.status != "resolved" or (r.place is not None and r.place.admin1 == "Sumy Oblast")


def test_a_region_named_for_another_place_does_not_decide_between_border_namesakes(
    gc: Geocoder,
) -> None:
    # Two Білогорівка 21 km apart, in Luhansk and Donetsk oblasts; the region is Siversk's.
    ctx = "Ворог просувається від села Білогорівка в бік Сіверська Донецької області."
    r = gc.geocode("Білогорівка", context=ctx)
    assert r.status == "ambiguous" and "named for another place" in r.reason
    assert {a.place.admin1 for a in r.alternatives} >= {"Luhansk Oblast", "Donetsk Oblast"}
    # Said of the name itself, the region decides.
    r = gc.geocode("Білогорівка", context="село Білогорівка Донецької області")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Donetsk Oblast"


def test_exact_names_excluded_only_by_a_country_in_passing_are_not_swapped(
    gc: Geocoder,
) -> None:
    # "Ukraine said": Bryansk (Russia) is not Брянське (Crimea) by a transliteration.
    r = gc.geocode("Bryansk", context="Ukraine said it hit an oil pumping station near Bryansk.")
    assert r.status == "ambiguous" and "not usable" in r.reason
    assert any(a.place.admin1 == "Bryansk Oblast" for a in r.alternatives)


def test_a_district_is_read_in_the_region_named_with_it(gc: Geocoder) -> None:
    text = "the hamlet of Plekhovo in Shuysky district of Russia's Ivanovo region"
    districts = [a for a in gc.find_areas(text) if a.level == "admin2"]
    assert [{p.admin1 for p in a.places} for a in districts] == [{"Ivanovskaya Oblast"}]
    r = gc.geocode("Plekhovo", context=text)
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Ivanovskaya Oblast"


def test_skeleton_edits_find_a_consonant_changed_in_the_middle(gc: Geocoder) -> None:
    gaz = gc.gazetteer
    # plekhovo is plhv; plsv differs in its third letter, so it shares neither the first
    # nor the last three letters of the skeleton with it
    assert "plekhovo" in gaz.keys_by_skeleton_edits("plsv")
    assert "plekhovo" in gaz.keys_by_skeleton_edits("plhvk")  # one letter added
    # a three-letter skeleton is searched too, Kiseevo (ksv) for Kiselevo (kslv), but
    # only with two letters fixed on one side of the edit; two letters are too few
    assert "kiselevo" in gaz.keys_by_skeleton_edits("ksv")
    assert gaz.keys_by_skeleton_edits("pv") == []


def test_misspelling_in_the_middle_of_a_short_name_is_found(gc: Geocoder) -> None:
    # Podhur for Podshur (Udmurtia): the dropped s changes both ends of the skeleton block
    r = gc.geocode("Podhur")
    assert r.status == "resolved"
    assert r.place is not None and r.place.name_latin == "Podshur"
    assert r.reason.startswith("fuzzy match 'podshur'")


def _ua_place(pid: str, admin2_stem: str, lat: float, feature: str = "PPL") -> Place:
    return Place(
        pid, "Велика Михайлівка", "Velyka Mykhailivka", None, None, feature, "UA",
        "Dnipropetrovsk Oblast", None, lat, 36.0, None, "test", "ok", "test row",
        "UA.04", admin2_stem,
    )  # fmt: skip


def test_a_place_without_a_recorded_district_may_lie_in_the_district_said_of_it() -> None:
    district = _ua_place("admin2:UA.04:synelnykivsk", "synelnykivsk", 48.3, "ADM2")
    mention = AreaMention("Синельниківського району", 17, 41, "admin2", (district,))
    recorded = _Cand(_ua_place("a", "synelnykivsk", 48.2), 100.0, "exact name", "k")
    unrecorded = _Cand(_ua_place("b", "", 47.9), 100.0, "exact name", "k")
    elsewhere = _Cand(_ua_place("c", "pokrovsk", 47.8), 100.0, "exact name", "k")
    for said, bonus in ((True, 8.0), (False, 0.0)):
        for c in (recorded, unrecorded, elsewhere):
            c.notes = []
            _apply_context(c, [mention], district_said=said)
        # the district implies its region (+6); inside the district by record: +8 more
        assert recorded.total == 114.0
        assert unrecorded.total == 106.0 + bonus
        assert elsewhere.total == 106.0  # recorded in another district: no bonus
    unrecorded.notes = []
    _apply_context(unrecorded, [mention], district_said=True)
    assert any("district not recorded" in n for n in unrecorded.notes)


def test_a_district_said_of_another_name_gives_an_unrecorded_place_nothing(
    gc: Geocoder,
) -> None:
    # The district follows the first village; the second is only in the same sentence.
    text = "Удар по Межовій Синельниківського району та по селищу Покровське."
    mentions = gc.find_areas(text)
    assert [m.level for m in mentions] == ["admin2"]
    assert not _attached("Покровське", text, mentions, absent=False)
    assert _attached("Межова", text, mentions, absent=False)
    # a context of areas only (as extraction passes per sentence) says nothing of either
    assert not _attached("Покровське", "Синельниківського району", mentions, absent=False)


def test_a_bigger_town_under_its_russian_name_keeps_a_namesake_from_winning_on_size(
    gc: Geocoder,
) -> None:
    # «Волчанск»: Volchansk (Sverdlovsk Oblast, main name, 10,000 people) and Vovchansk
    # (Kharkiv Oblast, Russian alternate name, 19,000): no winner on size alone.
    bare = gc.geocode("Волчанск")
    assert bare.status == "ambiguous"
    assert "Vovchansk" in {a.place.name_latin for a in bare.alternatives}
    kharkiv = gc.geocode("Волчанск", context="Харьковская область")
    assert kharkiv.status == "resolved" and kharkiv.place is not None
    assert kharkiv.place.name_latin == "Vovchansk"
    # a former name unlike the current one does not block: Engels was Pokrovsk
    town = gc.geocode("Pokrovsk")
    assert town.status == "resolved" and town.place is not None
    assert town.place.admin1 == "Donetsk Oblast"


def test_a_district_said_of_another_place_gives_an_unrecorded_namesake_nothing() -> None:
    # the region is attached to the name, the district to another place: not "said"
    district = _ua_place("admin2:UA.04:synelnykivsk", "synelnykivsk", 48.3, "ADM2")
    region = _ua_place("ne:UA-12", "", 48.6, "ADM1")
    text = "Velyka Mykhailivka, Dnipropetrovsk Oblast; shelling in Synelnykivskyi Raion"
    mentions = [
        AreaMention("Dnipropetrovsk Oblast", 20, 41, "admin1", (region,)),
        AreaMention("Synelnykivskyi Raion", 55, 75, "admin2", (district,)),
    ]
    assert _attached("Velyka Mykhailivka", text, mentions, absent=False)
    assert not _attached("Velyka Mykhailivka", text, mentions[1:], absent=False)


def test_a_lowercase_word_is_no_bare_area_name(gc: Geocoder) -> None:
    # «того» (that) is a Russian name of Togo and «крім» (except) romanises as Crimea's
    # krim: in a cased sentence only a capitalised word names a country or region by itself
    assert gc.find_areas("Крім того, ворог атакував Суми.") == []
    r = gc.geocode("Суми", context="Крім того, ворог атакував Суми.")
    assert r.status == "resolved" and r.place is not None
    assert r.place.admin1 == "Sumy Oblast"
    # text typed all lowercase still names its areas, and area words still count
    assert [m.level for m in gc.find_areas("near sudzha, russia")] == ["country"]
    assert [m.level for m in gc.find_areas("Бои в курской области")] == ["admin1"]
