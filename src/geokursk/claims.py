"""Claims: who said what, when, about which places — validated and mappable.

A *claim* is one attributable assertion taken from reporting: a claimant
(organisation, and person where named) with a side, the outlet and channel it
came through, separate dates (when it was made, the event period it is about,
when the source document was published and originally published), our own
paraphrase with a few short verbatim key phrases, structured figures, places
with the relation the text uses, and links to other claims (corroborates,
disputes, responds to).

Claims files come in two shapes, both accepted by :func:`load_claims`:

* the dataset file, ``{"schema": "geokursk.claims/1", "name": ..., "claims": [...]}``;
* the output of ``geokursk claims --json`` (:func:`claims_to_records`): a JSON
  array of claim objects whose places carry read-only geocoding keys
  (``status``, ``lat``, ``lon``, ...), which are ignored on input;
* the output of ``geokursk extract --json`` (``{"schema":
  "geokursk.extraction/1", ..., "claims": [...]}``): machine-extracted claim
  candidates.  Their ``reviewed`` field is ``false`` until an analyst, having
  checked a claim against the article, sets it to ``true``; maps and frames
  show unreviewed claims as such.  The extraction's own keys (``places``,
  ``notes``, each claim's ``extraction`` span) are ignored on input.

Location precision follows the spirit of ACLED ``geo_precision`` and UCDP
``where_prec``: ``settlement`` (at a named place), ``near_settlement`` ("near"
or "in the area of" a named place), ``district`` (second-order unit),
``region`` (first-order unit, e.g. an oblast) and ``country``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Protocol, get_args, get_origin

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationError,
)
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from geokursk.errors import ArgumentTypeError, ClaimsValidationError

__all__ = [
    "EMBEDDED_CLAIMS",
    "EXTRACTION_SCHEMA",
    "PRECISION_RADIUS_M",
    "SCHEMA",
    "Channel",
    "Claim",
    "ClaimPlace",
    "ClaimStatus",
    "DatePrecision",
    "Figure",
    "FigureKind",
    "JointClaimant",
    "LocationPrecision",
    "Qualifier",
    "Relation",
    "Response",
    "ResponseKind",
    "Side",
    "Source",
    "claim_places_frame",
    "claims_frame",
    "claims_to_records",
    "dump_claims",
    "load_claims",
    "parse_claims",
]

#: Identifier of the dataset file format written by :func:`dump_claims`.
SCHEMA = "geokursk.claims/1"

#: Package-relative location of the embedded dataset (see ``data/README.md``).
EMBEDDED_CLAIMS = "data/claims/kursk_dprk_2024-12.json"

# --- vocabularies -------------------------------------------------------------


class Side(StrEnum):
    """The side a claimant belongs to or speaks for."""

    UKRAINE = "ukraine"
    RUSSIA = "russia"
    USA = "usa"
    DPRK = "dprk"
    SOUTH_KOREA = "south_korea"
    INDEPENDENT_MEDIA = "independent_media"
    INTERNATIONAL_MEDIA = "international_media"
    ANALYSTS = "analysts"
    WITNESSES = "witnesses"
    UNATTRIBUTED = "unattributed"
    OTHER = "other"


class Channel(StrEnum):
    """How the claim was made public."""

    TELEGRAM = "telegram"
    PRESS_BRIEFING = "press_briefing"
    NEWS_REPORT = "news_report"
    STATEMENT = "statement"
    INTERVIEW = "interview"
    MEDIA_INQUIRY = "media_inquiry"
    SOCIAL_MEDIA = "social_media"
    WEBSITE = "website"
    UNKNOWN = "unknown"


class DatePrecision(StrEnum):
    """How precisely a date is known.

    The stored date is the first day of the period (the last day for ``event_end``).
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class FigureKind(StrEnum):
    """What a figure counts."""

    KILLED = "killed"
    WOUNDED = "wounded"
    KILLED_OR_WOUNDED = "killed_or_wounded"
    MISSING = "missing"
    CAPTURED = "captured"
    DEPLOYED = "deployed"
    RECRUITED = "recruited"
    PERSONNEL_LOSSES = "personnel_losses"


