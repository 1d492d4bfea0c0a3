"""Claims and places made into the compact features the browser runtime draws.

:func:`build_layers` groups everything drawable by (side, claimant). A
feature is a small dict: ``k`` kind (``m`` marker of a resolved place, ``u``
place of unknown location, ``a`` outline: a claim's area, region or country,
or a country-level place), ``ll`` Leaflet latlngs, ``s`` status, ``c`` claim
id, ``i`` place index (-1: the whole claim), ``t`` tooltip HTML, ``d`` date
key, ``l`` the place's label; markers also carry ``r`` radius in px, ``e``
uncertainty radius in metres (drawn as a circle) or ``n`` (1: a region or
country place whose extent is not drawn). Each claim carries ``h`` (its
popup HTML), ``p`` (one HTML section per place), ``e`` (its line in a list of
claims) and ``x`` (plain values for the download).

This is the only module where (lon, lat) becomes Leaflet's [lat, lon].
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from geokursk.maps import popups
from geokursk.maps.text import date_key, number, text

__all__ = ["build_layers", "latlng", "line_latlngs", "polygon_latlngs", "polygonal"]

# Uncertainty circles are drawn for places located to a settlement or district;
# region- and country-level places are drawn as their outline instead.
AREA_PRECISIONS = frozenset({"region", "country"})

_BASE_RADIUS_PX = 7
_RING_STEP_PX = 4
_MAX_RINGS = 6
_COORD_DIGITS = 5
SIMPLIFY_DEG = 0.002
_COUNTRY_SIMPLIFY_DEG = 0.02

PlaceArea = Callable[[str], BaseGeometry | None]


def latlng(lon: float, lat: float) -> list[float]:
    """Leaflet's ``[lat, lon]`` of a GeoJSON/shapely ``(x=lon, y=lat)``."""
    return [round(lat, _COORD_DIGITS), round(lon, _COORD_DIGITS)]


def _ring(ring: BaseGeometry) -> list[list[float]]:
    # (x=lon, y=lat) columns swapped into Leaflet's [lat, lon].
    xy = shapely.get_coordinates(ring).round(_COORD_DIGITS)
    result: list[list[float]] = xy[:, ::-1].tolist()
    return result


def polygon_latlngs(
    geom: BaseGeometry, *, simplify: float | None = SIMPLIFY_DEG
) -> list[Any] | None:
    """Leaflet latlngs of a (multi)polygon, simplified for display."""
    if simplify:
        geom = geom.simplify(simplify, preserve_topology=True)
    out = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        out.append([_ring(poly.exterior)] + [_ring(r) for r in poly.interiors])
    if not out:
        return None
    return out[0] if len(out) == 1 else out


def line_latlngs(geom: BaseGeometry, *, simplify: float = SIMPLIFY_DEG / 4) -> list[Any] | None:
    """Leaflet latlngs of a (multi)line."""
    geom = geom.simplify(simplify, preserve_topology=True)
    lines = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString"]
    return [_ring(g) for g in lines if not g.is_empty] or None


def geometry(value: object) -> BaseGeometry | None:
    """Return a non-empty shapely geometry, or None."""
    if isinstance(value, BaseGeometry) and not value.is_empty:
        return value
    return None


def polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Return the (multi)polygon part of a claim geometry, or ``None``.

    Country-level claims come as GeometryCollections of country polygons (and
    sometimes a stray line); their polygons are the claim's honest extent.
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if parts:
            return parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return None


def _xy(point: BaseGeometry) -> tuple[float, float]:
    x, y = shapely.get_coordinates(point)[0].tolist()
    return x, y


def _anchor_point(geom: BaseGeometry | None) -> tuple[float, float] | None:
    """(lon, lat) where unresolved places of a claim are drawn."""
    if geom is None or geom.is_empty:
        return None
    point = geom if geom.geom_type == "Point" else geom.centroid
    if geom.geom_type != "Point" and not geom.contains(point):
        point = geom.representative_point()
    return _xy(point)


def layer_key(claim: Mapping[str, Any]) -> tuple[str, str]:
    """(side label, claimant): one overlay each."""
    return (popups.side_label(claim.get("side")), text(claim.get("claimant")) or "unknown")


