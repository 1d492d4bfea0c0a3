"""Distances from points to lines: the shipped state borders, or a line you give."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geokursk.errors import InvalidQueryError
from geokursk.reverse_geocode.geometry import _from_mercator, _haversine_km, _mercator

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt
    import shapely


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
