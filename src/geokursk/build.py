"""Build gazetteer files from GeoNames dumps (and write the shipped one).

Two entry points:

:func:`build_gazetteer`
    Streams GeoNames files as distributed (``RU.zip``, ``UA.zip``,
    ``allCountries.zip``, ``cities500.zip``, the postal-code format, and
    optionally ``alternateNamesV2.zip``) into a gazetteer SQLite file with
    bounded memory: rows go to disk in batches, indexes are made at the end.
    This is ``geokursk gazetteer build FILE... -o PATH``.

:class:`GazetteerWriter`
    Low-level writer used by the builder above and by
    :func:`geokursk.stack.build_stack`, which stacks the layers (the shipped
    ones, written by ``scripts/build_gazetteer.py`` from the curated sources
    in ``geo/``, and the user's) into the cached gazetteer.

Both are deterministic: the same inputs give a byte-identical file (rows
are inserted in input order, no timestamps are stored).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

from geokursk.atomic import make_temp_dir
from geokursk.errors import ExportError, GazetteerFormatError, GazetteerNotFoundError
from geokursk.gazetteer import FORMAT_NAME, FORMAT_VERSION
from geokursk.gcpause import gc_paused
from geokursk.normalize import AREA_WORDS, fold, has_cyrillic, latin_forms, romanize, skeleton, stem

__all__ = [
    "GazetteerWriter",
    "PlaceRecord",
    "area_stems",
    "build_gazetteer",
    "detect_format",
    "iter_alternate_names",
    "iter_geonames",
    "iter_postal",
    "postal_records",
]

MAIN_COLUMNS = 19
POSTAL_COLUMNS = 12
ALTNAMES_COLUMNS = (4, 10)
_BATCH = 20000


@dataclass
class PlaceRecord:
    """A place about to be written; ``names`` are every name to index it under."""

    id: str
    name: str
    name_latin: str
    name_ru: str | None
    name_uk: str | None
    feature_code: str
    country_code: str
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    population: int | None
    source: str
    quality: str
    provenance: str
    admin1_code: str = ""
    admin2_stem: str = ""
    names: list[str] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    gn_id: int | None = None
    #: Names the place had before a renaming (indexed as ``former``: they never beat the
    #: current name of another place that fits the context).
    former_names: list[str] = field(default_factory=list)
    #: Raw district name (any script); its stem is derived when the gazetteer is stacked.
    district: str = ""
    #: For areas: ``country``, ``admin1`` or ``admin2``, and the names recognised in text.
    area_level: str = ""
    area_names: list[str] = field(default_factory=list)
    #: Colloquial whole-word names of an area (Донеччина), matched in any case.
    area_aliases: list[str] = field(default_factory=list)
    #: Hard quality flags are in ``quality``; the layer and source points of a stacked place.
    layer: str = ""
    points: str = ""
    #: How authoritative the row's *name* is (lower wins the display name of a merged
    #: place): 1 official registers (KATOTTG, OKTMO), 2 Wikipedia, 3 GeoNames cities,
    #: 5 names copied by aggregators, 6 postal codes.  User rows are 0.
    name_rank: int = 5


@lru_cache(maxsize=1 << 16)
def _usable_alt(name: str) -> bool:
    """Keep alternate names a reader could type: Latin or Cyrillic, not codes or URLs."""
    if not name or len(name) > 80 or name.startswith("http"):
        return False
    if name.isupper() and len(name) <= 4:  # IATA/ICAO/abbreviation codes
        return False
    if any(ch.isdigit() for ch in name):
        return False
    key = fold(name)
    return bool(key) and (key.isascii() or has_cyrillic(key))


def _index_forms(name: str) -> set[str]:
    """Return the keys a gazetteer name is indexed under.

    These are :func:`latin_forms` plus the spelling of дж as j that English-style and
    machine-translated text uses (Суджа -> Suja, Джанкой -> Jankoy).  Only the index
    gets it: a Cyrillic query stays exactly what it says.
    """
    keys = set(latin_forms(name))
    if has_cyrillic(name):
        keys |= {k.replace("dzh", "j") for k in keys if "dzh" in k}
    return keys


#: Names memoised by :func:`_index_entries`.  GeoNames repeats names hugely (thousands
#: of Ivanovka), so most rows are answered from the cache; the bound keeps memory flat.
_NAME_CACHE = 1 << 16


@lru_cache(maxsize=_NAME_CACHE)
def _index_entries(name: str) -> tuple[tuple[str, str], ...]:
    """Return ``(key, skeleton)`` of every index key of ``name``, keys sorted."""
    return tuple((key, skeleton(key)) for key in sorted(_index_forms(name)))


def area_stems(name: str) -> set[str]:
    """Return the stems under which an area called ``name`` is recognised in text.

    Area words (oblast, region, district, район...) are removed first.

    Examples
    --------
    >>> sorted(area_stems("Курская область"))
    ['kursk']
    >>> sorted(area_stems("Sudzhansky District"))
    ['sudzhansk']
    """
    stems: set[str] = set()
    for key in latin_forms(name):
        words = [w for w in key.split() if w not in AREA_WORDS and w not in _GENERIC_AREA]
        if words:
            stems.add(" ".join(stem(w) for w in words))
    return stems


_GENERIC_AREA = frozenset(
    {"oblast", "oblast'", "region", "respublika", "republic", "of", "the", "city", "mis", "misto"}
)


class GazetteerWriter:
    """Write a gazetteer SQLite file row by row (context manager).

    The file is written to a temporary name next to ``path`` and moved into
    place by :meth:`close`, so a failed build never leaves a partial file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp_dir = make_temp_dir(self.path.parent)
        self._tmp = self._tmp_dir / self.path.name
        self.conn = sqlite3.connect(self._tmp)
        self.conn.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA page_size = 4096;
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE places(
                rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL,
                name_latin TEXT NOT NULL, name_ru TEXT, name_uk TEXT, feature_code TEXT NOT NULL,
                country_code TEXT NOT NULL, admin1 TEXT, admin2 TEXT, lat REAL NOT NULL,
                lon REAL NOT NULL, population INTEGER, source TEXT NOT NULL,
                quality TEXT NOT NULL, provenance TEXT NOT NULL, admin1_code TEXT NOT NULL,
                admin2_stem TEXT NOT NULL, layer TEXT NOT NULL, points TEXT NOT NULL,
                gn_id INTEGER);
            CREATE TABLE names(key TEXT NOT NULL, skel TEXT NOT NULL, place INTEGER NOT NULL,
                kind TEXT NOT NULL);
            CREATE TABLE areas(rowid INTEGER PRIMARY KEY, place INTEGER NOT NULL,
                level TEXT NOT NULL, stem TEXT NOT NULL);
            """
        )
        self._places: list[tuple[object, ...]] = []
        self._names: list[tuple[str, str, int, str]] = []
        self._rowid = 0
        self.count = 0
        self.name_count = 0

    def __enter__(self) -> GazetteerWriter:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.abort()

    def add(self, rec: PlaceRecord) -> int:
        """Queue one place and its name keys; return its row id."""
        return self._add_row(
            (
                rec.id,
                rec.name,
                rec.name_latin,
                rec.name_ru,
                rec.name_uk,
                rec.feature_code,
                rec.country_code,
                rec.admin1,
                rec.admin2,
                round(rec.lat, 6),
                round(rec.lon, 6),
                rec.population,
                rec.source,
                rec.quality,
                rec.provenance,
                rec.admin1_code,
                rec.admin2_stem,
                rec.layer,
                rec.points,
                rec.gn_id,
            ),
            rec.names,
            rec.alt_names,
            rec.former_names,
        )

    def _add_row(
        self,
        row: tuple[object, ...],
        names: Sequence[str],
        alt_names: Sequence[str],
        former_names: Sequence[str] = (),
    ) -> int:
        """Queue a place given as the columns of ``places`` after ``rowid``; return its row id.

        A key is indexed once per place, under the first of its kinds
        (``name``, ``alt``, ``former``) that gives it.
        """
        self._rowid += 1
        rid = self._rowid
        self._places.append((rid, *row))
        queue = self._names
        seen: set[str] = set()
        for kind, group in (("name", names), ("alt", alt_names), ("former", former_names)):
            for nm in group:
                for key, skel in _index_entries(nm):
                    if key not in seen:
                        seen.add(key)
                        queue.append((key, skel, rid, kind))
        self.count += 1
        if len(self._places) >= _BATCH:
            self.flush()
        return rid

    def add_names(self, rowid: int, names: Iterable[str], kind: str = "alt") -> None:
        """Index extra names for an already added place."""
        queue = self._names
        for nm in names:
            for key, skel in _index_entries(nm):
                queue.append((key, skel, rowid, kind))
        if len(queue) >= _BATCH * 4:
            self.flush()

    def add_area(self, rowid: int, level: str, stems: Iterable[str]) -> None:
        """Register area name stems of a place (country, admin1 or admin2)."""
        self.flush()
        self.conn.executemany(
            "INSERT INTO areas(place, level, stem) VALUES (?, ?, ?)",
            [(rowid, level, s) for s in sorted(set(stems)) if s],
        )

    def flush(self) -> None:
        """Write queued rows."""
        if self._places:
            self.conn.executemany(
                "INSERT INTO places VALUES (" + ",".join("?" * 21) + ")", self._places
            )
            self._places.clear()
        if self._names:
            self.conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", self._names)
            self.name_count += len(self._names)
            self._names.clear()

    def close(self, meta: dict[str, str]) -> Path:
        """Deduplicate name rows, build indexes, write ``meta`` and move the file in place."""
        self.flush()
        c = self.conn
        # Reversed skeletons let fuzzy search block on a name's end as well as its start,
        # so a typo in the first letters still finds the name.
        c.create_function("reverse_text", 1, lambda s: s[::-1], deterministic=True)
        c.executescript(
            """
            CREATE TABLE names2(key TEXT NOT NULL, place INTEGER NOT NULL,
                kind TEXT NOT NULL, PRIMARY KEY (key, place)) WITHOUT ROWID;
            INSERT INTO names2 SELECT key, place,
                CASE min(CASE kind WHEN 'name' THEN 0 WHEN 'alt' THEN 1 ELSE 2 END)
                    WHEN 0 THEN 'name' WHEN 1 THEN 'alt' ELSE 'former' END
                FROM names GROUP BY key, place ORDER BY key, place;
            -- one row per distinct key: fuzzy blocking scans keys, not (key, place) pairs
            CREATE TABLE keys(key TEXT PRIMARY KEY, skel TEXT NOT NULL, rskel TEXT NOT NULL)
                WITHOUT ROWID;
            INSERT INTO keys SELECT key, min(skel), reverse_text(min(skel)) FROM names
                GROUP BY key ORDER BY key;
            DROP TABLE names;
            ALTER TABLE names2 RENAME TO names;
            CREATE INDEX keys_skel ON keys(skel, key);
            CREATE INDEX keys_rskel ON keys(rskel, key);
            CREATE INDEX places_id ON places(id);
            CREATE INDEX places_gn ON places(gn_id);
            """
        )
        n_names = c.execute("SELECT count(*) FROM names").fetchone()[0]
        full = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "places": str(self.count),
            "names": str(n_names),
            **meta,
        }
        c.executemany("INSERT INTO meta VALUES (?, ?)", sorted(full.items()))
        c.commit()
        c.execute("VACUUM")
        c.close()
        os.replace(self._tmp, self.path)
        shutil.rmtree(self._tmp_dir, ignore_errors=True)
        return self.path

    def abort(self) -> None:
        """Discard the partial file."""
        with contextlib.suppress(Exception):
            self.conn.close()
        shutil.rmtree(self._tmp_dir, ignore_errors=True)


# --- GeoNames readers ----------------------------------------------------------


@contextlib.contextmanager
def _open_text(path: Path, *, member_hint: str | None = None) -> Iterator[tuple[IO[bytes], int]]:
    """Open a GeoNames text file, or the data member of a GeoNames zip, as bytes.

    Lines are decoded one at a time by :func:`_lines`, so a byte that is not UTF-8 is
    reported on its own line.
    """
    if not path.is_file():
        raise GazetteerNotFoundError(path)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                members = [
                    i
                    for i in zf.infolist()
                    if i.filename.endswith(".txt") and "readme" not in i.filename.lower()
                ]
                if member_hint:
                    members = [i for i in members if member_hint in i.filename] or members
                if not members:
                    raise GazetteerFormatError(
                        path, None, "zip archive holds no GeoNames .txt file"
                    )
                info = max(members, key=lambda i: i.file_size)
                with zf.open(info) as raw:
                    yield raw, info.file_size
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise GazetteerFormatError(
                path, None, f"the zip archive is damaged or truncated ({exc}); download it again"
            ) from None
    elif path.suffix.lower() == ".zip":
        raise GazetteerFormatError(
            path, None, "not a readable zip archive (damaged or truncated); download it again"
        )
    else:
        with path.open("rb") as fh:
            yield fh, path.stat().st_size


def _lines(fh: IO[bytes], path: Path) -> Iterator[tuple[int, str, int]]:
    """Yield (line number, decoded line, bytes) of a binary stream."""
    for lineno, raw in enumerate(fh, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise GazetteerFormatError(
                path, lineno, f"not UTF-8 (byte {exc.start + 1} of the line: {exc.reason})"
            ) from None
        yield lineno, line, len(raw)


def _first_data_line(path: Path) -> str:
    with _open_text(path) as (fh, _size):
        for _lineno, line, _n in _lines(fh, path):
            if line.strip() and not line.startswith("#"):
                return line
    raise GazetteerFormatError(path, 1, "file is empty")


def detect_format(path: str | Path) -> str:
    """Tell which GeoNames format a file is in.

    Returns
    -------
    str
        ``"geonames"`` (main dump, 19 columns), ``"postal"`` (12 columns) or
        ``"alternatenames"`` (alternateNames / V2).

    Raises
    ------
    GazetteerFormatError
        For any other layout, naming the file and line 1.
    """
    p = Path(path)
    line = _first_data_line(p)
    n = len(line.rstrip("\n").split("\t"))
    if "alternatenames" in p.name.lower() and n in ALTNAMES_COLUMNS:
        return "alternatenames"
    if n == MAIN_COLUMNS:
        return "geonames"
    if n == POSTAL_COLUMNS:
        return "postal"
    raise GazetteerFormatError(
        p,
        1,
        f"{n} tab-separated columns; expected a GeoNames dump ({MAIN_COLUMNS}), a postal-code "
        f"file ({POSTAL_COLUMNS}) or alternateNames ({ALTNAMES_COLUMNS[1]})",
    )


#: No settlement is more populous; a larger figure is a damaged row.
MAX_POPULATION = 100_000_000


def _population(path: Path, lineno: int, value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise GazetteerFormatError(path, lineno, f"population {value!r} is not a whole number")
    n = int(value)
    if n > MAX_POPULATION:
        raise GazetteerFormatError(
            path, lineno, f"population {value} is over {MAX_POPULATION:,}: the row is damaged"
        )
    return n or None


def _float(path: Path, lineno: int, value: str, what: str, lo: float, hi: float) -> float:
    try:
        v = float(value)
    except ValueError:
        raise GazetteerFormatError(path, lineno, f"{what} {value!r} is not a number") from None
    if not lo <= v <= hi:
        raise GazetteerFormatError(path, lineno, f"{what} {v} is outside [{lo}, {hi}]")
    return v


def _rows(
    path: Path, ncols: int | tuple[int, ...], progress: Callable[[int], None] | None
) -> Iterator[tuple[int, list[str]]]:
    allowed = (ncols,) if isinstance(ncols, int) else ncols
    with _open_text(path) as (fh, _size):
        for lineno, line, nbytes in _lines(fh, path):
            if progress is not None:
                progress(nbytes)
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").rstrip("\r").split("\t")
            if len(cols) not in allowed:
                raise GazetteerFormatError(
                    path, lineno, f"{len(cols)} columns, expected {allowed[-1]}"
                )
            yield lineno, cols


def _split_cyrillic(names: Iterable[str]) -> tuple[str | None, str | None]:
    ru = uk = None
    for nm in names:
        if not has_cyrillic(nm):
            continue
        if any(ch in nm for ch in "іїєґІЇЄҐ"):
            uk = uk or nm
        else:
            ru = ru or nm
    return ru, uk


def iter_geonames(
    path: str | Path,
    *,
    feature_classes: Sequence[str] | None = ("P", "A"),
    progress: Callable[[int], None] | None = None,
) -> Iterator[PlaceRecord]:
    """Stream places from a GeoNames main dump (``RU.zip``, ``allCountries.zip``...).

    Parameters
    ----------
    path : str or Path
        A ``.txt`` file or a GeoNames ``.zip``.
    feature_classes : sequence of str, optional
        Feature classes to keep (``P`` populated places, ``A`` admin areas by
        default); None keeps all.
    progress : callable, optional
        Called with the number of characters read, for a progress bar.

    Raises
    ------
    GazetteerFormatError
        On a malformed row, naming the file and line.
    """
    p = Path(path)
    for c, lat, lon, population, alts in _geonames_rows(p, feature_classes, progress):
        ru, uk = _split_cyrillic(alts)
        yield PlaceRecord(
            id=f"gn:{c[0]}",
            name=c[1],
            name_latin=c[2] or c[1],
            name_ru=ru,
            name_uk=uk,
            feature_code=c[7] or c[6],
            country_code=c[8],
            admin1=None,
            admin2=None,
            lat=lat,
            lon=lon,
            population=population,
            source="geonames",
            quality="ok",
            provenance=f"GeoNames {p.name} geonameid {c[0]} (CC BY 4.0)",
            admin1_code=f"{c[8]}.{c[10]}" if c[10] else "",
            admin2_stem=f"code:{c[11]}" if c[11] else "",
            names=[c[1], c[2]] if c[2] and c[2] != c[1] else [c[1]],
            alt_names=alts,
            gn_id=int(c[0]),
        )


def _geonames_rows(
    p: Path,
    feature_classes: Sequence[str] | None,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[list[str], float, float, int | None, list[str]]]:
    """Validate the kept rows of a main dump.

    Yields ``(columns, latitude, longitude, population, usable alternate names)``.
    """
    keep = set(feature_classes) if feature_classes else None
    for lineno, c in _rows(p, MAIN_COLUMNS, progress):
        if keep is not None and c[6] not in keep:
            continue
        if not c[0].isdigit():
            raise GazetteerFormatError(p, lineno, f"geonameid {c[0]!r} is not a number")
        if not c[1]:
            raise GazetteerFormatError(p, lineno, "empty name")
        lat = _float(p, lineno, c[4], "latitude", -90, 90)
        lon = _float(p, lineno, c[5], "longitude", -180, 180)
        alts = [a for a in c[3].split(",") if _usable_alt(a)] if c[3] else []
        yield c, lat, lon, _population(p, lineno, c[14]), alts


def iter_postal(
    path: str | Path, *, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Stream validated rows of a GeoNames postal-code file as ``(line, columns)``.

    Columns: country, postal code, place name, admin name1, admin code1,
    admin name2, admin code2, admin name3, admin code3, latitude, longitude,
    accuracy.

    Raises
    ------
    GazetteerFormatError
        On a malformed row, naming the file and line.
    """
    p = Path(path)
    for lineno, c in _rows(p, POSTAL_COLUMNS, progress):
        if len(c[0]) != 2 or not c[0].isalpha():
            raise GazetteerFormatError(p, lineno, f"country code {c[0]!r} is not ISO alpha-2")
        if not c[2]:
            raise GazetteerFormatError(p, lineno, "empty place name")
        _float(p, lineno, c[9], "latitude", -90, 90)
        _float(p, lineno, c[10], "longitude", -180, 180)
        yield lineno, c


