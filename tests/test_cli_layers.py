"""CLI of `geokursk layers`: add, list, remove; bad files fail with file and line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geokursk.cli import main


@pytest.fixture(autouse=True)
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "user-layers"
    monkeypatch.setenv("GEOKURSK_LAYERS", str(d))
    return d


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "verified.csv"
    path.write_text("name,lat,lon,alt_names,note\n" + body, encoding="utf-8")
    return path


def test_add_list_remove_round_trip(
    tmp_path: Path, user_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path, "Kurilovka,51.1442,35.27,Куриловка,seen on imagery\n")
    assert main(["layers", "add", str(src), "--licence", "CC-BY-4.0"]) == 0
    assert "added layer 'verified': 1 places" in capsys.readouterr().out
    assert (user_dir / "verified.layer.jsonl.xz").is_file()
    assert main(["layers", "list", "--json"]) == 0
    layers = json.loads(capsys.readouterr().out)
    assert layers[0]["name"] == "verified" and layers[0]["user"] is True
    assert layers[0]["licence"] == "CC-BY-4.0"
    assert {"ru-register", "geonames"} <= {lay["name"] for lay in layers}
    assert main(["layers", "list"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[1].startswith("verified\tuser\trank 0\t1 rows")
    assert main(["layers", "remove", "verified"]) == 0
    assert not (user_dir / "verified.layer.jsonl.xz").exists()


def test_a_bad_row_is_refused_with_file_and_line_and_nothing_is_added(
    tmp_path: Path, user_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path, "Guevo,51.09,35.26,,\nKurilovka,51.1442,thirty-five,,\n")
    assert main(["layers", "add", str(src)]) == 2
    err = capsys.readouterr().err
    assert "verified.csv, line 3: lon 'thirty-five' is not a number" in err
    assert not user_dir.exists() or not list(user_dir.iterdir())


def test_adding_twice_needs_replace_and_removing_unknown_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path, "Kurilovka,51.1442,35.27,,\n")
    assert main(["layers", "add", str(src), "--name", "mine"]) == 0
    assert main(["layers", "add", str(src), "--name", "mine"]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["layers", "add", str(src), "--name", "mine", "--replace"]) == 0
    assert main(["layers", "remove", "nope"]) == 2
    assert "no user layer named 'nope' (user layers: mine)" in capsys.readouterr().err


def test_geocode_refuses_a_gazetteer_file_and_layers_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _csv(tmp_path, "Kurilovka,51.1442,35.27,,\n")
    main(["layers", "add", str(src), "--name", "mine"])
    capsys.readouterr()
    layer = Path(str(tmp_path / "user-layers" / "mine.layer.jsonl.xz"))
    code = main(["geocode", "--gazetteer", "x.sqlite", "--layer", str(layer), "Kurilovka"])
    assert code == 2
    assert "either a gazetteer file or layers" in capsys.readouterr().err
