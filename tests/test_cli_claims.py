"""Tests for ``geokursk claims``: the JSON contract, round trip, errors and export."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest

import geokursk.claims as claims_mod
import geokursk.claims.frames as claims_frames
import geokursk.claims.records as claims_records
from geokursk.cli import main

HAVE_GEOCODER = (
    importlib.util.find_spec("geokursk.geocode") is not None
    and importlib.util.find_spec("geokursk.boundaries") is not None
)


@pytest.fixture(autouse=True)
def geocoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use the real default geocoder when it exists, else the fake one of test_claims."""
    if HAVE_GEOCODER:
        return
    from test_claims import FakeGeocoder, fake_area_geometry

    fake = FakeGeocoder()
    for module in (claims_frames, claims_records):  # each resolves its geocoder
        monkeypatch.setattr(module, "_resolve_geocoder", lambda g: g or fake)
    monkeypatch.setattr(claims_frames, "_area_geometry", fake_area_geometry)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["claims", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    records: list[dict[str, Any]] = json.loads(out)
    return records


FIGURE_KINDS = {"killed", "wounded", "killed_or_wounded", "missing", "captured", "deployed",
                "recruited", "personnel_losses"}  # fmt: skip
QUALIFIERS = {"exact", "at_least", "about", "more_than", "almost", "at_most", "less_than",
              "unspecified"}  # fmt: skip


def _is_iso_date_or_none(value: Any) -> bool:
    if value is None:
        return True
    return dt.date.fromisoformat(value).isoformat() == value


def test_claims_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    records = run_json(capsys)
    assert isinstance(records, list) and len(records) >= 15
    ids = {r["id"] for r in records}
    for rec in records:
        for key in ("id", "claimant", "side", "claim_date", "event_start", "event_end",
                    "figures", "places", "corroborates", "disputes", "responds_to"):  # fmt: skip
            assert key in rec, (rec["id"], key)
        assert all(_is_iso_date_or_none(rec[k]) for k in ("claim_date", "event_start", "event_end"))
        for fig in rec["figures"]:
            assert {"kind", "value", "qualifier", "subject"} <= set(fig)
            assert fig["kind"] in FIGURE_KINDS and fig["qualifier"] in QUALIFIERS
        for place in rec["places"]:
            assert {"name", "relation", "status", "lat", "lon", "precision"} <= set(place)
            assert place["status"] in {"resolved", "ambiguous", "unresolved"}
            assert (place["lat"] is None) == (place["status"] != "resolved")
        for key in ("corroborates", "disputes", "responds_to"):
            assert isinstance(rec[key], list) and set(rec[key]) <= ids


def test_claims_json_gur_record(capsys: pytest.CaptureFixture[str]) -> None:
    by_id = {r["id"]: r for r in run_json(capsys)}
    gur = by_id["gur-dprk-losses"]
    assert (gur["side"], gur["claim_date"], gur["event_start"], gur["event_end"]) == (
        "ukraine",
        "2024-12-16",
        "2024-12-14",
        "2024-12-15",
    )
    assert gur["figures"][0] | {"note": None} == {
        "kind": "killed_or_wounded",
        "value": 30,
        "qualifier": "at_least",
        "subject": "North Korean soldiers",
        "subject_side": None,
        "note": None,
    }
    assert [p["name"] for p in gur["places"]] == ["Plekhovo", "Vorobzha", "Martynovka"]
    assert {p["status"] for p in gur["places"]} == {"resolved"}
    assert all(50.5 < p["lat"] < 52.5 and 34.0 < p["lon"] < 37.0 for p in gur["places"])
    (kurilovka,) = by_id["gur-dprk-missing"]["places"]
    assert kurilovka["status"] == "resolved"
    assert (round(kurilovka["lat"], 2), round(kurilovka["lon"], 2)) == (51.14, 35.27)
    assert by_id["pentagon-dprk-casualties"]["corroborates"] == ["gur-dprk-losses"]
    assert by_id["kremlin-referral"]["responds_to"] == ["gur-dprk-losses"]
    assert by_id["kremlin-referral"]["response"]["kind"] == "referred"


def test_claims_json_round_trips_through_claims_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = run_json(capsys)
    path = tmp_path / "claims-output.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    assert run_json(capsys, "--claims", str(path)) == first


def test_claims_accepts_a_dataset_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    claims = claims_mod.load_claims()[:3]
    path = tmp_path / "three.json"
    claims_mod.dump_claims(claims, path)
    assert [r["id"] for r in run_json(capsys, "--claims", str(path))] == [c.id for c in claims]


def test_invalid_claims_file_exits_2_naming_file_claim_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = claims_mod.claims_to_records(claims_mod.load_claims(), geocode=False)
    records[0]["figures"][0]["qualifier"] = "atleast"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    code, out, err = run(capsys, "--claims", str(path), "--json")
    assert code == 2 and out == ""
    assert err.startswith(f"geokursk: error: {path}, claim 'gur-dprk-losses', field ")
    assert "'figures[0].qualifier': 'atleast' is not one of" in err
    assert "Traceback" not in err


def test_missing_claims_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--claims", str(tmp_path / "none.json"))
    assert code == 2 and "claims file not found" in err


def test_text_output_lists_claims_and_validity(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(claims_mod.load_claims())
    assert lines[1].startswith("gur-dprk-missing\tukraine\t2024-12-16\tKurilovka (resolved)")
    assert "valid claims in embedded dataset" in err


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv"])
def test_export_writes_claims_frame(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"claims{suffix}"
    code, _, err = run(capsys, "--export", str(target))
    assert code == 0, err
    assert target.exists()
    if suffix != ".csv":
        frame = gpd.read_file(target)
        assert "gur-dprk-losses" in set(frame.claim_id)
        assert len(frame) == len(claims_mod.load_claims())


def test_export_places_and_bad_suffix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "places.geojson"
    assert run(capsys, "--export", str(target), "--places")[0] == 0
    frame = gpd.read_file(target)
    assert "Kurilovka" in set(frame.place)
    code, _, err = run(capsys, "--export", str(tmp_path / "claims.shp"))
    assert code == 2 and "unknown format '.shp'" in err


@pytest.mark.skipif(not HAVE_GEOCODER, reason="needs geokursk.geocode (real default geocoder)")
def test_console_entry_point_prints_json(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "geokursk.cli", "claims", "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tmp_path,  # the embedded dataset must not depend on the working directory
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["id"] == "gur-dprk-losses"