def _statement_key(claim: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """Claims with the same claimant, outlet and claim date come from one statement."""
    who, day = text(claim.get("claimant")), date_key(claim.get("claim_date"))
    if not who or not day:
        return None
    return (who, text(claim.get("outlet")), day)


def _statement_areas(
    claims: Sequence[Mapping[str, Any]],
) -> dict[tuple[str, str, str], list[tuple[str, BaseGeometry]]]:
    """Located claims by statement: where a sibling claim without a location is drawn."""
    out: dict[tuple[str, str, str], list[tuple[str, BaseGeometry]]] = defaultdict(list)
    for claim in claims:
        key = _statement_key(claim)
        geom = geometry(claim.get("geometry"))
        # Region- and country-wide claims say nothing about where in them.
        if key and geom is not None and text(claim.get("extent")) not in AREA_PRECISIONS:
            out[key].append((text(claim.get("claim_id")), geom))
    return out


def _spot(place: Mapping[str, Any]) -> tuple[float, float]:
    xy = place.get("_xy")
    if xy is not None:
        lon, lat = xy
        return (round(lat, 4), round(lon, 4))
    return (round(number(place.get("lat")) or 0.0, 4), round(number(place.get("lon")) or 0.0, 4))


def _place_xy(place: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lon, lat) of a resolved place, or None."""
    if text(place.get("geocode_status")) != "resolved":
        return None
    if place.get("_xy"):
        lon, lat = place["_xy"]
        return lon, lat
    lat, lon = number(place.get("lat")), number(place.get("lon"))
    if lat is None or lon is None:
        return None
    return lon, lat


def build_layers(
    claims: list[dict[str, Any]],
    places: list[dict[str, Any]],
    *,
    place_area: PlaceArea | None = None,
) -> tuple[dict[tuple[str, str], dict[str, Any]], list[dict[str, Any]], list[BaseGeometry]]:
    """Group drawable features by (side, claimant); collect the claims with no place.

    Parameters
    ----------
    claims, places : list of dict
        Rows of the claims and claim-places frames (places may carry ``_xy``,
        their point as (lon, lat)).
    place_area : callable, optional
        ``place_area(place_id)`` gives the outline of a country-level place
        (so "Russia" is drawn as Russia, not as a point in Siberia).

    Returns
    -------
    layers : dict
        ``{(side, claimant): {"side", "claimant", "claims", "features", "n"}}``.
    unlocated : list of dict
        Claims drawn nowhere (``c`` id, ``d`` date key, ``s`` status, ``l`` HTML).
    view : list of shapely geometries
        What the first view should show: settlement-level places and areas.
    """
    by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for place in places:
        by_claim[text(place.get("claim_id"))].append(place)
    known = {text(c.get("claim_id")) for c in claims}
    # Place rows whose claim is missing from the claims frame are still drawn,
    # with the claim fields the places frame carries.
    for cid, rows in by_claim.items():
        if cid not in known:
            claims.append(
                {k: rows[0].get(k) for k in ("claim_id", "claimant", "side", "claim_status")}
            )
    index = {text(c.get("claim_id")): c for c in claims}
    statements = _statement_areas(claims)

    def outline_of(place: Mapping[str, Any]) -> BaseGeometry | None:
        if place_area is None or text(place.get("precision")) != "country":
            return None
        pid = text(place.get("place_id"))
        return polygonal(place_area(pid)) if pid else None

    # Markers at one spot become concentric rings; a click there lists them all.
    spots: Counter[tuple[float, float]] = Counter()
    for place in places:
        if _place_xy(place) is not None and text(place.get("precision")) != "country":
            spots[_spot(place)] += 1
    seen: Counter[tuple[float, float]] = Counter()
    filled: set[bytes] = {b""}
    anchors: dict[str, tuple[float, float] | None] = {}

    layers: dict[tuple[str, str], dict[str, Any]] = {}
    unlocated: list[dict[str, Any]] = []
    view: list[BaseGeometry] = []
    view_xy: list[tuple[float, float]] = []  # (x=lon, y=lat)
    ordered = sorted(
        claims,
        key=lambda c: (*layer_key(c), date_key(c.get("claim_date")), text(c.get("claim_id"))),
    )
    for claim in ordered:
        cid = text(claim.get("claim_id"))
        rows = by_claim.get(cid, [])
        key = layer_key(claim)
        layer = layers.setdefault(
            key, {"side": key[0], "claimant": key[1], "claims": {}, "features": [], "n": 0}
        )
        status = popups.status_key(claim.get("claim_status"))
        day = date_key(claim.get("claim_date")) or date_key(claim.get("published"))
        claim_geom = geometry(claim.get("geometry"))
        claim_area = polygonal(claim_geom)
        sections: list[str] = []
        features: list[dict[str, Any]] = []
        drawn: list[tuple[float, float]] = []
        unresolved: list[int] = []

        def area_feature(area: BaseGeometry, i: int, names: str, extent: str) -> None:
            # Called within this iteration only: the loop variables are current.
            simplify = _COUNTRY_SIMPLIFY_DEG if extent == "country" else None
            latlngs = polygon_latlngs(area, simplify=simplify)
            if latlngs is None:
                return
            # Many claims name the same region: fill its outline once, or a
            # hundred translucent fills stack up to an opaque one.
            wkb = area.wkb if extent in AREA_PRECISIONS else b""
            fill = wkb not in filled
            filled.add(wkb)
            feature = {
                "k": "a",
                "ll": latlngs,
                "s": status,  # noqa: B023
                "c": cid,  # noqa: B023
                "i": i,
                "x": "gk-region" if extent in AREA_PRECISIONS else "gk-area",
                **({} if fill else {"o": 1}),
                "t": popups.area_tooltip(extent, names, claim),  # noqa: B023
                "d": day,  # noqa: B023
            }
            features.insert(0, feature)  # under the markers of the same claim  # noqa: B023
            if extent not in AREA_PRECISIONS:
                view.append(area)

        for i, place in enumerate(rows):
            xy = _place_xy(place)
            if xy is None:
                unresolved.append(i)
                sections.append("")
                continue
            lon, lat = xy
            precision = text(place.get("precision"))
            label = popups.latin(place)
            outline = outline_of(place)
            if outline is not None:
                # A country is drawn as its outline, never as a point in it.
                area_feature(outline, i, label, "country")
                sections.append(popups.place_html(place))
                continue
            point = shapely.Point(lon, lat)
            if precision == "country" and claim_area is not None and claim_area.intersects(point):
                # The claim's own outline (drawn below) is the country.
                sections.append(popups.place_html(place))
                continue
            spot = _spot(place)
            n_here = spots[spot]
            ring = max(0, min(n_here, _MAX_RINGS) - 1 - min(seen[spot], _MAX_RINGS - 1))
            seen[spot] += 1
            drawn.append((lon, lat))
            marker: dict[str, Any] = {
                "k": "m",
                "ll": latlng(lon, lat),
                "r": _BASE_RADIUS_PX + _RING_STEP_PX * ring,
                "s": status,
                "c": cid,
                "i": i,
                "d": day,
                "l": label,
            }
            note = ""
            if precision in AREA_PRECISIONS:
                # A region or country is drawn as its polygon (the claim's
                # area), never as a circle hundreds of km wide; without a
                # polygon around it, its extent is not drawn at all.
                if claim_area is None or not claim_area.intersects(point):
                    marker["n"] = 1
                    note = f"extent not drawn: {precision}-level place without an outline"
            else:
                radius = number(place.get("uncertainty_m"))
                if radius and radius > 0:
                    marker["e"] = round(radius)
                view_xy.append((lon, lat))
            marker["t"] = popups.tooltip(place, claim, n_here, note=note)
            sections.append(popups.place_html(place, note=note))
            features.append(marker)
        if claim_area is not None:
            extent = text(claim.get("extent")) or "area"
            names = ", ".join(text(p.get("place")) for p in rows) or extent
            area_feature(claim_area, -1, names, extent)
        anchor = _anchor_point(claim_area if claim_area is not None else claim_geom)
        drawn_at = "Drawn at the centre of the claim's area."
        if anchor is None and drawn:
            anchor = _anchor_point(shapely.MultiPoint(drawn))
            drawn_at = "Drawn at the centre of the claim's resolved places."
        statement = _statement_key(claim) if anchor is None and unresolved else None
        if statement is not None and statements.get(statement):
            # This claim has no location (so it is not among the located ones).
            sibling, area = statements[statement][0]
            anchor = anchors.get(sibling) or anchors.setdefault(sibling, _anchor_point(area))
            drawn_at = (
                f"Drawn at the area of claim {sibling} of the same statement "
                "(same claimant, outlet and date)."
            )
        for i in unresolved:
            sections[i] = popups.place_html(rows[i], drawn_at=drawn_at if anchor else "")
            if anchor is not None:
                features.append(
                    {
                        "k": "u",
                        "ll": latlng(*anchor),
                        "s": status,
                        "c": cid,
                        "i": i,
                        "t": popups.tooltip(rows[i], claim, 1),
                        "d": day,
                        "l": text(rows[i].get("place")),
                    }
                )
        layer["claims"][cid] = {
            "h": popups.claim_html(claim, rows, index),
            "p": sections,
            "e": popups.entry_html(claim),
            "x": popups.export_record(claim, rows),
            "k": day,
        }
        layer["n"] += 1
        if features:
            layer["features"].extend(features)
        else:
            unlocated.append({"c": cid, "d": day, "s": status, "l": popups.unlocated_html(claim)})
    if view_xy:
        view.extend(shapely.points(view_xy).tolist())
    return layers, unlocated, view
