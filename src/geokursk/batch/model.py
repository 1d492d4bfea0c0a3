"""What a batch run reads and writes: output columns, limits, errors, articles, summaries."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geokursk.errors import GeokurskError
from geokursk.extract.text import DEFAULT_MAX_BYTES as TEXT_MAX_BYTES

if TYPE_CHECKING:  # pragma: no cover
    pass


__all__: list[str] = []

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
