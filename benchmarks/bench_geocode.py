"""Benchmark geokursk geocoding against a brute-force rapidfuzz scan.

Usage::

    .venv/bin/python benchmarks/bench_geocode.py [--rows 1000000] [--queries 300]
    .venv/bin/python benchmarks/bench_geocode.py --build-only [--rows 1000000]

What it measures (each figure printed, with a ratio against a baseline run
in the same process):

* names/s for exact and fuzzy (misspelt) queries through
  ``Geocoder.geocode`` on the shipped gazetteer and on a large
  GeoNames-format gazetteer, versus ``rapidfuzz.process.extractOne`` over
  every name key of the same gazetteer (the brute-force scan), and the
  top-1 agreement between the two (same best name key, or an equal score);
* cold start: a fresh interpreter importing geokursk and answering one
  query (median of 5 runs);
* index build rows/s of ``build_gazetteer`` on the large file, versus the bare
  cost of reading the same file in Python (decode each line, split it on tabs),
  and the peak RSS of the build.  The build runs in a fresh child process, so its
  peak RSS is that process's high-water mark (``VmHWM``), printed together
  with the part already reached before the build (interpreter and imports); the
  bare parse runs in the same child just before the build.  ``--build-only``
  runs this part alone;
* reverse geocoding (``geokursk.reverse``) of ``--reverse-points`` random points
  (default 100,000, uniform over 44-57 N, 22-41 E: Ukraine, Belarus, western
  Russia, their neighbours and two seas) in points/s, whole answer and nearest
  settlement search alone, versus a brute-force nearest search (haversine from
  each point to every settlement, numpy-vectorised per point) over
  ``--reverse-brute`` of the same points, with their agreement.

The large gazetteer is generated, not downloaded: ``--rows`` synthetic
settlements written in the GeoNames main-dump format (19 tab-separated
columns) to ``benchmarks/out/synthetic_allCountries.txt``.  Names are
Slavic-like compounds of syllables, one in five also has a Cyrillic
alternate name, and coordinates are spread over Russia, Ukraine and
Belarus.  Fuzzy queries are real names with one news-style change
(o->i as in Russian/Ukrainian forms, kh->h, a dropped or doubled letter).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from geokursk.gazetteer import Gazetteer, default_gazetteer_path
from geokursk.geocode import Geocoder
from geokursk.normalize import _fold, fold, latin_forms
from geokursk.reverse_geocode import reverse
from geokursk.reverse_geocode.settlements import _settlements_of

OUT = Path(__file__).resolve().parent / "out"

_ONSETS = [
    "b",
    "v",
    "g",
    "d",
    "zh",
    "z",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "kh",
    "ch",
    "sh",
    "pl",
    "kr",
    "st",
    "gr",
    "br",
    "sv",
    "dr",
    "sl",
    "pr",
    "tr",
]
_VOWELS = ["a", "o", "e", "i", "u", "y", "ya", "yu"]
_CODAS = ["", "", "n", "r", "l", "s", "v", "k"]
_SUFFIXES = [
    "ovka",
    "evka",
    "ino",
    "ovo",
    "evo",
    "ka",
    "any",
    "skoye",
    "ichi",
    "tsy",
    "ovichi",
    "noye",
    "ets",
    "ok",
]
_CYR = {
    "a": "а",
    "b": "б",
    "v": "в",
    "g": "г",
    "d": "д",
    "e": "е",
    "zh": "ж",
    "z": "з",
    "i": "и",
    "y": "ы",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "kh": "х",
    "ts": "ц",
    "ch": "ч",
    "sh": "ш",
    "ya": "я",
    "yu": "ю",
}


def synthetic_name(rng: random.Random) -> str:
    parts = [
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        for _ in range(rng.randint(1, 3))
    ]
    word = "".join(parts) + rng.choice(_SUFFIXES)
    return word[0].upper() + word[1:]


def to_cyrillic(name: str) -> str:
    out, i, low = [], 0, name.lower()
    while i < len(low):
        two = low[i : i + 2]
        if two in _CYR:
            out.append(_CYR[two])
            i += 2
        else:
            out.append(_CYR.get(low[i], low[i]))
            i += 1
    s = "".join(out)
    return s[:1].upper() + s[1:]


def write_synthetic(path: Path, rows: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    with path.open("w", encoding="utf-8") as fh:
        for gid in range(10_000_000, 10_000_000 + rows):
            name = synthetic_name(rng)
            alts = to_cyrillic(name) if rng.random() < 0.2 else ""
            lat, lon = rng.uniform(44.0, 60.0), rng.uniform(23.0, 60.0)
            cc = rng.choice(["RU", "RU", "RU", "UA", "BY"])
            fh.write(
                f"{gid}\t{name}\t{name}\t{alts}\t{lat:.5f}\t{lon:.5f}\tP\tPPL\t{cc}\t\t"
                f"{rng.randint(1, 80):02d}\t\t\t\t{rng.choice([0, 0, 120, 800, 5000])}\t\t100\t"
                "Europe/Moscow\t2024-01-01\n"
            )
            if len(names) < 200_000:
                names.append(name)
    return names


def misspell(name: str, rng: random.Random) -> str:
    low = name.lower()
    ops: list[Callable[[str], str]] = [
        lambda s: s.replace("o", "i", 1) if "o" in s[1:] else s + "a",
        lambda s: s.replace("kh", "h", 1) if "kh" in s else s.replace("k", "kh", 1),
        lambda s: s[: len(s) // 2] + s[len(s) // 2 + 1 :],
        lambda s: s[: len(s) // 2] + s[len(s) // 2] + s[len(s) // 2 :],
        lambda s: s.replace("y", "i", 1) if "y" in s else s.replace("e", "ye", 1),
    ]
    out = rng.choice(ops)(low)
    return out[:1].upper() + out[1:]


def all_keys(path: Path) -> list[str]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as c:
        return [r[0] for r in c.execute("SELECT DISTINCT key FROM names ORDER BY key")]


def time_geokursk(gc: Geocoder, queries: Sequence[str]) -> tuple[float, list[str]]:
    """Return names/s and the best name key geokursk found for each query."""
    t0 = time.perf_counter()
    for q in queries:
        gc.geocode(q)
    rate = len(queries) / (time.perf_counter() - t0)
    best: list[str] = []
    for q in queries:  # untimed: the best-matching name key, to compare with the scan
        cands = gc._candidates(q)
        best.append(max(cands, key=lambda c: c.name_score).key if cands else "")
    return rate, best


def time_floor(keys: Sequence[str], queries: Sequence[str]) -> float:
    """Return the seconds per name of the bare floor: folding it and one dict probe.

    The fold is the uncached one (:func:`geokursk.normalize._fold`): ``fold`` itself
    caches short strings, so after the geocoder has run it would cost a cache hit only.
    """
    table = dict.fromkeys(keys, 0)
    rounds = 20
    t0 = time.perf_counter()
    for _ in range(rounds):
        for q in queries:
            table.get(_fold(q))
    return (time.perf_counter() - t0) / (rounds * len(queries))


def time_bruteforce(
    keys: list[str], queries: Sequence[str]
) -> tuple[float, list[tuple[str, float]]]:
    out: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    for q in queries:
        hit = process.extractOne(fold(q), keys, scorer=fuzz.ratio)
        out.append((hit[0], float(hit[1])) if hit else ("", 0.0))
    return len(queries) / (time.perf_counter() - t0), out


def _ratio(query: str, key: str) -> float:
    return max(fuzz.ratio(k, key) for k in latin_forms(query) or {fold(query)})


def agreement(
    queries: Sequence[str],
    ours: Sequence[str],
    brute: Sequence[tuple[str, float]],
    truth: Sequence[str] | None = None,
) -> float:
    """Return the share of queries where geokursk's best key is as good as the scan's.

    With ``truth`` (the names the misspellings were made from), every disagreement is
    printed with the side whose key is the true name's.
    """
    agree = 0
    rows = []
    for i, (q, mine, (key, score)) in enumerate(zip(queries, ours, brute, strict=True)):
        same = mine == key or (bool(mine) and _ratio(q, mine) >= score)  # a tie broken otherwise
        agree += same
        if not same and truth is not None:
            true_keys = latin_forms(truth[i])
            right = {
                (True, True): "both",
                (True, False): "geokursk",
                (False, True): "scan",
                (False, False): "neither",
            }[(mine in true_keys, key in true_keys)]
            rows.append(
                f"    {q!r} (from {truth[i]!r}): geokursk {mine or '-'!r} "
                f"({_ratio(q, mine) if mine else 0:.0f}), scan {key!r} ({score:.0f}); "
                f"true name's key: {right}"
            )
    if rows:
        print(f"  disagreements ({len(rows)}):")
        print("\n".join(rows))
    return agree / len(queries)


def truth_rate(
    queries: Sequence[str], found: Sequence[str], truth: Sequence[str]
) -> tuple[int, int]:
    """Return how many best keys are one of the true name's keys, and of how many."""
    hits = sum(key in latin_forms(t) for key, t in zip(found, truth, strict=True))
    return hits, len(queries)


