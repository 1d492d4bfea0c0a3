"""Boundary polygons and lines shipped with the package.

Built from ``geo/`` by ``scripts/build_gazetteer.py``:

``admin1.geojson``
    Natural Earth 1:10m admin-1 polygons for Ukraine, Belarus and the
    Russian regions around the Kursk-Sumy front (public domain).
``countries.geojson``
    Natural Earth 1:10m countries (world-atlas 2.0.2), simplified to
    0.01 degrees for drawing (public domain / ISC).
``borders.geojson``
    Russia-Ukraine, Russia-Belarus and Ukraine-Belarus border lines derived
    from the same topology.  1:10m: a few km off near villages, so draw
    them, do not test "which side" with them.
``raions.geojson``
    OpenStreetMap raions (2020 reform) of Sumy, Kharkiv and Chernihiv oblasts
    (ODbL, (c) OpenStreetMap contributors).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from geokursk.errors import InvalidQueryError
from geokursk.gazetteer import Place

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "admin1_frame",
    "border_lines",
    "border_lines_frame",
    "countries_frame",
    "geometry_for",
    "raions_frame",
]

_COUNTRY_CODES = {"russia": "RU", "ukraine": "UA", "belarus": "BY"}
_LAND_BORDER = "land border"


def _data(name: str) -> Path:
    return Path(str(resources.files("geokursk") / "data" / name))


@lru_cache(maxsize=8)
def _read(name: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_file(_data(name), engine="pyogrio").set_crs("EPSG:4326", allow_override=True)


def admin1_frame() -> gpd.GeoDataFrame:
    """Return admin-1 polygons (oblasts) of Ukraine, Belarus and western Russia.

    Columns: ``id`` (``ne:RU-KRS``, matching :attr:`Place.id` of the region
    in the gazetteer), ``iso_3166_2``, ``admin1_code``, ``country_code``,
    ``display`` ("Kursk Oblast"), ``name_en``, ``name_ru``, ``name_uk``,
    ``geometry`` (EPSG:4326).
    """
    return _read("admin1.geojson").copy()


def countries_frame() -> gpd.GeoDataFrame:
    """Return world country polygons (``id`` = ``country:NP``, ``iso_a2``, ``name``)."""
    return _read("countries.geojson").copy()


def border_lines_frame() -> gpd.GeoDataFrame:
    """Return the RU-UA, RU-BY and UA-BY border lines (``pair``, ``segment``, ``geometry``)."""
    return _read("borders.geojson").copy()


def raions_frame() -> gpd.GeoDataFrame:
    """Return OSM raion polygons of Sumy, Kharkiv and Chernihiv oblasts (``osm:relation/N``)."""
    return _read("raions.geojson").copy()


def border_lines(
    pair: str = "RU-UA",
    *,
    borders: gpd.GeoDataFrame | None = None,
    land_only: bool = True,
) -> gpd.GeoDataFrame:
    """Return the lines of one state border.

    Parameters
    ----------
    pair : str, default "RU-UA"
        The border, by ISO codes or English names in any order ("UA-RU",
        "Russia-Ukraine", "ru/ua").
    borders : geopandas.GeoDataFrame, optional
        Border lines with a ``pair`` column (and optionally ``segment``);
        defaults to :func:`border_lines_frame`.
    land_only : bool, default True
        Keep only segments marked ``land border``: Natural Earth also draws a
        de-facto Crimea/Kherson line, which is not the state border.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows of ``borders``.

    Raises
    ------
    geokursk.errors.InvalidQueryError
        ``pair`` matches no line (the valid pairs are listed), or ``borders``
        has no ``pair`` column.

    Examples
    --------
    >>> len(border_lines("Ukraine-Russia")) > 0
    True
    >>> border_lines("RU-PL")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geokursk.errors.InvalidQueryError: no border line for pair 'RU-PL' (land segments); choose ...
    """
    if borders is None:
        borders = _read("borders.geojson")
    if "pair" not in borders.columns:
        raise InvalidQueryError(
            f"the borders frame needs a 'pair' column; it has {list(borders.columns)!r}"
        )
    wanted = _pair_key(pair)
    lines = borders[borders["pair"].map(lambda p: _pair_key(str(p)) == wanted)]
    if land_only and "segment" in lines.columns:
        lines = lines[lines["segment"] == _LAND_BORDER]
    if lines.empty:
        valid = sorted({str(p) for p in borders["pair"]})
        raise InvalidQueryError(
            f"no border line for pair {pair!r}"
            + (" (land segments)" if land_only else "")
            + f"; choose one of {valid!r}"
        )
    return lines.copy()


def _pair_key(pair: str) -> frozenset[str]:
    """``"Russia-Ukraine"``, ``"UA-RU"`` and ``"ru/ua"`` all give ``{"RU", "UA"}``."""
    parts = [p for p in re.split(r"[\s\-–—/,]+", pair.strip()) if p]
    return frozenset(_COUNTRY_CODES.get(p.lower(), p.upper()) for p in parts)


@lru_cache(maxsize=1)
def _polygons() -> dict[str, BaseGeometry]:
    out: dict[str, BaseGeometry] = {}
    for name in ("countries.geojson", "admin1.geojson", "raions.geojson"):
        gdf = _read(name)
        out.update(zip(gdf["id"], gdf.geometry, strict=True))
    return out


def geometry_for(place: Place) -> BaseGeometry:
    """Return the geometry that honestly shows a place's extent.

    Parameters
    ----------
    place : Place
        A gazetteer place.

    Returns
    -------
    shapely geometry
        The polygon of a country, Natural Earth region or OSM raion when the
        package has it; otherwise the point ``(lon, lat)``.

    Examples
    --------
    >>> from geokursk.geocode import Geocoder
    >>> geometry_for(Geocoder().geocode("Kursk region").place).geom_type
    'Polygon'
    >>> geometry_for(Geocoder().geocode("Sudzha").place).geom_type
    'Point'
    """
    from shapely.geometry import Point

    poly = _polygons().get(place.id)
    if poly is not None:
        return poly
    return Point(place.lon, place.lat)  # shapely order is (x=lon, y=lat)
