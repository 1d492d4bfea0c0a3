"""Work with geocoded places: tables, homonyms, distances, admin-1 polygons.

The geocoder answers one name at a time; analyses need frames.  This module
turns results into frames and measures them:

:func:`geocode_table`
    Geocode a column of a table (e.g. a CSV), each row with its own context,
    keeping the other columns (a thin wrapper of :func:`geokursk.geocode_frame`).
:func:`mentions_frame`
    The place mentions of :func:`geokursk.extract.extract_article` as a frame.
:func:`alternatives_frame`
    The candidates the geocoder rejected for each name, and why.
:func:`distance_matrix_km`, :func:`distance_to_border_km`
    Distances between places and to a state border, in a metric CRS
    (:func:`local_metric_crs`).
:func:`join_admin1`
    The admin-1 polygon (oblast) each place lies in.

Rows that did not resolve keep their place in every frame, with an empty
geometry and NaN distances: "not found" is a result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from geokursk.errors import GeokurskError, InvalidQueryError
from geokursk.gazetteer import SourcePoint
from geokursk.geocode import Geocoder, GeocodeResult, haversine_km, results_frame

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    import pyproj

__all__ = [
    "MAX_LOCAL_EXTENT_KM",
    "AnalysisError",
    "alternatives_frame",
    "distance_matrix_km",
    "distance_to_border_km",
    "geocode_table",
    "join_admin1",
    "local_metric_crs",
    "mentions_frame",
    "sources_frame",
]

#: Largest distance (km) from the centre of the data to a corner of its
#: bounding box for which :func:`local_metric_crs` is used.  Within 1,000 km an
#: azimuthal equidistant projection keeps distances within about 0.4 %
#: (exact along lines through the centre).
MAX_LOCAL_EXTENT_KM = 1000.0


class AnalysisError(GeokurskError, ValueError):
    """An analysis cannot be run on the data given (no geometry, no CRS, bad column...)."""


class _MentionLike(Protocol):
    """What :func:`mentions_frame` reads from a :class:`geokursk.extract.PlaceMention`."""

    mention: str
    start: int
    end: int
    sentence: int
    relation: str
    evidence: str
    result: GeocodeResult
    context: str | None

    @property
    def precision(self) -> str: ...

    @property
    def is_area(self) -> bool: ...


# --- frames of results ---------------------------------------------------------------


def geocode_table(
    table: pd.DataFrame,
    *,
    name: str = "name",
    context: str | None = None,
    together: bool = False,
    progress: bool = False,
    geocoder: Geocoder | None = None,
) -> gpd.GeoDataFrame:
    """Geocode a column of a table, each row with its own context, keeping every column.

    A thin wrapper of :func:`geokursk.tables.geocode_frame` (``geokursk.geocode_frame``):
    ``geocode_frame(table[name], context=table[context])`` with the table's
    own columns in front.

    Parameters
    ----------
    table : pandas.DataFrame
        One place name per row, e.g. read from a CSV.
    name : str, default "name"
        Column holding the names (Latin or Cyrillic, any spelling).
    context : str, optional
        Column holding free-text context per row ("Kursk region", "Sumy
        Oblast, Ukraine", "Беларусь"...); blank cells mean no context.
    together, progress : bool, default False
        As in :func:`geokursk.tables.geocode_frame`.
    geocoder : Geocoder, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the input's rows in order with its index, its columns
        first, then the columns of :func:`geokursk.tables.geocode_frame`
        (``query``, ``context``, ``status``, ``name``, ..., ``alternatives``).
        An input column whose name is also a result column is kept with the
        suffix ``_input``.  Blank names are ``empty`` rows with no geometry.

    Raises
    ------
    AnalysisError
        ``name`` or ``context`` is not a column of ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"place": ["Суджа", "Kurilovka", ""],
    ...                   "where": ["Курская область", "Stavropol Krai", None]})
    >>> geocode_table(t, name="place", context="where")["status"].tolist()
    ['resolved', 'unresolved', 'empty']
    """
    from geokursk.tables import geocode_frame, join_input

    for role, col in (("name", name), ("context", context)):
        if col is not None and col not in table.columns:
            raise AnalysisError(
                f"{role} column {col!r} is not in the table; columns are {list(table.columns)!r}"
            )
    found = geocode_frame(
        table[name],
        context=table[context] if context is not None else None,
        together=together,
        progress=progress,
        geocoder=geocoder,
    )
    return join_input(table, found)


def mentions_frame(mentions: Sequence[_MentionLike]) -> gpd.GeoDataFrame:
    """Tabulate place mentions found in a text, with how each was resolved.

    Parameters
    ----------
    mentions : sequence of geokursk.extract.PlaceMention
        E.g. ``extract_article(text).places``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per mention in text order: ``mention`` (as
        written), ``start``, ``end``, ``sentence``, ``relation`` ("near",
        "in the area of"...), ``precision`` ("settlement",
        "near_settlement", "region", "country"...), ``is_area``,
        ``evidence`` (why the words were taken as a place name),
        ``context`` (what the geocoder was told), ``n_alternatives``, then
        the columns of :func:`geokursk.geocode.results_frame`.  Unresolved
        mentions keep their row with an empty geometry.

    Examples
    --------
    >>> from geokursk.extract import extract_article
    >>> ex = extract_article("Fighting was reported near the village of Martynovka.")
    >>> mentions_frame(ex.places)[["mention", "relation", "status"]].values.tolist()
    [['Martynovka', 'near', 'ambiguous']]
    >>> len(mentions_frame([]))
    0
    """
    import geopandas as gpd
    import pandas as pd

    found = results_frame([m.result for m in mentions])
    front = pd.DataFrame(
        {
            "mention": [m.mention for m in mentions],
            "start": pd.Series([m.start for m in mentions], dtype="int64"),
            "end": pd.Series([m.end for m in mentions], dtype="int64"),
            "sentence": pd.Series([m.sentence for m in mentions], dtype="int64"),
            "relation": [m.relation for m in mentions],
            "precision": [m.precision for m in mentions],
            "is_area": pd.Series([m.is_area for m in mentions], dtype="bool"),
            "evidence": [m.evidence for m in mentions],
            "context": [m.context for m in mentions],
            "n_alternatives": pd.Series(
                [len(m.result.alternatives) for m in mentions], dtype="int64"
            ),
        }
    )
    combined = pd.concat([front, pd.DataFrame(found)], axis=1)
    return gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")


def alternatives_frame(results: GeocodeResult | Iterable[GeocodeResult]) -> gpd.GeoDataFrame:
    """List the candidates each query did not get, best first, and why.

    Parameters
    ----------
    results : GeocodeResult or iterable of GeocodeResult
        Results of :meth:`Geocoder.geocode` / :meth:`Geocoder.geocode_many`
        (or ``mention.result`` of extracted mentions).  Repeated results of
        one query are listed once.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per (query, alternative): ``query``, ``status``
        of the query, ``answer`` (Latin name of the chosen place, None unless
        resolved), ``rank`` (1 = best rejected), ``name``, ``name_latin``,
        ``id``, ``source``, ``quality`` (a build flag such as ``outside-admin1``
        keeps a row from ever being the answer), ``feature_code``,
        ``country_code``, ``admin1``, ``admin2``, ``lat``, ``lon``,
        ``score``, ``reason`` (why it lost: "outside context region ...",
        "flagged by gazetteer build ..."), ``km_from_answer`` (great-circle
        distance to the chosen place; NaN unless resolved) and ``geometry``.

    Examples
    --------
    >>> gc = Geocoder()
    >>> alts = alternatives_frame(gc.geocode("Martynovka", context="Kursk region"))
    >>> bool((alts["km_from_answer"] > 500).any())   # namesakes far away
    True
    >>> len(alternatives_frame([]))
    0
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    if isinstance(results, GeocodeResult):
        results = [results]
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for r in results:
        if (r.query, r.context) in seen:
            continue
        seen.add((r.query, r.context))
        chosen = r.place if r.status == "resolved" else None
        for rank, alt in enumerate(r.alternatives, start=1):
            p = alt.place
            rows.append(
                {
                    "query": r.query,
                    "status": r.status,
                    "answer": chosen.name_latin if chosen is not None else None,
                    "rank": rank,
                    "name": p.name,
                    "name_latin": p.name_latin,
                    "id": p.id,
                    "source": p.source,
                    "quality": p.quality,
                    "feature_code": p.feature_code,
                    "country_code": p.country_code,
                    "admin1": p.admin1,
                    "admin2": p.admin2,
                    "lat": p.lat,
                    "lon": p.lon,
                    "score": round(alt.score, 1),
                    "reason": alt.reason,
                    "km_from_answer": (
                        haversine_km(chosen.lat, chosen.lon, p.lat, p.lon)
                        if chosen is not None
                        else math.nan
                    ),
                }
            )
    columns = [
        "query",
        "status",
        "answer",
        "rank",
        "name",
        "name_latin",
        "id",
        "source",
        "quality",
        "feature_code",
        "country_code",
        "admin1",
        "admin2",
        "lat",
        "lon",
        "score",
        "reason",
        "km_from_answer",
    ]
    df = pd.DataFrame(rows, columns=columns)
    for col in ("lat", "lon", "score", "km_from_answer"):
        df[col] = df[col].astype(float)
    df["rank"] = df["rank"].astype("int64")
    # shapely points are (x=lon, y=lat)
    geoms = [Point(row["lon"], row["lat"]) for row in rows]
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def sources_frame(results: GeocodeResult | Iterable[GeocodeResult]) -> gpd.GeoDataFrame:
    """List where each source puts each resolved place, and which point was used.

    A place of the stacked gazetteer merges the rows of every layer that
    knows it (a register, postal codes, Wikipedia...); this frame shows them.

    Parameters
    ----------
    results : GeocodeResult or iterable of GeocodeResult
        Unresolved and ambiguous results contribute no rows.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per (query, source point): ``query``, ``answer``
        (Latin name), ``layer``, ``source``, ``id`` (the row in its layer),
        ``quality`` (that row's own flags), ``chosen`` (the point the answer
        uses), ``km`` (distance from that point), ``lat``, ``lon`` and
        ``geometry``.  A place known to one source only has one row.

    Examples
    --------
    >>> gc = Geocoder()
    >>> src = sources_frame(gc.geocode("Guevo", context="Kursk region"))
    >>> int(src["chosen"].sum())
    1
    >>> len(sources_frame([]))
    0
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    if isinstance(results, GeocodeResult):
        results = [results]
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for r in results:
        p = r.place
        if r.status != "resolved" or p is None or (r.query, r.context) in seen:
            continue
        seen.add((r.query, r.context))
        points = p.sources or (
            SourcePoint(p.id, p.layer, p.source, p.lat, p.lon, p.quality, 0.0, True),
        )
        for s in points:
            rows.append(
                {
                    "query": r.query,
                    "answer": p.name_latin,
                    "layer": s.layer,
                    "source": s.source,
                    "id": s.id,
                    "quality": s.quality,
                    "chosen": s.chosen,
                    "km": s.km,
                    "lat": s.lat,
                    "lon": s.lon,
                }
            )
    columns = ["query", "answer", "layer", "source", "id", "quality", "chosen", "km", "lat", "lon"]
    df = pd.DataFrame(rows, columns=columns)
    for col in ("km", "lat", "lon"):
        df[col] = df[col].astype(float)
    df["chosen"] = df["chosen"].astype(bool)
    # shapely points are (x=lon, y=lat)
    geoms = [Point(row["lon"], row["lat"]) for row in rows]
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


# --- distances ---------------------------------------------------------------------------


def local_metric_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    """Return a metric CRS centred on the data, for measuring distances in metres.

    An azimuthal equidistant projection (WGS84 datum) centred on the middle
    of the data's bounding box: distances from the centre are exact and
    other distances within a few hundred km are off by less than 0.1 %.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or GeoSeries
        Geometries with a CRS; empty geometries are ignored.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    AnalysisError
        No geometry, no CRS, or the data spread more than
        :data:`MAX_LOCAL_EXTENT_KM` from their centre (pass an explicit
        ``crs`` to the distance functions, or measure groups separately).

    Examples
    --------
    >>> gdf = Geocoder().geocode_frame(["Sudzha", "Kursk"], context="Kursk region")
    >>> local_metric_crs(gdf).coordinate_operation.method_name
    'Azimuthal Equidistant'
    """
    import pyproj

    geoms = _wgs84_geometries(frame)
    if geoms.empty:
        raise AnalysisError(
            "no geometry to centre a metric CRS on: every row is empty (unresolved?); "
            "resolve some places first or pass crs= explicitly"
        )
    minx, miny, maxx, maxy = geoms.total_bounds
    lat0, lon0 = (miny + maxy) / 2, (minx + maxx) / 2
    extent = max(haversine_km(lat0, lon0, y, x) for x in (minx, maxx) for y in (miny, maxy))
    if extent > MAX_LOCAL_EXTENT_KM:
        raise AnalysisError(
            f"the places spread {extent:,.0f} km from their centre, more than "
            f"MAX_LOCAL_EXTENT_KM={MAX_LOCAL_EXTENT_KM:,.0f}: a local metric CRS would distort "
            "distances; measure nearby groups separately or pass crs= explicitly"
        )
    return pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +datum=WGS84 +units=m +no_defs"
    )


def distance_matrix_km(
    frame: gpd.GeoDataFrame,
    *,
    label: str | None = None,
    crs: Any = None,
) -> pd.DataFrame:
    """Distances in km between every pair of places, measured in a metric CRS.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Places with a CRS (e.g. from :meth:`Geocoder.geocode_frame`).
    label : str, optional
        Column whose values label the rows and columns; the index by default.
    crs : optional
        A projected CRS in metres; defaults to :func:`local_metric_crs`.

    Returns
    -------
    pandas.DataFrame
        Square, symmetric, zero on the diagonal; rows and columns of places
        without a geometry are NaN.

    Raises
    ------
    AnalysisError
        ``label`` is not a column, the frame has no CRS, or no metric CRS
        fits the data (see :func:`local_metric_crs`).

    Examples
    --------
    >>> gdf = Geocoder().geocode_frame(["Sudzha", "Nowhere-on-earth"], context="Kursk region")
    >>> distance_matrix_km(gdf, label="query").round(1).values.tolist()
    [[0.0, nan], [nan, nan]]
    """
    import numpy as np
    import pandas as pd

    labels = _labels(frame, label)
    metric = crs if crs is not None else local_metric_crs(frame)
    pts = _geometries(frame).to_crs(metric)
    # Use a representative point so that polygons (regions) measure from inside.
    empty = (pts.isna() | pts.is_empty).to_numpy()
    xs = np.full(len(pts), np.nan)
    ys = np.full(len(pts), np.nan)
    rep = pts[~empty].representative_point()
    xs[~empty] = rep.x.to_numpy()
    ys[~empty] = rep.y.to_numpy()
    d = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :]) / 1000.0
    return pd.DataFrame(d, index=pd.Index(labels), columns=pd.Index(labels))


def distance_to_border_km(
    frame: gpd.GeoDataFrame,
    *,
    pair: str = "RU-UA",
    borders: gpd.GeoDataFrame | None = None,
    land_only: bool = True,
    crs: Any = None,
) -> pd.Series:
    """Shortest distance in km from each place to a state border line.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Places with a CRS.
    pair : str, default "RU-UA"
        The border, by ISO codes or English names in any order ("UA-RU",
        "Russia-Ukraine").
    borders : geopandas.GeoDataFrame, optional
        Border lines with a ``pair`` column (and optionally ``segment``);
        defaults to :func:`geokursk.boundaries.border_lines_frame`.
    land_only : bool, default True
        Keep only segments marked ``land border``: Natural Earth also draws a
        de-facto Crimea/Kherson line, which is not the state border.
    crs : optional
        A projected CRS in metres; defaults to :func:`local_metric_crs` of
        ``frame``.

    Returns
    -------
    pandas.Series
        Named ``border_km``, indexed like ``frame``; NaN where a place has
        no geometry.  The shipped lines are 1:10m (a few km off near
        villages): read the values to about +/- 3 km, and do not use them to
        decide on which side a place lies.

    Raises
    ------
    AnalysisError
        ``pair`` matches no line (the valid pairs are listed), the frame has
        no CRS, or no metric CRS fits.

    Examples
    --------
    >>> gdf = Geocoder().geocode_frame(["Sudzha"], context="Kursk region")
    >>> bool(distance_to_border_km(gdf).iloc[0] < 20)
    True
    >>> distance_to_border_km(gdf, pair="RU-PL")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geokursk.analysis.AnalysisError: no border line for pair 'RU-PL' ...; choose one of [...]
    """
    import pandas as pd

    from geokursk.boundaries import border_lines

    try:
        lines = border_lines(pair, borders=borders, land_only=land_only)
    except InvalidQueryError as exc:
        raise AnalysisError(str(exc)) from None
    metric = crs if crs is not None else local_metric_crs(frame)
    line = lines.geometry.to_crs(metric).union_all()
    pts = _geometries(frame).to_crs(metric)
    empty = pts.isna() | pts.is_empty
    km = pts.distance(line) / 1000.0
    km[empty] = float("nan")
    return pd.Series(km.to_numpy(dtype=float), index=frame.index, name="border_km")


# --- polygons ------------------------------------------------------------------------------


def join_admin1(
    frame: gpd.GeoDataFrame,
    *,
    admin1: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Add the admin-1 polygon (oblast, region) each place lies in.

    A spatial join that keeps every input row, in order: places outside
    every polygon, or without a geometry, get missing values.  Compare the
    result with the gazetteer's own ``admin1`` column to catch doubtful
    coordinates.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Places with a CRS.  A polygon is placed by its representative point.
    admin1 : geopandas.GeoDataFrame, optional
        Polygons with ``id``, ``display`` and ``country_code`` columns;
        defaults to :func:`geokursk.boundaries.admin1_frame` (Ukraine,
        Belarus and western Russia only).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``frame`` with ``in_admin1_id`` (``ne:RU-KRS``),
        ``in_admin1`` ("Kursk Oblast") and ``in_admin1_country`` ("RU").

    Raises
    ------
    AnalysisError
        The frame has no CRS or ``admin1`` lacks a column.

    Examples
    --------
    >>> gdf = Geocoder().geocode_frame(["Суджа"], context="Курская область")
    >>> join_admin1(gdf)["in_admin1"].tolist()
    ['Kursk Oblast']
    """
    import geopandas as gpd
    import numpy as np

    if admin1 is None:
        from geokursk.boundaries import admin1_frame

        admin1 = admin1_frame()
    missing = [c for c in ("id", "display", "country_code") if c not in admin1.columns]
    if missing:
        raise AnalysisError(
            f"the admin1 frame lacks column(s) {missing!r}; it has {list(admin1.columns)!r}"
        )
    geoms = _geometries(frame)
    empty = (geoms.isna() | geoms.is_empty).to_numpy()
    positions = np.flatnonzero(~empty)
    points = gpd.GeoDataFrame(
        {"_pos": positions},
        geometry=gpd.GeoSeries(geoms[~empty].representative_point().to_numpy(), crs=geoms.crs),
    )
    polygons = admin1[["id", "display", "country_code", "geometry"]].to_crs(geoms.crs)
    joined = gpd.sjoin(points, polygons, how="left", predicate="intersects")
    # A point on a shared boundary touches two polygons: keep the first.
    joined = joined.drop_duplicates("_pos", keep="first").set_index("_pos")
    out = frame.copy()
    for src, dst in (
        ("id", "in_admin1_id"),
        ("display", "in_admin1"),
        ("country_code", "in_admin1_country"),
    ):
        values = np.full(len(frame), None, dtype=object)
        hits = joined[src]
        values[hits.index.to_numpy()] = hits.to_numpy()
        out[dst] = values
    return out


# --- helpers ---------------------------------------------------------------------------------


def _geometries(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    import geopandas as gpd

    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    if geoms.crs is None:
        raise AnalysisError(
            "the frame has no CRS; set one first, e.g. frame.set_crs('EPSG:4326') "
            "for longitude/latitude"
        )
    return geoms


def _wgs84_geometries(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    geoms = _geometries(frame).to_crs("EPSG:4326")
    return geoms[~(geoms.isna() | geoms.is_empty)]


def _labels(frame: gpd.GeoDataFrame, label: str | None) -> list[Any]:
    if label is None:
        return list(frame.index)
    if label not in frame.columns:
        raise AnalysisError(
            f"label column {label!r} is not in the frame; columns are {list(frame.columns)!r}"
        )
    return list(frame[label])