def iter_alternate_names(
    path: str | Path, *, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, str, str]]:
    """Stream ``(geonameid, isolanguage, name)`` from ``alternateNamesV2``.

    Links, postal codes, IATA/ICAO codes and other non-name rows are skipped.
    """
    p = Path(path)
    skip = {"link", "post", "iata", "icao", "faac", "fr_1793", "abbr", "wkdt", "unlc", "tcid"}
    for lineno, c in _rows(p, ALTNAMES_COLUMNS, progress):
        if not c[1].isdigit():
            raise GazetteerFormatError(p, lineno, f"geonameid {c[1]!r} is not a number")
        if c[2] in skip or not _usable_alt(c[3]):
            continue
        yield int(c[1]), c[2], c[3]


# --- user builds from GeoNames dumps -------------------------------------------


def postal_records(
    path: str | Path, progress: Callable[[int], None] | None = None
) -> Iterator[PlaceRecord]:
    """Group postal rows of one settlement (several codes, one point) into one place."""
    path = Path(path)
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    for _lineno, c in iter_postal(path, progress=progress):
        key: tuple[str, ...] = (c[0], c[2], c[3], c[5], c[9], c[10])
        groups.setdefault(key, []).append(c)
    coord_names: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for gkey in groups:
        coord_names.setdefault((gkey[4], gkey[5]), set()).add((gkey[1], gkey[2], gkey[3]))
    for key, rows in groups.items():
        c = min(rows, key=lambda r: r[1])
        acc = max((int(r[11]) if r[11].isdigit() else 0) for r in rows)
        flags = []
        if acc < 4:
            flags.append("low-accuracy")
        if len(coord_names[(key[4], key[5])]) > 1:
            flags.append("shared-coordinate")
        ru, uk = _split_cyrillic([c[2]])
        yield PlaceRecord(
            id=f"postal:{c[0]}:{c[1]}",
            name=c[2],
            name_latin=romanize(c[2])[0],
            name_ru=ru,
            name_uk=uk,
            feature_code="PPL",
            country_code=c[0],
            admin1=c[3] or None,
            admin2=c[5] or None,
            lat=float(c[9]),
            lon=float(c[10]),
            population=None,
            source="geonames-postal",
            quality=",".join(flags) or "ok",
            provenance=(
                f"GeoNames postal codes {path.name} {c[0]} "
                f"{', '.join(sorted(r[1] for r in rows))} accuracy {acc} (CC BY)"
            ),
            admin1_code=f"{c[0]}.{c[4]}" if c[4] else "",
            admin2_stem=" ".join(stem(w) for w in fold(romanize(c[5])[0]).split()[:1])
            if c[5]
            else "",
            names=[c[2]],
        )


