"""CLI: `geokursk geocode --table`, `geokursk reverse`, `--version`, Cyrillic in displays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import geokursk
from geokursk.cli import main

ROWS = [
    # report, place, region (per-row context), name (clashes with a result column)
    ("r1", "Kupiansk", "Kharkiv Oblast", "context decides"),
    ("r2", "Суджа", "Курская область", "Russian Cyrillic"),
    ("r3", "", "Sumy Oblast", "empty cell"),
    ("r4", "Kupiansk", "Kharkiv Oblast", "repeated"),
    ("r5", "Martynovka", "", "homonyms, no context"),
    ("r6", "Nowhere-on-earth", "Kursk region", "unknown"),
    ("r7", "123", "", "no letters"),
]
STATUSES = ["resolved", "resolved", "empty", "resolved", "ambiguous", "unresolved", "unresolved"]


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.csv"
    table = pd.DataFrame(ROWS, columns=["report", "place", "region", "name"])
    table.to_csv(path, index=False)
    return path


def read_back(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    return gpd.read_file(path)


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".gpkg", ".parquet"])
def test_table_cli_keeps_every_row_and_writes_each_format(
    incidents: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    out = tmp_path / f"out{suffix}"
    args = ["geocode", "--table", str(incidents), "--column", "place"]
    assert main([*args, "--context-column", "region", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"wrote {out}: 7 rows (3 resolved, 1 ambiguous, 2 unresolved, 1 empty)" in captured.out
    assert "renamed: name -> name_input" in captured.err
    back = read_back(out)
    assert back["report"].tolist() == [r[0] for r in ROWS]  # every row, in order
    assert back["name_input"].tolist() == [r[3] for r in ROWS]  # the input's own column
    assert back["status"].tolist() == STATUSES
    assert back.loc[0, "admin1"] == "Kharkiv Oblast" and back.loc[1, "name_cyrillic"] == "Суджа"
    if suffix == ".csv":
        assert float(back.loc[0, "lat"]) == pytest.approx(49.7169, abs=0.01)
        assert back.loc[2, "lat"] == ""  # no point for the empty row
    else:
        assert back.crs.to_epsg() == 4326
        resolved = back["status"] == "resolved"
        assert back.geometry[resolved].notna().all()
        assert back.geometry[~resolved].isna().all() or back.geometry[~resolved].is_empty.all()


def test_table_cli_one_context_for_every_row(
    incidents: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    args = ["geocode", "--table", str(incidents), "--column", "place", "--context"]
    assert main([*args, "Kursk region", "-o", str(out), "--no-progress"]) == 0
    back = read_back(out)
    assert back["status"].tolist()[:2] == ["unresolved", "resolved"]  # Kupiansk is not in Kursk
    assert set(back["context"]) == {"Kursk region"}


def test_table_output_is_byte_identical_on_repeat(
    incidents: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outs = [tmp_path / "a.geojson", tmp_path / "b.geojson"]
    for out in outs:
        args = ["geocode", "--table", str(incidents), "--column", "place", "-o", str(out)]
        assert main(args) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--column", "place", "-o", "OUT.xlsx"], "unknown format '.xlsx'"),
        (["--column", "lieu", "-o", "OUT.csv"], "no name column 'lieu'; the columns are"),
        (["--column", "place", "--context-column", "oblast", "-o", "OUT.csv"], "'oblast'"),
        (["--column", "place"], "--table needs --column NAME"),
        (
            ["--column", "place", "--context", "x", "--context-column", "region", "-o", "OUT.csv"],
            "not both",
        ),
        (["--column", "place", "-o", "OUT.csv", "Sudzha"], "give names or --table, not both"),
    ],
)
def test_table_cli_bad_usage_exits_2_with_one_line(
    incidents: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    extra = [e.replace("OUT", str(tmp_path / "out")) for e in extra]
    assert main(["geocode", "--table", str(incidents), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("out*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["geocode", "--column", "place", "Sudzha"], "--column go(es) with --table FILE"),
        (["geocode"], "give place names"),
        (["geocode", "--table", "/nonexistent/t.csv", "--column", "a", "-o", "o.csv"], "t.csv"),
        (["reverse", "51.1;35.3;1"], "is not LAT,LON"),
        (["reverse", "95.3,35.1"], "did you swap them"),
        (["reverse", "--border", "RU-PL", "51.1,35.3"], "no border line for pair 'RU-PL'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"geokursk {geokursk.__version__}"


def test_version_from_the_installed_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "geokursk.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("geokursk ")


def test_geocode_display_shows_the_cyrillic_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["geocode", "Pokrovsk"]) == 0
    line = capsys.readouterr().out
    assert "Pokrovsk (Покровськ) UA / Donetsk Oblast" in line
    assert "Pokrovsk (Pokrovsk)" not in line


def test_reverse_cli_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reverse", "51.115,35.36", "50.25, 35.2", "43.5,31.0"]) == 0
    out = capsys.readouterr().out
    assert "51.115,35.36: 2.5 km NE of Plekhovo (Плёхово)" in out
    assert "in: Kursk Oblast, Russia (RU)" in out
    assert "km from the RU-UA border" in out
    assert "raion: Okhtyrka Raion [polygon (OpenStreetMap)]" in out
    assert "hromada: Кириківська hromada" in out
    assert "note: in no country polygon" in out


def test_reverse_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reverse", "--json", "--nearest", "2", "--border", "none", "51.115,35.36"]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec["lat"] == 51.115 and rec["lon"] == 35.36
    assert rec["description"] == "2.5 km NE of Plekhovo"
    assert rec["settlements"][0]["name_latin"] == "Plekhovo"
    assert len(rec["settlements"]) == 2
    assert "border_km" not in rec
    assert {"raion", "raion_source", "hromada", "oblast", "country_code", "note"} <= set(rec)
