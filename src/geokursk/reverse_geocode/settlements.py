"""The settlements of a gazetteer, indexed once per gazetteer, and what they tell of a point.

Nearest settlements, the raion of the nearest one, the hromada of the nearest Ukrainian
locality that has one.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geokursk.gazetteer import PLACE_COLUMNS, SOFT_FLAGS, Gazetteer, cyrillic_name
from geokursk.reverse_geocode.geometry import _bearing, _compass, _haversine_km, _PointIndex

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt


#: A hromada is taken from the nearest Ukrainian locality that has one only within this
#: distance (km); localities are rarely further apart inside one hromada.
HROMADA_MAX_KM = 15.0
#: The hromada's locality may be this much further than the nearest Ukrainian settlement
#: (km): the two are then one place in two rows, or a town and its district.
_HROMADA_SLACK_KM = 0.5
# Every column of a place but its source list (not needed to describe a point).
_SETTLEMENT_COLUMNS = tuple(c for c in PLACE_COLUMNS if c != "source")
#: Feature codes of places that are gone or never were settlements of today.
_NOT_CURRENT = frozenset({"PPLQ", "PPLW", "PPLH", "PPLCH"})
_KATOTTG = re.compile(r"KATOTTG \d{4}: [^,;]+, ([^,;]+? hromada), ([^,;()]+? raion)")


@dataclass(frozen=True)
class _Settlements:
    ids: npt.NDArray[Any]
    name: npt.NDArray[Any]
    name_latin: npt.NDArray[Any]
    name_cyrillic: npt.NDArray[Any]
    country_code: npt.NDArray[Any]
    admin1: npt.NDArray[Any]
    admin2: npt.NDArray[Any]
    population: npt.NDArray[Any]
    hromada: npt.NDArray[Any]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    index: _PointIndex
    hromada_rows: npt.NDArray[np.int64]  # positions of the localities with a hromada
    hromada_index: _PointIndex


_CACHE: dict[tuple[str, float], _Settlements] = {}
_CACHE_LOCK = threading.Lock()


def _settlements_of(gaz: Gazetteer) -> _Settlements:
    """Load (once per gazetteer file and version) the settlement points and their index."""
    path = gaz.path.resolve()
    key = (str(path), path.stat().st_mtime)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is None:
            hit = _load_settlements(gaz)
            _CACHE.clear()  # one gazetteer at a time: the arrays are large
            _CACHE[key] = hit
    return hit


def _load_settlements(gaz: Gazetteer) -> _Settlements:
    import numpy as np

    rows = [
        r
        for r in gaz.settlements(_SETTLEMENT_COLUMNS)
        if r[5] not in _NOT_CURRENT
        and all(f in SOFT_FLAGS for f in str(r[12]).split(",") if f and f != "ok")
    ]
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(_SETTLEMENT_COLUMNS)
    c = dict(zip(_SETTLEMENT_COLUMNS, cols, strict=True))

    def obj(values: Iterable[Any]) -> npt.NDArray[Any]:
        return np.array(list(values), dtype=object)

    cyrillic = [
        cyrillic_name(n, ru, uk, cc)
        for n, ru, uk, cc in zip(
            c["name"], c["name_ru"], c["name_uk"], c["country_code"], strict=True
        )
    ]
    hromada = [
        _hromada_of(str(p)) if cc == "UA" else None
        for p, cc in zip(c["provenance"], c["country_code"], strict=True)
    ]
    lat = np.array(c["lat"], dtype=float)
    lon = np.array(c["lon"], dtype=float)
    with_hromada = np.flatnonzero(np.array([h is not None for h in hromada], dtype=bool))
    return _Settlements(
        ids=obj(c["id"]),
        name=obj(c["name"]),
        name_latin=obj(c["name_latin"]),
        name_cyrillic=obj(cyrillic),
        country_code=obj(c["country_code"]),
        admin1=obj(c["admin1"]),
        admin2=obj(c["admin2"]),
        population=obj(c["population"]),
        hromada=obj(hromada),
        lat=lat,
        lon=lon,
        index=_PointIndex(lat, lon),
        hromada_rows=with_hromada,
        hromada_index=_PointIndex(lat[with_hromada], lon[with_hromada]),
    )


def _hromada_of(provenance: str) -> str | None:
    """``"... KATOTTG 2025: Юнаківка, Юнаківська hromada, Сумський raion ..."`` -> the hromada."""
    m = _KATOTTG.search(provenance)
    return m.group(1) if m else None


def _drop_repeats(
    idx: npt.NDArray[np.int64], km: npt.NDArray[np.float64], towns: _Settlements, k: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Keep k settlements per point, skipping a second row of one village (same name, < 3 km)."""
    import numpy as np

    m = idx.shape[0]
    out_idx = np.full((m, k), -1, dtype=np.int64)
    out_km = np.full((m, k), np.nan)
    if m == 0:
        return out_idx, out_km
    names = towns.name_latin
    # Fast path: rows whose first k candidates all differ by name.
    first = idx[:, :k]
    distinct = np.ones(m, dtype=bool)
    for a in range(k):
        for b in range(a + 1, k):
            same = (first[:, a] >= 0) & (first[:, b] >= 0)
            same &= names[np.maximum(first[:, a], 0)] == names[np.maximum(first[:, b], 0)]
            distinct &= ~same
    out_idx[distinct] = first[distinct]
    out_km[distinct] = km[distinct, :k]
    for r in np.flatnonzero(~distinct):
        kept: list[int] = []
        for j, t in enumerate(idx[r]):
            if t < 0 or len(kept) == k:
                break
            twin = any(
                names[o] == names[t]
                and _haversine_km(towns.lat[o], towns.lon[o], towns.lat[t], towns.lon[t]) < 3.0
                for o in (int(out_idx[r, q]) for q in range(len(kept)))
            )
            if not twin:
                out_idx[r, len(kept)] = t
                out_km[r, len(kept)] = km[r, j]
                kept.append(j)
    return out_idx, out_km


