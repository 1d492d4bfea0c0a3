"""Batch geoparsing of article collections, on one machine or a Dask cluster.

:func:`batch_extract` runs :func:`geokursk.extract.extract_article` over a
collection of articles -- folders of text files, globs, JSON Lines files --
and writes three tables into an output folder::

    OUT/places/part-00000.parquet   place mentions (GeoParquet, EPSG:4326)
    OUT/claims/part-00000.parquet   claim candidates (GeoParquet, EPSG:4326)
    OUT/errors.parquet              articles that could not be processed
    OUT/summary.json                counts (no timings: the file is reproducible)

How the work is split
---------------------
The client lists the articles (it never reads article text except to find
the ``id`` of each JSON Lines record), sorts them by article id and cuts the
sorted list into partitions of ``partition_size`` articles.  Each partition
is one task carrying *references* -- a file path, or a JSON Lines path with a
byte offset -- never the texts, so the task graph stays small whatever the
collection size.  A task reads its articles, extracts them and writes its
``part-NNNNN.parquet`` files itself; only small counters and the error rows
travel back.  Because partitioning depends only on the input and
``partition_size`` (never on the number of workers) and rows are sorted, the
same input gives the same files, byte for byte, on one process or on a
cluster.

Each worker process opens the gazetteer once, by path, and keeps it in a
per-process cache (:func:`_worker_geocoder`); the gazetteer object never
travels through the scheduler.  On a multi-machine cluster, the input files,
the output folder and the gazetteer path must be reachable from every
worker (shared file system); with ``gazetteer=None`` each worker uses its own
default (``$GEOKURSK_GAZETTEER`` or the stacked layers, cached once per
machine).

Bad articles
------------
An article that is empty, binary, not UTF-8, larger than ``max_bytes``, a
malformed JSON Lines record, a duplicate id or one whose extraction raised
never stops the run and is never dropped silently: it becomes a row of the
errors table with one of the :data:`ERROR_TYPES`.  If a whole task is lost
(a worker process crashed on it repeatedly), each of its articles gets a
``worker_failed`` row.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import MultiPoint, Point
from shapely.geometry.base import BaseGeometry

from geokursk.atomic import remove_stale_temps, write_atomic, write_text_atomic
from geokursk.errors import GazetteerError, GeokurskError
from geokursk.extract import Extraction, extract_article
from geokursk.extract.text import DEFAULT_MAX_BYTES as TEXT_MAX_BYTES
from geokursk.geocode import Geocoder

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client

__all__ = [
    "CLAIM_COLUMNS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_PARTITION_SIZE",
    "ERROR_COLUMNS",
    "ERROR_TYPES",
    "JSONL_SUFFIXES",
    "PLACE_COLUMNS",
    "ArticleRef",
    "BatchClusterError",
    "BatchInputError",
    "BatchSummary",
    "batch_extract",
    "find_articles",
]

#: Articles per partition (one task, one ``part-NNNNN.parquet`` per table).
DEFAULT_PARTITION_SIZE = 100

#: Articles larger than this (bytes of UTF-8 text) go to the errors table; the same
#: limit as ``geokursk extract`` (:data:`geokursk.extract.text.DEFAULT_MAX_BYTES`).
#: Extraction costs about 0.05 ms per byte, so 1 MiB is about a minute of one worker;
#: news reports and posts are a few kB.
DEFAULT_MAX_BYTES = TEXT_MAX_BYTES

#: File suffixes read as JSON Lines (one article object per line).
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})

#: Columns of the place mentions table (plus ``geometry``: Point or null).
PLACE_COLUMNS: dict[str, str] = {
    "article_id": "string",
    "start": "int64",
    "end": "int64",
    "sentence": "int64",
    "mention": "string",
    "relation": "string",
    "status": "string",
    "name": "string",
    "name_latin": "string",
    "place_id": "string",
    "admin1": "string",
    "country_code": "string",
    "lat": "float64",
    "lon": "float64",
    "score": "float64",
}

#: Columns of the claim candidates table, plus ``geometry``: the claim's resolved
#: settlements (Point or MultiPoint), null when it names none (areas are in ``places``).
CLAIM_COLUMNS: dict[str, str] = {
    "article_id": "string",
    "claim_id": "string",
    "claimant": "string",
    "side": "string",
    "claim_status": "string",
    "channel": "string",
    "claim_date": "string",
    "event_start": "string",
    "event_end": "string",
    "figures": "string",
    "places": "string",
    "n_places": "int64",
    "n_resolved": "int64",
}

#: Columns of the errors table.
ERROR_COLUMNS: dict[str, str] = {
    "article_id": "string",
    "source": "string",
    "error_type": "string",
    "message": "string",
}

#: Values of ``error_type`` in the errors table.
ERROR_TYPES = (
    "unreadable",  # the file or line could not be read
    "too_large",  # over max_bytes
    "binary",  # NUL bytes
    "encoding",  # not UTF-8
    "empty",  # no text
    "invalid_json",  # a JSON Lines line that is not a JSON object
    "invalid_field",  # missing/ill-typed id or text, unparsable published date
    "duplicate_id",  # a second article with an id already seen
    "extraction_failed",  # extract_article raised
    "worker_failed",  # the task holding the article was lost (worker crashed)
)

_CRS = "EPSG:4326"
_POINT_PRECISIONS = frozenset({"settlement", "near_settlement"})

#: Seconds to wait for a Dask scheduler given by address.
_CONNECT_TIMEOUT = 20


# --- errors and values ---------------------------------------------------------------


class BatchInputError(GeokurskError, ValueError):
    """The batch inputs or options cannot be used (no articles, bad OUT folder...)."""


class BatchClusterError(GeokurskError, RuntimeError):
    """The Dask cluster cannot run the batch (unreachable scheduler, gazetteer missing)."""


@dataclass(frozen=True, order=True)
class ArticleRef:
    """Where one article is, without its text: what a task carries.

    Attributes
    ----------
    id : str
        Article id: the JSON Lines ``id``, or the file path relative to the
        folder (or glob base) it was found in.
    source : str
        Human-readable origin: the path as given, with ``:LINE`` for JSON Lines.
    path : str
        Absolute path of the file to read.
    offset, length : int
        Byte range of the record in a JSON Lines file; ``-1`` for a text file.
    """

    id: str
    source: str
    path: str
    offset: int = -1
    length: int = -1


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did; returned by :func:`batch_extract`.

    Attributes
    ----------
    articles : int
        Articles found (including those that failed).
    extracted : int
        Articles extracted successfully.
    errors : int
        Rows of the errors table.
    places, resolved : int
        Place mentions written, and how many of them were resolved.
    claims : int
        Claim candidates written.
    partitions : int
        Partition files per table.
    output : Path
        The output folder.
    seconds : float
        Wall-clock time of the run (not written to any file).
    workers : int
        Worker processes used (0 for the single-process path).
    error_types : dict
        Count per ``error_type``.
    """

    articles: int
    extracted: int
    errors: int
    places: int
    resolved: int
    claims: int
    partitions: int
    output: Path
    seconds: float
    workers: int
    error_types: dict[str, int] = field(default_factory=dict)

    @property
    def resolved_share(self) -> float:
        """Share of place mentions that were resolved (0.0 when there are none)."""
        return self.resolved / self.places if self.places else 0.0

    @property
    def articles_per_second(self) -> float:
        """Throughput of the run, failed articles included."""
        return self.articles / self.seconds if self.seconds > 0 else math.nan

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready values (``output`` as a string)."""
        d = asdict(self)
        d["output"] = str(self.output)
        d["resolved_share"] = round(self.resolved_share, 4)
        return d

    def __str__(self) -> str:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(self.error_types.items()))
        where = f"{self.workers} worker(s)" if self.workers else "single process"
        return "\n".join(
            [
                f"articles   {self.articles} ({self.extracted} extracted, {self.errors} errors"
                + (f": {errors}" if errors else "")
                + ")",
                f"places     {self.places} ({self.resolved} resolved, {self.resolved_share:.1%})",
                f"claims     {self.claims}",
                f"output     {self.output} ({self.partitions} partition(s))",
                f"time       {self.seconds:.1f} s on {where}, "
                f"{self.articles_per_second:.1f} articles/s",
            ]
        )


@dataclass
class _ErrorRow:
    article_id: str | None
    source: str
    error_type: str
    message: str

    def key(self) -> tuple[str, str, str]:
        return (self.article_id or "", self.source, self.error_type)


@dataclass
class _PartitionResult:
    index: int
    articles: int
    extracted: int
    places: int
    resolved: int
    claims: int
    errors: list[_ErrorRow]
    gazetteer: str  # fingerprint of the gazetteer the worker used


# --- finding articles ------------------------------------------------------------------


def find_articles(
    inputs: str | Path | Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[ArticleRef], list[dict[str, str | None]]]:
    """List the articles of folders, globs, text files and JSON Lines files.

    Parameters
    ----------
    inputs : str, Path or iterable of them
        A folder (every non-hidden file below it, recursively), a glob
        (``"reports/**/*.txt"``), a text file (one article) or a JSON Lines
        file (``.jsonl`` / ``.ndjson``: one object per line with ``id``,
        ``text`` and optional ``published`` and ``outlet``).  JSON Lines
        files found in folders and globs are read as such too.
    max_bytes : int, default :data:`DEFAULT_MAX_BYTES`
        JSON Lines records longer than this are reported, not read.

    Returns
    -------
    refs : list of ArticleRef
        Sorted by id (then source); ids are unique.
    problems : list of dict
        Rows for the errors table found while listing (malformed JSON Lines
        records, duplicate ids), with ``article_id``, ``source``,
        ``error_type`` and ``message``.

    Raises
    ------
    BatchInputError
        An input does not exist, a glob matches nothing, or nothing was found.

    Examples
    --------
    >>> find_articles("no/such/folder")
    Traceback (most recent call last):
    ...
    geokursk.batch.BatchInputError: input 'no/such/folder' does not exist; give a folder, \
