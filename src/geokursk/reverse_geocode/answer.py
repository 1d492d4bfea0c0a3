""":func:`reverse`: one row per point, with its settlements, admin units and lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geokursk.errors import InvalidQueryError
from geokursk.geocode import Geocoder, default_geocoder
from geokursk.reverse_geocode.admin import _admin_units, _notes
from geokursk.reverse_geocode.geometry import _bearing, _compass
from geokursk.reverse_geocode.inputs import _as_points
from geokursk.reverse_geocode.lines import (
    _border_segments,
    _km_to_segments,
    _line_segments,
    _Segments,
)
from geokursk.reverse_geocode.settlements import (
    _drop_repeats,
    _hromadas,
    _raion_from_settlements,
    _settlement_lists,
    _Settlements,
    _settlements_of,
)

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import numpy as np
    import numpy.typing as npt


#: Settlements listed per point by default.
DEFAULT_NEAREST = 3
_AT_KM = 0.05  # closer than this the point is "at" the settlement


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
