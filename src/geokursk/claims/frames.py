"""Claims as GeoDataFrames.

Each claim's places geocoded (:func:`claim_places_frame`) and each claim with its
extent (:func:`claims_frame`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from geokursk.claims.geocoding import _geocode_claim, _resolve_geocoder, _ResultLike
from geokursk.claims.model import (
    Claim,
)
from geokursk.claims.records import (
    _figure_text,
    _iso,
    _json,
    _value,
)
from geokursk.claims.status import (
    _backlinks,
    _claim_statuses,
)
from geokursk.claims.vocabulary import (
    PRECISION_RADIUS_M,
    LocationPrecision,
)

__all__ = ["claim_places_frame", "claims_frame"]

# --- frames --------------------------------------------------------------------------


_PLACE_COLUMNS = [
    "claim_id",
    "claimant",
    "side",
    "claim_status",
    "place",
    "relation",
    "precision",
    "uncertainty_m",
    "geocode_status",
    "name",
    "name_latin",
    "name_ru",
    "name_uk",
    "admin1",
    "country_code",
    "lat",
    "lon",
    "score",
    "reason",
    "alternatives",
    "context",
    "place_id",
    "place_index",
    "reviewed",
]

_CLAIM_COLUMNS = [
    "claim_id",
    "claimant",
    "claimant_person",
    "side",
    "outlet",
    "channel",
    "claim_date",
    "claim_date_precision",
    "event_start",
    "event_end",
    "published",
    "original_published",
    "paraphrase",
    "key_phrases",
    "figures_text",
    "figures",
    "claim_status",
    "corroborated_by",
    "disputed_by",
    "responses",
    "extent",
    "n_places",
    "n_unresolved",
    "claimant_role",
    "event_start_precision",
    "event_end_precision",
    "source_outlet",
    "original_outlet",
    "corroborates",
    "disputes",
    "responds_to",
    "response_kind",
    "reviewed",
]


def claim_places_frame(claims: Sequence[Claim], *, geocoder: Any = None) -> gpd.GeoDataFrame:
    """One row per claim–place link, geocoded; unresolved places are kept.

    Parameters
    ----------
    claims : sequence of Claim
    geocoder : object with ``geocode_many(names, *, context=None)``, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``crs="EPSG:4326"``, columns as in ``ARCHITECTURE.md`` (``claim_id``,
        ``claimant``, ``side``, ``claim_status``, ``place``, ``relation``,
        ``precision``, ``uncertainty_m``, ``geocode_status``, matched names,
        ``lat``/``lon``, ``score``, ``reason``, ``alternatives`` as a JSON
        string) plus ``context``, ``place_id`` and ``place_index``. Geometry is
        a Point for resolved places and ``None`` otherwise, with ``lat``/``lon``
        NaN. Claims without places contribute no rows.

    Examples
    --------
    A place the gazetteer does not know stays as a row:

    >>> frame = claim_places_frame(load_claims())  # doctest: +SKIP
    >>> frame.loc[frame.place == "Kurilovka", ["geocode_status", "lat"]]  # doctest: +SKIP
       geocode_status  lat
    3      unresolved  NaN
    """
    gc = _resolve_geocoder(geocoder)
    statuses = _claim_statuses(claims)
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for claim in claims:
        for i, (cp, res) in enumerate(zip(claim.places, _geocode_claim(claim, gc), strict=True)):
            resolved = res.status == "resolved" and res.place is not None
            p = res.place if resolved else None
            rows.append(
                {
                    "claim_id": claim.id,
                    "claimant": claim.claimant,
                    "side": claim.side.value,
                    "claim_status": statuses[claim.id].value,
                    "reviewed": claim.reviewed,
                    "place": cp.name,
                    "relation": cp.relation.value,
                    "precision": cp.precision.value,
                    "uncertainty_m": PRECISION_RADIUS_M[cp.precision],
                    "geocode_status": str(res.status),
                    "name": p.name if p else None,
                    "name_latin": p.name_latin if p else None,
                    "name_ru": p.name_ru if p else None,
                    "name_uk": p.name_uk if p else None,
                    "admin1": p.admin1 if p else None,
                    "country_code": p.country_code if p else None,
                    "lat": float(p.lat) if p else math.nan,
                    "lon": float(p.lon) if p else math.nan,
                    "score": float(res.score),
                    "reason": res.reason,
                    "alternatives": _alternatives_json(res),
                    "context": cp.context,
                    "place_id": p.id if p else None,
                    "place_index": i,
                }
            )
            # Data model is (lat, lon); shapely wants x=lon, y=lat.
            geoms.append(Point(float(p.lon), float(p.lat)) if p else None)
    frame = pd.DataFrame(rows, columns=_PLACE_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))


def claims_frame(claims: Sequence[Claim], *, geocoder: Any = None) -> gpd.GeoDataFrame:
    """One row per claim, with the geometry of the area it is about.

    Parameters
    ----------
    claims : sequence of Claim
    geocoder : object with ``geocode_many(names, *, context=None)``, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`.

    Returns
    -------
    geopandas.GeoDataFrame
        ``crs="EPSG:4326"``, columns as in ``ARCHITECTURE.md`` (dates as ISO
        strings, list-valued columns as JSON strings) plus ``claimant_role``,
        ``event_start_precision``, ``event_end_precision``, ``source_outlet``,
        ``original_outlet``, ``corroborates``, ``disputes``, ``responds_to`` and
        ``response_kind``.

        ``extent`` and geometry come from the resolved places at the finest
        level present: one settlement -> ``"point"`` (a Point); several ->
        ``"area"`` (their convex hull buffered by the largest precision radius,
        computed in a local azimuthal equidistant projection); otherwise
        region polygons -> ``"region"``, country polygons -> ``"country"``; no
        resolved place -> ``"none"`` with geometry ``None``.

    Examples
    --------
    >>> frame = claims_frame(load_claims())  # doctest: +SKIP
    >>> frame.set_index("claim_id").loc["gur-dprk-losses", "extent"]  # doctest: +SKIP
    'area'
    """
    gc = _resolve_geocoder(geocoder)
    statuses = _claim_statuses(claims)
    backlinks = _backlinks(claims)
    rows: list[dict[str, Any]] = []
    geoms: list[BaseGeometry | None] = []
    for claim in claims:
        results = _geocode_claim(claim, gc)
        extent, geom = _claim_extent(claim, results)
        src = claim.source
        rows.append(
            {
                "claim_id": claim.id,
                "claimant": claim.claimant,
                "claimant_person": claim.claimant_person,
                "side": claim.side.value,
                "outlet": claim.outlet,
                "channel": claim.channel.value,
                "claim_date": _iso(claim.claim_date),
                "claim_date_precision": _value(claim.claim_date_precision),
                "event_start": _iso(claim.event_start),
                "event_end": _iso(claim.event_end),
                "published": src.published.isoformat(),
                "original_published": _iso(src.original_published),
                "paraphrase": claim.paraphrase,
                "key_phrases": _json(list(claim.key_phrases)),
                "figures_text": "; ".join(_figure_text(f) for f in claim.figures),
                "figures": _json([f.model_dump(mode="json") for f in claim.figures]),
                "claim_status": statuses[claim.id].value,
                "reviewed": claim.reviewed,
                "corroborated_by": _json(backlinks["corroborates"].get(claim.id, [])),
                "disputed_by": _json(backlinks["disputes"].get(claim.id, [])),
                "responses": _json(backlinks["responds_to"].get(claim.id, [])),
                "extent": extent,
                "n_places": len(claim.places),
                "n_unresolved": sum(r.status != "resolved" for r in results),
                "claimant_role": claim.claimant_role,
                "event_start_precision": _value(claim.event_start_precision),
                "event_end_precision": _value(claim.event_end_precision),
                "source_outlet": src.outlet,
                "original_outlet": src.original_outlet,
                "corroborates": _json(list(claim.corroborates)),
                "disputes": _json(list(claim.disputes)),
                "responds_to": _json(list(claim.responds_to)),
                "response_kind": claim.response.kind.value if claim.response else None,
            }
        )
        geoms.append(geom)
    frame = pd.DataFrame(rows, columns=_CLAIM_COLUMNS)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"))


def _claim_extent(claim: Claim, results: Sequence[_ResultLike]) -> tuple[str, BaseGeometry | None]:
    points: list[tuple[float, float, float]] = []  # (lon, lat, radius_m)
    regions: list[BaseGeometry] = []
    countries: list[BaseGeometry] = []
    for cp, res in zip(claim.places, results, strict=True):
        if res.status != "resolved" or res.place is None:
            continue
        place = res.place
        if not getattr(place, "is_area", False):
            points.append((float(place.lon), float(place.lat), PRECISION_RADIUS_M[cp.precision]))
            continue
        geom = _area_geometry(place)
        if geom is None or geom.is_empty:
            geom = Point(float(place.lon), float(place.lat))
        is_country = cp.precision is LocationPrecision.COUNTRY or str(
            place.feature_code
        ).startswith("PCL")
        (countries if is_country else regions).append(geom)
    if len(points) == 1:
        return "point", Point(points[0][0], points[0][1])
    if points:
        return "area", _buffered_hull(points)
    if regions:
        return "region", _union(regions)
    if countries:
        return "country", _union(countries)
    return "none", None


def _area_geometry(place: Any) -> BaseGeometry | None:
    """Polygon of a region or country place (indirection so tests can stub it)."""
    from geokursk.boundaries import geometry_for

    return geometry_for(place)


def _union(geoms: Sequence[BaseGeometry]) -> BaseGeometry:
    return geoms[0] if len(geoms) == 1 else unary_union(list(geoms))


def _buffered_hull(points: Sequence[tuple[float, float, float]]) -> BaseGeometry:
    lon0 = sum(p[0] for p in points) / len(points)
    lat0 = sum(p[1] for p in points) / len(points)
    # A local azimuthal equidistant projection keeps buffer radii true in
    # metres (Web Mercator would inflate them by ~1.6x at Kursk's latitude).
    local = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m"
    )
    to_local = _coords_transform(pyproj.Transformer.from_crs("EPSG:4326", local, always_xy=True))
    to_wgs = _coords_transform(pyproj.Transformer.from_crs(local, "EPSG:4326", always_xy=True))
    hull = shapely.transform(MultiPoint([(p[0], p[1]) for p in points]), to_local).convex_hull
    area = hull.buffer(max(p[2] for p in points))
    return shapely.set_precision(shapely.transform(area, to_wgs), 1e-7)


def _coords_transform(transformer: pyproj.Transformer) -> Callable[[NDArray[Any]], NDArray[Any]]:
    """Adapt a pyproj transformer to shapely's (N, 2) coordinate-array callback."""

    def apply(coords: NDArray[Any]) -> NDArray[Any]:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return apply


def _alternatives_json(result: _ResultLike) -> str:
    alts = []
    for alt in result.alternatives or ():
        place = alt.place
        alts.append(
            {
                "name": place.name,
                "lat": float(place.lat),
                "lon": float(place.lon),
                "admin1": place.admin1,
                "score": float(alt.score),
                "reason": alt.reason,
            }
        )
    return _json(alts)
