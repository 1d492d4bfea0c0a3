"""Reading the points to reverse-geocode: frames, arrays, pairs, shapely points."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from geokursk.errors import InvalidQueryError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt
    import pandas as pd


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