def build_gazetteer(
    sources: Sequence[str | Path],
    output: str | Path,
    *,
    feature_classes: Sequence[str] | None = ("P", "A"),
    progress: bool = False,
) -> dict[str, int]:
    """Build a gazetteer file from GeoNames dumps as distributed.

    Parameters
    ----------
    sources : sequence of path
        Main dumps (``RU.zip``, ``UA.txt``, ``allCountries.zip``,
        ``cities500.zip``), postal-code files, and optionally
        ``alternateNamesV2.zip`` (applied to places from the other files).
        The format of each is detected from its columns.
    output : path
        The gazetteer file to write (atomically).
    feature_classes : sequence of str, optional
        GeoNames feature classes kept from main dumps (default P and A).
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    dict
        Counts: ``places``, ``names``, ``alternate_names``, per-format files.

    Raises
    ------
    GazetteerNotFoundError, GazetteerFormatError
        A source is missing or malformed (file and line are named).

    Examples
    --------
    >>> build_gazetteer(["RU.zip", "alternateNamesV2.zip"], "ru.sqlite")  # doctest: +SKIP
    {'places': 372000, ...}
    """
    paths = [Path(s) for s in sources]
    out = Path(output)
    if not str(output).strip() or not out.name:
        raise GazetteerFormatError(out, None, "give a file path for the gazetteer to write")
    if out.is_dir():
        raise GazetteerFormatError(out, None, "is a folder; give a file path for the gazetteer")
    if not paths:
        raise GazetteerFormatError(out, None, "no source files given")
    for p in paths:
        if out.exists() and p.exists() and out.resolve() == p.resolve():
            raise GazetteerFormatError(
                out, None, "the output is also an input file; write the gazetteer elsewhere"
            )
    feature_classes = _check_feature_classes(feature_classes)
    formats = [(p, detect_format(p)) for p in paths]
    total = 0
    for p, _fmt in formats:
        with _open_text(p) as (_fh, size):
            total += size
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="B", unit_scale=True, desc="gazetteer", leave=True)
    tick: Callable[[int], None] | None = None
    if bar is not None:
        progress_bar = bar

        def tick(n: int) -> None:
            progress_bar.update(n)

    stats = {"places": 0, "names": 0, "alternate_names": 0}
    try:
        with gc_paused():  # millions of rows, no reference cycles (see geokursk.gcpause)
            return _build(formats, paths, out, feature_classes, tick, stats)
    except sqlite3.OperationalError as exc:  # "database or disk is full", I/O errors
        raise ExportError(
            f"cannot write the gazetteer {str(out)!r}: {exc}; free disk space or write it elsewhere"
        ) from None
    finally:
        if bar is not None:
            bar.close()


