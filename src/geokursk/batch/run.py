"""Running a batch: partitions in this process or on Dask, progress, the summary."""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from geokursk.atomic import remove_stale_temps, write_text_atomic
from geokursk.errors import GazetteerError

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client
from geokursk.batch.inputs import _find
from geokursk.batch.model import (
    _CONNECT_TIMEOUT,
    DEFAULT_MAX_BYTES,
    DEFAULT_PARTITION_SIZE,
    ERROR_COLUMNS,
    ArticleRef,
    BatchClusterError,
    BatchInputError,
    BatchSummary,
    _ErrorRow,
    _PartitionResult,
)
from geokursk.batch.task import _run_partition, _worker_geocoder, _write_parquet

__all__: list[str] = []


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
