from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from geokursk import Geocoder, GeokurskError, default_geocoder
from geokursk.analysis import (
    MAX_LOCAL_EXTENT_KM,
    AnalysisError,
    alternatives_frame,
    distance_matrix_km,
    distance_to_border_km,
    geocode_table,
    join_admin1,
    local_metric_crs,
    mentions_frame,
)
from geokursk.geocode import GeocodeResult, haversine_km


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on the WGS84 ellipsoid: the reference the metric CRS must reproduce."""
    return float(Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return default_geocoder()


def points(coords: list[tuple[float, float] | None], **columns: list[object]) -> gpd.GeoDataFrame:
    """A frame of (lat, lon) points; None gives an empty geometry (an unresolved row)."""
    # (lat, lon) -> shapely (x=lon, y=lat)
    geoms = [None if c is None else Point(c[1], c[0]) for c in coords]
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
    )


# --- geocode_table --------------------------------------------------------------------


def test_geocode_table_uses_each_rows_context_and_keeps_order_and_index(gc: Geocoder) -> None:
    table = pd.DataFrame(
        {"place": ["Martynivka", "Konotop", "Суджа"], "where": ["Ukraine", "Sumy Oblast", None]},
        index=[10, 20, 30],
    )
    out = geocode_table(table, name="place", context="where", geocoder=gc)
    assert list(out.index) == [10, 20, 30]
    assert out["status"].tolist() == ["ambiguous", "resolved", "resolved"]
    assert out.loc[20, "admin1"] == "Sumy Oblast"
    assert out.crs == "EPSG:4326"
    assert out.geometry.iloc[0] is None  # ambiguous rows have no point
    assert list(out.columns[:2]) == ["place", "where"]


def test_geocode_table_rows_are_independent_not_co_mentions(gc: Geocoder) -> None:
    # Alone, "Martynovka" is ambiguous; a co-mentioned Kursk village must not decide it.
    table = pd.DataFrame({"name": ["Plekhovo", "Martynovka"]})
    out = geocode_table(table, geocoder=gc)
    assert out["status"].tolist()[1] == "ambiguous"


def test_geocode_table_blank_names_are_empty_rows_and_digits_unresolved(gc: Geocoder) -> None:
    table = pd.DataFrame({"name": ["Sudzha", "", None, float("nan"), "  ", "123"]})
    out = geocode_table(table, geocoder=gc)
    assert out["status"].tolist() == ["resolved"] + ["empty"] * 4 + ["unresolved"]
    assert out["reason"].iloc[1] == "empty cell: no name to geocode"
    assert out["reason"].iloc[5] == "'123' holds no letters: not a place name"
    assert out.geometry.iloc[1:].isna().all()


def test_geocode_table_suffixes_input_columns_that_clash_with_results(gc: Geocoder) -> None:
    table = pd.DataFrame({"name": ["Sudzha"], "status": ["to check"]})
    out = geocode_table(table, geocoder=gc)
    assert out["name_input"].tolist() == ["Sudzha"]
    assert out["status_input"].tolist() == ["to check"]
    assert out["status"].tolist() == ["resolved"]


def test_geocode_table_names_the_missing_column() -> None:
    table = pd.DataFrame({"place": ["Sudzha"]})
    with pytest.raises(AnalysisError, match=r"name column 'name' is not in the table.*'place'"):
        geocode_table(table)
    with pytest.raises(AnalysisError, match="context column 'ctx'"):
        geocode_table(table, name="place", context="ctx")


def test_geocode_table_of_an_empty_table_is_an_empty_frame(gc: Geocoder) -> None:
    out = geocode_table(pd.DataFrame({"name": []}), geocoder=gc)
    assert len(out) == 0
    assert "status" in out.columns


def test_analysis_error_is_in_the_geokursk_tree() -> None:
    assert issubclass(AnalysisError, GeokurskError)
    assert issubclass(AnalysisError, ValueError)


# --- mentions_frame ---------------------------------------------------------------------


@dataclass(frozen=True)
class FakeMention:
    mention: str
    start: int
    end: int
    sentence: int
    relation: str
    evidence: str
    result: GeocodeResult
    context: str | None = None
    precision: str = "near_settlement"
    is_area: bool = False


def test_mentions_frame_puts_mention_columns_before_the_result(gc: Geocoder) -> None:
    resolved = gc.geocode("Plekhovo", context="Kursk region")
    missing = gc.geocode("Sudzha", context="Stavropol Krai")  # the one Sudzha is in Kursk
    mentions = [
        FakeMention("Plekhovo", 5, 13, 0, "near", "place word", resolved, "Kursk region"),
        FakeMention("Sudzha", 40, 46, 1, "in the area of", "place word", missing),
    ]
    out = mentions_frame(mentions)
    assert out["mention"].tolist() == ["Plekhovo", "Sudzha"]
    assert out["status"].tolist() == ["resolved", "unresolved"]
    assert out.columns[0] == "mention"
    assert out["n_alternatives"].tolist() == [len(resolved.alternatives), len(missing.alternatives)]
    assert out.geometry.iloc[1] is None
    assert out.crs == "EPSG:4326"


def test_mentions_frame_of_extracted_text_keeps_unresolved_names() -> None:
    from geokursk.extract import extract_article

    ex = extract_article("Shelling was reported near the village of Qwertyzovka.")
    out = mentions_frame(ex.places)
    assert out[["mention", "status"]].values.tolist() == [["Qwertyzovka", "unresolved"]]


def test_mentions_frame_of_no_mentions_is_empty() -> None:
    out = mentions_frame([])
    assert len(out) == 0
    assert {"mention", "precision", "status", "geometry"} <= set(out.columns)


# --- alternatives_frame ------------------------------------------------------------------


def test_alternatives_frame_lists_far_namesakes_not_the_same_village_twice(
    gc: Geocoder,
) -> None:
    r = gc.geocode("Martynovka", context="Kursk region")
    out = alternatives_frame(r)
    assert len(out) == len(r.alternatives)
    assert out["rank"].tolist() == list(range(1, len(out) + 1))
    assert set(out["answer"]) == {r.place.name_latin}
    # the village's other sources are merged into the answer, not listed as rivals
    assert r.place is not None and len(r.place.sources) >= 2
    assert not (out["km_from_answer"] < 1).any()
    # namesakes elsewhere lost because of the context
    far = out[out["km_from_answer"] > 100]
    assert len(far) >= 3
    assert far["reason"].str.contains("outside context").all()
    first = out.iloc[0]
    assert first["km_from_answer"] == pytest.approx(
        haversine_km(r.place.lat, r.place.lon, first["lat"], first["lon"])
    )
    assert out.geometry.iloc[0].x == pytest.approx(first["lon"])


def test_alternatives_frame_of_unresolved_has_no_distance(gc: Geocoder) -> None:
    out = alternatives_frame([gc.geocode("Sudzha", context="Stavropol Krai")])
    assert len(out) > 0
    assert out["answer"].isna().all()
    assert out["km_from_answer"].isna().all()


def test_alternatives_frame_lists_a_repeated_query_once(gc: Geocoder) -> None:
    r = gc.geocode("Martynovka", context="Kursk region")
    assert len(alternatives_frame([r, r])) == len(r.alternatives)


def test_alternatives_frame_of_nothing_is_empty() -> None:
    out = alternatives_frame([])
    assert len(out) == 0
    assert "reason" in out.columns
    assert out.crs == "EPSG:4326"


# --- local_metric_crs ----------------------------------------------------------------------


def test_local_metric_crs_is_centred_on_the_data() -> None:
    crs = local_metric_crs(points([(51.0, 35.0), (51.4, 35.6), None]))
    assert crs.is_projected
    assert crs.axis_info[0].unit_name == "metre"
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    assert params["Latitude of natural origin"] == pytest.approx(51.2)
    assert params["Longitude of natural origin"] == pytest.approx(35.3)


def test_local_metric_crs_refuses_empty_frames() -> None:
    with pytest.raises(AnalysisError, match="no geometry"):
        local_metric_crs(points([None, None]))


def test_local_metric_crs_refuses_data_spread_too_far() -> None:
    with pytest.raises(AnalysisError, match="MAX_LOCAL_EXTENT_KM"):
        local_metric_crs(points([(51.0, 35.0), (38.9, -77.0)]))
    assert MAX_LOCAL_EXTENT_KM == 1000


def test_frames_without_crs_are_refused_with_a_fix() -> None:
    frame = gpd.GeoDataFrame(geometry=[Point(35, 51)])
    with pytest.raises(AnalysisError, match=r"set_crs\('EPSG:4326'\)"):
        local_metric_crs(frame)


# --- distance_matrix_km ---------------------------------------------------------------------


def test_distance_matrix_matches_great_circle_distances() -> None:
    coords = [(51.100, 35.333), (51.161, 35.486), (51.239, 35.366)]
    frame = points(coords, label=["a", "b", "c"])
    d = distance_matrix_km(frame, label="label")
    assert list(d.index) == ["a", "b", "c"] and list(d.columns) == ["a", "b", "c"]
    for i, p in enumerate(coords):
        assert d.iloc[i, i] == 0
        for j, q in enumerate(coords):
            expected = geodesic_km(*p, *q)
            assert d.iloc[i, j] == pytest.approx(expected, rel=1e-3, abs=1e-9)
            assert d.iloc[i, j] == d.iloc[j, i]


def test_distance_matrix_has_nan_for_places_without_geometry() -> None:
    d = distance_matrix_km(points([(51.1, 35.3), None]))
    assert d.iloc[0, 0] == 0
    assert math.isnan(d.iloc[0, 1]) and math.isnan(d.iloc[1, 1])


def test_distance_matrix_accepts_an_explicit_crs() -> None:
    frame = points([(51.1, 35.3), (51.2, 35.3)])
    d = distance_matrix_km(frame, crs="EPSG:32636")  # UTM 36N
    assert d.iloc[0, 1] == pytest.approx(geodesic_km(51.1, 35.3, 51.2, 35.3), rel=1e-3)


def test_distance_matrix_names_a_missing_label_column() -> None:
    with pytest.raises(AnalysisError, match="label column 'nope'"):
        distance_matrix_km(points([(51.1, 35.3)]), label="nope")


# --- distance_to_border_km ------------------------------------------------------------------


@pytest.fixture
def borders() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "pair": ["Russia-Ukraine", "Russia-Ukraine", "Russia-Belarus"],
            "segment": ["land border", "Crimea/Kherson line", "land border"],
        },
        geometry=[
            LineString([(35.0, 50.0), (35.0, 52.0)]),  # a meridian at 35 E
            LineString([(35.2, 51.0), (35.2, 51.2)]),  # closer, but not the state border
            LineString([(35.1, 50.0), (35.1, 52.0)]),
        ],
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("pair", ["RU-UA", "UA-RU", "Russia-Ukraine", "ukraine / russia"])
def test_distance_to_border_measures_to_the_named_land_border(
    borders: gpd.GeoDataFrame, pair: str
) -> None:
    frame = points([(51.0, 35.3), None], name=["x", "y"])
    km = distance_to_border_km(frame, pair=pair, borders=borders)
    assert km.name == "border_km"
    assert list(km.index) == list(frame.index)
    assert km.iloc[0] == pytest.approx(geodesic_km(51.0, 35.0, 51.0, 35.3), rel=1e-3)
    assert math.isnan(km.iloc[1])


def test_distance_to_border_can_include_non_land_segments(borders: gpd.GeoDataFrame) -> None:
    frame = points([(51.1, 35.3)])
    km = distance_to_border_km(frame, borders=borders, land_only=False)
    assert km.iloc[0] == pytest.approx(geodesic_km(51.1, 35.2, 51.1, 35.3), rel=1e-3)


def test_distance_to_border_lists_valid_pairs(borders: gpd.GeoDataFrame) -> None:
    with pytest.raises(AnalysisError, match=r"'RU-PL'.*\['Russia-Belarus', 'Russia-Ukraine'\]"):
        distance_to_border_km(points([(51.1, 35.3)]), pair="RU-PL", borders=borders)


def test_distance_to_border_needs_a_pair_column() -> None:
    lines = gpd.GeoDataFrame(geometry=[LineString([(35, 50), (35, 52)])], crs="EPSG:4326")
    with pytest.raises(AnalysisError, match="'pair' column"):
        distance_to_border_km(points([(51.1, 35.3)]), borders=lines)


def test_distance_to_the_shipped_ru_ua_border_is_plausible(gc: Geocoder) -> None:
    frame = gc.geocode_frame(["Sudzha", "Kursk"], context="Kursk region")
    km = distance_to_border_km(frame)
    assert 3 < km.iloc[0] < 20  # Sudzha lies close to the border
    assert 80 < km.iloc[1] < 150  # Kursk city does not


# --- join_admin1 ------------------------------------------------------------------------------


@pytest.fixture
def polygons() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["ne:A", "ne:B"], "display": ["A Oblast", "B Oblast"], "country_code": ["RU", "UA"]},
        geometry=[box(35, 51, 36, 52), box(34, 51, 35, 52)],
        crs="EPSG:4326",
    )


def test_join_admin1_keeps_every_row_in_order(polygons: gpd.GeoDataFrame) -> None:
    frame = points(
        [(51.5, 35.5), None, (51.5, 34.5), (10.0, 10.0), (51.5, 35.0)],
        query=["in A", "unresolved", "in B", "outside", "on the A/B boundary"],
    )
    frame.index = [5, 4, 3, 2, 1]
    out = join_admin1(frame, admin1=polygons)
    assert list(out.index) == [5, 4, 3, 2, 1]
    assert out["in_admin1"].isna().tolist()[:4] == [False, True, False, True]
    assert out["in_admin1"].tolist()[::2][:2] == ["A Oblast", "B Oblast"]
    assert out["in_admin1"].iloc[4] in {"A Oblast", "B Oblast"}  # one row, not two
    assert out["in_admin1_id"].tolist()[0] == "ne:A"
    assert out["in_admin1_country"].tolist()[2] == "UA"
    assert "in_admin1" not in frame.columns  # a copy


def test_join_admin1_reprojects_the_polygons(polygons: gpd.GeoDataFrame) -> None:
    frame = points([(51.5, 35.5)]).to_crs("EPSG:3857")
    assert join_admin1(frame, admin1=polygons)["in_admin1"].tolist() == ["A Oblast"]


def test_join_admin1_names_missing_polygon_columns(polygons: gpd.GeoDataFrame) -> None:
    with pytest.raises(AnalysisError, match=r"lacks column\(s\) \['display'\]"):
        join_admin1(points([(51.5, 35.5)]), admin1=polygons.drop(columns="display"))


def test_join_admin1_with_shipped_oblasts_agrees_with_the_gazetteer(gc: Geocoder) -> None:
    frame = gc.geocode_frame(["Суджа"], context="Курская область")
    out = join_admin1(frame)
    assert out["in_admin1"].tolist() == ["Kursk Oblast"] == out["admin1"].tolist()
    assert out["in_admin1_id"].tolist() == ["ne:RU-KRS"]
