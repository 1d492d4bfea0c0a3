"""Settlement-register layers: every Russian settlement, every Ukrainian locality.

Used by ``build_gazetteer.py``.  Two layers, each from sources of one licence:

``ru-register`` (GPL-3.0-or-later)
    ``geo/ru-settlements-register/settlements_RU_full.csv.gz``: 155,921
    settlements with municipal district, type, 2010 census population, OKTMO
    and a point from Rosstat or from a commercial geocoder (DaData).
``ua-localities`` (CC BY 4.0; WOF's own work CC0; KATOTTG names public domain)
    ``geo/wof-ukraine-localities/``: 34,264 Who's On First localities (mostly
    GeoNames points) with Ukrainian/Russian/English names, given the current
    official name, 2020 raion and hromada of ``geo/ua-katottg/`` (KATOTTG 2025)
    where the match is unambiguous.

Checks on every row (flags in ``quality``):

* ``outside-admin1``: the point lies outside its region's Natural Earth
  polygon by more than :data:`TOLERANCE_KM` (:data:`BORDER_TOLERANCE_KM`
  within :data:`BORDER_ZONE_KM` of a state border, where NE 1:10m is
  coarse); for Russian regions without a polygon, an outlier against the
  region's median point;
* ``shared-coordinate``: several settlements on one point (4 decimals);
* ``commercial-geocoder`` (informational): the point came from DaData;
* ``abandoned`` / ``historical`` (GeoNames PPLQ / PPLH) and ``not-current``
  (WOF deprecated or superseded).
"""

from __future__ import annotations

import csv
import gzip
import statistics
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import shapely

from geokursk.build import PlaceRecord
from geokursk.geocode import haversine_km
from geokursk.normalize import fold, latin_forms
from geokursk.stack import compatible_names, latin_display

TOLERANCE_KM = 3.0
BORDER_TOLERANCE_KM = 8.0
BORDER_ZONE_KM = 20.0
HROMADA_KM = 30.0
DUPLICATE_KM = 2.0
#: Rows with one GeoNames id are one place only this close: a city's GeoNames point and
#: its quattroshapes centroid lie up to ~10 km apart (Mariupol 8 km).
SAME_GN_KM = 25.0
METRIC = "EPSG:3035"  # Lambert equal-area Europe: metres across the NE window

RU_TYPES = {
    "г": "city",
    "пгт": "urban-type settlement",
    "рп": "work settlement",
    "кп": "resort settlement",
    "с": "selo",
    "д": "village",
    "п": "settlement",
    "х": "khutor",
    "сл": "sloboda",
    "ст": "stanitsa",
    "ст-ца": "stanitsa",
    "аул": "aul",
}


class PolygonCheck:
    """Point-in-region test with a tolerance, in metres (EPSG:3035)."""

    def __init__(self, admin1: gpd.GeoDataFrame, borders: gpd.GeoDataFrame) -> None:
        metric = admin1.to_crs(METRIC)
        self.poly = {r.admin1_code: r.geometry for r in metric.itertuples()}
        for g in self.poly.values():
            shapely.prepare(g)
        self.border = shapely.union_all(borders.to_crs(METRIC).geometry.values)
        self._to_metric = gpd.GeoSeries([], crs=4326)

    def has(self, code: str) -> bool:
        return code in self.poly

    def outside(self, codes: list[str], lats: list[float], lons: list[float]) -> list[bool]:
        """For each point: True when it lies outside its region beyond the tolerance."""
        pts = gpd.GeoSeries(gpd.points_from_xy(lons, lats), crs=4326).to_crs(METRIC).values
        out = []
        for code, pt in zip(codes, pts, strict=True):
            poly = self.poly.get(code)
            if poly is None or poly.contains(pt):
                out.append(False)
                continue
            d_km = poly.distance(pt) / 1000.0
            near_border = self.border.distance(pt) / 1000.0 <= BORDER_ZONE_KM
            out.append(d_km > (BORDER_TOLERANCE_KM if near_border else TOLERANCE_KM))
        return out


def _outliers(codes: list[str], lats: list[float], lons: list[float]) -> list[bool]:
    """Regions without a polygon: farther from the median point than median + 8 MAD and 300 km.

    Looser than the postal rule (6 MAD, 150 km): Rosstat points are rarely wrong, and
    regions such as Krasnoyarsk Krai stretch over 2,000 km.
    """
    by: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(codes):
        by[c].append(i)
    out = [False] * len(codes)
    for idx in by.values():
        c_lat = statistics.median(lats[i] for i in idx)
        c_lon = statistics.median(lons[i] for i in idx)
        d = {i: haversine_km(c_lat, c_lon, lats[i], lons[i]) for i in idx}
        med = statistics.median(d.values())
        mad = statistics.median(abs(x - med) for x in d.values()) or 1.0
        for i, x in d.items():
            out[i] = x > med + 8 * mad and x > 300
    return out


