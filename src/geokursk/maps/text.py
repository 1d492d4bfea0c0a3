"""Values from frames made into text: missing cells, dates, JSON for ``<script>``.

Everything here is pure and small; the popups, features and reference
modules import it, so that a cell is read the same way everywhere.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry

__all__ = [
    "date_key",
    "date_text",
    "escape",
    "json_list",
    "missing",
    "number",
    "partial_date",
    "text",
    "to_js",
]

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}")
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def missing(value: object) -> bool:
    """Return True for None, NaN, NaT and pandas' NA (not for empty strings)."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:  # the common case first: this runs for every cell
        return False
    if kind is float:
        return math.isnan(value)  # type: ignore[arg-type]
    if isinstance(value, (list, tuple, dict, BaseGeometry)):
        return False
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def text(value: object) -> str:
    """Return ``value`` as stripped text, or ``""`` when it is missing."""
    if type(value) is str:
        return value.strip()
    if missing(value):
        return ""
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return date_text(value)
    return str(value).strip()


@functools.lru_cache(maxsize=1 << 16)  # names, outlets and labels repeat a lot
def escape(value: str) -> str:
    """Escape text for HTML that branca will parse again as a Jinja template.

    Only for text that reaches folium's own templates (layer names, the
    ``<title>``); braces become character references so that a ``{{`` from
    data is never evaluated. Popup HTML travels inside JSON (:func:`to_js`)
    and is escaped by the Jinja templates of :mod:`geokursk.maps.popups`.
    """
    return html.escape(value, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def date_text(value: object) -> str:
    """``YYYY-MM-DD`` (or ``YYYY-MM-DD HH:MM``) of a date-like value."""
    if missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def date_key(value: object) -> str:
    """Return a sortable ``YYYY-MM-DD`` prefix for the date filter, or ``""``."""
    match = _ISO_DATE.match(date_text(value))
    return match.group(0) if match else ""


def partial_date(value: object, precision: object = None) -> str:
    """Show a date only as precisely as it is known.

    Parameters
    ----------
    value : str, date or None
        ``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY``), a date or a timestamp.
    precision : str, optional
        ``day``, ``month``, ``quarter`` or ``year``; ``None`` reads it from
        how much of the date is written.

    Examples
    --------
    >>> partial_date("2024-12-01", "month"), partial_date("2024-01-01", "year")
    ('Dec 2024', '2024')
    >>> partial_date("2024-12-16"), partial_date("2024-12"), partial_date(None)
    ('16 Dec 2024', 'Dec 2024', '')
    >>> partial_date("soon", "day")
    'soon'
    """
    raw = date_text(value)
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", raw)
    if not match:
        return raw
    year, month, day = match.group(1), match.group(2), match.group(3)
    kind = text(precision) or ("day" if day else "month" if month else "year")
    if kind == "year" or not month or not 1 <= int(month) <= 12:
        return year
    if kind == "quarter":
        return f"Q{(int(month) - 1) // 3 + 1} {year}"
    name = f"{_MONTHS[int(month) - 1]} {year}"
    if kind == "month" or not day:
        return name
    rest = raw[len(match.group(0)) :]
    return f"{int(day)} {name}" + (f" {rest.strip()}" if rest.strip() else "")


def json_list(value: object) -> list[Any]:
    """Decode a JSON-string list column; tolerate real lists and plain text."""
    if missing(value):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    raw = str(value).strip()
    if not raw or raw == "[]":  # the common case, without the JSON parser
        return []
    try:
        decoded = json.loads(raw)
    except ValueError:
        return [raw]
    return decoded if isinstance(decoded, list) else [decoded]


def number(value: object) -> float | None:
    """Return a finite float, or None."""
    if missing(value):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def to_js(value: object) -> str:
    r"""Serialise ``value`` as JSON that is safe inside an HTML ``<script>``.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes (as
    :func:`jinja2.utils.htmlsafe_json_dumps` does) so that no data can close
    the script element or open a comment; the two line separators and a
    ``{`` opening a Jinja tag are escaped too, because branca parses rendered
    elements again as templates.

    Examples
    --------
    >>> to_js({"a": "</script>"})
    '{"a":"\\u003c/script\\u003e"}'
    """
    out = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    out = _JINJA_OPEN.sub(r"\\u007b", out)
    return (
        out.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
