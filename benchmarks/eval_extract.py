"""Evaluate geokursk extraction against the gold articles in tests/data/articles/.

Usage (from the repository root, offline)::

    .venv/bin/python benchmarks/eval_extract.py [--dir PATH] [--show-misses]

Every ``NAME.txt`` with a ``NAME.gold.json`` (format: ``tests/data/articles/README.md``)
is run through ``geokursk.extract_article`` with one shared geocoder.  Printed:

* **mentions** -- recall per language and per gold type (a gold mention is found when a
  predicted place mention overlaps its span), precision per language (a predicted
  mention is right when it overlaps some gold mention);
* **places** -- of the gold settlements with coordinates, the share resolved within
  5 km, and every resolved answer farther away;
* **claim places** -- predicted claim places that are actors, datelines or statement
  places in the gold (they must not be event places);
* **figures** -- gold figures found (same kind and value), figures predicted that the
  gold lacks, and of the found ones the share whose claim side and subject side agree;
* **claimants** -- gold claims whose claimant side is among the predicted claims'.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geokursk
from geokursk.gazetteer import haversine_km

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "tests" / "data" / "articles"
RADIUS_KM = 5.0
TYPES = ("settlement", "hromada", "raion", "oblast", "region", "country", "river")
NOT_EVENT = ("actor", "dateline", "statement")


@dataclass
class Article:
    name: str
    text: str
    gold: dict[str, Any]

    @property
    def language(self) -> str:
        return str(self.gold["language"])


@dataclass
class Tally:
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, ok: bool) -> None:
        self.total[key] += 1
        self.found[key] += int(ok)

    def line(self, key: str) -> str:
        n, k = self.total[key], self.found[key]
        share = f"{100 * k / n:5.1f}%" if n else "   n/a"
        return f"{k:>4}/{n:<4} {share}"


def load(directory: Path) -> list[Article]:
    out = []
    for g in sorted(directory.glob("*.gold.json")):
        name = g.name.removesuffix(".gold.json")
        text = (directory / f"{name}.txt").read_text(encoding="utf-8")
        out.append(Article(name, text, json.loads(g.read_text(encoding="utf-8"))))
    if not out:
        sys.exit(f"no *.gold.json files in {directory}")
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def predicted_type(p: Any) -> str:
    place = p.result.place
    kind = getattr(p, "kind", None)
    if kind:
        return str(kind)
    if place is None or not place.is_area:
        return "settlement"
    if place.feature_code.startswith("PCL"):
        return "country"
    return "oblast" if place.feature_code == "ADM1" else "raion"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="gold article folder")
    ap.add_argument("--show-misses", action="store_true", help="list every miss")
    args = ap.parse_args(argv)
    articles = load(args.dir)
    gc = geokursk.Geocoder()
    gc.geocode("Sudzha")  # open the gazetteer outside the timing
    recall, precision, typed = Tally(), Tally(), Tally()
    places, claim_roles = Tally(), Tally()
    fig_found, fig_pred, fig_sides, claimants = Tally(), Tally(), Tally(), Tally()
    fig_subject = Tally()
    far: list[str] = []
    misses: list[str] = []
    t0 = time.perf_counter()
    for art in articles:
        lang = art.language
        ex = geokursk.extract_article(art.text, geocoder=gc)
        gold_m = art.gold["mentions"]
        pred = list(ex.places)
        used: set[int] = set()
        for g in gold_m:
            span = (g["start"], g["end"])
            hit = next(
                (
                    i
                    for i, p in enumerate(pred)
                    if i not in used and overlaps(span, (p.start, p.end))
                ),
                None,
            )
            recall.add(lang, hit is not None)
            recall.add(f"{lang}/{g['type']}", hit is not None)
            recall.add("all", hit is not None)
            if hit is None:
                misses.append(f"  miss {art.name} [{g['type']}/{g['role']}] {g['text']!r}")
                continue
            used.add(hit)
            p = pred[hit]
            typed.add(lang, predicted_type(p) == g["type"])
            if g["type"] == "settlement" and g.get("lat") is not None and g["role"] == "event":
                r = p.result
                ok = False
                if r.status == "resolved" and r.place is not None:
                    d = haversine_km(g["lat"], g["lon"], r.place.lat, r.place.lon)
                    ok = d <= RADIUS_KM
                    if not ok:
                        far.append(
                            f"  {art.name} {g['text']!r} -> {r.place.name} "
                            f"({r.place.admin_path()}) {d:.0f} km from gold {g['name']}"
                        )
                places.add(lang, ok)
                places.add("all", ok)
        for p in pred:
            ok = any(overlaps((g["start"], g["end"]), (p.start, p.end)) for g in gold_m)
            precision.add(lang, ok)
            precision.add("all", ok)
            if not ok:
                misses.append(f"  extra {art.name} {p.mention!r} ({p.status})")
        # claim places that the gold says are actors, datelines or statement places
        for c in ex.claims:
            for p in c.places:
                g = next(
                    (g for g in gold_m if overlaps((g["start"], g["end"]), (p.start, p.end))),
                    None,
                )
                if g is not None:
                    claim_roles.add(lang, g["role"] not in NOT_EVENT)
                    claim_roles.add("all", g["role"] not in NOT_EVENT)
        # figures
        pred_figs = [(c, f) for c in ex.claims for f in c.figures]
        taken: set[int] = set()
        for gc_ in art.gold["claims"]:
            sides = {c.side for c in ex.claims}
            claimants.add(lang, gc_["side"] in sides)
            claimants.add("all", gc_["side"] in sides)
            for gf in gc_["figures"]:
                hit = next(
                    (
                        i
                        for i, (_c, f) in enumerate(pred_figs)
                        if i not in taken and f.kind == gf["kind"] and f.value == gf["value"]
                    ),
                    None,
                )
                fig_found.add(lang, hit is not None)
                fig_found.add("all", hit is not None)
                if hit is None:
                    misses.append(
                        f"  figure miss {art.name} {gf['kind']} {gf['value']} ({gc_['claimant']})"
                    )
                    continue
                taken.add(hit)
                claim, fig = pred_figs[hit]
                subject_side = getattr(fig, "subject_side", None)
                fig_sides.add(lang, claim.side == gc_["side"])
                fig_sides.add("all", claim.side == gc_["side"])
                fig_subject.add(lang, subject_side == gf.get("subject_side"))
                fig_subject.add("all", subject_side == gf.get("subject_side"))
                if subject_side != gf.get("subject_side") or claim.side != gc_["side"]:
                    gold_subject = gf.get("subject_side")
                    misses.append(
                        f"  figure side {art.name} {gf['kind']} {gf['value']}: claimant "
                        f"{claim.side}/{gc_['side']}, subject {subject_side}/{gold_subject}"
                        f" ({fig.subject!r})"
                    )
        for i, (_c, f) in enumerate(pred_figs):
            fig_pred.add(lang, i in taken)
            fig_pred.add("all", i in taken)
            if i not in taken:
                misses.append(f"  figure extra {art.name} {f.kind} {f.value} ({f.subject!r})")
    elapsed = time.perf_counter() - t0
    langs = sorted({a.language for a in articles})
    print(f"== {len(articles)} gold articles ({', '.join(langs)}), extracted in {elapsed:.1f} s")
    print("\n== Place mentions            recall          precision       type right")
    for key in [*langs, "all"]:
        t = typed.line(key) if key != "all" else ""
        print(f"  {key:<24} {recall.line(key)}   {precision.line(key)}   {t}")
    print("\n== Recall by language and gold type")
    for lang in langs:
        for t in TYPES:
            key = f"{lang}/{t}"
            if recall.total[key]:
                print(f"  {key:<24} {recall.line(key)}")
    print("\n== Event settlements resolved within 5 km of gold")
    for key in [*langs, "all"]:
        print(f"  {key:<24} {places.line(key)}")
    print(f"  resolved farther than {RADIUS_KM:.0f} km: {len(far)}")
    for line in far:
        print(line)
    print("\n== Claim places that are event places (not actors, datelines, statement places)")
    for key in [*langs, "all"]:
        print(f"  {key:<24} {claim_roles.line(key)}")
    print(
        "\n== Figures: gold found (kind+value) / predicted matching gold / "
        "claimant side right / subject side right (of found)"
    )
    for key in [*langs, "all"]:
        print(
            f"  {key:<24} {fig_found.line(key)}   {fig_pred.line(key)}   "
            f"{fig_sides.line(key)}   {fig_subject.line(key)}"
        )
    print("\n== Claimants: gold claims whose side a predicted claim has")
    for key in [*langs, "all"]:
        print(f"  {key:<24} {claimants.line(key)}")
    if args.show_misses:
        print("\n== Misses")
        for line in misses:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
