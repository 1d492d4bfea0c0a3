"""The :class:`Geocoder`: candidates, context, co-mentions and decision, per query.

It opens its gazetteer lazily and remembers, per instance, the candidates of
each name, the areas of each context and the answers to each (names, context)
query; :func:`default_geocoder` is the process-wide one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from geokursk.errors import ArgumentTypeError, InvalidQueryError
from geokursk.gazetteer import Gazetteer
from geokursk.geocode.candidates import _Cand, find_candidates
from geokursk.geocode.context import _apply_context, _attached, _Context, find_areas
from geokursk.geocode.decide import _decide
from geokursk.geocode.memo import _remember
from geokursk.geocode.results import AreaMention, GeocodeResult
from geokursk.geocode.scoring import _apply_cohesion, _apply_prior
from geokursk.layers import Layer, list_layers, read_layer
from geokursk.normalize import fold, is_river, split_area
from geokursk.stack import ensure_stack

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["Geocoder", "default_geocoder"]


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
    >>> gc.geocode("Kurilovka", context="Bryansk region").status  # none there
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
        districts = "admin2" in ctx.by_level and context is not None
        district_mentions = [m for m in mentions if m.level == "admin2"]
        for n, cs in cands.items():
            is_area = split_area(fold(n))[1] is not None
            # Only a context that holds the name can say the district is this name's:
            # one without it (a sentence's areas, passed for each of its places) cannot.
            said = districts and _attached(n, cast(str, context), district_mentions, absent=False)
            for c in cs:
                _apply_context(c, mentions, ctx, said)
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
        return find_candidates(name, self.gazetteer)

    def _find_areas(self, text: str) -> list[AreaMention]:
        return find_areas(text, self.gazetteer)


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
