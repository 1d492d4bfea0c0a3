"""The layer stack: merging one place's rows, point rules, user priority, former names."""

from __future__ import annotations

from pathlib import Path

import pytest
from layer_records import place_record

from geokursk import Geocoder
from geokursk.build import PlaceRecord
from geokursk.gazetteer import Gazetteer
from geokursk.layers import Layer, layer_from_file, write_layer
from geokursk.stack import build_stack, compatible_names, stack_path

_rec = place_record


def _area(
    pid: str, name: str, level: str, cc: str, code: str, lat: float, lon: float
) -> PlaceRecord:
    fc = {"country": "PCLI", "admin1": "ADM1"}[level]
    return _rec(
        pid,
        name,
        lat,
        lon,
        feature_code=fc,
        country_code=cc,
        admin1=name if level == "admin1" else None,
        admin1_code=code,
        area_level=level,
        area_names=[name],
    )


AREAS = [
    _area("country:RU", "Russia", "country", "RU", "", 55.0, 40.0),
    _area("country:UA", "Ukraine", "country", "UA", "", 49.0, 32.0),
    _area("ne:RU-KRS", "Kursk Oblast", "admin1", "RU", "RU.41", 51.7, 36.2),
    _area("ne:UA-14", "Donetsk Oblast", "admin1", "UA", "UA.05", 48.0, 37.8),
    _area("ne:RU-NIZ", "Nizhny Novgorod Oblast", "admin1", "RU", "RU.51", 56.0, 44.0),
]


