"""Claims as JSON records and dataset files, and the short texts they show.

:func:`claims_to_records`, :func:`dump_claims`; figures and dates as text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from geokursk.claims.geocoding import _geocode_claim, _resolve_geocoder
from geokursk.claims.loading import (
    SCHEMA,
    _check_claims,
)
from geokursk.claims.model import (
    Claim,
    Figure,
)
from geokursk.claims.status import (
    _claim_statuses,
)
from geokursk.claims.vocabulary import (
    FigureKind,
    Qualifier,
)

__all__ = ["claims_to_records", "dump_claims"]

# --- records and dumping ----------------------------------------------------------


def claims_to_records(
    claims: Sequence[Claim], *, geocoder: Any = None, geocode: bool = True
) -> list[dict[str, Any]]:
    """Convert claims to JSON-ready dicts: the ``geokursk claims --json`` contract.

    Parameters
    ----------
    claims : sequence of Claim
    geocoder : object with ``geocode_many(names, *, context=None)``, optional
        Defaults to :func:`geokursk.geocode.default_geocoder`. The places of
        one claim that share a context are resolved together.
    geocode : bool, default True
        When false, places get ``status``, ``lat`` and ``lon`` of ``None``.

    Returns
    -------
    list of dict
        One dict per claim with every field of :class:`Claim` (dates ISO 8601,
        enums as their values, link lists as claim ids), plus the read-only
        ``claim_status``; each place also carries read-only ``status``,
        ``lat``, ``lon``, ``matched_name`` and ``place_id``. Loading this output
        back with :func:`load_claims` gives the same claims.

    Examples
    --------
    >>> from geokursk.claims import load_claims
    >>> rec = claims_to_records(load_claims(), geocode=False)[1]
    >>> rec["figures"][0]["qualifier"], rec["places"][0]["name"], rec["places"][0]["status"]
    ('at_least', 'Kurilovka', None)
    """
    statuses = _claim_statuses(claims)
    gc = _resolve_geocoder(geocoder) if geocode else None
    records = []
    for claim in claims:
        rec = claim.model_dump(mode="json")
        rec["claim_status"] = statuses[claim.id].value
        results = _geocode_claim(claim, gc) if gc is not None else [None] * len(claim.places)
        for place, result in zip(rec["places"], results, strict=True):
            hit = result.place if result is not None and result.status == "resolved" else None
            place.update(
                status=None if result is None else str(result.status),
                lat=float(hit.lat) if hit is not None else None,
                lon=float(hit.lon) if hit is not None else None,
                matched_name=hit.name if hit is not None else None,
                place_id=hit.id if hit is not None else None,
            )
        records.append(rec)
    return records


def dump_claims(
    claims: Sequence[Claim],
    path: str | Path | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
) -> str:
    """Serialise claims in the dataset file format; optionally write them atomically.

    Parameters
    ----------
    claims : sequence of Claim
    path : str or Path, optional
        Where to write (UTF-8, trailing newline, replaced atomically).
    name, description : str, optional
        Dataset metadata stored next to the claims.

    Returns
    -------
    str
        The JSON text (2-space indent, stable key order, non-ASCII kept),
        which :func:`load_claims` reads back to equal claims.

    Raises
    ------
    geokursk.errors.ClaimsValidationError
        If the claims are inconsistent (duplicate ids, dangling links).
    geokursk.errors.ExportError
        If the file cannot be written.
    """
    _check_claims(claims, Path(path) if path is not None else None)
    doc: dict[str, Any] = {"schema": SCHEMA}
    if name is not None:
        doc["name"] = name
    if description is not None:
        doc["description"] = description
    doc["claims"] = [c.model_dump(mode="json", exclude_defaults=True) for c in claims]
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if path is not None:
        from geokursk.export import write_text_atomic

        write_text_atomic(text, path)
    return text


# --- small helpers ---------------------------------------------------------------------

_FIGURE_LABELS = {
    FigureKind.KILLED: "killed",
    FigureKind.WOUNDED: "wounded",
    FigureKind.KILLED_OR_WOUNDED: "killed and wounded",
    FigureKind.MISSING: "missing",
    FigureKind.CAPTURED: "captured",
    FigureKind.DEPLOYED: "deployed",
    FigureKind.RECRUITED: "recruited",
    FigureKind.PERSONNEL_LOSSES: "personnel losses",
}
_QUALIFIER_LABELS = {
    Qualifier.EXACT: "",
    Qualifier.AT_LEAST: "at least ",
    Qualifier.ABOUT: "about ",
    Qualifier.MORE_THAN: "more than ",
    Qualifier.ALMOST: "almost ",
    Qualifier.AT_MOST: "at most ",
    Qualifier.LESS_THAN: "less than ",
    Qualifier.UNSPECIFIED: "",
}


def _figure_text(fig: Figure) -> str:
    """E.g. ``"at least 30 killed and wounded (North Korean soldiers)"``."""
    if fig.value is None:
        number = "unspecified number"
    elif float(fig.value).is_integer():
        number = f"{int(fig.value):,}"
    else:
        number = f"{fig.value:,}"
    return f"{_QUALIFIER_LABELS[fig.qualifier]}{number} {_FIGURE_LABELS[fig.kind]} ({fig.subject})"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(value: StrEnum | None) -> str | None:
    return value.value if value is not None else None
