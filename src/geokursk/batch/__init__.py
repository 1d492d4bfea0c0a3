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

from geokursk.batch.inputs import find_articles
from geokursk.batch.model import (
    CLAIM_COLUMNS,
    DEFAULT_MAX_BYTES,
    DEFAULT_PARTITION_SIZE,
    ERROR_COLUMNS,
    ERROR_TYPES,
    JSONL_SUFFIXES,
    PLACE_COLUMNS,
    ArticleRef,
    BatchClusterError,
    BatchInputError,
    BatchSummary,
)
from geokursk.batch.run import batch_extract

# The public classes are documented, printed and pickled as geokursk.batch's.
for _cls in (ArticleRef, BatchClusterError, BatchInputError, BatchSummary):
    _cls.__module__ = __name__
del _cls

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