class Qualifier(StrEnum):
    """How a figure is hedged in the source (``unspecified``: no number given)."""

    EXACT = "exact"
    AT_LEAST = "at_least"
    ABOUT = "about"
    MORE_THAN = "more_than"
    ALMOST = "almost"
    AT_MOST = "at_most"
    LESS_THAN = "less_than"
    UNSPECIFIED = "unspecified"


class Relation(StrEnum):
    """The spatial relation the text uses between the claim and a place."""

    IN = "in"
    AT = "at"
    NEAR = "near"
    IN_THE_AREA_OF = "in the area of"
    AROUND = "around"
    TO = "to"
    FROM = "from"


class LocationPrecision(StrEnum):
    """Location precision in the spirit of ACLED/UCDP (finest first)."""

    SETTLEMENT = "settlement"
    NEAR_SETTLEMENT = "near_settlement"
    DISTRICT = "district"
    REGION = "region"
    COUNTRY = "country"


class ResponseKind(StrEnum):
    """How a claimant answered (or did not answer) another claim."""

    NO_COMMENT = "no_comment"
    DECLINED = "declined"
    DID_NOT_REPLY = "did_not_reply"
    REFERRED = "referred"
    DENIED = "denied"


class ClaimStatus(StrEnum):
    """Where a claim stands given the other claims of its dataset."""

    CLAIMED = "claimed"
    CORROBORATED = "corroborated"
    DISPUTED = "disputed"
    NO_COMMENT = "no_comment"


#: Nominal radius (metres) drawn around a place of a given precision. Roughly
#: ACLED/UCDP: a settlement is a point within a village or town; "near" is
#: within ~10 km (UCDP allows up to 25 km); region/country radii are only used
#: when no polygon is available.
PRECISION_RADIUS_M: Mapping[LocationPrecision, float] = {
    LocationPrecision.SETTLEMENT: 2_000.0,
    LocationPrecision.NEAR_SETTLEMENT: 10_000.0,
    LocationPrecision.DISTRICT: 25_000.0,
    LocationPrecision.REGION: 100_000.0,
    LocationPrecision.COUNTRY: 500_000.0,
}

_NON_ANSWERS = frozenset(
    {
        ResponseKind.NO_COMMENT,
        ResponseKind.DECLINED,
        ResponseKind.DID_NOT_REPLY,
        ResponseKind.REFERRED,
    }
)
_KEY_PHRASE_MAX_WORDS = 8

# --- model --------------------------------------------------------------------


def _no_control_characters(value: str) -> str:
    """Refuse NUL and other control characters (GPKG and C readers cut text at a NUL)."""
    for i, ch in enumerate(value):
        if (ch < " " and ch not in "\t\n\r") or ch == "\x7f":
            raise ValueError(
                f"control character U+{ord(ch):04X} at position {i}; remove it from the text"
            )
    return value


def _has_letters(value: str) -> str:
    if not any(ch.isalpha() for ch in value):
        raise ValueError("a place name needs letters; write the name as the text gives it")
    return value


#: The largest figure a claim can state (a cap against typos and overflow in exports).
MAX_FIGURE = 1e12

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_no_control_characters),
]
PlaceName = Annotated[Text, AfterValidator(_has_letters)]
ClaimId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Model):
    """A number stated in a claim, e.g. *at least 30 killed and wounded*."""

    kind: FigureKind
    # Strict: true/false are not numbers; Infinity, NaN and absurd values are refused.
    value: Annotated[
        StrictInt | StrictFloat | None, Field(ge=0, le=MAX_FIGURE, allow_inf_nan=False)
    ]
    qualifier: Qualifier
    subject: Text
    #: The side of who was hit ("Russian forces shelled Nikopol, killing two civilians":
    #: ukraine), when known.
    subject_side: Side | None = None
    note: Text | None = None


