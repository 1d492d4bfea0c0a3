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
from geokursk.maps import claims_map

HOSTILE = Path(__file__).parent / "data" / "hostile_strings.txt"


def _hostile() -> list[str]:
    return [s for s in HOSTILE.read_text(encoding="utf-8").split("\n") if s.strip()]


def _layers(m: folium.Map, cls: type) -> list[Any]:
    return [c for c in m._children.values() if isinstance(c, cls)]


def _features(m: folium.Map, kind: str) -> list[dict[str, Any]]:
    return [
        f
        for layer in _layers(m, maps._ClaimsLayer)
        for f in layer.spec["features"]
        if f["k"] == kind
    ]


def _claims(m: folium.Map) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for layer in _layers(m, maps._ClaimsLayer):
        out.update(layer.spec["claims"])
    return out


@pytest.fixture
def sample_map(sample_frames: Any, reference_frames: Any) -> folium.Map:
    claims_gdf, places_gdf = sample_frames
    admin1, borders = reference_frames
    return claims_map(claims_gdf, places_gdf, admin1=admin1, borders=borders)


def test_one_overlay_per_claimant_named_with_its_side(sample_map: folium.Map) -> None:
    names = [layer.layer_name for layer in _layers(sample_map, maps._ClaimsLayer)]
    assert names == [
        "North Korea — KCNA (1)",
        "Russia — Kremlin (1)",
        "Russia — Russian MoD (1)",
        "Ukraine — GUR (1)",
        "Ukraine — Zelensky (1)",
        "United States — Pentagon (1)",
    ]


def test_markers_areas_badges_and_circles_are_counted_per_kind(sample_map: folium.Map) -> None:
    assert len(_features(sample_map, "m")) == 7  # resolved places
    assert len(_features(sample_map, "a")) == 3  # claim polygons: area, region, country
    assert len(_features(sample_map, "u")) == 1  # Kurilovka, drawn at its claim
    # settlement-level places carry an uncertainty circle; region/country ones do not
    assert len([f for f in _features(sample_map, "m") if "e" in f]) == 5
    kinds = sorted(f["x"] for f in _features(sample_map, "a"))
    assert kinds == ["gk-area", "gk-region", "gk-region"]


def test_uncertainty_circle_radius_comes_from_uncertainty_m(
    make_claim_frames: Any,
) -> None:
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
    regional = [
        f for f in _features(sample_map, "m") if f["c"] in ("pentagon-region", "kcna-country")
    ]
    assert len(regional) == 2
    assert all("e" not in f and "n" not in f for f in regional)  # their polygon is drawn instead
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


