"""Dictionary forms of inflected Cyrillic place names ("под Суджей" -> "Суджа").

A Russian or Ukrainian name in a sentence is usually in an oblique case; the
gazetteer knows its nominative.  Forms are proposed likeliest first and the
caller keeps the first one the gazetteer knows:

1. the name as written;
2. :mod:`pymorphy3` analyses with the dictionary of the text's language
   (``pymorphy3-dicts-ru`` / ``pymorphy3-dicts-uk``; geographical names first):
   the head word (the last) in the nominative, singular and plural, and the
   adjectives before it made to agree with it ("Часового Яру" -> "Часовий
   Яр", "Великой Новосёлки" -> "Великая Новосёлка", "Попово-Лежачах" ->
   "Попово-Лежачи");
3. the suffix rules of ``case_endings.csv`` (each word's case ending replaced by
   the nominative endings it may come from), for names the dictionaries do not
   know and mis-guess ("Малой Локне" -> "Малая Локня").

Why a library and the rules: the dictionaries know declension classes, stress-free
paradigms and agreement, which the rules cannot; but village names are mostly
absent from them, so pymorphy's guesses for unknown words are kept only as
candidates, never as the answer.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from geokursk.extract.vocab import case_endings
from geokursk.normalize import has_cyrillic

__all__ = ["LANGUAGES", "is_common_word", "lemma_forms", "name_language"]

#: Languages with a morphological dictionary.
LANGUAGES = ("ru", "uk")

# Case endings of Russian/Ukrainian place names and the nominative endings they come from.
_CASE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = case_endings()
_UK_LETTERS = re.compile("[іїєґІЇЄҐ’]")
_RU_LETTERS = re.compile("[ыэъёЫЭЪЁ]")
_NOMINAL = frozenset({"NOUN", "ADJF", "PRTF"})
_MAX_FORMS = 8


@functools.cache
def _analyzer(language: str) -> Any:
    """Return the pymorphy3 analyser of a language, loaded once (about 0.1 s)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


def name_language(name: str, default: str = "ru") -> str:
    """Guess whether a Cyrillic name is Ukrainian or Russian from its letters.

    Examples
    --------
    >>> name_language("Курилівці"), name_language("Курилловки"), name_language("Суджа", "uk")
    ('uk', 'ru', 'uk')
    """
    if _UK_LETTERS.search(name):
        return "uk"
    if _RU_LETTERS.search(name):
        return "ru"
    return default if default in LANGUAGES else "ru"


def lemma_forms(name: str, language: str | None = None) -> list[str]:
    """Return the name, then its likely dictionary forms, likeliest first.

    Parameters
    ----------
    name : str
        A name as written in the text (one or more words).
    language : {"ru", "uk"}, optional
        The text's language; the name's own letters decide when they can
        (і/ї/є/ґ are Ukrainian, ы/э/ъ/ё Russian).

    Returns
    -------
    list of str
        ``[name]`` for a name without Cyrillic letters.

    Examples
    --------
    >>> lemma_forms("Суджей")[:2]
    ['Суджей', 'Суджа']
    >>> "Часовий Яр" in lemma_forms("Часового Яру", "uk")
    True
    >>> lemma_forms("Sudzha")
    ['Sudzha']
    """
    if not has_cyrillic(name) or not name.strip():
        return [name]
    lang = name_language(name, language or "ru")
    known, guessed = _dictionary_forms(name, lang)
    forms = [name, *known, *_possessive_forms(name, known), *_rule_forms(name), *guessed]
    return list(dict.fromkeys(forms))[: _MAX_FORMS + 1]


def is_common_word(word: str, language: str) -> bool:
    """Tell whether the Russian dictionary knows ``word`` only as an ordinary word.

    «Друзья» is a plural of друг, whatever town has it as an alternate name;
    «Вашингтон», «Киев» are geographical names (Geox).  Only Russian has that tag;
    for other languages the answer is False.

    Examples
    --------
    >>> is_common_word("Друзья", "ru"), is_common_word("Киев", "ru")
    (True, False)
    """
    if language != "ru" or not has_cyrillic(word):
        return False
    parses = [p for p in _analyzer("ru").parse(word) if p.is_known]
    return bool(parses) and not any("Geox" in p.tag.grammemes for p in parses)


#: Parts of speech that never name a place: verbs, their forms, adverbs.
_VERBAL = frozenset({"VERB", "INFN", "GRND", "PRTS", "ADVB"})


def is_verb_form(word: str, language: str) -> bool:
    """Tell whether the dictionary knows a Cyrillic ``word`` only as a verb or adverb.

    A sentence may open with one before a place name («Постраждали Нікополь і
    Марганець», «Сгорел склад»): it is not part of the name.

    Examples
    --------
    >>> is_verb_form("Постраждали", "uk"), is_verb_form("Нікополь", "uk")
    (True, False)
    """
    if not has_cyrillic(word):
        return False
    lang = name_language(word, language)
    parses = [p for p in _analyzer(lang).parse(word) if p.is_known]
    return bool(parses) and all(p.tag.POS in _VERBAL for p in parses)