class ClaimPlace(_Model):
    """A place a claim is about, as written, with the relation the text uses."""

    name: PlaceName
    relation: Relation
    precision: LocationPrecision
    context: Text | None = None


class Response(_Model):
    """How a claimant answered the claims listed in ``responds_to``."""

    kind: ResponseKind
    asked_by: Text | None = None
    referred_to: Text | None = None


class JointClaimant(_Model):
    """A further organisation the claim is attributed to together with the claimant."""

    claimant: Text
    side: Side


class Source(_Model):
    """The document the claim was taken from: the copy we read and the original."""

    outlet: Text
    published: dt.date
    published_precision: DatePrecision = DatePrecision.DAY
    original_outlet: Text | None = None
    original_published: dt.date | None = None
    original_published_precision: DatePrecision | None = None
    title: Text | None = None
    url: Text | None = None


class Claim(_Model):
    """One attributable claim; see the module docstring for the field semantics."""

    id: ClaimId
    claimant: Text
    claimant_person: Text | None = None
    claimant_role: Text | None = None
    side: Side
    joint_claimants: tuple[JointClaimant, ...] = ()
    outlet: Text | None = None
    channel: Channel
    made_at: Text | None = None
    claim_date: dt.date | None = None
    claim_date_precision: DatePrecision | None = None
    event_start: dt.date | None = None
    event_start_precision: DatePrecision | None = None
    event_end: dt.date | None = None
    event_end_precision: DatePrecision | None = None
    date_note: Text | None = None
    source: Source
    paraphrase: Text
    key_phrases: tuple[Text, ...] = ()
    figures: tuple[Figure, ...] = ()
    places: tuple[ClaimPlace, ...] = ()
    corroborates: tuple[ClaimId, ...] = ()
    disputes: tuple[ClaimId, ...] = ()
    responds_to: tuple[ClaimId, ...] = ()
    response: Response | None = None
    notes: Text | None = None
    #: False for a machine-extracted claim nobody has checked against its source yet.
    reviewed: bool = True


#: Identifier of the document ``geokursk extract --json`` writes.
EXTRACTION_SCHEMA = "geokursk.extraction/1"
_EXTRACTION_KEYS = frozenset(
    {"schema", "reference_date", "date_basis", "dateline", "notes", "places", "claims"}
)
# Keys `claims_to_records` adds for readers; ignored when such output is loaded.
_READ_ONLY_CLAIM_KEYS = frozenset({"claim_status", "extraction"})
_READ_ONLY_PLACE_KEYS = frozenset(
    {"status", "lat", "lon", "matched_name", "place_id", "admin1", "country_code"}
)
# (date field, precision field, True when the date ends a period)
_DATE_FIELDS = (
    ("claim_date", "claim_date_precision", False),
    ("event_start", "event_start_precision", False),
    ("event_end", "event_end_precision", True),
)
_SOURCE_DATE_FIELDS = (
    ("published", "published_precision", False),
    ("original_published", "original_published_precision", False),
)


# --- loading ------------------------------------------------------------------