def _build(
    formats: Sequence[tuple[Path, str]],
    paths: Sequence[Path],
    output: Path,
    feature_classes: Sequence[str] | None,
    tick: Callable[[int], None] | None,
    stats: dict[str, int],
) -> dict[str, int]:
    """Write the gazetteer of :func:`build_gazetteer` (sources already checked)."""
    with GazetteerWriter(output) as w:
        admin_names: dict[tuple[str, str], str] = {}
        for p, fmt in formats:
            if fmt == "geonames":
                _add_geonames(w, p, feature_classes, tick, admin_names)
            elif fmt == "postal":
                for rec in postal_records(p, tick):
                    w.add(rec)
        for p, fmt in formats:
            if fmt != "alternatenames":
                continue
            stats["alternate_names"] += _apply_alternate_names(w, p, tick)
        w.flush()
        # Admin-1 names for places from main dumps come from the ADM1 rows.
        w.conn.executemany(
            "UPDATE places SET admin1 = ? WHERE admin1 IS NULL AND admin1_code = ?",
            [(name, code) for (_cc, code), name in sorted(admin_names.items())],
        )
        stats["places"] = w.count
        if w.count == 0:
            kept = ",".join(feature_classes or ["*"])
            raise GazetteerFormatError(
                output,
                None,
                f"no places to write: the sources hold no rows of feature classes {kept} "
                "(an alternate-names file only adds names to places from main dumps or "
                "postal files given with it)",
            )
        w.close(
            {
                "built_from": ", ".join(p.name for p in paths),
                "feature_classes": ",".join(feature_classes or ["*"]),
            }
        )
        with sqlite3.connect(Path(output)) as c:
            stats["names"] = int(c.execute("SELECT count(*) FROM names").fetchone()[0])
    return stats


