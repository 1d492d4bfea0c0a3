"""Reverse geocoding: from coordinates to the nearest places, admin units and borders.

Analysts who geolocate a video or a strike have coordinates and need "which
village, raion, hromada, oblast is this, and how far from the border".
:func:`reverse` answers for many points at once, offline:

Nearest settlements
    Every settlement of the gazetteer (``PPL...`` rows not flagged by the
    build; about 225,000 with the shipped layers) is loaded once per
    gazetteer and indexed in a shapely :class:`~shapely.STRtree` on
    spherical Mercator coordinates.  Candidates found in the tree are
    re-ranked by great-circle (haversine) distance, and the search radius
    grows until it provably holds the ``nearest`` closest ones: Mercator
    is conformal and stretches distances by ``sec(latitude)``, so a place
    at great-circle distance *d* lies within Mercator distance
    ``d * sec(|lat| + d/R)``.  Distance and compass direction are given
    *from the settlement to the point* ("3.2 km NE of Plekhovo").
Admin units
    Country (Natural Earth 1:10m countries, simplified to 0.01 degrees),
    oblast (Natural Earth admin-1 for Ukraine, Belarus and western Russia)
    and raion (OpenStreetMap raions of Sumy, Kharkiv and Chernihiv oblasts)
    by point-in-polygon.  Elsewhere the raion is the district of the nearest
    settlement in the same country, and says so in ``raion_source``.  The
    package ships no hromada polygons: ``hromada`` is the KATOTTG hromada of
    the nearest Ukrainian locality that has one, when that is the nearest
    Ukrainian settlement (give or take 0.5 km; within :data:`HROMADA_MAX_KM`),
    labelled as such in ``hromada_source``.
Borders and lines
    Distance to a state border line (Russia-Ukraine by default), and to a
    line you give (a front line, a river...).  The shipped border lines are
    1:10m: read the distance to about +/- 3 km.

Points outside every polygon keep their row: the admin columns are empty and
``note`` says which polygons they fall outside of.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geokursk.errors import InvalidQueryError
from geokursk.gazetteer import PLACE_COLUMNS, SOFT_FLAGS, Gazetteer, cyrillic_name
from geokursk.geocode import Geocoder, default_geocoder

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import shapely

__all__ = [
    "COMPASS_POINTS",
    "DEFAULT_NEAREST",
    "HROMADA_MAX_KM",
    "compass_point",
    "reverse",
]

#: Settlements listed per point by default.
DEFAULT_NEAREST = 3
#: A hromada is taken from the nearest Ukrainian locality that has one only within this
#: distance (km); localities are rarely further apart inside one hromada.
HROMADA_MAX_KM = 15.0
#: The 8 compass points, clockwise from north, 45 degrees each.
COMPASS_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")

_EARTH_M = 6_371_008.8  # mean Earth radius, as in geokursk.gazetteer.haversine_km
_MAX_LAT = 85.0  # spherical Mercator is cut off here
_WRAP_LON = 170.0  # settlements this far east/west are also indexed across the antimeridian
_GROWTH = 1.5  # search radius growth per round
#: The hromada's locality may be this much further than the nearest Ukrainian settlement
#: (km): the two are then one place in two rows, or a town and its district.
_HROMADA_SLACK_KM = 0.5
_AT_KM = 0.05  # closer than this the point is "at" the settlement
_SPARSE_COUNTRIES = frozenset({"RU", "UA", "BY"})
# Every column of a place but its source list (not needed to describe a point).
_SETTLEMENT_COLUMNS = tuple(c for c in PLACE_COLUMNS if c != "source")
#: Feature codes of places that are gone or never were settlements of today.
_NOT_CURRENT = frozenset({"PPLQ", "PPLW", "PPLH", "PPLCH"})
_KATOTTG = re.compile(r"KATOTTG \d{4}: [^,;]+, ([^,;]+? hromada), ([^,;()]+? raion)")


def compass_point(bearing: float) -> str:
    """Name the 8-point compass direction of a bearing in degrees (0 = north, clockwise).

    Examples
    --------
    >>> compass_point(0.0), compass_point(44.9), compass_point(200.0), compass_point(359.0)
    ('N', 'NE', 'S', 'N')
    """
    return COMPASS_POINTS[int(((bearing % 360.0) + 22.5) // 45.0) % 8]


def reverse(
    points: Any,
    *,
    nearest: int = DEFAULT_NEAREST,
    border: str | None = "RU-UA",
    line: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    geocoder: Geocoder | None = None,
) -> gpd.GeoDataFrame:
    """Describe where points are: nearest settlements, admin units, distance to the border.

    Parameters
    ----------
    points : GeoSeries, GeoDataFrame, shapely Point, (lat, lon) pair, or a list of them
        Point geometries with a CRS (any; reprojected to EPSG:4326), or
        ``(lat, lon)`` pairs (latitude first, as everywhere in geokursk), or
        an ``(n, 2)`` array of them.  Missing points (None, an empty
        geometry, NaN coordinates) keep their row with empty columns.
    nearest : int, default 3
        How many settlements to list per point (``settlements`` column).
    border : str or None, default "RU-UA"
        The state border to measure to (``"RU-BY"``, ``"Ukraine-Belarus"``...;
        see :func:`geokursk.boundaries.border_lines`); None leaves it out.
    line : GeoDataFrame or GeoSeries, optional
        Your own lines with a CRS (e.g. a front line; polygons count by
        their outline): adds ``line_km``, the distance to the nearest of them.
        geokursk ships no front line.
    geocoder : Geocoder, optional
        Whose gazetteer's settlements to use; defaults to
        :func:`geokursk.geocode.default_geocoder`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per point in input order, indexed like the input
        (a GeoSeries' or GeoDataFrame's index; 0..n-1 otherwise), with:

        * ``lat``, ``lon``;
        * ``nearest`` (Latin name), ``nearest_cyrillic``, ``nearest_id``,
          ``nearest_km``, ``nearest_bearing`` (degrees, from the settlement
          to the point), ``nearest_direction`` (``"NE"``) and
          ``description`` (``"3.2 km NE of Plekhovo"``);
        * ``settlements``: JSON list of the ``nearest`` closest settlements,
          each with ``id``, ``name``, ``name_latin``, ``name_cyrillic``,
          ``km``, ``bearing``, ``direction``, ``country_code``, ``admin1``,
          ``admin2``, ``population``;
        * ``hromada``, ``hromada_source``; ``raion``, ``raion_id`` (OSM
          relation when from a polygon), ``raion_source`` (``"polygon
          (OpenStreetMap)"`` or the nearest settlement it was taken from);
          ``oblast``, ``oblast_id`` (``ne:RU-KRS``); ``country``,
          ``country_code``;
        * ``border_km`` (unless ``border=None``) and ``line_km`` (with
          ``line``);
        * ``note``: what the answer could not say ("outside the shipped
          admin-1 polygons...", "in no country polygon...");
        * ``geometry``: the point.

    Raises
    ------
    geokursk.errors.InvalidQueryError
        A point off the globe (latitude beyond +/-90 or longitude beyond
        +/-180: the message names it and asks whether lat and lon were
        swapped), a geometry that is not a point, a frame without CRS, an
        unknown border pair, or ``nearest`` < 1.

    Examples
    --------
    >>> out = reverse([(51.115, 35.36), None])         # (lat, lon) near Plekhovo; no point
    >>> out.loc[0, ["nearest", "oblast", "country_code"]].tolist()
    ['Plekhovo', 'Kursk Oblast', 'RU']
    >>> out.loc[0, "description"], round(float(out.loc[0, "border_km"]))
    ('2.5 km NE of Plekhovo', 8)
    >>> out.loc[1, "note"]
    'no point: missing or empty geometry, or NaN coordinates'
    >>> reverse([(35.36, 51.12)]).loc[0, "note"]       # doctest: +ELLIPSIS
    'with latitude and longitude swapped the point lies in Kursk Oblast, Russia: ...'
    >>> reverse([(135.3, 51.2)])                       # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geokursk.errors.InvalidQueryError: point #1 ... did you swap them? ...
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    if not isinstance(nearest, int) or isinstance(nearest, bool) or nearest < 1:
        raise InvalidQueryError(f"nearest must be a positive whole number, got {nearest!r}")
    index, lat, lon = _as_points(points)
    lines = {
        "border_km": _border_segments(border) if border is not None else None,
        "line_km": _line_segments(line) if line is not None else None,
    }
    gc = geocoder if geocoder is not None else default_geocoder()
    towns = _settlements_of(gc.gazetteer)

    valid = ~(np.isnan(lat) | np.isnan(lon))
    found = _describe(lat[valid], lon[valid], towns, nearest, lines)
    columns: dict[str, Any] = {"lat": lat, "lon": lon}
    for col, values in found.items():
        if values.dtype.kind == "f":
            full = np.full(len(lat), np.nan)
        else:
            full = np.full(len(lat), None, dtype=object)
        full[valid] = values
        columns[col] = full
    columns["note"][~valid] = "no point: missing or empty geometry, or NaN coordinates"
    geoms = np.full(len(lat), None, dtype=object)
    geoms[valid] = shapely.points(lon[valid], lat[valid])  # shapely wants (x=lon, y=lat)
    # Text columns stay object with None for "nothing", whatever pandas would infer: the
    # same dtypes for every input, and `is None` works.
    data = {
        col: pd.Series(values, index=index, dtype=values.dtype) for col, values in columns.items()
    }
    return gpd.GeoDataFrame(
        pd.DataFrame(data, index=index),
        geometry=gpd.GeoSeries(geoms, index=index, crs="EPSG:4326"),
        crs="EPSG:4326",
    )


def _describe(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    towns: _Settlements,
    nearest: int,
    lines: dict[str, _Segments | None],
) -> dict[str, npt.NDArray[Any]]:
    """Every output column for points that exist, in output order."""
    import numpy as np

    m = len(lat)

    def empty() -> npt.NDArray[Any]:
        return np.full(m, None, dtype=object)

    # A few more settlements than asked, so that a second row of one village is skipped.
    idx, km = towns.index.nearest(lat, lon, nearest + 2)
    idx, km = _drop_repeats(idx, km, towns, nearest)
    first = idx[:, 0]
    has = first >= 0
    t = first[has]
    bearing = np.full(m, np.nan)
    bearing[has] = _bearing(towns.lat[t], towns.lon[t], lat[has], lon[has])
    out: dict[str, npt.NDArray[Any]] = {}
    for col, values in (
        ("nearest", towns.name_latin),
        ("nearest_cyrillic", towns.name_cyrillic),
        ("nearest_id", towns.ids),
    ):
        out[col] = empty()
        out[col][has] = values[t]
    out["nearest_km"] = np.round(km[:, 0], 3)
    out["nearest_bearing"] = np.round(bearing, 1)
    ways = _compass(bearing[has])
    out["nearest_direction"] = empty()
    out["nearest_direction"][has] = ways
    out["description"] = empty()
    out["description"][has] = [
        f"at {name}" if d < _AT_KM else f"{d:.1f} km {way} of {name}"
        for name, d, way in zip(
            towns.name_latin[t].tolist(), km[has, 0].tolist(), ways, strict=True
        )
    ]
    out["settlements"] = np.array(_settlement_lists(idx, km, lat, lon, towns), dtype=object)

    admin = _admin_units(lat, lon)
    hromadas = _hromadas(lat, lon, admin["country_code"], towns, idx, km)
    out["hromada"], out["hromada_source"] = empty(), empty()
    for i, (name, source) in hromadas.items():
        out["hromada"][i], out["hromada_source"][i] = name, source
    out["raion"], out["raion_id"] = admin["raion"].copy(), admin["raion_id"]
    out["raion_source"] = empty()
    polygon = np.array([r is not None for r in admin["raion"]], dtype=bool)
    out["raion_source"][polygon] = "polygon (OpenStreetMap)"
    for i, (name, source) in _raion_from_settlements(
        idx, km, towns, admin["country_code"], ~polygon
    ).items():
        out["raion"][i], out["raion_source"][i] = name, source
    for col in ("oblast", "oblast_id", "country", "country_code"):
        out[col] = admin[col]
    for col, segments in lines.items():
        if segments is not None:
            out[col] = np.round(_km_to_segments(lat, lon, segments), 3)
    swapped = _swapped_inside(lat, lon, admin)
    out["note"] = np.array(_notes(admin, has, km[:, 0], hromadas, swapped), dtype=object)
    return out


def _swapped_inside(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], admin: dict[str, Any]
) -> dict[int, str]:
    """Return, for points outside every shipped oblast, the oblast of the swapped pair.

    (35.36, 51.12) is a village of Iran as (lat, lon), and Plekhovo in Kursk Oblast as
    (lon, lat): both are on the globe, so only the polygons can tell that the pair was
    probably given in the wrong order.
    """
    import numpy as np

    outside = np.flatnonzero(np.array([o is None for o in admin["oblast"]], dtype=bool))
    outside = outside[np.abs(lon[outside]) <= 90]  # a longitude beyond 90 is no latitude
    if not outside.size:
        return {}
    turned = _admin_units(lon[outside], lat[outside])
    return {
        int(i): f"{turned['oblast'][j]}, {turned['country'][j] or turned['oblast_country'][j]}"
        for j, i in enumerate(outside.tolist())
        if turned["oblast"][j] is not None
    }


# --- inputs ------------------------------------------------------------------------------


def _as_points(points: Any) -> tuple[pd.Index, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return the index and the latitude and longitude arrays (NaN for missing points)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    if isinstance(points, gpd.GeoDataFrame):
        points = points.geometry
    if isinstance(points, gpd.GeoSeries):
        if points.crs is None:
            raise InvalidQueryError(
                "the points have no CRS; set one, e.g. points.set_crs('EPSG:4326') for "
                "longitude/latitude"
            )
        geoms = points.to_crs("EPSG:4326")
        index = points.index
        arr = np.asarray(geoms.array, dtype=object)
    elif isinstance(points, pd.DataFrame):
        raise InvalidQueryError(
            "a DataFrame has no point geometry: pass list(zip(df['lat'], df['lon'])), or "
            "gpd.points_from_xy(df['lon'], df['lat'], crs='EPSG:4326')"
        )
    else:
        items = _point_items(points)
        index = pd.RangeIndex(len(items))
        arr = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            arr[i] = _to_point(item, i)
    missing = np.array([g is None or g.is_empty for g in arr], dtype=bool)
    probe = arr.copy()
    probe[missing] = None
    kinds = shapely.get_type_id(probe)
    bad = np.flatnonzero(~missing & (kinds != 0))
    if bad.size:
        i = int(bad[0])
        raise InvalidQueryError(
            f"point #{i + 1}{_label(index, i)} is a {arr[i].geom_type}, not a Point; "
            "reverse-geocode its representative point: geoms.representative_point()"
        )
    lon = np.full(len(arr), np.nan)
    lat = np.full(len(arr), np.nan)
    if (~missing).any():
        lon[~missing] = shapely.get_x(arr[~missing])
        lat[~missing] = shapely.get_y(arr[~missing])
    _check_range(lat, lon, index)
    return index, lat, lon


def _point_items(points: Any) -> list[Any]:
    import numpy as np
    from shapely.geometry.base import BaseGeometry

    if isinstance(points, BaseGeometry):
        return [points]
    if isinstance(points, str | bytes):
        raise InvalidQueryError(
            f"give points as (lat, lon) pairs or Point geometries, not text ({points!r}); "
            "the command line takes LAT,LON"
        )
    if isinstance(points, np.ndarray):
        if points.ndim == 2 and points.shape[1] == 2:
            return list(points)
        if points.ndim == 1 and points.shape[0] == 2 and np.issubdtype(points.dtype, np.number):
            return [points]
        raise InvalidQueryError(
            f"an array of points must have shape (n, 2) holding (lat, lon); got {points.shape}"
        )
    if isinstance(points, tuple) and len(points) == 2 and all(_is_number(v) for v in points):
        return [points]  # one (lat, lon) pair
    try:
        return list(points)
    except TypeError:
        raise InvalidQueryError(
            "give points as a GeoSeries, Point geometries or (lat, lon) pairs; got "
            f"{type(points).__name__}"
        ) from None


def _is_number(value: Any) -> bool:
    import numbers

    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _to_point(item: Any, i: int) -> Any:
    from shapely.geometry import Point
    from shapely.geometry.base import BaseGeometry

    if item is None or isinstance(item, BaseGeometry):
        return item
    try:
        lat, lon = (float(v) for v in item)
    except (TypeError, ValueError):
        raise InvalidQueryError(
            f"point #{i + 1} is {item!r}: give a (lat, lon) pair of numbers or a Point"
        ) from None
    if math.isnan(lat) or math.isnan(lon):
        return None
    return Point(lon, lat)  # (lat, lon) in, shapely wants (x=lon, y=lat)


def _check_range(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], index: pd.Index
) -> None:
    import numpy as np

    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(
            (np.abs(lat) > 90) | (np.abs(lon) > 180) | np.isinf(lat) | np.isinf(lon)
        )
    if bad.size:
        i = int(bad[0])
        swapped = abs(lon[i]) <= 90 < abs(lat[i]) <= 180
        hint = (
            "; latitude comes first in geokursk, did you swap them?"
            if swapped
            else "; latitude must be within +/-90 and longitude within +/-180"
        )
        raise InvalidQueryError(
            f"point #{i + 1}{_label(index, i)} lies off the globe: lat={float(lat[i])!r}, "
            f"lon={float(lon[i])!r}{hint} (give (lat, lon) pairs, or points in their CRS)"
        )


def _label(index: pd.Index, i: int) -> str:
    """`` (index 'a')`` for a labelled input, ``""`` when the index is just the position."""
    import pandas as pd

    return "" if isinstance(index, pd.RangeIndex) else f" (index {index[i]!r})"


# --- the settlement index ------------------------------------------------------------


def _mercator(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    import numpy as np

    phi = np.radians(np.clip(lat, -_MAX_LAT, _MAX_LAT))
    return _EARTH_M * np.radians(lon), _EARTH_M * np.log(np.tan(np.pi / 4 + phi / 2))


def _points(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
    """Shapely points of coordinate arrays, always as an array."""
    import numpy as np
    import shapely

    return np.asarray(shapely.points(x, y), dtype=object)


def _from_mercator(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    import numpy as np

    lat = np.degrees(2 * np.arctan(np.exp(y / _EARTH_M)) - np.pi / 2)
    lon = np.degrees(x / _EARTH_M)
    return lat, (lon + 180.0) % 360.0 - 180.0


def _haversine_km(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: npt.NDArray[np.float64] = (
        2 * (_EARTH_M / 1000.0) * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    )
    return result


def _bearing(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Return the initial great-circle bearing in degrees from point 1 to point 2."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    result: npt.NDArray[np.float64] = np.degrees(np.arctan2(y, x)) % 360.0
    return result


class _PointIndex:
    """Exact k-nearest search by great-circle distance over fixed points.

    An STRtree on spherical Mercator coordinates finds candidates within a
    radius; haversine distances rank them; the radius grows until it
    provably holds the k nearest.  Points near the antimeridian are indexed
    twice (shifted by 360 degrees) so Chukotka is searched across it.
    """

    def __init__(self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> None:
        import numpy as np
        import shapely

        self.lat = lat
        self.lon = lon
        east = np.flatnonzero(lon > _WRAP_LON)
        west = np.flatnonzero(lon < -_WRAP_LON)
        self._orig = np.concatenate([np.arange(len(lat)), east, west])
        wlon = np.concatenate([lon, lon[east] - 360.0, lon[west] + 360.0])
        x, y = _mercator(lat[self._orig], wlon)
        self._tree = shapely.STRtree(_points(x, y))

    def __len__(self) -> int:
        return len(self.lat)

    def nearest(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], k: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Return the k nearest points' positions and km, nearest first (-1/NaN past the end)."""
        import numpy as np

        m = len(lat)
        idx = np.full((m, k), -1, dtype=np.int64)
        km = np.full((m, k), np.nan)
        k_have = min(k, len(self.lat))
        if m == 0 or k_have == 0:
            return idx, km
        qx, qy = _mercator(lat, lon)
        q = _points(qx, qy)
        pairs, first = self._tree.query_nearest(q, return_distance=True, all_matches=False)
        # Start just beyond the nearest point and grow by half (so a round fetches at most
        # about twice the candidates it needs) until the k nearest are provably in range.
        radius = np.full(m, np.inf)
        radius[pairs[0]] = first * _GROWTH + 1.0
        todo = np.arange(m)
        ceiling = 1.0e8  # metres of Mercator: every point is in range
        wrapped = len(self._orig) > len(self.lat)
        while todo.size:
            qpos, tpos = self._tree.query(q[todo], predicate="dwithin", distance=radius[todo])
            counts = np.bincount(qpos, minlength=todo.size)
            enough = counts >= k_have
            sel = enough[qpos]
            qpos, orig = qpos[sel], self._orig[tpos[sel]]
            d = _haversine_km(lat[todo][qpos], lon[todo][qpos], self.lat[orig], self.lon[orig])
            order = np.lexsort((d, qpos))  # by query, then distance; stable: ties in tree order
            qpos, orig, d = qpos[order], orig[order], d[order]
            if wrapped:  # a point and its shifted copy both in range: keep one
                twin = np.zeros(len(qpos), dtype=bool)
                twin[1:] = (qpos[1:] == qpos[:-1]) & (orig[1:] == orig[:-1])
                qpos, orig, d = qpos[~twin], orig[~twin], d[~twin]
                counts = np.bincount(qpos, minlength=todo.size)
                enough = counts >= k_have
            else:
                counts = np.where(enough, counts, 0)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            rank = np.arange(len(qpos)) - starts[qpos]
            kth = np.full(todo.size, np.inf)
            at_k = rank == k_have - 1
            kth[qpos[at_k]] = d[at_k]
            # Every point within kth km lies within this Mercator distance (scale sec(lat)).
            band = np.radians(np.abs(lat[todo])) + kth * 1000.0 / _EARTH_M
            with np.errstate(invalid="ignore", over="ignore"):
                need = kth * 1000.0 / np.cos(np.minimum(band, np.radians(_MAX_LAT)))
            done = enough & ((radius[todo] >= need) | (radius[todo] >= ceiling))
            keep = done[qpos] & (rank < k_have)
            rows = todo[qpos[keep]]
            idx[rows, rank[keep]] = orig[keep]
            km[rows, rank[keep]] = d[keep]
            grow = ~done
            radius[todo[grow]] = np.where(
                enough[grow], need[grow] * 1.001, radius[todo[grow]] * _GROWTH
            )
            todo = todo[grow]
        return idx, km


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


def _compass(bearings: npt.NDArray[np.float64]) -> list[str]:
    """Vectorised :func:`compass_point`."""
    import numpy as np

    slots = (((np.asarray(bearings) % 360.0) + 22.5) // 45.0).astype(np.int64) % 8
    return [COMPASS_POINTS[i] for i in slots.tolist()]


# --- admin units -----------------------------------------------------------------------


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


# --- lines -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Segments:
    """Straight segments of lines in Mercator coordinates, with their tree."""

    geoms: npt.NDArray[Any]
    tree: shapely.STRtree


def _segments(lines: Iterable[Any]) -> _Segments:
    import numpy as np
    import shapely

    parts = shapely.get_parts(np.asarray(list(lines), dtype=object))
    polygonal = np.isin(shapely.get_type_id(parts), (3, 6))
    parts = np.where(polygonal, shapely.boundary(parts), parts)
    parts = shapely.get_parts(parts)
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]  # LineString, LinearRing
    coords, which = shapely.get_coordinates(parts, return_index=True)
    if len(coords) < 2:
        raise InvalidQueryError("the lines hold no line segment to measure to")
    x, y = _mercator(coords[:, 1], coords[:, 0])
    same = which[:-1] == which[1:]
    starts = np.flatnonzero(same)
    ends = [np.stack([x[starts], y[starts]], 1), np.stack([x[starts + 1], y[starts + 1]], 1)]
    segs: npt.NDArray[Any] = np.asarray(shapely.linestrings(np.stack(ends, 1)), dtype=object)
    return _Segments(segs, shapely.STRtree(segs))


@functools.lru_cache(maxsize=8)
def _border_segments(pair: str) -> _Segments:
    from geokursk.boundaries import border_lines

    return _segments(border_lines(pair).geometry.array)


def _line_segments(line: Any) -> _Segments:
    import geopandas as gpd

    if isinstance(line, gpd.GeoDataFrame):
        line = line.geometry
    if not isinstance(line, gpd.GeoSeries):
        raise InvalidQueryError(
            f"line must be a GeoSeries or GeoDataFrame with a CRS, got {type(line).__name__}"
        )
    if line.crs is None:
        raise InvalidQueryError(
            "the line has no CRS; set one, e.g. line.set_crs('EPSG:4326') for longitude/latitude"
        )
    geoms = line.to_crs("EPSG:4326")
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    return _segments(geoms.array)


def _km_to_segments(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], segments: _Segments
) -> npt.NDArray[np.float64]:
    """Great-circle km from each point to the nearest point of the segments.

    The nearest point is found in Mercator (conformal, so the foot of the
    perpendicular is right to first order); the distance to it is haversine.
    """
    import numpy as np
    import shapely

    if len(lat) == 0:
        return np.zeros(0)
    x, y = _mercator(lat, lon)
    q = shapely.points(x, y)
    pairs = segments.tree.query_nearest(q, all_matches=False)
    near = np.empty(len(lat), dtype=np.int64)
    near[pairs[0]] = pairs[1]
    shortest = shapely.shortest_line(q, segments.geoms[near])
    ends = shapely.get_coordinates(shortest).reshape(-1, 2, 2)[:, 1, :]
    flat, flon = _from_mercator(ends[:, 0], ends[:, 1])
    return _haversine_km(lat, lon, flat, flon)
