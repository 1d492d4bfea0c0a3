"""Tests for geokursk.normalize: folding, romanisation, skeletons, area stems."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geokursk.normalize import (
    fold,
    has_cyrillic,
    latin_forms,
    name_key,
    romanize,
    skeleton,
    split_area,
    stem,
    stems_compatible,
)

CYRILLIC = st.text(
    alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯІЇЄҐ -'",
    min_size=1,
    max_size=30,
)
ANY_TEXT = st.text(min_size=0, max_size=40)


@pytest.mark.parametrize(
    ("variants", "expected_skeleton"),
    [
        (["Plekhovo", "Plyokhovo", "Plekhove", "Плёхово", "Плехово", "Plëkhovo"], "plhv"),
        (["Martynovka", "Martynivka", "Мартинівка", "Мартыновка", "Martinovka"], "mrtnvk"),
        (["Kurilovka", "Kurylivka", "Курилівка", "Куриловка"], "krlvk"),
        (["Goncharovka", "Honcharivka", "Гончарівка", "Гончаровка"], "hncrvk"),
        (["Kharkiv", "Kharkov", "Харків", "Харьков"], "hrkv"),
    ],
)
def test_spelling_variants_share_one_skeleton(variants: list[str], expected_skeleton: str) -> None:
    for v in variants:
        skels = {skeleton(k) for k in latin_forms(v)}
        assert expected_skeleton in skels, (v, skels)


def test_fold_strips_diacritics_apostrophes_and_soft_signs() -> None:
    assert fold("Bol'shoye  Soldatskoye") == "bolshoye soldatskoye"
    assert fold("Plyókhovo") == "plyokhovo"
    assert fold("Плёхово") == "плехово"
    assert fold("Ивано-Франковск") == "ивано франковск"
    assert fold("Kyïv’s") == "kyivs"


def test_romanize_picks_family_by_letters() -> None:
    assert romanize("Мартинівка")[0] == "Martynivka"  # Ukrainian letters -> KMU 2010 first
    assert romanize("Плёхово")[0] == "Plyokhovo"  # Russian ё -> Wikipedia style first
    assert romanize("Kursk") == ("Kursk",)


def test_latin_forms_include_news_endings() -> None:
    forms = latin_forms("Большое Солдатское")
    assert "bolshoye soldatskoye" in forms
    assert "bolshoe soldatskoe" in forms
    assert "sudzhansky raion" in latin_forms("Суджанский район")


def test_mixed_script_names_still_romanise() -> None:
    # The UA postal file really holds names mixing Russian ы and Ukrainian і.
    forms = latin_forms("Тинів (Грушывська)")
    assert forms and all(not has_cyrillic(f) for f in forms)


def test_name_key_of_blank_is_empty() -> None:
    assert name_key("   ") == ""
    assert latin_forms("—") == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("sudzh", "sudzhansk", True),
        ("sum", "sumsk", True),
        ("kursk", "kursk", True),
        ("stavropol", "stavropolsk", True),
        ("kharkiv", "kharkovsk", True),
        ("kursk", "kurchatovsk", False),
        ("sum", "smolensk", False),
        ("", "kursk", False),
    ],
)
def test_stems_compatible(a: str, b: str, ok: bool) -> None:
    assert stems_compatible(a, b) is ok


def test_stem_and_split_area() -> None:
    assert stem("kurskaya") == "kursk"
    assert stem("kurskoi") == "kursk"
    assert split_area("kursk region") == ("kursk", "admin1")
    assert split_area("oblast kursk") == ("kursk", "admin1")
    assert split_area("sudzha district") == ("sudzha", "admin2")
    assert split_area("region") == ("region", None)


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_fold_is_idempotent_and_lowercase(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert once == once.lower() or not once.isascii()
    assert "  " not in once and once == once.strip()


@settings(max_examples=200, deadline=None)
@given(CYRILLIC)
def test_latin_forms_of_cyrillic_are_latin_and_folded(name: str) -> None:
    for form in latin_forms(name):
        assert not has_cyrillic(form)
        assert fold(form) == form


@settings(max_examples=200, deadline=None)
@given(CYRILLIC)
def test_yo_and_ye_spellings_share_keys(name: str) -> None:
    with_e = name.replace("ё", "е").replace("Ё", "Е")
    skels_yo = {skeleton(k) for k in latin_forms(name)}
    skels_e = {skeleton(k) for k in latin_forms(with_e)}
    if skels_yo or skels_e:
        assert skels_yo & skels_e


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=0, max_size=25))
def test_skeleton_is_stable_under_vowel_changes_after_first_letter(word: str) -> None:
    key = fold(word)
    swapped = " ".join(w[:1] + w[1:].replace("o", "i").replace("a", "e") for w in key.split())
    assert skeleton(key) == skeleton(swapped)
