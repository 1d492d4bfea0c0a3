"""Bad input, faults and load: every case gives a clear error or the right output, never loss.

One section per class of the hostile run (issue 13): unbounded work, silent loss
or wrong output, caches and files, tracebacks, weak messages.
"""

from __future__ import annotations

import importlib
import json
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import pytest
from layer_records import place_record
from shapely.geometry import Point
from test_build import MAIN_ROWS, main_row

from geokursk import (
    ArgumentTypeError,
    ClaimsValidationError,
    ExportError,
    GazetteerFormatError,
    GazetteerNotFoundError,
    Geocoder,
    area_names,
    export_frame,
    extract_article,
    geocode,
    load_claims,
    save_map,
)
from geokursk.atomic import TEMP_PREFIX, remove_stale_temps, write_text_atomic
from geokursk.batch import BatchInputError, batch_extract
from geokursk.build import build_gazetteer
from geokursk.cli import main
from geokursk.gazetteer import Gazetteer
from geokursk.layers import write_layer
from geokursk.stack import ensure_stack

# The module that weighs co-mentioned places: distances between candidates are measured there.
scoring_module = importlib.import_module("geokursk.geocode.scoring")
ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "src" / "geokursk" / "data" / "claims" / "kursk_dprk_2024-12.json"


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return Geocoder()


# --- unbounded work ---------------------------------------------------------------------


def _distance_calls(monkeypatch: pytest.MonkeyPatch, gc: Geocoder, names: list[str]) -> int:
    calls = 0
    real = scoring_module.haversine_km

    def counting(*args: float) -> float:
        nonlocal calls
        calls += 1
        return real(*args)

    monkeypatch.setattr(scoring_module, "haversine_km", counting)
    Geocoder(gc.gazetteer).geocode_many(names)
    monkeypatch.setattr(scoring_module, "haversine_km", real)
    return calls


def test_joint_geocoding_compares_each_name_with_a_bounded_window(
    monkeypatch: pytest.MonkeyPatch, gc: Geocoder
) -> None:
    # Many homonyms per name (no context): the worst case for co-mention evidence.
    rows = gc.gazetteer.settlements(["name_latin"])
    counts: dict[str, int] = {}
    for (name,) in rows:
        if str(name).isalpha():
            counts[str(name)] = counts.get(str(name), 0) + 1
    common = sorted(counts, key=lambda n: (-counts[n], n))[:400]
    few = _distance_calls(monkeypatch, gc, common[::4])  # 100 names
    many = _distance_calls(monkeypatch, gc, common)  # 400 names
    assert few > 0
    assert many < 4 * few * 1.6, (few, many)  # all-pairs work would be about 16x


def test_each_distinct_name_is_looked_up_once_per_geocoder(
    monkeypatch: pytest.MonkeyPatch, gc: Geocoder
) -> None:
    fresh = Geocoder(gc.gazetteer)
    looked_up: list[str] = []
    real = Geocoder._find_candidates

    def counting(self: Geocoder, name: str) -> Any:
        looked_up.append(name)
        return real(self, name)

    monkeypatch.setattr(Geocoder, "_find_candidates", counting)
    first = fresh.geocode_many(["Plekhovo", "Vorobzha", "Martynovka"], context="Kursk region")
    again = fresh.geocode_many(["Plekhovo", "Vorobzha", "Martynovka"], context="Kursk region")
    fresh.geocode("Plekhovo", context="Sumy Oblast")
    assert sorted(looked_up) == ["Martynovka", "Plekhovo", "Vorobzha"]
    assert [r.to_dict() for r in first] == [r.to_dict() for r in again]


def test_the_area_index_finds_what_a_full_scan_finds(gc: Geocoder) -> None:
    from geokursk.normalize import stems_compatible

    areas = gc.gazetteer.areas()
    for core in ["kursk", "sum", "sudzh", "kharkiv", "donetsk", "belgorod", "glushkov", "lgov"]:
        for level in ("admin1", "admin2"):
            stems = area_names._phrase_stems(core)
            scan = [a for a in areas if a.level == level and not a.stem.startswith("=")]
            full = [a for a in scan if any(stems_compatible(s, a.stem) for s in stems)]
            # the areas spelled as the core win over those sharing its skeleton only
            spelled = [
                a for a in full if any(stems_compatible(s, a.stem, skeletons=False) for s in stems)
            ]
            assert area_names.area_matches(core, level, areas) == (spelled or full), (core, level)


