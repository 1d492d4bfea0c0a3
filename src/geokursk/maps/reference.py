"""The offline background: oblast and raion outlines, rivers, towns, the border.

Without map tiles the reader still needs orientation. :class:`ReferenceData`
holds the frames it is drawn from (our own data: Natural Earth oblasts and
borders, OpenStreetMap raions, GSHHG rivers, the gazetteer's settlements and
district points); :func:`reference_specs` turns them into the specs of the
reference layers, with labels that appear by importance for the zoom level:
cities from afar, towns from zoom 7-8, villages close up.

Labels are ``[lat, lon, text, kind, from_zoom, to_zoom]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geokursk.maps.features import geometry, line_latlngs, polygon_latlngs
from geokursk.maps.text import number, text

__all__ = ["LAYER_NAMES", "ReferenceData", "load_rivers", "reference_specs"]

#: The reference layers, in the order of the layer control.
LAYER_NAMES = (
    "Oblasts and raions",
    "Rivers",
    "Towns and villages (gazetteer)",
    "Russia–Ukraine border",
)
_MAX_ZOOM = 18
# How far around the claims (degrees) each kind of reference is drawn.
_MARGIN = {"outline": 4.0, "city": 4.0, "town": 1.5, "village": 0.6, "river": 4.0}
_SIMPLIFY_OUTLINE = 0.005
_SIMPLIFY_RIVER = 0.002


@dataclass(frozen=True)
class ReferenceData:
    """Frames the offline background is drawn from; any of them may be None.

    Attributes
    ----------
    admin1 : GeoDataFrame
        Oblasts, shaped like :func:`geokursk.boundaries.admin1_frame`
        (``iso_3166_2``, ``name_en``, ``country_code``, polygons).
    borders : GeoDataFrame
        State borders (``pair`` such as ``RU-UA``, lines).
    raions : GeoDataFrame
        Raion polygons (``name:en``).
    rivers : GeoDataFrame
        River lines (``name``, may be empty).
    settlements : DataFrame
        ``name``, ``name_latin``, ``feature_code``, ``lat``, ``lon``,
        ``population`` (None when unknown).
    districts : DataFrame
        District points (``name_latin``, ``lat``, ``lon``), labelled where no
        raion outline covers them.
    """

    admin1: gpd.GeoDataFrame | None = None
    borders: gpd.GeoDataFrame | None = None
    raions: gpd.GeoDataFrame | None = None
    rivers: gpd.GeoDataFrame | None = None
    settlements: pd.DataFrame | None = None
    districts: pd.DataFrame | None = None


def load_rivers() -> gpd.GeoDataFrame:
    """Return the shipped rivers (``data/rivers/rivers.geojson``: GSHHG WDBII, LGPL-3.0+)."""
    path = resources.files("geokursk") / "data" / "rivers" / "rivers.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    return gpd.GeoDataFrame.from_features(doc["features"], crs="EPSG:4326")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    values = [frame.iloc[:, i].tolist() for i in range(len(columns))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    crs = getattr(frame, "crs", None)
    if crs is not None and not crs.equals("EPSG:4326"):
        return frame.to_crs("EPSG:4326")
    return frame


def _is_ru_ua(pair: object) -> bool:
    parts = set(re.split(r"[^A-Z]+", text(pair).upper()))
    return {"RU", "UA"} <= parts or {"RUSSIA", "UKRAINE"} <= parts


def settlement_rank(feature_code: object, population: object) -> tuple[str, int]:
    """(kind, first zoom its label shows at) of a settlement.

    Examples
    --------
    >>> settlement_rank("PPLA", 449_556), settlement_rank("PPLA2", 6_940)
    (('city', 4), ('town', 8))
    >>> settlement_rank("PPL", 500), settlement_rank("PPL", None)
    (('village', 11), ('village', 12))
    """
    code = text(feature_code)
    pop = number(population) or 0.0
    if code in ("PPLC", "PPLA") or pop >= 200_000:
        return "city", 4
    if pop >= 50_000:
        return "city", 6
    if pop >= 20_000:
        return "town", 7
    if code in ("PPLA2", "PPLA3") or pop >= 5_000:
        return "town", 8
    if pop >= 1_000:
        return "village", 10
    if pop > 0:
        return "village", 11
    return "village", 12


def _near(window: BaseGeometry | None, margin: float) -> BaseGeometry | None:
    if window is None:
        return None
    return shapely.box(*window.bounds).buffer(margin, join_style="mitre")


def _label_point(geom: BaseGeometry) -> tuple[float, float]:
    point = geom.representative_point()
    return point.y, point.x  # [lat, lon]


def _areas(
    data: ReferenceData, window: BaseGeometry | None
) -> tuple[dict[str, Any] | None, list[BaseGeometry]]:
    shapes: list[dict[str, Any]] = []
    labels: list[list[Any]] = []
    extent: list[BaseGeometry] = []
    near = _near(window, _MARGIN["outline"])
    if data.admin1 is not None and len(data.admin1):
        for row in _records(_wgs84(data.admin1)):
            geom = geometry(row.get("geometry"))
            if geom is None or (near is not None and not near.intersects(geom)):
                continue
            latlngs = polygon_latlngs(geom, simplify=_SIMPLIFY_OUTLINE)
            if latlngs is None:
                continue
            extent.append(geom)
            shapes.append({"ll": latlngs, "k": "oblast"})
            name = text(row.get("name_en")) or text(row.get("iso_3166_2"))
            word = "REGION" if text(row.get("country_code")) == "BY" else "OBLAST"
            label = name.upper() if name.upper().endswith(word) else f"{name.upper()} {word}"
            labels.append([*_label_point(geom), label, "oblast", 5, 9])
    raion_geoms: list[BaseGeometry] = []
    if data.raions is not None and len(data.raions):
        for row in _records(_wgs84(data.raions)):
            geom = geometry(row.get("geometry"))
            if geom is None or (near is not None and not near.intersects(geom)):
                continue
            latlngs = polygon_latlngs(geom, simplify=_SIMPLIFY_OUTLINE)
            if latlngs is None:
                continue
            raion_geoms.append(geom)
            shapes.append({"ll": latlngs, "k": "raion"})
            name = text(row.get("name:en")) or text(row.get("name"))
            labels.append([*_label_point(geom), name, "raion", 8, 11])
    if data.districts is not None and len(data.districts):
        seen = set()
        for row in _records(data.districts):
            lat, lon = number(row.get("lat")), number(row.get("lon"))
            name = text(row.get("name_latin"))
            if lat is None or lon is None or not name or name in seen:
                continue
            point = shapely.Point(lon, lat)  # (x=lon, y=lat)
            if near is not None and not near.intersects(point):
                continue
            if any(g.intersects(point) for g in raion_geoms):
                continue  # the raion's outline is labelled already
            seen.add(name)
            labels.append([round(lat, 4), round(lon, 4), name, "raion", 8, 11])
    if not shapes and not labels:
        return None, extent
    return {"kind": "polygon", "shapes": shapes, "labels": _rounded(labels)}, extent


def _rounded(labels: list[list[Any]]) -> list[list[Any]]:
    return [[round(lab[0], 4), round(lab[1], 4), *lab[2:]] for lab in labels]


def _rivers(data: ReferenceData, window: BaseGeometry | None) -> dict[str, Any] | None:
    if data.rivers is None or not len(data.rivers):
        return None
    near = _near(window, _MARGIN["river"])
    shapes, labels = [], []
    for row in _records(_wgs84(data.rivers)):
        geom = geometry(row.get("geometry"))
        if geom is None or (near is not None and not near.intersects(geom)):
            continue
        latlngs = line_latlngs(geom, simplify=_SIMPLIFY_RIVER)
        if latlngs is None:
            continue
        shapes.append({"ll": latlngs, "k": "river"})
        name = text(row.get("name"))
        if name:
            point = geom.interpolate(0.5, normalized=True)
            labels.append([point.y, point.x, name, "river", 8, _MAX_ZOOM])
    if not shapes:
        return None
    return {"kind": "line", "shapes": shapes, "labels": _rounded(labels)}


def _settlements(data: ReferenceData, window: BaseGeometry | None) -> dict[str, Any] | None:
    if data.settlements is None or not len(data.settlements):
        return None
    nears = {kind: _near(window, _MARGIN[kind]) for kind in ("city", "town", "village")}
    ranked = []
    for row in _records(data.settlements):
        lat, lon = number(row.get("lat")), number(row.get("lon"))
        name = text(row.get("name_latin")) or text(row.get("name"))
        if lat is None or lon is None or not name:
            continue
        kind, zoom = settlement_rank(row.get("feature_code"), row.get("population"))
        near = nears[kind]
        if near is not None and not near.intersects(shapely.Point(lon, lat)):
            continue
        ranked.append((zoom, -(number(row.get("population")) or 0.0), name, lat, lon, kind))
    ranked.sort()
    labels = [[lat, lon, name, kind, zoom, _MAX_ZOOM] for zoom, _, name, lat, lon, kind in ranked]
    if not labels:
        return None
    return {"kind": "points", "shapes": [], "labels": _rounded(labels)}


def _border(data: ReferenceData) -> dict[str, Any] | None:
    if data.borders is None or not len(data.borders):
        return None
    borders = _wgs84(data.borders)
    if "pair" in borders:
        borders = borders[borders["pair"].map(_is_ru_ua)]
    if "segment" in borders:
        # Only the internationally recognised land border: Natural Earth's
        # de-facto lines (e.g. around Crimea) are not "the border".
        borders = borders[borders["segment"].map(lambda s: text(s) in ("", "land border"))]
    shapes = []
    for row in _records(borders):
        geom = geometry(row.get("geometry"))
        latlngs = line_latlngs(geom) if geom is not None else None
        if latlngs is not None:
            shapes.append({"ll": latlngs, "k": "border"})
    if not shapes:
        return None
    return {"kind": "line", "shapes": shapes, "labels": []}


def reference_specs(
    data: ReferenceData, view: Sequence[BaseGeometry]
) -> tuple[list[tuple[str, dict[str, Any]]], list[BaseGeometry]]:
    """Specs of the reference layers around ``view`` (everything when it is empty).

    Returns
    -------
    specs : list of (layer name, spec)
        In :data:`LAYER_NAMES` order; layers without data are left out.
    extent : list of shapely geometries
        The oblasts drawn (the first view when there are no claims).
    """
    window = shapely.box(*shapely.total_bounds(list(view))) if len(view) else None
    areas, extent = _areas(data, window)
    specs = [
        (LAYER_NAMES[0], areas),
        (LAYER_NAMES[1], _rivers(data, window)),
        (LAYER_NAMES[2], _settlements(data, window)),
        (LAYER_NAMES[3], _border(data)),
    ]
    return [(name, spec) for name, spec in specs if spec is not None], extent
