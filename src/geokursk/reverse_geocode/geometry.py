"""Spherical geometry of the reverse geocoder: Mercator, haversine, bearings, a point index."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt


#: The 8 compass points, clockwise from north, 45 degrees each.
COMPASS_POINTS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_EARTH_M = 6_371_008.8  # mean Earth radius, as in geokursk.gazetteer.haversine_km
_MAX_LAT = 85.0  # spherical Mercator is cut off here
_WRAP_LON = 170.0  # settlements this far east/west are also indexed across the antimeridian
_GROWTH = 1.5  # search radius growth per round


def compass_point(bearing: float) -> str:
    """Name the 8-point compass direction of a bearing in degrees (0 = north, clockwise).

    Examples
    --------
    >>> compass_point(0.0), compass_point(44.9), compass_point(200.0), compass_point(359.0)
    ('N', 'NE', 'S', 'N')
    """
    return COMPASS_POINTS[int(((bearing % 360.0) + 22.5) // 45.0) % 8]


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


def _compass(bearings: npt.NDArray[np.float64]) -> list[str]:
    """Vectorised :func:`compass_point`."""
    import numpy as np

    slots = (((np.asarray(bearings) % 360.0) + 22.5) // 45.0).astype(np.int64) % 8
    return [COMPASS_POINTS[i] for i in slots.tolist()]