def region_key(name: str) -> str:
    """Match key of a Russian region name across sources.

    The postal file writes «Ивановская Область» and «Башкортостан Республика», the
    register «Ивановская область» and «Республика Башкортостан»: case and word order differ.
    """
    return " ".join(sorted(fold(name).replace("-", " ").split()))


def ru_district_display(name: str) -> str:
    core = name.replace(" район", "").replace(" р-н", "").strip()
    if core.endswith(("ий", "ый", "ой")):
        return latin_display(core).replace("iy", "y").replace("yy", "y") + " District"
    return latin_display(core)


def ru_register_records(
    geo: Path,
    region_code: dict[str, str],
    region_display: dict[str, str],
    check: PolygonCheck,
) -> tuple[list[PlaceRecord], dict[str, object]]:
    """Read the Russian register into records (one per settlement row)."""
    path = geo / "ru-settlements-register" / "settlements_RU_full.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    coord_count = Counter(
        (round(float(r["latitude_dd"]), 4), round(float(r["longitude_dd"]), 4)) for r in rows
    )
    codes = [region_code.get(region_key(r["region"]), "") for r in rows]
    lats = [float(r["latitude_dd"]) for r in rows]
    lons = [float(r["longitude_dd"]) for r in rows]
    with_poly = [i for i, c in enumerate(codes) if check.has(c)]
    outside = [False] * len(rows)
    flagged = check.outside(
        [codes[i] for i in with_poly], [lats[i] for i in with_poly], [lons[i] for i in with_poly]
    )
    for i, f in zip(with_poly, flagged, strict=True):
        outside[i] = f
    rest = [i for i, c in enumerate(codes) if not check.has(c)]
    for i, f in zip(
        rest,
        # grouped by the register's own region name: some regions have no code here
        _outliers(
            [rows[i]["region"] for i in rest], [lats[i] for i in rest], [lons[i] for i in rest]
        ),
        strict=True,
    ):
        outside[i] = f
    report: Counter[str] = Counter()
    records = []
    for i, r in enumerate(rows):
        name = r["settlement"].strip()
        flags = []
        if outside[i]:
            flags.append("outside-admin1")
        if coord_count[(round(lats[i], 4), round(lons[i], 4))] > 1:
            flags.append("shared-coordinate")
        commercial = r["dadata"] == "1"
        if commercial:
            flags.append("commercial-geocoder")
        for f in flags:
            report[f] += 1
        region = r["region"].strip()
        district = r["municipality"].strip()
        kind = RU_TYPES.get(r["type"].strip(), r["type"].strip())
        pop = int(r["population"]) if r["population"].isdigit() else 0
        origin = "DaData (commercial geocoder)" if commercial else "Rosstat"
        records.append(
            PlaceRecord(
                id=f"ru-register:{r['oktmo'] or r['id']}:{r['id']}",
                name=name,
                name_latin="",
                name_ru=name,
                name_uk=None,
                feature_code="PPL",
                country_code="RU",
                admin1=region_display.get(region_key(region)) or latin_display(region),
                admin2=ru_district_display(district) if district else None,
                lat=lats[i],
                lon=lons[i],
                population=pop or None,
                source="rosstat" if not commercial else "dadata",
                quality=",".join(flags) or "ok",
                provenance=(
                    f"{kind}; OKTMO {r['oktmo']}; census 2010: {pop}; {origin} point; "
                    f"register row {r['id']}"
                ),
                admin1_code=codes[i],
                name_rank=1,
                district=district,
            )
        )
    report["rows"] = len(records)
    by_region = Counter(codes)
    report_regions = {c: n for c, n in sorted(by_region.items()) if c}
    report["regions_without_code"] = len(
        {r["region"] for r, c in zip(rows, codes, strict=True) if not c}
    )
    return records, {**dict(sorted(report.items())), "rows_by_region": report_regions}


# --- Ukraine: WOF localities + KATOTTG names -------------------------------------------