def cold_start(gazetteer: Path | None, name: str, runs: int = 5) -> float:
    """Median seconds of a fresh interpreter importing geokursk and answering once.

    ``gazetteer=None`` uses the default geocoder: the layer stack, whose cache is warm.
    """
    target = repr(str(gazetteer)) if gazetteer is not None else ""
    code = (
        "import time; t=time.perf_counter(); import geokursk; "
        f"geokursk.Geocoder({target}).geocode({name!r}); "
        "print(time.perf_counter()-t)"
    )
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def first_use() -> None:
    """Time the first use: stacking the shipped layers into a fresh cache file."""
    try:
        from geokursk.layers import shipped_layers
        from geokursk.stack import build_stack
    except ImportError:  # a version without layers unpacks one file instead
        return
    layers = shipped_layers()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = build_stack(layers, Path(tmp) / "stack.sqlite")
        dt = time.perf_counter() - t0
        size = (Path(tmp) / "stack.sqlite").stat().st_size / 1e6
    shipped_mb = sum(lay.path.stat().st_size for lay in layers) / 1e6
    print(
        f"first use: {len(layers)} layers ({shipped_mb:.1f} MB shipped) stacked into "
        f"{report['places']:,} places ({size:.0f} MB cache) in {dt:.1f} s"
    )


