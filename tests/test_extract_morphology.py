"""Dictionary forms of inflected Russian and Ukrainian names (geokursk.extract.morphology)."""

from __future__ import annotations

import pytest

from geokursk.extract.morphology import is_common_word, lemma_forms, name_language
from geokursk.extract.text import text_language


@pytest.mark.parametrize(
    ("inflected", "language", "nominative"),
    [
        ("Суджей", "ru", "Суджа"),  # instrumental
        ("Авдеевке", "ru", "Авдеевка"),  # locative
        ("Великой Новосёлки", "ru", "Великая Новосёлка"),  # adjective agrees with its noun
        ("Попово-Лежачах", "ru", "Попово-Лежачи"),  # plural name, hyphenated
        ("Курилівці", "uk", "Курилівка"),
        ("Часового Яру", "uk", "Часів Яр"),  # possessive adjective
        ("Києвом", "uk", "Київ"),
        ("Малой Локне", "ru", "Малая Локня"),  # unknown to the dictionary: suffix rules
        ("Казачьей Локни", "ru", "Казачья Локня"),  # soft adjective and noun agree
        ("Плехового", "uk", "Плехово"),  # Ukrainian declines Russian -ово names so
        ("Тьоткіному", "uk", "Тьоткіно"),
        ("Никольском", "ru", "Никольское"),  # -ском of a neuter adjective name
        ("Тёткина", "ru", "Тёткино"),  # genitive of a neuter -ино/-ово name
        ("Купʼянська-Вузлового", "uk", "Купʼянськ-Вузловий"),  # a short first part
    ],
)
def test_inflected_names_yield_their_dictionary_form(
    inflected: str, language: str, nominative: str
) -> None:
    forms = lemma_forms(inflected, language)
    assert forms[0] == inflected
    assert nominative in forms


def test_latin_names_and_blank_strings_are_returned_as_given() -> None:
    assert lemma_forms("Sudzha") == ["Sudzha"]
    assert lemma_forms("  ") == ["  "]


def test_forms_are_bounded_and_distinct() -> None:
    forms = lemma_forms("Большого Солдатского", "ru")
    assert len(forms) == len(set(forms)) <= 9


def test_language_of_names_and_texts() -> None:
    assert name_language("Курилівці") == "uk" and name_language("Курилловки") == "ru"
    assert name_language("Суджа", "uk") == "uk"
    assert text_language("Ворог атакував біля Часового Яру.") == "uk"
    assert text_language("Бои продолжаются под Суджей.") == "ru"
    assert text_language("Fighting near Sudzha, Kursk region.") == "en"


def test_ordinary_russian_words_are_told_from_place_names() -> None:
    assert is_common_word("Друзья", "ru")
    assert not is_common_word("Киев", "ru")
    assert not is_common_word("Друзья", "uk")  # no geographical tag in that dictionary
