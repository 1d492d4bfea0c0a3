"""`geokursk map --article`: from one article to a map, and the review loop through a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geokursk import cli
from geokursk.claims import EXTRACTION_SCHEMA, load_claims, parse_claims
from geokursk.errors import ClaimsValidationError

# Our own text in wire style; its dateline has no year, so the date is given.
ARTICLE = """KYIV, Dec 17 (Geokursk Wire) - Ukraine's military intelligence said on Monday that
North Korean units lost at least 30 soldiers killed and wounded near the villages of
Plekhovo and Vorobzha in Russia's Kursk region.

Three more soldiers went missing near Kurilovka, the agency said.
"""


DRAW = ["map", "--published", "2024-12-17", "--article"]


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "wire.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_map_article_draws_the_extracted_claims_marked_unreviewed(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "map.html"
    saved = tmp_path / "claims.json"
    code = cli.main([*DRAW, str(article), "-o", str(out), "--save-claims", str(saved)])
    assert code == 0, capsys.readouterr().err
    stdout = capsys.readouterr().out
    assert "machine-extracted and unreviewed" in stdout
    page = out.read_text(encoding="utf-8")
    assert "machine-extracted, unreviewed" in page
    for village in ("Plekhovo", "Vorobzha", "Kurilovka"):
        assert village in page
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["schema"] == EXTRACTION_SCHEMA
    claims = load_claims(saved)
    assert claims and not any(c.reviewed for c in claims)
    assert {p.name for c in claims for p in c.places} >= {"Plekhovo", "Vorobzha", "Kurilovka"}


def test_a_corrected_extraction_file_is_drawn_as_reviewed(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "claims.json"
    cli.main([*DRAW, str(article), "-o", str(tmp_path / "a.html"), "--save-claims", str(saved)])
    doc = json.loads(saved.read_text(encoding="utf-8"))
    for claim in doc["claims"]:
        claim["reviewed"] = True  # the analyst checked them
    doc["claims"][0]["paraphrase"] = "Corrected by hand."
    saved.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    claims = load_claims(saved)
    assert all(c.reviewed for c in claims) and claims[0].paraphrase == "Corrected by hand."
    capsys.readouterr()
    assert cli.main(["map", "--claims", str(saved), "-o", str(tmp_path / "b.html")]) == 0
    assert "unreviewed" not in capsys.readouterr().out
    assert "machine-extracted, unreviewed" not in (tmp_path / "b.html").read_text(encoding="utf-8")


def test_an_article_without_a_date_needs_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "undated.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert cli.main(["map", "--article", str(path), "-o", str(tmp_path / "m.html")]) == 2
    err = capsys.readouterr().err
    assert "no dateline" in err and "--published" in err and err.count("\n") == 1
    code = cli.main(
        ["map", "--article", str(path), "--published", "2024-12-17", "-o", str(tmp_path / "m.html")]
    )
    assert code == 0


def test_article_options_need_an_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["map", "--published", "2024-12-17", "-o", str(tmp_path / "m.html")]) == 2
    assert "--article" in capsys.readouterr().err


def test_an_extraction_document_with_an_unknown_key_is_refused() -> None:
    doc = {"schema": EXTRACTION_SCHEMA, "claims": [], "extra": 1}
    with pytest.raises(ClaimsValidationError, match="extra"):
        parse_claims(doc, "doc.json")


SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / "article.txt"


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is not beside the repository")
def test_the_seed_article_is_drawn_with_its_four_villages(tmp_path: Path) -> None:
    out, saved = tmp_path / "seed.html", tmp_path / "seed.json"
    assert (
        cli.main(["map", "--article", str(SEED), "-o", str(out), "--save-claims", str(saved)]) == 0
    )
    claims = load_claims(saved)  # joint claimants' responses are linked, so it validates
    places = {p.name for c in claims for p in c.places}
    assert {"Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"} <= places
    page = out.read_text(encoding="utf-8")
    assert all(v in page for v in ("Plekhovo", "Vorobzha", "Martynovka", "Kurilovka"))
