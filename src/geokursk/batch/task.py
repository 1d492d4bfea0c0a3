"""The task of a batch run: one partition read, extracted and written as two part files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from geokursk.atomic import write_atomic
from geokursk.extract import Extraction, extract_article
from geokursk.geocode import Geocoder

if TYPE_CHECKING:  # pragma: no cover
    pass
from geokursk.batch.inputs import _parse_record
from geokursk.batch.model import (
    _CRS,
    _POINT_PRECISIONS,
    CLAIM_COLUMNS,
    PLACE_COLUMNS,
    ArticleRef,
    _ErrorRow,
    _PartitionResult,
)

__all__: list[str] = []

_GEOCODERS: dict[str, Geocoder] = {}
_GEOCODERS_LOCK = threading.Lock()
#: Gazetteers opened by this process (key -> count); lets tests check "once per worker".
_GAZETTEER_LOADS: dict[str, int] = {}


def _worker_geocoder(gazetteer: str | None) -> Geocoder:
    """Return this process's geocoder for a gazetteer path, opening it on first use.

    ``None`` means this process's default (``$GEOKURSK_GAZETTEER`` or the
    shipped gazetteer), which may differ between machines of a cluster.
    """
    key = gazetteer or ""
    gc = _GEOCODERS.get(key)
    if gc is None:
        with _GEOCODERS_LOCK:
            gc = _GEOCODERS.get(key)
            if gc is None:
                gc = Geocoder(gazetteer)
                gc.gazetteer  # noqa: B018 -- open now: a missing file fails the task, not an article
                _GEOCODERS[key] = gc
                _GAZETTEER_LOADS[key] = _GAZETTEER_LOADS.get(key, 0) + 1
    return gc


def _fingerprint(gc: Geocoder) -> str:
    meta = json.dumps(gc.gazetteer.meta, sort_keys=True)
    return hashlib.sha256(meta.encode("utf-8")).hexdigest()[:16]


class _Reporter:
    """Tell the caller's progress bar how many articles a partition has done so far.

    In one process it calls the bar directly, once per article.  On a Dask worker it
    sends the count as an event on ``topic`` (the client subscribed to it), at most
    every :data:`_REPORT_SECONDS`: one message per article would cost more than the
    article on a busy scheduler, and the bar cannot be redrawn faster anyway.
    """

    def __init__(self, index: int, report: Callable[[int], object] | str | None) -> None:
        self.index = index
        self.report = report
        self.done = 0
        self.last = -math.inf  # the first article is reported at once: the bar moves

    def article(self) -> None:
        self.done += 1
        if callable(self.report):
            self.report(1)
            return
        now = time.monotonic()
        if isinstance(self.report, str) and now - self.last >= _REPORT_SECONDS:
            from distributed import get_worker

            try:  # the count so far: a retried task's reports do not add up twice
                get_worker().log_event(self.report, (self.index, self.done))
            except ValueError:  # not on a worker (a local scheduler): no bar to feed
                self.report = None
                return
            self.last = now


_REPORT_SECONDS = 0.25


def _run_partition(
    index: int,
    refs: Sequence[ArticleRef],
    gazetteer: str | None,
    out: str,
    max_bytes: int,
    report: Callable[[int], object] | str | None = None,
) -> _PartitionResult:
    """Extract one partition and write its two part files; runs on a worker.

    ``report`` is told of each article done (see :class:`_Reporter`).
    """
    gc = _worker_geocoder(gazetteer)
    progress = _Reporter(index, report)
    place_rows: list[dict[str, Any]] = []
    claim_rows: list[dict[str, Any]] = []
    errors: list[_ErrorRow] = []
    extracted = 0
    for ref in refs:
        ex = _extract_one(ref, gc, max_bytes, errors)
        progress.article()
        if ex is None:
            continue
        extracted += 1
        place_rows.extend(_place_rows(ref.id, ex))
        claim_rows.extend(_claim_rows(ref.id, ex))
    places = _frame(place_rows, PLACE_COLUMNS)
    claims = _frame(claim_rows, CLAIM_COLUMNS)
    name = f"part-{index:05d}.parquet"
    _write_parquet(places, Path(out) / "places" / name)
    _write_parquet(claims, Path(out) / "claims" / name)
    return _PartitionResult(
        index=index,
        articles=len(refs),
        extracted=extracted,
        places=len(place_rows),
        resolved=sum(r["status"] == "resolved" for r in place_rows),
        claims=len(claim_rows),
        errors=errors,
        gazetteer=_fingerprint(gc),
    )


def _extract_one(
    ref: ArticleRef, gc: Geocoder, max_bytes: int, errors: list[_ErrorRow]
) -> Extraction | None:
    """Read and extract one article; a problem becomes an error row, never an exception."""
    try:
        text, published, outlet = _read(ref, max_bytes)
    except _ArticleProblem as problem:
        errors.append(_ErrorRow(ref.id, ref.source, problem.kind, str(problem)))
        return None
    try:
        return extract_article(text, geocoder=gc, published=published, outlet=outlet)
    except Exception as exc:  # one article must never stop the run
        errors.append(
            _ErrorRow(
                ref.id,
                ref.source,
                "extraction_failed",
                f"{ref.source}: {type(exc).__name__}: {exc}",
            )
        )
        return None


class _ArticleProblem(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _read(ref: ArticleRef, max_bytes: int) -> tuple[str, dt.date | None, str | None]:
    """Return (text, published, outlet) of an article, or raise _ArticleProblem."""
    try:
        with open(ref.path, "rb") as f:
            if ref.offset >= 0:
                f.seek(ref.offset)
                data = f.read(ref.length)
            else:
                data = f.read(max_bytes + 1)
    except OSError as exc:
        raise _ArticleProblem(
            "unreadable", f"cannot read {ref.source!r}: {exc.strerror or exc}"
        ) from None
    if len(data) > max_bytes:
        raise _ArticleProblem(
            "too_large",
            f"{ref.source!r} is over the size limit of {max_bytes} bytes; "
            "raise max_bytes (--max-bytes) or split the article",
        )
    if ref.offset >= 0:
        return _from_record(ref, data)
    if b"\x00" in data:
        raise _ArticleProblem(
            "binary", f"{ref.source!r} looks binary (NUL bytes); give a UTF-8 text file"
        )
    text = _decode(data, ref.source)
    return text, None, None


def _decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _ArticleProblem(
            "encoding", f"{source!r} is not UTF-8 text (byte {exc.start}); convert it to UTF-8"
        ) from None
    if not text.strip():
        raise _ArticleProblem("empty", f"{source!r} is empty; give an article with text")
    return text


def _from_record(ref: ArticleRef, data: bytes) -> tuple[str, dt.date | None, str | None]:
    record = _parse_record(data, ref.source)
    if isinstance(record, _ErrorRow):
        raise _ArticleProblem(record.error_type, record.message)
    text = record.get("text")
    if not isinstance(text, str):
        raise _ArticleProblem(
            "invalid_field", f"{ref.source}: 'text' must be a string, got {text!r:.60}"
        )
    if "\x00" in text:
        raise _ArticleProblem("binary", f"{ref.source}: 'text' holds NUL characters")
    if not text.strip():
        raise _ArticleProblem("empty", f"{ref.source}: 'text' is empty; give the article text")
    outlet = record.get("outlet")
    if outlet is not None and not isinstance(outlet, str):
        raise _ArticleProblem(
            "invalid_field", f"{ref.source}: 'outlet' must be a string, got {outlet!r:.60}"
        )
    return text, _published(record.get("published"), ref.source), outlet


def _published(value: Any, source: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise _ArticleProblem(
        "invalid_field",
        f"{source}: 'published' must be an ISO date such as '2024-12-17' "
        f"(or date-time), got {value!r:.60}",
    )


def _place_rows(article_id: str, ex: Extraction) -> list[dict[str, Any]]:
    rows = []
    for p in sorted(ex.places, key=lambda m: (m.start, m.end, m.mention)):
        hit = p.result.place if p.status == "resolved" else None
        rows.append(
            {
                "article_id": article_id,
                "start": p.start,
                "end": p.end,
                "sentence": p.sentence,
                "mention": p.mention,
                "relation": p.relation,
                "status": p.status,
                "name": hit.name if hit else None,
                "name_latin": hit.name_latin if hit else None,
                "place_id": hit.id if hit else None,
                "admin1": hit.admin1 if hit else None,
                "country_code": hit.country_code if hit else None,
                "lat": hit.lat if hit else math.nan,
                "lon": hit.lon if hit else math.nan,
                "score": float(p.result.score),
                # Data model is (lat, lon); shapely wants x=lon, y=lat.
                "geometry": Point(hit.lon, hit.lat) if hit else None,
            }
        )
    return rows


def _claim_rows(article_id: str, ex: Extraction) -> list[dict[str, Any]]:
    rows = []
    for c in ex.claims:
        rec = c.to_record()
        points: list[tuple[float, float]] = []
        for p in rec["places"]:
            # Only settlements locate a claim: a region's or country's label point
            # (Russia's is in Siberia) would mislead; areas stay in `places`.
            if p["lat"] is None or p["precision"] not in _POINT_PRECISIONS:
                continue
            xy = (p["lon"], p["lat"])  # data model is (lat, lon); shapely wants x=lon, y=lat
            if xy not in points:
                points.append(xy)
        geom: BaseGeometry | None = None
        if len(points) == 1:
            geom = Point(points[0])
        elif points:
            geom = MultiPoint(points)
        rows.append(
            {
                "article_id": article_id,
                "claim_id": rec["id"],
                "claimant": rec["claimant"],
                "side": rec["side"],
                "claim_status": rec["claim_status"],
                "channel": rec["channel"],
                "claim_date": rec["claim_date"],
                "event_start": rec["event_start"],
                "event_end": rec["event_end"],
                "figures": json.dumps(rec["figures"], ensure_ascii=False, sort_keys=True),
                "places": json.dumps(rec["places"], ensure_ascii=False, sort_keys=True),
                "n_places": len(rec["places"]),
                "n_resolved": sum(p["status"] == "resolved" for p in rec["places"]),
                "geometry": geom,
            }
        )
    return rows


def _frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> gpd.GeoDataFrame:
    # Fixed dtypes: an all-null column must keep its type so that every part
    # file has the same schema and the folder reads as one dataset.
    data = pd.DataFrame(
        {name: pd.Series([r[name] for r in rows], dtype=dtype) for name, dtype in columns.items()}
    )
    geometry = gpd.GeoSeries([r["geometry"] for r in rows], crs=_CRS)
    return gpd.GeoDataFrame(data, geometry=geometry, crs=_CRS)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a (Geo)Parquet file atomically (:func:`geokursk.atomic.write_atomic`)."""

    def write(tmp: Path) -> None:
        frame.to_parquet(tmp, index=False)

    write_atomic(path, write)