def bench(
    label: str,
    gaz_path: Path,
    exact: list[str],
    fuzzy: list[str],
    n_brute: int,
    truth: list[str],
) -> None:
    """Time exact and fuzzy queries against the scan; ``truth``: the names fuzzy came from."""
    gc = Geocoder(gaz_path)
    gc.geocode(exact[0])  # warm the connection and caches
    keys = all_keys(gaz_path)
    print(f"\n== {label}: {len(Gazetteer(gaz_path)):,} places, {len(keys):,} distinct name keys")
    for kind, queries in (("exact", exact), ("fuzzy", fuzzy)):
        ours_rate, ours_best = time_geokursk(gc, queries)
        sub = queries[:n_brute]
        brute_rate, brute_best = time_bruteforce(keys, sub)
        agree = agreement(sub, ours_best[:n_brute], brute_best, truth if kind == "fuzzy" else None)
        print(
            f"{kind:>5}: geokursk {ours_rate:8.1f} names/s | brute-force extractOne "
            f"{brute_rate:6.2f} names/s | ratio {ours_rate / brute_rate:7.1f}x | "
            f"top-1 agreement {agree:.1%} (n={len(sub)})"
        )
        if kind == "exact":
            floor = time_floor(keys, queries)
            answer = 1.0 / ours_rate
            again = 1.0 / time_geokursk(gc, queries)[0]  # the same names, asked again
            print(
                f"       exact answer {answer * 1e6:7.1f} us (first time), {again * 1e6:5.2f} us "
                f"(asked again) | floor (fold + one dict probe) {floor * 1e6:5.2f} us | "
                f"answer / floor {answer / floor:6.1f}x first time, {again / floor:4.1f}x again"
            )
        else:
            ours_true, n = truth_rate(queries, ours_best, truth)
            brute_true, nb = truth_rate(sub, [k for k, _ in brute_best], truth[:n_brute])
            print(
                f"       best key is the true name's: geokursk {ours_true / n:.1%} (n={n}), "
                f"scan {brute_true / nb:.1%} (n={nb})"
            )


