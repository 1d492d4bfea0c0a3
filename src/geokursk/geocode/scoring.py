"""Evidence that does not come from the name: co-mentioned places and priors.

Names resolved together support each other (:func:`_apply_cohesion`: a
candidate near eligible candidates of the names mentioned with it gains a
bonus); population, capital status and the kind of match add a little, one
rule for every name (:func:`_apply_prior`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from geokursk.gazetteer import haversine_km
from geokursk.geocode.candidates import FUZZY_ACCEPT, _Cand

__all__ = ["COHESION_KM", "COHESION_WINDOW"]

COHESION_KM = 30.0
#: Names passed together support each other only within this many distinct names
#: before and after them in the input (a claim, a sentence, a window of a long list).
COHESION_WINDOW = 12


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