_AREA_LEVELS = {"ADM1": "admin1", "ADM2": "admin2", "PCLI": "country"}


def _add_geonames(
    w: GazetteerWriter,
    p: Path,
    feature_classes: Sequence[str] | None,
    tick: Callable[[int], None] | None,
    admin_names: dict[tuple[str, str], str],
) -> None:
    """Write the places of a main dump.

    The rows are those :func:`iter_geonames` gives, written without making a
    :class:`PlaceRecord` of each.
    """
    source = f"GeoNames {p.name} geonameid "
    for c, lat, lon, population, alts in _geonames_rows(p, feature_classes, tick):
        gid, name, latin, cc = c[0], c[1], c[2] or c[1], c[8]
        feature_code = c[7] or c[6]
        admin1_code = f"{cc}.{c[10]}" if c[10] else ""
        ru, uk = _split_cyrillic(alts) if alts else (None, None)
        rid = w._add_row(
            (
                f"gn:{gid}",
                name,
                latin,
                ru,
                uk,
                feature_code,
                cc,
                None,
                None,
                round(lat, 6),
                round(lon, 6),
                population,
                "geonames",
                "ok",
                f"{source}{gid} (CC BY 4.0)",
                admin1_code,
                f"code:{c[11]}" if c[11] else "",
                "",
                "",
                int(gid),
            ),
            [name, c[2]] if c[2] and c[2] != name else [name],
            alts,
        )
        level = _AREA_LEVELS.get(feature_code)
        if level is not None:
            stems: set[str] = set()
            for nm in [name, latin, *alts]:
                stems |= area_stems(nm)
            w.add_area(rid, level, stems)
            if feature_code == "ADM1":
                admin_names[(cc, admin1_code)] = latin


