r"""Write GeoDataFrames to GeoJSON, GeoPackage, CSV and GeoParquet — atomically, reproducibly.

Every writer renders into a temporary file in the destination folder and moves
it into place with :func:`os.replace`, so readers never see a half-written
file; on failure the temporary file is removed and
:class:`geokursk.errors.ExportError` is raised.

The same frame always gives the same bytes:

* GeoJSON is written by us: keys sorted, coordinates rounded to 7 decimals
  (about 1 cm), polygons oriented per RFC 7946, no timestamps.
* CSV has a fixed column order, ``\n`` line endings and geometry as WKT with
  7 decimals (or ``lat``/``lon`` columns).
* GeoPackage is written by GDAL through pyogrio. GDAL stamps the
  ``gpkg_contents.last_change`` column with the current time; we pin it with
  the ``OGR_CURRENT_DATE`` configuration option (:data:`GPKG_TIMESTAMP`),
  which makes repeated exports byte-identical.
* GeoParquet is written by geopandas through pyarrow (WKB geometry, GeoParquet
  metadata); it carries no timestamps, so the same frame and library versions
  give the same bytes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geokursk.atomic import write_atomic as _write_atomic
from geokursk.atomic import write_text_atomic
from geokursk.errors import ExportError

__all__ = [
    "FORMATS",
    "GPKG_TIMESTAMP",
    "export_frame",
    "frame_to_geojson",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_parquet",
    "write_text_atomic",
]

#: Output formats by file suffix.
FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".csv": "csv",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
}

#: Value of GDAL's ``OGR_CURRENT_DATE`` while writing GeoPackages, so that
#: ``gpkg_contents.last_change`` does not vary between runs.
GPKG_TIMESTAMP = "2000-01-01T00:00:00.000Z"

_DECIMALS = 7


def export_frame(
    frame: gpd.GeoDataFrame,
    path: str | Path,
    *,
    layer: str | None = None,
    csv_geometry: Literal["wkt", "latlon"] = "wkt",
) -> Path:
    """Write a frame in the format given by the file suffix.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Reprojected to EPSG:4326 if it has another CRS.
    path : str or Path
        ``.geojson`` / ``.json``, ``.gpkg``, ``.csv`` or ``.parquet`` /
        ``.geoparquet``.
    layer : str, optional
        GeoPackage layer name (default: the file stem).
    csv_geometry : {"wkt", "latlon"}, default "wkt"
        How CSV output carries geometry (see :func:`write_csv`).

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    geokursk.errors.ExportError
        For an unknown suffix or when writing fails; nothing partial is left.

    Examples
    --------
    >>> export_frame(frame, "claims.xlsx")  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    geokursk.errors.ExportError: cannot export to 'claims.xlsx': unknown format '.xlsx'; ...
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt == "geojson":
        return write_geojson(frame, path)
    if fmt == "gpkg":
        return write_gpkg(frame, path, layer=layer)
    if fmt == "csv":
        return write_csv(frame, path, geometry=csv_geometry)
    if fmt == "parquet":
        return write_parquet(frame, path)
    raise ExportError(
        f"cannot export to {str(path)!r}: unknown format {path.suffix!r}; use one of "
        + ", ".join(sorted(FORMATS))
    )


def frame_to_geojson(frame: gpd.GeoDataFrame) -> str:
    """Render a frame as a deterministic GeoJSON FeatureCollection (RFC 7946).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame

    Returns
    -------
    str
        JSON text with sorted keys and a trailing newline. Missing values
        (``None``, NaN) become ``null``; empty or missing geometries become
        ``"geometry": null``.
    """
    frame = _to_wgs84(frame)
    geom_col = frame.geometry.name
    columns = [c for c in frame.columns if c != geom_col]
    features = []
    for row, geom in zip(
        frame[columns].itertuples(index=False, name=None), frame.geometry, strict=True
    ):
        props = {col: _plain(value) for col, value in zip(columns, row, strict=True)}
        features.append({"type": "Feature", "properties": props, "geometry": _geometry(geom)})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n"


