"""Place words that cue a name, and who speaks versus where (geokursk.extract.places).

Every text here is ours, written in the styles of war reporting: wire copy, ministry
bulletins and Telegram posts in English, Russian and Ukrainian.
"""

from __future__ import annotations

import pytest

from geokursk import Geocoder, default_geocoder, extract_article
from geokursk.extract.places import PlaceMention


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return default_geocoder()


def _places(text: str, gc: Geocoder) -> dict[str, PlaceMention]:
    return {p.mention: p for p in extract_article(text, geocoder=gc).places}


def _assert_resolved_in(place: PlaceMention, admin1: str) -> None:
    assert place.status == "resolved", place.result.reason
    assert place.result.place is not None and place.result.place.admin1 == admin1


@pytest.mark.parametrize(
    ("text", "mention", "relation", "admin1"),
    [
        # compass phrases, English and a sentence-initial Russian and Ukrainian comparative
        ("Russian troops pressed north of Siversk overnight.", "Siversk", "near", "Donetsk Oblast"),
        ("Западнее Кременной продолжаются встречные бои.", "Кременной", "near", "Luhansk Oblast"),
        ("Південніше Гуляйполя ворог накопичує сили.", "Гуляйполя", "near", "Zaporizhzhia Oblast"),
        # which way a movement goes, and where it comes from
        ("Ворог штурмував у бік Костянтинівки.", "Костянтинівки", "to", "Donetsk Oblast"),
        ("Огонь вели со стороны Волчанска Харьковской области.", "Волчанска", "from", None),
        # settlement nouns in more cases
        ("У селищі Краснопілля Сумської області пошкоджено лінію.", "Краснопілля", "in", None),
        ("Дрон атаковал хутор Шевченко в Белгородской области.", "Шевченко", "in", None),
        # a sentence opening with a verb of capture («Звільнили», with its soft sign)
        ("Звільнили Кліщіївку, повідомили в бригаді.", "Кліщіївку", "in", "Donetsk Oblast"),
    ],
)
def test_place_words_cue_a_name(
    gc: Geocoder, text: str, mention: str, relation: str, admin1: str | None
) -> None:
    found = _places(text, gc)
    assert mention in found, sorted(found)
    place = found[mention]
    assert place.relation == relation
    assert place.kind == "settlement"
    if admin1 is not None:
        _assert_resolved_in(place, admin1)


def test_a_compass_word_is_not_taken_for_the_name() -> None:
    found = _places("Севернее Работино идут бои.", default_geocoder())
    assert list(found) == ["Работино"]  # not «Севернее Работино»


def test_an_inflected_ukrainian_raion_is_an_area_and_ends_the_name(gc: Geocoder) -> None:
    for phrase in ("Чугуївського району", "Чугуївському районі", "Ізюмського району"):
        assert [m.level for m in gc.find_areas(phrase)] == ["admin2"], phrase
    found = _places("Ворог скинув вибухівку на село Сопич Шосткинського району.", gc)
    assert set(found) == {"Сопич", "Шосткинського району"}  # the raion is not glued on
    assert found["Сопич"].status == "resolved"
    assert found["Шосткинського району"].kind == "raion"


def test_a_regional_governor_names_the_region_not_the_city(gc: Geocoder) -> None:
    found = _places(
        "A drone hit a warehouse in Kupiansk, Kharkiv regional governor Oleh Syniehubov said.",
        gc,
    )
    assert found["Kharkiv"].kind == "oblast" and found["Kharkiv"].role == "actor"
    assert found["Kharkiv"].result.place is not None
    assert found["Kharkiv"].result.place.feature_code == "ADM1"
    assert found["Kupiansk"].status == "resolved"


def test_the_country_of_who_speaks_does_not_say_where(gc: Geocoder) -> None:
    # Russia's ministry speaks of a Ukrainian village: Russia must not exclude it.
    text = (
        "Russia's defence ministry said on Tuesday that its troops had taken Kalynove, "
        "east of Selydove in the Donetsk region."
    )
    found = _places(text, gc)
    assert found["Russia"].role == "actor"
    _assert_resolved_in(found["Kalynove"], "Donetsk Oblast")
    # With no region named, the village stays ambiguous among its namesakes in Ukraine;
    # it is never "outside context country RU".
    bare = _places("Russia's defence ministry claimed its forces had captured Kalynove.", gc)
    assert "outside context country RU" not in bare["Kalynove"].result.reason