#: GeoNames feature classes (https://www.geonames.org/export/codes.html).
FEATURE_CLASSES = frozenset("AHLPRSTUV")


def _check_feature_classes(classes: Sequence[str] | None) -> list[str] | None:
    """Validate GeoNames feature classes (``None`` keeps all)."""
    if classes is None:
        return None
    given = [c.strip() for c in classes if c.strip()]
    if not given:
        raise GazetteerFormatError(
            Path("--feature-classes"), None, "no feature class given; use e.g. P,A or '*'"
        )
    bad = [c for c in given if c not in FEATURE_CLASSES]
    if bad:
        raise GazetteerFormatError(
            Path("--feature-classes"),
            None,
            f"unknown GeoNames feature class(es) {', '.join(map(repr, bad))}; classes are "
            f"one upper-case letter of {', '.join(sorted(FEATURE_CLASSES))} (e.g. P,A)",
        )
    return given


def _apply_alternate_names(
    w: GazetteerWriter, path: Path, tick: Callable[[int], None] | None
) -> int:
    """Attach alternateNamesV2 rows to places already written (joined on geonameid)."""
    w.flush()
    w.conn.execute("CREATE INDEX IF NOT EXISTS places_gn_tmp ON places(gn_id)")
    n = 0
    batch: list[tuple[int, str, str]] = []

    def _flush() -> None:
        ids = sorted({b[0] for b in batch})
        rowids: dict[int, int] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT gn_id, rowid FROM places WHERE gn_id IN ({','.join('?' * len(chunk))})"
            rowids.update({int(a): int(b) for a, b in w.conn.execute(q, chunk)})
        for gid, lang, name in batch:
            rid = rowids.get(gid)
            if rid is None:
                continue
            w.add_names(rid, [name])
            if lang in ("ru", "uk"):
                col = "name_ru" if lang == "ru" else "name_uk"
                w.conn.execute(
                    f"UPDATE places SET {col} = ? WHERE rowid = ? AND {col} IS NULL", (name, rid)
                )
        batch.clear()

    for gid, lang, name in iter_alternate_names(path, progress=tick):
        batch.append((gid, lang, name))
        n += 1
        if len(batch) >= _BATCH:
            _flush()
    if batch:
        _flush()
    w.conn.execute("DROP INDEX IF EXISTS places_gn_tmp")
    return n
