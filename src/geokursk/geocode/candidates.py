"""Finding the candidate places of a name: exact keys, spelling variants, fuzzy search.

A name's folded Latin keys (every romanisation of a Cyrillic name, see
:mod:`geokursk.normalize`) are looked up exactly; keys sharing its consonant
skeleton are scored with :func:`rapidfuzz.fuzz.ratio` and kept when they spell
the same name (:func:`is_spelling_variant`); when nothing reaches
:data:`FUZZY_ACCEPT`, a blocked fuzzy search scores the keys whose skeleton
starts or ends alike, then those one consonant away.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from geokursk.area_names import area_matches as _area_matches
from geokursk.area_names import match_area as _match_area
from geokursk.area_names import may_name_area as _may_name_area
from geokursk.gazetteer import Gazetteer, Place
from geokursk.normalize import fold, latin_forms, skeleton, split_area, vowel_key

__all__ = [
    "ALT_NAME_SCORE",
    "EXACT_KINDS",
    "FORMER_NAME_SCORE",
    "FUZZY_ACCEPT",
    "SKELETON_ACCEPT",
    "VARIANT_BASE",
    "find_candidates",
    "is_spelling_variant",
    "same_name_variant",
]

SKELETON_ACCEPT = 50.0  # retrieval cut-off for keys sharing the skeleton
FUZZY_ACCEPT = 90.0

VARIANT_BASE = 85.0
# An alternate name (GeoNames alternatenames) is weaker evidence than the main name:
# such lists hold neighbours' and historical names (L'govskiy lists "Lgov").
ALT_NAME_SCORE = 95.0
# A former name (before a renaming) weighs as an alternate name (sources list many former
# names as alternate names), and never beats the main name of another place that fits the
# context (see _decide).
FORMER_NAME_SCORE = 95.0

#: Match kinds that mean the query *is* one of the place's names.
EXACT_KINDS = frozenset(
    {
        "exact name",
        "exact alt",
        "former name",
        "region word",
        "country name",
        "admin1 name",
        "admin2 name",
    }
)


@dataclass(eq=False)  # identity: two candidates are never "equal" field by field
class _Cand:
    place: Place
    name_score: float
    how: str
    key: str
    raw: float = 100.0  # plain similarity of the query to the matched key
    total: float = 0.0
    eligible: bool = True
    supported: bool = False  # inside a context area, or near a co-mentioned place
    in_context: bool = False  # inside (or, for an area of origin, next to) a context area
    notes: list[str] = field(default_factory=list)
    same_name: bool = True  # the query is this place's name (exactly, or transliterated)
    outside: str = ""  # why the context excluded it ("" when it did not)

    def copy(self) -> _Cand:
        """Return a fresh copy to score (scoring mutates it; ``notes`` is copied too)."""
        new = object.__new__(_Cand)
        new.__dict__.update(self.__dict__)
        new.notes = list(self.notes)
        return new


_ARTICLE = re.compile(r"^\s*the\s+", re.IGNORECASE)

_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def find_candidates(name: str, gaz: Gazetteer) -> list[_Cand]:
    """Return every candidate place of ``name``, scored by the name alone."""
    name = _ARTICLE.sub("", name)  # "the Kursk region"
    core, level = split_area(fold(name))
    keys = set(latin_forms(name))
    by_id: dict[str, _Cand] = {}

    def add(place: Place, score: float, how: str, key: str, raw: float = 100.0) -> None:
        cur = by_id.get(place.id)
        if cur is None or score > cur.name_score:
            by_id[place.id] = _Cand(place, score, how, key, raw)

    skels = {skeleton(k) for k in keys}
    # Same consonant skeleton: the ratio's spread among such variants is noise
    # (plekhove~plekhovo 88, ~plekhov 93), so it is compressed to 85-90 and stays
    # well below an exact match.
    scored = _best_keys(keys, gaz.keys_by_skeletons(skels), SKELETON_ACCEPT, limit=40)
    vowels = {vowel_key(k) for k in keys}
    variants = {k: s for k, s in scored.items() if _spelling_variant(vowels, k, s)}
    # One lookup for the name's own keys and its spelling variants (which hold them).
    hits = gaz.by_keys(keys | variants.keys())
    for hit in hits:
        if hit.key in keys:
            score = {"name": 100.0, "alt": ALT_NAME_SCORE}.get(hit.kind, FORMER_NAME_SCORE)
            how = "former name" if hit.kind == "former" else f"exact {hit.kind}"
            add(hit.place, score, how, hit.key)
    if level is not None:
        for area in _area_matches(core, level, gaz.areas()):
            add(area.place, 100.0, f"{level} name", area.stem)
    else:
        # Colloquial region names in any case (Донеччині, Курщина) and country names are
        # areas by their whole name: an exact match, never a village spelled alike.
        phrase = fold(_POSSESSIVE.sub("", name))
        words = phrase.split()
        areas = gaz.areas()
        # The cheap test rules out almost every village name without romanising it.
        maybe = bool(words) and _may_name_area(words[0], words[-1], len(words), areas)
        areas_found, area_level = _match_area(phrase, areas) if maybe else ([], "")
        for place in areas_found:
            how = "region word" if area_level == "admin1" else "country name"
            by_id[place.id] = _Cand(place, 100.0, how, fold(name))
    # the best raw similarity found so far decides whether a wider search is needed
    best_raw = max([100.0 if by_id else 0.0, *scored.values()])
    same: dict[str, bool] = {}
    same_key: dict[str, bool] = {}
    for hit in hits:
        s = variants.get(hit.key)
        if s is None:
            continue
        add(
            hit.place,
            VARIANT_BASE + 5.0 * (s - SKELETON_ACCEPT) / (100.0 - SKELETON_ACCEPT),
            "spelling variant",
            hit.key,
            s,
        )
        # The same name in another transliteration (Невельское = Невельське) only when
        # it is the place's main name and the consonants agree strictly (Ольговка is
        # not Ольховка, though g, h and kh share one skeleton class).
        if not same.get(hit.place.id, False):
            is_same = hit.kind == "name" and same_key.get(hit.key)
            if is_same is None:
                is_same = same_key[hit.key] = same_name_variant(keys, hit.key)
            same[hit.place.id] = is_same
    for pid, is_same in same.items():
        if by_id[pid].how == "spelling variant":
            by_id[pid].same_name = is_same
    if best_raw < FUZZY_ACCEPT:
        # Block on the first and on the last three skeleton letters: a misspelling
        # rarely touches both ends of a name.  Only keys in those index ranges are scored.
        block: set[str] = set()
        for sk in sorted(skels):
            block.update(gaz.keys_by_skeleton_prefix(sk[:3]))
            block.update(gaz.keys_by_skeleton_prefix(sk[::-1][:3], reverse=True))
        near = _best_keys(keys, block, FUZZY_ACCEPT, limit=25)
        if not near:
            # An edit in the middle of a short name changes both ends of the block
            # (Minokhamo for Minokamo): the skeletons one consonant away are scored.
            edits = {k for sk in sorted(skels) for k in gaz.keys_by_skeleton_edits(sk)}
            near = _best_keys(keys, edits, FUZZY_ACCEPT, limit=25)
        for hit in gaz.by_keys(near):
            add(hit.place, near[hit.key], "fuzzy match", hit.key, near[hit.key])
            if by_id[hit.place.id].how == "fuzzy match":
                by_id[hit.place.id].same_name = False
    return list(by_id.values())


def is_spelling_variant(query_keys: Iterable[str], key: str, similarity: float) -> bool:
    """Tell whether a gazetteer key sharing the query's skeleton spells the same name.

    Either the letters nearly agree (``similarity`` >= :data:`FUZZY_ACCEPT`, a typo)
    or the vowel classes agree (:func:`geokursk.normalize.vowel_key`): Russian and
    Ukrainian forms of one name differ only inside a class (Martynovka/Martynivka,
    Zaporozhye/Zaporizhzhia), while different names with one skeleton do not
    (Kurilovka/Karlovka, Plekhovo/Plakhovo).
    """
    return _spelling_variant({vowel_key(q) for q in query_keys}, key, similarity)


def _spelling_variant(query_vowels: set[str], key: str, similarity: float) -> bool:
    """:func:`is_spelling_variant` with the query keys' vowel keys computed once."""
    return similarity >= FUZZY_ACCEPT or vowel_key(key) in query_vowels