def test_a_regions_governor_still_says_where(gc: Geocoder) -> None:
    # A governor reports on their own region: it keeps steering the article's villages.
    text = (
        "Губернатор Белгородской области сообщил, что в результате обстрела Шебекино "
        "пострадали двое мирных жителей."
    )
    _assert_resolved_in(_places(text, gc)["Шебекино"], "Belgorod Oblast")


def test_a_russian_raion_in_any_case_is_read_in_the_region_named_with_it(gc: Geocoder) -> None:
    for phrase in ("в Кореневском районе", "Суджанским районом", "Белгородского района"):
        assert [m.level for m in gc.find_areas(phrase)] == ["admin2"], phrase
    found = _places("Дрон ударил по селу Снагость Кореневского района Курской области.", gc)
    assert found["Кореневского района"].kind == "raion"
    _assert_resolved_in(found["Кореневского района"], "Kursk Oblast")
    # two regions named together are both kept (neither is the other's context)
    both = _places("Shelling was reported in the Kursk and Belgorod regions.", gc)
    assert [p.status for p in both.values()] == ["resolved", "resolved"]


def test_a_capital_that_does_not_confirm_is_who_speaks(gc: Geocoder) -> None:
    found = _places("Russian troops claimed Kalynove on Monday. Kyiv did not confirm it.", gc)
    assert found["Kyiv"].role == "actor"
    assert _places("Moscow has not commented on the strike.", gc)["Moscow"].role == "actor"
    assert _places("Drones hit Kyiv overnight.", gc)["Kyiv"].role == "event"


def test_a_city_word_after_a_name_is_dropped_unless_it_is_part_of_the_name(
    gc: Geocoder,
) -> None:
    found = _places("Russian drones struck Kharkiv City overnight, ISW assessed.", gc)
    assert list(found) == ["Kharkiv"]
    _assert_resolved_in(found["Kharkiv"], "Kharkiv Oblast")
    assert list(_places("The delegation flew on to Mexico City.", gc)) == ["Mexico City"]


def test_a_sentence_opening_with_a_verb_does_not_hide_the_places(gc: Geocoder) -> None:
    found = _places("Постраждали Нікополь і Марганець, повідомив голова ОВА.", gc)
    assert {"Нікополь", "Марганець"} <= set(found)
    _assert_resolved_in(found["Нікополь"], "Dnipropetrovsk Oblast")
    # a place name that opens the sentence keeps its first word
    assert "Горлівка" in _places("Горлівка знову під обстрілом.", gc)


def test_an_inflected_city_name_is_the_city_not_a_village_spelled_so(gc: Geocoder) -> None:
    # «Киева» and «Харькове» are also the names of small places; the dictionary forms are
    # Kyiv and Kharkiv, which the news means.
    _assert_resolved_in(_places("Ракеты летели в сторону Киева.", gc)["Киева"], "Kyiv")
    found = _places("Взрывы прогремели вечером в Харькове.", gc)
    _assert_resolved_in(found["Харькове"], "Kharkiv Oblast")
    # a sentence's first word keeps its own spelling: «Бої» (battles) is no place
    assert _places("Бої тривають на сході.", gc) == {}


def test_a_spelling_that_is_only_an_alternate_name_yields_to_its_dictionary_form(
    gc: Geocoder,
) -> None:
    # «Покровська» is only an alternate name (of Pokrovsk in Yakutia); its dictionary form
    # Покровськ is the main name of Pokrovsk, Donetsk Oblast, which the text means
    found = _places("Штурмові дії тривали південніше Покровська до ранку.", gc)
    place = found["Покровська"]
    assert place.query == "Покровськ"
    _assert_resolved_in(place, "Donetsk Oblast")


