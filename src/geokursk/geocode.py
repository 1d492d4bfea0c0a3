"""Context-aware geocoding of place names against a gazetteer.

How a name is resolved
----------------------
1. **Candidates.**  The name's folded Latin keys (every romanisation of a
   Cyrillic name, see :mod:`geokursk.normalize`) are looked up exactly;
   then places sharing its consonant skeleton are scored with
   :func:`rapidfuzz.fuzz.ratio`; if nothing reaches the acceptance
   threshold, keys whose skeleton shares the first three letters are scored
   too (a blocked fuzzy search: an index range scan, never a full scan).
2. **Context.**  Area phrases in the context text ("in the Kursk region",
   "Sudzha district", "Sumy Oblast, Ukraine", "Курской области", Сумщині) are
   recognised against the gazetteer's areas; a district is read in the region
   named with it (a district none of whose readings lies in a named region is
   dropped as misread).  A candidate outside every named country/region is
   *not eligible*; one inside a named region gains 6 points, inside a named
   district 8 more.  An area after "from", «из», «з боку» (words in
   ``data/words/movement.csv``) is where a movement comes from: a candidate
   inside it loses 6 points, one within :data:`NEIGHBOUR_KM` of it gains 6.
   A context in which nothing is recognised gives a warning.
3. **Co-mentions.**  Names passed together to :meth:`Geocoder.geocode_many`
   are resolved jointly: a candidate near eligible candidates of the other
   names gains a bonus, so three villages mentioned together resolve to the
   cluster that lies close together.
4. **Priors, one rule for every name.**  Population and capital status add a
   little (a quarter as much for approximate spellings).  An approximate
   spelling (similarity below :data:`FUZZY_ACCEPT`) is resolved only when a
   context area or a co-mentioned place supports it.
5. **Decision.**
   - *Exact before approximate*: when the query is some place's name,
     differently named places are out.  When the places named exactly are
     flagged, or excluded only by a country named in passing ("Ukraine said
     ..."), or bear the name only as an alternate name while a place bearing
     it as main name lies next door, a transliteration is not swapped in: the
     answer is ``ambiguous`` and names them.
   - Rows flagged by the gazetteer build (points outside their region, shared
     coordinates, low accuracy) are never returned as answers, only listed as
     alternatives; a place named exactly just outside the context region
     survives when it is the only one (:data:`NEIGHBOUR_KM`).
   - No eligible candidate: ``unresolved``.  Two eligible candidates more than
     5 km apart within :data:`TIE_MARGIN` points, or the same name in the other
     language within :data:`NEIGHBOUR_KM` in the same region: ``ambiguous``,
     unless one is prominent (10,000+ people, or a capital or regional or
     district seat, with three times the population of every tied namesake
     matched as strongly and, when a context area supports some of them,
     supported too: a bare "Pokrovsk" means the town).
   - A region named in the sentence for another place ("from Bilohorivka
     towards Siversk, Donetsk region") does not decide between two places of
     the name on either side of a regional border (:data:`NEIGHBOUR_KM`
     apart): ``ambiguous``.  It does when it is said of the name itself
     ("Bilohorivka, Donetsk region"; connecting words in
     ``data/words/attach.csv``), or when the context was given for the name.
   - A best score below :data:`CONFIDENT_SCORE`: ``ambiguous``.  Otherwise
     ``resolved``, with the reason naming the context that decided.

Which near-matches count (:func:`is_spelling_variant`, measured on the pairs
in ``tests/data/spelling_variants.csv`` by ``tests/test_thresholds.py``): a
key sharing the query's consonant skeleton is a spelling variant when its
vowel classes agree (:func:`geokursk.normalize.vowel_key`; Russian and
Ukrainian forms of one place can have a letter similarity as low as 53,
Miropolye / Myropillia, while different names with one skeleton reach 82,
Kurilovka / Karlovka, so letter similarity cannot separate them) or when
:func:`rapidfuzz.fuzz.ratio` >= :data:`FUZZY_ACCEPT` = 90 (a typo).  Keys
without a shared skeleton need 90 too: distinct names reach 89 (Plekhovo /
Plekhanovo).  Variant scores are compressed to 85-90 so an exact name always
outranks them.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from rapidfuzz import fuzz, process

from geokursk.area_names import area_matches as _area_matches
from geokursk.area_names import match_area as _match_area
from geokursk.area_names import may_name_area
from geokursk.errors import ArgumentTypeError, InvalidQueryError
from geokursk.gazetteer import Gazetteer, Place, haversine_km
from geokursk.layers import Layer, list_layers, read_layer
from geokursk.normalize import (
    fold,
    is_river,
    latin_forms,
    skeleton,
    split_area,
    stems_compatible,
    vowel_key,
)
from geokursk.stack import ensure_stack

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "EXACT_KINDS",
    "FUZZY_ACCEPT",
    "NEIGHBOUR_KM",
    "SKELETON_ACCEPT",
    "TIE_MARGIN",
    "Alternative",
    "AreaMention",
    "GeocodeResult",
    "Geocoder",
    "Status",
    "default_geocoder",
    "haversine_km",
    "is_spelling_variant",
    "results_frame",
    "same_name_variant",
]

#: ``empty`` is given only by :func:`geokursk.tables.geocode_frame`, to a row whose cell
#: holds no name; :meth:`Geocoder.geocode` raises on an empty name instead.
Status = Literal["resolved", "ambiguous", "unresolved", "empty"]

SKELETON_ACCEPT = 50.0  # retrieval cut-off for keys sharing the skeleton
FUZZY_ACCEPT = 90.0
TIE_MARGIN = 5.0
VARIANT_BASE = 85.0
# An alternate name (GeoNames alternatenames) is weaker evidence than the main name:
# such lists hold neighbours' and historical names (L'govskiy lists "Lgov").
ALT_NAME_SCORE = 95.0
# A former name (before a renaming) weighs as an alternate name (sources list many former
# names as alternate names), and never beats the main name of another place that fits the
# context (see _decide).
FORMER_NAME_SCORE = 95.0
SAME_PLACE_KM = 5.0
SAME_NAME_KM = 15.0
PROMINENT_POPULATION = 10_000
PROMINENCE_RATIO = 3.0
#: A place named exactly, and the only one of that name near the context region, survives
#: a context that names a neighbouring region if it lies within this distance of it.
NEIGHBOUR_KM = 40.0
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
#: Below this score a single best candidate is reported ``ambiguous``, not resolved.
#: Calibrated on ``tests/data/geocode_eval.csv`` (``benchmarks/eval_geocode.py``): every
#: resolved answer scoring 90 or more was within 5 km of the gold point.
CONFIDENT_SCORE = 90.0
COHESION_KM = 30.0
#: Names passed together support each other only within this many distinct names
#: before and after them in the input (a claim, a sentence, a window of a long list).
COHESION_WINDOW = 12
#: Entries kept in a geocoder's per-run caches (candidates by name, areas by context,
#: answers by names and context).
MEMO_LIMIT = 50_000
MAX_ALTERNATIVES = 8


@dataclass(frozen=True)
class Alternative:
    """A candidate that was considered and not chosen, with why."""

    place: Place
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used by the CLI (name, lat, lon, admin1, score...)."""
        return {
            "name": self.place.name,
            "name_latin": self.place.name_latin,
            "id": self.place.id,
            "lat": self.place.lat,
            "lon": self.place.lon,
            "country_code": self.place.country_code,
            "admin1": self.place.admin1,
            "admin2": self.place.admin2,
            "score": round(self.score, 1),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AreaMention:
    """An administrative area recognised in context text."""

    text: str
    start: int
    end: int
    level: str  # "country", "admin1", "admin2"
    places: tuple[Place, ...]
    #: The area is where a movement comes from ("from the Kursk region", «с территории
    #: Курской области», «з окупованої частини Запорізької області»): the places of the
    #: sentence lie elsewhere, usually next door.
    origin: bool = False

    @property
    def label(self) -> str:
        """Display name of the recognised area(s)."""
        return " / ".join(dict.fromkeys(p.name_latin for p in self.places))


@dataclass(frozen=True)
class GeocodeResult:
    """The answer for one query.

    Attributes
    ----------
    query : str
        The name as given.
    status : {"resolved", "ambiguous", "unresolved"}
        ``resolved`` only when one eligible place clearly wins.
    place : Place or None
        The chosen place (None unless resolved).
    score : float
        0-100: name similarity plus context and co-mention evidence.
    reason : str
        Short human-readable explanation.
    alternatives : tuple of Alternative
        Other candidates considered, best first.
    context : str or None
        The context text used.
    warnings : tuple of str
        Problems with the input that did not stop the answer, e.g. a context
        in which no country, region or district was recognised.
    """

    query: str
    status: Status
    place: Place | None
    score: float
    reason: str
    alternatives: tuple[Alternative, ...] = ()
    context: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def lat(self) -> float | None:
        """Latitude of the resolved place, else None."""
        return self.place.lat if self.place is not None and self.status == "resolved" else None

    @property
    def lon(self) -> float | None:
        """Longitude of the resolved place, else None."""
        return self.place.lon if self.place is not None and self.status == "resolved" else None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of the CLI contract (``geokursk geocode --json``)."""
        p = self.place if self.status == "resolved" else None
        return {
            "query": self.query,
            "status": self.status,
            "lat": p.lat if p else None,
            "lon": p.lon if p else None,
            "name": p.name if p else None,
            "name_latin": p.name_latin if p else None,
            "name_ru": p.name_ru if p else None,
            "name_uk": p.name_uk if p else None,
            "id": p.id if p else None,
            "source": p.source if p else None,
            "feature_code": p.feature_code if p else None,
            "country_code": p.country_code if p else None,
            "admin1": p.admin1 if p else None,
            "admin2": p.admin2 if p else None,
            "score": round(self.score, 1),
            "reason": self.reason,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "warnings": list(self.warnings),
        }

    def __repr__(self) -> str:
        where = f" -> {self.place!r}" if self.place is not None else ""
        return f"GeocodeResult({self.query!r}, {self.status}{where}, score={self.score:.1f})"


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
_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


class Geocoder:
    """Resolve place names to gazetteer places using context.

    Parameters
    ----------
    gazetteer : str, Path or Gazetteer, optional
        A gazetteer file (see ``geokursk gazetteer build``) or an open
        :class:`~geokursk.gazetteer.Gazetteer`.  Defaults to
        ``$GEOKURSK_GAZETTEER`` or the stack of the user's and the shipped
        layers.  It is opened lazily, on the first query.
    layers : sequence of path or Layer, optional
        Layer files (see :mod:`geokursk.layers`; make one from a CSV with
        :func:`geokursk.layers.layer_from_file`) stacked above every other
        layer, first given first: their points and names win for the places
        they hold.

    Examples
    --------
    >>> gc = Geocoder()
    >>> r = gc.geocode("Plekhovo", context="Kursk region")
    >>> r.status, r.place.admin2
    ('resolved', 'Sudzhansky District')
    >>> gc.geocode("Kurilovka", context="Kursk region").status
    'unresolved'
    >>> gc.geocode("Martynovka").status  # a dozen homonyms, no context
    'ambiguous'
    """

    def __init__(
        self,
        gazetteer: str | Path | Gazetteer | None = None,
        *,
        layers: Sequence[str | Path | Layer] | None = None,
    ) -> None:
        if gazetteer is not None and layers:
            raise InvalidQueryError(
                "give either a gazetteer file or layers, not both: layers stack on the shipped "
                "layers; to stack a GeoNames dump, add it as a layer (`geokursk layers add FILE`)"
            )
        self._source = gazetteer
        self._layers = [
            lay if isinstance(lay, Layer) else read_layer(lay, user=True) for lay in layers or ()
        ]
        self._gaz: Gazetteer | None = gazetteer if isinstance(gazetteer, Gazetteer) else None
        self._lock = threading.Lock()
        # Each distinct name and context is looked up once per geocoder (claims that
        # share places, tables that repeat names); the caches are cleared when full.
        self._memo_cands: dict[str, tuple[_Cand, ...]] = {}
        self._memo_areas: dict[str, tuple[AreaMention, ...]] = {}
        self._memo_answers: dict[tuple[tuple[str, ...], str | None], tuple[GeocodeResult, ...]]
        self._memo_answers = {}

    @property
    def gazetteer(self) -> Gazetteer:
        """The open gazetteer (opened, and if needed stacked, on first access)."""
        if self._gaz is None:
            with self._lock:
                if self._gaz is None:
                    if self._layers:
                        given = {lay.name for lay in self._layers}
                        rest = [lay for lay in list_layers() if lay.name not in given]
                        self._gaz = Gazetteer(ensure_stack([*self._layers, *rest], progress=True))
                    else:
                        src = self._source if not isinstance(self._source, Gazetteer) else None
                        self._gaz = Gazetteer(src)
        return self._gaz

    def __repr__(self) -> str:
        return f"Geocoder({self._gaz!r})" if self._gaz else f"Geocoder({self._source!r}, lazy)"

    # -- context ---------------------------------------------------------------

    def find_areas(self, text: str | None) -> list[AreaMention]:
        """Recognise countries, regions and districts named in free text.

        Parameters
        ----------
        text : str or None
            E.g. ``"in Russia's Kursk region"``, ``"Sudzha district"``,
            ``"Sumy Oblast, Ukraine"`` or ``"в Курской области"``.

        Returns
        -------
        list of AreaMention
            In text order, each with its character span and the matching
            area places (several when e.g. an old and a new district share a
            name).

        Examples
        --------
        >>> [m.level for m in Geocoder().find_areas("near Sudzha, Kursk region, Russia")]
        ['admin1', 'country']
        >>> Geocoder().find_areas("")
        []
        """
        if not text or not text.strip():
            return []
        cached = self._memo_areas.get(text)
        if cached is None:
            cached = tuple(self._find_areas(text))
            _remember(self._memo_areas, text, cached)
        return list(cached)

    def _find_areas(self, text: str) -> list[AreaMention]:
        areas = self.gazetteer.areas()
        tokens = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
        folded = [fold(_POSSESSIVE.sub("", t[0])) for t in tokens]
        starts = [t[1] for t in tokens]
        # first and last word and word count of each token's fold ("нью йорк" has two)
        split = [f.split() for f in folded]
        out: list[AreaMention] = []
        i = 0
        while i < len(tokens):
            found = None
            for n in (4, 3, 2, 1):
                if i + n > len(tokens):
                    continue
                window = split[i : i + n]
                if all(window) and not may_name_area(
                    window[0][0], window[-1][-1], sum(map(len, window)), areas
                ):
                    continue  # cannot name an area: no need to romanise it
                phrase = " ".join(folded[i : i + n])
                places, level = _match_area(phrase, areas)
                if places:
                    found = (n, level, places)
                    break
            if found is None:
                i += 1
                continue
            n, level, places = found
            start, end = tokens[i][1], tokens[i + n - 1][2]
            origin = _after_origin_word(folded, starts, i, out)
            out.append(AreaMention(text[start:end], start, end, level, tuple(places), origin))
            i += n
        return _districts_in_regions(out)

    # -- single and joint geocoding -----------------------------------------------

    def geocode(self, name: str, *, context: str | None = None) -> GeocodeResult:
        """Resolve one place name.

        Parameters
        ----------
        name : str
            A place name in Latin or Cyrillic script, any common spelling.
        context : str, optional
            Free text around the mention (a sentence, "Kursk region", ...).

        Returns
        -------
        GeocodeResult
            Never raises for a name that is not found: the result says
            ``unresolved`` and lists the candidates that were rejected.

        Raises
        ------
        InvalidQueryError
            ``name`` is empty or holds no letters.
        """
        return self.geocode_many([name], context=context)[0]

    def geocode_many(
        self, names: Sequence[str], *, context: str | None = None
    ) -> list[GeocodeResult]:
        """Resolve names mentioned together, jointly.

        Parameters
        ----------
        names : sequence of str
            Names from one text or claim; candidates lying close together
            support each other.
        context : str, optional
            Free text naming areas; applies to every name.

        Returns
        -------
        list of GeocodeResult
            One per name, in input order (duplicates resolved identically).

        Raises
        ------
        InvalidQueryError
            One of the names is empty (its position is named).
        """
        if isinstance(names, str):
            raise InvalidQueryError("names must be a sequence of strings, not one string")
        if not isinstance(names, Sequence):
            raise ArgumentTypeError("geocode_many", "names", "a sequence of strings", names)
        if context is not None and not isinstance(context, str):
            raise ArgumentTypeError("geocode", "context", "a string or None", context)
        for i, n in enumerate(names):
            if not isinstance(n, str) or not any(ch.isalpha() for ch in n):
                raise InvalidQueryError(
                    f"place name #{i + 1} is {n!r}: give a non-empty name with letters"
                )
        # Answers are immutable: the same names in the same context (a region named in every
        # article, a claim's places) are answered once per geocoder.
        memo_key = (tuple(names), context)
        known = self._memo_answers.get(memo_key)
        if known is None:
            known = tuple(self._geocode_many(names, context))
            _remember(self._memo_answers, memo_key, known)
        return list(known)

    def _geocode_many(self, names: Sequence[str], context: str | None) -> list[GeocodeResult]:
        mentions = self.find_areas(context)
        warnings: tuple[str, ...] = ()
        if context and context.strip() and not mentions:
            warnings = (
                f"context {context!r} names no country, region or district geokursk knows; "
                "it was ignored (check the spelling, e.g. 'Kursk region', 'Sumy Oblast')",
            )
        rivers = {n for n in names if is_river(n)}
        cands = {n: self._candidates(n) for n in dict.fromkeys(names) if n not in rivers}
        ctx = _Context.of(mentions)
        for n, cs in cands.items():
            is_area = split_area(fold(n))[1] is not None
            for c in cs:
                _apply_context(c, mentions, ctx)
                _apply_prior(c, is_area)
        _apply_cohesion(cands)
        results = {n: _decide(n, cs, mentions, context, warnings) for n, cs in cands.items()}
        for n in rivers:
            results[n] = GeocodeResult(
                n,
                "unresolved",
                None,
                0.0,
                f"{n!r} names a river, not a settlement; rivers are not in the gazetteer",
                (),
                context,
                warnings,
            )
        return [results[n] for n in names]

    def geocode_frame(
        self,
        strings: Iterable[Any],
        *,
        context: str | Iterable[Any] | None = None,
        together: bool = False,
        progress: bool = False,
    ) -> gpd.GeoDataFrame:
        """Geocode a list, array or Series of names into a GeoDataFrame with this geocoder.

        See :func:`geokursk.tables.geocode_frame` (the same call on the
        default geocoder is ``geokursk.geocode_frame``): per-row context,
        the input's index kept, empty cells give ``empty`` rows.  Rows are
        independent unless ``together=True``.

        Examples
        --------
        >>> gdf = Geocoder().geocode_frame(["Kupiansk", None], context="Kharkiv Oblast")
        >>> gdf["status"].tolist()
        ['resolved', 'empty']
        """
        from geokursk.tables import geocode_frame

        return geocode_frame(
            strings, context=context, together=together, progress=progress, geocoder=self
        )

    # -- candidates --------------------------------------------------------------

    def _candidates(self, name: str) -> list[_Cand]:
        """Return fresh copies of the candidates of ``name`` (scoring mutates them)."""
        cached = self._memo_cands.get(name)
        if cached is None:
            cached = tuple(self._find_candidates(name))
            _remember(self._memo_cands, name, cached)
        return [c.copy() for c in cached]

    def _find_candidates(self, name: str) -> list[_Cand]:
        gaz = self.gazetteer
        name = _ARTICLE.sub("", name)  # "the Kursk region"
        core, level = split_area(fold(name))
        keys = set(latin_forms(name))
        by_id: dict[str, _Cand] = {}

        def add(place: Place, score: float, how: str, key: str, raw: float = 100.0) -> None:
            cur = by_id.get(place.id)
            if cur is None or score > cur.name_score:
                by_id[place.id] = _Cand(place, score, how, key, raw)

        for hit in gaz.by_keys(keys):
            score = {"name": 100.0, "alt": ALT_NAME_SCORE}.get(hit.kind, FORMER_NAME_SCORE)
            how = "former name" if hit.kind == "former" else f"exact {hit.kind}"
            add(hit.place, score, how, hit.key)
        if level is not None:
            for area in _area_matches(core, level, gaz.areas()):
                add(area.place, 100.0, f"{level} name", area.stem)
        else:
            # Colloquial region names in any case (Донеччині, Курщина) and country names are
            # areas by their whole name: an exact match, never a village spelled alike.
            areas_found, area_level = _match_area(fold(_POSSESSIVE.sub("", name)), gaz.areas())
            for place in areas_found:
                how = "region word" if area_level == "admin1" else "country name"
                by_id[place.id] = _Cand(place, 100.0, how, fold(name))
        skels = {skeleton(k) for k in keys}
        # Same consonant skeleton: the ratio's spread among such variants is noise
        # (plekhove~plekhovo 88, ~plekhov 93), so it is compressed to 85-90 and stays
        # well below an exact match.
        variants = _best_keys(keys, gaz.keys_by_skeletons(skels), SKELETON_ACCEPT, limit=40)
        # the best raw similarity found so far decides whether a wider search is needed
        best_raw = max([100.0 if by_id else 0.0, *variants.values()])
        variants = {k: s for k, s in variants.items() if is_spelling_variant(keys, k, s)}
        same: dict[str, bool] = {}
        for hit in gaz.by_keys(variants):
            s = variants[hit.key]
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
            same[hit.place.id] = same.get(hit.place.id, False) or (
                hit.kind == "name" and same_name_variant(keys, hit.key)
            )
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


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value


def is_spelling_variant(query_keys: Iterable[str], key: str, similarity: float) -> bool:
    """Tell whether a gazetteer key sharing the query's skeleton spells the same name.

    Either the letters nearly agree (``similarity`` >= :data:`FUZZY_ACCEPT`, a typo)
    or the vowel classes agree (:func:`geokursk.normalize.vowel_key`): Russian and
    Ukrainian forms of one name differ only inside a class (Martynovka/Martynivka,
    Zaporozhye/Zaporizhzhia), while different names with one skeleton do not
    (Kurilovka/Karlovka, Plekhovo/Plakhovo).
    """
    if similarity >= FUZZY_ACCEPT:
        return True
    target = vowel_key(key)
    return any(vowel_key(q) == target for q in query_keys)


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


# --- context matching -------------------------------------------------------------


@functools.cache
def _word_list(name: str, kind: str | None = None) -> frozenset[str]:
    """Folded words of ``data/words/<name>.csv`` (of one ``kind`` when given)."""
    import csv
    from importlib import resources

    text = (resources.files("geokursk") / "data" / "words" / f"{name}.csv").read_text(
        encoding="utf-8"
    )
    rows = csv.DictReader(text.splitlines())
    return frozenset(fold(r["word"]) for r in rows if kind is None or r["kind"] == kind)


def _districts_in_regions(mentions: list[AreaMention]) -> list[AreaMention]:
    """Keep, of the districts a district mention may mean, those in a region also named.

    "Shuysky district" in a text about Russia's Ivanovo region is Shuysky District of
    Ivanovo Oblast, not a district of Altai spelled alike; «Хотінська громада Сумщини» is
    not Khotynskyi Raion of Chernivtsi Oblast.  A district none of whose readings lies in
    a region named in the same text is dropped as misread; with no region named, every
    reading is kept.
    """
    codes = {
        a.admin1_code
        for m in mentions
        if m.level == "admin1" and not m.origin
        for a in m.places
        if a.admin1_code
    }
    if not codes:
        return mentions
    out = []
    for m in mentions:
        if m.level == "admin2" and not m.origin:
            inside = tuple(a for a in m.places if a.admin1_code in codes)
            if not inside:
                continue
            m = AreaMention(m.text, m.start, m.end, m.level, inside, m.origin)
        out.append(m)
    return out


def _after_origin_word(
    folded: Sequence[str], starts: Sequence[int], i: int, found: Sequence[AreaMention]
) -> bool:
    """Tell whether the area starting at token ``i`` follows a word such as "from" or «из».

    Up to three tokens back are looked at; words such as "the", «территории» or an area
    named just before ("from Ukraine's Sumy region") may stand between.
    """
    origin_words, bridges = _word_list("movement", "from"), _word_list("movement", "bridge")
    j = i - 1
    steps = 0
    while j >= 0 and steps < 3:
        word = folded[j]
        if word in origin_words:
            return True
        if word not in bridges and not _inside_one(starts[j], found):
            return False
        j -= 1
        steps += 1
    return False


def _inside_one(pos: int, found: Sequence[AreaMention]) -> bool:
    """Tell whether ``pos`` lies inside one of the mentions found so far.

    They are in text order and do not overlap, so only the last few can hold a
    position just before the current token: the search stops at the first that ends
    before it (a whole-list search per token made long texts quadratic).
    """
    for m in reversed(found):
        if m.end <= pos:
            return False
        if m.start <= pos:
            return True
    return False


def _in_area(place: Place, area: Place, level: str) -> bool:
    if place.id == area.id:
        return True
    if level == "country":
        return place.country_code == area.country_code
    if not place.admin1_code or place.admin1_code != area.admin1_code:
        return False
    if level == "admin1":
        return True
    if area.admin2_stem.startswith("osm:"):
        # OSM raions have polygons in geokursk.boundaries, but postal points carry only the old
        # raion name; a label-point radius keeps geocoding free of geometry libraries.
        return haversine_km(place.lat, place.lon, area.lat, area.lon) <= 45.0
    return bool(place.admin2_stem) and (
        place.admin2_stem == area.admin2_stem
        or stems_compatible(place.admin2_stem, area.admin2_stem)
    )


@dataclass
class _Context:
    """What the context areas of one query allow, worked out once for all its candidates."""

    origins: list[AreaMention]  # areas movement comes from ("from the Kursk region")
    by_level: dict[str, list[Place]]  # the other areas, with the levels they imply
    named: frozenset[str]  # ids of the areas named
    # _in_area of a whole list, as set lookups: (area ids, country or admin-1 codes)
    countries: tuple[frozenset[str], frozenset[str]] | None = None
    regions: tuple[frozenset[str], frozenset[str]] | None = None
    outside_country: str = ""
    outside_region: str = ""

    @classmethod
    def of(cls, mentions: Sequence[AreaMention]) -> _Context:
        origins = [m for m in mentions if m.origin and m.level != "country"]
        by_level: dict[str, list[Place]] = {}
        for m in mentions:
            if not m.origin:
                by_level.setdefault(m.level, []).extend(m.places)
        # A district implies its region; a region its country.
        for a in by_level.get("admin2", []):
            by_level.setdefault("_implied_admin1", []).append(a)
        for lvl in ("admin1", "_implied_admin1"):
            for a in by_level.get(lvl, []):
                by_level.setdefault("_implied_country", []).append(a)
        named = frozenset(a.id for lst in by_level.values() for a in lst)
        ctx = cls(origins, by_level, named)
        if "country" in by_level or "_implied_country" in by_level:
            allowed = by_level.get("country", []) + by_level.get("_implied_country", [])
            ctx.countries = (
                frozenset(a.id for a in allowed),
                frozenset(a.country_code for a in allowed),
            )
            names = sorted({a.country_code for a in allowed})
            ctx.outside_country = f"outside context country {'/'.join(names)}"
        if "admin1" in by_level or "_implied_admin1" in by_level:
            allowed = by_level.get("admin1", []) + by_level.get("_implied_admin1", [])
            ctx.regions = (
                frozenset(a.id for a in allowed),
                frozenset(a.admin1_code for a in allowed if a.admin1_code),
            )
            labels = sorted({a.admin1 or a.name_latin for a in allowed})
            ctx.outside_region = f"outside context region {' / '.join(labels)}"
        return ctx


def _apply_context(c: _Cand, mentions: Sequence[AreaMention], ctx: _Context | None = None) -> None:
    c.total = c.name_score
    if not mentions:
        return
    if ctx is None:
        ctx = _Context.of(mentions)
    for m in ctx.origins:
        # "Advancing from the Kursk region, they took Basivka": the place lies outside the
        # area of origin, within reach of it; a namesake inside it, or far away, loses.
        if any(_in_area(c.place, a, m.level) for a in m.places):
            c.total -= 6
            c.notes.append(f"inside {m.label}, named as where the movement comes from")
            continue
        d = _km_to_areas(c.place.lat, c.place.lon, tuple(a.id for a in m.places), m.places)
        if d is not None:
            if d <= NEIGHBOUR_KM:
                c.total += 6
                c.supported = c.in_context = True
                c.notes.append(f"{d:.0f} km from {m.label}, named as where the movement comes from")
    by_level = ctx.by_level
    if not by_level:
        return
    p = c.place
    if p.is_area and p.id in ctx.named:
        c.notes.append("named in context")
        c.supported = c.in_context = True
        c.total += 5
        return
    # as _in_area(p, a, level) for any allowed area a, by set lookups
    if ctx.countries is not None:
        ids, codes = ctx.countries
        if p.id not in ids and p.country_code not in codes:
            c.eligible = False
            c.outside = ctx.outside_country
            c.notes.append(c.outside)
            return
    if ctx.regions is not None:
        ids, codes = ctx.regions
        if p.id not in ids and not (p.admin1_code and p.admin1_code in codes):
            c.eligible = False
            c.outside = ctx.outside_region
            c.notes.append(c.outside)
            return
        c.total += 6
        c.notes.append(f"inside {p.admin1}")
        c.supported = c.in_context = True
    elif "country" in by_level:
        c.total += 2
        c.notes.append(f"inside context country {p.country_code}")
        c.supported = c.in_context = True
    if "admin2" in by_level:
        if any(_in_area(p, a, "admin2") for a in by_level["admin2"]):
            c.total += 8
            c.notes.append(f"inside context district {p.admin2 or ''}".rstrip())


def _apply_cohesion(cands: dict[str, list[_Cand]]) -> None:
    """Reward candidates near eligible candidates of the names mentioned with them.

    Names are compared only with the :data:`COHESION_WINDOW` distinct names before and
    after them in the input, so the cost grows linearly with the number of names; a
    claim or a sentence names far fewer places than that.  Each name's candidates sit
    in a grid of :data:`_CELL_DEG` cells, so a candidate is measured only against the
    other name's candidates in the cells around it, not against all its homonyms.
    """
    names = list(cands)
    if len(names) < 2:
        return
    grids = {m: _grid(o for o in cs if o.eligible and o.place.ok) for m, cs in cands.items()}
    for i, n in enumerate(names):
        others = names[max(0, i - COHESION_WINDOW) : i] + names[i + 1 : i + 1 + COHESION_WINDOW]
        for c in cands[n]:
            if not c.eligible or not c.place.ok:
                continue
            lat, lon = c.place.lat, c.place.lon
            cells = _cells_around(lat, lon)
            near = 0
            for m in others:
                grid = grids[m]
                if any(
                    o.place.id != c.place.id
                    and haversine_km(lat, lon, o.place.lat, o.place.lon) <= COHESION_KM
                    for cell in cells
                    for o in grid.get(cell, ())
                ):
                    near += 1
            if near:
                c.total += 10.0 * near / len(others)
                c.notes.append(f"{near} co-mentioned place(s) within {COHESION_KM:.0f} km")
                c.supported = True


#: Grid cell of the co-mention search, in degrees (0.5 degree of latitude is 55 km).
_CELL_DEG = 0.5


def _grid(cands: Iterable[_Cand]) -> dict[tuple[int, int], list[_Cand]]:
    grid: dict[tuple[int, int], list[_Cand]] = {}
    for o in cands:
        cell = (math.floor(o.place.lat / _CELL_DEG), math.floor(o.place.lon / _CELL_DEG))
        grid.setdefault(cell, []).append(o)
    return grid


def _cells_around(lat: float, lon: float) -> list[tuple[int, int]]:
    """Return the grid cells that hold every point within :data:`COHESION_KM` of a point."""
    dlat = COHESION_KM / 111.0
    cos_lat = max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 0.01)
    dlon = min(COHESION_KM / (111.32 * cos_lat), 180.0)
    rows = range(math.floor((lat - dlat) / _CELL_DEG), math.floor((lat + dlat) / _CELL_DEG) + 1)
    cols = range(math.floor((lon - dlon) / _CELL_DEG), math.floor((lon + dlon) / _CELL_DEG) + 1)
    return [(r, q) for r in rows for q in cols]


def _apply_prior(c: _Cand, query_is_area: bool = False) -> None:
    # Prominence: news names the bigger place unless it says otherwise.  A
    # 10x larger population is worth 2 points, a national capital 5: enough to
    # pick Washington DC or Moscow (Russia) over small namesakes, never enough
    # to override context, which excludes candidates outright.  For an approximate
    # spelling the prior counts a quarter: prominence chooses between equally good
    # name matches, it must not lift a worse spelling (Pilkhuwa, India, for "Plekhove").
    weight = 1.0 if c.raw >= FUZZY_ACCEPT else 0.25
    pop = c.place.population or 0
    if pop > 1000:
        c.total += weight * min(10.0, 2.0 * (math.log10(pop) - 3.0))
    if c.place.feature_code == "PPLC":
        c.total += weight * 5.0
    elif c.place.feature_code == "PPLA":
        c.total += weight * 1.0
    if query_is_area and c.place.source in ("natural-earth", "openstreetmap"):
        # Of two areas answering to one name (Sumy Raion of 2020 and the older Sumskyi raion
        # of the postal data) prefer the current one, whose polygon the package ships.
        c.total += 6.0
    if c.how == "region word":
        # Донеччина, Курщина, Сумщині are region words: a village spelled alike loses.
        c.total += 10.0
    elif c.place.is_area and not query_is_area and c.place.feature_code != "PCLI":
        # A bare name ("Kyiv") means the city rather than the region of that name.
        c.total -= 5.0


def _describe(c: _Cand) -> str:
    how = f"{c.how} '{c.key}'"
    if c.how == "former name":
        current = c.place.name_latin or c.place.name
        how = f"former name '{c.key}' of {current} (renamed)"
    bits = [f"{how} ({c.name_score:.0f})", *c.notes]
    bits.append(_point_note(c.place))
    if not c.place.ok:
        bits.append(f"flagged by gazetteer build: {c.place.quality}")
    elif c.place.flags:
        bits.append(f"note: {', '.join(c.place.flags)}")
    return "; ".join(b for b in bits if b)


def _point_note(p: Place) -> str:
    """Say where the point comes from and whether other sources agree."""
    if not p.layer:
        return ""
    if not p.sources:
        return f"point from {p.layer} ({p.source})"
    others = [s for s in p.sources if not s.chosen]
    agree = [s for s in others if s.km <= 3.0]
    far = [s for s in others if s.km > 3.0]
    text = f"point from {p.layer} ({p.source})"
    if agree:
        text += f", confirmed by {', '.join(sorted({s.layer for s in agree}))} within 3 km"
    if far:
        text += "; " + ", ".join(f"{s.layer} puts it {s.km:.1f} km away" for s in far)
    return text


def _prominent(tied: Sequence[_Cand]) -> _Cand | None:
    """Return the one city that dwarfs its tied namesakes, if there is one.

    One rule for every name: a bare "Pokrovsk", "Lyman" or "Donetsk" in the news means
    the town, not a village or a small namesake elsewhere.  Among the tied candidates
    matched as strongly as the best (a main name beats an alternate name), one of at
    least :data:`PROMINENT_POPULATION` inhabitants, or a capital or a regional or
    district seat (feature PPLC, PPLA, PPLA2) of known population, with
    :data:`PROMINENCE_RATIO` times the population of every other tied place wins.  An
    unknown population counts as 0; villages never win this way, so homonymous villages
    stay ambiguous.
    """
    if any(c.in_context for c in tied):
        # A context area outweighs size: only candidates it supports compete.
        tied = [c for c in tied if c.in_context]
    best_name = max(c.name_score for c in tied)
    # Only namesakes matched as strongly compete on prominence: a town's *main* name beats
    # another town's alternate name whatever their sizes ("Suja" is not Shuya).
    tied = [c for c in tied if c.name_score >= best_name]
    ranked = sorted(tied, key=lambda c: -(c.place.population or 0))
    top = ranked[0]
    pop = top.place.population or 0
    # Administrative rank stands in for size: a capital or a regional or district seat
    # (Sudzha, 6,940 people) is the place news means, not a hamlet of 43.
    seat = top.place.feature_code in ("PPLC", "PPLA", "PPLA2")
    if (pop < PROMINENT_POPULATION and not (seat and pop > 0)) or top.raw < FUZZY_ACCEPT:
        return None
    others = [c for c in ranked[1:] if not _same_place(top, c)]
    if all((c.place.population or 0) * PROMINENCE_RATIO <= pop for c in others):
        return top
    return None


def _same_place(a: _Cand, b: _Cand) -> bool:
    """Tell whether two candidates are one place recorded twice (by different sources).

    Points within 5 km are one place.  So are points up to 15 km apart that share the
    matched name and region: a town's post office and its GeoNames centre can be that
    far apart (L'gov: 6 km).
    """
    d = haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
    if d <= SAME_PLACE_KM:
        return True
    return (
        d <= SAME_NAME_KM
        and a.key == b.key
        and bool(a.place.admin1_code)
        and a.place.admin1_code == b.place.admin1_code
    )


def _decide(
    query: str,
    cands: list[_Cand],
    mentions: Sequence[AreaMention],
    context: str | None,
    warnings: tuple[str, ...] = (),
) -> GeocodeResult:
    ranked = sorted(cands, key=lambda c: (-c.total, -c.name_score, c.place.id))
    # Exact before approximate: when the query is the name of some place (exactly, or the
    # same name transliterated), a differently named place is never the answer, even when
    # the exact matches are flagged or outside the context.
    named = [
        c for c in ranked if c.how in EXACT_KINDS or (c.how == "spelling variant" and c.same_name)
    ]
    if named:
        named_ids = {id(c) for c in named}  # identity: dataclass equality is field-by-field
        for c in ranked[: MAX_ALTERNATIVES + 1]:  # only shown candidates need the note
            if id(c) not in named_ids and c.eligible and c.place.ok:
                c.notes.append("a different name; places named exactly so exist")
        pool = named
    else:
        pool = ranked
    eligible = [c for c in pool if c.eligible and c.place.ok]
    if named and mentions and not any(c.how in EXACT_KINDS for c in eligible):
        # The exact name just across the border beats the same name in another language
        # inside the context (Рижівка in Sumy Oblast, not Рыжевка of Kursk Oblast).
        rescued = _neighbour(named, mentions)
        if rescued is not None:
            for c in eligible:
                c.notes.append("a transliteration; the place named exactly so is next door")
            eligible = [rescued]
    # A country named in passing ("Ukraine said ...") is weak evidence next to a region.
    countries_only = all(m.level == "country" for m in mentions if not m.origin)
    blocked = [
        c
        for c in named
        if c.how in EXACT_KINDS
        and (
            (c.eligible and not c.place.ok)
            or (countries_only and c.outside.startswith("outside context country"))
        )
    ]
    kinds = {c.how for c in eligible if c.how in EXACT_KINDS}
    if kinds == {"exact alt"}:
        # Inside the context the name is only an alternate name (sources list neighbours'
        # and historical names as alternates); a place that bears it as its main name
        # just across the context region's border is as likely.
        blocked += _main_names_next_door(named, mentions)
    if blocked and eligible and kinds <= {"exact alt"}:
        # The places named exactly so are flagged, or excluded only by a country named in
        # passing ("Ukraine said it hit ... near Bryansk"): a transliteration elsewhere is
        # not the same evidence, so the answer names both and does not choose.
        why = "; ".join(
            f"{c.place.name_latin} ({c.place.admin_path()}): "
            + (c.outside or f"flagged {c.place.quality}")
            for c in blocked[:3]
        )
        first = eligible[0]
        reason = (
            f"places named exactly {query!r} are not usable ({why}); "
            f"{first.place.name_latin} ({first.place.admin_path()}) is only a {first.how} "
            f"'{first.key}'; not choosing between them"
        )
        return GeocodeResult(
            query,
            "ambiguous",
            None,
            min(100.0, first.total),
            reason,
            tuple(
                Alternative(c.place, min(100.0, c.total), _describe(c))
                for c in ranked[:MAX_ALTERNATIVES]
            ),
            context,
            warnings,
        )
    if any(c.how in EXACT_KINDS - {"former name", "exact alt"} for c in eligible):
        # Many former names are current names elsewhere (Свердловск, Кировск): a place that
        # carries the name today and fits the context wins over a renamed one.
        for c in eligible:
            if c.how == "former name":
                c.notes.append("former name; a place currently so named fits the context")
        eligible = [c for c in eligible if c.how != "former name"]
    elif any(c.how == "former name" for c in eligible):
        # The exact former name beats another word that merely looks like it
        # (Krasnoarmeisk is Pokrovsk, not the village Krasnoarmiiske).
        for c in eligible:
            if c.how != "former name":
                c.notes.append("a different word; a place formerly named exactly so fits")
        eligible = [c for c in eligible if c.how == "former name"]

    def alts(exclude: str | None) -> tuple[Alternative, ...]:
        shown = [c for c in ranked if c.place.id != exclude][:MAX_ALTERNATIVES]
        return tuple(Alternative(c.place, min(100.0, c.total), _describe(c)) for c in shown)

    def result(status: Status, place: Place | None, score: float, reason: str) -> GeocodeResult:
        exclude = place.id if place is not None else None
        return GeocodeResult(query, status, place, score, reason, alts(exclude), context, warnings)

    if not eligible:
        if not ranked:
            reason = f"no gazetteer entry matches {query!r} or a close spelling"
        elif named:
            why = "; ".join(
                f"{c.place.name_latin} ({c.place.admin_path()}): "
                + (c.outside or (f"flagged {c.place.quality}" if not c.place.ok else "excluded"))
                for c in named[:4]
            )
            reason = f"{len(named)} place(s) named {query!r}, none usable: {why}" + (
                "; no other name is swapped in" if len(named) < len(ranked) else ""
            )
        elif mentions and not any(c.eligible for c in ranked if c.place.ok):
            areas = "; ".join(m.label for m in mentions)
            reason = (
                f"no candidate inside the context area ({areas}); "
                f"{len(ranked)} candidate(s) elsewhere"
            )
        else:
            reason = (
                f"only flagged or out-of-context entries match ({len(ranked)} candidate(s)); "
                "not confident"
            )
        return result("unresolved", None, 0.0, reason)
    best = eligible[0]
    rivals = [
        c for c in eligible[1:] if best.total - c.total < TIE_MARGIN and not _same_place(best, c)
    ]
    if best.how in EXACT_KINDS:
        # The same name in the other language nearby (Новобахмутовка here, Новобахмутівка
        # 12 km away, with no Russian name on record) is a namesake, not a worse match.
        rivals += [
            c
            for c in eligible[1:]
            if c not in rivals
            and c.how == "spelling variant"
            and c.same_name
            and c.raw >= FUZZY_ACCEPT
            and c.place.country_code == best.place.country_code
            and c.place.admin1_code == best.place.admin1_code
            and not _same_place(best, c)
            and haversine_km(best.place.lat, best.place.lon, c.place.lat, c.place.lon)
            <= NEIGHBOUR_KM
        ]
    prominent = _prominent([best, *rivals]) if rivals else None
    if prominent is not None:
        prominent.notes.append(
            f"most prominent of {len(rivals) + 1} close candidates "
            f"(population {prominent.place.population or 0:,})"
        )
        best, rivals = prominent, []
    if not rivals and best.raw < FUZZY_ACCEPT and not best.supported:
        # An approximate spelling alone is not enough for a confident answer ("Crimea" is
        # not Crema, Italy): it needs a context area or a co-mentioned place nearby.
        reason = (
            f"only an approximate spelling match ({best.how} {best.key!r}, similarity "
            f"{best.raw:.0f}) and nothing in the context supports it; add context"
        )
        return result("unresolved", None, 0.0, reason)
    if not rivals and best.total < CONFIDENT_SCORE:
        reason = (
            f"best candidate {best.place.name_latin} ({best.place.admin_path()}) scores "
            f"{best.total:.0f}, below the calibrated threshold {CONFIDENT_SCORE:.0f}: "
            f"{_describe(best)}"
        )
        return result("ambiguous", None, min(100.0, best.total), reason)
    if rivals:
        reason = (
            f"{len(rivals) + 1} candidates score within {TIE_MARGIN:.0f} points "
            f"({', '.join(c.place.admin_path() for c in [best, *rivals][:4])}); "
            "add context (region or district) to choose"
        )
        return result("ambiguous", None, min(100.0, best.total), reason)
    if context and mentions and not _attached(query, context, mentions):
        # The region is named in the sentence but for another place ("from Bilohorivka
        # towards Siversk, Donetsk region"): a place of this exact name just across the
        # region's border is as likely, so the answer names both and does not choose.
        next_door = _namesakes_next_door(best, named, mentions)
        if next_door:
            labels = ", ".join(
                f"{c.place.name_latin} ({c.place.admin_path()}, {d:.0f} km away)"
                for d, c in next_door[:3]
            )
            reason = (
                f"the context region is named for another place, not for {query!r}; "
                f"{best.place.admin_path()} fits it, but {labels} lies next door; "
                "add the region of this place to choose"
            )
            return result("ambiguous", None, min(100.0, best.total), reason)
    return result("resolved", best.place, min(100.0, best.total), _describe(best))


def _attached(query: str, context: str, mentions: Sequence[AreaMention]) -> bool:
    """Tell whether a region or district of the context is said of this very name.

    True when the name does not occur in the context (the context was given for it), or
    when an area follows it with only connecting words between ("Olgovka and Korenevo in
    the Kursk region", «Ольговка Курской области») or precedes it directly ("Kursk
    region's Olgovka").  Connecting words are in ``data/words/attach.csv``.
    """
    folded = context.casefold()
    q = query.casefold().strip()
    stem = q[: max(4, len(q) - 3)] if len(q) > 5 else q
    positions = [m.start() for m in re.finditer(re.escape(stem), folded)]
    if not positions:
        return True
    connectors = _word_list("attach")
    areas = [m for m in mentions if not m.origin and m.level != "country"]
    if not areas:
        return True
    for pos in positions:
        word_end = pos + len(stem)
        while word_end < len(context) and (
            context[word_end].isalpha() or context[word_end] in "-'’"
        ):
            word_end += 1
        for m in areas:
            if m.start >= word_end:
                between = context[word_end : m.start]
            elif m.end <= pos:
                between = context[m.end : pos]
                if len(between.strip(" ,'’s")) > 0:
                    continue
            else:
                continue
            words = _WORD.findall(between)
            if all(w[0].isupper() or fold(w) in connectors for w in words):
                return True
    return False


def _main_names_next_door(named: Sequence[_Cand], mentions: Sequence[AreaMention]) -> list[_Cand]:
    """Places bearing the name as main name, outside the context regions, within reach."""
    outside = [c for c in named if c.how == "exact name" and c.place.ok and c.outside]
    if not outside:
        return []
    areas = [
        a for m in mentions if not m.origin and m.level in ("admin1", "admin2") for a in m.places
    ]
    key = tuple(a.id for a in areas)
    out = []
    for c in outside:
        d = _km_to_areas(c.place.lat, c.place.lon, key, areas)
        if d is not None and d <= NEIGHBOUR_KM:
            out.append(c)
    return out


def _namesakes_next_door(
    best: _Cand, named: Sequence[_Cand], mentions: Sequence[AreaMention]
) -> list[tuple[float, _Cand]]:
    """Places named exactly as ``best`` was, outside the context region, near ``best``.

    Within :data:`NEIGHBOUR_KM` of it: two villages of one name on either side of a
    regional border, where a region named for another place cannot tell them apart.
    """
    if best.how not in EXACT_KINDS:
        return []
    outside = [
        c
        for c in named
        if c.how in EXACT_KINDS
        and c.place.ok
        and c.outside.startswith("outside context region")
        and c.name_score >= best.name_score - TIE_MARGIN
        and not _same_place(c, best)
    ]
    if not outside:
        return []
    b = best.place
    near = [(haversine_km(b.lat, b.lon, c.place.lat, c.place.lon), c) for c in outside]
    return sorted(((d, c) for d, c in near if d <= NEIGHBOUR_KM), key=lambda x: x[0])


def _neighbour(named: Sequence[_Cand], mentions: Sequence[AreaMention]) -> _Cand | None:
    """Return the one place of this exact name just outside the context region, if any.

    Front-line places are reported from the other bank, across the border or from the
    regional capital: a place named exactly that lies within :data:`NEIGHBOUR_KM` of a
    region named in the context survives, when no other place of that name does.
    """
    outside = [c for c in named if c.place.ok and c.outside and c.how in EXACT_KINDS]
    if not outside:
        return None
    areas = [a for m in mentions for a in m.places]
    key = tuple(a.id for a in areas)
    near: list[tuple[float, _Cand]] = []
    for c in outside:
        d = _km_to_areas(c.place.lat, c.place.lon, key, areas)
        if d is None:  # no polygon for any of the areas
            return None
        if d <= NEIGHBOUR_KM:
            near.append((d, c))
    distinct = [
        c for i, (_d, c) in enumerate(near) if not any(_same_place(c, o) for _e, o in near[:i])
    ]
    if len(distinct) != 1:
        return None
    d, best = next((d, c) for d, c in near if c is distinct[0])
    best.notes = [n for n in best.notes if n != best.outside]
    best.notes.append(
        f"{best.outside}, but {d:.0f} km from it and the only place of this name near it"
    )
    best.total -= 5.0
    best.eligible = best.supported = True
    return best


def _area_polygons(area: Place) -> list[Any]:
    """Admin-1 (or country) polygons of an area named in the context, [] when unknown."""
    polys = _boundary_polygons()
    key = area.id if area.id in polys else f"admin1:{area.admin1_code}"
    if area.feature_code == "ADM2" and area.admin1_code:
        key = next((k for k, v in polys.items() if v[0] == area.admin1_code), key)
    hit = polys.get(key)
    return [hit[1]] if hit is not None else []


@functools.lru_cache(maxsize=1)
def _boundary_polygons() -> dict[str, tuple[str, Any]]:
    """Shipped admin-1 polygons by place id (``ne:RU-KRS``), loaded once, with shapely only."""
    from importlib import resources

    import shapely
    from shapely.geometry import shape

    path = resources.files("geokursk") / "data" / "admin1.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, Any]] = {}
    for f in doc["features"]:
        geom = shape(f["geometry"])
        shapely.prepare(geom)
        out[str(f["properties"]["id"])] = (str(f["properties"]["admin1_code"]), geom)
    return out


_KM_TO_AREAS: dict[tuple[float, float, tuple[str, ...]], float | None] = {}
_UNKNOWN = object()


def _km_to_areas(
    lat: float, lon: float, key: tuple[str, ...], areas: Sequence[Place]
) -> float | None:
    """Return the distance from a point to the nearest polygon of the areas, None if none.

    Remembered by point and area ids (``key``): an area of origin is measured against
    the same candidates in every sentence of an article.
    """
    memo_key = (lat, lon, key)
    known = _KM_TO_AREAS.get(memo_key, _UNKNOWN)  # one lookup: another thread may clear it
    if known is not _UNKNOWN:
        return cast("float | None", known)
    polygons = [g for a in areas for g in _area_polygons(a)]
    d = min((_km_to_point(lat, lon, g) for g in polygons), default=None)
    if len(_KM_TO_AREAS) >= MEMO_LIMIT:
        _KM_TO_AREAS.clear()
    _KM_TO_AREAS[memo_key] = d
    return d


def _km_to_point(lat: float, lon: float, polygon: Any) -> float:
    from shapely.geometry import Point

    pt = Point(lon, lat)  # shapely wants (x=lon, y=lat)
    if polygon.contains(pt):
        return 0.0
    from shapely.ops import nearest_points

    q = nearest_points(polygon, pt)[0]  # on the boundary, since the point is outside
    return haversine_km(lat, lon, q.y, q.x)


# --- frames -------------------------------------------------------------------


def results_frame(results: Sequence[GeocodeResult]) -> gpd.GeoDataFrame:
    """Build the EPSG:4326 GeoDataFrame of geocoding results (pure function).

    Parameters
    ----------
    results : sequence of GeocodeResult

    Returns
    -------
    geopandas.GeoDataFrame
        One row per result, in order: ``query``, ``status``, ``name`` (as
        the source writes it), ``name_latin``, ``name_cyrillic`` (see
        :attr:`geokursk.gazetteer.Place.name_cyrillic`), ``name_ru``,
        ``name_uk``, ``id``, ``source``, ``feature_code``, ``country_code``,
        ``admin1``, ``admin2``, ``lat``, ``lon``, ``score``, ``reason``,
        ``alternatives`` (JSON text) and ``geometry``.  Unresolved,
        ambiguous and empty rows keep their place with no geometry and no
        place columns.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    rows = []
    geoms = []
    for r in results:
        d = r.to_dict()
        d["alternatives"] = json.dumps(d["alternatives"], ensure_ascii=False)
        d["name_cyrillic"] = r.place.name_cyrillic if r.place and r.status == "resolved" else None
        rows.append(d)
        # shapely points are (x=lon, y=lat)
        geoms.append(Point(r.lon, r.lat) if r.lat is not None and r.lon is not None else None)
    columns = [
        "query",
        "status",
        "name",
        "name_latin",
        "name_cyrillic",
        "name_ru",
        "name_uk",
        "id",
        "source",
        "feature_code",
        "country_code",
        "admin1",
        "admin2",
        "lat",
        "lon",
        "score",
        "reason",
        "alternatives",
    ]
    import pandas as pd

    df = pd.DataFrame(rows, columns=columns)
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


_DEFAULT: Geocoder | None = None
_DEFAULT_LOCK = threading.Lock()


def default_geocoder() -> Geocoder:
    """Return the process-wide geocoder on the default gazetteer (created once)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = Geocoder()
    return _DEFAULT
