"""Reading claims files, with errors that name the file, the claim and the field.

The dataset, ``claims --json`` and ``extract --json`` documents are read; the checks
across claims (links to known ids, dates in order) run on every load.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import (
    BaseModel,
    ValidationError,
)

from geokursk.claims.model import (
    MAX_FIGURE,
    Claim,
)
from geokursk.claims.vocabulary import (
    _KEY_PHRASE_MAX_WORDS,
    DatePrecision,
    LocationPrecision,
    Qualifier,
    Relation,
)
from geokursk.errors import ArgumentTypeError, ClaimsValidationError

__all__ = ["EMBEDDED_CLAIMS", "EXTRACTION_SCHEMA", "SCHEMA", "load_claims", "parse_claims"]


#: Identifier of the dataset file format written by :func:`dump_claims`.
SCHEMA = "geokursk.claims/1"

#: Package-relative location of the embedded dataset (see ``data/README.md``).
EMBEDDED_CLAIMS = "data/claims/kursk_dprk_2024-12.json"


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