def test_place_words_do_not_eat_names_or_titles(gc: Geocoder) -> None:
    # a settlement noun that begins a name stays in it, away from the sentence's start
    assert "Хутор Михайловский" in _places("В районе Хутор Михайловский идут бои.", gc)
    assert "Станице Луганской" in _places("ВСУ атаковали позиции в Станице Луганской.", gc)
    # «мэр города» is followed by a person, not a place
    assert _places("Мэр города Валентин Демидов призвал жителей к спокойствию.", gc) == {}
    # a negation without a verb of saying leaves the place where things happened
    found = _places("Сегодня в Харькове не было электричества после удара.", gc)
    assert found["Харькове"].role == "event"
    assert _places("Kharkiv has not had power since Monday.", gc)["Kharkiv"].role == "event"
    assert _places("Киев не подтвердил эти данные.", gc)["Киев"].role == "actor"


@pytest.mark.parametrize(
    ("text", "mention", "district", "okrug"),
    [
        # Belgorod Oblast's districts are urban or municipal okrugs; a governor's post
        # names them so, with or without the qualifier, in any case
        (
            "Дрон сбросил взрывчатку на Маслову Пристань Шебекинского городского округа.",
            "Маслову Пристань",
            "Shebekinsky District",
            "Шебекинского городского округа",
        ),
        (
            "В Грайворонском округе под обстрел попало село Дорогощь.",
            "Дорогощь",
            "Grayvoronsky District",
            "Грайворонском округе",
        ),
        (
            "Drones struck a farm near Murom in the Shebekino urban district overnight.",
            "Murom",
            "Shebekinsky District",
            "Shebekino urban district",
        ),
        (
            "Під удар потрапило селище Уразове Валуйського муніципального округу.",
            "Уразове",
            "Valuysky District",
            "Валуйського муніципального округу",
        ),
    ],
)
def test_an_okrug_is_a_district_that_places_the_village(
    text: str, mention: str, district: str, okrug: str, gc: Geocoder
) -> None:
    places = _places(text, gc)
    village = places[mention]
    _assert_resolved_in(village, "Belgorod Oblast")
    assert village.result.place is not None and village.result.place.admin2 == district
    area = places[okrug]
    assert area.kind == "raion" and area.result.place is not None
    assert area.result.place.name == district


@pytest.mark.parametrize(
    ("text", "mention", "admin1"),
    [
        # ISW's "advanced in western X", and "fighting for X"
        (
            "Geolocated footage shows Russian forces advanced in western Chasiv Yar.",
            "Chasiv Yar",
            "Donetsk Oblast",
        ),
        (
            "Heavy fighting for Kurakhove continued through the night.",
            "Kurakhove",
            "Donetsk Oblast",
        ),
        ("Бои за Часов Яр не утихают.", "Часов Яр", "Donetsk Oblast"),
        # «н.п.» (населений пункт) is a place word, and its full stop does not end the sentence
        ("Ворог тиснув біля н.п. Вовчанськ і Липці.", "Вовчанськ", "Kharkiv Oblast"),
        ("Бої тривають у районах н.п. Торецьк та Щербинівка.", "Щербинівка", "Donetsk Oblast"),
        # objects of strikes: "targeted", "hit", "over", «над», «подверглись», an instrument
        ("Overnight drones targeted Lgov, officials said.", "Lgov", "Kursk Oblast"),
        ("Air defences shot down two drones over Kurchatov.", "Kurchatov", "Kursk Oblast"),
        ("Над Суджей сбит беспилотник.", "Суджей", "Kursk Oblast"),
        ("Ночью атакам подверглись Грайворон и Головчино.", "Грайворон", "Belgorod Oblast"),
        ("Войска взяли под контроль Угледар после долгих боёв.", "Угледар", "Donetsk Oblast"),
        ("Окупанти атакували дронами Середину-Буду.", "Середину-Буду", "Sumy Oblast"),
    ],
)
def test_more_place_words_of_war_reporting(
    text: str, mention: str, admin1: str, gc: Geocoder
) -> None:
    _assert_resolved_in(_places(text, gc)[mention], admin1)


def test_a_peoples_republic_names_its_region_in_english(gc: Geocoder) -> None:
    # the possessive inside the phrase belongs to the name; "Russia's" still loses it
    found = _places("Moscow said it had captured Nevske in the Luhansk People's Republic.", gc)
    assert found["Luhansk People's Republic"].result.place is not None
    _assert_resolved_in(found["Nevske"], "Luhansk Oblast")


