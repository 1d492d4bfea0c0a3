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

__all__ = ["area_matches", "match_area", "may_name_area", "word_edges"]


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
        In the order of ``areas`` (the order a full scan would give).  Areas whose
        stem is spelled as one of ``core``'s; only when there are none, those that
        share its consonant skeleton.
    """
    return _area_hits(core, level, areas)[0]


def _area_hits(core: str, level: str, areas: Sequence[AreaName]) -> tuple[list[AreaName], bool]:
    """:func:`area_matches`, and whether they are spelled as ``core`` (not skeleton only)."""
    stems = _phrase_stems(core)
    index = _prefix_index(areas)
    found: dict[int, AreaName] = {}  # by position in ``areas``: the order of a full scan
    spelled: set[int] = set()  # those matched letter for letter, not only by the skeleton
    for s in stems:
        for k in _prefix_keys(s):
            for i, a in index.get((level, k), ()):
                if i not in spelled and stems_compatible(s, a.stem, skeletons=False):
                    spelled.add(i)
                    found[i] = a
                elif i not in found and stems_compatible(s, a.stem):
                    found[i] = a
    # «Валуйского района» is Valuysky District; Velsky, Volsky and Vilyuysky share only
    # its consonants.  The skeleton stands in only when no area is spelled so.
    keep = spelled or found
    return [found[i] for i in sorted(keep)], bool(spelled)


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
    opens, area_first = word_edges(first, areas)[:2]
    closes, area_last = word_edges(last, areas)[2:]
    return opens or closes or (words >= 2 and (area_first or area_last))


def word_edges(word: str, areas: Sequence[AreaName]) -> tuple[bool, bool, bool, bool]:
    """Return what a folded word allows as the first or last word of an area phrase.

    :func:`may_name_area` of a phrase is ``opens(first) or closes(last) or (two words
    or more and (area word(first) or area word(last)))``; a text's words are looked at
    once each, not once per phrase they belong to.

    Parameters
    ----------
    word : str
        One folded word.
    areas : sequence of AreaName
        :meth:`geokursk.gazetteer.Gazetteer.areas`.

    Returns
    -------
    tuple of bool
        ``(opens, area word, closes, area word)``: any phrase it starts may name an
        area (a word no system romanises, or the first word of a whole area name);
        it is an area word; any phrase it ends may name an area (a word no system
        romanises).  The area word flag is repeated so that the first two and the
        last two items read the word as a phrase's first and last word.

    Examples
    --------
    >>> from geokursk.gazetteer import Gazetteer
    >>> areas = Gazetteer().areas()
    >>> word_edges("oblast", areas)[1], word_edges("village", areas)
    (True, (False, False, False, False))
    """
    vanishes = _vanishes(word)
    area = _has_area_form(word)
    return (vanishes or _bare_start(word, areas), area, vanishes, area)


def _bare_start(word: str, areas: Sequence[AreaName]) -> bool:
    """Tell whether ``word`` can be the first word of a whole area name (memoised)."""
    memo = _bare_starts(areas)
    known = memo.get(word)
    if known is None:
        plain, stemmed = _bare_first_words(areas)
        known = any(f in plain or stem(f) in stemmed for f in word_forms(word))
        if len(memo) >= _MATCH_MEMO_LIMIT:
            memo.clear()
        memo[word] = known
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
    first: tuple[list[Place], str] | None = None
    for form in sorted(latin):
        core, level = split_area(form)
        if level is not None and core:
            hits, spelled = _area_hits(core, level, areas)
            if spelled:
                return _unique_places(hits), level
            if hits and first is None:
                first = (_unique_places(hits), level)
    if first is not None:
        # No romanisation spells an area's stem (valuiskogo, valuyskogo): the first
        # that shares a skeleton stands.
        return first
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
