"""Evidence for the geocoder's name-similarity thresholds (see geokursk.geocode docstring).

Each row of tests/data/spelling_variants.csv is a pair of names that news writes for the same
place (same_place=1) or for different places (same_place=0).  The thresholds must accept every
true variant, while distinct names are either rejected or left for context to separate.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from geokursk.geocode import FUZZY_ACCEPT, is_spelling_variant
from geokursk.normalize import latin_forms, skeleton

ROWS = list(csv.DictReader((Path(__file__).parent / "data" / "spelling_variants.csv").open()))


def best_match(a: str, b: str) -> tuple[float, bool]:
    """Best ratio over the two names' keys, and whether any keys share a skeleton."""
    ka, kb = latin_forms(a), latin_forms(b)
    score = max(fuzz.ratio(x, y) for x in ka for y in kb)
    same_skel = bool({skeleton(x) for x in ka} & {skeleton(y) for y in kb})
    return score, same_skel


def accepted(a: str, b: str) -> bool:
    score, same_skel = best_match(a, b)
    if score >= FUZZY_ACCEPT:
        return True
    ka, kb = latin_forms(a), latin_forms(b)
    return same_skel and any(is_spelling_variant(ka, k, score) for k in kb)


@pytest.mark.parametrize("row", [r for r in ROWS if r["same_place"] == "1"], ids=lambda r: r["b"])
def test_true_variants_are_accepted(row: dict[str, str]) -> None:
    assert accepted(row["a"], row["b"]), (row, best_match(row["a"], row["b"]))


def test_distinct_names_are_rejected() -> None:
    distinct = [r for r in ROWS if r["same_place"] == "0"]
    passed = [r["b"] for r in distinct if accepted(r["a"], r["b"])]
    assert passed == []