def _katottg(geo: Path) -> tuple[list[dict[str, str]], dict[str, str], dict[str, str]]:
    path = geo / "ua-katottg" / "kodifikator-2025-07-02.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    names: dict[str, str] = {}
    settlements = []
    oblasts: dict[str, str] = {}
    for r in rows:
        codes = [c for c in r[:5]]
        cat, name = r[5], r[6].strip()
        own = next(c for c in reversed(codes) if c)
        names[own] = name
        if cat in ("O", "K"):
            oblasts[own] = name
        if cat in ("M", "X", "C") or (cat == "K"):
            settlements.append(
                {
                    "oblast": codes[0],
                    "raion": codes[1],
                    "hromada": codes[2],
                    "code": own,
                    "category": cat,
                    "name": name,
                }
            )
    return settlements, names, oblasts


def _keys(names: list[str]) -> set[str]:
    return {k for n in names if n for k in latin_forms(n)}


def ua_locality_records(
    geo: Path,
    oblast_iso: dict[str, str],
    iso_code: dict[str, str],
    iso_display: dict[str, str],
    check: PolygonCheck,
) -> tuple[list[PlaceRecord], dict[str, object]]:
    """WOF localities with KATOTTG current names, raions and hromadas attached."""
    with (geo / "wof-ukraine-localities" / "wof_admin_ua_places.csv").open(
        encoding="utf-8", newline=""
    ) as fh:
        wof = [r for r in csv.DictReader(fh) if r["placetype"] == "locality"]
    settlements, kat_names, _oblasts = _katottg(geo)
    # WOF region names vote for their ISO code by the NE polygon their points fall in.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for r in wof:
        if r["wof_region_name"] and r["ne_admin1_iso"].startswith("UA-"):
            votes[r["wof_region_name"]][r["ne_admin1_iso"]] += 1
    # A region needs a majority of its localities inside one polygon: Crimea has no NE
    # polygon here, and its few points north of the isthmus must not make it Kherson.
    region_rows = Counter(r["wof_region_name"] for r in wof if r["wof_region_name"])
    region_iso = {
        k: v.most_common(1)[0][0]
        for k, v in votes.items()
        if v.most_common(1)[0][1] * 2 > region_rows[k]
    }

    def iso_of(r: dict[str, str]) -> str:
        if r["wof_region_name"]:
            return region_iso.get(r["wof_region_name"], "")
        ne = r["ne_admin1_iso"]
        return ne if ne.startswith("UA-") else ""

    isos = [iso_of(r) for r in wof]
    # KATOTTG <-> WOF, per oblast, by shared name keys; homonyms need the old raion to agree.
    kat_by: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, s in enumerate(settlements):
        iso = oblast_iso.get(s["oblast"], "")
        for k in _keys([s["name"]]):
            kat_by[(iso, k)].append(j)
    match: dict[int, int] = {}
    cands_of: dict[int, set[int]] = {}
    for i, r in enumerate(wof):
        names = [r["name_ukr"], r["name"], r["gn_name"], r["name_eng"]]
        cands: set[int] = set()
        for k in _keys(names):
            cands.update(kat_by.get((isos[i], k), ()))
        if len(cands) == 1:
            match[i] = next(iter(cands))
        elif cands:
            cands_of[i] = cands
    # Homonyms within an oblast (ten Mykhailivkas): choose the KATOTTG settlement whose
    # hromada centre (the settlement the hromada is named after, placed by a unique match
    # above) is clearly the nearest to the WOF point.
    centre = _hromada_centres(settlements, kat_names, match, wof)
    ambiguous = 0
    for i, cands in sorted(cands_of.items()):
        lat, lon = float(wof[i]["lat"]), float(wof[i]["lon"])
        dists = sorted(
            (haversine_km(lat, lon, *centre[settlements[j]["hromada"]]), j)
            for j in cands
            if settlements[j]["hromada"] in centre
        )
        if (
            dists
            and dists[0][0] <= HROMADA_KM
            and (len(dists) == 1 or dists[1][0] >= 2 * dists[0][0] + 5)
            and len(dists) == len(cands)
        ):
            match[i] = dists[0][1]
        else:
            ambiguous += 1
    taken = Counter(match.values())
    coord = Counter((round(float(r["lat"]), 4), round(float(r["lon"]), 4)) for r in wof)
    outside = check.outside(
        [iso_code.get(iso, "") for iso in isos],
        [float(r["lat"]) for r in wof],
        [float(r["lon"]) for r in wof],
    )
    report: Counter[str] = Counter()
    records = []
    for i, r in enumerate(wof):
        lat, lon = float(r["lat"]), float(r["lon"])
        flags = []
        if outside[i]:
            flags.append("outside-admin1")
        if coord[(round(lat, 4), round(lon, 4))] > 1:
            flags.append("shared-coordinate")
        fc = r["gn_feature_code"] or "PPL"
        if fc == "PPLQ":
            flags.append("abandoned")
        elif fc == "PPLH":
            flags.append("historical")
        if r["mz_is_current"] == "0" or r["edtf_deprecated"] or r["superseded_by"]:
            flags.append("not-current")
        if r["src_geom"] in ("quattroshapes", "qs_pg", "qs"):
            flags.append("area-centroid")
        for f in flags:
            report[f] += 1
        j = match.get(i)
        official = raion = hromada = ""
        if j is not None and taken[j] == 1:
            s = settlements[j]
            official = s["name"]
            raion = kat_names.get(s["raion"], "")
            hromada = kat_names.get(s["hromada"], "").strip()
            report["katottg_matched"] += 1
        # WOF's language columns are sometimes another place's names (a Bakhmut row with
        # name_ukr "Кипуче"): only names that spell the primary name (the official one, else
        # wof:name) are main names; the others are kept as weaker alternate names.
        primary = official or r["name"]
        names = [primary]
        alts = []
        for n in (r["name_ukr"], r["name_rus"], r["name_eng"], r["name"], r["gn_name"]):
            if n and n not in names:
                (names if compatible_names(n, primary) else alts).append(n)
        alts += [
            a
            for col in ("name_ukr_variants", "name_rus_variants", "name_und_variants")
            for a in r[col].split("|")
            if a
        ]
        latin = next((n for n in names if n.isascii() and n[:1].isalpha()), "")
        iso = isos[i]
        pop = int(r["gn_population"]) if r["gn_population"].isdigit() else 0
        kat = (
            f"; KATOTTG 2025: {official}, {hromada} hromada, {raion} raion"
            if official
            else "; no unambiguous KATOTTG match"
        )
        records.append(
            PlaceRecord(
                id=f"wof:{r['wof_id']}",
                name=primary,
                name_latin=latin_display(official, "UA") if official else latin,
                name_ru=r["name_rus"] if r["name_rus"] in names else None,
                name_uk=official or (r["name_ukr"] if r["name_ukr"] in names else None),
                feature_code=fc if fc not in ("PPLQ", "PPLH") else "PPL",
                country_code="UA",
                admin1=iso_display.get(iso) or r["wof_region_name"] or None,
                admin2=f"{latin_display(raion, 'UA')} Raion" if raion else None,
                lat=lat,
                lon=lon,
                population=pop or None,
                source=f"wof-{r['src_geom'] or 'unknown'}",
                quality=",".join(flags) or "ok",
                provenance=(
                    f"Who's On First {r['wof_id']} (point from {r['src_geom']}"
                    + (f", GeoNames {r['gn_id']}" if r["gn_id"] else "")
                    + ")"
                    + kat
                ),
                admin1_code=iso_code.get(iso, ""),
                names=list(dict.fromkeys(names)),
                alt_names=list(dict.fromkeys(a for a in alts if a not in names)),
                gn_id=int(r["gn_id"]) if r["gn_id"].isdigit() else None,
                district=raion,
                name_rank=1 if official else 5,
            )
        )
    records, dupes, conflicts = _merge_duplicates(records)
    report["duplicate_rows_merged"] = dupes
    report["geonames_id_far_apart"] = conflicts
    report["localities"] = len(records)
    report["katottg_ambiguous"] = ambiguous
    # Coverage against the official codifier, per oblast.
    kat_count: Counter[str] = Counter(oblast_iso.get(s["oblast"], "") for s in settlements)
    found: Counter[str] = Counter(
        oblast_iso.get(settlements[j]["oblast"], "") for j, n in taken.items() if n == 1
    )
    wof_count: Counter[str] = Counter(isos)
    coverage = {
        iso: {
            "katottg_settlements": kat_count[iso],
            "katottg_with_point": found[iso],
            "wof_localities": wof_count[iso],
        }
        for iso in sorted(kat_count)
        if iso
    }
    return records, {**dict(sorted(report.items())), "coverage": coverage}


