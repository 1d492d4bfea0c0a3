"""Reading the context: areas named in a text, and what they allow of a candidate.

Area phrases in the context text ("in the Kursk region", "Sudzha district",
"Sumy Oblast, Ukraine", "Курской области", Сумщині) are recognised against the
gazetteer's areas (:func:`find_areas`); a district is read in the region named
with it.  :func:`_apply_context` then makes a candidate outside every named
country or region *not eligible*, and rewards one inside; an area after
"from", «из», «з боку» (``data/words/movement.csv``) is where a movement comes
from, measured with the shipped admin-1 polygons.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from geokursk.area_names import match_area as _match_area
from geokursk.area_names import word_edges
from geokursk.gazetteer import Gazetteer, Place, haversine_km
from geokursk.geocode.candidates import _POSSESSIVE, _Cand
from geokursk.geocode.memo import MEMO_LIMIT
from geokursk.geocode.results import AreaMention
from geokursk.normalize import fold, split_area, stems_compatible

__all__ = ["NEIGHBOUR_KM", "find_areas"]

#: A place named exactly, and the only one of that name near the context region, survives
#: a context that names a neighbouring region if it lies within this distance of it.
NEIGHBOUR_KM = 40.0

_WORD = re.compile(r"[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*", re.UNICODE)


#: Edges of a token with no word (never read: a window holding it is always matched).
_NO_EDGES = (False, False, False, False)


def find_areas(text: str, gaz: Gazetteer) -> list[AreaMention]:
    """Recognise the areas named in ``text`` (see :meth:`Geocoder.find_areas`)."""
    areas = gaz.areas()
    tokens = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    folded = [fold(_POSSESSIVE.sub("", t[0])) for t in tokens]
    # A possessive inside a phrase belongs to the name ("Luhansk People's Republic"); only
    # a phrase's last word loses it ("the Kursk region's", "Russia's").
    possessive = {i: fold(t[0]) for i, t in enumerate(tokens) if _POSSESSIVE.search(t[0])}
    starts = [t[1] for t in tokens]
    # first and last word and word count of each token's fold ("нью йорк" has two), and
    # what those words allow at a phrase's edges: area_names.may_name_area, word by word
    split = [f.split() for f in folded]
    edges = [
        word_edges(w[0], areas)[:2] + word_edges(w[-1], areas)[2:] if w else _NO_EDGES
        for w in split
    ]
    gaps = not all(split)
    cased = not text.islower()
    out: list[AreaMention] = []
    i = 0
    while i < len(tokens):
        found = None
        for n in (4, 3, 2, 1):
            if i + n > len(tokens):
                continue
            if not gaps or all(split[i : i + n]):
                first, last = edges[i], edges[i + n - 1]
                several = n > 1 or len(split[i]) > 1
                if not (first[0] or last[2] or (several and (first[1] or last[3]))):
                    continue  # cannot name an area: no need to romanise it
            phrase = " ".join(folded[i : i + n])
            places, level = _match_area(phrase, areas)
            if not places and any(j in possessive for j in range(i, i + n - 1)):
                inner = [possessive.get(j, folded[j]) for j in range(i, i + n - 1)]
                places, level = _match_area(" ".join([*inner, folded[i + n - 1]]), areas)
            if places and cased and not tokens[i][0][:1].isupper() and not split_area(phrase)[1]:
                # A whole-word name is a proper noun: «того» (that) is not Togo, «крім»
                # (except) not Crimea.  In text typed all lowercase, case says nothing.
                places = []
            if places:
                found = (n, level, places)
                break
        if found is None:
            i += 1
            continue
        n, level, places = found
        start, end = tokens[i][1], tokens[i + n - 1][2]
        origin = _after_origin_word(folded, starts, i, out)
        out.append(AreaMention(text[start:end], start, end, level, tuple(places), origin))
        i += n
    return _districts_in_regions(out)


# -- single and joint geocoding -----------------------------------------------


# --- context matching -------------------------------------------------------------


@functools.cache
def _word_list(name: str, kind: str | None = None) -> frozenset[str]:
    """Folded words of ``data/words/<name>.csv`` (of one ``kind`` when given)."""
    import csv
    from importlib import resources

    text = (resources.files("geokursk") / "data" / "words" / f"{name}.csv").read_text(
        encoding="utf-8"
    )
    rows = csv.DictReader(text.splitlines())
    return frozenset(fold(r["word"]) for r in rows if kind is None or r["kind"] == kind)


def _districts_in_regions(mentions: list[AreaMention]) -> list[AreaMention]:
    """Keep, of the districts a district mention may mean, those in a region also named.

    "Shuysky district" in a text about Russia's Ivanovo region is Shuysky District of
    Ivanovo Oblast, not a district of Altai spelled alike; «Хотінська громада Сумщини» is
    not Khotynskyi Raion of Chernivtsi Oblast.  A district none of whose readings lies in
    a region named in the same text is dropped as misread; with no region named, every
    reading is kept.
    """
    codes = {
        a.admin1_code
        for m in mentions
        if m.level == "admin1" and not m.origin
        for a in m.places
        if a.admin1_code
    }
    if not codes:
        return mentions
    out = []
    for m in mentions:
        if m.level == "admin2" and not m.origin:
            inside = tuple(a for a in m.places if a.admin1_code in codes)
            if not inside:
                continue
            m = AreaMention(m.text, m.start, m.end, m.level, inside, m.origin)
        out.append(m)
    return out


def _after_origin_word(
    folded: Sequence[str], starts: Sequence[int], i: int, found: Sequence[AreaMention]
) -> bool:
    """Tell whether the area starting at token ``i`` follows a word such as "from" or «из».

    Up to three tokens back are looked at; words such as "the", «территории» or an area
    named just before ("from Ukraine's Sumy region") may stand between.
    """
    origin_words, bridges = _word_list("movement", "from"), _word_list("movement", "bridge")
    j = i - 1
    steps = 0
    while j >= 0 and steps < 3:
        word = folded[j]
        if word in origin_words:
            return True
        if word not in bridges and not _inside_one(starts[j], found):
            return False
        j -= 1
        steps += 1
    return False


def _inside_one(pos: int, found: Sequence[AreaMention]) -> bool:
    """Tell whether ``pos`` lies inside one of the mentions found so far.

    They are in text order and do not overlap, so only the last few can hold a
    position just before the current token: the search stops at the first that ends
    before it (a whole-list search per token made long texts quadratic).
    """
    for m in reversed(found):
        if m.end <= pos:
            return False
        if m.start <= pos:
            return True
    return False


def _in_area(place: Place, area: Place, level: str) -> bool:
    if place.id == area.id:
        return True
    if level == "country":
        return place.country_code == area.country_code
    if not place.admin1_code or place.admin1_code != area.admin1_code:
        return False
    if level == "admin1":
        return True
    if area.admin2_stem.startswith("osm:"):
        # OSM raions have polygons in geokursk.boundaries, but postal points carry only the old
        # raion name; a label-point radius keeps geocoding free of geometry libraries.
        return haversine_km(place.lat, place.lon, area.lat, area.lon) <= 45.0
    return bool(place.admin2_stem) and (
        place.admin2_stem == area.admin2_stem
        or stems_compatible(place.admin2_stem, area.admin2_stem)
    )


@dataclass
class _Context:
    """What the context areas of one query allow, worked out once for all its candidates."""

    origins: list[AreaMention]  # areas movement comes from ("from the Kursk region")
    by_level: dict[str, list[Place]]  # the other areas, with the levels they imply
    named: frozenset[str]  # ids of the areas named
    # _in_area of a whole list, as set lookups: (area ids, country or admin-1 codes)
    countries: tuple[frozenset[str], frozenset[str]] | None = None
    regions: tuple[frozenset[str], frozenset[str]] | None = None
    outside_country: str = ""
    outside_region: str = ""

    @classmethod
    def of(cls, mentions: Sequence[AreaMention]) -> _Context:
        origins = [m for m in mentions if m.origin and m.level != "country"]
        by_level: dict[str, list[Place]] = {}
        for m in mentions:
            if not m.origin:
                by_level.setdefault(m.level, []).extend(m.places)
        # A district implies its region; a region its country.
        for a in by_level.get("admin2", []):
            by_level.setdefault("_implied_admin1", []).append(a)
        for lvl in ("admin1", "_implied_admin1"):
            for a in by_level.get(lvl, []):
                by_level.setdefault("_implied_country", []).append(a)
        named = frozenset(a.id for lst in by_level.values() for a in lst)
        ctx = cls(origins, by_level, named)
        if "country" in by_level or "_implied_country" in by_level:
            allowed = by_level.get("country", []) + by_level.get("_implied_country", [])
            ctx.countries = (
                frozenset(a.id for a in allowed),
                frozenset(a.country_code for a in allowed),
            )
            names = sorted({a.country_code for a in allowed})
            ctx.outside_country = f"outside context country {'/'.join(names)}"
        if "admin1" in by_level or "_implied_admin1" in by_level:
            allowed = by_level.get("admin1", []) + by_level.get("_implied_admin1", [])
            ctx.regions = (
                frozenset(a.id for a in allowed),
                frozenset(a.admin1_code for a in allowed if a.admin1_code),
            )
            labels = sorted({a.admin1 or a.name_latin for a in allowed})
            ctx.outside_region = f"outside context region {' / '.join(labels)}"
        return ctx


def _apply_context(
    c: _Cand,
    mentions: Sequence[AreaMention],
    ctx: _Context | None = None,
    district_said: bool = False,
) -> None:
    """Score a candidate by the context areas: excluded, inside, or next to them.

    ``district_said``: a district of the context is said of this very name
    (:func:`_attached`), so a place of the name whose district the source does not
    record may lie in it.
    """
    c.total = c.name_score
    if not mentions:
        return
    if ctx is None:
        ctx = _Context.of(mentions)
    for m in ctx.origins:
        # "Advancing from the Kursk region, they took Basivka": the place lies outside the
        # area of origin, within reach of it; a namesake inside it, or far away, loses.
        if any(_in_area(c.place, a, m.level) for a in m.places):
            c.total -= 6
            c.notes.append(f"inside {m.label}, named as where the movement comes from")
            continue
        d = _km_to_areas(c.place.lat, c.place.lon, tuple(a.id for a in m.places), m.places)
        if d is not None:
            if d <= NEIGHBOUR_KM:
                c.total += 6
                c.supported = c.in_context = True
                c.notes.append(f"{d:.0f} km from {m.label}, named as where the movement comes from")
    by_level = ctx.by_level
    if not by_level:
        return
    p = c.place
    if p.is_area and p.id in ctx.named:
        c.notes.append("named in context")
        c.supported = c.in_context = True
        c.total += 5
        return
    # as _in_area(p, a, level) for any allowed area a, by set lookups
    if ctx.countries is not None:
        ids, codes = ctx.countries
        if p.id not in ids and p.country_code not in codes:
            c.eligible = False
            c.outside = ctx.outside_country
            c.notes.append(c.outside)
            return
    if ctx.regions is not None:
        ids, codes = ctx.regions
        if p.id not in ids and not (p.admin1_code and p.admin1_code in codes):
            c.eligible = False
            c.outside = ctx.outside_region
            c.notes.append(c.outside)
            return
        c.total += 6
        c.notes.append(f"inside {p.admin1}")
        c.supported = c.in_context = True
    elif "country" in by_level:
        c.total += 2
        c.notes.append(f"inside context country {p.country_code}")
        c.supported = c.in_context = True
    if "admin2" in by_level:
        districts = by_level["admin2"]
        if any(_in_area(p, a, "admin2") for a in districts):
            c.total += 8
            c.notes.append(f"inside context district {p.admin2 or ''}".rstrip())
        elif (
            district_said
            and not p.admin2_stem
            and any(p.admin1_code and p.admin1_code == a.admin1_code for a in districts)
        ):
            # The source records no district for this place (a third of Ukraine's
            # localities) and the district is said of this name («Великомихайлівка
            # Синельниківського району»): it may lie in it as well as a namesake whose
            # district is recorded, so it is not outranked by that record alone.
            c.total += 8
            labels = " / ".join(dict.fromkeys(a.name_latin for a in districts))
            c.notes.append(f"district not recorded, may lie in context district {labels}")


def _attached(
    query: str, context: str, mentions: Sequence[AreaMention], *, absent: bool = True
) -> bool:
    """Tell whether a region or district of the context is said of this very name.

    True when the name does not occur in the context (the context was given for it;
    ``absent`` is the answer then), or when an area follows it with only connecting
    words between ("Olgovka and Korenevo in the Kursk region", «Ольговка Курской
    области») or precedes it directly ("Kursk region's Olgovka").  Connecting words are
    in ``data/words/attach.csv``.
    """
    folded = context.casefold()
    q = query.casefold().strip()
    stem = q[: max(4, len(q) - 3)] if len(q) > 5 else q
    positions = _occurrences(stem, folded)
    if not positions:
        return absent
    connectors = _word_list("attach")
    areas = [m for m in mentions if not m.origin and m.level != "country"]
    if not areas:
        return True
    for pos in positions:
        word_end = pos + len(stem)
        while word_end < len(context) and (
            context[word_end].isalpha() or context[word_end] in "-'’"
        ):
            word_end += 1
        for m in areas:
            if m.start >= word_end:
                between = context[word_end : m.start]
            elif m.end <= pos:
                between = context[m.end : pos]
                if len(between.strip(" ,'’s")) > 0:
                    continue
            else:
                continue
            words = _WORD.findall(between)
            if all(w[0].isupper() or fold(w) in connectors for w in words):
                return True
    return False


def _occurrences(part: str, text: str) -> list[int]:
    """Return where ``part`` occurs in ``text``, left to right, without overlaps.

    A plain search: a pattern compiled per name would push the regular expressions the
    extraction uses out of :mod:`re`'s cache.
    """
    out = []
    at = text.find(part)
    while at >= 0 and part:
        out.append(at)
        at = text.find(part, at + len(part))
    return out


def _area_polygons(area: Place) -> list[Any]:
    """Admin-1 (or country) polygons of an area named in the context, [] when unknown."""
    polys = _boundary_polygons()
    key = area.id if area.id in polys else f"admin1:{area.admin1_code}"
    if area.feature_code == "ADM2" and area.admin1_code:
        key = next((k for k, v in polys.items() if v[0] == area.admin1_code), key)
    hit = polys.get(key)
    return [hit[1]] if hit is not None else []


@functools.lru_cache(maxsize=1)
def _boundary_polygons() -> dict[str, tuple[str, Any]]:
    """Shipped admin-1 polygons by place id (``ne:RU-KRS``), loaded once, with shapely only."""
    from importlib import resources

    import shapely
    from shapely.geometry import shape

    path = resources.files("geokursk") / "data" / "admin1.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, Any]] = {}
    for f in doc["features"]:
        geom = shape(f["geometry"])
        shapely.prepare(geom)
        out[str(f["properties"]["id"])] = (str(f["properties"]["admin1_code"]), geom)
    return out


_KM_TO_AREAS: dict[tuple[float, float, tuple[str, ...]], float | None] = {}
_UNKNOWN = object()


def _km_to_areas(
    lat: float, lon: float, key: tuple[str, ...], areas: Sequence[Place]
) -> float | None:
    """Return the distance from a point to the nearest polygon of the areas, None if none.

    Remembered by point and area ids (``key``): an area of origin is measured against
    the same candidates in every sentence of an article.
    """
    memo_key = (lat, lon, key)
    known = _KM_TO_AREAS.get(memo_key, _UNKNOWN)  # one lookup: another thread may clear it
    if known is not _UNKNOWN:
        return cast("float | None", known)
    polygons = [g for a in areas for g in _area_polygons(a)]
    d = min((_km_to_point(lat, lon, g) for g in polygons), default=None)
    if len(_KM_TO_AREAS) >= MEMO_LIMIT:
        _KM_TO_AREAS.clear()
    _KM_TO_AREAS[memo_key] = d
    return d


def _km_to_point(lat: float, lon: float, polygon: Any) -> float:
    from shapely.geometry import Point

    pt = Point(lon, lat)  # shapely wants (x=lon, y=lat)
    if polygon.contains(pt):
        return 0.0
    from shapely.ops import nearest_points

    q = nearest_points(polygon, pt)[0]  # on the boundary, since the point is outside
    return haversine_km(lat, lon, q.y, q.x)