def _settlement_lists(
    idx: npt.NDArray[np.int64],
    km: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    towns: _Settlements,
) -> list[str]:
    """JSON list of each point's settlements, nearest first (text built once per settlement)."""
    import numpy as np

    m, k = idx.shape
    used = np.unique(idx[idx >= 0])
    about = {
        int(t): json.dumps(
            {
                "id": towns.ids[t],
                "name": towns.name[t],
                "name_latin": towns.name_latin[t],
                "name_cyrillic": towns.name_cyrillic[t],
                "country_code": towns.country_code[t],
                "admin1": towns.admin1[t],
                "admin2": towns.admin2[t],
                "population": int(towns.population[t]) if towns.population[t] is not None else None,
            },
            ensure_ascii=False,
        )[1:]  # without the opening brace: the point's own keys go first
        for t in used
    }
    parts: list[list[str]] = [[] for _ in range(m)]
    for j in range(k):
        rows = np.flatnonzero(idx[:, j] >= 0)
        t = idx[rows, j]
        bearings = _bearing(towns.lat[t], towns.lon[t], lat[rows], lon[rows])
        ways = _compass(bearings)
        for r, ti, d, b, way in zip(
            rows.tolist(), t.tolist(), km[rows, j].tolist(), bearings.tolist(), ways, strict=True
        ):
            parts[r].append(
                f'{{"km": {round(d, 3)!r}, "bearing": {round(b, 1)!r}, '
                f'"direction": "{way}", {about[ti]}'
            )
    return ["[" + ", ".join(p) + "]" for p in parts]


def _raion_from_settlements(
    idx: npt.NDArray[np.int64],
    km: npt.NDArray[np.float64],
    towns: _Settlements,
    country: npt.NDArray[Any],
    wanted: npt.NDArray[np.bool_],
) -> dict[int, tuple[str, str]]:
    """District of the nearest listed settlement in the point's country, where no polygon is."""
    out: dict[int, tuple[str, str]] = {}
    for r in (int(i) for i in wanted.nonzero()[0]):
        cc = country[r]
        if cc is None:
            continue
        for j, t in enumerate(idx[r]):
            if t < 0:
                break
            if towns.country_code[t] == cc and towns.admin2[t]:
                out[r] = (
                    str(towns.admin2[t]),
                    f"district of the nearest settlement, {towns.name_latin[t]} "
                    f"({km[r, j]:.1f} km); no raion polygon here",
                )
                break
    return out


def _hromadas(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    country: npt.NDArray[Any],
    towns: _Settlements,
    near_idx: npt.NDArray[np.int64],
    near_km: npt.NDArray[np.float64],
) -> dict[int, tuple[str, str]]:
    """Hromada of the nearest Ukrainian locality that has one, for points in Ukraine.

    Taken only when that locality is as near as the nearest Ukrainian
    settlement of all, give or take :data:`_HROMADA_SLACK_KM`
    (``near_idx`` / ``near_km``: the listed settlements): a point in a town
    the register gives no hromada must not inherit a neighbouring village's.
    """
    import numpy as np

    rows = np.flatnonzero(country == "UA")
    out: dict[int, tuple[str, str]] = {}
    if rows.size == 0 or len(towns.hromada_index) == 0:
        return out
    idx, km = towns.hromada_index.nearest(lat[rows], lon[rows], 1)
    for r, t, d in zip(rows.tolist(), idx[:, 0].tolist(), km[:, 0].tolist(), strict=True):
        listed = [
            float(near_km[r, j])
            for j, c in enumerate(near_idx[r].tolist())
            if c >= 0 and towns.country_code[c] == "UA"
        ]
        nearest_ua = listed[0] if listed else float(near_km[r, 0])
        reach = min(HROMADA_MAX_KM, nearest_ua + _HROMADA_SLACK_KM)
        if t < 0 or d > reach:
            continue
        town = towns.hromada_rows[t]
        out[int(r)] = (
            str(towns.hromada[town]),
            f"KATOTTG hromada of the nearest locality, {towns.name_latin[town]} "
            f"({d:.1f} km); no hromada polygons are shipped",
        )
    return out
