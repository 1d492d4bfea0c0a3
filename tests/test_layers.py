"""Layer files: format, user files (CSV/GeoJSON) with clear errors, the user-layer registry."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest
from layer_records import place_record

from geokursk.build import PlaceRecord
from geokursk.errors import GazetteerFormatError, GazetteerNotFoundError, LayerError
from geokursk.layers import (
    LAYER_SUFFIX,
    NameLink,
    add_user_layer,
    iter_layer,
    layer_from_file,
    list_layers,
    read_layer,
    remove_user_layer,
    shipped_layers,
    user_layers,
    write_layer,
)


@pytest.fixture()
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "layers"
    monkeypatch.setenv("GEOKURSK_LAYERS", str(d))
    return d


_rec = place_record


def test_layer_round_trip_keeps_records_and_header(tmp_path: Path) -> None:
    recs = [_rec("t:1", "Куриловка", 51.1442, 35.27, alt_names=["Kurylivka"], population=120)]
    lay = write_layer(
        tmp_path / f"t{LAYER_SUFFIX}",
        recs,
        name="t",
        licence="CC0-1.0",
        attribution="us",
        point_rank=2,
    )
    assert (lay.name, lay.licence, lay.rows, lay.point_rank) == ("t", "CC0-1.0", 1, 2)
    back = list(iter_layer(read_layer(lay.path)))
    assert back == recs


def test_layer_bytes_are_reproducible(tmp_path: Path) -> None:
    recs = [_rec("t:1", "Гуево", 51.0947, 35.2639), _rec("t:2", "Борки", 51.1, 35.4)]
    a = write_layer(tmp_path / "a.layer.jsonl.xz", recs, name="t", licence="x", attribution="y")
    b = write_layer(tmp_path / "b.layer.jsonl.xz", recs, name="t", licence="x", attribution="y")
    assert a.path.read_bytes() == b.path.read_bytes()


def test_names_layer_links_are_read_as_links(tmp_path: Path) -> None:
    link = {
        "link": {"country": "UA", "admin1": "UA-14", "name": "Бахмут"},
        "former_names": ["Артемівськ"],
        "note": "renamed 2016",
    }
    lay = write_layer(
        tmp_path / "r.layer.jsonl.xz", [link], name="r", licence="CC0", attribution="", kind="names"
    )
    (item,) = list(iter_layer(lay))
    assert isinstance(item, NameLink)
    assert item.former_names == ("Артемівськ",) and item.admin1 == "UA-14"


def test_reading_a_file_that_is_not_a_layer_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.layer.jsonl.xz"
    bad.write_bytes(b"not xz at all")
    with pytest.raises(GazetteerFormatError, match=r"x\.layer\.jsonl\.xz.*not a geokursk layer"):
        read_layer(bad)
    other = tmp_path / "y.layer.jsonl.xz"
    other.write_bytes(lzma.compress(json.dumps({"format": "other"}).encode() + b"\n"))
    with pytest.raises(GazetteerFormatError, match="header format"):
        read_layer(other)
    with pytest.raises(GazetteerNotFoundError):
        read_layer(tmp_path / "missing.layer.jsonl.xz")


def test_invalid_layer_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LayerError, match="not valid"):
        write_layer(tmp_path / "x.layer.jsonl.xz", [], name="Bad Name", licence="", attribution="")


# --- user files ------------------------------------------------------------------------


def test_csv_with_optional_columns_becomes_a_layer(tmp_path: Path) -> None:
    src = tmp_path / "verified.csv"
    src.write_text(
        "name,lat,lon,alt_names,country,feature_type,note,admin1\n"
        "Kurilovka,51.1442,35.27,Куриловка|Kurylivka,RU,village,checked on imagery,\n"
        "\n"
        "Pogrebki,51.3778,35.2275,,RU,PPL,,Kursk Oblast\n",
        encoding="utf-8",
    )
    lay = layer_from_file(src, tmp_path / "v.layer.jsonl.xz", name="verified")
    recs = [r for r in iter_layer(lay) if isinstance(r, PlaceRecord)]
    assert [r.name for r in recs] == ["Kurilovka", "Pogrebki"]
    assert recs[0].alt_names == ["Куриловка", "Kurylivka"]
    assert recs[0].id == "user:verified:2" and "line 2" in recs[0].provenance
    assert "checked on imagery" in recs[0].provenance
    assert recs[1].admin1 == "Kursk Oblast" and recs[1].feature_code == "PPL"
    assert lay.point_rank == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Kurilovka,91.5,35.27", r"line 3: lat '91.5' is outside"),
        ("Kurilovka,51.1,east", r"line 3: lon 'east' is not a number"),
        (",51.1,35.2", r"line 3: name '' is empty"),
        ("Kurilovka,51.1", r"line 3: 2 fields, expected 3"),
    ],
)
def test_a_bad_csv_row_names_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    src = tmp_path / "mine.csv"
    src.write_text(f"name,lat,lon\nGuevo,51.09,35.26\n{row}\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"mine\.csv.*" + message):
        layer_from_file(src, tmp_path / "m.layer.jsonl.xz", name="mine")
    assert not (tmp_path / "m.layer.jsonl.xz").exists()


def test_bad_columns_and_codes_are_explained(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("name,lat,lon,colour\nX,1,2,red\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"unknown column.*'colour'.*allowed: id, name"):
        layer_from_file(src, tmp_path / "a.layer.jsonl.xz", name="a")
    src.write_text("name,lon\nX,2\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"missing required column.*lat"):
        layer_from_file(src, tmp_path / "a.layer.jsonl.xz", name="a")
    src.write_text("name,lat,lon,country\nX,1,2,Russia\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="line 2: country 'RUSSIA' is not an ISO"):
        layer_from_file(src, tmp_path / "a.layer.jsonl.xz", name="a")
    src.write_text("name,lat,lon,feature_type\nX,1,2,fortress\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="feature_type 'fortress'"):
        layer_from_file(src, tmp_path / "a.layer.jsonl.xz", name="a")
    src.write_text("name,lat,lon\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="holds no places"):
        layer_from_file(src, tmp_path / "a.layer.jsonl.xz", name="a")


def test_geojson_points_become_a_layer_and_other_geometries_are_refused(tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [35.27, 51.1442]},
                "properties": {"name": "Kurilovka", "country": "RU"},
            }
        ],
    }
    src = tmp_path / "pts.geojson"
    src.write_text(json.dumps(doc), encoding="utf-8")
    lay = layer_from_file(src, tmp_path / "p.layer.jsonl.xz", name="pts")
    (rec,) = [r for r in iter_layer(lay) if isinstance(r, PlaceRecord)]
    assert (rec.lat, rec.lon) == (51.1442, 35.27)  # GeoJSON [lon, lat] read the right way
    doc["features"][0]["geometry"] = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    src.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="feature #1: geometry is 'LineString'"):
        layer_from_file(src, tmp_path / "p.layer.jsonl.xz", name="pts")


# --- registry ------------------------------------------------------------------------------


def test_user_layers_are_added_listed_first_and_removed(tmp_path: Path, user_dir: Path) -> None:
    src = tmp_path / "My Places.csv"
    src.write_text("name,lat,lon\nKurilovka,51.1442,35.27\n", encoding="utf-8")
    lay = add_user_layer(src)
    assert lay.name == "my-places" and lay.user and lay.path.parent == user_dir
    assert [x.name for x in user_layers()] == ["my-places"]
    assert list_layers()[0].name == "my-places"
    with pytest.raises(LayerError, match=r"exists.*--replace"):
        add_user_layer(src)
    add_user_layer(src, replace=True)
    remove_user_layer("my-places")
    assert user_layers() == []
    with pytest.raises(LayerError, match="no user layer named 'nope'"):
        remove_user_layer("nope")


def test_shipped_layers_each_carry_one_licence_and_an_attribution() -> None:
    layers = {lay.name: lay for lay in shipped_layers()}
    assert {"geonames", "ru-register", "ua-localities", "wikipedia", "osm-raions"} <= set(layers)
    assert layers["ru-register"].licence == "GPL-3.0-or-later"
    assert layers["wikipedia"].licence == "CC-BY-SA-4.0"
    assert layers["osm-raions"].licence == "ODbL-1.0"
    share_alike = [
        lay for lay in layers.values() if lay.licence.startswith(("GPL", "ODbL", "CC-BY-SA"))
    ]
    # every share-alike licence lives in a layer of its own
    assert len({lay.licence for lay in share_alike}) == len(share_alike)
    assert all(lay.attribution for lay in layers.values())
    # point ranks: Wikipedia over registers over postal codes
    assert layers["wikipedia"].point_rank < layers["ru-register"].point_rank
    assert layers["ru-register"].point_rank < layers["geonames"].point_rank


def test_readme_licence_table_names_every_shipped_layer_and_its_licence() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in readme.splitlines()
        if line.startswith("| `")
    }
    spdx_words = {
        "GPL-3.0-or-later": "GPL-3.0-or-later",
        "CC-BY-4.0": "CC BY 4.0",
        "CC-BY-SA-4.0": "CC BY-SA 4.0",
        "ODbL-1.0": "ODbL 1.0",
        "CC0-1.0": "CC0",
    }
    for lay in shipped_layers():
        assert lay.name in rows, f"README layer table lacks {lay.name}"
        assert spdx_words[lay.licence] in rows[lay.name]
        assert f"{lay.rows:,}" in rows[lay.name], f"README row count of {lay.name} is stale"