def test_an_area_spelled_so_wins_over_areas_sharing_its_consonants(gc: Geocoder) -> None:
    areas = gc.gazetteer.areas()
    names = [a.place.name for a in area_names.area_matches("valuysk", "admin2", areas)]
    assert names == ["Valuysky District"]
    # with no area spelled so, the skeleton still finds it (Kharkiv ~ Kharkovsky)
    assert area_names.area_matches("valiisk", "admin2", areas)


def test_extract_refuses_an_article_over_the_size_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Shelling near Sudzha. " * 100, encoding="utf-8")
    assert main(["extract", "--max-bytes", "1000", str(big)]) == 2
    assert "over the size limit of 1000 bytes" in capsys.readouterr().err
    if Path("/dev/zero").exists():
        assert main(["extract", "/dev/zero"]) == 2
        assert "--max-bytes" in capsys.readouterr().err


# --- silent loss or wrong output ---------------------------------------------------------


def test_a_batch_rerun_leaves_only_what_its_summary_counts(tmp_path: Path, gc: Geocoder) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(5):
        (src / f"a{i}.txt").write_text(
            f"Shelling was reported near Sudzha in the Kursk region on day {i}.",
            encoding="utf-8",
        )
    out = tmp_path / "out"
    batch_extract([src], out, scheduler="sync", partition_size=2, progress=False)
    # A part file this run will not write (e.g. of a partition lost this time).
    stale = out / "places" / "part-00007.parquet"
    (out / "places" / "part-00000.parquet").rename(stale)
    summary = batch_extract([src], out, scheduler="sync", partition_size=2, progress=False)
    assert not stale.exists()
    rows = pd.read_parquet(out / "places")
    recorded = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(rows) == recorded["places"] == summary.places


def test_batch_exit_status_says_whether_every_article_was_processed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("Shelling near Sudzha in the Kursk region.", encoding="utf-8")
    assert main(["batch", str(src), "-o", str(tmp_path / "ok"), "--workers", "0"]) == 0
    (src / "empty.txt").write_text("", encoding="utf-8")
    assert main(["batch", str(src), "-o", str(tmp_path / "bad"), "--workers", "0"]) == 1
    assert "could not be processed" in capsys.readouterr().err


def _claims_with(edit: Any) -> str:
    data = json.loads(CLAIMS.read_text(encoding="utf-8"))
    edit(data["claims"][0])
    return json.dumps(data, ensure_ascii=False)


def _figure(value: Any) -> Any:
    def edit(claim: dict[str, Any]) -> None:
        claim["figures"][0]["value"] = value

    return edit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_claims_with(_figure(True)), "true is not a number"),
        (_claims_with(_figure(10**400)), "finite number up to 1,000,000,000,000"),
        (_claims_with(_figure(30)).replace('"value": 30', '"value": Infinity'), "Infinity"),
        (_claims_with(_figure(30)).replace('"value": 30', '"value": NaN'), "NaN"),
        (_claims_with(lambda c: c.update(claimant="GUR\x00x")), "control character U+0000"),
        (
            _claims_with(lambda c: c["places"][0].update(name="💣")),
            "places[0].name': a place name needs letters",
        ),
        ('{"schema": "geokursk.claims/1", "claims": ' + "[" * 100_000, "nested too deeply"),
    ],
    ids=["bool", "huge", "infinity", "nan", "nul", "no-letters", "deep"],
)
def test_claims_values_that_exports_would_mangle_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "claims.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ClaimsValidationError) as err:
        load_claims(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_claims_export_to_an_empty_path_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["claims", "--export", ""])
    assert stop.value.code == 2
    assert "expected a file path" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("classes", "message"),
    [("p,a", "unknown GeoNames feature class"), (",", "no feature class"), ("Q", "'Q'")],
)
def test_gazetteer_build_refuses_feature_classes_it_cannot_use(
    tmp_path: Path, classes: str, message: str
) -> None:
    src = tmp_path / "RU.txt"
    src.write_text("".join(MAIN_ROWS), encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=message):
        build_gazetteer([src], tmp_path / "g.sqlite", feature_classes=classes.split(","))
    assert not (tmp_path / "g.sqlite").exists()


