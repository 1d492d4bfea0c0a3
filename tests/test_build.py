"""Tests for geokursk.build on small files written in the GeoNames formats."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from geokursk import GazetteerFormatError, GazetteerNotFoundError, Geocoder
from geokursk.build import build_gazetteer, detect_format
from geokursk.gazetteer import Gazetteer


def main_row(
    gid: int,
    name: str,
    alts: str,
    lat: float,
    lon: float,
    fclass: str,
    fcode: str,
    cc: str,
    a1: str,
    a2: str = "",
    pop: int = 0,
) -> str:
    cols = [
        str(gid),
        name,
        name,
        alts,
        f"{lat}",
        f"{lon}",
        fclass,
        fcode,
        cc,
        "",
        a1,
        a2,
        "",
        "",
        str(pop),
        "",
        "150",
        "Europe/Moscow",
        "2024-01-01",
    ]
    assert len(cols) == 19
    return "\t".join(cols) + "\n"


MAIN_ROWS = [
    main_row(
        538555,
        "Kursk Oblast",
        "Kurskaya Oblast',Курская область",
        51.75,
        36.0,
        "A",
        "ADM1",
        "RU",
        "41",
    ),
    main_row(
        535120,
        "Lipetsk Oblast",
        "Lipetskaya Oblast',Липецкая область",
        52.5,
        39.5,
        "A",
        "ADM1",
        "RU",
        "43",
    ),
    main_row(9999001, "Kurilovka", "Куриловка", 51.125, 35.29, "P", "PPL", "RU", "41", "1001", 120),
    main_row(
        9999002, "Kurilovka", "Куриловка", 52.2133, 39.8081, "P", "PPL", "RU", "43", "1002", 300
    ),
    main_row(9999003, "Gorodishche", "", 51.55, 35.05, "P", "PPL", "RU", "41", "1003", 900),
    main_row(9999004, "Some Hill", "", 51.2, 35.2, "T", "HLL", "RU", "41"),
]
POSTAL_ROWS = [
    "RU\t307800\tСуджа\tКурская Область\t\tСУДЖАНСКИЙ РАЙОН\t\t\t\t51.1914\t35.2706\t4\n",
    "RU\t307801\tСуджа\tКурская Область\t\tСУДЖАНСКИЙ РАЙОН\t\t\t\t51.1914\t35.2706\t4\n",
]
ALT_ROWS = [
    "1\t9999003\tru\tГородище\t1\t\t\t\t\t\n",
    "2\t9999003\tlink\thttps://en.wikipedia.org/wiki/Gorodishche\t\t\t\t\t\t\n",
    "3\t9999003\tpost\t307000\t\t\t\t\t\t\n",
]


@pytest.fixture()
def dumps(tmp_path: Path) -> dict[str, Path]:
    ru_txt = tmp_path / "RU.txt"
    ru_txt.write_text("".join(MAIN_ROWS), encoding="utf-8")
    ru_zip = tmp_path / "RU.zip"
    with zipfile.ZipFile(ru_zip, "w") as zf:
        zf.write(ru_txt, "RU.txt")
        zf.writestr("readme.txt", "GeoNames readme")
    postal = tmp_path / "RU_postal.txt"
    postal.write_text("".join(POSTAL_ROWS), encoding="utf-8")
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("".join(ALT_ROWS), encoding="utf-8")
    return {"txt": ru_txt, "zip": ru_zip, "postal": postal, "alt": alt}


def test_detect_format(dumps: dict[str, Path]) -> None:
    assert detect_format(dumps["zip"]) == "geonames"
    assert detect_format(dumps["txt"]) == "geonames"
    assert detect_format(dumps["postal"]) == "postal"
    assert detect_format(dumps["alt"]) == "alternatenames"


def test_build_then_kurilovka_resolves_with_a_gazetteer_that_has_it(
    dumps: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "gaz.sqlite"
    stats = build_gazetteer([dumps["zip"], dumps["postal"], dumps["alt"]], out)
    assert stats["places"] == 5 + 1  # the hill (class T) is skipped; two postal codes -> one place
    assert stats["alternate_names"] == 1  # link and postal-code rows are not names
    gc = Geocoder(out)
    r = gc.geocode("Kurilovka", context="Kursk region")
    assert r.status == "resolved", r.reason
    assert r.place is not None and r.place.id == "gn:9999001"
    assert r.place.admin1 == "Kursk Oblast"
    assert gc.geocode("Kurilovka", context="Lipetsk region").place.id == "gn:9999002"  # type: ignore[union-attr]
    assert gc.geocode("Kurilovka").status == "ambiguous"
    # alternateNamesV2 adds a Russian name that is searchable
    assert gc.geocode("Городище").place.id == "gn:9999003"  # type: ignore[union-attr]
    assert Gazetteer(out).place("gn:9999003").name_ru == "Городище"  # type: ignore[union-attr]
    # postal rows of one settlement become one place
    sudzha = gc.geocode("Sudzha")
    assert sudzha.status == "resolved" and sudzha.place is not None
    assert sudzha.place.id == "postal:RU:307800"


def test_feature_classes_option_keeps_terrain_when_asked(
    dumps: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "all.sqlite"
    stats = build_gazetteer([dumps["txt"]], out, feature_classes=None)
    assert stats["places"] == 6
    assert Geocoder(out).geocode("Some Hill").status == "resolved"


def test_build_is_byte_reproducible(dumps: dict[str, Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    build_gazetteer([dumps["zip"], dumps["alt"]], a)
    build_gazetteer([dumps["zip"], dumps["alt"]], b)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("1\tonly\tthree\n", r"line 3: 3 columns, expected 19"),
        (
            main_row(7, "X", "", 95.0, 10.0, "P", "PPL", "RU", "41"),
            r"line 3: latitude 95.0 is outside",
        ),
        (
            main_row(7, "X", "", 50.0, 10.0, "P", "PPL", "RU", "41").replace("50.0", "abc", 1),
            r"line 3: latitude 'abc' is not a number",
        ),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    f = tmp_path / "UA.txt"
    f.write_text(MAIN_ROWS[2] + MAIN_ROWS[3] + bad_line, encoding="utf-8")
    out = tmp_path / "out.sqlite"
    with pytest.raises(GazetteerFormatError, match=r"UA\.txt, " + message):
        build_gazetteer([f], out)
    assert not out.exists()  # no partial gazetteer is left behind
    assert not list(tmp_path.glob(".out.sqlite.*"))


def test_wrong_format_and_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("hello\tworld\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match=r"notes\.txt, line 1: 2 tab-separated columns"):
        build_gazetteer([f], tmp_path / "o.sqlite")
    with pytest.raises(GazetteerNotFoundError, match=r"missing\.zip"):
        build_gazetteer([tmp_path / "missing.zip"], tmp_path / "o.sqlite")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage\tx\n")
    with pytest.raises(GazetteerFormatError, match=r"bin\.txt, line 1: not UTF-8"):
        build_gazetteer([binary], tmp_path / "o.sqlite")


def test_opening_a_raw_dump_as_gazetteer_says_to_build_it(dumps: dict[str, Path]) -> None:
    with pytest.raises(GazetteerFormatError, match="gazetteer build"):
        Gazetteer(dumps["txt"])
    with pytest.raises(GazetteerNotFoundError, match="GEOKURSK_GAZETTEER"):
        Gazetteer(dumps["txt"].parent / "nope.sqlite")