def test_a_prominent_place_elsewhere_does_not_beat_namesakes_in_the_region_named(
    gc: Geocoder,
) -> None:
    # Several villages called Шевченко lie in Donetsk Oblast; a big record of the name in
    # Poltava Oblast must not be taken for them
    found = _places("Подразделения заняли населённый пункт Шевченко в ДНР.", gc)
    place = found["Шевченко"]
    assert place.result.place is None or place.result.place.admin1 == "Donetsk Oblast"
    assert place.status != "unresolved" or place.result.alternatives


def test_the_article_regions_choose_between_readings_of_an_inflected_name(gc: Geocoder) -> None:
    # «Іванівці» is also the name of villages elsewhere; in a report on Dnipropetrovsk
    # Oblast it is the locative of Іванівка there
    text = "На Дніпропетровщині ворог обстріляв села: пошкоджено будинки в Іванівці та Маліївці."
    found = _places(text, gc)
    assert found["Іванівці"].query == "Іванівка"
    _assert_resolved_in(found["Іванівці"], "Dnipropetrovsk Oblast")
    _assert_resolved_in(found["Маліївці"], "Dnipropetrovsk Oblast")


def test_an_inflected_name_no_key_spells_is_read_by_a_variant_inside_the_regions(
    gc: Geocoder,
) -> None:
    # «Новій Таволжанці» is Нова Таволжанка, the Ukrainian form of Новая Таволжанка: no
    # gazetteer key spells it, the geocoder's spelling variants do
    text = "Вночі вибухи пролунали в Шебекіному та Новій Таволжанці Бєлгородської області."
    found = _places(text, gc)
    _assert_resolved_in(found["Шебекіному"], "Belgorod Oblast")
    village = found["Новій Таволжанці"]
    assert village.query == "Нова Таволжанка"
    _assert_resolved_in(village, "Belgorod Oblast")


def test_of_an_inflected_names_forms_the_one_that_resolves_in_the_district_is_read(
    gc: Geocoder,
) -> None:
    # «Никольском» is first looked up as a form no village of Belgorodsky District bears;
    # Никольское, a village there, is what the text means
    found = _places("В Никольском Белгородского района повреждена линия электропередачи.", gc)
    village = found["Никольском"]
    assert village.query == "Никольское"
    assert village.result.place is not None
    assert village.result.place.admin2 == "Belgorodsky District"


@pytest.mark.parametrize(
    ("text", "first", "second", "name"),
    [
        # the former name in brackets: alone, «Дзержинск» is the Russian city of 233,000
        ("Штурмы у Торецка (Дзержинска) продолжаются.", "Торецка", "Дзержинска", "Toretsk"),
        (
            "Troops dug in near Myrnohrad (Dimitrov) overnight.",
            "Myrnohrad",
            "Dimitrov",
            "Myrnohrad",
        ),
        ("Бої за Бахмут (Артемівськ) тривали місяцями.", "Бахмут", "Артемівськ", "Bakhmut"),
    ],
)
def test_a_name_with_another_of_its_names_in_brackets_is_the_place_bearing_both(
    text: str, first: str, second: str, name: str, gc: Geocoder
) -> None:
    found = _places(text, gc)
    for mention in (first, second):
        place = found[mention]
        assert place.result.place is not None and place.result.place.name_latin == name
        assert place.result.place.admin1 == "Donetsk Oblast"


def test_an_area_in_brackets_is_no_other_name_of_the_place(gc: Geocoder) -> None:
    found = _places("Росіяни обстріляли Куп'янськ (Харківська область) вночі.", gc)
    _assert_resolved_in(found["Куп'янськ"], "Kharkiv Oblast")
    assert found["Харківська область"].kind == "oblast"


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Губернатор сообщал об обстрелах Тёткина и Глушкова в Курской области.", "Тёткина"),
        ("Увечері ворог вдарив по Покровському на Синельниківщині.", "Покровському"),
    ],
)
def test_shelling_of_a_place_cues_the_place(text: str, mention: str) -> None:
    assert mention in [p.mention for p in extract_article(text).places]


def test_a_region_across_the_border_is_not_where_the_villages_are() -> None:
    text = (
        "Russian troops advanced near Kotlyne and Udachne, close to the administrative "
        "border with Dnipropetrovsk region, analysts said."
    )
    places = {p.mention: p for p in extract_article(text).places}
    udachne = places["Udachne"].result.place
    assert udachne is not None and udachne.admin1 == "Donetsk Oblast"
