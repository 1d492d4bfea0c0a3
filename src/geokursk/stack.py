"""The layer stack: every layer's places merged into one queryable gazetteer.

Layers (:mod:`geokursk.layers`) stay separate files, each under its own
licence.  At first use they are merged into a gazetteer SQLite file in the
user cache (:func:`ensure_stack`), named by a digest of the layers' contents
*and of the code that derives name keys*, so a new normalisation rebuilds
the cache and never the shipped data.  The cache is private to the user's
machine; nothing merged is distributed.

How rows become places
----------------------
1. **Same place.** Rows of *different* layers are one place when they share
   a name (any folded Latin form of a main name), the country, the admin-1
   unit (when both know it) and lie within :data:`MERGE_KM` of each other.
   Pairs are joined closest first, and a place never takes two rows of one
   layer (two villages of one name in one district stay two places).  A row
   left alone then joins the one place of its district (same admin-2 unit)
   that shares its name, however far its point (up to
   :data:`FAR_MERGE_KM`), when neither side has a homonym in that district.
2. **Which point.** Among a place's rows the point is taken from, in order:
   a row without a blocking flag before a flagged one; then the layer's
   ``point_rank`` (user layers 0, Wikipedia 1, settlement registers 2,
   postal codes and city lists 3); among register rows, one confirmed by
   another source within :data:`CONFIRM_KM` first, a Rosstat point before a
   commercial geocoder's.
3. **Disagreement.** When a source puts the place more than
   :data:`DISAGREE_KM` from the chosen point, the place carries the
   ``points-disagree`` flag; every source point stays in
   :attr:`geokursk.gazetteer.Place.sources` with its distance.
4. **Names.** The place keeps every name of every row (main, alternate and
   former names), so it is found under each.  *Names* layers add former
   names to the place they name (country, admin-1 and current name).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from geokursk.atomic import remove_stale_temps, write_text_atomic
from geokursk.build import GazetteerWriter, PlaceRecord, area_stems
from geokursk.errors import GazetteerNotFoundError
from geokursk.gazetteer import SOFT_FLAGS, cache_dir, haversine_km
from geokursk.gcpause import gc_paused
from geokursk.layers import Layer, NameLink, iter_layer
from geokursk.normalize import fold, has_cyrillic, latin_forms, romanize, skeleton, stem

__all__ = [
    "CONFIRM_KM",
    "DISAGREE_KM",
    "MERGE_KM",
    "build_stack",
    "compatible_names",
    "district_stem",
    "ensure_stack",
    "latin_display",
    "stack_path",
]

MERGE_KM = 10.0
FAR_MERGE_KM = 150.0  # same district and name, unique on both sides (second pass)
CONFIRM_KM = 3.0
DISAGREE_KM = 3.0
_CELL_DEG = 0.1  # grid cell of the same-place search: 11 km of latitude, 2.5x in longitude
_FEATURE_ORDER = ("PPLC", "PPLA", "PPLA2", "PPLA3", "PPLA4")


def latin_display(name: str, country: str = "") -> str:
    """Return a romanisation with title-cased words, for display.

    Ukrainian places (``country="UA"``) use the official KMU 2010 system, others the
    first of :func:`geokursk.normalize.romanize` (Wikipedia style for Russian).

    Examples
    --------
    >>> latin_display("Плёхово")
    'Plyokhovo'
    >>> latin_display("Мирноград", "UA"), latin_display("Sudzha")
    ('Myrnohrad', 'Sudzha')
    """
    if country == "UA" and has_cyrillic(name):
        import translitua

        latin = translitua.translit(name, translitua.UkrainianKMU)
    else:
        latin = romanize(name)[0] if name else ""
    return " ".join(
        w[:1].upper() + w[1:].lower() if w.isupper() or w.islower() else w for w in latin.split()
    )


def district_stem(name: str) -> str:
    """Return the stem a district name is compared by (``osm:`` ids pass through)."""
    if name.startswith("osm:"):
        return name
    key = fold(romanize(name)[0]) if name else ""
    words = key.split()
    return stem(words[0]) if words else ""


# --- cache location ---------------------------------------------------------------


def _code_digest() -> str:
    """Digest of the code and library versions that shape name keys and merging."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for mod in ("normalize.py", "build.py", "layers.py", "stack.py"):
        h.update((here / mod).read_bytes())
    for pkg in ("iuliia", "translitua"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
    return h.hexdigest()


def stack_path(layers: Sequence[Layer]) -> Path:
    """Return the cache file for this stack of layers and this code version."""
    h = hashlib.sha256(_code_digest().encode())
    for lay in layers:
        h.update(f"{lay.name}\0{lay.sha256}\0{lay.point_rank}\0{lay.kind}\n".encode())
    return cache_dir() / f"stack-{h.hexdigest()[:16]}.sqlite"


def ensure_stack(layers: Sequence[Layer], *, progress: bool = False) -> Path:
    """Return the stacked gazetteer of ``layers``, building it on first use.

    Concurrent processes wait for one build (a lock file beside the cache);
    the file appears atomically.

    Parameters
    ----------
    layers : sequence of Layer
        Highest priority first (user layers before shipped ones).
    progress : bool
        Print a line on stderr while building.
    """
    target = stack_path(layers)
    problem = _damage(target) if target.is_file() else "missing"
    if problem is None:
        with contextlib.suppress(OSError):
            os.utime(_check_path(target))  # recently used stacks survive the clean-up below
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GazetteerNotFoundError(
            target.parent,
            f"cannot create the gazetteer cache folder ({exc.strerror or exc}); set "
            "$GEOKURSK_CACHE to a writable folder",
        ) from None
    import sys

    lock_path = target.with_suffix(".lock")
    with _locked(lock_path):
        problem = _damage(target) if target.is_file() else "missing"
        if problem is not None:
            if problem != "missing":
                print(
                    f"geokursk: the gazetteer cache {target} is damaged ({problem}); rebuilding it",
                    file=sys.stderr,
                )
                _remove_stack(target)
            if progress:
                print(
                    f"geokursk: building the gazetteer cache {target.name} from "
                    f"{len(layers)} layer(s) (once per version)...",
                    file=sys.stderr,
                )
            try:
                with gc_paused():  # a quarter of a million places (see geokursk.gcpause)
                    build_stack(layers, target)
                _record_check(target)
            except (OSError, sqlite3.OperationalError) as exc:  # disk full, I/O error
                _remove_stack(target)
                raise GazetteerNotFoundError(
                    target,
                    f"cannot write the gazetteer cache ({getattr(exc, 'strerror', None) or exc}); "
                    "free disk "
                    "space or set $GEOKURSK_CACHE to a writable folder with ~200 MB free",
                ) from None
            _prune(target.parent, keep=target)
    return target


def _check_path(target: Path) -> Path:
    return target.with_name(target.name + ".check")


def _record_check(target: Path) -> None:
    """Write the size, modification time and SHA-256 of a finished cache beside it."""
    st = target.stat()
    record = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": _sha256(target)}
    write_text_atomic(json.dumps(record, sort_keys=True) + "\n", _check_path(target))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _damage(target: Path) -> str | None:
    """Say what is wrong with a cache file, or None when it is whole.

    The size is compared on every start (free); the SHA-256 only when the file's
    modification time differs from the one recorded when it was built (something
    wrote to it), so a whole cache costs one ``stat`` per start.
    """
    try:
        record = json.loads(_check_path(target).read_text(encoding="utf-8"))
        size, mtime_ns, digest = int(record["size"]), int(record["mtime_ns"]), record["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return "no record of its checksum"
    try:
        st = target.stat()
    except OSError as exc:
        return f"cannot read it: {exc.strerror or exc}"
    if st.st_size != size:
        return f"{st.st_size} bytes instead of {size}"
    if st.st_mtime_ns != mtime_ns:
        if _sha256(target) != digest:
            return "its checksum differs from the one recorded when it was built"
        with contextlib.suppress(OSError):
            _record_check(target)
    return None


def _remove_stack(target: Path) -> None:
    for p in (target, _check_path(target)):
        with contextlib.suppress(OSError):
            p.unlink()


#: Stacked caches kept in the cache folder (most recently used first); each is ~170 MB.
KEEP_STACKS = 4


def _prune(folder: Path, *, keep: Path) -> None:
    """Remove all but the :data:`KEEP_STACKS` most recently used stack caches."""
    remove_stale_temps(folder)

    def last_used(p: Path) -> float:
        for q in (_check_path(p), p):
            with contextlib.suppress(OSError):
                return q.stat().st_mtime
        return 0.0

    stacks = sorted(
        (p for p in folder.glob("stack-*.sqlite") if p != keep), key=last_used, reverse=True
    )
    for old in stacks[KEEP_STACKS - 1 :]:
        _remove_stack(old)
        with contextlib.suppress(OSError):
            old.with_suffix(".lock").unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(path: Path) -> Any:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, the write is still atomic
        yield
        return
    with path.open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- merging --------------------------------------------------------------------


@dataclass
class _Row:
    rec: PlaceRecord
    layer: Layer
    order: int  # position of the layer in the stack (lower = higher priority)

    @property
    def hard(self) -> bool:
        return any(f not in SOFT_FLAGS for f in _flags(self.rec.quality))

    @property
    def soft(self) -> int:
        return sum(1 for f in _flags(self.rec.quality) if f in SOFT_FLAGS)


def _flags(quality: str) -> list[str]:
    return [f for f in quality.split(",") if f and f != "ok"]


def _main_keys(rec: PlaceRecord) -> set[str]:
    names = [rec.name, rec.name_ru, rec.name_uk, *rec.names]
    if rec.name_latin:
        names.append(rec.name_latin)
    return {k for n in names if n for k in latin_forms(n)}


def compatible_names(a: str, b: str) -> bool:
    """Tell whether two names (any script) spell one name: a shared key or skeleton.

    Examples
    --------
    >>> compatible_names("Торецьк", "Торецк"), compatible_names("Торецьк", "Dzerzhynsk")
    (True, False)
    """
    ka, kb = latin_forms(a), latin_forms(b)
    if ka & kb:
        return True
    return bool({skeleton(k) for k in ka} & {skeleton(k) for k in kb})


def _pairs(rows: Sequence[_Row]) -> list[tuple[float, int, int]]:
    """Candidate same-place pairs across layers: shared name key, near, same admin unit."""
    buckets: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        for k in _main_keys(r.rec):
            buckets[k].append(i)
    by_gn: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if r.rec.gn_id:
            by_gn[r.rec.gn_id].append(i)
    seen: set[tuple[int, int]] = set()
    out: list[tuple[float, int, int]] = []
    # One GeoNames id in two layers is one place, whatever names each layer gives it
    # (a WOF row still called Artemivsk, the GeoNames city Bakhmut).
    for members in by_gn.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                a, b = rows[i], rows[j]
                if a.order != b.order:
                    d = haversine_km(a.rec.lat, a.rec.lon, b.rec.lat, b.rec.lon)
                    if d <= MERGE_KM:
                        seen.add((min(i, j), max(i, j)))
                        out.append((d, min(i, j), max(i, j)))
    for members in buckets.values():
        if len(members) < 2 or len({rows[i].order for i in members}) < 2:
            continue
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in members:
            rec = rows[i].rec
            cells[(int(rec.lat // _CELL_DEG), int(rec.lon // (_CELL_DEG * 2.5)))].append(i)
        for (cy, cx), idxs in cells.items():
            near: list[int] = [
                j
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                for j in cells.get((cy + dy, cx + dx), ())
            ]
            for i in idxs:
                a = rows[i]
                for j in near:
                    if j <= i or (i, j) in seen:
                        continue
                    b = rows[j]
                    if a.order == b.order:
                        continue
                    ra, rb = a.rec, b.rec
                    if ra.country_code and rb.country_code and ra.country_code != rb.country_code:
                        continue
                    if ra.admin1_code and rb.admin1_code and ra.admin1_code != rb.admin1_code:
                        continue
                    d = haversine_km(ra.lat, ra.lon, rb.lat, rb.lon)
                    if d <= MERGE_KM:
                        seen.add((i, j))
                        out.append((d, i, j))
    out.sort()
    return out


def _groups(rows: Sequence[_Row]) -> list[list[int]]:
    parent = list(range(len(rows)))
    layers_of: dict[int, set[int]] = {i: {r.order} for i, r in enumerate(rows)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _d, i, j in _pairs(rows):
        a, b = find(i), find(j)
        if a == b or layers_of[a] & layers_of[b]:
            continue
        parent[b] = a
        layers_of[a] |= layers_of.pop(b)
    # Second pass: a row still alone whose name matches exactly one place of the same
    # district (another layer) is that place, however far its point (postal points can be
    # a post office 70 km away); the distance is then reported as a disagreement.
    district: dict[tuple[str, str, str, str], set[int]] = defaultdict(set)
    for i, r in enumerate(rows):
        if r.rec.admin2_stem and r.rec.admin1_code:
            for k in _main_keys(r.rec):
                district[(r.rec.country_code, r.rec.admin1_code, r.rec.admin2_stem, k)].add(i)
    alone = [i for i in range(len(rows)) if find(i) == i and layers_of[i] == {rows[i].order}]
    for i in alone:
        if find(i) != i or len(layers_of[i]) != 1:
            continue
        rec = rows[i].rec
        if not (rec.admin2_stem and rec.admin1_code):
            continue
        roots: set[int] = set()
        for k in _main_keys(rec):
            for j in district.get((rec.country_code, rec.admin1_code, rec.admin2_stem, k), ()):
                if rows[j].order != rows[i].order:
                    roots.add(find(j))
        if len(roots) != 1:
            continue
        root = roots.pop()
        same_layer = [
            j
            for k in _main_keys(rec)
            for j in district.get((rec.country_code, rec.admin1_code, rec.admin2_stem, k), ())
            if rows[j].order == rows[i].order and j != i
        ]
        if same_layer or rows[i].order in layers_of[root]:
            continue  # homonyms within one district: do not guess
        if haversine_km(rec.lat, rec.lon, rows[root].rec.lat, rows[root].rec.lon) > FAR_MERGE_KM:
            continue
        parent[i] = root
        layers_of[root] |= layers_of.pop(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[find(i)].append(i)
    return sorted(groups.values(), key=lambda g: min(g))


def _choose(members: list[_Row]) -> list[_Row]:
    """Order a place's rows by the point rules (module docstring); the first wins."""

    def confirmed(r: _Row) -> bool:
        return any(
            o is not r
            and not o.hard
            and haversine_km(r.rec.lat, r.rec.lon, o.rec.lat, o.rec.lon) <= CONFIRM_KM
            for o in members
        )

    return sorted(
        members,
        key=lambda r: (
            r.hard,
            # a centroid of an area polygon (quattroshapes) is no village's point
            "area-centroid" in r.rec.quality,
            r.layer.point_rank,
            r.order,
            not confirmed(r),
            r.soft,
            r.rec.id,
        ),
    )


def _merge(members: list[_Row]) -> PlaceRecord:
    ordered = _choose(members)
    best = ordered[0]
    rec = best.rec
    if len(ordered) == 1:
        return replace(rec, layer=best.layer.name)
    flags = _flags(rec.quality)
    points = []
    far = []
    for r in ordered:
        d = haversine_km(rec.lat, rec.lon, r.rec.lat, r.rec.lon)
        points.append(
            {
                "id": r.rec.id,
                "layer": r.layer.name,
                "source": r.rec.source,
                "lat": round(r.rec.lat, 6),
                "lon": round(r.rec.lon, 6),
                "quality": r.rec.quality,
                "km": round(d, 2),
                "chosen": r is best,
            }
        )
        if r is not best and d > DISAGREE_KM:
            far.append(f"{r.layer.name} {d:.1f} km")
    if far and "points-disagree" not in flags:
        flags.append("points-disagree")

    def first(attr: str) -> Any:
        for r in ordered:
            v = getattr(r.rec, attr)
            if v not in (None, "", [], ()):
                return v
        return getattr(rec, attr)

    # The display name comes from the most authoritative name (official registers first),
    # which need not be the row whose point is used.
    named = sorted(ordered, key=lambda r: (r.layer.user is False, r.rec.name_rank))
    display = named[0].rec.name
    names: list[str] = []
    alts: list[str] = []
    former: list[str] = []
    for r in sorted(ordered, key=lambda r: r.rec.name_rank):
        own = [n for n in (r.rec.name, *r.rec.names) if n]
        if r.rec.name_rank > named[0].rec.name_rank and not compatible_names(r.rec.name, display):
            # A less authoritative source that calls the place otherwise (GeoNames still
            # names Kypuche "Artemivsk") contributes alternate names, not main names.
            alts += own
        else:
            names += own
        alts += r.rec.alt_names
        former += r.rec.former_names
    for r in ordered:  # registers write е for ё: keep a source's ё spelling for display
        if fold(r.rec.name) == fold(display) and "ё" in r.rec.name.lower():
            display = r.rec.name
            break
    latin = next((r.rec.name_latin for r in named if r.rec.name_latin), "")
    if not latin or not compatible_names(latin, display):
        latin = latin_display(display, rec.country_code)
    codes = [r.rec.feature_code for r in ordered]
    feature = next((c for c in _FEATURE_ORDER if c in codes), rec.feature_code)
    pops = [r.rec.population for r in ordered if r.rec.population]
    others = "; ".join(
        f"{r.layer.name}: {r.rec.provenance} ({p['km']:.2f} km)"
        for r, p in zip(ordered[1:], points[1:], strict=True)
    )
    provenance = f"point from {best.layer.name}: {rec.provenance}; also in {others}"
    return PlaceRecord(
        id=rec.id,
        name=display,
        name_latin=latin,
        name_ru=first("name_ru"),
        name_uk=first("name_uk"),
        feature_code=feature,
        country_code=first("country_code"),
        admin1=first("admin1"),
        admin2=first("admin2"),
        lat=rec.lat,
        lon=rec.lon,
        population=max(pops) if pops else None,
        source=rec.source,
        quality=",".join(flags) or "ok",
        provenance=provenance,
        admin1_code=first("admin1_code"),
        admin2_stem=first("admin2_stem"),
        names=list(dict.fromkeys(names)),
        alt_names=list(dict.fromkeys(alts)),
        gn_id=first("gn_id"),
        former_names=list(dict.fromkeys(former)),
        district=first("district"),
        layer=best.layer.name,
        name_rank=min(r.rec.name_rank for r in ordered),
        points=json.dumps(points, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    )


def _strip_former(rec: PlaceRecord) -> PlaceRecord:
    """Index a former name only as former.

    Sources still list it among current names (a GeoNames row called Artemivsk), and
    the answer must say it matched a former name.
    """
    if not rec.former_names:
        return rec
    # Compared by Latin key: GeoNames writes "Krasnyy Luch", the renaming "Krasnyi Luch".
    former = {k for n in rec.former_names for k in latin_forms(n)}

    def was(name: str | None) -> bool:
        return bool(name) and bool(latin_forms(name or "") & former)

    return replace(
        rec,
        names=[n for n in rec.names if not was(n) or n == rec.name],
        alt_names=[n for n in rec.alt_names if not was(n)],
        name_ru=None if was(rec.name_ru) else rec.name_ru,
        name_uk=None if was(rec.name_uk) else rec.name_uk,
    )


def _derive(rec: PlaceRecord, layer: Layer) -> PlaceRecord:
    """Fill the fields that depend on code (display romanisation, district stem)."""
    changes: dict[str, Any] = {}
    if not rec.name_latin:
        changes["name_latin"] = latin_display(rec.name, rec.country_code)
    if not rec.admin2_stem and rec.district:
        changes["admin2_stem"] = district_stem(rec.district)
    if not rec.names:
        changes["names"] = [rec.name]
    return replace(rec, **changes) if changes else rec


def _locate(rows: list[_Row], admin1_by_code: dict[str, PlaceRecord]) -> None:
    """Give user rows without admin codes the country and admin-1 unit their point lies in."""
    todo = [r for r in rows if r.layer.user and (not r.rec.admin1_code or not r.rec.country_code)]
    if not todo:
        return
    from shapely.geometry import Point

    from geokursk.boundaries import admin1_frame, countries_frame

    a1 = admin1_frame()
    countries = countries_frame()
    for r in todo:
        pt = Point(r.rec.lon, r.rec.lat)  # shapely wants (x=lon, y=lat)
        cc = r.rec.country_code
        code = r.rec.admin1_code
        hit = a1[a1.geometry.contains(pt)]
        if not hit.empty:
            iso = str(hit.iloc[0]["iso_3166_2"])
            area = admin1_by_code.get(iso)
            cc = cc or str(hit.iloc[0]["country_code"])
            if area is not None and area.country_code == cc:
                code = code or area.admin1_code
        if not cc:
            chit = countries[countries.geometry.contains(pt)]
            if not chit.empty:
                cc = str(chit.iloc[0]["iso_a2"])
        admin1 = r.rec.admin1
        if not admin1 and code:
            area = next((a for a in admin1_by_code.values() if a.admin1_code == code), None)
            admin1 = area.admin1 if area is not None else None
        r.rec = replace(r.rec, country_code=cc or "", admin1_code=code or "", admin1=admin1)


def _all_names(p: PlaceRecord) -> tuple[str | None, ...]:
    """Every name a record carries: main, Russian, Ukrainian, alternate and former."""
    return (p.name, p.name_ru, p.name_uk, *p.names, *p.alt_names, *p.former_names)


def _apply_links(
    places: list[PlaceRecord], links: Iterable[tuple[Layer, NameLink]], iso_to_code: dict[str, str]
) -> Counter[str]:
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(places):
        if p.area_level:
            continue
        for n in {p.name, p.name_ru, p.name_uk, *p.names}:
            if n:
                by_key[(p.country_code, fold(n))].append(i)
    report: Counter[str] = Counter()
    for _layer, link in links:
        code = iso_to_code.get(link.admin1, link.admin1)
        hits = [
            i
            for i in by_key.get((link.country, fold(link.name)), [])
            if not code or places[i].admin1_code == code
        ]
        renamed_here = False
        # The renamed place is the one that carries the former name as well as the current
        # one (Kirovsk, alternate name Holubivka), not a namesake of the current name
        # elsewhere in the region (a village Holubivka, once Komissarovka).
        current = fold(link.name)
        former = {fold(n) for n in link.former_names}
        both = sorted(
            {
                i
                for n in former
                for i in by_key.get((link.country, n), [])
                if (not code or places[i].admin1_code == code)
                and current in {fold(x) for x in _all_names(places[i]) if x}
            }
        )
        if both:
            hits = both
        if not hits and code:
            # The sources still call the place by a former name (Chervonohrad for
            # Sheptytskyi): the renaming, an official decision, gives it its current name.
            hits = [
                i
                for n in link.former_names
                for i in by_key.get((link.country, fold(n)), [])
                if places[i].admin1_code == code
            ]
            renamed_here = bool(hits)
        if not hits:
            report["links_without_place"] += 1
            continue
        i = max(
            hits,
            key=lambda k: (
                places[k].feature_code in _FEATURE_ORDER,
                places[k].population or 0,
                -k,
            ),
        )
        p = places[i]
        if both:  # the place chosen may still carry the former name as its main name
            renamed_here = fold(p.name) in former
        if renamed_here:
            p = replace(
                p,
                name=link.name,
                name_latin=latin_display(link.name, p.country_code),
                names=[link.name, *p.names],
                name_uk=link.name if p.country_code == "UA" else p.name_uk,
            )
            report["links_renamed_place"] += 1
        places[i] = _strip_former(
            replace(p, former_names=list(dict.fromkeys([*p.former_names, *link.former_names])))
        )
        report["links_applied"] += 1
    return report


def build_stack(
    layers: Sequence[Layer],
    path: str | Path,
    *,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Merge ``layers`` (highest priority first) into a gazetteer file at ``path``.

    Returns
    -------
    dict
        Counts: rows per layer, places, merged places by layer combination,
        flags, links applied, seconds taken.
    """
    t0 = time.perf_counter()
    rows: list[_Row] = []
    areas: list[tuple[PlaceRecord, Layer]] = []
    links: list[tuple[Layer, NameLink]] = []
    per_layer: Counter[str] = Counter()
    for order, layer in enumerate(layers):
        for item in iter_layer(layer):
            per_layer[layer.name] += 1
            if isinstance(item, NameLink):
                links.append((layer, item))
            elif item.area_level:
                areas.append((_derive(item, layer), layer))
            else:
                rows.append(_Row(_derive(item, layer), layer, order))
    if log:
        log(f"read {sum(per_layer.values())} rows in {time.perf_counter() - t0:.1f} s")
    admin1_by_iso = {
        rec.id.split(":", 1)[1]: rec
        for rec, _ in areas
        if rec.area_level == "admin1" and rec.id.startswith("ne:")
    }
    _locate(rows, admin1_by_iso)
    groups = _groups(rows)
    merged_by: Counter[str] = Counter()
    places: list[PlaceRecord] = []
    for g in groups:
        members = [rows[i] for i in g]
        if len(members) > 1:
            merged_by["+".join(sorted({m.layer.name for m in members}))] += 1
        places.append(_strip_former(_merge(members)))
    iso_to_code = {iso: rec.admin1_code for iso, rec in admin1_by_iso.items()}
    link_report = _apply_links(places, links, iso_to_code)
    flags: Counter[str] = Counter()
    for p in places:
        for f in _flags(p.quality):
            flags[f] += 1
    with GazetteerWriter(path) as w:
        for p in places:
            w.add(p)
        for rec, layer in areas:
            rid = w.add(replace(rec, layer=layer.name))
            w.add_area(rid, rec.area_level, _area_stems(rec))
        w.close(
            {
                "built_from": "stack of layers: "
                + ", ".join(f"{lay.name} ({lay.licence})" for lay in layers),
                "layers": json.dumps(
                    [
                        {
                            "name": lay.name,
                            "licence": lay.licence,
                            "rows": lay.rows,
                            "sha256": lay.sha256,
                            "user": lay.user,
                        }
                        for lay in layers
                    ],
                    ensure_ascii=False,
                ),
            }
        )
    report: dict[str, Any] = {
        "rows_per_layer": dict(sorted(per_layer.items())),
        "places": len(places),
        "areas": len(areas),
        "merged_places": sum(merged_by.values()),
        "merged_by_layers": dict(sorted(merged_by.items())),
        "flags": dict(sorted(flags.items())),
        **dict(sorted(link_report.items())),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    if log:
        log(f"stack written: {report['places']} places in {report['seconds']} s")
    return report


def _area_stems(rec: PlaceRecord) -> set[str]:
    names = rec.area_names or [rec.name]
    stems = {s for n in names for s in area_stems(n)}
    if rec.area_level == "country":
        stems |= {k for n in names for k in latin_forms(n)}
    elif rec.area_level == "admin2" and rec.admin2_stem:
        stems.add(rec.admin2_stem)
    stems |= {
        "=" + " ".join(stem(w) for w in k.split()) for a in rec.area_aliases for k in latin_forms(a)
    }
    return stems
