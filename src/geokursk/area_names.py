"""Matching phrases to the names of countries, regions and districts.

The gazetteer's ``areas`` table holds a stem for each name of every country,
admin-1 region and district (and, marked with a leading ``=``, whole-word
aliases such as colloquial region names).  :func:`match_area` tells which
areas a phrase like ``kurskaya oblast`` or ``Донеччині`` names; the stems are
looked up through indexes built once per (cached, immutable) area tuple, so a
phrase costs a few dictionary probes, not a scan of the 3,500 stems.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from geokursk.gazetteer import AreaName, Place
from geokursk.normalize import (
    has_cyrillic,
    is_area_word,
    latin_forms,
    skeleton,
    split_area,
    stem,
    stems_compatible,
    word_forms,
)

__all__ = ["area_matches", "match_area", "may_name_area"]


# Oblique-case endings of an adjectival district name, romanised: Ukrainian «Чугуївського
# району» (chuhuivskoho), «Ізюмському районі» (iziumskomu), «Куп'янським районом», Russian
# «в Белгородском районе» (belgorodskom); -ogo and -oy are endings of
# :func:`geokursk.normalize.stem` already.
_ADJECTIVE_CASE = re.compile(r"(?<=[sz]k)(oho|omu|om|ykh|ikh|ym|im|oyi|oiu|oyu|uiu|uyu)$")


@functools.lru_cache(maxsize=65536)
def _phrase_stems(phrase: str) -> frozenset[str]:
    out = set()
    for key in latin_forms(phrase) if has_cyrillic(phrase) else {phrase}:
        words = key.split()
        if words:
            out.add(" ".join(stem(w) for w in words))
            out.add(" ".join(stem(_ADJECTIVE_CASE.sub("", w)) for w in words))
    return frozenset(out)


def _prefix_keys(area_stem: str) -> set[str]:
    """Return the first three letters of a stem and of its skeleton.

    Two stems are compatible only when one form of the shorter is a prefix of one form
    of the longer (:func:`~geokursk.normalize.stems_compatible`), so they share one of
    these keys: the index of :func:`_area_matches` is looked up by them.
    """
    return {area_stem[:3], skeleton(area_stem)[:3]}


_PrefixIndex = dict[tuple[str, str], list[tuple[int, AreaName]]]
_PREFIX_INDEX: dict[int, tuple[Sequence[AreaName], _PrefixIndex]] = {}


def _prefix_index(areas: Sequence[AreaName]) -> _PrefixIndex:
    """Index area stems by (level, prefix key), once per (cached, immutable) area tuple."""
    cached = _PREFIX_INDEX.get(id(areas))
    if cached is not None and cached[0] is areas:
        return cached[1]
    index: _PrefixIndex = {}
    for i, a in enumerate(areas):
        if a.stem.startswith("="):  # "=" marks whole-word aliases
            continue
        for k in _prefix_keys(a.stem):
            index.setdefault((a.level, k), []).append((i, a))
    _forget_old(_PREFIX_INDEX)
    _PREFIX_INDEX[id(areas)] = (areas, index)
    return index


def area_matches(core: str, level: str, areas: Sequence[AreaName]) -> list[AreaName]:
    """Return the area names of ``level`` whose stem can be the stem of ``core``.

    Parameters
    ----------
    core : str
        A folded phrase without its area word (``"kursk"`` of ``"kursk oblast"``).
    level : str
        ``"admin1"`` or ``"admin2"``.
    areas : sequence of AreaName
        :meth:`geokursk.gazetteer.Gazetteer.areas`.

    Returns
    -------
    list of AreaName
        In the order of ``areas`` (the order a full scan would give).
    """
    stems = _phrase_stems(core)
    index = _prefix_index(areas)
    found: dict[int, AreaName] = {}  # by position in ``areas``: the order of a full scan
    for s in stems:
        for k in _prefix_keys(s):
            for i, a in index.get((level, k), ()):
                if i not in found and (s == a.stem or stems_compatible(s, a.stem)):
                    found[i] = a
    return [found[i] for i in sorted(found)]


def may_name_area(first: str, last: str, words: int, areas: Sequence[AreaName]) -> bool:
    """Tell cheaply whether a phrase can name an area; False: :func:`match_area` finds none.

    A phrase names an area only with an area word as its first or last word
    (``kursk oblast``), or as a whole country or region name (``south korea``,
    ``донеччині``), which starts with the first word of one.  Looking at the forms
    of its first and last words (:func:`geokursk.normalize.word_forms`) rules out
    almost every n-gram of a text without romanising it.

    Parameters
    ----------
    first, last : str
        The phrase's first and last folded words.
    words : int
        How many words the phrase has.
    areas : sequence of AreaName
        :meth:`geokursk.gazetteer.Gazetteer.areas`.

    Returns
    -------
    bool
        False only when :func:`match_area` would find no area for the phrase.
    """
    if _vanishes(first) or _vanishes(last):
        return True  # a word no system romanises (ң, ә...): the next word is the edge
    if words >= 2 and (_has_area_form(first) or _has_area_form(last)):
        return True
    memo = _bare_starts(areas)
    known = memo.get(first)
    if known is None:
        plain, stemmed = _bare_first_words(areas)
        known = any(f in plain or stem(f) in stemmed for f in word_forms(first))
        if len(memo) >= _MATCH_MEMO_LIMIT:
            memo.clear()
        memo[first] = known
    return known


@functools.lru_cache(maxsize=131072)
def _has_area_form(word: str) -> bool:
    return any(is_area_word(f) for f in word_forms(word))


@functools.lru_cache(maxsize=131072)
def _vanishes(word: str) -> bool:
    """Tell whether a Cyrillic word has no Latin form (its letters romanise to nothing)."""
    return has_cyrillic(word) and all(has_cyrillic(f) for f in word_forms(word))


_BARE_FIRST: dict[int, tuple[Sequence[AreaName], tuple[frozenset[str], frozenset[str]]]] = {}
_BARE_STARTS: dict[int, tuple[Sequence[AreaName], dict[str, bool]]] = {}


def _bare_first_words(areas: Sequence[AreaName]) -> tuple[frozenset[str], frozenset[str]]:
    """First words of the whole-name keys of :func:`_bare_name_index`: plain, and stemmed."""
    cached = _BARE_FIRST.get(id(areas))
    if cached is not None and cached[0] is areas:
        return cached[1]
    plain: set[str] = set()
    stemmed: set[str] = set()
    for key in _bare_name_index(areas):
        if key.startswith("="):
            stemmed.update(key[1:].split()[:1])
        else:
            plain.update(key.split()[:1])
    found = (frozenset(plain), frozenset(stemmed))
    _forget_old(_BARE_FIRST)
    _BARE_FIRST[id(areas)] = (areas, found)
    return found


def _bare_starts(areas: Sequence[AreaName]) -> dict[str, bool]:
    """Return the memo of which words can start a whole area name, per area tuple."""
    cached = _BARE_STARTS.get(id(areas))
    if cached is not None and cached[0] is areas:
        return cached[1]
    memo: dict[str, bool] = {}
    _forget_old(_BARE_STARTS)
    _BARE_STARTS[id(areas)] = (areas, memo)
    return memo


def match_area(phrase: str, areas: Sequence[AreaName]) -> tuple[list[Place], str]:
    """Return the areas a folded phrase names, and their level.

    Parameters
    ----------
    phrase : str
        A folded phrase: with an area word (``"kurskaya oblast"``), or a whole
        country or colloquial region name (``"russia"``, ``"донеччині"``).
    areas : sequence of AreaName
        :meth:`geokursk.gazetteer.Gazetteer.areas`.

    Returns
    -------
    places : list of Place
        Distinct area places; empty when the phrase names none.
    level : str
        ``"country"``, ``"admin1"`` or ``"admin2"`` (``""`` when none).
    """
    if not phrase:
        return [], ""
    memo = _match_memo(areas)
    known = memo.get(phrase)
    if known is None:
        if len(memo) >= _MATCH_MEMO_LIMIT:
            memo.clear()
        places, level = _match_area(phrase, areas)
        known = memo[phrase] = (tuple(places), level)
    return list(known[0]), known[1]


#: Phrases remembered per area list: find_areas tries every n-gram of every text, and the
#: same words ("the", "said", "Kursk region") come back in every article.
_MATCH_MEMO_LIMIT = 65536
_MATCH_MEMO: dict[int, tuple[Sequence[AreaName], dict[str, tuple[tuple[Place, ...], str]]]] = {}


def _match_memo(areas: Sequence[AreaName]) -> dict[str, tuple[tuple[Place, ...], str]]:
    """Return the phrase memo of one (cached, immutable) area tuple, kept with the tuple."""
    cached = _MATCH_MEMO.get(id(areas))
    if cached is not None and cached[0] is areas:
        return cached[1]
    memo: dict[str, tuple[tuple[Place, ...], str]] = {}
    _forget_old(_MATCH_MEMO)
    _MATCH_MEMO[id(areas)] = (areas, memo)
    return memo


def _match_area(phrase: str, areas: Sequence[AreaName]) -> tuple[list[Place], str]:
    latin = {phrase} if not has_cyrillic(phrase) else set(latin_forms(phrase))
    for form in sorted(latin):
        core, level = split_area(form)
        if level is not None and core:
            hits = area_matches(core, level, areas)
            if hits:
                return _unique_places(hits), level
    # Countries ("Russia", "Sri Lanka") and colloquial region names ("Донеччина") are
    # recognised as whole words, without an area word.
    index = _bare_name_index(areas)
    hits = [a for form in sorted(latin) for a in index.get(form, ())]
    if not hits:  # aliases are stored stemmed, so inflected forms (Донеччині) match too
        stemmed = {"=" + " ".join(stem(w) for w in form.split()) for form in latin}
        hits = [a for form in sorted(stemmed) for a in index.get(form, ())]
    if hits:
        return _unique_places(hits), hits[0].level
    return [], ""


_BARE_INDEX: dict[int, tuple[Sequence[AreaName], dict[str, tuple[AreaName, ...]]]] = {}


def _bare_name_index(areas: Sequence[AreaName]) -> dict[str, tuple[AreaName, ...]]:
    """Index whole-word area names once per area list (find_areas looks up every n-gram).

    Country names are stored as plain keys, stemmed region aliases with a leading ``=``.

    Keyed by the identity of the (cached, immutable) area tuple of a gazetteer; the tuple
    itself is kept alongside so its id cannot be reused while the entry exists.
    """
    cached = _BARE_INDEX.get(id(areas))
    if cached is not None and cached[0] is areas:
        return cached[1]
    index: dict[str, list[AreaName]] = {}
    for a in areas:
        if a.level == "country":
            index.setdefault(a.stem, []).append(a)
            # Inflected country names («Российской Федерации», «Минобороны Украины»)
            # match on their stems, as region aliases do.
            words = a.stem.split()
            if all(len(w) >= 5 for w in words):
                index.setdefault("=" + " ".join(stem(w) for w in words), []).append(a)
        elif a.stem.startswith("="):
            index.setdefault(a.stem, []).append(a)
    frozen = {k: tuple(v) for k, v in index.items()}
    _forget_old(_BARE_INDEX)
    _BARE_INDEX[id(areas)] = (areas, frozen)
    return frozen


#: Area tuples whose indexes are kept (the gazetteer keeps at most 8 area tuples cached).
_KEPT_AREA_TUPLES = 8


def _forget_old(indexes: dict[int, Any]) -> None:
    """Drop the indexes of every area tuple once more than a few are held.

    They are keyed by the tuple's id and hold the tuple itself, so a process that opens
    many gazetteers (tests, a long-running service) would otherwise keep them all.
    """
    if len(indexes) >= _KEPT_AREA_TUPLES:
        indexes.clear()


def _unique_places(hits: Iterable[AreaName]) -> list[Place]:
    return list({h.place.id: h.place for h in hits}.values())
