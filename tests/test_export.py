"""Tests for geokursk.export: formats, round trips, atomicity and determinism."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon

import geokursk.atomic as atomic_mod
from geokursk.errors import ExportError
from geokursk.export import (
    GPKG_TIMESTAMP,
    export_frame,
    frame_to_geojson,
    write_csv,
    write_geojson,
    write_gpkg,
    write_text_atomic,
)


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    # Clockwise exterior ring on purpose: GeoJSON output must reorient it.
    square = Polygon([(35.0, 51.0), (35.0, 51.3), (35.3, 51.3), (35.3, 51.0)])
    return gpd.GeoDataFrame(
        {
            "claim_id": ["gur-dprk-losses", "gur-dprk-missing", "pentagon"],
            "place": ["Плёхово", "Kurilovka", "Kursk region"],
            "lat": [51.22620001, math.nan, 51.7],
            "n_places": [3, 1, 1],
            "score": [95.5, 0.0, 1 / 3],
            "note": ["a", None, "c"],
        },
        geometry=[Point(35.24360001, 51.22620001), None, square],
        crs="EPSG:4326",
    )


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".parquet"])
def test_export_is_byte_identical_on_repeat(
    tmp_path: Path, frame: gpd.GeoDataFrame, suffix: str
) -> None:
    first, second = tmp_path / f"a{suffix}", tmp_path / "b" / f"a{suffix}"
    second.parent.mkdir()
    export_frame(frame, first)
    export_frame(frame.copy(), second)
    assert first.read_bytes() == second.read_bytes()
    assert listing(tmp_path) == sorted([first.name, "b"])  # no temp files left


def test_gpkg_timestamp_is_pinned_and_config_restored(
    tmp_path: Path, frame: gpd.GeoDataFrame
) -> None:
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    path = write_gpkg(frame, tmp_path / "claims.gpkg")
    with sqlite3.connect(path) as con:
        stamps = {row[0] for row in con.execute("SELECT last_change FROM gpkg_contents")}
    assert stamps == {GPKG_TIMESTAMP}
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") == before


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".geoparquet"])
def test_round_trip_through_read_file(tmp_path: Path, frame: gpd.GeoDataFrame, suffix: str) -> None:
    path = export_frame(frame, tmp_path / f"claims{suffix}")
    back = gpd.read_parquet(path) if "parquet" in suffix else gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    assert back.claim_id.tolist() == frame.claim_id.tolist()
    assert back.place.tolist() == ["Плёхово", "Kurilovka", "Kursk region"]
    assert back.n_places.tolist() == [3, 1, 1]
    assert math.isnan(back.lat[1])
    assert back.geometry[1] is None or back.geometry[1].is_empty
    assert back.geometry[0].equals_exact(frame.geometry[0], 1e-7)
    assert back.geometry[2].normalize().equals_exact(frame.geometry[2].normalize(), 1e-7)


def test_geojson_is_rfc7946_with_sorted_keys_and_nulls(frame: gpd.GeoDataFrame) -> None:
    text = frame_to_geojson(frame)
    doc = json.loads(text)
    assert "crs" not in doc
    first, missing, square = doc["features"]
    assert list(first["properties"]) == sorted(first["properties"])
    assert first["geometry"] == {"type": "Point", "coordinates": [35.2436, 51.2262]}
    assert first["properties"]["lat"] == 51.2262
    assert missing["geometry"] is None and missing["properties"]["lat"] is None
    assert missing["properties"]["note"] is None
    ring = Polygon(square["geometry"]["coordinates"][0])
    assert ring.exterior.is_ccw
    assert "NaN" not in text and "Плёхово" in text


def test_geojson_reprojects_to_wgs84(frame: gpd.GeoDataFrame) -> None:
    metric = frame.to_crs("EPSG:3857")
    doc = json.loads(frame_to_geojson(metric))
    assert doc["features"][0]["geometry"]["coordinates"] == pytest.approx([35.2436, 51.2262])


def test_csv_wkt_round_trip(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    import pandas as pd

    path = write_csv(frame, tmp_path / "claims.csv")
    table = pd.read_csv(path, keep_default_na=False)
    assert table.columns[-1] == "geometry"
    assert table.geometry[0] == "POINT (35.2436 51.2262)"
    assert table.geometry[1] == ""
    assert shapely.from_wkt(table.geometry[2]).equals(frame.geometry[2])
    assert path.read_bytes().count(b"\r") == 0


def test_csv_latlon_adds_coordinates_without_overwriting(
    tmp_path: Path, frame: gpd.GeoDataFrame
) -> None:
    import pandas as pd

    no_latlon = frame.drop(columns=["lat"])
    table = pd.read_csv(write_csv(no_latlon, tmp_path / "c.csv", geometry="latlon"))
    assert "geometry" not in table.columns
    assert (table.lat[0], table.lon[0]) == (51.2262, 35.2436)  # lat is y
    assert math.isnan(table.lat[1])
    assert frame.geometry[2].contains(Point(table.lon[2], table.lat[2]))
    kept = pd.read_csv(write_csv(frame, tmp_path / "d.csv", geometry="latlon"))
    assert kept.lat[2] == 51.7  # the frame's own column is not overwritten
    assert kept.lon[2] == table.lon[2]


def test_unknown_suffix_is_export_error(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    with pytest.raises(ExportError, match=r"unknown format '\.xlsx'; use one of \.csv, \.geojson"):
        export_frame(frame, tmp_path / "claims.xlsx")
    assert listing(tmp_path) == []


def test_missing_folder_is_export_error(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    with pytest.raises(ExportError, match=r"folder .*nope.* does not exist"):
        write_geojson(frame, tmp_path / "nope" / "claims.geojson")


def test_failed_gpkg_write_leaves_nothing_and_keeps_old_file(
    tmp_path: Path, frame: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "claims.gpkg"
    target.write_bytes(b"previous version")

    def half_write(self: Any, path: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"SQLite format 3\x00 partial")
        Path(f"{path}-journal").write_bytes(b"journal")
        raise RuntimeError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", half_write)
    with pytest.raises(ExportError, match=r"cannot write .*claims\.gpkg.*: disk full"):
        write_gpkg(frame, target)
    assert listing(tmp_path) == ["claims.gpkg"]
    assert target.read_bytes() == b"previous version"


def test_failed_text_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "claims.geojson"

    def failing_replace(src: Any, dst: Any) -> None:
        assert Path(src).read_text(encoding="utf-8") == "{}"  # written, not yet moved
        raise OSError("rename failed")

    monkeypatch.setattr(atomic_mod.os, "replace", failing_replace)
    with pytest.raises(ExportError, match="rename failed") as info:
        write_text_atomic("{}", target)
    assert isinstance(info.value, OSError)
    assert listing(tmp_path) == []


def test_write_text_atomic_replaces_existing(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    target.write_text("old", encoding="utf-8")
    assert write_text_atomic("néw\n", target) == target
    assert target.read_text(encoding="utf-8") == "néw\n"
    assert listing(tmp_path) == ["x.json"]