def same_name_variant(query_keys: Iterable[str], key: str) -> bool:
    """Tell whether ``key`` is the query's name in another transliteration.

    Stricter than :func:`is_spelling_variant`: the vowel classes must agree *and* the
    consonants, where g ~ h (Ukrainian г: Horlivka / Gorlovka) and kh ~ h (Kharkiv /
    Harkiv) are each the same sound but g and kh are not (Ольговка / Ольховка).

    Examples
    --------
    >>> same_name_variant(["nevelskoe"], "nevelske"), same_name_variant(["olgovka"], "olkhovka")
    (True, False)
    >>> same_name_variant(["gorlovka"], "horlivka")
    True
    """
    for mark_g, mark_kh in ((False, True), (True, False)):
        target = _strict_vowel_key(key, mark_g, mark_kh)
        if any(_strict_vowel_key(q, mark_g, mark_kh) == target for q in query_keys):
            return True
    return False


@functools.lru_cache(maxsize=65536)
def _strict_vowel_key(key: str, mark_g: bool, mark_kh: bool) -> str:
    # A letter outside every skeleton rule keeps g (or kh) apart from the h class.
    if mark_kh:
        key = key.replace("kh", "ĸ")
    if mark_g:
        key = key.replace("g", "ğ")
    return vowel_key(key)


def _best_keys(
    queries: Iterable[str], choices: Iterable[str], cutoff: float, *, limit: int
) -> dict[str, float]:
    """Score distinct gazetteer keys against the query keys; keep the best ``limit``."""
    pool = sorted(set(choices))
    best: dict[str, float] = {}
    if not pool:
        return best
    for q in sorted(queries):
        for key, score, _ in process.extract(
            q, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit
        ):
            best[key] = max(best.get(key, 0.0), float(score))
    return dict(sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