def write_geojson(frame: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write :func:`frame_to_geojson` output atomically; returns the path."""
    return write_text_atomic(frame_to_geojson(frame), path)


def write_csv(
    frame: gpd.GeoDataFrame,
    path: str | Path,
    *,
    geometry: Literal["wkt", "latlon"] = "wkt",
) -> Path:
    """Write a frame as UTF-8 CSV atomically.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
    path : str or Path
    geometry : {"wkt", "latlon"}, default "wkt"
        ``"wkt"``: a ``geometry`` column in WKT (7 decimals, empty for missing).
        ``"latlon"``: no geometry column; ``lat`` and ``lon`` columns (the point
        itself, or the representative point of a polygon); a ``lat`` or
        ``lon`` column the frame already has is kept as it is.

    Returns
    -------
    Path
    """
    frame = _to_wgs84(frame)
    geom_col = frame.geometry.name
    table = pd.DataFrame(frame.drop(columns=geom_col))
    geoms = frame.geometry.array
    if geometry == "wkt":
        wkt = shapely.to_wkt(geoms, rounding_precision=_DECIMALS, trim=True)
        table[geom_col] = [
            w if w is not None and w != "GEOMETRYCOLLECTION EMPTY" else "" for w in wkt
        ]
    elif geometry == "latlon":
        points = [
            None
            if g is None or g.is_empty
            else (g if g.geom_type == "Point" else g.representative_point())
            for g in geoms
        ]
        # Data model order is lat, lon: y is the latitude. Existing columns win.
        if "lat" not in table.columns:
            table["lat"] = [round(p.y, _DECIMALS) if p is not None else math.nan for p in points]
        if "lon" not in table.columns:
            table["lon"] = [round(p.x, _DECIMALS) if p is not None else math.nan for p in points]
    else:
        raise ExportError(f"csv geometry must be 'wkt' or 'latlon', got {geometry!r}")
    text = table.to_csv(index=False, lineterminator="\n", float_format=f"%.{_DECIMALS}g")
    return write_text_atomic(text, path)


def write_gpkg(frame: gpd.GeoDataFrame, path: str | Path, *, layer: str | None = None) -> Path:
    """Write a frame as a single-layer GeoPackage atomically (pyogrio engine).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
    path : str or Path
    layer : str, optional
        Layer name; defaults to the file stem.

    Returns
    -------
    Path

    Notes
    -----
    ``OGR_CURRENT_DATE`` is set to :data:`GPKG_TIMESTAMP` for the duration of
    the write (and restored afterwards) so the file is byte-identical across
    runs.
    """
    path = Path(path)
    frame = _to_wgs84(frame)
    layer_name = layer or path.stem

    def write(tmp: Path) -> None:
        previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
        try:
            frame.to_file(tmp, driver="GPKG", engine="pyogrio", layer=layer_name)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})

    return _write_atomic(path, write)


def write_parquet(frame: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a frame as GeoParquet atomically (EPSG:4326, WKB geometry, no index).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
    path : str or Path

    Returns
    -------
    Path

    Examples
    --------
    >>> write_parquet(frame, "places.parquet")  # doctest: +SKIP
    >>> gpd.read_parquet("places.parquet")  # doctest: +SKIP
    """
    frame = _to_wgs84(frame)

    def write(tmp: Path) -> None:
        frame.to_parquet(tmp, index=False)

    return _write_atomic(path, write)


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ExportError(f"expected a GeoDataFrame, got {type(frame).__name__}")
    if frame.crs is None:
        if frame.geometry.notna().any() and not frame.geometry.is_empty.all():
            raise ExportError(
                "the frame has no CRS, so its coordinates cannot be written as longitude/"
                "latitude; set it first, e.g. frame.set_crs('EPSG:4326') for degrees or "
                "frame.set_crs(<its projection>)"
            )
        return frame
    if frame.crs.to_epsg() != 4326:
        return frame.to_crs("EPSG:4326")
    return frame


def _geometry(geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom)  # RFC 7946: exterior rings counter-clockwise
    out: dict[str, Any] = _round_coords(mapping(geom))
    return out


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_round_coords(v) for v in obj]
    if isinstance(obj, float):
        return _round(obj)
    return obj


def _round(value: float) -> float | int:
    rounded = round(value, _DECIMALS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def _plain(value: Any) -> Any:
    """Make a cell JSON-serialisable with a stable representation."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else _round(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