def load_claims(path: str | Path | None = None) -> list[Claim]:
    """Load and validate a claims file.

    Parameters
    ----------
    path : str or Path, optional
        A dataset file (``{"schema": ..., "claims": [...]}``) or the JSON
        array printed by ``geokursk claims --json``. ``None`` loads the
        embedded Kursk/DPRK dataset shipped with the package.

    Returns
    -------
    list of Claim
        In file order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    geokursk.errors.ClaimsValidationError
        If the file is not valid JSON, does not match the schema, or its links
        are inconsistent (duplicate ids, links to unknown ids, an event that
        ends before it starts, ...). The message names the file, the claim id
        and the field.

    Notes
    -----
    Dates may be written with reduced precision: ``"2024-09"`` means the
    month (stored as 1 September, or 30 September for ``event_end``) and sets
    the matching ``*_precision`` to ``"month"`` when it is not given.

    Examples
    --------
    >>> claims = load_claims()
    >>> claims[0].id
    'gur-dprk-losses'
    >>> load_claims("missing.json")
    Traceback (most recent call last):
    ...
    FileNotFoundError: [Errno 2] claims file not found: 'missing.json'
    """
    if path is not None and not isinstance(path, str | Path):
        hint = " (for decoded data use parse_claims)" if isinstance(path, dict | list) else ""
        raise ArgumentTypeError("load_claims", "path", "a str or Path" + hint, path)
    if path is None:
        resource = resources.files("geokursk").joinpath(EMBEDDED_CLAIMS)
        text = resource.read_text(encoding="utf-8")
        shown: Path = Path("geokursk", EMBEDDED_CLAIMS)
    else:
        shown = Path(path)
        try:
            text = shown.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise FileNotFoundError(2, "claims file not found", str(path)) from None
        except UnicodeDecodeError as exc:
            raise ClaimsValidationError(shown, None, None, f"not UTF-8 text ({exc})") from None
    return _parse_claims_text(text, shown)


def _parse_claims_text(text: str, path: Path) -> list[Claim]:
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ClaimsValidationError(
            path, None, None, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # NaN / Infinity
        raise ClaimsValidationError(path, None, None, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ClaimsValidationError(
            path, None, None, "invalid JSON: arrays or objects nested too deeply"
        ) from None
    return parse_claims(data, path)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write a finite number or null")


def parse_claims(data: Any, source: str | Path = "<data>") -> list[Claim]:
    """Validate claims already decoded from JSON, in any shape :func:`load_claims` reads.

    Parameters
    ----------
    data : object
        A dataset object, a ``geokursk claims --json`` array, or a
        ``geokursk extract --json`` document (e.g. ``extraction.to_dict()``).
    source : str or Path
        Named in error messages.

    Returns
    -------
    list of Claim

    Raises
    ------
    geokursk.errors.ClaimsValidationError
        As :func:`load_claims`.

    Examples
    --------
    >>> parse_claims({"schema": "geokursk.claims/1", "claims": []})
    []
    """
    path = Path(source)
    raw_claims = _raw_claim_list(data, path)
    claims = [_validate_one(raw, i, path) for i, raw in enumerate(raw_claims)]
    _check_claims(claims, path)
    return claims


def _raw_claim_list(data: Any, path: Path) -> list[Any]:
    if isinstance(data, list):
        # `geokursk claims --json` output: drop the read-only geocoding keys.
        return [_strip_read_only(item) for item in data]
    if isinstance(data, dict) and data.get("schema") == EXTRACTION_SCHEMA:
        unknown = sorted(set(data) - _EXTRACTION_KEYS)
        if unknown:
            raise ClaimsValidationError(
                path, None, unknown[0], f"unknown key in a {EXTRACTION_SCHEMA} document"
            )
        claims = data.get("claims")
        if not isinstance(claims, list):
            raise ClaimsValidationError(
                path, None, "claims", "expected a JSON array of claim objects"
            )
        # Machine-extracted: unreviewed unless an analyst said otherwise.
        return [
            {"reviewed": False, **_strip_read_only(c)} if isinstance(c, dict) else c for c in claims
        ]
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"schema", "name", "description", "claims"})
        if unknown:
            raise ClaimsValidationError(
                path,
                None,
                unknown[0],
                "unknown top-level key; allowed keys are 'schema', 'name', 'description', 'claims'",
            )
        if data.get("schema", SCHEMA) != SCHEMA:
            raise ClaimsValidationError(
                path, None, "schema", f"{data['schema']!r} is not supported; expected {SCHEMA!r}"
            )
        claims = data.get("claims")
        if not isinstance(claims, list):
            raise ClaimsValidationError(
                path, None, "claims", "expected a JSON array of claim objects"
            )
        return claims
    raise ClaimsValidationError(
        path,
        None,
        None,
        f"expected a JSON object with 'claims' or a JSON array, got {type(data).__name__}",
    )


