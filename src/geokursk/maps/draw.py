"""``claims_map``: the claims frames drawn as an interactive folium map.

It composes the elements of :mod:`geokursk.maps.elements` and returns the
map; it does not save or print anything (see :func:`geokursk.save_map`).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
import xyzservices
from folium import plugins
from shapely.geometry.base import BaseGeometry

from geokursk.errors import ClaimsValidationError
from geokursk.maps import elements, features, popups
from geokursk.maps.provenance import MapProvenance, frame_provenance
from geokursk.maps.reference import ReferenceData, load_rivers, reference_specs
from geokursk.maps.text import escape

__all__ = ["CLAIM_STATUSES", "claims_map", "default_reference"]

#: Claim statuses drawn with their own style, in legend order.
CLAIM_STATUSES: tuple[str, ...] = ("claimed", "corroborated", "disputed", "no_comment")

_REQUIRED_CLAIMS = ("claim_id", "claimant", "claim_status", "geometry")
_REQUIRED_PLACES = ("claim_id", "place", "geocode_status", "geometry")
_AUTO_CLUSTER_MARKERS = 1000
_CLUSTER_AREA_ZOOM = 10  # with clustering, multi-place areas are drawn from this zoom on
_AUTO_COMPRESS_FEATURES = 15_000
_FIRST_VIEW_MAX_ZOOM = 10
_NEAR_DEG = 3.0  # places this far from the middle of the claims are reached by zooming out
_DEFAULT_CENTER = (51.3, 35.2)  # between Kursk and Sumy; [lat, lon]
# The window of the default background (lon/lat): the front and its hinterland.
_WINDOW = (30.0, 48.0, 42.0, 54.5)


def _check_columns(frame: pd.DataFrame, required: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ClaimsValidationError(
            None,
            None,
            missing[0],
            f"{what} lacks column(s) {missing!r}; build it with geokursk.claims."
            f"{'claims_frame' if what == 'claims_gdf' else 'claim_places_frame'}() "
            f"(it has {sorted(map(str, frame.columns))!r})",
        )


def _to_wgs84(frame: pd.DataFrame) -> pd.DataFrame:
    crs = getattr(frame, "crs", None)
    if isinstance(frame, gpd.GeoDataFrame) and crs is not None and not crs.equals("EPSG:4326"):
        return frame.to_crs("EPSG:4326")
    return frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # Column lists zipped into dicts: several times faster than to_dict("records").
    columns = [str(c) for c in frame.columns]
    values = [frame.iloc[:, i].tolist() for i in range(len(columns))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


@functools.lru_cache(maxsize=1)
def default_reference() -> ReferenceData:
    """Return the shipped background: oblasts, raions, rivers, the border, the gazetteer's towns.

    Settlements and district points come from the default geocoder's gazetteer
    (flagged rows left out), within 30-42° E, 48-54.5° N.
    """
    from geokursk import boundaries  # imported lazily: it loads the shipped geodata
    from geokursk.gazetteer import SOFT_FLAGS
    from geokursk.geocode import default_geocoder

    gaz = default_geocoder().gazetteer
    west, south, east, north = _WINDOW
    columns = ("name", "name_latin", "feature_code", "lat", "lon", "population", "quality")
    rows = [
        r
        for r in gaz.settlements(columns)
        if west <= float(r[4]) <= east  # type: ignore[arg-type]
        and south <= float(r[3]) <= north  # type: ignore[arg-type]
        and all(f in SOFT_FLAGS for f in str(r[6]).split(",") if f and f != "ok")
    ]
    settlements = pd.DataFrame(rows, columns=list(columns))
    districts = pd.DataFrame(
        [
            (a.place.name_latin, a.place.lat, a.place.lon)
            for a in gaz.areas()
            if a.level == "admin2"
            and west <= a.place.lon <= east
            and south <= a.place.lat <= north
            and a.place.country_code in ("RU", "UA", "BY")
        ],
        columns=["name_latin", "lat", "lon"],
    ).drop_duplicates("name_latin")
    return ReferenceData(
        admin1=boundaries.admin1_frame(),
        borders=boundaries.border_lines_frame(),
        raions=boundaries.raions_frame(),
        rivers=load_rivers(),
        settlements=settlements,
        districts=districts,
    )


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, BaseGeometry]:
    from geokursk import boundaries

    frame = boundaries.countries_frame()
    return {f"country:{iso}": geom for iso, geom in zip(frame.iso_a2, frame.geometry, strict=True)}


def _place_area(place_id: str) -> BaseGeometry | None:
    """Return the outline of a country-level place (``country:RU``), if we ship one."""
    if not place_id.startswith("country:"):
        return None
    return _countries().get(place_id)


def _default_tiles(carto_api_key: str | None) -> list[xyzservices.TileProvider]:
    providers = xyzservices.providers
    tiles = [providers.OpenStreetMap.Mapnik]
    positron = providers.CartoDB.Positron
    if carto_api_key:
        tiles.append(positron(apikey=carto_api_key))
    elif not positron.requires_token():
        tiles.append(positron)
    # else: recent xyzservices marks CARTO as needing a key; a layer whose URL
    # says "<insert your API key here>" would only show broken tiles.
    tiles.append(providers.Esri.WorldImagery)
    return tiles


def _first_view(view: list[BaseGeometry]) -> list[BaseGeometry]:
    """Return the claims' own places, without the far-away ones (Pyongyang, Kathmandu)."""
    if not view:
        return view
    points = shapely.centroid(view)
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    mid_x, mid_y = float(sorted(xs)[len(xs) // 2]), float(sorted(ys)[len(ys) // 2])
    near = shapely.box(mid_x - _NEAR_DEG, mid_y - _NEAR_DEG, mid_x + _NEAR_DEG, mid_y + _NEAR_DEG)
    return [g for g, ok in zip(view, shapely.intersects(view, near), strict=True) if ok]


def _bounds(geoms: Sequence[BaseGeometry]) -> list[list[float]] | None:
    if not geoms:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(list(geoms))
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return None
    # Leaflet bounds are [[south, west], [north, east]], i.e. [lat, lon] pairs.
    return [features.latlng(float(minx), float(miny)), features.latlng(float(maxx), float(maxy))]


def _legend_html(counts: Counter[str], *, cluster: bool) -> str:
    statuses = [
        {
            "key": key,
            "label": popups.STATUS_STYLE[key]["label"],
            "color": popups.STATUS_STYLE[key]["color"],
            "dash": popups.STATUS_STYLE[key]["dash"],
            "n": counts.get(key, 0),
        }
        for key in (*CLAIM_STATUSES, "other")
        if key != "other" or counts.get(key)
    ]
    return popups.render(
        "legend.html", statuses=statuses, cluster=cluster, area_zoom=_CLUSTER_AREA_ZOOM
    )


def claims_map(
    claims_gdf: gpd.GeoDataFrame,
    places_gdf: gpd.GeoDataFrame,
    *,
    reference: bool = True,
    reference_data: ReferenceData | None = None,
    tiles: Sequence[xyzservices.TileProvider] | None = None,
    carto_api_key: str | None = None,
    cluster: bool | None = None,
    compress: bool | None = None,
    title: str | None = None,
    provenance: MapProvenance | None = None,
) -> folium.Map:
    """Draw claims and their places as an interactive folium map that works offline.

    Parameters
    ----------
    claims_gdf : geopandas.GeoDataFrame
        One row per claim, as built by ``geokursk.claims.claims_frame``. Only
        ``claim_id``, ``claimant``, ``claim_status`` and ``geometry`` are
        required; every other column of that frame is shown when present.
    places_gdf : geopandas.GeoDataFrame
        One row per claim-place link, as built by
        ``geokursk.claims.claim_places_frame``; ``claim_id``, ``place``,
        ``geocode_status`` and ``geometry`` are required.
    reference : bool, default True
        Draw the offline background: oblast and raion outlines, rivers, the
        gazetteer's towns and villages (labelled by importance for the zoom)
        and the Russia–Ukraine border.
    reference_data : ReferenceData, optional
        The frames of that background (default: :func:`default_reference`).
    tiles : sequence of xyzservices.TileProvider, optional
        Tile layers offered in the layer control (never shown by default:
        they need a network). Defaults to OpenStreetMap, CartoDB Positron
        and Esri WorldImagery.
    carto_api_key : str, optional
        CARTO now asks for a key; without one the default tiles leave
        Positron out.
    cluster : bool, optional
        Group nearby markers into clusters; ``None`` clusters above 1,000 markers.
    compress : bool, optional
        Embed the claims data gzipped; ``None`` compresses above 15,000 features.
    title : str, optional
        Shown at the top of the map and in the page's ``<title>`` (default
        "Claims map"), followed by the provenance.
    provenance : MapProvenance, optional
        The dataset, its SHA-256, the gazetteer layers and the version
        (:func:`geokursk.maps.map_provenance`); by default a digest of the frames.

    Returns
    -------
    folium.Map
        The map; save it with :func:`geokursk.mapexport.save_map`.

    Raises
    ------
    geokursk.errors.ClaimsValidationError
        If a frame lacks a required column.

    Notes
    -----
    Nothing is dropped: a place that did not resolve becomes a "?" marker at
    its claim's area, a claim with no place at all is listed in the panel of
    claims with no place on the map. A click where several claims are drawn
    lists them all. A country-level place is drawn as its outline.

    Examples
    --------
    >>> from geokursk.claims import load_claims, claims_frame, claim_places_frame
    >>> claims = load_claims(None)                          # doctest: +SKIP
    >>> m = claims_map(claims_frame(claims), claim_places_frame(claims))  # doctest: +SKIP
    """
    _check_columns(claims_gdf, _REQUIRED_CLAIMS, "claims_gdf")
    _check_columns(places_gdf, _REQUIRED_PLACES, "places_gdf")
    if provenance is None:
        provenance = frame_provenance(claims_gdf, places_gdf)
    claims_gdf = _to_wgs84(claims_gdf)
    claims = _records(claims_gdf)
    # Simplify all claim polygons at once (vectorised); points are unchanged.
    simplified = shapely.simplify(
        [features.geometry(c.get("geometry")) for c in claims],
        features.SIMPLIFY_DEG,
        preserve_topology=True,
    )
    for claim, geom in zip(claims, simplified, strict=True):
        claim["geometry"] = geom
    places_gdf = _to_wgs84(places_gdf)
    places = _records(places_gdf)
    # Point coordinates for all places at once (vectorised): (x=lon, y=lat).
    geoms = [features.geometry(g) for g in places_gdf.geometry]
    points = [g if g is not None and g.geom_type == "Point" else None for g in geoms]
    xs, ys = shapely.get_x(points), shapely.get_y(points)
    for place, point, x, y in zip(places, points, xs.tolist(), ys.tolist(), strict=True):
        place["_xy"] = (x, y) if point is not None else None
    layers, unlocated, view = features.build_layers(claims, places, place_area=_place_area)
    view = _first_view(view)

    ref_specs: list[tuple[str, dict[str, Any]]] = []
    ref_extent: list[BaseGeometry] = []
    if reference:
        data = reference_data if reference_data is not None else default_reference()
        ref_specs, ref_extent = reference_specs(data, view)

    n_features = sum(len(spec["features"]) for spec in layers.values())
    n_markers = sum(f["k"] != "a" for spec in layers.values() for f in spec["features"])
    if cluster is None:
        cluster = n_markers > _AUTO_CLUSTER_MARKERS
    if compress is None:
        compress = n_features > _AUTO_COMPRESS_FEATURES
    bounds = _bounds(view) or _bounds(ref_extent) or _bounds(list(_all_geoms(claims)))
    center = _DEFAULT_CENTER
    if bounds is not None:
        center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
    m = folium.Map(location=list(center), zoom_start=8, tiles=None, control_scale=True)
    # Only Leaflet is needed: folium's Bootstrap, jQuery and awesome-markers
    # assets are left out (they cannot be inlined offline).
    m.default_js = [pair for pair in m.default_js if pair[0] == "leaflet"]
    m.default_css = [pair for pair in m.default_css if pair[0] == "leaflet_css"]
    heading = title or "Claims map"
    page_title = escape(f"{heading} — {provenance.title_suffix()}")
    m.get_root().title = page_title  # type: ignore[attr-defined]
    elements.ProvenanceData(provenance.to_dict()).add_to(m)

    # The offline background is the default base layer; tiles are an option.
    elements.BlankBaseLayer("No tiles (offline background)", show=True).add_to(m)
    for provider in tiles if tiles is not None else _default_tiles(carto_api_key):
        folium.TileLayer(provider, name=escape(provider.name), show=False).add_to(m)

    statuses = Counter(popups.status_key(c.get("claim_status")) for c in claims)
    if cluster:
        elements.ClusterAssets().add_to(m)
    elements.Runtime(
        {
            "styles": {
                k: {"color": v["color"], "dash": v["dash"]} for k, v in popups.STATUS_STYLE.items()
            },
            "cluster": bool(cluster),
            "areaZoom": _CLUSTER_AREA_ZOOM,
            "view": {"bounds": bounds, "maxZoom": _FIRST_VIEW_MAX_ZOOM},
        }
    ).add_to(m)
    for name, spec in ref_specs:
        elements.ReferenceLayer(escape(name), spec).add_to(m)
    for (side, claimant), spec in sorted(layers.items()):
        name = popups.layer_name(side, claimant, spec["n"])
        elements.ClaimsLayer(name, spec, compress=compress).add_to(m)

    elements.RuntimeCall(
        "addTitle",
        {
            "html": popups.render(
                "title.html", title=heading, provenance=provenance, credits=_credits(ref_specs)
            )
        },
        name="Title",
    ).add_to(m)
    plugins.Fullscreen(
        position="topleft", title="Full screen", title_cancel="Exit full screen"
    ).add_to(m)
    plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit="meters",
        primary_area_unit="sqkilometers",
        secondary_area_unit="hectares",
    ).add_to(m)
    if unlocated:  # before the filter, which also filters this list by date
        elements.RuntimeCall(
            "addUnlocatedPanel", {"entries": unlocated}, name="UnlocatedPanel"
        ).add_to(m)
    elements.RuntimeCall("addFilterControl", {}, name="FilterControl").add_to(m)
    elements.RuntimeCall(
        "addLegend", {"html": _legend_html(statuses, cluster=bool(cluster))}, name="Legend"
    ).add_to(m)
    elements.RuntimeCall("addDownload", {}, name="Download").add_to(m)
    elements.OfflineMiniMap(
        position="bottomright", width=140, height=140, zoom_level_offset=-4, toggle_display=True
    ).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)  # always last
    return m


def _credits(specs: list[tuple[str, dict[str, Any]]]) -> str:
    names = {name for name, _ in specs}
    parts = []
    if "Oblasts and raions" in names or "Russia–Ukraine border" in names:
        parts.append("Natural Earth; raions © OpenStreetMap contributors (ODbL)")
    if "Rivers" in names:
        parts.append("rivers GSHHG WDBII (LGPL-3.0-or-later)")
    if "Towns and villages (gazetteer)" in names:
        parts.append("towns from the geokursk gazetteer")
    return "; ".join(parts)


def _all_geoms(claims: Sequence[dict[str, Any]]) -> list[BaseGeometry]:
    return [g for g in (features.geometry(c.get("geometry")) for c in claims) if g is not None]
