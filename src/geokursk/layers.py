"""Gazetteer layers: files of places from sources under one licence.

The gazetteer is a stack of layers queried together (see
:mod:`geokursk.stack`).  A layer holds what its sources say and nothing that
depends on geokursk's code: names as written, points, admin units, quality
flags and provenance.  Name keys, indexes and the merging of one place's
rows across layers are derived at first use and cached per code version,
so a change of normalisation rebuilds a cache instead of the data.

File format
-----------
A layer is one xz-compressed JSON Lines file (``NAME.layer.jsonl.xz``).
Line 1 is the header::

    {"format": "geokursk-layer", "version": "1", "name": "ru-register",
     "licence": "GPL-3.0-or-later", "attribution": "...", "sources": [...],
     "description": "...", "point_rank": 2, "rows": 155921, "sha256": "..."}

Every other line is one place (the fields of
:class:`geokursk.build.PlaceRecord`; empty fields are left out) or, in a
*names* layer, a link that adds former names to a place of another layer::

    {"link": {"country": "UA", "admin1": "UA-14", "name": "Бахмут"},
     "former_names": ["Артемівськ", "Артёмовск"], "note": "renamed 2016"}

``point_rank`` orders the layers when one place has points in several of
them (lower wins): 0 user layers, 1 hand-checked points (Wikipedia), 2
settlement registers, 3 postal codes and city lists.

User layers
-----------
Analysts keep their own verified places in CSV or GeoJSON files (or GeoNames
dumps).  :func:`layer_from_file` converts one into a layer; every bad row is
an error naming the file and line.  :func:`add_user_layer` stores it in
:func:`user_layer_dir`, where the default geocoder finds it; user layers take
priority over the shipped ones.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from geokursk.atomic import write_atomic
from geokursk.build import PlaceRecord, detect_format, iter_geonames, postal_records
from geokursk.errors import GazetteerFormatError, GazetteerNotFoundError, LayerError

__all__ = [
    "LAYER_FORMAT",
    "LAYER_SUFFIX",
    "LAYER_VERSION",
    "USER_RANK",
    "Layer",
    "NameLink",
    "add_user_layer",
    "iter_layer",
    "layer_from_file",
    "list_layers",
    "read_layer",
    "remove_user_layer",
    "shipped_layers",
    "user_layer_dir",
    "user_layers",
    "write_layer",
]

LAYER_FORMAT = "geokursk-layer"
LAYER_VERSION = "1"
LAYER_SUFFIX = ".layer.jsonl.xz"
#: ``point_rank`` of user layers: their points win over every shipped source.
USER_RANK = 0
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_RECORD_FIELDS = {f.name for f in fields(PlaceRecord)}
_REQUIRED_HEADER = ("name", "licence", "attribution", "point_rank")
# Empty fields are left out of the file; these are their values when read back.
_EMPTY_FIELDS: dict[str, Any] = {
    "name_latin": "",
    "name_ru": None,
    "name_uk": None,
    "admin1": None,
    "admin2": None,
    "population": None,
    "country_code": "",
    "quality": "ok",
    "provenance": "",
}


@dataclass(frozen=True)
class Layer:
    """One layer file, described by its header.

    Attributes
    ----------
    name : str
        Short identifier (``ru-register``, ``my-verified``).
    path : Path
        The layer file.
    licence : str
        Licence of every row in the file (SPDX identifier where one exists).
    attribution : str
        The credit line the licence asks for.
    sources : tuple of str
        What the rows were built from.
    description : str
        What the layer covers.
    point_rank : int
        Which layer's point wins for a place found in several (lower wins).
    rows : int
        Number of records.
    sha256 : str
        Digest of the records (identifies the content for the cache).
    kind : str
        ``"places"`` or ``"names"`` (links adding names to other layers' places).
    user : bool
        True for a layer the user added.
    """

    name: str
    path: Path
    licence: str
    attribution: str
    sources: tuple[str, ...]
    description: str
    point_rank: int
    rows: int
    sha256: str
    kind: str = "places"
    user: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description (for ``geokursk layers list``)."""
        d = asdict(self)
        d["path"] = str(self.path)
        d["sources"] = list(self.sources)
        return d


@dataclass(frozen=True)
class NameLink:
    """Names that a *names* layer adds to a place of another layer.

    The place is found by country, admin-1 (ISO 3166-2, e.g. ``UA-14``) and
    one of its current names.
    """

    country: str
    admin1: str
    name: str
    former_names: tuple[str, ...]
    note: str
    line: int


# --- writing ---------------------------------------------------------------------


def _record_json(rec: PlaceRecord) -> str:
    d = {k: v for k, v in asdict(rec).items() if v not in (None, "", [], ())}
    for k in ("lat", "lon"):
        d[k] = round(float(d[k]), 6)
    return json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_layer(
    path: str | Path,
    records: Iterable[PlaceRecord | dict[str, Any]],
    *,
    name: str,
    licence: str,
    attribution: str,
    sources: Sequence[str] = (),
    description: str = "",
    point_rank: int = USER_RANK,
    kind: str = "places",
    user: bool = False,
) -> Layer:
    """Write a layer file atomically and deterministically.

    Parameters
    ----------
    path : str or Path
        Target file; by convention it ends with :data:`LAYER_SUFFIX`.
    records : iterable of PlaceRecord or dict
        Places (or, for ``kind="names"``, link objects as in the module
        docstring), written in the order given.
    name, licence, attribution, sources, description, point_rank, kind
        The header (see :class:`Layer`).
    user : bool
        Mark the returned :class:`Layer` as a user layer.

    Returns
    -------
    Layer
        The layer as :func:`read_layer` would return it.

    Raises
    ------
    LayerError
        Invalid layer name.
    geokursk.errors.ExportError
        The file cannot be written.
    """
    _check_name(name)
    lines = [
        _record_json(r)
        if isinstance(r, PlaceRecord)
        else json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for r in records
    ]
    body = "".join(line + "\n" for line in lines).encode("utf-8")
    header = {
        "format": LAYER_FORMAT,
        "version": LAYER_VERSION,
        "name": name,
        "licence": licence,
        "attribution": attribution,
        "sources": list(sources),
        "description": description,
        "point_rank": int(point_rank),
        "kind": kind,
        "rows": len(lines),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    head = (json.dumps(header, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    # xz streams carry no timestamp: the same records give the same bytes.
    data = lzma.compress(head + body, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME)

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic(path, write)
    return read_layer(path, user=user)


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise LayerError(
            f"layer name {name!r} is not valid: use 1-63 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit (e.g. 'my-verified-places')"
        )


# --- reading ---------------------------------------------------------------------


def read_layer(path: str | Path, *, user: bool = False) -> Layer:
    """Read a layer file's header.

    Raises
    ------
    GazetteerNotFoundError
        The file does not exist.
    GazetteerFormatError
        The file is not a geokursk layer (line 1 is named).
    """
    p = Path(path)
    if not p.is_file():
        raise GazetteerNotFoundError(p, "add layers with `geokursk layers add FILE`")
    try:
        with lzma.open(p, "rt", encoding="utf-8") as fh:
            first = fh.readline()
        header = json.loads(first)
    except (
        lzma.LZMAError,
        EOFError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        OSError,
        RecursionError,
    ) as exc:
        raise GazetteerFormatError(
            p, 1, f"not a geokursk layer file ({exc}); make one with `geokursk layers add FILE`"
        ) from None
    if not isinstance(header, dict) or header.get("format") != LAYER_FORMAT:
        raise GazetteerFormatError(p, 1, f"header format is not {LAYER_FORMAT!r}")
    if header.get("version") != LAYER_VERSION:
        raise GazetteerFormatError(
            p,
            1,
            f"layer version {header.get('version')!r} is not supported (expected "
            f"{LAYER_VERSION!r}); rebuild the layer with this geokursk",
        )
    missing = [k for k in _REQUIRED_HEADER if k not in header]
    if missing:
        raise GazetteerFormatError(p, 1, f"header lacks {', '.join(missing)}")
    return Layer(
        name=str(header["name"]),
        path=p,
        licence=str(header["licence"]),
        attribution=str(header["attribution"]),
        sources=tuple(str(s) for s in header.get("sources", [])),
        description=str(header.get("description", "")),
        point_rank=int(header["point_rank"]),
        rows=int(header.get("rows", 0)),
        sha256=str(header.get("sha256", "")),
        kind=str(header.get("kind", "places")),
        user=user,
    )


def iter_layer(layer: Layer) -> Iterator[PlaceRecord | NameLink]:
    """Yield the records of a layer in file order.

    Raises
    ------
    GazetteerFormatError
        A record is malformed (file and line are named).
    """
    with lzma.open(layer.path, "rt", encoding="utf-8") as fh:
        fh.readline()
        for lineno, line in enumerate(fh, start=2):
            try:
                d = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                raise GazetteerFormatError(layer.path, lineno, f"invalid JSON ({exc})") from None
            if "link" in d:
                link = d["link"]
                yield NameLink(
                    country=str(link["country"]),
                    admin1=str(link.get("admin1", "")),
                    name=str(link["name"]),
                    former_names=tuple(d.get("former_names", [])),
                    note=str(d.get("note", "")),
                    line=lineno,
                )
                continue
            unknown = set(d) - _RECORD_FIELDS
            if unknown:
                raise GazetteerFormatError(
                    layer.path, lineno, f"unknown field(s) {', '.join(sorted(unknown))}"
                )
            try:
                yield PlaceRecord(**{**_EMPTY_FIELDS, **d})
            except TypeError as exc:
                raise GazetteerFormatError(layer.path, lineno, str(exc)) from exc


# --- shipped and user layers -----------------------------------------------------------


def _shipped_dir() -> Path:
    return Path(str(resources.files("geokursk") / "data" / "layers"))


def shipped_layers() -> list[Layer]:
    """Return the layers shipped with the package, in ``point_rank`` then name order."""
    folder = _shipped_dir()
    if not folder.is_dir():
        return []
    found = [read_layer(p) for p in sorted(folder.glob("*" + LAYER_SUFFIX))]
    return sorted(found, key=lambda lay: (lay.point_rank, lay.name))


def user_layer_dir() -> Path:
    """Return the folder of the user's layers.

    ``$GEOKURSK_LAYERS`` when set, else ``$XDG_DATA_HOME/geokursk/layers``
    or ``~/.local/share/geokursk/layers``.
    """
    env = os.environ.get("GEOKURSK_LAYERS")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "geokursk" / "layers"


def user_layers() -> list[Layer]:
    """Return the user's layers (highest priority first: sorted by name)."""
    folder = user_layer_dir()
    if not folder.is_dir():
        return []
    return [read_layer(p, user=True) for p in sorted(folder.glob("*" + LAYER_SUFFIX))]


def list_layers() -> list[Layer]:
    """Return every layer the default geocoder stacks: user layers first, then shipped."""
    return [*user_layers(), *shipped_layers()]


def add_user_layer(
    source: str | Path,
    *,
    name: str | None = None,
    licence: str = "user-provided",
    attribution: str = "",
    replace: bool = False,
) -> Layer:
    """Convert a CSV, GeoJSON or GeoNames file into a user layer and register it.

    Parameters
    ----------
    source : str or Path
        The analyst's file (see :func:`layer_from_file` for the columns).
    name : str, optional
        Layer name; defaults to the file's stem, lowercased.
    licence, attribution : str
        Recorded in the layer header.
    replace : bool
        Replace an existing user layer of that name (otherwise an error).

    Returns
    -------
    Layer

    Raises
    ------
    LayerError
        A layer of that name exists and ``replace`` is False, or the name is invalid.
    GazetteerFormatError
        A row of the file is bad (file and line are named); nothing is added.
    """
    src = Path(source)
    layer_name = name or re.sub(r"[^a-z0-9_-]+", "-", src.name.split(".")[0].lower()).strip("-")
    _check_name(layer_name)
    folder = user_layer_dir()
    target = folder / f"{layer_name}{LAYER_SUFFIX}"
    if target.exists() and not replace:
        raise LayerError(
            f"a user layer named {layer_name!r} exists ({target}); pass --replace to overwrite "
            f"it or --name to choose another name"
        )
    folder.mkdir(parents=True, exist_ok=True)
    return layer_from_file(
        src, target, name=layer_name, licence=licence, attribution=attribution, user=True
    )


def remove_user_layer(name: str) -> Path:
    """Remove a user layer by name and return the path removed.

    Raises
    ------
    LayerError
        No user layer has that name (the existing ones are listed).
    """
    target = user_layer_dir() / f"{name}{LAYER_SUFFIX}"
    if not target.is_file():
        known = ", ".join(lay.name for lay in user_layers()) or "none"
        raise LayerError(f"no user layer named {name!r} (user layers: {known})")
    target.unlink()
    return target


# --- user files -> layer ------------------------------------------------------------------

#: Columns a user CSV (or GeoJSON properties) may have; ``name``, ``lat``, ``lon`` are required.
USER_COLUMNS = (
    "id",
    "name",
    "lat",
    "lon",
    "alt_names",
    "former_names",
    "name_ru",
    "name_uk",
    "admin1",
    "admin2",
    "country",
    "feature_type",
    "population",
    "note",
)
_FEATURES = {
    "city": "PPLA2",
    "town": "PPL",
    "village": "PPL",
    "settlement": "PPL",
    "hamlet": "PPL",
    "capital": "PPLC",
    "locality": "PPL",
    "": "PPL",
}
_LIST_SPLIT = re.compile(r"\s*[|;]\s*")


def layer_from_file(
    source: str | Path,
    target: str | Path,
    *,
    name: str,
    licence: str = "user-provided",
    attribution: str = "",
    user: bool = True,
) -> Layer:
    """Build a layer file from an analyst's CSV or GeoJSON, or a GeoNames dump.

    CSV (UTF-8, header row) and GeoJSON (Point features, columns as
    properties) take the columns of :data:`USER_COLUMNS`: ``name``, ``lat``,
    ``lon`` are required; ``alt_names`` and ``former_names`` hold several
    names separated by ``|`` or ``;``; ``country`` is an ISO alpha-2 code
    (default: none); ``feature_type`` is ``village``, ``town``, ``city``,
    ``capital`` or a GeoNames feature code (``PPL``...); ``note`` is kept in
    the provenance.  GeoNames main dumps and postal files are recognised by
    their columns.

    Raises
    ------
    GazetteerNotFoundError
        ``source`` does not exist.
    GazetteerFormatError
        A row is bad: the file, line (or feature number) and problem are
        named, and no layer is written.
    """
    src = Path(source)
    if not src.is_file():
        raise GazetteerNotFoundError(src)
    suffix = src.suffix.lower()
    if suffix in (".geojson", ".json"):
        records = list(_geojson_records(src, name))
        kind = "GeoJSON"
    elif suffix == ".csv":
        records = list(_csv_records(src, name))
        kind = "CSV"
    else:
        fmt = detect_format(src)
        if fmt == "geonames":
            records = list(iter_geonames(src, feature_classes=("P", "A")))
        elif fmt == "postal":
            records = list(postal_records(src))
        else:
            raise GazetteerFormatError(
                src,
                1,
                "alternate-name files add names to a dump: build them together with "
                "`geokursk gazetteer build`",
            )
        kind = f"GeoNames {fmt}"
    if not records:
        raise GazetteerFormatError(src, None, "holds no places; nothing to add")
    return write_layer(
        target,
        records,
        name=name,
        licence=licence,
        attribution=attribution,
        sources=[f"{kind} file {src.name}"],
        description=f"user layer from {src.name}",
        point_rank=USER_RANK,
        user=user,
    )


def _csv_records(path: Path, layer: str) -> Iterator[PlaceRecord]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerFormatError(path, None, f"not UTF-8 text ({exc.reason})") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise GazetteerFormatError(path, 1, "empty file; expected a header row") from None
    _check_columns(path, header)
    for row in reader:
        lineno = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line holds no place
        if len(row) != len(header):
            raise GazetteerFormatError(
                path, lineno, f"{len(row)} fields, expected {len(header)} (as in the header)"
            )
        yield _user_record(path, lineno, dict(zip(header, row, strict=True)), layer)


def _check_columns(path: Path, columns: Sequence[str]) -> None:
    unknown = [c for c in columns if c not in USER_COLUMNS]
    if unknown:
        raise GazetteerFormatError(
            path,
            1,
            f"unknown column(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(USER_COLUMNS)}",
        )
    missing = [c for c in ("name", "lat", "lon") if c not in columns]
    if missing:
        raise GazetteerFormatError(path, 1, f"missing required column(s) {', '.join(missing)}")


def _geojson_records(path: Path, layer: str) -> Iterator[PlaceRecord]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerFormatError(path, None, f"not a GeoJSON file ({exc})") from exc
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(feats, list):
        raise GazetteerFormatError(path, None, "expected a FeatureCollection with 'features'")
    for i, f in enumerate(feats, start=1):
        where = f"feature #{i}"
        geom = (f or {}).get("geometry") or {}
        if geom.get("type") != "Point":
            raise GazetteerFormatError(
                path, None, f"{where}: geometry is {geom.get('type')!r}, expected a Point"
            )
        coords = geom.get("coordinates") or []
        if len(coords) < 2:
            raise GazetteerFormatError(path, None, f"{where}: Point without coordinates")
        props = {str(k).lower(): v for k, v in (f.get("properties") or {}).items()}
        _check_columns(path, [*props, "lat", "lon"])
        # GeoJSON positions are [lon, lat]; our records say lat and lon explicitly.
        props["lon"], props["lat"] = coords[0], coords[1]
        row = {k: "" if v is None else str(v) for k, v in props.items()}
        yield _user_record(path, None, row, layer, where=where)


def _user_record(
    path: Path, lineno: int | None, row: dict[str, str], layer: str, *, where: str = ""
) -> PlaceRecord:
    def bad(problem: str) -> GazetteerFormatError:
        return GazetteerFormatError(path, lineno, f"{where + ': ' if where else ''}{problem}")

    name = row.get("name", "").strip()
    if not name or not any(ch.isalpha() for ch in name):
        raise bad(f"name {name!r} is empty or has no letters")
    lat = _coord(row.get("lat", ""), -90, 90, "lat", bad)
    lon = _coord(row.get("lon", ""), -180, 180, "lon", bad)
    country = row.get("country", "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise bad(f"country {country!r} is not an ISO 3166-1 alpha-2 code (e.g. RU, UA)")
    ftype = row.get("feature_type", "").strip()
    if ftype.lower() in _FEATURES:
        fcode = _FEATURES[ftype.lower()]
    elif re.fullmatch(r"[A-Z][A-Z0-9]{1,9}", ftype):
        fcode = ftype
    else:
        raise bad(
            f"feature_type {ftype!r} is not one of {', '.join(k for k in _FEATURES if k)} "
            "or a GeoNames feature code"
        )
    pop_text = row.get("population", "").strip()
    if pop_text and not pop_text.isdigit():
        raise bad(f"population {pop_text!r} is not a whole number")
    ident = row.get("id", "").strip() or (str(lineno) if lineno else where.split("#")[-1])
    note = row.get("note", "").strip()
    at = f"line {lineno}" if lineno else where
    alt = [a for a in _LIST_SPLIT.split(row.get("alt_names", "").strip()) if a]
    former = [a for a in _LIST_SPLIT.split(row.get("former_names", "").strip()) if a]
    return PlaceRecord(
        id=f"user:{layer}:{ident}",
        name=name,
        name_latin="",
        name_ru=row.get("name_ru", "").strip() or None,
        name_uk=row.get("name_uk", "").strip() or None,
        feature_code=fcode,
        country_code=country,
        admin1=row.get("admin1", "").strip() or None,
        admin2=row.get("admin2", "").strip() or None,
        lat=lat,
        lon=lon,
        population=int(pop_text) if pop_text else None,
        source=f"user:{layer}",
        quality="ok",
        provenance=f"user layer {layer}: {path.name} {at}" + (f"; note: {note}" if note else ""),
        names=[
            n for n in (name, row.get("name_ru", "").strip(), row.get("name_uk", "").strip()) if n
        ],
        alt_names=alt,
        former_names=former,
        district=row.get("admin2", "").strip(),
    )


def _coord(text: str, lo: float, hi: float, what: str, bad: Any) -> float:
    t = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text.strip()
    try:
        v = float(t)
    except ValueError:
        raise bad(f"{what} {text!r} is not a number") from None
    if v != v or not lo <= v <= hi:
        raise bad(f"{what} {text!r} is outside [{lo:g}, {hi:g}]")
    return v