def _layer(tmp: Path, name: str, rank: int, recs: list[PlaceRecord], **kw: object) -> Layer:
    return write_layer(
        tmp / f"{name}.layer.jsonl.xz",
        recs,
        name=name,
        licence="test",
        attribution="test",
        point_rank=rank,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture()
def stacked(tmp_path: Path) -> Gazetteer:
    postal = _layer(
        tmp_path,
        "postal",
        3,
        [
            *AREAS,
            # the post office point, 4.5 km off; and a flagged row of another village
            _rec("p:1", "Гуево", 51.0947 + 0.04, 35.2639, name_rank=6),
            _rec("p:2", "Плёхово", 51.2262, 35.2436, quality="shared-coordinate"),
            _rec("p:3", "Ольховка", 51.55, 36.05),
            # a post-office point 70 km from the village, same district: merged, flagged
            _rec("p:5", "Внезапное", 51.85, 35.35, district="Кореневский район"),
            _rec(
                "p:4", "Бахмут", 48.595, 38.0, country_code="UA", admin1_code="UA.05", gn_id=713174
            ),
        ],
    )
    register = _layer(
        tmp_path,
        "register",
        2,
        [
            _rec("r:1", "Гуево", 51.0947, 35.2639, name_rank=1),
            _rec("r:2", "Плехово", 51.2265, 35.2441),
            # two homonyms of one register (20 km apart) stay two places
            _rec("r:3", "Ивановка", 51.30, 35.30),
            _rec("r:4", "Ивановка", 51.45, 35.50),
            _rec("r:5", "Ольговка", 51.4017, 35.0156, quality="commercial-geocoder"),
            _rec("r:9", "Внезапное", 51.2417, 34.8803, district="Кореневский"),
            _rec(
                "r:6",
                "Артемівськ",
                48.5973,
                38.0007,
                country_code="UA",
                admin1_code="UA.05",
                gn_id=713174,
            ),
            _rec(
                "r:7",
                "Дзержинск",
                56.24,
                43.46,
                admin1="Nizhny Novgorod Oblast",
                admin1_code="RU.51",
                population=240000,
            ),
            _rec("r:8", "Торецьк", 48.39, 37.85, country_code="UA", admin1_code="UA.05"),
            # a source that still uses the pre-renaming name
            _rec("r:10", "Димитров", 48.30, 37.27, country_code="UA", admin1_code="UA.05"),
        ],
    )
    wiki = _layer(tmp_path, "wiki", 1, [_rec("w:2", "Плёхово", 51.2262, 35.2436, name_rank=2)])
    names = _layer(
        tmp_path,
        "renamings",
        3,
        [
            {
                "link": {"country": "UA", "admin1": "UA-14", "name": "Торецьк"},
                "former_names": ["Дзержинськ", "Дзержинск"],
                "note": "renamed 2016",
            },
            {
                "link": {"country": "UA", "admin1": "UA-14", "name": "Мирноград"},
                "former_names": ["Димитров"],
                "note": "renamed 2016",
            },
        ],
        kind="names",
    )
    path = tmp_path / "stack.sqlite"
    report = build_stack([wiki, register, postal, names], path)
    assert report["links_applied"] == 2 and report["links_renamed_place"] == 1
    return Gazetteer(path)


def test_rows_of_one_place_merge_and_the_register_point_beats_the_postal_one(
    stacked: Gazetteer,
) -> None:
    r = Geocoder(stacked).geocode("Guevo", context="Kursk region")
    assert r.status == "resolved"
    p = r.place
    assert p is not None and p.id == "r:1" and p.layer == "register"
    assert (round(p.lat, 4), round(p.lon, 4)) == (51.0947, 35.2639)
    # both points are kept; the postal one is 4.4 km away, so the sources disagree
    assert {s.id for s in p.sources} == {"r:1", "p:1"}
    far = next(s for s in p.sources if s.id == "p:1")
    assert 4.0 < far.km < 5.0 and not far.chosen
    assert "points-disagree" in p.flags and p.ok  # informational, not blocking
    assert f"postal puts it {far.km:.1f} km away" in r.reason


def test_wikipedia_beats_the_register_and_a_flagged_postal_row_does_not_block(
    stacked: Gazetteer,
) -> None:
    r = Geocoder(stacked).geocode("Plekhovo", context="Kursk region")
    assert r.status == "resolved" and r.place is not None
    assert r.place.id == "w:2" and r.place.ok
    assert "confirmed by" in r.reason and "register" in r.reason
    assert {s.layer for s in r.place.sources} == {"wiki", "register", "postal"}


def test_homonyms_of_one_layer_are_not_merged(stacked: Gazetteer) -> None:
    r = Geocoder(stacked).geocode("Ivanovka", context="Kursk region")
    assert r.status == "ambiguous"
    ids = {a.place.id for a in r.alternatives}
    assert {"r:3", "r:4"} <= ids


def test_commercial_geocoder_points_are_answers_but_say_so(stacked: Gazetteer) -> None:
    r = Geocoder(stacked).geocode("Olgovka", context="Kursk region")
    assert r.status == "resolved" and r.place is not None and r.place.id == "r:5"
    assert "commercial-geocoder" in r.reason


def test_one_geonames_id_in_two_layers_is_one_place(stacked: Gazetteer) -> None:
    r = Geocoder(stacked).geocode("Bakhmut", context="Donetsk Oblast")
    assert r.status == "resolved" and r.place is not None
    assert {s.id for s in r.place.sources} == {"r:6", "p:4"}


def test_a_former_name_resolves_in_context_and_never_beats_a_current_name(
    stacked: Gazetteer,
) -> None:
    gc = Geocoder(stacked)
    r = gc.geocode("Дзержинск", context="Донецкая область")
    assert r.status == "resolved" and r.place is not None and r.place.id == "r:8"
    assert "former name" in r.reason
    # without context the town that carries the name today wins
    r = gc.geocode("Дзержинск")
    assert r.status == "resolved" and r.place is not None and r.place.id == "r:7"


def test_a_user_layer_wins_the_point_of_a_shipped_place(tmp_path: Path, stacked: Gazetteer) -> None:
    src = tmp_path / "mine.csv"
    src.write_text("name,lat,lon,country\nГуево,51.0950,35.2700,RU\n", encoding="utf-8")
    mine = layer_from_file(src, tmp_path / "mine.layer.jsonl.xz", name="mine")
    layers = [mine, *(_existing(tmp_path))]
    path = tmp_path / "with-user.sqlite"
    build_stack(layers, path)
    r = Geocoder(Gazetteer(path)).geocode("Guevo", context="Kursk region")
    assert r.status == "resolved" and r.place is not None
    assert r.place.id == "user:mine:2" and r.place.layer == "mine"
    assert r.place.admin1_code == "RU.41"  # located by its point


def _existing(tmp: Path) -> list[Layer]:
    from geokursk.layers import read_layer

    return [read_layer(tmp / f"{n}.layer.jsonl.xz") for n in ("wiki", "register", "postal")]


def test_the_cache_name_changes_with_the_layers(tmp_path: Path, stacked: Gazetteer) -> None:
    a = _existing(tmp_path)
    assert stack_path(a) == stack_path(list(a))
    assert stack_path(a) != stack_path(a[:2])


def test_names_in_two_scripts_are_compatible_and_different_names_are_not() -> None:
    assert compatible_names("Гуево", "Guyevo")
    assert compatible_names("Невельське", "Nevelske")
    assert not compatible_names("Кипуче", "Artemivsk")


def test_a_far_point_of_the_same_district_joins_its_place_and_is_reported(
    stacked: Gazetteer,
) -> None:
    r = Geocoder(stacked).geocode("Vnezapnoye", context="Kursk region")
    assert r.status == "resolved" and r.place is not None and r.place.id == "r:9"
    far = next(s for s in r.place.sources if s.id == "p:5")
    assert far.km > 50 and "points-disagree" in r.place.flags


def test_a_source_that_still_uses_the_former_name_gets_the_current_one(
    stacked: Gazetteer,
) -> None:
    p = stacked.place("r:10")
    assert p is not None and p.name == "Мирноград" and p.name_latin == "Myrnohrad"
    r = Geocoder(stacked).geocode("Dimitrov", context="Donetsk Oblast")
    assert r.status == "resolved" and r.place is not None and r.place.id == "r:10"
    assert "former name" in r.reason
    r = Geocoder(stacked).geocode("Myrnohrad", context="Donetsk Oblast")
    assert r.status == "resolved" and r.place is not None and r.place.id == "r:10"
