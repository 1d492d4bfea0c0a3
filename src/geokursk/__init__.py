"""geokursk: offline geocoding, claims and maps for war reporting.

The public API is re-exported here.  Light modules (errors, normalisation,
gazetteer, geocoder) are imported eagerly so ``import geokursk`` plus a
first answer stays fast; modules that pull in geopandas or folium, and the
extraction pipeline (its word lists and patterns), are loaded on first
attribute access (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geokursk.errors import (
    ArgumentTypeError,
    ArticleError,
    ClaimsValidationError,
    ExportError,
    GazetteerError,
    GazetteerFormatError,
    GazetteerNotFoundError,
    GeokurskError,
    InvalidQueryError,
    LayerError,
    UsageError,
)
from geokursk.gazetteer import Gazetteer, Place, SourcePoint, default_gazetteer_path
from geokursk.geocode import (
    Alternative,
    AreaMention,
    Geocoder,
    GeocodeResult,
    default_geocoder,
    results_frame,
)
from geokursk.layers import (
    Layer,
    add_user_layer,
    layer_from_file,
    list_layers,
    read_layer,
    remove_user_layer,
    user_layer_dir,
)
from geokursk.normalize import fold, latin_forms, romanize, skeleton

__version__ = "0.1.0"

# name -> module that defines it, imported on first access
_LAZY: dict[str, str] = {
    "ClaimCandidate": "geokursk.extract",
    "DateMention": "geokursk.extract",
    "Extraction": "geokursk.extract",
    "FigureCandidate": "geokursk.extract",
    "PlaceMention": "geokursk.extract",
    "extract_article": "geokursk.extract",
    "read_article": "geokursk.extract",
    "build_gazetteer": "geokursk.build",
    "Claim": "geokursk.claims",
    "ClaimPlace": "geokursk.claims",
    "ClaimStatus": "geokursk.claims",
    "Figure": "geokursk.claims",
    "FigureKind": "geokursk.claims",
    "LocationPrecision": "geokursk.claims",
    "Qualifier": "geokursk.claims",
    "Relation": "geokursk.claims",
    "Response": "geokursk.claims",
    "ResponseKind": "geokursk.claims",
    "Side": "geokursk.claims",
    "Source": "geokursk.claims",
    "claim_places_frame": "geokursk.claims",
    "claims_frame": "geokursk.claims",
    "claims_to_records": "geokursk.claims",
    "dump_claims": "geokursk.claims",
    "load_claims": "geokursk.claims",
    "parse_claims": "geokursk.claims",
    "export_frame": "geokursk.export",
    "frame_to_geojson": "geokursk.export",
    "write_csv": "geokursk.export",
    "write_geojson": "geokursk.export",
    "write_gpkg": "geokursk.export",
    "AnalysisError": "geokursk.analysis",
    "alternatives_frame": "geokursk.analysis",
    "distance_matrix_km": "geokursk.analysis",
    "distance_to_border_km": "geokursk.analysis",
    "geocode_table": "geokursk.analysis",
    "join_admin1": "geokursk.analysis",
    "local_metric_crs": "geokursk.analysis",
    "mentions_frame": "geokursk.analysis",
    "sources_frame": "geokursk.analysis",
    "ArticleRef": "geokursk.batch",
    "BatchClusterError": "geokursk.batch",
    "BatchInputError": "geokursk.batch",
    "BatchSummary": "geokursk.batch",
    "batch_extract": "geokursk.batch",
    "find_articles": "geokursk.batch",
    "CLAIM_STATUSES": "geokursk.maps",
    "claims_map": "geokursk.maps",
    "map_provenance": "geokursk.maps",
    "MapProvenance": "geokursk.maps",
    "save_map": "geokursk.mapexport",
    "admin1_frame": "geokursk.boundaries",
    "border_lines_frame": "geokursk.boundaries",
    "countries_frame": "geokursk.boundaries",
    "geometry_for": "geokursk.boundaries",
    "raions_frame": "geokursk.boundaries",
    "border_lines": "geokursk.boundaries",
    "write_parquet": "geokursk.export",
    "geocode_file": "geokursk.tables",
    "reverse": "geokursk.reverse_geocode",
}

if TYPE_CHECKING:  # pragma: no cover
    from geokursk.analysis import (
        AnalysisError,
        alternatives_frame,
        distance_matrix_km,
        distance_to_border_km,
        geocode_table,
        join_admin1,
        local_metric_crs,
        mentions_frame,
    )
    from geokursk.batch import (
        ArticleRef,
        BatchClusterError,
        BatchInputError,
        BatchSummary,
        batch_extract,
        find_articles,
    )
    from geokursk.boundaries import (
        admin1_frame,
        border_lines,
        border_lines_frame,
        countries_frame,
        geometry_for,
        raions_frame,
    )
    from geokursk.build import build_gazetteer
    from geokursk.claims import (
        Claim,
        ClaimPlace,
        ClaimStatus,
        Figure,
        FigureKind,
        LocationPrecision,
        Qualifier,
        Relation,
        Response,
        ResponseKind,
        Side,
        Source,
        claim_places_frame,
        claims_frame,
        claims_to_records,
        dump_claims,
        load_claims,
        parse_claims,
    )
    from geokursk.export import (
        export_frame,
        frame_to_geojson,
        write_csv,
        write_geojson,
        write_gpkg,
        write_parquet,
    )
    from geokursk.extract import (
        ClaimCandidate,
        DateMention,
        Extraction,
        FigureCandidate,
        PlaceMention,
        extract_article,
        read_article,
    )
    from geokursk.mapexport import save_map
    from geokursk.maps import CLAIM_STATUSES, MapProvenance, claims_map, map_provenance
    from geokursk.reverse_geocode import reverse
    from geokursk.tables import geocode_file


def geocode(name: str, *, context: str | None = None) -> GeocodeResult:
    """Geocode one name with the default geocoder (see :meth:`Geocoder.geocode`).

    Examples
    --------
    >>> geocode("Vorobzha", context="Sudzha district, Kursk region").place.admin2
    'Sudzhansky District'
    >>> geocode("Vorobzha", context="Kursk region").status  # two villages in the region
    'ambiguous'
    """
    return default_geocoder().geocode(name, context=context)


def geocode_frame(
    strings: Any,
    *,
    context: Any = None,
    together: bool = False,
    progress: bool = False,
    geocoder: Geocoder | None = None,
) -> Any:
    """Geocode a list, array or Series of names into a GeoDataFrame (EPSG:4326).

    The front door for tables, shaped like ``geopandas.tools.geocode``; see
    :func:`geokursk.tables.geocode_frame`.  ``context`` is one string or a
    Series / list aligned with the names; the input's index and order are
    kept; empty cells give ``empty`` rows; repeated names are resolved once.

    Examples
    --------
    >>> geocode_frame(["Kupiansk", None], context="Kharkiv Oblast")["status"].tolist()
    ['resolved', 'empty']
    """
    from geokursk.tables import geocode_frame as _geocode_frame

    return _geocode_frame(
        strings, context=context, together=together, progress=progress, geocoder=geocoder
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geokursk' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CLAIM_STATUSES",
    "Alternative",
    "AnalysisError",
    "AreaMention",
    "ArgumentTypeError",
    "ArticleError",
    # lazily imported
    "ArticleRef",
    "BatchClusterError",
    "BatchInputError",
    "BatchSummary",
    "Claim",
    "ClaimCandidate",
    "ClaimPlace",
    "ClaimStatus",
    "ClaimsValidationError",
    "DateMention",
    "ExportError",
    "Extraction",
    "Figure",
    "FigureCandidate",
    "FigureKind",
    "Gazetteer",
    "GazetteerError",
    "GazetteerFormatError",
    "GazetteerNotFoundError",
    "GeocodeResult",
    "Geocoder",
    "GeokurskError",
    "InvalidQueryError",
    "Layer",
    "LayerError",
    "LocationPrecision",
    "MapProvenance",
    "Place",
    "PlaceMention",
    "Qualifier",
    "Relation",
    "Response",
    "ResponseKind",
    "Side",
    "Source",
    "SourcePoint",
    "UsageError",
    "__version__",
    "add_user_layer",
    "admin1_frame",
    "alternatives_frame",
    "batch_extract",
    "border_lines",
    "border_lines_frame",
    "build_gazetteer",
    "claim_places_frame",
    "claims_frame",
    "claims_map",
    "claims_to_records",
    "countries_frame",
    "default_gazetteer_path",
    "default_geocoder",
    "distance_matrix_km",
    "distance_to_border_km",
    "dump_claims",
    "export_frame",
    "extract_article",
    "find_articles",
    "fold",
    "frame_to_geojson",
    "geocode",
    "geocode_file",
    "geocode_frame",
    "geocode_table",
    "geometry_for",
    "join_admin1",
    "latin_forms",
    "layer_from_file",
    "list_layers",
    "load_claims",
    "local_metric_crs",
    "map_provenance",
    "mentions_frame",
    "parse_claims",
    "raions_frame",
    "read_article",
    "read_layer",
    "remove_user_layer",
    "results_frame",
    "reverse",
    "romanize",
    "save_map",
    "skeleton",
    "sources_frame",
    "user_layer_dir",
    "write_csv",
    "write_geojson",
    "write_gpkg",
    "write_parquet",
]
