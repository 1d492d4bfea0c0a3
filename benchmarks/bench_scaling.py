"""Benchmark how cost grows with input size: joint geocoding and extraction.

Usage::

    .venv/bin/python benchmarks/bench_scaling.py [--names 160 1600 16000] [--kb 100 1000]

What it measures (each figure printed):

* one :meth:`geokursk.Geocoder.geocode_many` call on N *distinct* settlement
  names drawn from the shipped gazetteer (a fixed seed), for each N given:
  seconds, milliseconds per name, and the per-name cost against the
  smallest N (the ratio must stay near 1 for linear cost; issue 13 asks for
  at most 2);
* a second call on the same names with the same geocoder (the candidate
  cache of a run);
* :func:`geokursk.extract_article` on a text of K kilobytes made by repeating
  the gold articles of ``tests/data/articles`` (the same text for every
  size): seconds, seconds per MB, and the per-MB cost against the smallest
  size.

The gazetteer stack is opened and warmed before anything is timed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from pathlib import Path

from geokursk import Geocoder, extract_article

ARTICLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "articles"


def _names(gc: Geocoder, n: int, seed: int = 13) -> list[str]:
    rows = gc.gazetteer.settlements(["name_latin"])
    pool = sorted({str(r[0]) for r in rows if r[0] and str(r[0]).isascii() and str(r[0]).isalpha()})
    rng = random.Random(seed)
    return rng.sample(pool, n)


def _text(kb: int) -> str:
    parts = []
    for path in sorted(ARTICLES.glob("*.txt")):
        parts.append(path.read_text(encoding="utf-8"))
    unit = "\n\n".join(parts)
    out = (unit * (kb * 1000 // max(1, len(unit.encode())) + 1)).encode()[: kb * 1000]
    return out.decode("utf-8", errors="ignore")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, nargs="*", default=[160, 1600, 16000])
    ap.add_argument("--kb", type=int, nargs="*", default=[100, 1000])
    args = ap.parse_args()

    gc = Geocoder()
    gc.geocode("Sudzha", context="Kursk region")  # open and warm the stack
    base = None
    print("== geocode_many: one call on N distinct names")
    for n in args.names:
        names = _names(gc, n)
        fresh = Geocoder(gc.gazetteer)
        t0 = time.perf_counter()
        fresh.geocode_many(names)
        dt = time.perf_counter() - t0
        t0 = time.perf_counter()
        fresh.geocode_many(names)
        again = time.perf_counter() - t0
        per = dt / n * 1000
        base = base or per
        print(
            f"  N={n:>6}  {dt:8.2f} s  {per:6.2f} ms/name  x{per / base:5.2f} per name vs "
            f"N={args.names[0]}   second call {again:6.2f} s"
        )
    print("== extract_article: one text of K kB")
    base = None
    for kb, dt, _cpu, mb, mentions in extraction_costs(gc, args.kb):
        per_mb = dt / mb
        base = base or per_mb
        print(
            f"  {kb:>6} kB  {dt:8.2f} s  {per_mb:7.1f} s/MB  x{per_mb / base:5.2f} per MB vs "
            f"{args.kb[0]} kB   {mentions} mentions"
        )


def extraction_costs(
    gc: Geocoder, kbs: list[int]
) -> Iterator[tuple[int, float, float, float, int]]:
    """Extract one text of each length; yield (kB, wall s, CPU s, MB, mentions found)."""
    for kb in kbs:
        text = _text(kb)
        cpu = time.process_time()
        t0 = time.perf_counter()
        mentions = len(extract_article(text, geocoder=gc).places)
        wall = time.perf_counter() - t0
        yield kb, wall, time.process_time() - cpu, len(text.encode()) / 1e6, mentions


if __name__ == "__main__":
    main()
