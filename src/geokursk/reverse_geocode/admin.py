"""Admin units of a point by point-in-polygon: country, oblast and raion.

Also the notes for points outside every polygon.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geokursk.reverse_geocode.geometry import _points

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt
    import shapely


_SPARSE_COUNTRIES = frozenset({"RU", "UA", "BY"})


@dataclass(frozen=True)
class _PolygonLayer:
    ids: npt.NDArray[Any]
    labels: npt.NDArray[Any]
    codes: npt.NDArray[Any]
    geoms: npt.NDArray[Any]


@functools.lru_cache(maxsize=4)
def _polygon_layer(which: str) -> _PolygonLayer:
    import numpy as np
    import shapely

    from geokursk import boundaries

    if which == "countries":
        frame = boundaries.countries_frame()
        labels, codes = frame["name"], frame["iso_a2"]
    elif which == "admin1":
        frame = boundaries.admin1_frame()
        labels, codes = frame["display"], frame["country_code"]
    else:
        frame = boundaries.raions_frame()
        labels, codes = frame["name:en"], frame["id"]
    geoms = np.asarray(frame.geometry.array, dtype=object)
    shapely.prepare(geoms)
    return _PolygonLayer(
        np.asarray(frame["id"], dtype=object),
        np.asarray(labels, dtype=object),
        np.asarray(codes, dtype=object),
        geoms,
    )


def _containing(tree: shapely.STRtree, m: int, which: str) -> npt.NDArray[np.int64]:
    """Position of the polygon each point lies in (-1 for none; the first on a shared edge)."""
    import numpy as np

    layer = _polygon_layer(which)
    hit = np.full(m, -1, dtype=np.int64)
    if m == 0:
        return hit
    # Prepared polygons queried against a tree of the points: fast with detailed outlines.
    poly, pt = tree.query(layer.geoms, predicate="intersects")
    order = np.lexsort((poly, pt))
    pt, poly = pt[order], poly[order]
    firsts = np.unique(pt, return_index=True)[1]
    hit[pt[firsts]] = poly[firsts]
    return hit


def _admin_units(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> dict[str, Any]:
    import numpy as np
    import shapely

    m = len(lat)
    tree = shapely.STRtree(_points(lon, lat))  # shapely wants (x=lon, y=lat)
    out: dict[str, Any] = {}
    for which, (name_col, id_col, code_col) in (
        ("countries", ("country", None, "country_code")),
        ("admin1", ("oblast", "oblast_id", "oblast_country")),
        ("raions", ("raion", "raion_id", None)),
    ):
        layer = _polygon_layer(which)
        hit = _containing(tree, m, which)
        inside = hit >= 0
        for col, values in ((name_col, layer.labels), (id_col, layer.ids), (code_col, layer.codes)):
            if col is None:
                continue
            arr = np.full(m, None, dtype=object)
            arr[inside] = values[hit[inside]]
            out[col] = arr
    return out


def _notes(
    admin: dict[str, Any],
    has_town: npt.NDArray[np.bool_],
    town_km: npt.NDArray[np.float64],
    hromadas: dict[int, tuple[str, str]],
    swapped: dict[int, str],
) -> list[str | None]:
    notes: list[str | None] = []
    for i in range(len(has_town)):
        parts: list[str] = []
        if i in swapped:
            parts.append(
                f"with latitude and longitude swapped the point lies in {swapped[i]}: "
                "latitude comes first in geokursk, did you swap them?"
            )
        cc, oblast_cc = admin["country_code"][i], admin["oblast_country"][i]
        if cc is None:
            parts.append(
                "in no country polygon (at sea, or beyond the 0.01-degree coastline we ship)"
            )
        if admin["oblast"][i] is None:
            parts.append(
                "outside the shipped admin-1 polygons (Ukraine, Belarus, western Russia): no oblast"
            )
        elif cc is not None and oblast_cc != cc:
            parts.append(
                f"the country polygon (Natural Earth, de-facto view) says {cc}, the admin-1 "
                f"polygon says {oblast_cc}"
            )
        if cc == "UA" and i not in hromadas:
            parts.append(
                "hromada unknown: the localities nearest to the point have no KATOTTG "
                "hromada in the gazetteer"
            )
        if not has_town[i]:
            parts.append("no settlement in the gazetteer")
        elif cc not in _SPARSE_COUNTRIES:
            parts.append(
                "outside Russia, Ukraine and Belarus the gazetteer holds towns of 15,000+ "
                f"only: the nearest is {town_km[i]:.0f} km away"
            )
        notes.append("; ".join(parts) or None)
    return notes