def _strip_read_only(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    out = {k: v for k, v in item.items() if k not in _READ_ONLY_CLAIM_KEYS}
    places = out.get("places")
    if isinstance(places, list):
        out["places"] = [
            {k: v for k, v in p.items() if k not in _READ_ONLY_PLACE_KEYS}
            if isinstance(p, dict)
            else p
            for p in places
        ]
    return out


def _validate_one(raw: Any, index: int, path: Path) -> Claim:
    claim_id = _raw_id(raw, index)
    if not isinstance(raw, dict):
        raise ClaimsValidationError(
            path, claim_id, None, f"expected a JSON object, got {type(raw).__name__}"
        )
    raw = _expand_reduced_dates(raw)
    try:
        return Claim.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        loc = _field_loc(first["loc"])
        problem = _describe_error(first, loc)
        # The branches of a union (int | float) fail together: one problem, not several.
        others = {_field_loc(e["loc"]) for e in errors[1:]} - {loc}
        if others:
            problem += f" (and {len(others)} more problem{'s' * (len(others) > 1)})"
        raise ClaimsValidationError(path, claim_id, _format_loc(loc) or None, problem) from None


_UNION_TAGS = frozenset({"int", "float", "str", "bool", "none"})


def _field_loc(loc: Sequence[int | str]) -> tuple[int | str, ...]:
    """Return an error location without pydantic's union branch tags (``value.int``)."""
    return tuple(p for p in loc if not (isinstance(p, str) and p in _UNION_TAGS))


def _raw_id(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str) and raw["id"].strip():
        return str(raw["id"]).strip()
    return f"#{index}"


def _format_loc(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _describe_error(err: Mapping[str, Any], loc: tuple[int | str, ...]) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "enum":
        return f"{value!r} is not one of {err['ctx']['expected']}"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(loc[:-1])
        hint = f"; allowed fields: {', '.join(allowed)}" if allowed else ""
        return f"unknown field {loc[-1]!r}{hint}"
    if kind == "missing":
        return "required field is missing"
    if kind.startswith("date_"):
        return (
            f"{value!r} is not a valid date; write YYYY-MM-DD, or YYYY-MM / YYYY for "
            "month or year precision"
        )
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid claim id; use lower-case letters, digits and '-'"
    if isinstance(value, bool) and kind in ("int_type", "float_type"):
        return f"{str(value).lower()} is not a number; write the figure as a number or null"
    if kind in ("less_than_equal", "finite_number") and isinstance(value, int | float):
        return f"{err['msg']}; a figure must be a finite number up to {MAX_FIGURE:,.0f}"
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:60] + f"... ({len(shown)} characters)"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{msg} (got {shown})"


def _allowed_fields(loc: Sequence[int | str]) -> list[str]:
    """Field names of the model found by walking ``loc`` down from :class:`Claim`."""
    model: type[BaseModel] | None = Claim
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = _inner_model(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None or get_args(annotation):
        for arg in get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _expand_reduced_dates(raw: dict[str, Any]) -> dict[str, Any]:
    out = _expand_dates_in(raw, _DATE_FIELDS)
    if isinstance(out.get("source"), dict):
        out["source"] = _expand_dates_in(out["source"], _SOURCE_DATE_FIELDS)
    return out


def _expand_dates_in(
    raw: dict[str, Any], fields: Iterable[tuple[str, str, bool]]
) -> dict[str, Any]:
    out = dict(raw)
    for date_key, precision_key, is_end in fields:
        value = out.get(date_key)
        if isinstance(value, str) and out.get(precision_key) is None:
            expanded = _expand_reduced_date(value, is_end=is_end)
            if expanded is not None:
                out[date_key], out[precision_key] = expanded
            elif value.strip():
                out.setdefault(precision_key, DatePrecision.DAY.value)
        elif isinstance(value, str) and out.get(precision_key) in ("month", "year"):
            expanded = _expand_reduced_date(value, is_end=is_end)
            if expanded is not None and expanded[1] == out[precision_key]:
                out[date_key] = expanded[0]
    return out


def _expand_reduced_date(value: str, *, is_end: bool) -> tuple[str, str] | None:
    """``"2024-09"`` -> (``"2024-09-01"``, ``"month"``); ``None`` if not reduced."""
    parts = value.strip().split("-")
    if not all(p.isdigit() for p in parts):
        return None
    if len(parts) == 1 and len(parts[0]) == 4:
        year = int(parts[0])
        return (f"{year:04d}-12-31" if is_end else f"{year:04d}-01-01"), DatePrecision.YEAR.value
    if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2 and 1 <= int(parts[1]) <= 12:
        year, month = int(parts[0]), int(parts[1])
        day = calendar.monthrange(year, month)[1] if is_end else 1
        return f"{year:04d}-{month:02d}-{day:02d}", DatePrecision.MONTH.value
    return None


# --- semantic and referential checks ------------------------------------------------


def _check_claims(claims: Sequence[Claim], path: Path | None) -> None:
    """Raise :class:`ClaimsValidationError` for the first inconsistency found."""
    first_index: dict[str, int] = {}
    for i, claim in enumerate(claims):
        if claim.id in first_index:
            raise ClaimsValidationError(
                path,
                claim.id,
                "id",
                f"duplicate id (also used by claim #{first_index[claim.id]}); ids must be unique",
            )
        first_index[claim.id] = i
    for claim in claims:
        for field, problem in _claim_problems(claim, first_index):
            raise ClaimsValidationError(path, claim.id, field, problem)


def _claim_problems(claim: Claim, known: Mapping[str, int]) -> Iterator[tuple[str, str]]:
    for date_key, precision_key, _ in _DATE_FIELDS:
        yield from _date_pair_problems(claim, date_key, precision_key)
    yield from _date_pair_problems(claim.source, "published", "published_precision", "source.")
    yield from _date_pair_problems(
        claim.source, "original_published", "original_published_precision", "source."
    )
    if claim.event_start and claim.event_end and claim.event_start > claim.event_end:
        yield (
            "event_end",
            f"event_end {claim.event_end.isoformat()} is before event_start "
            f"{claim.event_start.isoformat()}",
        )
    src = claim.source
    reported = src.original_published or src.published
    if claim.claim_date and claim.claim_date > reported:
        yield (
            "claim_date",
            f"claim_date {claim.claim_date.isoformat()} is after the source was first "
            f"published ({reported.isoformat()}); resolve relative dates such as 'on Monday' "
            "against the original publication, not a republication",
        )
    if src.original_published and src.original_published > src.published:
        yield (
            "source.original_published",
            f"{src.original_published.isoformat()} is after the copy's publication date "
            f"{src.published.isoformat()}",
        )
    for i, phrase in enumerate(claim.key_phrases):
        if len(phrase.split()) > _KEY_PHRASE_MAX_WORDS:
            yield (
                f"key_phrases[{i}]",
                f"{phrase!r} is longer than {_KEY_PHRASE_MAX_WORDS} words; quote a short key "
                "phrase and paraphrase the rest",
            )
    for i, fig in enumerate(claim.figures):
        if (fig.value is None) != (fig.qualifier is Qualifier.UNSPECIFIED):
            yield (
                f"figures[{i}].value",
                "value must be null exactly when qualifier is 'unspecified' "
                f"(got value {fig.value!r} with qualifier {fig.qualifier.value!r})",
            )
    for i, place in enumerate(claim.places):
        vague = place.relation in (Relation.NEAR, Relation.IN_THE_AREA_OF, Relation.AROUND)
        if vague and place.precision is LocationPrecision.SETTLEMENT:
            yield (
                f"places[{i}].precision",
                f"relation {place.relation.value!r} cannot have precision 'settlement'; "
                "use 'near_settlement'",
            )
    for field in ("corroborates", "disputes", "responds_to"):
        for i, target in enumerate(getattr(claim, field)):
            if target == claim.id:
                yield f"{field}[{i}]", f"a claim cannot link to itself ({target!r})"
            elif target not in known:
                yield (
                    f"{field}[{i}]",
                    f"{target!r} is not the id of a claim in this file; known ids: "
                    + ", ".join(repr(k) for k in known),
                )
    if claim.response is not None and not claim.responds_to:
        yield "responds_to", "a claim with a 'response' must list the claim ids it responds to"


def _date_pair_problems(
    obj: BaseModel, date_key: str, precision_key: str, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    value, precision = getattr(obj, date_key), getattr(obj, precision_key)
    if value is None and precision is not None:
        yield f"{prefix}{precision_key}", f"is set to {precision.value!r} but {date_key} is null"
    if value is not None and precision is None:
        yield (
            f"{prefix}{precision_key}",
            f"required when {date_key} is set; one of "
            + ", ".join(repr(p.value) for p in DatePrecision),
        )


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


# --- geocoding ------------------------------------------------------------------------


class _PlaceLike(Protocol):
    id: str
    name: str
    name_latin: str
    name_ru: str | None
    name_uk: str | None
    feature_code: str
    country_code: str
    admin1: str | None
    lat: float
    lon: float

    @property
    def is_area(self) -> bool: ...


class _ResultLike(Protocol):
    status: str
    place: Any
    score: float
    reason: str
    alternatives: Sequence[Any]

    @property
    def lat(self) -> float | None: ...

    @property
    def lon(self) -> float | None: ...


class _GeocoderLike(Protocol):
    def geocode_many(
        self, names: Sequence[str], *, context: str | None = None
    ) -> Sequence[Any]: ...


def _resolve_geocoder(geocoder: Any) -> _GeocoderLike:
    if geocoder is not None:
        return geocoder
    from geokursk.geocode import default_geocoder

    return default_geocoder()


def _geocode_claim(claim: Claim, geocoder: _GeocoderLike) -> list[_ResultLike]:
    """Geocode a claim's places; those sharing a context are resolved jointly."""
    groups: dict[str | None, list[int]] = {}
    for i, place in enumerate(claim.places):
        groups.setdefault(place.context, []).append(i)
    results: list[Any] = [None] * len(claim.places)
    for context, indexes in groups.items():
        names = [claim.places[i].name for i in indexes]
        found = list(geocoder.geocode_many(names, context=context))
        if len(found) != len(names):
            raise ValueError(
                f"geocoder returned {len(found)} results for {len(names)} names of claim "
                f"{claim.id!r}"
            )
        for i, result in zip(indexes, found, strict=True):
            results[i] = result
    return results


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


# --- links and status ------------------------------------------------------------------


def _backlinks(claims: Sequence[Claim]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {"corroborates": {}, "disputes": {}, "responds_to": {}}
    for claim in claims:
        for field, index in out.items():
            for target in getattr(claim, field):
                index.setdefault(target, []).append(claim.id)
    return out


def _claim_statuses(claims: Sequence[Claim]) -> dict[str, ClaimStatus]:
    """Disputed beats corroborated; a non-answer (no comment, referral...) is ``no_comment``."""
    links = _backlinks(claims)
    out = {}
    for claim in claims:
        if claim.response is not None and claim.response.kind in _NON_ANSWERS:
            out[claim.id] = ClaimStatus.NO_COMMENT
        elif claim.id in links["disputes"]:
            out[claim.id] = ClaimStatus.DISPUTED
        elif claim.id in links["corroborates"]:
            out[claim.id] = ClaimStatus.CORROBORATED
        else:
            out[claim.id] = ClaimStatus.CLAIMED
    return out


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
