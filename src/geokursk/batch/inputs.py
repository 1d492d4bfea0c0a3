"""Finding the articles of a batch run: folders, globs, text files, JSON Lines."""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    pass
from geokursk.batch.model import (
    DEFAULT_MAX_BYTES,
    JSONL_SUFFIXES,
    ArticleRef,
    BatchInputError,
    _ErrorRow,
)

__all__: list[str] = []


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
