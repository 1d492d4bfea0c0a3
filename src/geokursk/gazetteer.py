"""The gazetteer: an on-disk SQLite index of places and their name keys.

A gazetteer file is a SQLite database written by :mod:`geokursk.build`.
It is opened read-only and queried through indexes, so start-up is instant
and memory stays small whatever its size (the shipped one holds the border
regions' villages and the world's cities; one built from GeoNames
``allCountries`` holds millions of rows).

Tables
------
``meta(key, value)``
    ``format`` = ``geokursk-gazetteer``, ``version``, ``built_from`` ...
``places``
    One row per place with the columns of :class:`Place`, plus
    ``admin1_code`` (GeoNames style ``RU.41``) and ``admin2_stem`` used to
    test a candidate against the areas named in the context.
``names(key, place, kind)``
    Every folded Latin key of every name of a place (see
    :func:`geokursk.normalize.latin_forms`); ``kind`` is ``name``, ``alt``
    or ``former``.
``keys(key, skel, rskel)``
    Each distinct key once, with its consonant skeleton and the reversed
    skeleton (fuzzy search blocks on either end of a name).
``areas(place, level, country_code, admin1_code, stem)``
    Name stems of countries, admin-1 and admin-2 areas, for recognising
    "Kursk region" or "Sudzha district" in free text.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from geokursk.errors import GazetteerFormatError, GazetteerNotFoundError

__all__ = [
    "AREA_FEATURES",
    "ENV_VAR",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "SOFT_FLAGS",
    "AreaName",
    "Gazetteer",
    "NameHit",
    "Place",
    "SourcePoint",
    "cache_dir",
    "cyrillic_name",
    "default_gazetteer_path",
    "haversine_km",
]

#: Environment variable naming a gazetteer file to use instead of the shipped one.
ENV_VAR = "GEOKURSK_GAZETTEER"
FORMAT_NAME = "geokursk-gazetteer"
FORMAT_VERSION = "3"
#: Places kept in memory per open gazetteer once read (each is ~1 kB); cleared when full.
#: Shortest skeleton searched one consonant away (Pyuvokh finds Pyuvok: p-v-h, p-v-k).
MIN_EDIT_SKELETON = 3
PLACE_CACHE_LIMIT = 100_000
#: Bytes of a gazetteer file SQLite reads through a memory map (address space, not memory).
MMAP_BYTES = 1 << 30
#: Name-key lookups remembered per open gazetteer; cleared when full.
HITS_MEMO_LIMIT = 50_000

#: Feature codes that denote an area rather than a point-like place.
AREA_FEATURES = frozenset(
    {"ADM1", "ADM2", "ADM3", "ADM4", "ADMD", "PCLI", "PCLD", "PCLF", "PCLIX", "PCLS", "PCL", "TERR"}
)

#: Columns of the places table, in the order of :class:`Place` fields.
PLACE_COLUMNS = (
    "id",
    "name",
    "name_latin",
    "name_ru",
    "name_uk",
    "feature_code",
    "country_code",
    "admin1",
    "admin2",
    "lat",
    "lon",
    "population",
    "source",
    "quality",
    "provenance",
    "admin1_code",
    "admin2_stem",
    "layer",
    "points",
)

#: Quality flags that inform but do not block a confident answer: a point from a
#: commercial geocoder (checked against the admin unit like every other point), the
#: centroid of an area polygon (quattroshapes rows of Who's On First), and
#: sources that put one place more than 3 km apart (the chosen point follows the rules
#: in ``geo/README.md``; every point stays listed in :attr:`Place.sources`).
SOFT_FLAGS = frozenset({"commercial-geocoder", "points-disagree", "area-centroid"})


@lru_cache(maxsize=1024)
def _quality_ok(quality: str) -> bool:
    """Tell whether every flag of a quality string is a soft one (a few distinct strings)."""
    return quality == "ok" or all(f in SOFT_FLAGS for f in quality.split(",") if f and f != "ok")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two (lat, lon) points."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class SourcePoint:
    """Where one source puts a place (a stacked place keeps every source's point).

    Attributes
    ----------
    id : str
        The row id in its layer.
    layer : str
        The layer it came from.
    source : str
        The source within the layer (``rosstat``, ``geonames-postal``...).
    lat, lon : float
        The source's point.
    quality : str
        The source row's own flags (``ok`` when none).
    km : float
        Distance from the point the place uses.
    chosen : bool
        True for the point the place uses.
    """

    id: str
    layer: str
    source: str
    lat: float
    lon: float
    quality: str
    km: float
    chosen: bool


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    id : str
        Stable identifier with its source prefix, e.g. ``"postal:RU:307823"``,
        ``"gn:498817"``, ``"ne:RU-KRS"`` or ``"country:NP"``.
    name : str
        The name as the source writes it (Cyrillic for postal rows).
    name_latin : str
        A Latin form (Wikipedia-style romanisation unless the source has one).
    name_ru, name_uk : str or None
        Russian and Ukrainian forms where known.
    feature_code : str
        GeoNames-style feature code (``PPL``, ``PPLA``, ``ADM1``, ``PCLI``...).
    country_code : str
        ISO 3166-1 alpha-2 code.
    admin1, admin2 : str or None
        Region and district names (English where known).
    lat, lon : float
        WGS84 latitude and longitude of the place (label point for areas).
    population : int or None
        Population where the source gives it.
    source : str
        Which source supplied the row (``geonames-postal``, ``wikipedia``...).
    quality : str
        ``"ok"``, or the flags the build raised (``outside-admin1``,
        ``shared-coordinate``, ``low-accuracy``, ``points-disagree``...).  Flagged
        places never become confident answers.
    provenance : str
        Human-readable origin: file, row id, licence.
    admin1_code : str
        GeoNames-style admin-1 code (``RU.41``) or ``""``.
    admin2_stem : str
        Stem of the district name, used for context matching, or ``""``.
    layer : str
        The gazetteer layer whose point the place uses (``""`` for a single file).
    points : str
        The source points as JSON (see :attr:`sources`).
    sources : tuple of SourcePoint
        Every source row merged into this place, with its point and its
        distance from the point used (empty for a single-source place).
    """

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
    layer: str = ""
    points: str = field(default="", repr=False, compare=False)

    @cached_property
    def sources(self) -> tuple[SourcePoint, ...]:
        """Every source row merged into this place (parsed on first access)."""
        if not self.points:
            return ()
        return tuple(SourcePoint(**p) for p in json.loads(self.points))

    @cached_property
    def flags(self) -> tuple[str, ...]:
        """The build's quality flags (empty when the row is ``ok``)."""
        return tuple(f for f in self.quality.split(",") if f and f != "ok")

    @property
    def is_area(self) -> bool:
        """True for countries and administrative areas."""
        return self.feature_code in AREA_FEATURES

    @cached_property
    def ok(self) -> bool:
        """True when no flag blocks a confident answer (see :data:`SOFT_FLAGS`)."""
        return _quality_ok(self.quality)

    def admin_path(self) -> str:
        """Return ``"country / admin1 / admin2"`` for display."""
        parts = [self.country_code, self.admin1 or "", self.admin2 or ""]
        return " / ".join(p for p in parts if p)

    @property
    def name_cyrillic(self) -> str | None:
        """The place's name in Cyrillic, or None when no source gives one.

        The source's own name when it is Cyrillic, else the Ukrainian form
        for a place in Ukraine and the Russian form elsewhere (else the
        other one).  Names mixing Latin letters in (``Məskəү``, a mislabelled
        alternate name) are not taken.

        Examples
        --------
        >>> from geokursk.geocode import Geocoder
        >>> Geocoder().geocode("Kupiansk").place.name_cyrillic
        "Куп'янськ"
        """
        return cyrillic_name(self.name, self.name_ru, self.name_uk, self.country_code)

    @property
    def label(self) -> str:
        """Latin name with the Cyrillic one next to it: ``"Pokrovsk (Покровськ)"``.

        Just the Latin name when no Cyrillic form is known (``"Washington"``).
        """
        cyr = self.name_cyrillic
        return f"{self.name_latin} ({cyr})" if cyr and cyr != self.name_latin else self.name_latin

    def __repr__(self) -> str:
        return (
            f"Place({self.id!r}, {self.label!r}, {self.admin_path()!r}, "
            f"lat={self.lat:.4f}, lon={self.lon:.4f}, quality={self.quality!r})"
        )


# Gazetteer._place fills a Place's fields from a row of PLACE_COLUMNS by name.
if PLACE_COLUMNS != tuple(f.name for f in fields(Place)):  # pragma: no cover
    raise RuntimeError("PLACE_COLUMNS must list Place's fields in order")


def cyrillic_name(
    name: str | None, name_ru: str | None, name_uk: str | None, country_code: str | None
) -> str | None:
    """Choose the Cyrillic name of a place (the rule of :attr:`Place.name_cyrillic`).

    Examples
    --------
    >>> cyrillic_name("Pokrovsk", "Покровск", "Покровськ", "UA")
    'Покровськ'
    >>> cyrillic_name("Moscow", "Məskəү", None, "RU") is None
    True
    """
    if country_code == "UA":
        order = (name, name_uk, name_ru)
    else:
        order = (name, name_ru, name_uk)
    return next((n for n in order if n and _all_cyrillic(n)), None)


def _all_cyrillic(text: str) -> bool:
    """Return True when every letter of ``text`` is Cyrillic (and there is one)."""
    # U+02BC, the Ukrainian apostrophe, counts as a letter (Lm) but belongs to the script.
    letters = [ch for ch in text if ch.isalpha() and ch != "\u02bc"]
    return bool(letters) and all("\u0400" <= ch <= "\u052f" for ch in letters)


@dataclass(frozen=True)
class NameHit:
    """A place found under a name key, with the key and how it was indexed."""

    place: Place
    key: str
    kind: str


@dataclass(frozen=True)
class AreaName:
    """A name stem of a country or administrative area."""

    place: Place
    level: str  # "country", "admin1" or "admin2"
    stem: str


def default_gazetteer_path() -> Path:
    """Return the gazetteer used when none is given.

    ``$GEOKURSK_GAZETTEER`` wins when set (a file built with ``geokursk
    gazetteer build``).  Otherwise the stack of the user's layers and the
    layers shipped in the package (:func:`geokursk.layers.list_layers`),
    merged once into a cache file under :func:`cache_dir` whose name carries
    a digest of the layers and of the code that derives name keys (so an
    upgrade never reads a stale cache).  The first use builds it (about a
    minute); later starts open it at once.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    from geokursk.layers import list_layers
    from geokursk.stack import ensure_stack

    layers = list_layers()
    if not layers:
        raise GazetteerNotFoundError(
            Path(str(resources.files("geokursk") / "data" / "layers")),
            "the package ships no gazetteer layers; reinstall geokursk or set $" + ENV_VAR,
        )
    return ensure_stack(layers, progress=True)


def cache_dir() -> Path:
    """Return the folder where geokursk unpacks its shipped data."""
    env = os.environ.get("GEOKURSK_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geokursk"


class Gazetteer:
    """Read-only access to a gazetteer file.

    Parameters
    ----------
    path : str or Path, optional
        A file written by ``geokursk gazetteer build`` (or the build script).
        Defaults to :func:`default_gazetteer_path`.

    Raises
    ------
    GazetteerNotFoundError
        The file does not exist or cannot be opened.
    GazetteerFormatError
        The file is not a geokursk gazetteer (e.g. a raw GeoNames dump was
        passed: build it first with ``geokursk gazetteer build``).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_gazetteer_path()
        if not self.path.is_file():
            raise GazetteerNotFoundError(
                self.path,
                f"build one with `geokursk gazetteer build FILE... -o PATH` or unset ${ENV_VAR}",
            )
        self._local = threading.local()
        self._place_cache: dict[int, Place] = {}
        self._hits_memo: dict[tuple[str, ...], tuple[NameHit, ...]] = {}
        self.meta = self._read_meta()

    # SQLite connections may not cross threads; keep one per thread.
    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            try:
                conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                conn.execute("PRAGMA query_only = 1")
                # Read pages through a memory map: no read call per page of the random
                # row lookups a query makes (the file is read-only and immutable).
                conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            except sqlite3.Error as exc:
                raise GazetteerNotFoundError(self.path, str(exc)) from exc
            self._local.conn = conn
        return conn

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        """Run a query and fetch all rows; a damaged file is a clear error, not a traceback."""
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerFormatError(
                self.path,
                None,
                f"the gazetteer file is damaged ({exc}); rebuild it (`geokursk gazetteer "
                "build`), or delete it if it is the cache, which is then rebuilt",
            ) from None

    def _read_meta(self) -> dict[str, str]:
        try:
            rows = self._conn().execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerFormatError(
                self.path,
                None,
                f"not a geokursk gazetteer ({exc}); raw GeoNames files must be built first: "
                "`geokursk gazetteer build FILE... -o PATH`",
            ) from exc
        meta = {str(k): str(v) for k, v in rows}
        if meta.get("format") != FORMAT_NAME:
            raise GazetteerFormatError(
                self.path, None, f"meta.format is {meta.get('format')!r}, expected {FORMAT_NAME!r}"
            )
        tables = {str(r[0]) for r in self._rows("SELECT name FROM sqlite_master")}
        missing = sorted({"places", "names", "keys", "areas"} - tables)
        if missing:
            raise GazetteerFormatError(
                self.path,
                None,
                f"the gazetteer has no {', '.join(missing)} table(s); it is incomplete, "
                "rebuild it with `geokursk gazetteer build`",
            )
        if meta.get("version") != FORMAT_VERSION:
            raise GazetteerFormatError(
                self.path,
                None,
                f"gazetteer format version {meta.get('version')!r} is not supported "
                f"(expected {FORMAT_VERSION!r}); rebuild it with this geokursk",
            )
        return meta

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r}, places={self.meta.get('places', '?')})"

    def __len__(self) -> int:
        return int(self.meta.get("places", "0"))

    @property
    def layers(self) -> list[dict[str, object]]:
        """The layers this gazetteer was stacked from (name, licence, rows...), or []."""
        text = self.meta.get("layers")
        return list(json.loads(text)) if text else []

    # -- places ------------------------------------------------------------

    _SELECT = "SELECT rowid, " + ", ".join(PLACE_COLUMNS) + " FROM places"

    def _place(self, row: Sequence[object]) -> Place:
        # Tens of places are read for each new name: their fields are set at once, as the
        # frozen dataclass's __init__ would set them one by one (a third of the cost).  The
        # columns are Place's fields in order (checked below Place).
        place = object.__new__(Place)
        fields_ = place.__dict__
        fields_.update(zip(PLACE_COLUMNS, row[1:], strict=True))
        # Read on every candidate of every query: set once here, as the cached property
        # would on first access (a frozen dataclass still has its __dict__).
        fields_["ok"] = _quality_ok(place.quality)
        lat, lon = place.lat, place.lon
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise GazetteerFormatError(
                self.path,
                None,
                f"place {place.id} has coordinates out of range ({lat}, {lon}): the file is "
                "damaged; delete it to have the cache rebuilt, or rebuild it with "
                "`geokursk gazetteer build`",
            )
        return place

    def place(self, place_id: str) -> Place | None:
        """Return the place with this id, or None."""
        rows = self._rows(self._SELECT + " WHERE id = ?", (place_id,))
        return self._place(rows[0]) if rows else None

    def _places_by_rowid(self, rowids: Iterable[int]) -> dict[int, Place]:
        # Places are immutable: each is read from the file once per process and shared
        # (a bounded cache, cleared when full, like the geocoder's memos).
        cache = self._place_cache
        out: dict[int, Place] = {}
        missing: list[int] = []
        for rowid in set(rowids):
            place = cache.get(rowid)
            if place is None:
                missing.append(rowid)
            else:
                out[rowid] = place
        missing.sort()
        if len(cache) + len(missing) > PLACE_CACHE_LIMIT:
            cache.clear()
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._rows(self._SELECT + f" WHERE rowid IN ({marks})", chunk):
                place = out[row[0]] = self._place(row)
                cache[row[0]] = place
        return out

    # -- names ---------------------------------------------------------------

    def _hits(self, sql: str, params: Sequence[object]) -> list[NameHit]:
        rows = self._rows(sql, params)  # (place rowid, key, kind): int, str, str
        places = self._places_by_rowid(r[0] for r in rows)
        return [NameHit(places[r[0]], r[1], r[2]) for r in rows]

    def by_keys(self, keys: Iterable[str]) -> list[NameHit]:
        """Return every place indexed under one of these folded Latin keys."""
        ks = tuple(sorted(set(keys)))
        if not ks:
            return []
        # Extraction looks up every capitalised word of every article: the same keys
        # come back again and again, and hits are immutable.
        known = self._hits_memo.get(ks)
        if known is None:
            marks = ",".join("?" * len(ks))
            known = tuple(
                self._hits(f"SELECT place, key, kind FROM names WHERE key IN ({marks})", ks)
            )
            if len(self._hits_memo) >= HITS_MEMO_LIMIT:
                self._hits_memo.clear()
            self._hits_memo[ks] = known
        return list(known)

    def keys_by_skeletons(self, skeletons: Iterable[str], *, limit: int = 20000) -> list[str]:
        """Return distinct name keys whose skeleton equals one of ``skeletons``."""
        ss = sorted(set(s for s in skeletons if s))
        if not ss:
            return []
        marks = ",".join("?" * len(ss))
        rows = self._rows(f"SELECT key FROM keys WHERE skel IN ({marks}) LIMIT ?", [*ss, limit])
        return [str(r[0]) for r in rows]

    def keys_by_skeleton_prefix(
        self, prefix: str, *, reverse: bool = False, limit: int = 20000
    ) -> list[str]:
        """Return distinct name keys whose skeleton starts with ``prefix``.

        With ``reverse=True`` the prefix is matched against the reversed
        skeleton, i.e. it selects names by how they *end*.  Used to block
        fuzzy matching: only these keys are scored, never the whole table.
        """
        if not prefix:
            return []
        column = "rskel" if reverse else "skel"
        rows = self._rows(
            f"SELECT key FROM keys WHERE {column} >= ? AND {column} < ? LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        )
        return [str(r[0]) for r in rows]

    def keys_by_skeleton_edits(self, skel: str, *, limit: int = 5000) -> list[str]:
        """Return distinct name keys whose skeleton is one edit away from ``skel``.

        One consonant changed, added or dropped anywhere (``mnhm`` finds ``mnkm``,
        ``rmsn`` finds ``rmvsn``), where blocking on the first or last three letters
        misses an edit in the middle of a short skeleton.  Each pattern is a ``GLOB``
        on the skeleton index, or on the reversed one when the edit lies in the first
        half, so that at least half the skeleton is a fixed index prefix.

        Parameters
        ----------
        skel : str
            A skeleton (:func:`geokursk.normalize.skeleton`) of at least
            :data:`MIN_EDIT_SKELETON` letters; shorter ones give ``[]`` (one edit of two
            letters matches too much).
        limit : int
            Keys read per pattern at most.

        Returns
        -------
        list of str
            Distinct keys, sorted.
        """
        n = len(skel)
        if n < MIN_EDIT_SKELETON or not skel.replace(" ", "").isalnum():
            return []
        patterns: set[str] = set()
        for i in range(n + 1):
            if i < n:
                patterns.add(skel[:i] + "?" + skel[i + 1 :])  # changed
                patterns.add(skel[:i] + skel[i + 1 :])  # dropped
            patterns.add(skel[:i] + "?" + skel[i:])  # added
        out: set[str] = set()
        for pat in sorted(patterns):
            wild = pat.find("?")
            if n < 4 and 0 <= wild and max(wild, len(pat) - 1 - wild) < 2:
                continue  # a short skeleton's middle edit: an index prefix of one letter
            if wild < 0:
                rows = self._rows("SELECT key FROM keys WHERE skel = ? LIMIT ?", (pat, limit))
            elif wild >= len(pat) - 1 - wild:  # the fixed part before the wildcard is longer
                rows = self._rows("SELECT key FROM keys WHERE skel GLOB ? LIMIT ?", (pat, limit))
            else:
                rows = self._rows(
                    "SELECT key FROM keys WHERE rskel GLOB ? LIMIT ?", (pat[::-1], limit)
                )
            out.update(str(r[0]) for r in rows)
        return sorted(out)

    def places_by_rowids(self, rowids: Iterable[int]) -> dict[int, Place]:
        """Return places keyed by internal row id."""
        return self._places_by_rowid(rowids)

    def settlements(self, columns: Sequence[str]) -> list[tuple[object, ...]]:
        """Return the given columns of every settlement (feature code ``PPL...``), in row order.

        Used to build point indexes (reverse geocoding) without making a
        :class:`Place` of each of a quarter of a million rows.

        Parameters
        ----------
        columns : sequence of str
            Columns of :class:`Place` (``"id"``, ``"lat"``, ``"quality"``...).

        Raises
        ------
        ValueError
            A column that is not one of :class:`Place`'s.
        """
        unknown = [c for c in columns if c not in PLACE_COLUMNS]
        if unknown:
            raise ValueError(f"unknown place column(s) {unknown!r}; use {list(PLACE_COLUMNS)!r}")
        sql = (
            f"SELECT {', '.join(columns)} FROM places WHERE feature_code LIKE 'PPL%' ORDER BY rowid"
        )
        return [tuple(r) for r in self._rows(sql)]

    def names_of(self, place_id: str) -> list[str]:
        """Return every indexed key of one place (for explanations and tests)."""
        rows = self._rows(
            "SELECT DISTINCT n.key FROM names n JOIN places p ON p.rowid = n.place "
            "WHERE p.id = ? ORDER BY n.key",
            (place_id,),
        )
        return [str(r[0]) for r in rows]

    # -- areas ---------------------------------------------------------------

    def areas(self) -> tuple[AreaName, ...]:
        """Return the name stems of every country and admin area (cached)."""
        return _areas_cached(self)


@lru_cache(maxsize=8)
def _areas_cached(gaz: Gazetteer) -> tuple[AreaName, ...]:
    rows = gaz._rows("SELECT place, level, stem FROM areas ORDER BY rowid")
    places = gaz.places_by_rowids(int(r[0]) for r in rows)
    return tuple(AreaName(places[int(r[0])], str(r[1]), str(r[2])) for r in rows)