def test_gazetteer_build_without_places_or_onto_its_input_fails(tmp_path: Path) -> None:
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("1\t9999003\tru\tГородище\t1\t\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="no places to write"):
        build_gazetteer([alt], tmp_path / "g.sqlite")
    src = tmp_path / "RU.txt"
    src.write_text("".join(MAIN_ROWS), encoding="utf-8")
    before = src.read_bytes()
    with pytest.raises(GazetteerFormatError, match="also an input"):
        build_gazetteer([src], src)
    assert src.read_bytes() == before
    with pytest.raises(GazetteerFormatError, match="is a folder"):
        build_gazetteer([src], tmp_path)
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))


def test_gazetteer_info_rejects_a_database_with_only_a_meta_table(tmp_path: Path) -> None:
    path = tmp_path / "meta-only.sqlite"
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        c.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("format", "geokursk-gazetteer"), ("version", "6")]
        )
    c.close()
    with pytest.raises(GazetteerFormatError, match="table"):
        Gazetteer(path)


@pytest.mark.parametrize("hidden", ["\u200b", "\u00ad", "\u2060", "\ufeff"])
def test_invisible_characters_inside_a_name_do_not_hide_it(hidden: str, gc: Geocoder) -> None:
    name = f"Plek{hidden}hovo"
    assert gc.geocode(name, context="Kursk region").status == "resolved"
    text = f"Ukraine said units were hit near {name} in the Kursk region on Monday."
    ex = extract_article(text, geocoder=gc)
    found = [p for p in ex.places if "hovo" in p.mention]
    assert [(p.mention, text[p.start : p.end], p.status) for p in found] == [
        (name, name, "resolved")
    ]


def test_arguments_that_are_not_utf8_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    bad = b"Sudzh\xff".decode("utf-8", "surrogateescape")
    with pytest.raises(SystemExit) as stop:
        main(["geocode", "--json", bad])
    assert stop.value.code == 2
    assert "not valid UTF-8 (byte 0xff)" in capsys.readouterr().err


