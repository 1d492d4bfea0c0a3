"""Tests for geokursk.mapexport: reproducible, atomic, self-contained files."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import folium
import pytest
from folium import plugins

from geokursk import maps
from geokursk.errors import ExportError
from geokursk.mapexport import inline_assets, save_map, stable_ids
from geokursk.maps import claims_map


def _build(frames: Any, reference: Any) -> folium.Map:
    return claims_map(*frames, reference_data=reference)


def test_same_input_gives_byte_identical_files(
    sample_claims: Any, make_claim_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    a = save_map(_build(make_claim_frames(sample_claims), reference_data), tmp_path / "a.html")
    b = save_map(_build(make_claim_frames(sample_claims), reference_data), tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    c = save_map(
        _build(make_claim_frames(sample_claims), reference_data),
        tmp_path / "c.html",
        self_contained=True,
    )
    d = save_map(
        _build(make_claim_frames(sample_claims), reference_data),
        tmp_path / "d.html",
        self_contained=True,
    )
    assert c.read_bytes() == d.read_bytes()


def test_no_random_element_ids_remain(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    page = save_map(_build(sample_frames, reference_data), tmp_path / "m.html").read_text()
    assert not re.search(r"_[0-9a-f]{32}\b", page)


def test_stable_ids_number_elements_in_creation_order() -> None:
    m = folium.Map(tiles=None)
    folium.CircleMarker([51, 35]).add_to(m)
    stable_ids(m)
    names = [c.get_name() for c in m._children.values()]
    assert m.get_name() == "map_1"
    assert names == ["circle_marker_2"]


def test_self_contained_file_has_no_external_script_or_stylesheet(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    page = save_map(
        _build(sample_frames, reference_data), tmp_path / "m.html", self_contained=True
    ).read_text(encoding="utf-8")
    assert "<script src=" not in page
    assert '<link rel="stylesheet"' not in page
    assert 't.version="1.9.3"' in page  # Leaflet itself
    assert "url(images/" not in page and "data:image/png;base64," in page
    assert "sourceMappingURL" not in page
    assert "bootstrap" not in page.lower()


def test_linked_file_references_leaflet_and_the_folium_plugins_only(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    page = save_map(_build(sample_frames, reference_data), tmp_path / "m.html").read_text()
    srcs = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
    assert sorted(Path(s).name for s in srcs) == sorted(
        [
            "leaflet.js",
            "leaflet.css",
            "Control.FullScreen.min.js",
            "Control.FullScreen.css",
            "leaflet-measure.min.js",
            "leaflet-measure.min.css",
            "Control.MiniMap.js",
            "Control.MiniMap.css",
        ]
    )


def test_vendored_plugins_are_inlined_and_keep_their_licences(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    page = save_map(
        _build(sample_frames, reference_data), tmp_path / "m.html", self_contained=True
    ).read_text(encoding="utf-8")
    assert "Control.FullScreen" in page and "Control.MiniMap" in page
    assert "Control.Measure" in page
    assert "data:image/svg+xml;base64," in page  # the plugins' icons, inlined
    vendor = Path(maps.__file__).parent / "static" / "vendor"
    for folder in vendor.iterdir():
        if folder.is_dir():
            assert list(folder.glob("LICENSE*")), f"{folder.name} has no licence beside it"


def test_plain_folium_maps_can_be_made_self_contained() -> None:
    m = folium.Map(tiles=None)
    folium.CircleMarker([51.2, 35.3], popup="hi").add_to(m)
    plugins.MarkerCluster([[51.0, 35.0], [51.1, 35.1]]).add_to(m)
    page = inline_assets(m.get_root().render())
    assert "<script src=" not in page and "L.markerClusterGroup" in page
    assert "jQuery" in page  # folium's default jQuery comes from xstatic-jquery


def test_cdn_only_plugins_are_refused_with_a_hint() -> None:
    m = folium.Map(tiles=None)
    plugins.MousePosition().add_to(m)
    with pytest.raises(ExportError, match=r"no local copy of .*MousePosition.*claims_map"):
        inline_assets(m.get_root().render())


def test_folium_plugins_geokursk_vendors_can_be_inlined_in_any_map() -> None:
    m = folium.Map(tiles=None)
    plugins.Fullscreen().add_to(m)
    plugins.MeasureControl().add_to(m)
    page = inline_assets(m.get_root().render())
    assert "<script src=" not in page and "Control.FullScreen" in page


def test_awesome_markers_cannot_be_dropped_silently() -> None:
    m = folium.Map(tiles=None)
    folium.Marker([51, 35], icon=folium.Icon(color="red")).add_to(m)
    with pytest.raises(ExportError, match=r"L\.AwesomeMarkers"):
        inline_assets(m.get_root().render())


def test_failed_replace_leaves_old_file_and_no_temp_file(
    sample_frames: Any, reference_data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "m.html"
    target.write_text("old")

    def boom(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(ExportError, match=r"could not write the map to .*No space left"):
        save_map(_build(sample_frames, reference_data), target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html"]


def test_failed_write_leaves_no_file(
    sample_frames: Any, reference_data: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.write_bytes

    def broken(self: Path, data: bytes) -> int:
        real(self, data[:100])
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "write_bytes", broken)
    with pytest.raises(ExportError, match="Input/output error"):
        save_map(_build(sample_frames, reference_data), tmp_path / "m.html")
    assert list(tmp_path.iterdir()) == []


def test_missing_parent_directories_are_created(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    out = save_map(_build(sample_frames, reference_data), tmp_path / "a" / "b" / "m.html")
    assert out.is_file()
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # readable like any output file


def test_export_error_is_also_an_oserror() -> None:
    assert issubclass(ExportError, OSError)


def test_clustered_map_inlines_markercluster_or_links_the_matching_cdn_version(
    sample_frames: Any, reference_data: Any, tmp_path: Path
) -> None:
    m = claims_map(*sample_frames, reference_data=reference_data, cluster=True)
    linked = save_map(m, tmp_path / "linked.html").read_text(encoding="utf-8")
    assert "leaflet.markercluster/1.4.1/leaflet.markercluster.js" in linked
    page = save_map(m, tmp_path / "inline.html", self_contained=True).read_text(encoding="utf-8")
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page
    assert "L.MarkerClusterGroup=" in page and ".marker-cluster-small" in page
