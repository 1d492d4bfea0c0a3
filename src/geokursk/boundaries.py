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

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from geokursk.gazetteer import Place

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "admin1_frame",
    "border_lines_frame",
    "countries_frame",
    "geometry_for",
    "raions_frame",
]


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
