"""Extraction of place mentions and claim candidates from article text (geokursk.extract).

The articles under ``tests/data/articles/`` were written for these tests in three news
styles (wire report, Russian MoD statement, Telegram post); the seed article is read from
``../shared/seed/article.txt`` when present.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from geokursk.claims import Claim, FigureKind, LocationPrecision, Qualifier, Relation, Side
from geokursk.errors import GeokurskError
from geokursk.extract import ArticleError, Extraction, extract_article, read_article
from geokursk.geocode import Geocoder

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = Path(__file__).parent / "data" / "articles"
SEED = ROOT / ".." / "shared" / "seed" / "article.txt"
RETELLING = ROOT / "data" / "article_retelling.txt"

# Publication dates of the reports the relative dates belong to.
PUBLISHED = {
    "seed": dt.date(2024, 12, 17),  # Al Jazeera original; the copy is dated 2025-01-17
    "retelling": dt.date(2024, 12, 17),
    "wire_sumy_border": dt.date(2025, 3, 3),
    "mod_ru": dt.date(2024, 12, 16),
    "telegram_post": dt.date(2025, 3, 5),
    "uk_general_staff": dt.date(2024, 10, 7),
    "wire_kharkiv_belgorod": dt.date(2025, 5, 21),
    "uk_kharkiv_ova": dt.date(2025, 5, 21),
    "ru_belgorod_mod": dt.date(2025, 5, 21),
}


@cache
def _geocoder() -> Geocoder:
    return Geocoder()


@cache
def _extract(name: str) -> tuple[str, Extraction]:
    path = {"seed": SEED, "retelling": RETELLING}.get(name, ARTICLES / f"{name}.txt")
    text = read_article(path)
    return text, extract_article(text, geocoder=_geocoder(), published=PUBLISHED[name])


def _places(name: str) -> list[tuple[str, str]]:
    return [(p.mention, p.status) for p in _extract(name)[1].places]


def _place(name: str, mention: str) -> Any:
    return next(p for p in _extract(name)[1].places if p.mention == mention)


def _claim(name: str, claimant_part: str, *, with_figures: bool = True) -> Any:
    return next(
        c
        for c in _extract(name)[1].claims
        if claimant_part in c.claimant and (c.figures or not with_figures)
    )


def _figures(claim: Any) -> list[tuple[str, Any, str]]:
    return [(f.kind, f.value, f.qualifier) for f in claim.figures]


needs_seed = pytest.mark.skipif(
    not SEED.exists(), reason="seed article ../shared/seed/article.txt is not checked out"
)


# --- every article: spans and vocabulary ---------------------------------------------

ALL = [
    "retelling",
    "wire_sumy_border",
    "mod_ru",
    "telegram_post",
    "uk_general_staff",
    "wire_kharkiv_belgorod",
    "uk_kharkiv_ova",
    "ru_belgorod_mod",
] + (["seed"] if SEED.exists() else [])


@pytest.mark.parametrize("name", ALL)
def test_mention_spans_are_the_text_as_written(name: str) -> None:
    text, ex = _extract(name)
    assert ex.places
    for p in ex.places:
        assert text[p.start : p.end] == p.mention
    assert [p.start for p in ex.places] == sorted(p.start for p in ex.places)


@pytest.mark.parametrize("name", ALL)
def test_candidates_use_the_claims_vocabulary_and_validate_as_claims(name: str) -> None:
    _, ex = _extract(name)
    assert ex.claims
    read_only = {"claim_status", "extraction"}
    place_read_only = {"status", "lat", "lon", "matched_name", "place_id", "admin1", "country_code"}
    for c in ex.claims:
        rec = c.to_record()
        Side(rec["side"])
        for f in rec["figures"]:
            FigureKind(f["kind"])
            Qualifier(f["qualifier"])
            assert (f["value"] is None) == (f["qualifier"] == "unspecified")
        for p in rec["places"]:
            Relation(p["relation"])
            LocationPrecision(p["precision"])
        raw = {k: v for k, v in rec.items() if k not in read_only}
        raw["places"] = [
            {k: v for k, v in p.items() if k not in place_read_only} for p in rec["places"]
        ]
        Claim.model_validate(raw)


# --- seed article (Occasional Digest republication of Al Jazeera) ----------------------


@needs_seed
def test_seed_finds_the_villages_with_exact_spans_and_statuses() -> None:
    text, ex = _extract("seed")
    wanted = {"Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"}
    villages = {p.mention: p for p in ex.places if p.mention in wanted}
    for name, status in [
        ("Plekhovo", "resolved"),
        ("Vorobzha", "resolved"),
        ("Martynovka", "resolved"),
        ("Kurilovka", "resolved"),
    ]:
        p = villages[name]
        assert (p.start, p.end) == (text.index(name), text.index(name) + len(name))
        assert p.status == status
    assert villages["Plekhovo"].result.place.admin1 == "Kursk Oblast"
    assert villages["Kurilovka"].relation == "in the area of"
    assert villages["Kurilovka"].result.place.admin2 == "Sudzhansky District"
    assert {p.relation for n, p in villages.items() if n != "Kurilovka"} == {"near"}


@needs_seed
def test_seed_rejects_capitalised_words_that_are_not_places() -> None:
    mentions = {m for m, _ in _places("seed")}
    for word in [
        "Pentagon",
        "Pat Ryder",
        "Ryder",
        "Telegram",
        "Most",
        "Vladimir",
        "Putin",
        "Monday",
        "GUR",
        "Al Jazeera",
        "South Korean",
        "Russian",
    ]:
        assert word not in mentions
    assert {"Washington", "Kyiv", "Pyongyang", "Moscow", "Nepal", "Sri Lanka"} <= mentions
    assert _place("seed", "Kursk border region").result.place.feature_code == "ADM1"


@needs_seed
def test_seed_gur_claim_figures_places_and_date_against_the_original_publication() -> None:
    _, ex = _extract("seed")
    gur = _claim("seed", "GUR")
    assert _figures(gur) == [("killed_or_wounded", 30, "at_least")]
    assert gur.figures[0].subject == "North Korean soldiers"
    rec = gur.to_record()
    assert rec["claim_date"] == "2024-12-16"  # "on Monday" before Tuesday 17 December
    assert [(p["name"], p["relation"]) for p in rec["places"] if p["precision"] != "region"] == [
        ("Plekhovo", "near"),
        ("Vorobzha", "near"),
        ("Martynovka", "near"),
    ]
    assert "significant losses" in rec["key_phrases"]
    assert any("2025-01-17" in n and "republication" in n for n in ex.notes)


@needs_seed
def test_seed_links_pentagon_support_and_kremlin_referral_to_gur() -> None:
    missing = _claim("seed", "GUR", with_figures=True)
    gur_ids = {
        c.id
        for c in _extract("seed")[1].claims
        if c.side == "ukraine" and any(f.value for f in c.figures) and "GUR" in c.claimant
    }
    assert missing.id in gur_ids
    # The sentence naming Pat Ryder (the headline's joint claim is a Pentagon claim too).
    pentagon = next(
        c for c in _extract("seed")[1].claims if c.claimant == "Pentagon" and c.claimant_person
    )
    assert (pentagon.claimant_person, pentagon.side, pentagon.channel) == (
        "Pat Ryder",
        "usa",
        "press_briefing",
    )
    assert set(pentagon.corroborates) == gur_ids
    kremlin = _claim("seed", "Kremlin", with_figures=False)
    assert kremlin.response["kind"] == "referred"
    assert kremlin.response["referred_to"] == "the Russian Ministry of Defence"
    assert set(kremlin.responds_to) == gur_ids
    assert kremlin.claim_status == "no_comment"


@needs_seed
def test_seed_other_figures() -> None:
    assert _figures(_claim("seed", "Mediazona")) == [("killed", 71000, "more_than")]
    assert _figures(_claim("seed", "General Staff")) == [("killed", 654000, "more_than")]
    staff = _claim("seed", "General Staff").to_record()
    assert staff["event_end"] == "2024-10-01"  # "as of October 1", year from the publication
    assert _figures(_claim("seed", "Defence Ministry")) == [("personnel_losses", 500000, "almost")]
    assert _figures(_claim("seed", "South Korean")) == [("deployed", 11000, "about")]


# --- our re-telling ------------------------------------------------------------------


def test_retelling_places_and_event_dates() -> None:
    places = dict(_places("retelling"))
    assert {places[v] for v in ["Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"]} == {"resolved"}
    assert "Part" not in places  # sentence-initial ordinary word that is also an alt name
    gur = _claim("retelling", "GUR").to_record()
    assert (gur["claim_date"], gur["event_start"], gur["event_end"]) == (
        "2024-12-16",
        "2024-12-14",
        "2024-12-15",
    )
    assert gur["channel"] == "telegram"


def test_retelling_claimants_from_appositive_and_inverted_sentences() -> None:
    pentagon = _claim("retelling", "Pentagon", with_figures=False)
    assert pentagon.claimant_person == "Pat Ryder"
    assert pentagon.figures[0].kind == "killed_or_wounded"
    assert pentagon.figures[0].qualifier == "unspecified"
    kremlin = _claim("retelling", "Kremlin", with_figures=False)
    assert kremlin.response["asked_by"] == "the Associated Press"
    assert kremlin.channel == "media_inquiry"
    mod = _claim("retelling", "Defence Ministry")  # not "RT", which only carried the report
    assert mod.side == "russia"
    assert _figures(mod) == [("personnel_losses", 500000, "almost")]
    # "South Korean, US and Ukrainian intelligence": three claimants, three claims.
    intel = [c for c in _extract("retelling")[1].claims if "intelligence" in c.claimant]
    assert {(c.claimant, c.side) for c in intel} >= {
        ("South Korean intelligence", "south_korea"),
        ("US intelligence", "usa"),
        ("Ukrainian intelligence", "ukraine"),
    }
    assert len({c.sentence for c in intel}) == 1 and not any(c.joint_claimants for c in intel)
    assert all(_figures(c) == _figures(intel[0]) for c in intel)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # the subject after an inverted verb, with its appositive
        (
            "Three houses burned in Graivoron after shelling, said Vyacheslav Gladkov, "
            "the governor of the Belgorod region.",
            "Vyacheslav Gladkov",
        ),
        # an official's title with "of" is the subject, not an appositive of the clause
        (
            "Three houses burned in Graivoron after shelling, the governor of the Belgorod "
            "region said.",
            None,
        ),
    ],
)
def test_a_governor_speaking_after_the_report_is_its_claimant(
    text: str, person: str | None
) -> None:
    (claim,) = extract_article(text).claims
    record = claim.to_record()
    assert "Graivoron" not in record["claimant"] and "governor" in (
        record["claimant"] + " " + (record["claimant_role"] or "")
    )
    assert record["claimant_person"] == person
    assert record["side"] == "russia"  # the region's country, from the role
    assert [p["name"] for p in record["places"]] == ["Graivoron"]


# --- wire report: Sumy / Kursk / Belgorod border --------------------------------------

WIRE_PLACES = [
    ("Ukraine", "resolved"),
    ("Sumy region", "resolved"),
    ("Moscow", "resolved"),
    ("Tyotkino", "resolved"),
    ("KYIV", "resolved"),
    ("Ukraine", "resolved"),
    ("Sumy Oblast", "resolved"),
    ("Yunakivka", "resolved"),
    ("Myropillia", "resolved"),
    ("Khotin", "resolved"),
    ("Sumy", "resolved"),
    ("Novenke", "resolved"),
    ("Russia", "resolved"),
    ("Tyotkino", "resolved"),
    ("Glushkovo", "resolved"),
    ("Korenevo", "resolved"),
    ("Kursk region", "resolved"),
    ("Ukraine", "resolved"),
    ("Kyiv", "resolved"),
    ("Sudzha", "resolved"),
    ("Belgorod region", "resolved"),
    ("Shebekino", "resolved"),
    ("Kremlin", "resolved"),
]


def test_wire_article_places_in_text_order_with_statuses() -> None:
    assert _places("wire_sumy_border") == WIRE_PLACES


def test_actors_datelines_and_statement_places_are_kept_apart_from_event_places() -> None:
    ex = _extract("wire_sumy_border")[1]
    roles = [(p.mention, p.role) for p in ex.places]
    assert ("KYIV", "dateline") in roles  # "KYIV, March 3 (Geokursk Wire) -"
    assert ("Moscow", "actor") in roles  # "Moscow claims gains"
    assert ("Kremlin", "actor") in roles
    kremlin = next(p for p in ex.places if p.mention == "Kremlin")
    assert kremlin.result.place is not None and kremlin.result.place.name_latin == "Moscow"
    claim_places = {p.mention for c in ex.claims for p in c.places}
    assert {"KYIV", "Kremlin", "Moscow"}.isdisjoint(claim_places)
    assert {p.role for c in ex.claims for p in c.places} == {"event"}


def test_wire_article_resolves_each_village_in_its_own_region() -> None:
    regions = {
        "Yunakivka": "Sumy Oblast",
        "Khotin": "Sumy Oblast",
        "Tyotkino": "Kursk Oblast",
        "Sudzha": "Kursk Oblast",
        "Shebekino": "Belgorod Oblast",
        "Novenke": "Sumy Oblast",
    }
    for mention, admin1 in regions.items():
        assert _place("wire_sumy_border", mention).result.place.admin1 == admin1
    novenke = _place("wire_sumy_border", "Novenke")
    assert novenke.relation == "near"
    assert novenke.result.place.admin2 == "Sumskyi Raion"  # KATOTTG raion of the WOF point


def test_wire_article_claims() -> None:
    admin = _claim("wire_sumy_border", "administration")
    assert _figures(admin) == [("killed", 4, "at_least"), ("wounded", 11, "exact")]
    assert admin.to_record()["claim_date"] == "2025-03-03"
    mod = _claim("wire_sumy_border", "Defence Ministry")
    assert (mod.side, _figures(mod)) == ("russia", [("killed", 120, "at_most")])
    assert [p.mention for p in mod.places] == ["Tyotkino", "Glushkovo", "Korenevo", "Kursk region"]
    staff = _claim("wire_sumy_border", "General Staff")
    assert (staff.claimant_person, staff.side) == ("Ivan Petrenko", "ukraine")
    assert staff.to_record()["claim_date"] == "2025-03-02"  # "on Sunday"
    kremlin = _claim("wire_sumy_border", "Kremlin", with_figures=False)
    assert kremlin.response["kind"] == "no_comment"
    assert kremlin.responds_to == (staff.id,)


# --- Russian MoD statement -----------------------------------------------------------


def test_russian_article_inflected_names_resolve_by_dictionary_form() -> None:
    forms = {p.mention: (p.query, p.status, p.relation) for p in _extract("mod_ru")[1].places}
    assert forms["Мартыновки"] == ("Мартыновка", "resolved", "near")  # "у Мартыновки"
    assert forms["Воробжи"] == ("Воробжа", "resolved", "near")
    assert forms["Суджей"] == ("Суджа", "resolved", "near")  # "под Суджей"
    assert forms["Зелёный Шлях"] == ("Зелёный Шлях", "resolved", "in the area of")
    assert _place("mod_ru", "Зелёный Шлях").result.place.admin2 == "Sudzhansky District"
    assert _place("mod_ru", "Плёхово").result.place.admin2 == "Sudzhansky District"
    assert "того" not in forms  # "кроме того" is not Togo


def test_russian_article_figures_and_claimants() -> None:
    mod = [c for c in _extract("mod_ru")[1].claims if "обороны" in c.claimant and c.figures]
    assert [_figures(c) for c in mod] == [
        [("killed_or_wounded", 30, "at_least")],  # "не менее 30 ... убитыми и ранеными"
        [("killed", 20, "at_least")],  # "десятки"
    ]
    assert "десятки" in (mod[1].figures[0].note or "")
    assert _claim("mod_ru", "корреспондент").figures[0].kind == "captured"
    staff = _claim("mod_ru", "Генштаб", with_figures=False)
    assert staff.side == "ukraine"
    assert set(staff.responds_to) == {c.id for c in mod}


# --- Telegram post -------------------------------------------------------------------


def test_telegram_post_words_ranges_and_dozens() -> None:
    claims = _extract("telegram_post")[1].claims
    figures = [(f.kind, f.value, f.qualifier, f.note) for c in claims for f in c.figures]
    assert figures == [
        ("killed", 24, "at_least", "'Dozens' in the text"),
        ("wounded", 20, "at_least", "range 20 to 30 in the text"),
        ("captured", 2, "exact", None),
        ("missing", 5, "exact", None),
        ("killed", 10, "at_least", "range 10 to 15 in the text"),
    ]
    milbloggers = _claim("telegram_post", "milbloggers")
    assert milbloggers.side == "russia"
    assert milbloggers.to_record()["event_start"] == "2025-03-04"  # "yesterday"


def test_telegram_post_places_and_an_ambiguous_village() -> None:
    assert _places("telegram_post") == [
        ("KHARKIV", "resolved"),
        ("Vovchansk", "resolved"),
        ("Lyptsi", "resolved"),
        ("Kozacha Lopan", "resolved"),
        ("Hlyboke", "ambiguous"),
        ("Ukraine", "resolved"),
    ]
    assert len(_place("telegram_post", "Hlyboke").result.alternatives) > 1


# --- dates: the reference date and its basis -------------------------------------------


def test_dateline_is_used_with_a_note_when_no_date_is_given() -> None:
    text = "Fri. Jan 17th, 2025\n\nThe governor said on Monday that three people were wounded."
    ex = extract_article(text, geocoder=_geocoder())
    assert ex.reference_date == dt.date(2025, 1, 17)
    assert ex.date_basis.startswith("dateline")
    assert any("republication" in n for n in ex.notes)
    assert ex.claims[0].to_record()["claim_date"] == "2025-01-13"


def test_relative_dates_stay_unresolved_without_any_date() -> None:
    ex = extract_article("The governor said on Monday that three people were wounded.")
    assert ex.reference_date is None
    assert ex.claims[0].to_record()["claim_date"] is None
    assert any("unresolved" in n for n in ex.notes)


# --- small texts ---------------------------------------------------------------------


def test_unknown_name_after_a_strong_pattern_is_reported_unresolved() -> None:
    ex = extract_article(
        "Officials said some 30 soldiers were killed near the village of Qwertyzovka.",
        geocoder=_geocoder(),
    )
    assert [(p.mention, p.status, p.relation) for p in ex.places] == [
        ("Qwertyzovka", "unresolved", "near")
    ]
    assert _figures(ex.claims[0]) == [("killed", 30, "about")]


def test_person_names_and_titles_are_not_places() -> None:
    ex = extract_article("President Vladimir Putin met reporters in Moscow.", geocoder=_geocoder())
    assert [p.mention for p in ex.places] == ["Moscow"]


def test_text_without_places_or_claims_gives_empty_results() -> None:
    ex = extract_article("Nothing happened here.", geocoder=_geocoder())
    assert ex.places == () and ex.claims == ()
    assert ex.to_dict()["places"] == []


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_raises_article_error(text: str) -> None:
    with pytest.raises(ArticleError, match="empty"):
        extract_article(text)


def test_non_string_raises_article_error() -> None:
    with pytest.raises(ArticleError, match="not bytes"):
        extract_article(b"Sudzha")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "match"),
    [(b"", "is empty"), (b"\x00\x01binary", "looks binary"), (b"\xff\xfe\xfa", "not UTF-8")],
)
def test_read_article_rejects_unusable_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match=match) as info:
        read_article(path)
    assert isinstance(info.value, GeokurskError) and isinstance(info.value, ValueError)


def test_read_article_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="not found"):
        read_article(tmp_path / "missing.txt")


def test_ukrainian_article_colloquial_region_and_inflected_names() -> None:
    # "на Донеччині" (colloquial, locative) sets the region for the genitive town names.
    forms = {p.mention: (p.query, p.status) for p in _extract("uk_general_staff")[1].places}
    assert forms["Донеччині"][1] == "resolved"
    for mention, admin1 in [
        ("Покровська", "Donetsk Oblast"),
        ("Торецька", "Donetsk Oblast"),
        ("Курахового", "Donetsk Oblast"),
        ("Селидового", "Donetsk Oblast"),
        ("Сумській області", "Sumy Oblast"),
        ("Миропілля", "Sumy Oblast"),
    ]:
        place = _place("uk_general_staff", mention)
        assert place.status == "resolved", (mention, place.result.reason)
        assert place.result.place.admin1 == admin1, mention
    claim = _claim("uk_general_staff", "", with_figures=True)
    assert ("killed", 40, "more_than") in _figures(claim)


# --- held-out articles: Kharkiv/Belgorod border in three styles ----------------------


def _claim_at(name: str, sentence: int) -> Any:
    return next(c for c in _extract(name)[1].claims if c.sentence == sentence)


def test_several_figures_in_one_sentence_each_get_their_own_kind_and_qualifier() -> None:
    # "killed two civilians and wounded at least nine others"
    first = _claim_at("wire_kharkiv_belgorod", 0)
    assert _figures(first) == [("killed", 2, "exact"), ("wounded", 9, "at_least")]
    # "killing one man and injuring four people"
    second = _claim_at("wire_kharkiv_belgorod", 1)
    assert _figures(second) == [("killed", 1, "exact"), ("wounded", 4, "exact")]
    # Ukrainian: a collective numeral, then a second figure with its own verb.
    ova = _claim_at("uk_kharkiv_ova", 0)
    assert _figures(ova) == [("killed", 2, "exact"), ("wounded", 7, "at_least")]
    # Russian: "погибли два ..., еще около десяти человек получили ранения".
    gov = _claim_at("ru_belgorod_mod", 1)
    assert _figures(gov) == [("killed", 2, "exact"), ("wounded", 10, "about")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A woman was killed and two men were wounded when a drone hit Nikopol, "
            "the regional governor said.",
            [("killed", 1, "exact"), ("wounded", 2, "exact")],
        ),
        (
            "Shelling of Kherson killed a 71-year-old man and injured three others, "
            "the city administration said.",
            [("killed", 1, "exact"), ("wounded", 3, "exact")],
        ),
        (
            "Под Шебекино погиб мирный житель, ещё двое ранены, сообщил губернатор.",
            [("killed", 1, "exact"), ("wounded", 2, "exact")],
        ),
        (
            "Внаслідок удару по Херсону чоловік дістав поранення, повідомила ОВА.",
            [("wounded", 1, "exact")],
        ),
        (
            "Ще четверо поранені внаслідок обстрілу Марганця, повідомила ОВА.",
            [("wounded", 4, "exact")],
        ),
    ],
)
def test_one_person_named_without_a_number_counts_one(
    text: str, expected: list[tuple[str, Any, str]]
) -> None:
    (claim,) = extract_article(text).claims
    assert _figures(claim) == expected


@pytest.mark.parametrize(
    "text",
    [
        "No civilian was hurt in the strike on Sumy, the city council said.",
        "Двое мужчин погибли и трое мужчин ранены в Белгороде, сообщил губернатор.",
        "Two men were killed and a tank was destroyed near Pokrovsk, the brigade said.",
    ],
)
def test_negated_plural_or_counted_people_are_not_one_person(text: str) -> None:
    figures = [f for c in extract_article(text).claims for f in c.figures]
    assert all(f.value != 1 for f in figures), figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A woman and her son were killed when a glide bomb hit Kupiansk, the governor said.",
            [("killed", 2, "exact")],
        ),
        (
            "Russian shelling of Nikopol killed a man, a woman and a child, officials said.",
            [("killed", 3, "exact")],
        ),
        (
            "Погибла женщина и её сын, ещё трое ранены, сообщил губернатор.",
            [("killed", 2, "exact"), ("wounded", 3, "exact")],
        ),
        (
            "У Херсоні поранені чоловік та його дружина, повідомила ОВА.",
            [("wounded", 2, "exact")],
        ),
    ],
)
def test_people_named_one_by_one_are_counted(
    text: str, expected: list[tuple[str, Any, str]]
) -> None:
    (claim,) = extract_article(text).claims
    assert _figures(claim) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # «человека» and «людини» are what counts after two, three and four
        ("Под Рыльском погибли два человека, сообщил губернатор.", [("killed", 2, "exact")]),
        (
            "У Нікополі загинули 2 людини, ще 14 — поранені, повідомила ОВА.",
            [("killed", 2, "exact"), ("wounded", 14, "exact")],
        ),
        # «пострадали» is wounded; workers and employees are people
        ("В Шебекино пострадали три человека, сообщил губернатор.", [("wounded", 3, "exact")]),
        (
            "A drone hit a farm near Sumy and two workers were injured, the governor said.",
            [("wounded", 2, "exact")],
        ),
        (
            "В Рыльске ранены двое сотрудников предприятия, сообщил губернатор.",
            [("wounded", 2, "exact")],
        ),
        # oblique collective numerals
        ("Росіяни поранили шістьох жителів Херсона, повідомила ОВА.", [("wounded", 6, "exact")]),
        # a verb before a comma does not reach past it
        (
            "Генштаб: ліквідовано 28 окупантів, ще 35 поранено, трьох взято в полон.",
            [("killed", 28, "exact"), ("wounded", 35, "exact"), ("captured", 3, "exact")],
        ),
        (
            "Минобороны сообщило о потерях ВСУ под Суджей — 74 человека убитыми и 110 ранеными.",
            [("killed", 74, "exact"), ("wounded", 110, "exact")],
        ),
    ],
)
def test_common_russian_and_ukrainian_counts(
    text: str, expected: list[tuple[str, Any, str]]
) -> None:
    figures = [f for c in extract_article(text).claims for f in c.figures]
    assert [(f.kind, f.value, f.qualifier) for f in figures] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A man was killed and a woman was injured in Sumy, the regional administration said.",
            [("killed", 1, "exact"), ("wounded", 1, "exact")],
        ),
        ("No man and no woman were hurt in Sumy, officials said.", []),
    ],
)
def test_single_verbs_or_negated_lists_are_not_one_list(
    text: str, expected: list[tuple[str, Any, str]]
) -> None:
    figures = [f for c in extract_article(text).claims for f in c.figures]
    assert [(f.kind, f.value, f.qualifier) for f in figures] == expected


def test_a_post_signed_on_its_last_line_speaks_in_the_signer_s_voice() -> None:
    text = (
        "Окупанти знову били по Краснопіллю з артилерії. Поранено двох людей.\n\n"
        "Олег Григоров, начальник Сумської ОВА"
    )
    claims = extract_article(text).claims
    assert claims and all("Григоров" in c.claimant and c.side == "ukraine" for c in claims)
    assert any("signature" in n for c in claims for n in c.notes)


@pytest.mark.parametrize(
    ("last_line", "side"),
    [("Олег Григоров", "ukraine"), ("Вячеслав Гладков", "russia"), ("Vadym Filashkin", "ukraine")],
)
def test_a_known_speaker_signing_alone_is_the_voice(last_line: str, side: str) -> None:
    text = f"Окупанти знову били по Краснопіллю з артилерії. Поранено двох людей.\n\n{last_line}"
    claims = extract_article(text).claims
    assert claims and all(c.side == side for c in claims)


@pytest.mark.parametrize(
    ("text", "side"),
    [
        (
            "Мирный житель погиб при атаке дрона на Любечане. Об этом сообщил губернатор Богомаз.",
            "russia",
        ),
        (
            "У Нікополі поранено двох чоловіків. Про це повідомив голова Дніпропетровської ОВА.",
            "ukraine",
        ),
        ("Как сообщает «Медуза», в Погаре пострадали три человека.", "independent_media"),
        ("As reported by Reuters, two people were injured in Sumy.", "international_media"),
        ("В Кремяном погиб мирный житель, сообщили в оперативном штабе Курской области.", "russia"),
    ],
)
def test_who_speaks_after_the_verb_or_in_the_next_sentence(text: str, side: str) -> None:
    claims = extract_article(text).claims
    assert claims and all(c.side == side for c in claims), [(c.claimant, c.side) for c in claims]


@pytest.mark.parametrize(
    "last_line",
    # a bare name of nobody known is no signature
    ["Інформація щодо наслідків уточнюється.", "Фото: Сумська ОВА", "Петро Коваленко"],
)
def test_a_last_line_that_is_no_signature_gives_no_voice(last_line: str) -> None:
    text = f"Окупанти знову били по Краснопіллю з артилерії. Поранено двох людей.\n\n{last_line}"
    claims = extract_article(text).claims
    assert claims and all(c.side == "unattributed" for c in claims)


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Москва заявила, что её войска отбили атаку у Суджи.", "russia"),
        ("Водночас Київ повідомив про удар по аеродрому біля Курська.", "ukraine"),
        ("Пхеньян заявил, что его солдат нет у Плехово.", "dprk"),
    ],
)
def test_a_capital_speaking_is_its_government(text: str, side: str) -> None:
    (claim,) = extract_article(text).claims
    assert claim.side == side


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # Russian text: a governor of an oblast Russia claims is its appointee ...
        (
            "Губернатор Херсонской области Владимир Сальдо заявил, что в Алешках ранен мужчина.",
            "russia",
        ),
        # ... but the head of a Ukrainian military administration is Ukraine's.
        ("Глава Запорожской ОВА Иван Федоров сообщил, что в Запорожье ранены трое.", "ukraine"),
        # In English the governor of Zaporizhzhia is Ukraine's unless said otherwise.
        (
            "Zaporizhzhia Governor Ivan Fedorov said a strike on Zaporizhzhia wounded three.",
            "ukraine",
        ),
        (
            "Russian-installed governor Yevgeny Balitsky said drones hit Enerhodar, wounding two.",
            "russia",
        ),
        # Crimea's governors are Russia's in any language.
        (
            "Sevastopol governor Mikhail Razvozhayev said drones were downed near Sevastopol.",
            "russia",
        ),
        ("Окупаційна влада Херсонщини повідомила про обстріл Олешок, поранено чоловіка.", "russia"),
        ("Гауляйтер Запорізької області заявив про удар по Енергодару, загинула жінка.", "russia"),
    ],
)
def test_installed_authorities_speak_for_who_installed_them(text: str, side: str) -> None:
    (claim,) = extract_article(text).claims
    assert claim.side == side


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # "Ivan" is a first name, not Ivanovo Oblast: the sentence's places decide.
        (
            "Russian guns shelled Krasnopillia in Sumy region, governor Ivan Fedorov said.",
            "ukraine",
        ),
        # an office that ends the phrase is kept: Belgorod is the governor's region
        ("Drones hit a substation near Shebekino overnight, said Belgorod Governor.", "russia"),
    ],
)
def test_a_person_s_names_are_not_the_region_of_an_authority(text: str, side: str) -> None:
    (claim,) = extract_article(text).claims
    assert claim.side == side
    assert not claim.claimant.endswith(".")


def test_a_day_before_a_full_stop_ends_the_sentence() -> None:
    text = (
        "Fighting went on in Kursk Oblast on March 2. The Russian MoD claimed that its "
        "forces took Gordeyevka."
    )
    (claim,) = extract_article(text).claims
    assert claim.sentence == 1 and claim.side == "russia"
    assert [p.mention for p in claim.places] == ["Gordeyevka"]


def test_a_claimant_with_its_acronym_in_brackets_before_the_verb() -> None:
    text = (
        "Ukraine's military intelligence agency (HUR) said on Monday that 40 North Korean "
        "soldiers were killed near Pogrebki. Two soldiers were captured, the agency said."
    )
    claims = extract_article(text).claims
    assert [c.claimant for c in claims] == ["Ukraine's military intelligence agency (HUR)"] * 2
    assert {c.side for c in claims} == {"ukraine"}


def test_a_number_right_after_a_harming_verb_counts_people() -> None:
    text = "Shelling of Mezhova killed two people and wounded 9, the regional governor said."
    (claim,) = extract_article(text).claims
    assert _figures(claim) == [("killed", 2, "exact"), ("wounded", 9, "exact")]


@pytest.mark.parametrize(
    ("text", "claimant", "side"),
    [
        # a signature run on after the last sentence
        (
            "Ворог атакував Межову дронами, поранено чоловіка. Сумська ОВА",
            "Сумська ОВА",
            "ukraine",
        ),
        # a post that opens with who speaks
        (
            "Іван Федоров: уночі ворог атакував Степногірськ, загинула жінка.",
            "Іван Федоров",
            None,
        ),
        ("Глава ДНР заявил, что ВСУ обстреляли Горловку, погиб мирный житель.", None, "russia"),
    ],
)
def test_signatures_speakers_and_installed_authorities(
    text: str, claimant: str | None, side: str | None
) -> None:
    (claim,) = extract_article(text).claims
    if claimant is not None:
        assert claim.claimant == claimant
    if side is not None:
        assert claim.side == side


def test_a_ukrainian_official_after_povidomyv_is_the_claimant() -> None:
    text = (
        "Внаслідок удару по Марганцю поранено трьох людей, повідомив начальник "
        "Дніпропетровської ОВА Сергій Лисак."
    )
    (claim,) = extract_article(text).claims
    record = claim.to_record()
    assert "ОВА" in record["claimant"] and record["side"] == "ukraine"
    assert [p["name"] for p in record["places"]] == ["Марганцю"]


def test_liquidated_is_killed_in_ukrainian() -> None:
    text = "Сили оборони повідомили, що біля Часового Яру ліквідовано 45 окупантів, ще 70 поранено."
    (claim,) = extract_article(text).claims
    assert _figures(claim) == [("killed", 45, "exact"), ("wounded", 70, "exact")]


def test_regional_authorities_take_the_side_of_their_region() -> None:
    wire = {c.sentence: c for c in _extract("wire_kharkiv_belgorod")[1].claims}
    assert wire[0].side == "ukraine"  # "regional governor" with Vovchansk in the sentence
    assert wire[1].side == "russia"  # "Belgorod Governor"
    assert _claim_at("ru_belgorod_mod", 1).side == "russia"  # "Губернатор Белгородской области"
    assert _claim_at("uk_kharkiv_ova", 0).side == "ukraine"  # "обласній військовій адміністрації"
    assert _claim_at("uk_kharkiv_ova", 1).side == "ukraine"  # "За даними ОВА"


def test_claimants_in_oblique_cases_and_impersonal_statements() -> None:
    staff = _claim_at("uk_kharkiv_ova", 2)  # "У Генеральному штабі ЗСУ заявили, що ..."
    assert ("штаб" in staff.claimant, staff.side) == (True, "ukraine")
    assert _figures(staff) == [("killed", 50, "more_than")]
    spokesman = _claim_at("uk_kharkiv_ova", 3)  # "Речник Генштабу ..."
    assert spokesman.side == "ukraine"
    assert _figures(spokesman) == [("wounded", 20, "about")]
    mod = _claim_at("uk_kharkiv_ova", 4)  # "Міноборони РФ ці дані не коментувало."
    assert (mod.side, mod.response["kind"]) == ("russia", "no_comment")
    # Inverted Russian speech: "..., заявили в Минобороны" names the ministry, not the troops.
    captured = _claim_at("ru_belgorod_mod", 2)
    assert (captured.claimant, captured.side) == ("Минобороны", "russia")
    assert _figures(captured) == [("captured", 40, "more_than")]
    assert [p.mention for p in captured.places] == ["Волчанском"]


def test_russian_report_qualifiers_and_genitive_plural_place() -> None:
    mod = _claim_at("ru_belgorod_mod", 0)
    assert (mod.claimant, mod.side) == ("Минобороны России", "russia")
    assert _figures(mod) == [("killed", 120, "at_least")]
    lyptsi = _place("ru_belgorod_mod", "Липцов")
    assert (lyptsi.query, lyptsi.status) == ("Липцы", "resolved")
    assert lyptsi.result.place.admin1 == "Kharkiv Oblast"


def test_held_out_wire_places_resolve_in_the_border_regions() -> None:
    for mention, admin1 in [
        ("Vovchansk", "Kharkiv Oblast"),
        ("Shebekino", "Belgorod Oblast"),
        ("Kupiansk", "Kharkiv Oblast"),  # not the namesake in Russia: "Russia's" is an actor
        ("Lyptsi", "Kharkiv Oblast"),
    ]:
        place = _place("wire_kharkiv_belgorod", mention)
        assert place.status == "resolved", (mention, place.result.reason)
        assert place.result.place.admin1 == admin1, mention
    staff = _claim_at("wire_kharkiv_belgorod", 3)
    assert (staff.claimant, staff.side) == ("Ukraine's General Staff", "ukraine")
    assert staff.response["kind"] == "did_not_reply"
    assert _claim_at("wire_kharkiv_belgorod", 0).to_record()["event_start"] == "2025-05-20"


def test_region_named_only_through_its_authority_sets_the_article_region() -> None:
    # No "Харківська область" is written: the OVA's adjective places the villages.
    for mention, query in [
        ("Вовчанська", "Вовчанськ"),
        ("Козачу Лопань", "Козача Лопань"),
        ("Липці", "Липці"),
    ]:
        place = _place("uk_kharkiv_ova", mention)
        assert (place.query, place.status) == (query, "resolved"), place.result.reason
        assert place.result.place.admin1 == "Kharkiv Oblast"


# --- the examples of the multilingual extraction issue --------------------------------

# Our own text: two claimants in one sentence, a victim's side, a river, metonymic actors.
NIKOPOL = (
    "NIKOPOL, Ukraine (Geokursk Wire) - Russian forces shelled Nikopol across the Dnipro "
    "river from Enerhodar overnight, killing two civilians, the regional governor said. "
    "Ukraine's military intelligence and the Pentagon said North Korean units lost at "
    "least 30 soldiers killed and wounded near Plekhovo in Russia's Kursk region. The "
    "Russian Defence Ministry "
    "said its troops destroyed up to 120 Ukrainian servicemen near Tyotkino. Kyiv said it "
    "would respond, and the Kremlin declined to comment."
)


def test_issue_examples_claimants_sides_rivers_and_actors() -> None:
    ex = extract_article(NIKOPOL, geocoder=_geocoder(), published=dt.date(2024, 12, 17))
    kinds = {p.mention: (p.kind, p.role) for p in ex.places}
    assert kinds["Dnipro"] == ("river", "event")  # the river, not the city
    assert kinds["NIKOPOL"][1] == "dateline"
    assert kinds["Kyiv"] == ("settlement", "actor")
    assert kinds["Kremlin"] == ("settlement", "actor")
    governor = next(c for c in ex.claims if "governor" in c.claimant)
    assert [(f.kind, f.value, f.subject_side) for f in governor.figures] == [
        ("killed", 2, "ukraine")  # who was hit, not who fired
    ]
    assert "Dnipro" not in {p.mention for p in governor.places}
    one_sentence = [c for c in ex.claims if c.sentence == 1]
    assert {c.side for c in one_sentence} == {"ukraine", "usa"}  # two claimants, two claims
    assert all(_figures(c) == [("killed_or_wounded", 30, "at_least")] for c in one_sentence)
    mod = next(c for c in ex.claims if c.side == "russia" and c.figures)
    assert [(f.kind, f.value, f.qualifier, f.subject_side) for f in mod.figures] == [
        ("killed", 120, "at_most", "ukraine")  # "destroyed up to 120 servicemen"
    ]
    claim_places = {p.mention for c in ex.claims for p in c.places}
    assert {"Kyiv", "Kremlin", "NIKOPOL", "Dnipro"}.isdisjoint(claim_places)