a glob such as 'reports/*.txt', a text file or a JSON Lines file
    """
    refs, problems = _find(inputs, max_bytes)
    return refs, [asdict(p) for p in problems]


def _find(
    inputs: str | Path | Iterable[str | Path], max_bytes: int
) -> tuple[list[ArticleRef], list[_ErrorRow]]:
    items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    if not items:
        raise BatchInputError("no inputs given; give a folder, glob, text or JSON Lines file")
    refs: list[ArticleRef] = []
    problems: list[_ErrorRow] = []
    for item in items:
        for ref_or_problem in _expand(str(item), max_bytes):
            if isinstance(ref_or_problem, ArticleRef):
                refs.append(ref_or_problem)
            else:
                problems.append(ref_or_problem)
    if not refs and not problems:
        raise BatchInputError("no articles found in " + ", ".join(repr(str(i)) for i in items))
    refs.sort()
    unique: list[ArticleRef] = []
    for ref in refs:
        if unique and unique[-1].id == ref.id:
            problems.append(
                _ErrorRow(
                    ref.id,
                    ref.source,
                    "duplicate_id",
                    f"article id {ref.id!r} is already used by {unique[-1].source}; "
                    "give every article a unique id",
                )
            )
        else:
            unique.append(ref)
    return unique, problems


def _expand(item: str, max_bytes: int) -> Iterator[ArticleRef | _ErrorRow]:
    path = Path(item)
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                f = Path(root) / name
                yield from _file_articles(f, f.relative_to(path).as_posix(), max_bytes)
    elif path.is_file():
        yield from _file_articles(path, path.name, max_bytes)
    elif glob.has_magic(item):
        base = _glob_base(item)
        matches = sorted(glob.glob(item, recursive=True))
        found = [Path(m) for m in matches if Path(m).is_file()]
        if not found:
            raise BatchInputError(f"glob {item!r} matches no files")
        for match in found:
            rel = os.path.relpath(match, base) if base else str(match)
            yield from _file_articles(match, Path(rel).as_posix(), max_bytes)
    else:
        raise BatchInputError(
            f"input {item!r} does not exist; give a folder, a glob such as 'reports/*.txt', "
            "a text file or a JSON Lines file"
        )


def _glob_base(pattern: str) -> str:
    """Return the leading non-magic folders of a glob ("a/b/*.txt" -> "a/b")."""
    parts = Path(pattern).parts
    literal: list[str] = []
    for part in parts[:-1]:
        if glob.has_magic(part):
            break
        literal.append(part)
    return str(Path(*literal)) if literal else ""


def _file_articles(path: Path, rel: str, max_bytes: int) -> Iterator[ArticleRef | _ErrorRow]:
    source = str(path)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _jsonl_articles(path, max_bytes)
    else:
        yield ArticleRef(rel, source, str(path.resolve()))


def _jsonl_articles(path: Path, max_bytes: int) -> Iterator[ArticleRef | _ErrorRow]:
    absolute = str(path.resolve())
    try:
        f = path.open("rb")
    except OSError as exc:
        yield _ErrorRow(None, str(path), "unreadable", f"cannot read {str(path)!r}: {exc}")
        return
    with f:
        offset = 0
        lineno = 0
        while True:
            # Bounded reads: one gigantic line must not be loaded into memory.
            line = f.readline(max_bytes + 2)
            if not line:
                break
            lineno += 1
            start = offset
            offset += len(line)
            source = f"{path}:{lineno}"
            if len(line) > max_bytes + 1 or (len(line) > max_bytes and not line.endswith(b"\n")):
                while line and not line.endswith(b"\n"):
                    line = f.readline(1 << 20)
                    offset += len(line)
                yield _ErrorRow(
                    None,
                    source,
                    "too_large",
                    f"{source}: record is over the size limit of {max_bytes} bytes; "
                    "raise max_bytes (--max-bytes) or split the article",
                )
                continue
            if not line.strip():
                continue  # blank lines separate nothing and hold no article
            record = _parse_record(line, source)
            if isinstance(record, _ErrorRow):
                yield record
                continue
            yield ArticleRef(str(record["id"]), source, absolute, start, len(line))


def _parse_record(line: bytes, source: str) -> dict[str, Any] | _ErrorRow:
    try:
        record = json.loads(line)
    except UnicodeDecodeError as exc:
        return _ErrorRow(
            None, source, "encoding", f"{source}: not UTF-8 (byte {exc.start}); convert to UTF-8"
        )
    except json.JSONDecodeError as exc:
        return _ErrorRow(
            None,
            source,
            "invalid_json",
            f"{source}: not valid JSON ({exc.msg}, column {exc.colno}); "
            'give one object per line: {"id": ..., "text": ...}',
        )
    except RecursionError:
        return _ErrorRow(
            None,
            source,
            "invalid_json",
            f"{source}: arrays or objects nested too deeply; "
            'give one object per line: {"id": ..., "text": ...}',
        )
    if not isinstance(record, dict):
        return _ErrorRow(
            None,
            source,
            "invalid_json",
            f"{source}: expected a JSON object per line, got {type(record).__name__}",
        )
    rid = record.get("id")
    if isinstance(rid, bool) or not isinstance(rid, str | int) or str(rid).strip() == "":
        return _ErrorRow(
            None,
            source,
            "invalid_field",
            f"{source}: 'id' must be a non-empty string or integer, got {rid!r}",
        )
    return record


# --- the task: one partition ------------------------------------------------------------

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


# --- running ------------------------------------------------------------------------------


def batch_extract(
    inputs: str | Path | Iterable[str | Path],
    out: str | Path,
    *,
    scheduler: str | Client | None = None,
    workers: int | None = None,
    gazetteer: str | Path | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = False,
) -> BatchSummary:
    """Extract place mentions and claim candidates from many articles.

    Parameters
    ----------
    inputs : str, Path or iterable of them
        Folders, globs, text files and JSON Lines files (see :func:`find_articles`).
    out : str or Path
        Output folder (created if needed).  Part files of an earlier run that
        this run does not write are removed, so the folder always holds
        exactly one run's tables.
    scheduler : str or distributed.Client, optional
        ``None``: start a local Dask cluster (``workers`` processes, one
        thread each) for this run.  An address (``"tcp://host:8786"``): run
        on that existing cluster.  A ``Client``: use it.  ``"sync"``: run in
        this process without Dask -- the reference path.
    workers : int, optional
        Worker processes of the local cluster (default: CPU count); ``0``
        means the single-process path.  With a scheduler address, wait until
        at least this many workers have joined.
    gazetteer : str or Path, optional
        Gazetteer file; it must exist at this path on every worker.  Default:
        each worker's ``$GEOKURSK_GAZETTEER`` or the shipped gazetteer.
    partition_size : int, default :data:`DEFAULT_PARTITION_SIZE`
        Articles per task and per part file.  The output depends on it (and
        on the input) but never on the number of workers.
    max_bytes : int, default :data:`DEFAULT_MAX_BYTES`
        Larger articles go to the errors table.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr).

    Returns
    -------
    BatchSummary

    Raises
    ------
    BatchInputError
        No articles found, an input missing, bad options, or ``out`` is a file.
    BatchClusterError
        The scheduler cannot be reached, or a worker cannot open the
        gazetteer, or workers use different gazetteers.
    geokursk.errors.GazetteerError
        The gazetteer cannot be opened (checked in this process first unless
        running on a remote cluster).

    Examples
    --------
    >>> s = batch_extract("reports/", "out/", workers=2)  # doctest: +SKIP
    >>> s.articles, s.errors, round(s.resolved_share, 2)  # doctest: +SKIP
    (3000, 4, 0.87)
    >>> batch_extract("reports/", "out/", partition_size=0)
    Traceback (most recent call last):
    ...
    geokursk.batch.BatchInputError: partition_size must be a positive integer, got 0
    """
    started = time.perf_counter()
    _check_positive("partition_size", partition_size)
    _check_positive("max_bytes", max_bytes)
    if workers is not None and (isinstance(workers, bool) or workers < 0):
        raise BatchInputError(f"workers must be 0 or more, got {workers!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BatchInputError(f"output {str(out)!r} is a file; give a folder for the tables")
    if isinstance(scheduler, str) and scheduler != "sync":
        _check_address(scheduler)
    refs, problems = _find(inputs, max_bytes)
    for sub in ("places", "claims"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    # The summary is written last: a folder without one holds an unfinished run.
    (out / "summary.json").unlink(missing_ok=True)
    n_parts = max(1, math.ceil(len(refs) / partition_size))
    parts = [refs[i * partition_size : (i + 1) * partition_size] for i in range(n_parts)]
    sync = scheduler == "sync" or (workers == 0 and scheduler is None)
    gaz = str(Path(gazetteer).resolve()) if gazetteer is not None else None
    if sync or scheduler is None:
        # Fail early with the usual message, and unpack the shipped gazetteer
        # once here rather than racing in every worker.
        _worker_geocoder(gaz)
    args = (gaz, str(out.resolve()), max_bytes)
    if sync:
        results, n_workers = _run_sync(parts, args, progress), 0
    else:
        results, n_workers = _run_dask(parts, args, scheduler, workers, progress)
    return _finish(results, parts, problems, out, partition_size, n_workers, started)


def _check_positive(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BatchInputError(f"{name} must be a positive integer, got {value!r}")


_Args = tuple[str | None, str, int]


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="article", disable=not enabled, smoothing=0.1)


def _run_sync(
    parts: Sequence[Sequence[ArticleRef]], args: _Args, progress: bool
) -> list[_PartitionResult]:
    results = []
    with _progress_bar(sum(len(p) for p in parts), progress) as bar:
        for i, part in enumerate(parts):
            results.append(_run_partition(i, part, *args, report=bar.update))
    return results


def _run_dask(
    parts: Sequence[Sequence[ArticleRef]],
    args: _Args,
    scheduler: str | Client | None,
    workers: int | None,
    progress: bool,
) -> tuple[list[_PartitionResult], int]:
    import logging

    from distributed import Client, LocalCluster

    if scheduler is None:
        n = workers if workers is not None else (os.cpu_count() or 1)
        try:
            cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
        except RuntimeError as exc:
            raise BatchClusterError(
                f"cannot start a local Dask cluster ({exc}); a script calling batch_extract "
                "must do so under `if __name__ == '__main__':` (worker processes re-import it)"
            ) from exc
        with cluster, Client(cluster) as client:
            return _submit_all(client, parts, args, progress), n
    if isinstance(scheduler, str):
        try:
            client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise BatchClusterError(
                f"cannot connect to the Dask scheduler {scheduler!r}: {exc}; start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`, or omit --scheduler "
                "to run on this machine"
            ) from None
        with client:
            if workers:
                client.wait_for_workers(workers, timeout=300)
            return _submit_all(client, parts, args, progress), len(client.nthreads())
    return _submit_all(scheduler, parts, args, progress), len(scheduler.nthreads())


def _submit_all(
    client: Client,
    parts: Sequence[Sequence[ArticleRef]],
    args: _Args,
    progress: bool,
) -> list[_PartitionResult]:
    from distributed import as_completed

    # A bounded window of tasks in flight: a backfill of millions of articles
    # never puts its whole task list on the scheduler at once.
    threads = sum(client.nthreads().values()) or 1
    window = max(4, 3 * threads)
    token = uuid.uuid4().hex[:12]
    results: list[_PartitionResult] = []
    pending = iter(range(len(parts)))

    topic = f"geokursk-progress-{token}"

    def submit(i: int) -> Any:
        key = f"geokursk-batch-{token}-{i:05d}"
        report = topic if progress else None
        return client.submit(_run_partition, i, parts[i], *args, report, key=key, pure=False)

    with _progress_bar(sum(len(p) for p in parts), progress) as bar:
        counted = _PartitionCounts(bar)
        if progress:  # before the first task, so that no event is missed
            client.subscribe_topic(topic, counted.event)
        try:
            index_of: dict[str, int] = {}
            first = []
            for i in pending:
                fut = submit(i)
                index_of[fut.key] = i
                first.append(fut)
                if len(first) >= window:
                    break
            queue = as_completed(first)
            for fut in queue:
                i = index_of.pop(fut.key)
                results.append(_collect(fut, i, parts[i], args[0]))
                fut.release()
                counted.finished(i, len(parts[i]))
                nxt = next(pending, None)
                if nxt is not None:
                    new = submit(nxt)
                    index_of[new.key] = nxt
                    queue.add(new)
        finally:
            if progress:
                client.unsubscribe_topic(topic)
    return results


class _PartitionCounts:
    """Feed the progress bar from workers' per-article events and finished partitions.

    Events carry how many articles of a partition are done so far; they come on the
    client's event-loop thread and may arrive after their partition has finished, or
    restart from zero when Dask retries a task.  The bar moves by what a partition
    has done beyond what was shown, a finished partition adds what its events had not,
    and later events of it are ignored, so every article is counted exactly once.
    """

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.seen: dict[int, int] = {}
        self.done: set[int] = set()
        self.lock = threading.Lock()

    def event(self, event: tuple[float, tuple[int, int]]) -> None:
        index, done = event[1]  # articles of partition ``index`` done so far
        with self.lock:
            seen = self.seen.get(index, 0)
            if index in self.done or done <= seen:
                return  # late, or a retried task recounting what was already shown
            self.seen[index] = done
            self.bar.update(done - seen)

    def finished(self, index: int, articles: int) -> None:
        with self.lock:
            self.done.add(index)
            self.bar.update(max(0, articles - self.seen.pop(index, 0)))


def _collect(
    fut: Any, index: int, part: Sequence[ArticleRef], gazetteer: str | None
) -> _PartitionResult:
    try:
        result: _PartitionResult = fut.result()
    except GazetteerError as exc:
        raise BatchClusterError(
            f"a Dask worker cannot open the gazetteer: {exc}. The gazetteer path must exist "
            "on every worker (shared file system, or $GEOKURSK_GAZETTEER set per worker)"
        ) from None
    except OSError as exc:
        raise BatchClusterError(
            f"a Dask worker cannot write partition {index}: {exc}. The output folder must "
            "be writable from every worker (shared file system)"
        ) from None
    except Exception as exc:  # the task was lost: keep its articles visible
        message = f"the task was lost ({type(exc).__name__}: {exc}); rerun these articles"
        errors = [_ErrorRow(r.id, r.source, "worker_failed", message) for r in part]
        return _PartitionResult(index, len(part), 0, 0, 0, 0, errors, "")
    return result


def _finish(
    results: list[_PartitionResult],
    parts: Sequence[Sequence[ArticleRef]],
    problems: list[_ErrorRow],
    out: Path,
    partition_size: int,
    n_workers: int,
    started: float,
) -> BatchSummary:
    results.sort(key=lambda r: r.index)
    prints = sorted({r.gazetteer for r in results if r.gazetteer})
    if len(prints) > 1:
        raise BatchClusterError(
            f"workers used {len(prints)} different gazetteers; give the same file to every "
            "worker (--gazetteer on a shared file system, or the same $GEOKURSK_GAZETTEER)"
        )
    errors = list(problems)
    for r in results:
        errors.extend(r.errors)
    errors.sort(key=_ErrorRow.key)
    table = pd.DataFrame(
        {
            name: pd.Series([getattr(e, name) for e in errors], dtype=dtype)
            for name, dtype in ERROR_COLUMNS.items()
        }
    )
    _write_parquet(table, out / "errors.parquet")
    # Only partitions written by this run stay: a lost task's old part files would add
    # rows the summary does not count.
    written = {f"part-{r.index:05d}.parquet" for r in results if r.gazetteer}
    for sub in ("places", "claims"):
        for stale in (out / sub).glob("part-*.parquet"):
            if stale.name not in written:
                stale.unlink()
        remove_stale_temps(out / sub)
    kinds: dict[str, int] = {}
    for e in errors:
        kinds[e.error_type] = kinds.get(e.error_type, 0) + 1
    summary = BatchSummary(
        articles=sum(len(p) for p in parts) + len(problems),
        extracted=sum(r.extracted for r in results),
        errors=len(errors),
        places=sum(r.places for r in results),
        resolved=sum(r.resolved for r in results),
        claims=sum(r.claims for r in results),
        partitions=len(parts),
        output=out,
        seconds=time.perf_counter() - started,
        workers=n_workers,
        error_types=dict(sorted(kinds.items())),
    )
    record = {
        k: v for k, v in summary.to_dict().items() if k not in ("seconds", "workers", "output")
    }
    record["gazetteer"] = prints[0] if prints else None
    record["partition_size"] = partition_size
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    write_text_atomic(text, out / "summary.json")
    return summary


_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[\w.-]+(?::\d{1,5})?/?$", re.IGNORECASE)


def _check_address(scheduler: str) -> None:
    """Refuse a scheduler address that cannot be one (before any work is done)."""
    if not _ADDRESS.match(scheduler.strip()):
        raise BatchInputError(
            f"{scheduler!r} is not a Dask scheduler address; give e.g. tcp://10.0.0.5:8786 "
            "or host:8786, 'sync' for this process only, or omit it for a local cluster"
        )
