"""Evaluate geokursk geocoding against the gold set in tests/data/geocode_eval.csv.

Usage (from the repository root, offline)::

    .venv/bin/python benchmarks/eval_geocode.py [--csv PATH] [--show-all]

Every row is geocoded with one shared ``geokursk.Geocoder()`` as
``geocode(mention, context=sentence)``.  An answer is *right* when it is
resolved within 5 km of the gold point; for rows without a gold point
(invented names) the right answer is to not resolve.  The first run may
spend about a minute building the gazetteer cache.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import geokursk
from geokursk.errors import GeokurskError
from geokursk.gazetteer import haversine_km

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT / "tests" / "data" / "geocode_eval.csv"
RADIUS_KM = 5.0
STATUSES = ("resolved", "ambiguous", "unresolved")
BANDS: tuple[tuple[str, float, float], ...] = (
    ("[100+)", 100.0, float("inf")),
    ("[95,100)", 95.0, 100.0),
    ("[90,95)", 90.0, 95.0),
    ("[85,90)", 85.0, 90.0),
    ("<85", float("-inf"), 85.0),
)


@dataclass
class Row:
    id: str
    mention: str
    language: str
    sentence: str
    gold_lat: float | None
    gold_lon: float | None
    gold_name: str
    gold_admin1: str
    trap: bool
    note: str

    @property
    def has_gold(self) -> bool:
        return self.gold_lat is not None and self.gold_lon is not None

    @property
    def context_kind(self) -> str:
        if "context: no region named" in self.note:
            return "no region"
        if "context: neighbouring" in self.note:
            return "neighbouring region"
        return "own region"


@dataclass
class Outcome:
    row: Row
    status: str
    score: float | None
    reason: str
    name: str = ""
    admin1: str = ""
    lat: float | None = None
    lon: float | None = None
    km: float | None = None
    alt_hit: bool = False  # a candidate within RADIUS_KM of gold among the alternatives
    n_alternatives: int = 0

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"

    @property
    def right(self) -> bool:
        if self.row.has_gold:
            return self.resolved and self.km is not None and self.km <= RADIUS_KM
        return not self.resolved

    @property
    def confident_wrong(self) -> bool:
        return self.resolved and not self.right


def _float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def read_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Row(
                id=r["id"],
                mention=r["mention"],
                language=r["language"],
                sentence=r["sentence"],
                gold_lat=_float(r["gold_lat"]),
                gold_lon=_float(r["gold_lon"]),
                gold_name=r["gold_name"],
                gold_admin1=r["gold_admin1"],
                trap=r["trap"].strip() == "1",
                note=r["note"],
            )
            for r in csv.DictReader(f)
        ]


def evaluate(gc: geokursk.Geocoder, row: Row) -> Outcome:
    try:
        res = gc.geocode(row.mention, context=row.sentence)
    except GeokurskError as exc:
        return Outcome(row, "unresolved", None, f"error: {type(exc).__name__}: {exc}")
    out = Outcome(row, res.status, res.score, res.reason, n_alternatives=len(res.alternatives))
    if res.status == "resolved" and res.place is not None:
        p = res.place
        out.name, out.admin1, out.lat, out.lon = p.name, p.admin1 or "", p.lat, p.lon
        if row.has_gold:
            assert row.gold_lat is not None and row.gold_lon is not None
            out.km = haversine_km(p.lat, p.lon, row.gold_lat, row.gold_lon)
    if row.has_gold:
        assert row.gold_lat is not None and row.gold_lon is not None
        glat, glon = row.gold_lat, row.gold_lon
        out.alt_hit = any(
            haversine_km(a.place.lat, a.place.lon, glat, glon) <= RADIUS_KM
            for a in res.alternatives
        )
    return out


def share(n: int, d: int) -> str:
    return f"{n:4d}/{d:<4d} {100.0 * n / d:5.1f}%" if d else f"{n:4d}/{d:<4d}   n/a"


def status_table(title: str, groups: Iterable[tuple[str, list[Outcome]]]) -> None:
    print(f"\n== {title}")
    print(f"  {'group':<22}{'n':>5}" + "".join(f"  {s:>18}" for s in STATUSES))
    for label, outs in groups:
        c = Counter(o.status for o in outs)
        cells = "".join(f"  {share(c[s], len(outs)):>18}" for s in STATUSES)
        print(f"  {label:<22}{len(outs):>5}{cells}")


def accuracy_table(title: str, groups: Iterable[tuple[str, list[Outcome]]]) -> None:
    print(f"\n== {title}")
    print(f"  {'group':<22}{'within 5 km (gold rows)':>26}{'correct (all rows)':>24}")
    for label, outs in groups:
        gold = [o for o in outs if o.row.has_gold]
        hit = sum(o.right for o in gold)
        ok = sum(o.right for o in outs)
        print(f"  {label:<22}{share(hit, len(gold)):>26}{share(ok, len(outs)):>24}")


def grouped(
    outs: list[Outcome], key: Callable[[Outcome], str], order: Iterable[str] | None = None
) -> list[tuple[str, list[Outcome]]]:
    d: dict[str, list[Outcome]] = defaultdict(list)
    for o in outs:
        d[key(o)].append(o)
    keys = list(order) if order is not None else sorted(d)
    return [(k, d[k]) for k in keys if k in d]


def fmt_num(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def print_row(o: Outcome) -> None:
    r = o.row
    gold = (
        f"{r.gold_name} ({r.gold_admin1}) {r.gold_lat:.4f},{r.gold_lon:.4f}"
        if r.has_gold and r.gold_lat is not None and r.gold_lon is not None
        else "none (invented name)"
    )
    mark = "OK " if o.right else "BAD"
    print(f"  {mark} {r.id} [{r.language}] {r.mention!r} -> {o.status} score={fmt_num(o.score)}")
    if o.resolved:
        print(
            f"        answer {o.name} ({o.admin1}) {fmt_num(o.lat, 4)},{fmt_num(o.lon, 4)}"
            f" km={fmt_num(o.km)}"
        )
    elif r.has_gold and o.n_alternatives:
        print(f"        {o.n_alternatives} alternatives; gold among them: {o.alt_hit}")
    print(f"        gold {gold}")
    print(f"        reason: {o.reason}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="gold set (default: %(default)s)")
    ap.add_argument("--show-all", action="store_true", help="print every row's result")
    args = ap.parse_args(argv)

    rows = read_rows(args.csv)
    print(f"gold set: {args.csv} ({len(rows)} rows)")
    gc = geokursk.Geocoder()
    t0 = time.perf_counter()
    gc.geocode("Sudzha", context="Kursk region")  # warm up (may build the cache)
    t1 = time.perf_counter()
    outs = [evaluate(gc, r) for r in rows]
    t2 = time.perf_counter()
    print(f"warm-up {t1 - t0:.1f} s; {len(rows)} queries in {t2 - t1:.1f} s")

    n_gold = sum(r.has_gold for r in rows)
    print(f"rows with a gold point: {n_gold}; without (invented names): {len(rows) - n_gold}")

    lang_order = ("en", "ru", "uk")
    ctx_order = ("own region", "neighbouring region", "no region")
    by_lang = grouped(outs, lambda o: o.row.language, lang_order)
    by_trap = grouped(outs, lambda o: "trap" if o.row.trap else "non-trap", ("trap", "non-trap"))
    by_ctx = grouped(outs, lambda o: o.row.context_kind, ctx_order)
    by_gold = grouped(outs, lambda o: "gold" if o.row.has_gold else "no gold", ("gold", "no gold"))

    status_table("Status", [("all", outs), *by_lang, *by_trap, *by_ctx, *by_gold])
    accuracy_table("Accuracy", [("all", outs), *by_lang, *by_trap, *by_ctx])

    wrong = [o for o in outs if o.confident_wrong]
    print(f"\n== Confident wrong answers: {len(wrong)}")
    for o in sorted(wrong, key=lambda o: o.row.id):
        r = o.row
        dist = f"{o.km:.1f} km" if o.km is not None else "no gold (should not resolve)"
        print(
            f"  {r.id} [{r.language}{' trap' if r.trap else ''}] {r.mention!r} -> "
            f"{o.name} / {o.admin1} ({fmt_num(o.lat, 4)}, {fmt_num(o.lon, 4)}); {dist}; "
            f"score {fmt_num(o.score)}; gold {r.gold_name or '-'} / {r.gold_admin1 or '-'}"
        )
        print(f"        reason: {o.reason}")

    print("\n== Resolved answers by score band (right = within 5 km of gold)")
    resolved = [o for o in outs if o.resolved]
    for label, lo, hi in BANDS:
        band = [o for o in resolved if o.score is not None and lo <= o.score < hi]
        print(f"  {label:<10} {share(sum(o.right for o in band), len(band))}")
    unscored = [o for o in resolved if o.score is None]
    if unscored:
        print(f"  {'no score':<10} {share(sum(o.right for o in unscored), len(unscored))}")

    print("\n== Honest abstention (gold rows not resolved)")
    for status in ("ambiguous", "unresolved"):
        sub = [o for o in outs if o.status == status and o.row.has_gold]
        hit = sum(o.alt_hit for o in sub)
        print(f"  {status:<10} gold within 5 km among the alternatives: {share(hit, len(sub))}")

    if args.show_all:
        print("\n== All rows")
        for o in outs:
            print_row(o)
    return 0


if __name__ == "__main__":
    sys.exit(main())