def bench_reverse(n_points: int, n_brute: int, seed: int = 5) -> None:
    """Reverse-geocode random points; compare with a brute-force nearest search."""
    import numpy as np

    gc = Geocoder()
    t0 = time.perf_counter()
    towns = _settlements_of(gc.gazetteer)
    load = time.perf_counter() - t0
    rng = np.random.default_rng(seed)
    lat = rng.uniform(44.0, 57.0, n_points)
    lon = rng.uniform(22.0, 41.0, n_points)
    print(
        f"\n== reverse geocoding: {len(towns.lat):,} settlements "
        f"(loaded and indexed once in {load:.1f} s), {n_points:,} random points"
    )
    reverse([(lat[0], lon[0])], geocoder=gc)  # warm the polygon and border caches
    t0 = time.perf_counter()
    out = reverse(list(zip(lat, lon, strict=True)), geocoder=gc)
    full_rate = n_points / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    _idx, km = towns.index.nearest(lat, lon, 1)
    nearest_rate = n_points / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    p2, l2 = np.radians(towns.lat), np.radians(towns.lon)
    brute_km = np.empty(n_brute)
    for i in range(n_brute):
        p1, l1 = math.radians(lat[i]), math.radians(lon[i])
        a = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
        brute_km[i] = 2 * 6371.0088 * np.arcsin(np.sqrt(a)).min()
    brute_rate = n_brute / (time.perf_counter() - t0)
    agree = float(np.mean(np.abs(km[:n_brute, 0] - brute_km) < 0.001))
    agree_full = float(np.mean(np.abs(out["nearest_km"].to_numpy()[:n_brute] - brute_km) < 0.001))
    print(
        f"reverse(), whole answer: {full_rate:10,.0f} points/s | brute-force nearest "
        f"{brute_rate:6.1f} points/s | ratio {full_rate / brute_rate:7.0f}x"
    )
    print(
        f"nearest settlement only: {nearest_rate:10,.0f} points/s | ratio "
        f"{nearest_rate / brute_rate:7.0f}x | same nearest distance as brute force: "
        f"{agree:.1%} (whole answer {agree_full:.1%}, n={n_brute})"
    )
    inside = out["oblast"].notna().mean()
    print(
        f"points in an oblast polygon {inside:.1%}, in a country polygon "
        f"{out['country_code'].notna().mean():.1%}, with a raion {out['raion'].notna().mean():.1%}"
        f", with a hromada {out['hromada'].notna().mean():.1%}"
    )


#: Run in a fresh interpreter: the bare parse of the file, then the build, with the
#: process's peak RSS before and after the build: ``VmHWM`` of /proc/self/status (KiB),
#: which starts afresh at exec, unlike ``ru_maxrss`` (Linux keeps the forking parent's
#: high-water mark across exec); ``ru_maxrss`` where /proc is missing.
_BUILD_CHILD = """
import json, resource, sys, time
src, out = sys.argv[1], sys.argv[2]
def peak_kib():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from geokursk.build import build_gazetteer
t0 = time.perf_counter()
rows = 0
with open(src, "rb") as fh:
    for raw in fh:
        cols = raw.decode("utf-8").rstrip("\\n").split("\\t")
        rows += 1
parse = time.perf_counter() - t0
rss0 = peak_kib()
t0 = time.perf_counter()
stats = build_gazetteer([src], out, progress=False)
dt = time.perf_counter() - t0
rss1 = peak_kib()
print(json.dumps({"stats": stats, "seconds": dt, "parse_rows": rows, "parse_seconds": parse,
                  "rss_before_kib": rss0, "rss_peak_kib": rss1}))
"""