def _lookup_forms(name: str, language: str | None = None) -> list[str]:
    """Alias of :func:`lemma_forms` kept for the extraction modules."""
    return lemma_forms(name, language)


@functools.lru_cache(maxsize=20_000)
def _dictionary_forms(name: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Forms from analyses of words the dictionary knows, and from its guesses.

    A guess for an unknown word ("Торецька" read as a plural) comes after the suffix
    rules; a dictionary word ("Суджей", "Часового Яру") comes before them.
    """
    words = name.split()
    known: list[str] = []
    guessed: list[str] = []
    for parse in _parses(words[-1], language)[:3]:
        for head in _nominatives(parse):
            mods = [_like(_agree(w, head, language) or w.lower(), w) for w in words[:-1]]
            form = " ".join([*mods, _like(head.word, words[-1])])
            (known if parse.is_known else guessed).append(form)
    return tuple(dict.fromkeys(known)), tuple(dict.fromkeys(guessed))


def _parses(word: str, language: str) -> list[Any]:
    """Nominal analyses of a word: geographical names first, then nouns, then by score."""
    parses = [p for p in _analyzer(language).parse(word) if p.tag.POS in _NOMINAL]
    return sorted(
        parses,
        key=lambda p: (-("Geox" in p.tag.grammemes), -(p.tag.POS == "NOUN"), -p.score),
    )


def _nominatives(parse: Any) -> list[Any]:
    out = []
    for grams in ({"nomn"}, {"nomn", "sing"}, {"nomn", "plur"}):
        form = parse.inflect(grams)
        if form is not None:
            out.append(form)
    return out


def _agree(word: str, head: Any, language: str) -> str | None:
    """Return the adjective ``word`` in the nominative, agreeing with ``head``."""
    for parse in _parses(word, language):
        if parse.tag.POS == "NOUN":
            continue
        number, gender = head.tag.number, head.tag.gender
        # The Ukrainian dictionary marks no number on singular adjectives: try the fullest
        # agreement first, then less.
        tries = [{"nomn", number or "sing"} | ({gender} if gender and number != "plur" else set())]
        tries += [{"nomn", gender} if gender and number != "plur" else {"nomn", "plur"}]
        for grams in tries:
            form = parse.inflect(grams)
            if form is not None:
                return str(form.word)
    return None


def _like(word: str, model: str) -> str:
    """Give ``word`` the capitalisation of ``model`` (part by part for hyphenated names)."""
    parts, model_parts = word.split("-"), model.split("-")
    if len(parts) != len(model_parts):
        return word[:1].upper() + word[1:]
    return "-".join(
        p[:1].upper() + p[1:] if m[:1].isupper() else p
        for p, m in zip(parts, model_parts, strict=True)
    )


# Possessive adjectives of names: «Часового Яру» is Часів Яр, «Часового Яра» Часов Яр.
_POSSESSIVE_ENDINGS = (("ового", ("ів", "ов")), ("евого", ("ів", "ев")), ("іного", ("ін",)))


def _possessive_forms(name: str, known: tuple[str, ...]) -> list[str]:
    """«Часового Яру» -> «Часів Яр»: a possessive first word before the head's nominative."""
    words = name.split()
    if len(words) != 2:
        return []
    heads = [f.split()[-1] for f in known] or [words[1]]
    for ending, repl in _POSSESSIVE_ENDINGS:
        if words[0].lower().endswith(ending):
            stem = words[0][: -len(ending)]
            return [f"{stem}{r} {h}" for r in repl for h in dict.fromkeys(heads)]
    return []


def _rule_forms(name: str) -> list[str]:
    return _aligned([_hyphenated_lemmas(w) for w in name.split()], " ")


def _hyphenated_lemmas(word: str) -> list[str]:
    """Suffix-rule forms of a word, part by part when hyphenated (Середину-Буду)."""
    parts = word.split("-")
    if len(parts) == 1 or not all(parts):
        return _cyrillic_lemmas(word)
    return _aligned([_cyrillic_lemmas(p) for p in parts], "-", fill=1)


def _aligned(variants: list[list[str]], sep: str, *, fill: int = -1) -> list[str]:
    """Join the i-th variant of every part.

    A part with fewer variants gives its variant ``fill`` beyond its own: the last
    (a word: «Малой» -> «Малая» with «Локне» -> «Локня»), or the first rule form (a
    hyphenated part: «Купʼянська» stays «Купʼянськ» while «Вузлового» tries its further
    nominatives).
    """
    return [
        sep.join(v[i] if i < len(v) else v[min(fill, len(v) - 1)] for v in variants)
        for i in range(max(len(v) for v in variants))
    ]


def _cyrillic_lemmas(word: str) -> list[str]:
    low = word.lower()
    out = [word]
    for ending, repl in _CASE_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            base = word[: len(word) - len(ending)]
            out.extend(base + r for r in repl)
            break
    return out