def _merge_duplicates(records: list[PlaceRecord]) -> tuple[list[PlaceRecord], int, int]:
    """WOF holds some places two or three times (Bakhmut under three records, two still
    called Artemivsk): rows with one GeoNames id within :data:`SAME_GN_KM`, or compatible
    names within :data:`DUPLICATE_KM`, are one place.  Rows that share a GeoNames id
    farther apart are a broken concordance, not one place (a Kherson-oblast Voskresenka
    row carries Kyiv's id: merged, it took Kyiv's names and population and Kyiv's own row
    vanished); they are kept apart and counted (the third value).  The row with the
    official (KATOTTG) name and the fewest flags keeps its point; the others' names become
    alternate names and their ids are listed in the provenance."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_gn: dict[int, list[int]] = defaultdict(list)
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if r.gn_id:
            by_gn[r.gn_id].append(i)
        cells[(int(r.lat // 0.05), int(r.lon // 0.08))].append(i)
    conflicts = 0
    for idxs in by_gn.values():
        for n, j in enumerate(idxs[1:], start=1):
            rj = records[j]
            near = [
                i
                for i in idxs[:n]
                if haversine_km(records[i].lat, records[i].lon, rj.lat, rj.lon) <= SAME_GN_KM
            ]
            if near:
                parent[find(j)] = find(near[0])
            else:
                conflicts += 1
    # Rows imported twice (a GeoNames point and a quattroshapes point of one village,
    # under different ids): compatible names within DUPLICATE_KM are one place.
    for (cy, cx), idxs in cells.items():
        near = [
            j for dy in (-1, 0, 1) for dx in (-1, 0, 1) for j in cells.get((cy + dy, cx + dx), ())
        ]
        for i in idxs:
            ri = records[i]
            for j in near:
                if j <= i or find(i) == find(j):
                    continue
                rj = records[j]
                if haversine_km(ri.lat, ri.lon, rj.lat, rj.lon) > DUPLICATE_KM:
                    continue
                if any(compatible_names(a, b) for a in ri.names for b in rj.names):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        groups[find(i)].append(i)
    drop: set[int] = set()
    for idxs in groups.values():
        if len(idxs) < 2:
            continue
        # The best *point* is kept (a GeoNames point before a WOF edit before a
        # quattroshapes centroid); the best *name* (the official one) is carried over.
        src_order = {"wof-geonames": 0, "wof-whosonfirst": 1}
        ranked = sorted(
            idxs,
            key=lambda i: (
                any(f not in ("ok", "area-centroid") for f in records[i].quality.split(",")),
                "area-centroid" in records[i].quality,
                src_order.get(records[i].source, 2),
                records[i].name_rank,
                records[i].id,
            ),
        )
        keep = records[ranked[0]]
        others = [records[i] for i in ranked[1:]]
        official = min([keep, *others], key=lambda r: r.name_rank)
        if official is not keep and official.name_rank < keep.name_rank:
            keep = replace(
                keep,
                name=official.name,
                name_latin=official.name_latin,
                name_uk=official.name_uk,
                names=list(dict.fromkeys([*official.names, *keep.names])),
                admin2=official.admin2,
                district=official.district,
                name_rank=official.name_rank,
            )
        extra = [n for o in others for n in (*o.names, *o.alt_names) if n not in keep.names]
        records[ranked[0]] = replace(
            keep,
            alt_names=list(dict.fromkeys([*keep.alt_names, *extra])),
            population=max((r.population or 0) for r in [keep, *others]) or None,
            provenance=keep.provenance
            + "; same GeoNames place as "
            + ", ".join(o.id for o in others),
        )
        drop.update(ranked[1:])
    return [r for i, r in enumerate(records) if i not in drop], len(drop), conflicts


def _hromada_centres(
    settlements: list[dict[str, str]],
    kat_names: dict[str, str],
    match: dict[int, int],
    wof: list[dict[str, str]],
) -> dict[str, tuple[float, float]]:
    """Points of hromada centres: the uniquely matched settlement sharing the hromada's stem."""
    point_of = {j: (float(wof[i]["lat"]), float(wof[i]["lon"])) for i, j in match.items()}
    out: dict[str, tuple[float, float]] = {}
    by_hromada: dict[str, list[int]] = defaultdict(list)
    for j, s in enumerate(settlements):
        if s["hromada"]:
            by_hromada[s["hromada"]].append(j)
    for code, members in by_hromada.items():
        h = fold(kat_names.get(code, "")).split()
        if not h:
            continue
        h_stem = _adj_stem(h[0])
        centres = [
            j
            for j in members
            if j in point_of and _adj_stem(fold(settlements[j]["name"])) == h_stem
        ]
        if len(centres) == 1:
            out[code] = point_of[centres[0]]
    return out


def _adj_stem(word: str) -> str:
    """Юнаківська -> юнаків, Юнаківка -> юнаків, Суми -> сум (crude, for hromada centres)."""
    w = word.split()[0] if word else ""
    for suffix in (
        "ська",
        "цька",
        "зька",
        "ське",
        "цьке",
        "ськ",
        "цьк",
        "ка",
        "не",
        "е",
        "и",
        "а",
        "ь",
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w