def test_export_of_a_frame_without_crs_is_an_error(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(3_900_000, 6_700_000)])
    with pytest.raises(ExportError, match="no CRS"):
        export_frame(frame, tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()


def _tiny_gazetteer(tmp_path: Path) -> Path:
    src = tmp_path / "RU.txt"
    src.write_text("".join(MAIN_ROWS), encoding="utf-8")
    out = tmp_path / "tiny.sqlite"
    build_gazetteer([src], out)
    return out


def test_coordinates_out_of_range_are_reported_as_damage(tmp_path: Path) -> None:
    path = _tiny_gazetteer(tmp_path)
    with sqlite3.connect(path) as c:
        c.execute("UPDATE places SET lon = 9471.85 WHERE name = 'Gorodishche'")
    c.close()
    with pytest.raises(GazetteerFormatError, match="out of range"):
        Geocoder(path).geocode("Gorodishche")


# --- caches and files -----------------------------------------------------------------


def _small_stack(tmp_path: Path) -> list[Any]:
    rec = place_record("t:1", "Плёхово", 51.2262, 35.2436)
    return [
        write_layer(
            tmp_path / "t.layer.jsonl.xz",
            [rec],
            name="t",
            licence="test",
            attribution="test",
            point_rank=1,
        )
    ]


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_cache_is_rebuilt_and_says_so(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    damage: str,
) -> None:
    monkeypatch.setenv("GEOKURSK_CACHE", str(tmp_path / "cache"))
    layers = _small_stack(tmp_path)
    path = ensure_stack(layers)
    good = path.read_bytes()
    assert (path.stat().st_mode & 0o044) == 0o044  # readable by the group and others
    if damage == "truncate":
        path.write_bytes(good[: len(good) // 2])
    else:
        flipped = bytearray(good)
        flipped[len(good) // 2] ^= 0xFF
        path.write_bytes(bytes(flipped))
    capsys.readouterr()
    assert ensure_stack(layers) == path
    assert "is damaged" in capsys.readouterr().err
    assert path.read_bytes() == good
    assert Gazetteer(path).place("t:1") is not None


def test_an_unwritable_cache_folder_names_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GEOKURSK_CACHE", str(blocker / "cache"))
    with pytest.raises(GazetteerNotFoundError, match="GEOKURSK_CACHE"):
        ensure_stack(_small_stack(tmp_path))


def test_temporary_files_of_killed_writers_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / f"{TEMP_PREFIX}999999999-abc"
    dead.mkdir()
    (dead / "m.html").write_text("partial", encoding="utf-8")
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-def"
    mine.mkdir()
    write_text_atomic("done\n", tmp_path / "m.html")
    assert not dead.exists()
    assert mine.exists()  # this process is alive: its folder stays
    assert remove_stale_temps(tmp_path) == []
    assert (tmp_path / "m.html").read_text(encoding="utf-8") == "done\n"


# --- tracebacks become one clear line -----------------------------------------------------


def test_a_population_beyond_any_settlement_is_a_damaged_row(tmp_path: Path) -> None:
    src = tmp_path / "RU.txt"
    row = main_row(1, "Bigtown", "", 51.0, 35.0, "P", "PPL", "RU", "41", pop=10**30)
    src.write_text(MAIN_ROWS[0] + row, encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"line 2: population"):
        build_gazetteer([src], tmp_path / "g.sqlite")


@pytest.mark.parametrize(
    "argv",
    [["map", "-o", ""], ["gazetteer", "build", "-o", "", "RU.txt"], ["batch", "x", "-o", ""]],
    ids=["map", "build", "batch"],
)
def test_empty_output_paths_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "empty string" in capsys.readouterr().err


def test_a_scheduler_that_is_no_address_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="not a Dask scheduler address"):
        batch_extract([tmp_path], tmp_path / "out", scheduler="not a url", progress=False)
    assert not (tmp_path / "out").exists()


# --- messages that name the problem -------------------------------------------------------


def test_bad_utf8_is_reported_on_its_own_line(tmp_path: Path) -> None:
    src = tmp_path / "RU.txt"
    data = "".join(MAIN_ROWS[:5]).encode() + b"9\tBad\xffname" + MAIN_ROWS[5].encode()[9:]
    src.write_bytes(data)
    with pytest.raises(GazetteerFormatError, match=r"line 6: not UTF-8"):
        build_gazetteer([src], tmp_path / "g.sqlite")


def test_a_truncated_zip_is_called_damaged(tmp_path: Path) -> None:
    src = tmp_path / "RU.txt"
    src.write_text("".join(MAIN_ROWS) * 50, encoding="utf-8")
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, "RU.txt")
    cut = tmp_path / "RU.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(GazetteerFormatError, match="damaged or truncated"):
        build_gazetteer([cut], tmp_path / "g.sqlite")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: geocode("Sudzha", context=5), "context"),  # type: ignore[arg-type]
        (lambda: load_claims({"claims": []}), "path"),  # type: ignore[arg-type]
        (lambda: Geocoder().geocode_many(5), "names"),  # type: ignore[arg-type]
        (lambda: save_map(None, "x.html"), "m"),
        (lambda: save_map(folium.Map(tiles=None), None), "path"),  # type: ignore[arg-type]
    ],
    ids=["geocode-context", "load_claims-dict", "geocode_many-int", "save_map-none", "path"],
)
def test_wrong_argument_types_name_the_argument(call: Any, argument: str) -> None:
    with pytest.raises(TypeError, match=rf"{argument} must be") as err:
        call()
    assert isinstance(err.value, ArgumentTypeError)


def test_a_deeply_nested_jsonl_line_is_one_error_row(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    good = json.dumps(
        {"id": "a1", "text": "Shelling was reported near Sudzha in the Kursk region."}
    )
    src.write_text(good + "\n" + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    summary = batch_extract([src], tmp_path / "out", scheduler="sync", progress=False)
    errors = pd.read_parquet(tmp_path / "out" / "errors.parquet")
    assert (summary.extracted, summary.errors) == (1, 1)
    assert "nested too deeply" in errors["message"].iloc[0]