def test_country_place_outside_the_claims_polygon_gets_no_circle_but_a_note(
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


def test_country_claim_given_as_a_geometry_collection_draws_its_polygons(
    make_claim_frames: Any,
) -> None:
    nepal = {"place": "Nepal", "precision": "country", "lat": 28.4, "lon": 84.1}
    geom = GeometryCollection([box(80, 26.3, 88.2, 30.4), LineString([(80, 26), (81, 27)])])
    claims = [{"claim_id": "np", "geometry": geom, "extent": "country", "places": [nepal]}]
    m = claims_map(*make_claim_frames(claims), reference=False)
    (area,) = _features(m, "a")
    assert area["x"] == "gk-region" and len(area["ll"][0]) == 5
    (marker,) = _features(m, "m")
    assert "e" not in marker and "n" not in marker


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
    panels: list[Any] = [
        c for c in m._children.values() if getattr(c, "function", "") == "addUnlocatedPanel"
    ]
    (panel,) = panels
    assert [e["c"] for e in _json(panel.spec_js)["entries"]] == ["other"]


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
        (runtime,) = _layers(m, maps._Runtime)
        assert _json(runtime.spec_js)["cluster"] is expected
        assert bool(_layers(m, maps._ClusterAssets)) is expected


def test_no_place_or_claim_is_dropped(sample_map: folium.Map, sample_frames: Any) -> None:
    claims_gdf, places_gdf = sample_frames
    drawn = {(f["c"], f["i"]) for kind in ("m", "u") for f in _features(sample_map, kind)}
    panels: list[Any] = [
        c
        for c in sample_map._children.values()
        if getattr(c, "function", "") == "addUnlocatedPanel"
    ]
    (panel,) = panels
    unlocated = {e["c"] for e in _json(panel.spec_js)["entries"]}
    assert unlocated == {"kremlin-silence"}
    for i, row in enumerate(places_gdf.itertuples()):
        index = int((places_gdf.claim_id.iloc[: i + 1] == row.claim_id).sum()) - 1
        assert (row.claim_id, index) in drawn or row.claim_id in unlocated, row.place
    assert set(_claims(sample_map)) == set(claims_gdf.claim_id)


def _json(text: str) -> Any:
    return json.loads(text)


def test_popup_has_claimant_source_dates_figures_links_and_geocoding(
    sample_map: folium.Map,
) -> None:
    claim = _claims(sample_map)["gur-losses"]
    text = claim["h"] + "".join(claim["p"])
    for expected in (
        "GUR",
        "Al Jazeera · statement",
        "2024-12-16",  # claim date
        "2024-12-14 – 2024-12-15",  # event
        "2024-12-17",  # published
        "Ukrainian intelligence says North Korean units suffered losses.",
        "<q>significant losses</q>",
        "<li>at least 30 killed and wounded (North Korean soldiers)</li>",
        'data-gk-claim="kremlin-silence"',
        "no comment from the other side",
        "Geocoding: resolved, score 95 — exact name in context",
        "Alternatives considered",
        "52.1000, 36.2000",
    ):
        assert expected in text, expected
    pentagon = _claims(sample_map)["pentagon-region"]["h"]
    assert (
        'Corroborated by</th><td><a href="#" class="gk-claim-link" data-gk-claim="gur-losses"'
        in (pentagon)
    )


def test_unresolved_place_popup_says_location_unknown_and_why(sample_map: folium.Map) -> None:
    claim = _claims(sample_map)["mod-disputes"]
    (badge,) = _features(sample_map, "u")
    section = claim["p"][badge["i"]]
    assert "Kurilovka" in section
    assert "location unknown (unresolved)" in section
    assert "Geocoding: unresolved, score 0 — no candidate" in section
    assert "location unknown" in badge["t"]


def test_tooltips_show_latin_and_cyrillic_names(sample_map: folium.Map) -> None:
    tips = [f["t"] for f in _features(sample_map, "m")]
    assert any(t.startswith("Plekhovo / Плёхово") for t in tips)
    assert any(t.startswith("Kursk Oblast / Курская область") for t in tips)


def test_reference_layers_keep_kursk_sumy_and_the_ru_ua_border(sample_map: folium.Map) -> None:
    refs = {r.layer_name: r.spec for r in _layers(sample_map, maps._ReferenceLayer)}
    assert set(refs) == {"Kursk and Sumy oblasts", "Russia–Ukraine border"}
    assert [s["t"] for s in refs["Kursk and Sumy oblasts"]["shapes"]] == [
        "Kursk / Курская область",
        "Sumy / Сумская область",
    ]
    assert len(refs["Russia–Ukraine border"]["shapes"]) == 1


def test_default_reference_layers_come_from_geokursk_boundaries(sample_frames: Any) -> None:
    pytest.importorskip("geokursk.boundaries", reason="geokursk.boundaries is not written yet")
    m = claims_map(*sample_frames)
    refs = {r.layer_name: r.spec for r in _layers(m, maps._ReferenceLayer)}
    assert len(refs["Kursk and Sumy oblasts"]["shapes"]) == 2
    assert len(refs["Russia–Ukraine border"]["shapes"]) >= 1


def test_border_pair_names_from_natural_earth_are_recognised() -> None:
    assert maps._is_ru_ua("RU-UA")
    assert maps._is_ru_ua("Russia-Ukraine")
    assert not maps._is_ru_ua("Russia-Belarus")


def test_layer_control_is_added_last_and_base_layers_come_from_xyzservices(
    sample_map: folium.Map,
) -> None:
    children = list(sample_map._children.values())
    assert isinstance(children[-1], folium.LayerControl)
    tiles = [c for c in children if isinstance(c, folium.TileLayer)]
    assert tiles[0].tiles == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert any("arcgisonline" in t.tiles for t in tiles)


def test_carto_positron_is_included_when_a_key_is_given(sample_frames: Any) -> None:
    m = claims_map(*sample_frames, reference=False, carto_api_key="k123")
    urls = [c.tiles for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert any("cartocdn" in u and "k123" in u for u in urls)


def test_legend_lists_every_status_with_counts(sample_map: folium.Map) -> None:
    (legend,) = _layers(sample_map, maps._Legend)
    assert "claimed only <span class=gk-muted>(3)</span>" in legend.html
    assert "corroborated <span class=gk-muted>(1)</span>" in legend.html
    assert "location unknown" in legend.html
    assert "extent not drawn" in legend.html


def test_missing_column_is_a_validation_error_naming_it(sample_frames: Any) -> None:
    claims_gdf, places_gdf = sample_frames
    with pytest.raises(ClaimsValidationError, match=r"claims_gdf lacks column\(s\) \['claimant'\]"):
        claims_map(claims_gdf.drop(columns="claimant"), places_gdf, reference=False)


def test_empty_frames_give_an_empty_but_working_map(make_claim_frames: Any, tmp_path: Path) -> None:
    claims_gdf, places_gdf = make_claim_frames([])
    m = claims_map(claims_gdf, places_gdf, reference=False)
    assert _layers(m, maps._ClaimsLayer) == []
    assert save_map(m, tmp_path / "empty.html").stat().st_size > 1000


def test_places_whose_claim_is_missing_are_still_drawn(make_claim_frames: Any) -> None:
    claims_gdf, places_gdf = make_claim_frames(
        [{"claim_id": "a", "places": [{"place": "Sudzha", "lat": 51.19, "lon": 35.27}]}]
    )
    m = claims_map(claims_gdf.iloc[0:0], places_gdf, reference=False)
    assert len(_features(m, "m")) == 1


def test_colocated_markers_become_concentric_rings(make_claim_frames: Any) -> None:
    sudzha = {"place": "Sudzha", "lat": 51.19, "lon": 35.27}
    claims_gdf, places_gdf = make_claim_frames(
        [{"claim_id": f"c{i}", "claimant": f"C{i}", "places": [sudzha]} for i in range(3)]
    )
    m = claims_map(claims_gdf, places_gdf, reference=False)
    radii = [f["r"] for f in _features(m, "m")]
    assert radii == sorted(radii, reverse=True) and len(set(radii)) == 3
    assert all("3 claims at this place" in f["t"] for f in _features(m, "m"))


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
        # The HTML the browser will put into popups, tooltips and the layer control.
        html_parts = [c["h"] + "".join(c["p"]) for c in _claims(m).values()]
        html_parts += [f["t"] for kind in ("m", "u", "a") for f in _features(m, kind)]
        html_parts += [layer.layer_name for layer in _layers(m, maps._ClaimsLayer)]
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
    m = claims_map(*frames, reference=False)
    page = save_map(m, tmp_path / "m.html").read_text(encoding="utf-8")
    assert " 7 * 7 " in page
    assert not re.search(r"(?<![\w.#-])49(?![\w.])", page)  # 7 * 7 was not evaluated
    claim = _claims(m)["h0"]["h"]
    assert "&#123;&#123; 7 * 7 &#125;&#125; &#123;% if 1 %&#125;x&#123;% endif %&#125;" in claim


def test_runtime_code_contains_no_jinja_delimiters() -> None:
    for code in (maps._RUNTIME_JS, maps._RUNTIME_CSS):
        assert not re.search(r"\{[{%#]", code)


def test_to_js_output_cannot_close_a_script_element() -> None:
    out = maps._to_js({"a": "</script><!-- \u2028 ' & {{ x }}"})
    assert "<" not in out and ">" not in out and "'" not in out and "&" not in out
    assert "{{" not in out and "\u2028" not in out
    assert _json(out) == {"a": "</script><!-- \u2028 ' & {{ x }}"}


# --- CLI -----------------------------------------------------------------------------


def test_cli_map_writes_a_self_contained_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sample_frames: Any, reference_frames: Any
) -> None:
    import geokursk.claims as claims_module
    from geokursk import cli

    claims_gdf, places_gdf = sample_frames
    monkeypatch.setattr(claims_module, "load_claims", lambda path: [])
    monkeypatch.setattr(claims_module, "claims_frame", lambda claims, **_: claims_gdf)
    monkeypatch.setattr(claims_module, "claim_places_frame", lambda claims, **_: places_gdf)
    monkeypatch.setattr(maps, "_default_reference", lambda: reference_frames)
    out = tmp_path / "sub" / "map.html"
    assert cli.main(["map", "-o", str(out), "--self-contained"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<script src=" not in page
    assert "geokursk.claimsLayer(" in page


def test_cli_map_reports_unwritable_output_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sample_frames: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import geokursk.claims as claims_module
    from geokursk import cli

    claims_gdf, places_gdf = sample_frames
    monkeypatch.setattr(claims_module, "load_claims", lambda path: [])
    monkeypatch.setattr(claims_module, "claims_frame", lambda claims, **_: claims_gdf)
    monkeypatch.setattr(claims_module, "claim_places_frame", lambda claims, **_: places_gdf)
    monkeypatch.setattr(maps, "_default_reference", lambda: (None, None))
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert cli.main(["map", "-o", str(blocker / "map.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geokursk: error: could not write the map to") and err.count("\n") == 1
