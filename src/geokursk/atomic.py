"""The one atomic file writer every geokursk output goes through.

A file is rendered into a private temporary folder next to its target and
moved into place with :func:`os.replace`, so a reader (or a killed process)
never sees a half-written file, and a failed write leaves the previous file
untouched.  This module imports nothing heavy: the gazetteer cache and the
layer files use it at start-up.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from geokursk.errors import ExportError

__all__ = [
    "TEMP_PREFIX",
    "make_temp_dir",
    "remove_stale_temps",
    "write_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]

#: Temporary folders are named ``TEMP_PREFIX<pid>-<random>``: a later run removes those
#: of processes that no longer exist (killed writers leave them behind).
TEMP_PREFIX = ".geokursk-tmp-"


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary path, then move it to ``path``.

    Parameters
    ----------
    path : str or Path
        The target file.  Its folder must exist.
    write : callable
        Writes the whole file at the path it is given (which keeps the
        target's file name, so drivers that choose a format by suffix work).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    geokursk.errors.ExportError
        The folder does not exist or ``write`` failed; no temporary file
        remains and an existing target is left untouched.
    """
    target = Path(path)
    if not str(path).strip() or not target.name:
        raise ExportError(f"cannot write {str(path)!r}: give a file path")
    if target.is_dir():
        raise ExportError(f"cannot write {str(target)!r}: it is a folder; give a file path")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"cannot write {str(target)!r}: folder {str(parent)!r} does not exist")
    try:
        with _temp_dir(parent) as tmp_dir:
            tmp = tmp_dir / target.name
            write(tmp)
            os.replace(tmp, target)
    except ExportError:
        raise
    except Exception as exc:
        raise ExportError(f"cannot write {str(target)!r}: {exc}") from exc
    return target


def write_bytes_atomic(data: bytes, path: str | Path) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`write_atomic`)."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write_atomic(path, write)


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`write_atomic`).

    Raises
    ------
    geokursk.errors.ExportError
        If the folder does not exist or the write fails.
    """
    return write_bytes_atomic(text.encode("utf-8"), path)


def make_temp_dir(parent: str | Path) -> Path:
    """Create a private temporary folder in ``parent`` for a file being written.

    The folder is on the target's file system (so :func:`os.replace` is atomic) and
    carries this process's id, so that :func:`remove_stale_temps` can remove it once
    the process is gone.  Leftovers of dead processes in ``parent`` are removed first.

    Parameters
    ----------
    parent : str or Path
        The folder the finished file goes to.

    Returns
    -------
    Path
        The new folder; remove it with :func:`shutil.rmtree` when done.
    """
    remove_stale_temps(parent)
    return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=parent))


def remove_stale_temps(parent: str | Path) -> list[Path]:
    """Remove the temporary folders that killed geokursk processes left in ``parent``.

    Parameters
    ----------
    parent : str or Path
        A folder geokursk writes to.

    Returns
    -------
    list of Path
        What was removed (folders of processes that no longer run).
    """
    removed: list[Path] = []
    try:
        entries = list(Path(parent).glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for entry in entries:
        pid_text = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with suppress(OSError):
                entry.unlink()
        if not entry.exists():
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # another user's process, or cannot tell: keep its files
    return True


@contextmanager
def _temp_dir(parent: Path) -> Iterator[Path]:
    # A private folder next to the target: same file system for os.replace, and side
    # files a writer may create (GDAL's -journal, SQLite's -wal) are removed with it.
    tmp_dir = make_temp_dir(parent)
    try:
        yield tmp_dir
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
