"""The gazetteer and boundaries shipped in the package: content checks and reproducibility."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from geokursk import Geocoder
from geokursk.boundaries import admin1_frame, border_lines_frame, countries_frame, geometry_for
from geokursk.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "geokursk" / "data"
SHARED_RAW = ROOT.parent / "shared" / "data" / "raw"
SHIPPED = [
    "layers/geonames.layer.jsonl.xz",
    "layers/wikipedia.layer.jsonl.xz",
    "layers/osm-raions.layer.jsonl.xz",
    "layers/ru-register.layer.jsonl.xz",
    "layers/ua-localities.layer.jsonl.xz",
    "layers/renamings.layer.jsonl.xz",
    "admin1.geojson",
    "countries.geojson",
    "borders.geojson",
    "raions.geojson",
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


def test_meta_lists_every_shipped_layer_with_its_licence(gaz: Gazetteer) -> None:
    assert gaz.meta["format"] == "geokursk-gazetteer"
    layers = {lay["name"]: lay["licence"] for lay in gaz.layers}
    assert layers["ru-register"] == "GPL-3.0-or-later"
    assert layers["geonames"] == "CC-BY-4.0" and layers["osm-raions"] == "ODbL-1.0"
    assert len(gaz) > 250_000


def test_postal_rows_outside_their_region_are_flagged(gaz: Gazetteer) -> None:
    # Дарьино, Kursk Oblast (postal 307813) sits near Moscow in the GeoNames file.
    p = gaz.place("postal:RU:307813")
    assert p is not None and "outside-admin1" in p.quality
    # Киреевка 307827 (Rostov area) likewise.
    p = gaz.place("postal:RU:307827")
    assert p is not None and "outside-admin1" in p.quality


def test_a_geonames_id_shared_far_apart_does_not_merge_two_places(gaz: Gazetteer) -> None:
    # WOF gives a Kherson-oblast Voskresenka row Kyiv's GeoNames id: merged by that id, the
    # village took Kyiv's names and 2.8 million people, and "Kiev" became ambiguous.
    village = gaz.place("wof:1226439223")
    assert village is not None and village.name_latin == "Voskresenka"
    assert (village.population or 0) < 100_000
    gc = Geocoder(gaz)
    for name in ("Kiev", "Киев", "Kyiv"):
        r = gc.geocode(name)
        assert r.status == "resolved" and r.place is not None, (name, r.reason)
        assert r.place.admin1 == "Kyiv", name
        # Kyiv's own WOF row (101752489) is merged into Kyiv, not into the village
        assert "101752489" in r.place.provenance, r.place.provenance


def test_a_renaming_goes_to_the_place_known_by_both_names(gaz: Gazetteer) -> None:
    # Kirovsk (Luhansk Oblast) became Holubivka; a village Holubivka (once Komissarovka)
    # 30 km away carries the new name only.  Gold point: GeoNames 705809.
    r = Geocoder(gaz).geocode("Кировск", context="Луганская область")
    assert r.status == "resolved" and r.place is not None
    assert abs(r.place.lat - 48.6375) < 0.05 and abs(r.place.lon - 38.6428) < 0.05
    assert "former name 'kirovsk'" in r.reason


def test_a_renamed_town_is_not_outranked_by_a_village_of_its_old_name(gaz: Gazetteer) -> None:
    # Krasnyi Lyman, now Lyman (28,000 people), and a village still called Krasnyi Lyman
    # (600) in the same oblast: the name alone does not choose the village.
    r = Geocoder(gaz).geocode("Красный Лиман", context="Донецкая область")
    assert r.status == "ambiguous", r.reason
    assert "Lyman" in {a.place.name_latin for a in r.alternatives}


def test_homonyms_sharing_one_point_are_flagged(gaz: Gazetteer) -> None:
    # Мартинівка in Cherkasy, Chernihiv, Kirovohrad and Vinnytsia oblasts share 50.9985,32.6174.
    gc = Geocoder(gaz)
    alts = gc.geocode("Мартинівка").alternatives
    shared = [a.place for a in alts if abs(a.place.lat - 50.9985) < 1e-4]
    kept = [p for p in shared if p.ok]
    assert len(shared) >= 3
    # the point lies in Chernihiv Oblast: only the Chernihiv row may keep it
    assert [p.admin1 for p in kept] in ([], ["Chernihiv Oblast"])
    assert all("shared-coordinate" in p.quality for p in shared if not p.ok)


def test_wikipedia_points_win_and_far_postal_points_are_reported(gaz: Gazetteer) -> None:
    gc = Geocoder(gaz)
    r = gc.geocode("Vnezapnoye", context="Kursk region")
    assert r.status == "resolved" and r.place is not None
    assert r.place.source == "wikipedia"
    assert r.place.lat == pytest.approx(51.241667) and r.place.lon == pytest.approx(34.880278)
    postal = [s for s in r.place.sources if s.layer == "geonames"]
    assert postal and postal[0].km > 3 and "points-disagree" in r.place.flags


def test_the_source_article_villages_resolve_in_sudzhansky_district(gaz: Gazetteer) -> None:
    names = ["Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"]
    rs = Geocoder(gaz).geocode_many(names, context="Kursk region")
    assert [r.status for r in rs] == ["resolved"] * 4
    assert {r.place.admin2 for r in rs if r.place} == {"Sudzhansky District"}
    kurilovka = rs[3].place
    assert kurilovka is not None and kurilovka.layer == "ru-register"
    assert kurilovka.lat == pytest.approx(51.1442, abs=1e-3)


def test_build_report_has_the_coverage_table() -> None:
    report = json.loads((ROOT / "geo" / "build_report.json").read_text(encoding="utf-8"))
    assert report["postal_rows"] == {"BY": 3133, "RU": 43538, "UA": 29571}
    table = report["coverage"]
    assert set(table) == {
        "Kursk", "Belgorod", "Bryansk", "Sumy", "Kharkiv", "Chernihiv",
        "Donetsk", "Luhansk", "Zaporizhzhia", "Kherson",
    }  # fmt: skip
    kursk = table["Kursk"]
    # every register settlement of the oblast is in the gazetteer (some merged with postal)
    assert kursk["official"] == 2769 and kursk["register_points"] >= 2700
    assert all(row["places"] > 0 for row in table.values())


def test_boundaries_load_and_geometries_are_honest() -> None:
    a1 = admin1_frame()
    assert {"RU-KRS", "UA-59"} <= set(a1["iso_3166_2"])
    assert a1.crs.to_epsg() == 4326
    assert len(countries_frame()) > 200
    assert (border_lines_frame().geometry.geom_type.str.contains("LineString")).all()
    kursk = Geocoder().geocode("Kursk Oblast").place
    assert kursk is not None and geometry_for(kursk).geom_type in ("Polygon", "MultiPolygon")


@pytest.mark.skipif(not SHARED_RAW.is_dir(), reason="../shared/data/raw is not beside the repo")
def test_geo_copies_are_identical_to_the_raw_sources() -> None:
    pairs = {
        "geonames-postal/RU_2016.zip": "geonames-postal-codes/RU_2016.zip",
        "geonames-postal/UA_2024.txt": "geonames-postal-codes/UA_2024.txt",
        "wikipedia-localities/localities.csv": "wikipedia-localities/localities.csv",
        "natural-earth/ne_10m_admin1_ru_ua_by_window.geojson": (
            "natural-earth-admin1/ne_10m_admin1_ru_ua_by_window.geojson"
        ),
    }
    for ours, raw in pairs.items():
        assert (ROOT / "geo" / ours).read_bytes() == (SHARED_RAW / raw).read_bytes(), ours


@pytest.mark.slow
def test_build_script_reproduces_the_shipped_files(tmp_path: Path) -> None:
    versions = json.loads((ROOT / "geo" / "build_report.json").read_text(encoding="utf-8"))
    for pkg, built in versions.get("versions", {}).items():
        if metadata.version(pkg) != built:
            pytest.skip(f"{pkg} {metadata.version(pkg)} differs from the build's {built}")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_gazetteer.py"),
            "--out",
            str(tmp_path),
            "--no-stack",
        ],
        check=True,
        capture_output=True,
    )
    for name in SHIPPED:
        got = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        want = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert got == want, f"{name} differs from a fresh build: run `make gazetteer` and commit"
