"""CLI contract of `geokursk extract` (other tools read its JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geokursk.cli import main

ARTICLES = Path(__file__).parent / "data" / "articles"
RETELLING = Path(__file__).resolve().parents[1] / "data" / "article_retelling.txt"

PLACE_KEYS = {
    "mention",
    "start",
    "end",
    "status",
    "name",
    "lat",
    "lon",
    "admin1",
    "score",
    "reason",
    "alternatives",
}
CLAIM_KEYS = {
    "id",
    "claimant",
    "side",
    "claim_date",
    "event_start",
    "event_end",
    "figures",
    "places",
    "corroborates",
    "disputes",
    "responds_to",
}
FIGURE_KEYS = {"kind", "value", "qualifier", "subject"}
CLAIM_PLACE_KEYS = {"name", "relation", "status", "lat", "lon", "precision"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["extract", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--json", *argv)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_extract_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--published", "2024-12-17", str(RETELLING))
    assert data["reference_date"] == "2024-12-17"
    assert data["date_basis"] == "given publication date"
    text = RETELLING.read_text(encoding="utf-8")
    for p in data["places"]:
        assert PLACE_KEYS <= set(p)
        assert text[p["start"] : p["end"]] == p["mention"]
        assert (p["lat"] is None) == (p["status"] != "resolved")
    kurilovka = next(p for p in data["places"] if p["mention"] == "Kurilovka")
    assert kurilovka["status"] == "resolved" and round(kurilovka["lat"], 2) == 51.14
    for c in data["claims"]:
        assert CLAIM_KEYS <= set(c)
        assert all(FIGURE_KEYS <= set(f) for f in c["figures"])
        assert all(CLAIM_PLACE_KEYS <= set(p) for p in c["places"])
    gur = next(c for c in data["claims"] if c["claimant"] == "GUR" and c["figures"])
    assert gur["figures"][0] == {
        "kind": "killed_or_wounded",
        "value": 30,
        "qualifier": "at_least",
        "subject": "North Korean soldiers",
        "subject_side": "dprk",
        "note": None,
    }
    assert gur["claim_date"] == "2024-12-16"


def test_extract_json_cyrillic_is_kept_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "--published", "2024-12-16", str(ARTICLES / "mod_ru.txt"))
    assert code == 0
    assert "Мартыновки" in out  # ensure_ascii=False


def test_extract_without_published_uses_the_dateline_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, str(ARTICLES / "mod_ru.txt"))
    assert data["reference_date"] == "2024-12-16"
    assert data["dateline"] == "2024-12-16"
    assert data["date_basis"].startswith("dateline")
    assert data["notes"]


def test_extract_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--published", "2025-03-03", str(ARTICLES / "wire_sumy_border.txt"))
    assert code == 0
    assert "place mentions" in out and "claim candidates" in out
    assert "Novenke\tnear\tresolved\tNovenke (UA / Sumy Oblast" in out
    assert not out.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "looks binary"), (b"\xff\xfa", "UTF-8")],
)
def test_extract_bad_files_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_extract_missing_file_and_directory_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, str(tmp_path / "nope.txt"))[0] == 2
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "cannot read article" in err


def test_extract_bad_published_date_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["extract", "--published", "17/12/2024", str(RETELLING)])
    assert info.value.code == 2
    assert "use YYYY-MM-DD" in capsys.readouterr().err


def test_extract_missing_gazetteer_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--gazetteer", str(tmp_path / "none.sqlite"), str(RETELLING))
    assert code == 2 and "gazetteer" in err
