"""The extraction gold set (tests/data/articles/*.gold.json) is well formed.

`benchmarks/eval_extract.py` scores extraction against these files; a span that does not
match its text, an unknown type or a claim naming a place the mentions lack would make
its figures meaningless.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geokursk.claims import FigureKind, Qualifier, Side

ARTICLES = Path(__file__).parent / "data" / "articles"
GOLD = sorted(ARTICLES.glob("*.gold.json"))
TYPES = {"settlement", "hromada", "raion", "oblast", "region", "country", "river"}
ROLES = {"event", "actor", "dateline", "statement"}


def load(path: Path) -> tuple[str, dict[str, Any]]:
    text = (ARTICLES / path.name.replace(".gold.json", ".txt")).read_text(encoding="utf-8")
    return text, json.loads(path.read_text(encoding="utf-8"))


def test_the_set_covers_three_languages_and_every_text_has_gold() -> None:
    langs = [load(g)[1]["language"] for g in GOLD]
    assert len(GOLD) >= 27
    assert langs.count("ru") >= 6 and langs.count("uk") >= 6 and langs.count("en") >= 6
    texts = {p.stem for p in ARTICLES.glob("*.txt")}
    assert texts == {g.name.removesuffix(".gold.json") for g in GOLD}


@pytest.mark.parametrize("gold", GOLD, ids=lambda p: p.name)
def test_mentions_match_their_text_in_order_with_known_types(gold: Path) -> None:
    text, doc = load(gold)
    last = -1
    for m in doc["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"], m
        assert m["start"] >= last, f"mentions out of order at {m}"
        last = m["start"]
        assert m["type"] in TYPES and m["role"] in ROLES, m
        if m["type"] == "settlement":
            assert -90 <= m["lat"] <= 90 and -180 <= m["lon"] <= 180, m
            assert m["country"] and m["source"], m


@pytest.mark.parametrize("gold", GOLD, ids=lambda p: p.name)
def test_claims_use_the_claims_vocabulary_and_name_known_places(gold: Path) -> None:
    _text, doc = load(gold)
    names = {m["name"] for m in doc["mentions"]}
    for c in doc["claims"]:
        assert c["kind"] in {"casualties", "territory", "strike"}, c
        Side(c["side"])
        for f in c["figures"]:
            FigureKind(f["kind"])
            Qualifier(f["qualifier"])
            if f.get("subject_side") is not None:
                Side(f["subject_side"])
        assert set(c["places"]) <= names, (c["claimant"], set(c["places"]) - names)
