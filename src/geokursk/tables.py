"""Geocode a column of names: the one front door for tables.

:func:`geocode_frame` is shaped like :func:`geopandas.tools.geocode`: it takes
a list, an array or a pandas Series of place names and returns a
GeoDataFrame (EPSG:4326) with one row per input, in input order, with the
input's index.  Each row may carry its own context (a Series or list aligned
with the names).  What it promises:

* **Never raises on a cell.**  Empty, blank, NaN or None cells give a row
  with status ``empty``; a cell without letters ("123") is ``unresolved``
  with a reason; both have no geometry.
* **Rows are independent** by default: names in a table are usually not
  mentioned together, so they must not pull each other towards one cluster.
  ``together=True`` resolves the names of rows sharing a context jointly, as
  :meth:`geokursk.geocode.Geocoder.geocode_many` does for one text.
* **Each distinct (name, context) is resolved once**, however often it is
  repeated; the cells are stripped first.

:func:`geokursk.analysis.geocode_table` (a DataFrame with its other columns
kept) and :meth:`geokursk.geocode.Geocoder.geocode_frame` are thin wrappers of
it.  :func:`geocode_file` is the command-line form (``geokursk geocode --table``):
a CSV in, the same table with the geocoding columns added out, as CSV,
GeoJSON, GeoPackage or GeoParquet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geokursk.errors import InvalidQueryError, UsageError
from geokursk.geocode import Geocoder, GeocodeResult, default_geocoder, results_frame

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "EMPTY_REASON",
    "INPUT_SUFFIX",
    "TABLE_FORMATS",
    "geocode_file",
    "geocode_frame",
    "join_input",
    "read_table",
]

#: Added to an input column whose name is also a result column (``name`` -> ``name_input``).
INPUT_SUFFIX = "_input"

#: Input tables by suffix: field separator.
TABLE_FORMATS = {".csv": ",", ".tsv": "\t"}

#: Reason given for a row whose name cell is empty, blank, NaN or None.
EMPTY_REASON = "empty cell: no name to geocode"


def geocode_frame(
    strings: Iterable[Any],
    *,
    context: str | Iterable[Any] | None = None,
    together: bool = False,
    progress: bool = False,
    geocoder: Geocoder | None = None,
) -> gpd.GeoDataFrame:
    """Geocode a list, array or Series of place names into a GeoDataFrame.

    Parameters
    ----------
    strings : list, tuple, numpy array or pandas Series of str
        Place names in Latin or Cyrillic script, any common spelling.  A
        Series keeps its index in the result.  Missing values are allowed.
    context : str or list, array or Series of str, optional
        Free text naming areas ("Kursk region", "Sumy Oblast, Ukraine",
        "в Курской области").  One string applies to every row; a sequence
        of the same length, or a Series with the same index labels, gives
        each row its own context (blank cells mean none).
    together : bool, default False
        Resolve the names of rows sharing one context jointly, as names
        mentioned together in one text (candidates close to each other
        support each other).  Leave it off for tables of unrelated rows.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr) over the distinct names.
    geocoder : Geocoder, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per input in input order, indexed like the input
        (a Series' index; 0..n-1 otherwise).  Columns: ``query`` (the name
        as geocoded, stripped; None for an empty cell), ``context`` (the
        context used), ``status`` (``resolved``, ``ambiguous``,
        ``unresolved`` or ``empty``), then the columns of
        :func:`geokursk.geocode.results_frame` (``name``, ``name_latin``,
        ``name_cyrillic``, ..., ``lat``, ``lon``, ``score``, ``reason``,
        ``alternatives``) and ``geometry``: a Point when resolved, None
        otherwise.

    Raises
    ------
    geokursk.errors.InvalidQueryError
        The input is one string, a DataFrame, a set or not one-dimensional;
        or ``context`` is neither a string nor aligned with the names (its
        length or index labels differ: the message says which).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["Kupiansk", None, "Суджа", "Kupiansk"], index=[7, 8, 9, 10])
    >>> ctx = pd.Series(["Kharkiv Oblast", None, "Kursk region", "Kharkiv Oblast"], index=s.index)
    >>> gdf = geocode_frame(s, context=ctx)
    >>> gdf["status"].tolist(), list(gdf.index)
    (['resolved', 'empty', 'resolved', 'resolved'], [7, 8, 9, 10])
    >>> gdf.loc[9, "name_cyrillic"], gdf.loc[8, "reason"]
    ('Суджа', 'empty cell: no name to geocode')
    >>> geocode_frame("Sudzha")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    geokursk.errors.InvalidQueryError: give a list, array or Series of names, not one string ...
    """
    import pandas as pd

    names = _as_series(strings)
    contexts = _aligned_contexts(context, names)
    queries = [_cell(v) for v in names.to_numpy(dtype=object)]
    ctx_cells = [_cell(v) for v in contexts]
    gc = geocoder if geocoder is not None else default_geocoder()

    wanted = dict.fromkeys((q, c) for q, c in zip(queries, ctx_cells, strict=True) if q)
    resolved = _resolve(gc, list(wanted), together=together, progress=progress)
    results = [
        resolved[(q, c)] if q else GeocodeResult("", "empty", None, 0.0, EMPTY_REASON, (), c)
        for q, c in zip(queries, ctx_cells, strict=True)
    ]
    found = results_frame(results)
    found["query"] = pd.Series(queries, dtype=object)
    found.insert(1, "context", pd.Series(ctx_cells, dtype=object))
    found.index = names.index
    return found


def join_input(table: pd.DataFrame, results: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Put a table's own columns in front of its geocoding results, row by row.

    Parameters
    ----------
    table : pandas.DataFrame
        The input table.
    results : geopandas.GeoDataFrame
        :func:`geocode_frame` of one of its columns (same index).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; an input column whose name is also a result column is
        kept with the suffix :data:`INPUT_SUFFIX` (``name`` -> ``name_input``).
    """
    import geopandas as gpd
    import pandas as pd

    left = pd.DataFrame(table).rename(
        columns={c: f"{c}{INPUT_SUFFIX}" for c in table.columns if c in results.columns}
    )
    combined = pd.concat([left, pd.DataFrame(results)], axis=1)
    return gpd.GeoDataFrame(combined, geometry="geometry", crs="EPSG:4326")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV (or tab-separated) table with every cell as text, as it is in the file.

    Nothing is converted: ``007`` stays ``007``, an empty cell is ``""``; a
    UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (comma-separated) or ``.tsv`` (tab-separated), UTF-8, with a
        header row.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    geokursk.errors.UsageError
        The file does not exist, has another suffix, is not UTF-8, is empty
        or malformed (the message names the file and, from the CSV parser,
        the line).
    """
    import pandas as pd

    path = Path(path)
    sep = TABLE_FORMATS.get(path.suffix.lower())
    if sep is None:
        raise UsageError(
            f"{str(path)!r}: cannot read a {path.suffix or 'suffix-less'} file as a table; "
            f"give a {' or '.join(TABLE_FORMATS)} file (save spreadsheets as 'CSV UTF-8')"
        )
    if not path.is_file():
        raise UsageError(f"{str(path)!r}: no such table file")
    try:
        return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{str(path)!r}: not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'"
        ) from None
    except pd.errors.EmptyDataError:
        raise UsageError(
            f"{str(path)!r}: the file is empty; give a table with a header row"
        ) from None
    except pd.errors.ParserError as exc:
        raise UsageError(f"{str(path)!r}: malformed table: {str(exc).strip()}") from None


def geocode_file(
    path: str | Path,
    output: str | Path,
    *,
    column: str,
    context: str | None = None,
    context_column: str | None = None,
    together: bool = False,
    progress: bool = False,
    geocoder: Geocoder | None = None,
) -> gpd.GeoDataFrame:
    """Geocode one column of a CSV file and write the table with the results added.

    Parameters
    ----------
    path : str or Path
        The input table (see :func:`read_table`).
    output : str or Path
        Where to write; the format follows the suffix: ``.csv`` (with
        ``lat``/``lon`` columns), ``.geojson``, ``.gpkg``, ``.parquet`` /
        ``.geoparquet`` (see :func:`geokursk.export.export_frame`).  Written
        atomically.
    column : str
        The column of place names.
    context : str, optional
        One context for every row ("Kursk region").
    context_column : str, optional
        A column giving each row its context (blank cells: none).
    together, progress : bool, default False
        As in :func:`geocode_frame`.
    geocoder : Geocoder, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`.

    Returns
    -------
    geopandas.GeoDataFrame
        What was written: every input row, in order, with its columns first
        (a column whose name is also a result column gets the suffix
        ``_input``), then the columns of :func:`geocode_frame`.

    Raises
    ------
    geokursk.errors.UsageError
        Both ``context`` and ``context_column``; a column not in the table
        (the columns are listed); an unreadable table (:func:`read_table`).
    geokursk.errors.ExportError
        An unknown output suffix, or the write failed (nothing partial is left).
    """
    from geokursk.export import FORMATS, export_frame

    if context is not None and context_column is not None:
        raise UsageError("give one context for every row or a context column, not both")
    out = Path(output)
    if out.suffix.lower() not in FORMATS:
        raise UsageError(
            f"cannot write {str(out)!r}: unknown format {out.suffix!r}; use one of "
            + ", ".join(sorted(FORMATS))
        )
    table = read_table(path)
    for role, col in (("name", column), ("context", context_column)):
        if col is not None and col not in table.columns:
            raise UsageError(
                f"{str(path)!r}: no {role} column {col!r}; the columns are {list(table.columns)!r}"
            )
    results = geocode_frame(
        table[column],
        context=table[context_column] if context_column is not None else context,
        together=together,
        progress=progress,
        geocoder=geocoder,
    )
    found = join_input(table, results)
    export_frame(found, out, csv_geometry="latlon")
    return found


def _resolve(
    gc: Geocoder,
    keys: list[tuple[str, str | None]],
    *,
    together: bool,
    progress: bool,
) -> dict[tuple[str, str | None], GeocodeResult]:
    """Resolve each distinct (name, context) once; names without letters are unresolved."""
    from tqdm import tqdm

    out: dict[tuple[str, str | None], GeocodeResult] = {}
    todo: list[tuple[str, str | None]] = []
    for q, c in keys:
        if any(ch.isalpha() for ch in q):
            todo.append((q, c))
        else:
            reason = f"{q!r} holds no letters: not a place name"
            out[(q, c)] = GeocodeResult(q, "unresolved", None, 0.0, reason, (), c)
    # Shown only once the run has taken a second: long tables get a bar, short ones do not.
    bar = tqdm(
        total=len(todo), unit="name", desc="geocode", disable=not progress, delay=1.0, smoothing=0.1
    )
    with bar:
        if together:
            by_context: dict[str | None, list[str]] = {}
            for q, c in todo:
                by_context.setdefault(c, []).append(q)
            for c, group in by_context.items():
                for q, r in zip(group, gc.geocode_many(group, context=c), strict=True):
                    out[(q, c)] = r
                bar.update(len(group))
        else:
            for q, c in todo:
                out[(q, c)] = gc.geocode(q, context=c)
                bar.update(1)
    return out


def _as_series(strings: Iterable[Any]) -> pd.Series:
    import numpy as np
    import pandas as pd

    if isinstance(strings, str | bytes):
        raise InvalidQueryError(
            f"give a list, array or Series of names, not one string ({strings!r}); "
            "for one name use geokursk.geocode(name)"
        )
    if isinstance(strings, pd.DataFrame):
        raise InvalidQueryError(
            f"give one column of names, not a DataFrame of {len(strings.columns)} column(s) "
            f"{list(strings.columns)!r}: e.g. geocode_frame(df['place']), or "
            "geokursk.analysis.geocode_table(df, name='place') to keep the other columns"
        )
    if isinstance(strings, pd.Series):
        return strings
    if isinstance(strings, set | frozenset):
        raise InvalidQueryError(
            "a set has no order, so rows could not be matched to their names: "
            "pass a list (e.g. sorted(names))"
        )
    if isinstance(strings, Mapping):
        raise InvalidQueryError(
            "give a list, array or Series of names, not a mapping: for labelled names "
            "use pd.Series(mapping)"
        )
    if isinstance(strings, np.ndarray):
        if strings.ndim != 1:
            raise InvalidQueryError(
                f"the array of names has shape {strings.shape}; give a one-dimensional array "
                "(one name per row)"
            )
        return pd.Series(strings, dtype=object)
    if isinstance(strings, pd.Index):
        return pd.Series(strings.to_numpy(dtype=object), dtype=object)
    try:
        values = list(strings)
    except TypeError:
        raise InvalidQueryError(
            f"names must be a list, array or Series of strings, got {type(strings).__name__}"
        ) from None
    return pd.Series(values, dtype=object)


def _aligned_contexts(context: str | Iterable[Any] | None, names: pd.Series) -> list[Any]:
    """One context cell per name, in the names' order."""
    import numpy as np
    import pandas as pd

    n = len(names)
    if context is None or isinstance(context, str):
        return [context] * n
    if isinstance(context, pd.DataFrame):
        raise InvalidQueryError(
            "context must be one string or one column aligned with the names, not a "
            f"DataFrame of columns {list(context.columns)!r}: e.g. context=df['region']"
        )
    if isinstance(context, pd.Series):
        if context.index.equals(names.index):
            return list(context.to_numpy(dtype=object))
        if names.index.is_unique and context.index.is_unique:
            missing = names.index.difference(context.index)
            if missing.empty:
                return list(context.reindex(names.index).to_numpy(dtype=object))
            raise InvalidQueryError(
                f"the context Series lacks {len(missing)} of the names' index labels "
                f"(e.g. {list(missing[:3])!r}): give a context for every row, aligned on the "
                "same index (e.g. both columns of one DataFrame)"
            )
        if len(context) == n and isinstance(names.index, pd.RangeIndex):
            return list(context.to_numpy(dtype=object))
        raise InvalidQueryError(
            "the context Series and the names have different, non-unique indexes, so rows "
            "cannot be matched: take both from one DataFrame, or pass context as a list"
        )
    if isinstance(context, set | frozenset | Mapping):
        raise InvalidQueryError(
            f"context must be one string or a list, array or Series aligned with the names, "
            f"not a {type(context).__name__}"
        )
    if isinstance(context, np.ndarray) and context.ndim != 1:
        raise InvalidQueryError(
            f"the context array has shape {context.shape}; give a one-dimensional array "
            "(one context per row)"
        )
    try:
        values = list(context)
    except TypeError:
        raise InvalidQueryError(
            f"context must be one string or a list, array or Series aligned with the names, "
            f"got {type(context).__name__}"
        ) from None
    if len(values) != n:
        raise InvalidQueryError(
            f"context has {len(values)} value(s) for {n} name(s): give one string for every "
            "row, or one context per row"
        )
    return values


def _cell(value: Any) -> str | None:
    """Return the text of a cell, stripped; None for a missing (None, NaN, NA) or blank cell."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None
