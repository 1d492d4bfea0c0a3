"""Unit tests for geokursk.maps (and the map command): structure, content, escaping."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
import pytest
from shapely.geometry import GeometryCollection, LineString, box

from geokursk import maps
from geokursk.errors import ClaimsValidationError
from geokursk.mapexport import save_map
from geokursk.maps import MapProvenance, claims_map, elements, features, popups, reference
from geokursk.maps.text import partial_date, to_js

HOSTILE = Path(__file__).parent / "data" / "hostile_strings.txt"


def _hostile() -> list[str]:
    return [s for s in HOSTILE.read_text(encoding="utf-8").split("\n") if s.strip()]


def _layers(m: folium.Map, cls: type) -> list[Any]:
    return [c for c in m._children.values() if isinstance(c, cls)]


def _calls(m: folium.Map, function: str) -> list[Any]:
    return [
        json.loads(c.spec_js) for c in _layers(m, elements.RuntimeCall) if c.function == function
    ]


def _features(m: folium.Map, kind: str) -> list[dict[str, Any]]:
    return [
        f
        for layer in _layers(m, elements.ClaimsLayer)
        for f in layer.spec["features"]
        if f["k"] == kind
    ]


def _claims(m: folium.Map) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for layer in _layers(m, elements.ClaimsLayer):
        out.update(layer.spec["claims"])
    return out


@pytest.fixture
def sample_map(sample_frames: Any, reference_data: Any) -> folium.Map:
    return claims_map(*sample_frames, reference_data=reference_data)


def test_one_overlay_per_claimant_named_with_its_side(sample_map: folium.Map) -> None:
    names = [layer.layer_name for layer in _layers(sample_map, elements.ClaimsLayer)]
    assert names == [
        "North Korea — KCNA (1)",
        "Russia — Kremlin (1)",
        "Russia — Russian MoD (1)",
        "Ukraine — GUR (1)",
        "Ukraine — Zelensky (1)",
        "United States — Pentagon (1)",
    ]


def test_markers_areas_badges_and_circles_are_counted_per_kind(sample_map: folium.Map) -> None:
    # resolved places; the country-level place (North Korea) is its outline, not a point
    assert len(_features(sample_map, "m")) == 6
    assert len(_features(sample_map, "a")) == 3  # claim polygons: area, region, country
    assert len(_features(sample_map, "u")) == 1  # Kurilovka, drawn at its claim
    # settlement-level places carry an uncertainty circle; region/country ones do not
    assert len([f for f in _features(sample_map, "m") if "e" in f]) == 5
    kinds = sorted(f["x"] for f in _features(sample_map, "a"))
    assert kinds == ["gk-area", "gk-region", "gk-region"]


def test_place_markers_carry_the_label_of_their_place(sample_map: folium.Map) -> None:
    labels = {f["l"] for f in _features(sample_map, "m")}
    assert {"Plekhovo", "Vorozhba", "Martynovka", "Sudzha", "Kursk Oblast"} <= labels


def test_uncertainty_circle_radius_comes_from_uncertainty_m(make_claim_frames: Any) -> None:
    claims_gdf, places_gdf = make_claim_frames(
        [{"claim_id": "a", "places": [{"place": "Sudzha", "lat": 51.19, "lon": 35.27}]}]
    )
    places_gdf.loc[0, "uncertainty_m"] = 12_345.0
    m = claims_map(claims_gdf, places_gdf, reference=False)
    (marker,) = _features(m, "m")
    assert marker["e"] == 12_345
    assert marker["ll"] == [51.19, 35.27]  # Leaflet order: [lat, lon]


def test_region_and_country_places_never_get_a_giant_uncertainty_circle(
    sample_map: folium.Map,
) -> None:
    regional = [f for f in _features(sample_map, "m") if f["c"] == "pentagon-region"]
    assert len(regional) == 1
    assert all("e" not in f and "n" not in f for f in regional)  # their polygon is drawn instead
    assert not [f for f in _features(sample_map, "m") if f["c"] == "kcna-country"]
    assert max(f.get("e", 0) for f in _features(sample_map, "m")) <= 15_000


def test_region_place_without_a_polygon_is_a_marker_whose_extent_is_not_drawn(
    make_claim_frames: Any,
) -> None:
    spec = {"place": "Kursk region", "precision": "region", "lat": 51.7, "lon": 36.3}
    claims_gdf, places_gdf = make_claim_frames([{"claim_id": "r", "places": [spec]}])
    m = claims_map(claims_gdf, places_gdf, reference=False)
    (marker,) = _features(m, "m")
    assert "e" not in marker and marker["n"] == 1
    assert "extent not drawn" in marker["t"]
    assert "extent not drawn" in _claims(m)["r"]["p"][0]


def test_country_place_outside_the_claims_polygon_without_an_outline_gets_a_note(
    make_claim_frames: Any,
) -> None:
    # "Russia" (a point in Siberia) in a claim whose polygon is only Kursk oblast.
    russia = {"place": "Russia", "precision": "country", "lat": 53.1, "lon": 99.3}
    kursk = {"place": "Kursk region", "precision": "region", "lat": 51.7, "lon": 36.3}
    claims = [{"claim_id": "k", "geometry": box(34.1, 50.9, 38.5, 52.4), "places": [russia, kursk]}]
    m = claims_map(*make_claim_frames(claims), reference=False)
    markers = {f["i"]: f for f in _features(m, "m")}
    assert markers[0].get("n") == 1 and "e" not in markers[0]
    assert "n" not in markers[1] and "e" not in markers[1]


def test_country_place_with_an_outline_is_drawn_as_that_outline_not_a_point(
    make_claim_frames: Any,
) -> None:
    russia = {"place": "Russia", "precision": "country", "lat": 53.1, "lon": 99.3}
    claims = [{"claim_id": "k", "geometry": box(34.1, 50.9, 38.5, 52.4), "places": [russia]}]
    claims_gdf, places_gdf = make_claim_frames(claims)
    records = [dict(r) for _, r in places_gdf.iterrows()]
    records[0]["place_id"] = "country:RU"
    records[0]["_xy"] = (99.3, 53.1)
    outline = box(27.0, 41.0, 180.0, 78.0)
    layers, _, _ = features.build_layers(
        [dict(r) for _, r in claims_gdf.iterrows()],
        records,
        place_area=lambda pid: outline if pid == "country:RU" else None,
    )
    (spec,) = layers.values()
    kinds = [(f["k"], f["i"]) for f in spec["features"]]
    assert ("a", 0) in kinds and ("m", 0) not in kinds  # Russia's outline, no point in Siberia
    assert "Russia" in spec["claims"]["k"]["p"][0]


def test_country_claim_given_as_a_geometry_collection_draws_its_polygons(
    make_claim_frames: Any,
) -> None:
    nepal = {"place": "Nepal", "precision": "country", "lat": 28.4, "lon": 84.1}
    geom = GeometryCollection([box(80, 26.3, 88.2, 30.4), LineString([(80, 26), (81, 27)])])
    claims = [{"claim_id": "np", "geometry": geom, "extent": "country", "places": [nepal]}]
    m = claims_map(*make_claim_frames(claims), reference=False)
    (area,) = _features(m, "a")
    assert area["x"] == "gk-region" and len(area["ll"][0]) == 5
    assert _features(m, "m") == []  # the outline is the place
    assert "Nepal" in _claims(m)["np"]["p"][0]


def test_claim_without_location_is_drawn_at_its_statements_other_claim(
    make_claim_frames: Any,
) -> None:
    villages = [
        {"place": "Plekhovo", "lat": 51.193, "lon": 35.043},
        {"place": "Vorozhba", "lat": 51.229, "lon": 34.977},
    ]
    claims = [
        {"claim_id": "losses", "outlet": "GUR Telegram", "places": villages},
        {"claim_id": "missing", "outlet": "GUR Telegram", "places": [{"place": "Kurilovka"}]},
        {"claim_id": "other", "outlet": "Another outlet", "places": [{"place": "Nowhere"}]},
    ]
    m = claims_map(*make_claim_frames(claims), reference=False)
    (unknown,) = _features(m, "u")
    assert unknown["c"] == "missing"
    assert 51.19 < unknown["ll"][0] < 51.23 and 34.97 < unknown["ll"][1] < 35.05
    assert "claim losses of the same statement" in _claims(m)["missing"]["p"][0]
    (panel,) = _calls(m, "addUnlocatedPanel")
    assert [e["c"] for e in panel["entries"]] == ["other"]


def test_identical_region_outlines_are_filled_once(make_claim_frames: Any) -> None:
    region = {"place": "Kursk region", "precision": "region", "lat": 51.7, "lon": 36.3}
    claims = [
        {"claim_id": f"r{i}", "geometry": box(34.1, 50.9, 38.5, 52.4), "places": [region]}
        for i in range(3)
    ]
    m = claims_map(*make_claim_frames(claims), reference=False)
    assert [f.get("o") for f in _features(m, "a")] == [None, 1, 1]


def test_small_maps_are_not_clustered_and_large_ones_are(make_claim_frames: Any) -> None:
    def claims(n: int) -> list[dict[str, Any]]:
        return [
            {"claim_id": f"c{i}", "places": [{"place": "X", "lat": 51 + i / 1e4, "lon": 35.0}]}
            for i in range(n)
        ]

    small = claims_map(*make_claim_frames(claims(5)), reference=False)
    large = claims_map(*make_claim_frames(claims(1_001)), reference=False)
    forced = claims_map(*make_claim_frames(claims(5)), reference=False, cluster=True)
    for m, expected in ((small, False), (large, True), (forced, True)):
        (runtime,) = _layers(m, elements.Runtime)
        assert json.loads(runtime.spec_js)["cluster"] is expected
        assert bool(_layers(m, elements.ClusterAssets)) is expected


def test_no_place_or_claim_is_dropped(sample_map: folium.Map, sample_frames: Any) -> None:
    claims_gdf, places_gdf = sample_frames
    drawn = {(f["c"], f["i"]) for kind in ("m", "u", "a") for f in _features(sample_map, kind)}
    (panel,) = _calls(sample_map, "addUnlocatedPanel")
    unlocated = {e["c"] for e in panel["entries"]}
    assert unlocated == {"kremlin-silence"}
    claims = _claims(sample_map)
    for i, row in enumerate(places_gdf.itertuples()):
        index = int((places_gdf.claim_id.iloc[: i + 1] == row.claim_id).sum()) - 1
        assert (
            (row.claim_id, index) in drawn
            or (row.claim_id, -1) in drawn  # inside its claim's drawn outline
            or row.claim_id in unlocated
        ), row.place
        assert claims[row.claim_id]["p"][index], row.place  # every place has its section
    assert set(claims) == set(claims_gdf.claim_id)


def test_the_first_view_fits_the_claims_not_the_oblasts(sample_map: folium.Map) -> None:
    (runtime,) = _layers(sample_map, elements.Runtime)
    view = json.loads(runtime.spec_js)["view"]
    (south, west), (north, east) = view["bounds"]
    # The villages near Sudzha (and their area), not Kursk oblast, not North Korea.
    assert 51.0 < south < north < 51.5 and 34.8 < west < east < 35.7
    assert view["maxZoom"] <= 11


def test_popup_starts_with_the_place_then_the_claim(sample_map: folium.Map) -> None:
    claim = _claims(sample_map)["gur-losses"]
    place = claim["p"][2]  # Martynovka
    for expected in (
        '<h3>Martynovka <span class="gk-cyr">/ Мартыновка</span></h3>',
        "In the claim: “near Martynovka”",
        "precision: in the settlement (±2.0 km)",
        "How it was found: <b>located</b>, score 95 — exact name in context",
        "Why not another “near Martynovka”? 1 other place considered",
        "52.1000, 36.2000",
        "km from the chosen place",
        "Not chosen: a weaker match (61 against 95)",
    ):
        assert expected in place, expected
    text = claim["h"]
    for expected in (
        "GUR",
        "Al Jazeera · statement",
        "16 Dec 2024",  # claim date
        "14 Dec 2024 – 15 Dec 2024",  # event
        "17 Dec 2024",  # published
        "Ukrainian intelligence says North Korean units suffered losses.",
        "<q>significant losses</q>",
        "<li>at least 30 killed and wounded (North Korean soldiers)</li>",
        "no comment from the other side",
    ):
        assert expected in text, expected


def test_linked_claims_are_named_by_claimant_and_short_label(sample_map: folium.Map) -> None:
    gur = _claims(sample_map)["gur-losses"]["h"]
    assert (
        'data-gk-claim="kremlin-silence">Kremlin</a>: The Kremlin declined to comment on the' in gur
    )
    pentagon = _claims(sample_map)["pentagon-region"]["h"]
    assert (
        'Corroborated by</th><td><a href="#" class="gk-claim-link" data-gk-claim="gur-losses">'
        "GUR</a>: at least 30 killed and wounded (North Korean soldiers)" in pentagon
    )
    assert ">gur-losses<" not in pentagon  # not a raw id


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        ("2024-12-01", "month", "Dec 2024"),
        ("2024-01-01", "year", "2024"),
        ("2024-10-01", "quarter", "Q4 2024"),
        ("2024-12-16", "day", "16 Dec 2024"),
        ("2024-12-16", None, "16 Dec 2024"),
        ("2024-12", None, "Dec 2024"),
        ("soon", "day", "soon"),
        (None, "year", ""),
    ],
)
def test_partial_dates_are_shown_only_as_precisely_as_known(
    value: Any, precision: Any, shown: str
) -> None:
    assert partial_date(value, precision) == shown


def test_popup_dates_of_month_and_year_precision(make_claim_frames: Any) -> None:
    claims = [
        {"claim_id": "m", "claim_date": "2024-12-01", "claim_date_precision": "month"},
        {"claim_id": "y", "claim_date": "2024-01-01", "claim_date_precision": "year"},
    ]
    m = claims_map(*make_claim_frames(claims), reference=False)
    assert '<th scope="row">Claimed</th><td>Dec 2024</td>' in _claims(m)["m"]["h"]
    assert '<th scope="row">Claimed</th><td>2024</td>' in _claims(m)["y"]["h"]
    assert "2024-01-01" not in _claims(m)["y"]["h"]


def test_alternative_reasons_from_the_geocoder_are_shown_when_the_frame_has_them(
    make_claim_frames: Any,
) -> None:
    alt = {
        "name": "Воробжа",
        "admin1": "Kursk Oblast",
        "lat": 51.51,
        "lon": 35.93,
        "score": 100,
        "reason": "exact name; 60 km from the other places named",
    }
    spec = {"place": "Vorobzha", "lat": 51.16, "lon": 35.49, "score": 100, "alternatives": [alt]}
    m = claims_map(*make_claim_frames([{"claim_id": "v", "places": [spec]}]), reference=False)
    place = _claims(m)["v"]["p"][0]
    assert "Not chosen: exact name; 60 km from the other places named" in place
    assert "score 100" in place


def test_an_alternative_tied_on_score_says_why_it_lost(make_claim_frames: Any) -> None:
    alt = {"name": "Мартыновка", "admin1": "Oryol Oblast", "lat": 53.4, "lon": 36.1, "score": 100}
    spec = {
        "place": "Martynovka",
        "lat": 51.24,
        "lon": 35.37,
        "score": 100,
        "reason": "exact name 'martynovka' (100); inside Kursk Oblast",
        "alternatives": [alt],
    }
    m = claims_map(*make_claim_frames([{"claim_id": "t", "places": [spec]}]), reference=False)
    place = _claims(m)["t"]["p"][0]
    assert "it lies outside Kursk Oblast, the area the claim&#39;s context names" in place


def test_unresolved_place_popup_says_location_unknown_and_why(sample_map: folium.Map) -> None:
    claim = _claims(sample_map)["mod-disputes"]
    (badge,) = _features(sample_map, "u")
    section = claim["p"][badge["i"]]
    assert "Kurilovka" in section
    assert "location unknown</span> (unresolved)" in section
    assert "How it was found: <b>unresolved</b>, score 0 — no candidate" in section
    assert "location unknown" in badge["t"]


def test_tooltips_show_latin_and_cyrillic_names(sample_map: folium.Map) -> None:
    tips = [f["t"] for f in _features(sample_map, "m")]
    assert any(t.startswith("<b>Plekhovo</b> / Плёхово") for t in tips)
    assert any(t.startswith("<b>Kursk Oblast</b> / Курская область") for t in tips)


def test_several_claims_at_one_spot_are_listed_with_entries(make_claim_frames: Any) -> None:
    sudzha = {"place": "Sudzha", "lat": 51.19, "lon": 35.27}
    claims_gdf, places_gdf = make_claim_frames(
        [{"claim_id": f"c{i}", "claimant": f"C{i}", "places": [sudzha]} for i in range(3)]
    )
    m = claims_map(claims_gdf, places_gdf, reference=False)
    radii = [f["r"] for f in _features(m, "m")]
    assert radii == sorted(radii, reverse=True) and len(set(radii)) == 3
    assert all("3 claims here: click to choose one" in f["t"] for f in _features(m, "m"))
    entries = [c["e"] for c in _claims(m).values()]
    assert all("<b>C" in e and "16 Dec 2024" in e for e in entries)


def test_reference_layers_orient_the_reader_offline(sample_map: folium.Map) -> None:
    refs = {r.layer_name: r.spec for r in _layers(sample_map, elements.ReferenceLayer)}
    assert list(refs) == [
        "Oblasts and raions",
        "Rivers",
        "Towns and villages (gazetteer)",
        "Russia–Ukraine border",
    ]
    areas = {lab[2]: lab for lab in refs["Oblasts and raions"]["labels"]}
    assert {"KURSK OBLAST", "SUMY OBLAST", "Sumy Raion", "Sudzhansky District"} <= set(areas)
    assert "Sumy Raion point" not in areas  # inside a raion outline, which is labelled
    assert [s["k"] for s in refs["Oblasts and raions"]["shapes"]].count("raion") == 1
    rivers = refs["Rivers"]
    assert [lab[2] for lab in rivers["labels"]] == ["Seym / Сейм"] and len(rivers["shapes"]) == 2
    towns = {lab[2]: lab for lab in refs["Towns and villages (gazetteer)"]["labels"]}
    # [lat, lon, text, kind, from zoom, to zoom]: cities from afar, villages close up
    assert towns["Kursk"][3:5] == ["city", 4]
    assert towns["Sudzha"][3:5] == ["town", 8]
    assert towns["Goncharovka"][3:5] == ["village", 11]
    assert towns["Makhnovka"][3:5] == ["village", 12]  # population unknown
    order = [lab[2] for lab in refs["Towns and villages (gazetteer)"]["labels"]]
    assert order.index("Kursk") < order.index("Sudzha") < order.index("Goncharovka")
    assert len(refs["Russia–Ukraine border"]["shapes"]) == 1


@pytest.mark.slow
def test_default_reference_has_the_gazetteers_towns_and_the_shipped_outlines(
    sample_frames: Any,
) -> None:
    m = claims_map(*sample_frames)
    refs = {r.layer_name: r.spec for r in _layers(m, elements.ReferenceLayer)}
    towns = {lab[2] for lab in refs["Towns and villages (gazetteer)"]["labels"]}
    assert {"Kursk", "Sumy", "Sudzha", "Plekhovo", "Martynovka"} <= towns
    areas = {lab[2] for lab in refs["Oblasts and raions"]["labels"]}
    assert {"KURSK OBLAST", "SUMY OBLAST", "Sudzhansky District"} <= areas
    assert "Seym / Сейм" in {lab[2] for lab in refs["Rivers"]["labels"]}


def test_border_pair_names_from_natural_earth_are_recognised() -> None:
    assert reference._is_ru_ua("RU-UA")
    assert reference._is_ru_ua("Russia-Ukraine")
    assert not reference._is_ru_ua("Russia-Belarus")


def test_layer_control_is_added_last_and_the_offline_background_comes_first(
    sample_map: folium.Map,
) -> None:
    children = list(sample_map._children.values())
    assert isinstance(children[-1], folium.LayerControl)
    (blank,) = _layers(sample_map, elements.BlankBaseLayer)
    assert blank.show and blank.layer_name.startswith("No tiles")
    tiles = [c for c in children if isinstance(c, folium.TileLayer)]
    assert tiles[0].tiles == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert not any(t.show for t in tiles)
    assert any("arcgisonline" in t.tiles for t in tiles)


def test_fullscreen_minimap_and_measure_come_from_folium_plugins(sample_map: folium.Map) -> None:
    kinds = {type(c).__name__ for c in sample_map._children.values()}
    assert {"Fullscreen", "MeasureControl", "OfflineMiniMap"} <= kinds
    assert isinstance(_layers(sample_map, elements.OfflineMiniMap)[0], folium.plugins.MiniMap)


def test_carto_positron_is_included_when_a_key_is_given(sample_frames: Any) -> None:
    m = claims_map(*sample_frames, reference=False, carto_api_key="k123")
    urls = [c.tiles for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert any("cartocdn" in u and "k123" in u for u in urls)


def test_legend_lists_every_status_with_counts(sample_map: folium.Map) -> None:
    (legend,) = _calls(sample_map, "addLegend")
    html = legend["html"]
    assert 'claimed only <span class="gk-muted">(3)</span>' in html
    assert 'corroborated <span class="gk-muted">(1)</span>' in html
    assert "location unknown" in html and "extent not drawn" in html
    assert "town or village" in html and "river" in html


def test_title_and_provenance_are_on_the_page_and_in_the_html_title(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    provenance = MapProvenance(
        dataset="kursk.json",
        sha256="ab" * 32,
        description="Claims about Kursk.",
        layers=(maps.GazetteerLayer("wikipedia", "CC-BY-SA-4.0", 23, "cd" * 32),),
        version="9.9.9",
    )
    m = claims_map(
        *sample_frames, reference_data=reference_data, title="Kursk claims", provenance=provenance
    )
    page = save_map(m, tmp_path / "m.html").read_text(encoding="utf-8")
    assert (
        "<title>Kursk claims — kursk.json (SHA-256 abababababab) · geokursk 9.9.9</title>" in page
    )
    (title,) = _calls(m, "addTitle")
    for expected in (
        "<h1>Kursk claims</h1>",
        "ab" * 32,
        "wikipedia (CC-BY-SA-4.0, 23 rows",
        "geokursk 9.9.9",
        "Claims about Kursk.",
    ):
        assert expected in title["html"], expected
    machine = re.search(r'<script type="application/json" id="gk-provenance">(.*?)</script>', page)
    assert machine and json.loads(machine.group(1))["sha256"] == "ab" * 32


def test_maps_of_frames_digest_their_content(
    sample_frames: Any, reference_data: Any, make_claim_frames: Any, sample_claims: Any
) -> None:
    a = claims_map(*sample_frames, reference_data=reference_data)
    b = claims_map(*make_claim_frames(sample_claims), reference_data=reference_data)
    sample_claims[0]["paraphrase"] = "changed"
    c = claims_map(*make_claim_frames(sample_claims), reference_data=reference_data)
    titles = [m.get_root().title for m in (a, b, c)]
    assert titles[0] == titles[1] != titles[2]
    assert titles[0].startswith("Claims map — claims frame (6 claims) (SHA-256 ")


def test_missing_column_is_a_validation_error_naming_it(sample_frames: Any) -> None:
    claims_gdf, places_gdf = sample_frames
    with pytest.raises(ClaimsValidationError, match=r"claims_gdf lacks column\(s\) \['claimant'\]"):
        claims_map(claims_gdf.drop(columns="claimant"), places_gdf, reference=False)


def test_empty_frames_give_an_empty_but_working_map(make_claim_frames: Any, tmp_path: Path) -> None:
    claims_gdf, places_gdf = make_claim_frames([])
    m = claims_map(claims_gdf, places_gdf, reference=False)
    assert _layers(m, elements.ClaimsLayer) == []
    assert save_map(m, tmp_path / "empty.html").stat().st_size > 1000


def test_places_whose_claim_is_missing_are_still_drawn(make_claim_frames: Any) -> None:
    claims_gdf, places_gdf = make_claim_frames(
        [{"claim_id": "a", "places": [{"place": "Sudzha", "lat": 51.19, "lon": 35.27}]}]
    )
    m = claims_map(claims_gdf.iloc[0:0], places_gdf, reference=False)
    assert len(_features(m, "m")) == 1


def test_export_records_hold_plain_values_for_the_download(sample_map: folium.Map) -> None:
    record = _claims(sample_map)["gur-losses"]["x"]
    assert record["w"] == "GUR" and record["s"] == "no_comment" and record["d"] == "2024-12-16"
    assert record["p"][0] == [
        "Plekhovo",
        "Plekhovo",
        "Плёхово",
        "settlement",
        "resolved",
        51.193,
        35.043,
    ]


# --- escaping -----------------------------------------------------------------------


class _Skeleton(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)


def _skeleton(page: str) -> list[str]:
    parser = _Skeleton()
    parser.feed(page)
    return parser.tags


def _claims_with(text: str, n: int) -> list[dict[str, Any]]:
    return [
        {
            "claim_id": f"h{i}",
            "claimant": text,
            "side": text,
            "outlet": text,
            "channel": text,
            "paraphrase": text,
            "key_phrases": [text],
            # figures_text is split into list items at ";", so keep it to one item
            "figures": [text.replace(";", ",")],
            "responses": [text],
            "claim_date": text if i % 2 else "2024-12-16",
            "places": [
                {
                    "place": text,
                    "name_ru": text,
                    "lat": 51.0 + i / 100,
                    "lon": 35.0,
                    "reason": text,
                    "alternatives": [{"name": text, "admin1": text, "reason": text}],
                },
                {"place": text},
            ],
        }
        for i in range(n)
    ]


def test_hostile_corpus_has_at_least_50_strings() -> None:
    assert len(_hostile()) >= 50


@pytest.mark.parametrize("text", _hostile())
def test_hostile_strings_never_change_the_page_structure(
    text: str, make_claim_frames: Any, tmp_path: Path
) -> None:
    benign = make_claim_frames(_claims_with("plain text", 2))
    hostile = make_claim_frames(_claims_with(text, 2))
    pages, fragments = [], []
    for frames, name in ((benign, "benign"), (hostile, "hostile")):
        m = claims_map(*frames, reference=False, title=text if name == "hostile" else "plain")
        pages.append(save_map(m, tmp_path / f"{name}.html").read_text(encoding="utf-8"))
        # The HTML the browser will put into popups, tooltips, lists and the layer control.
        html_parts = [c["h"] + "".join(c["p"]) + c["e"] for c in _claims(m).values()]
        html_parts += [f["t"] for kind in ("m", "u", "a") for f in _features(m, kind)]
        html_parts += [layer.layer_name for layer in _layers(m, elements.ClaimsLayer)]
        html_parts += [call["html"] for call in _calls(m, "addTitle")]
        html_parts += [e["l"] for call in _calls(m, "addUnlocatedPanel") for e in call["entries"]]
        fragments.append([_skeleton(part) for part in html_parts])
    assert fragments[1] == fragments[0]
    assert _skeleton(pages[1]) == _skeleton(pages[0])
    page = pages[1]
    # Nothing from data was evaluated by branca's Jinja pass ({{ 7 * 7 }} -> 49).
    assert "{{" not in page and "{%" not in page and "{#" not in page
    for script in re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL):
        assert "</script" not in script.lower() and "<!--" not in script
    if "<" in text or ">" in text:
        # In HTML it is &lt;..., in JSON \u003c...: never raw.
        assert text.strip() not in page


def test_braces_from_data_are_shown_not_evaluated(make_claim_frames: Any, tmp_path: Path) -> None:
    frames = make_claim_frames(_claims_with("{{ 7 * 7 }} {% if 1 %}x{% endif %}", 1))
    m = claims_map(*frames, reference=False, title="{{ 7 * 7 }}")
    page = save_map(m, tmp_path / "m.html").read_text(encoding="utf-8")
    assert " 7 * 7 " in page
    assert not re.search(r"(?<![\w.#-])49(?![\w.])", page)  # 7 * 7 was not evaluated
    claim = _claims(m)["h0"]["h"]
    assert "{{ 7 * 7 }} {% if 1 %}x{% endif %}" in claim  # text; only ever inside JSON
    assert "<title>&#123;&#123; 7 * 7 &#125;&#125; — " in page


def test_runtime_code_and_styles_are_package_files_inserted_verbatim(
    sample_map: folium.Map, tmp_path: Path
) -> None:
    js, css = elements.static_text("geokursk.js"), elements.static_text("geokursk.css")
    assert "gk.claimsLayer = function" in js and ".gk-label" in css
    page = save_map(sample_map, tmp_path / "m.html").read_text(encoding="utf-8")
    assert js in page and css in page


def test_templates_autoescape() -> None:
    assert popups.render("entry_name.txt", name="<b>{x}</b>") == "&lt;b&gt;&#123;x&#125;&lt;/b&gt;"
    html = popups.render("unlocated.html", claimant="<script>", date="", summary="a & b")
    assert html == "<b>&lt;script&gt;</b>: a &amp; b"


def test_to_js_output_cannot_close_a_script_element() -> None:
    out = to_js({"a": "</script><!-- \u2028 ' & {{ x }}"})
    assert "<" not in out and ">" not in out and "'" not in out and "&" not in out
    assert "{{" not in out and "\u2028" not in out
    assert json.loads(out) == {"a": "</script><!-- \u2028 ' & {{ x }}"}


# --- CLI -----------------------------------------------------------------------------


@pytest.fixture
def fake_cli_inputs(
    monkeypatch: pytest.MonkeyPatch, sample_frames: Any, reference_data: Any
) -> None:
    import geokursk.claims as claims_module
    from geokursk.maps import draw

    claims_gdf, places_gdf = sample_frames
    monkeypatch.setattr(claims_module, "load_claims", lambda path: [])
    monkeypatch.setattr(claims_module, "claims_frame", lambda claims, **_: claims_gdf)
    monkeypatch.setattr(claims_module, "claim_places_frame", lambda claims, **_: places_gdf)
    monkeypatch.setattr(draw, "default_reference", lambda: reference_data)
    monkeypatch.setattr(
        maps, "map_provenance", lambda *a, **k: MapProvenance("test.json", "0" * 64, version="x")
    )


def test_cli_map_writes_a_self_contained_file_with_a_title(
    fake_cli_inputs: None, tmp_path: Path
) -> None:
    from geokursk import cli

    out = tmp_path / "sub" / "map.html"
    assert cli.main(["map", "-o", str(out), "--self-contained", "--title", "Kursk"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page
    assert "geokursk.claimsLayer(" in page
    assert "<title>Kursk — test.json (SHA-256 000000000000) · geokursk x</title>" in page


def test_cli_map_reports_unwritable_output_on_one_line(
    fake_cli_inputs: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from geokursk import cli

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert cli.main(["map", "-o", str(blocker / "map.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geokursk: error: could not write the map to") and err.count("\n") == 1
