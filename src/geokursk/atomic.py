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
from contextlib import contextmanager
from pathlib import Path

from geokursk.errors import ExportError

__all__ = ["write_atomic", "write_bytes_atomic", "write_text_atomic"]


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


@contextmanager
def _temp_dir(parent: Path) -> Iterator[Path]:
    # A private folder next to the target: same file system for os.replace, and side
    # files a writer may create (GDAL's -journal, SQLite's -wal) are removed with it.
    tmp_dir = Path(tempfile.mkdtemp(prefix=".geokursk-tmp-", dir=parent))
    try:
        yield tmp_dir
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
