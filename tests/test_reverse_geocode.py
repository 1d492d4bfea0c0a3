"""geokursk.reverse: coordinates to nearest settlements, admin units and border distance."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

import geokursk
from geokursk import Geocoder, InvalidQueryError, default_geocoder
from geokursk.analysis import distance_to_border_km
from geokursk.boundaries import border_lines
from geokursk.reverse_geocode import COMPASS_POINTS, compass_point, reverse
from geokursk.reverse_geocode.settlements import _settlements_of

NEAR_PLEKHOVO = (51.115, 35.36)  # (lat, lon): Kursk Oblast, 8 km from the border
IN_OKHTYRKA_RAION = (50.25, 35.2)  # Sumy Oblast, Ukraine
BLACK_SEA = (43.5, 31.0)
WARSAW = (52.2, 21.0)


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return default_geocoder()


def test_a_point_inside_an_oblast_is_described_from_its_nearest_village(gc: Geocoder) -> None:
    out = reverse([NEAR_PLEKHOVO], geocoder=gc)
    row = out.iloc[0]
    assert row["nearest"] == "Plekhovo" and row["nearest_cyrillic"] == "Плёхово"
    assert row["description"] == "2.5 km NE of Plekhovo"
    assert row["nearest_direction"] == "NE" and 22.5 <= row["nearest_bearing"] < 67.5
    assert (row["oblast"], row["oblast_id"], row["country"], row["country_code"]) == (
        "Kursk Oblast",
        "ne:RU-KRS",
        "Russia",
        "RU",
    )
    # no raion polygons in Russia: the district comes from the nearest settlement, and says so
    assert row["raion"] == "Sudzhansky District" and row["raion_id"] is None
    assert "nearest settlement, Plekhovo" in row["raion_source"]
    assert "no raion polygon" in row["raion_source"]
    assert row["hromada"] is None  # hromadas are Ukrainian
    assert 5 < row["border_km"] < 12
    assert row["note"] is None
    settlements = json.loads(row["settlements"])
    assert len(settlements) == 3 and settlements[0]["name_latin"] == "Plekhovo"
    assert [s["km"] for s in settlements] == sorted(s["km"] for s in settlements)
    assert {"id", "name", "name_cyrillic", "km", "bearing", "direction", "admin2"} <= set(
        settlements[0]
    )


def test_a_point_in_ukraine_gets_its_raion_polygon_and_a_labelled_hromada(gc: Geocoder) -> None:
    row = reverse([IN_OKHTYRKA_RAION], geocoder=gc).iloc[0]
    assert (row["oblast"], row["country_code"]) == ("Sumy Oblast", "UA")
    assert row["raion"] == "Okhtyrka Raion" and row["raion_id"].startswith("osm:relation/")
    assert row["raion_source"] == "polygon (OpenStreetMap)"
    assert row["hromada"] == "Кириківська hromada"
    assert "no hromada polygons are shipped" in row["hromada_source"]


def test_a_point_in_a_town_without_a_known_hromada_gets_none_not_a_neighbours(
    gc: Geocoder,
) -> None:
    row = reverse([(49.72, 37.62)], geocoder=gc).iloc[0]  # in Kupiansk
    assert row["nearest"] == "Kupyansk" and row["hromada"] is None
    assert "hromada unknown" in row["note"]


def test_a_point_in_no_polygon_says_so(gc: Geocoder) -> None:
    out = reverse([BLACK_SEA, WARSAW], geocoder=gc)
    sea, warsaw = out.iloc[0], out.iloc[1]
    assert sea["country"] is None and sea["oblast"] is None and sea["raion"] is None
    assert "in no country polygon" in sea["note"]
    assert "outside the shipped admin-1 polygons" in sea["note"]
    assert sea["nearest"] is not None and sea["nearest_km"] > 100  # still the nearest town
    assert (warsaw["country_code"], warsaw["oblast"]) == ("PL", None)
    assert "towns of 15,000+ only" in warsaw["note"]


def test_a_pair_given_as_lon_lat_is_answered_with_a_question(gc: Geocoder) -> None:
    # Sudzha (51.19 N, 35.27 E) and Kharkiv (49.99 N, 36.23 E) given as (lon, lat): both
    # swapped pairs are on the globe (Iran, Turkmenistan), only the oblasts tell.
    out = reverse([(35.27, 51.19), (36.23, 49.99), (51.19, 35.27), WARSAW], geocoder=gc)
    notes = out["note"].tolist()
    assert "swapped the point lies in Kursk Oblast, Russia" in notes[0]
    assert "swapped the point lies in Kharkiv Oblast, Ukraine" in notes[1]
    assert "did you swap them?" in notes[0] and "did you swap them?" in notes[1]
    assert out.loc[0, "oblast"] is None  # the answer is for the point as given
    # the right order, and a point outside the oblasts whichever way it is read, get no hint
    assert notes[2] is None or "swap" not in notes[2]
    assert "swap" not in notes[3]


def test_points_near_the_border_measure_a_few_km_and_agree_with_the_metric_crs(
    gc: Geocoder,
) -> None:
    line = border_lines("RU-UA").geometry.iloc[0]
    vertex = shapely.get_coordinates(line)[len(shapely.get_coordinates(line)) // 2]
    on_border = (float(vertex[1]), float(vertex[0]))  # coordinates are (lon, lat)
    points = [on_border, NEAR_PLEKHOVO, IN_OKHTYRKA_RAION]
    out = reverse(points, geocoder=gc)
    assert out["border_km"].iloc[0] < 0.01
    # an independent measure: distance in a local azimuthal equidistant CRS
    frame = gpd.GeoDataFrame(geometry=[Point(lon, lat) for lat, lon in points[1:]], crs="EPSG:4326")
    expected = distance_to_border_km(frame).to_numpy()
    assert out["border_km"].iloc[1:].to_numpy() == pytest.approx(expected, rel=0.01, abs=0.1)


def test_other_borders_and_no_border(gc: Geocoder) -> None:
    by = reverse([NEAR_PLEKHOVO], border="Russia-Belarus", geocoder=gc)
    assert by["border_km"].iloc[0] > 100
    assert "border_km" not in reverse([NEAR_PLEKHOVO], border=None, geocoder=gc).columns
    with pytest.raises(InvalidQueryError, match="no border line for pair 'RU-PL'"):
        reverse([NEAR_PLEKHOVO], border="RU-PL", geocoder=gc)


def test_a_line_of_your_own_adds_its_distance(gc: Geocoder) -> None:
    meridian = gpd.GeoSeries([LineString([(35.0, 50.0), (35.0, 52.0)])], crs="EPSG:4326")
    out = reverse([(51.0, 35.0), (51.0, 35.1)], line=meridian, geocoder=gc)
    # 0.1 degree of longitude at 51 N: 111.2 km * cos(51 deg) / 10
    assert out["line_km"].tolist() == pytest.approx([0.0, 6.998], abs=0.01)
    area = gpd.GeoDataFrame(geometry=[box(34.0, 50.0, 35.0, 52.0)], crs="EPSG:4326")
    outline = reverse([(51.0, 34.9)], line=area, geocoder=gc)  # polygons count by their outline
    assert outline["line_km"].iloc[0] == pytest.approx(7.0, abs=0.05)


def test_nearest_settlements_match_a_brute_force_search(gc: Geocoder) -> None:
    towns = _settlements_of(gc.gazetteer)
    rng = np.random.default_rng(3)
    lat = np.concatenate([rng.uniform(44, 57, 40), [65.0, 65.0, 66.0]])
    lon = np.concatenate([rng.uniform(22, 41, 40), [179.99, -179.99, 180.0]])  # Chukotka
    out = reverse(list(zip(lat, lon, strict=True)), nearest=2, geocoder=gc)
    p1, p2 = np.radians(lat)[:, None], np.radians(towns.lat)[None, :]
    dl = np.radians(towns.lon[None, :] - lon[:, None])
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    brute = 2 * 6371.0088 * np.arcsin(np.sqrt(a))
    assert out["nearest_km"].to_numpy() == pytest.approx(brute.min(axis=1), abs=0.001)
    best = towns.ids[brute.argmin(axis=1)]
    assert (out["nearest_id"].to_numpy() == best).mean() > 0.95  # the rest: equal distances


def test_a_point_on_a_settlement_is_at_it(gc: Geocoder) -> None:
    r = gc.geocode("Plekhovo", context="Kursk region")
    assert r.place is not None
    out = reverse(Point(r.place.lon, r.place.lat), geocoder=gc)  # one shapely point
    assert out["description"].iloc[0] == "at Plekhovo"


def test_a_geoseries_keeps_its_index_and_any_crs_is_reprojected(gc: Geocoder) -> None:
    pts = gpd.GeoSeries(
        [Point(35.36, 51.115), None, Point()], index=["v1", "v2", "v3"], crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    out = reverse(pts, geocoder=gc)
    assert list(out.index) == ["v1", "v2", "v3"] and out.crs.to_epsg() == 4326
    assert out.loc["v1", "lat"] == pytest.approx(51.115) and out.loc["v1", "nearest"] == "Plekhovo"
    for label in ("v2", "v3"):  # missing points keep their row
        assert out.loc[label, "geometry"] is None and out.loc[label, "nearest"] is None
        assert out.loc[label, "note"].startswith("no point")


def test_a_geodataframe_from_geocode_frame_can_be_reversed(gc: Geocoder) -> None:
    found = geokursk.geocode_frame(["Суджа", None, "Kurilovka"], context="Stavropol Krai")
    out = reverse(found, geocoder=gc)
    assert len(out) == 3 and out["nearest"].isna().all()
    found = geokursk.geocode_frame(["Суджа"], context="Kursk region")
    assert reverse(found, geocoder=gc)["description"].iloc[0].endswith("of Sudzha") or (
        reverse(found, geocoder=gc)["description"].iloc[0] == "at Sudzha"
    )


def test_pairs_arrays_and_nan_pairs(gc: Geocoder) -> None:
    arr = np.array([NEAR_PLEKHOVO, (np.nan, np.nan)])
    out = reverse(arr, geocoder=gc)
    assert out["nearest"].tolist()[0] == "Plekhovo" and out["nearest"].iloc[1] is None
    one = reverse(NEAR_PLEKHOVO, geocoder=gc)  # a single (lat, lon) pair
    assert len(one) == 1 and one["nearest"].iloc[0] == "Plekhovo"
    empty = reverse([], geocoder=gc)
    assert len(empty) == 0 and {"nearest", "border_km", "note"} <= set(empty.columns)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(91.0, 35.0)], r"point #1 lies off the globe: lat=91.0.*did you swap them"),
        ([(51.0, 35.0), (51.0, 181.0)], r"point #2 lies off the globe.*within \+/-180"),
        (
            gpd.GeoSeries([box(0, 0, 1, 1)], index=["z"], crs="EPSG:4326"),
            r"point #1 \(index 'z'\) is a Polygon, not a Point.*representative_point",
        ),
        (gpd.GeoSeries([Point(35, 51)]), "no CRS"),
        (pd.DataFrame({"lat": [51.0], "lon": [35.0]}), "points_from_xy"),
        ("51.1,35.3", "not text"),
        ([("a", "b")], "point #1 is .*give a \\(lat, lon\\) pair"),
    ],
)
def test_bad_points_are_clear_errors(gc: Geocoder, points: object, message: str) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        reverse(points, geocoder=gc)


def test_nearest_must_be_positive(gc: Geocoder) -> None:
    with pytest.raises(InvalidQueryError, match="nearest must be a positive whole number"):
        reverse([NEAR_PLEKHOVO], nearest=0, geocoder=gc)


def test_compass_points_cover_the_circle() -> None:
    assert [compass_point(b) for b in range(0, 360, 45)] == list(COMPASS_POINTS)
    assert compass_point(337.6) == "N" and compass_point(-10) == "N"


def test_reverse_is_reproducible(gc: Geocoder) -> None:
    a = reverse([NEAR_PLEKHOVO, IN_OKHTYRKA_RAION, BLACK_SEA], geocoder=gc)
    b = reverse([NEAR_PLEKHOVO, IN_OKHTYRKA_RAION, BLACK_SEA], geocoder=gc)
    pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