def bench_build(src: Path, gaz: Path) -> None:
    """Time ``build_gazetteer`` on ``src`` in a child process; print rows/s and peak RSS."""
    res = subprocess.run(
        [sys.executable, "-c", _BUILD_CHILD, str(src), str(gaz)],
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(res.stdout.strip().splitlines()[-1])
    stats, dt = r["stats"], r["seconds"]
    rate = stats["places"] / dt
    parse_rate = r["parse_rows"] / r["parse_seconds"]
    print(
        f"index build: {stats['places']:,} rows, {stats['names']:,} name keys in {dt:.1f} s "
        f"= {rate:,.0f} rows/s; file {gaz.stat().st_size / 1e6:.0f} MB"
    )
    print(
        f"bare parse (read, decode, split on tabs; same process): {parse_rate:,.0f} rows/s | "
        f"build {rate:,.0f} rows/s = {rate / parse_rate:.3f}x the bare parse "
        f"({parse_rate / rate:.1f}x slower)"
    )
    print(
        f"build peak RSS: {r['rss_peak_kib'] / 1024:,.0f} MB (high-water mark of the child "
        f"process, VmHWM; {r['rss_before_kib'] / 1024:,.0f} MB of it reached before the "
        "build: interpreter, imports, bare parse)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--brute", type=int, default=100, help="queries for the slow baseline")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--reverse-points", type=int, default=100_000)
    ap.add_argument("--reverse-brute", type=int, default=300, help="points for the slow baseline")
    ap.add_argument("--reverse-only", action="store_true", help="run the reverse benchmark only")
    ap.add_argument(
        "--build-only",
        action="store_true",
        help="only generate the --rows GeoNames file and time the index build",
    )
    args = ap.parse_args(argv)
    rng = random.Random(11)
    if args.reverse_only:
        bench_reverse(args.reverse_points, args.reverse_brute)
        return 0
    if args.build_only:
        return run_large(args, rng, build_only=True)

    shipped = default_gazetteer_path()
    with sqlite3.connect(f"{shipped.resolve().as_uri()}?mode=ro", uri=True) as c:
        real = [
            r[0]
            for r in c.execute(
                "SELECT name_latin FROM places WHERE quality = 'ok' AND length(name_latin) > 4 "
                "ORDER BY rowid"
            )
        ]
    real_exact = rng.sample(real, args.queries)
    real_truth = rng.sample(real, args.queries)
    real_fuzzy = [misspell(n, rng) for n in real_truth]
    bench("shipped gazetteer", shipped, real_exact, real_fuzzy, args.brute, real_truth)
    print(f"cold start (import + first answer, shipped): {cold_start(shipped, 'Plekhovo'):.3f} s")
    print(
        "cold start (import + first answer, default geocoder, warm cache): "
        f"{cold_start(None, 'Plekhovo'):.3f} s"
    )
    first_use()
    bench_reverse(args.reverse_points, args.reverse_brute)

    if args.skip_large:
        return 0
    return run_large(args, rng)


def run_large(args: argparse.Namespace, rng: random.Random, *, build_only: bool = False) -> int:
    """Generate the large GeoNames file, time its index build, then geocode on it.

    ``build_only`` stops after the build.
    """
    src = OUT / "synthetic_allCountries.txt"
    t0 = time.perf_counter()
    names = write_synthetic(src, args.rows)
    print(f"\ngenerated {args.rows:,} GeoNames rows in {time.perf_counter() - t0:.1f} s -> {src}")
    gaz = OUT / "synthetic.sqlite"
    bench_build(src, gaz)
    if build_only:
        return 0
    exact = rng.sample(names, args.queries)
    truth = rng.sample(names, args.queries)
    fuzzy = [misspell(n, rng) for n in truth]
    label = f"synthetic GeoNames gazetteer ({args.rows:,} rows)"
    bench(label, gaz, exact, fuzzy, args.brute, truth)
    print(f"cold start (import + first answer, large): {cold_start(gaz, exact[0]):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
