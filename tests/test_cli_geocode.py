"""CLI contract of `geokursk geocode` and `geokursk gazetteer` (other tools depend on it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geokursk.cli import main

REQUIRED = {
    "query",
    "status",
    "lat",
    "lon",
    "name",
    "country_code",
    "admin1",
    "admin2",
    "score",
    "reason",
    "alternatives",
}
ALT_REQUIRED = {"name", "lat", "lon", "admin1", "score"}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(list(args)) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list)
    return data


def test_geocode_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"]
    data = run_json(capsys, "geocode", "--context", "Kursk region", "--json", *names)
    assert [d["query"] for d in data] == names
    for d in data:
        assert REQUIRED <= set(d)
        assert d["status"] in ("resolved", "ambiguous", "unresolved")
        for a in d["alternatives"]:  # type: ignore[attr-defined]
            assert ALT_REQUIRED <= set(a)
    assert [d["status"] for d in data] == ["resolved"] * 4
    assert {d["admin2"] for d in data} == {"Sudzhansky District"}
    assert data[0]["admin1"] == "Kursk Oblast" and isinstance(data[0]["lat"], float)
    (elsewhere,) = run_json(capsys, "geocode", "--context", "Stavropol Krai", "--json", "Plekhovo")
    assert elsewhere["status"] == "unresolved" and elsewhere["lat"] is None
    assert elsewhere["alternatives"]


def test_names_in_one_call_are_resolved_together(capsys: pytest.CaptureFixture[str]) -> None:
    alone = run_json(capsys, "geocode", "--json", "Martynovka")
    together = run_json(capsys, "geocode", "--json", "Martynovka", "Plekhovo", "Vorobzha")
    assert alone[0]["status"] == "ambiguous"
    assert together[0]["status"] == "resolved"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["geocode", "--json", ""], "place name #1"),
        (["geocode", "--gazetteer", "/nonexistent/g.sqlite", "X"], "/nonexistent/g.sqlite"),
        (["gazetteer", "build", "/nonexistent/RU.zip", "-o", "x.sqlite"], "RU.zip"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_malformed_dump_error_names_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "RU.txt"
    bad.write_text(
        "1\tA\tA\t\t50\t30\tP\tPPL\tRU\t\t41\t\t\t\t0\t\t1\tX\t2024-01-01\nbroken\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "geokursk.cli",
            "gazetteer",
            "build",
            str(bad),
            "-o",
            str(tmp_path / "g.sqlite"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "RU.txt, line 2: 1 columns, expected 19" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_gazetteer_build_then_use_via_option_and_env(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "UA.txt"
    row = [
        "703448",
        "Kyiv",
        "Kyiv",
        "Київ,Киев",
        "50.45466",
        "30.5238",
        "P",
        "PPLC",
        "UA",
        "",
        "12",
        "",
        "",
        "",
        "2952301",
        "",
        "187",
        "Europe/Kyiv",
        "2024-01-01",
    ]
    dump.write_text("\t".join(row) + "\n", encoding="utf-8")
    out = tmp_path / "ua.sqlite"
    assert main(["gazetteer", "build", str(dump), "-o", str(out), "--no-progress"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["places"] == 1
    data = run_json(capsys, "geocode", "--gazetteer", str(out), "--json", "Київ", "Plekhovo")
    assert data[0]["status"] == "resolved" and data[0]["country_code"] == "UA"
    assert data[1]["status"] == "unresolved"  # not in this small gazetteer
    env = {**os.environ, "GEOKURSK_GAZETTEER": str(out)}
    proc = subprocess.run(
        [sys.executable, "-m", "geokursk.cli", "geocode", "--json", "Plekhovo"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(proc.stdout)[0]["status"] == "unresolved"
    assert main(["gazetteer", "info", "--gazetteer", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "geokursk-gazetteer"


def test_an_unrecognised_context_is_warned_about_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["geocode", "--context", "Kursk regoin", "--json", "Sudzha"]) == 0
    captured = capsys.readouterr()
    assert "warning: context 'Kursk regoin' names no country, region or district" in captured.err
    assert json.loads(captured.out)[0]["warnings"]
