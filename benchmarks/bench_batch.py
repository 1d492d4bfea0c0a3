"""Benchmark batch geoparsing: one process versus one and two Dask workers.

Usage::

    .venv/bin/python benchmarks/bench_batch.py [--articles 5000] [--partition-size 100]

What it measures (each figure printed):

* articles/s of :func:`geokursk.batch.batch_extract` on a generated corpus,
  single process (``scheduler="sync"``) and on a local Dask cluster of one
  and of two worker processes (one thread each).  Cluster start-up is timed
  separately: the cluster is started first, then the run is timed on it;
* the ratios against the single process, and the scaling efficiency
  ``throughput_2 / (2 * throughput_1)``;
* CPU seconds spent by the process(es) doing the extraction, and articles
  per CPU-second: the per-core cost, which does not depend on what else the
  machine is running (the 1-minute load average is printed too);
* that the three runs wrote byte-identical files;
* cost against article length (``--lengths``, default 10 kB, 100 kB, 1 MB and
  10 MB): :func:`geokursk.extract_article` on one text made by repeating the
  gold articles (as ``bench_scaling.py`` does), seconds, CPU seconds per MB
  and the per-MB cost against the shortest text (near 1 when linear);
* the cost of morphology (``--morphology``): extraction of the Russian and
  Ukrainian gold articles (``tests/data/articles``) with the pymorphy3
  dictionaries and with the suffix rules only, in the same process, plus the
  one-off dictionary load time.

The corpus is generated, not downloaded: ``--articles`` JSON Lines records
written to ``benchmarks/out/batch_corpus.jsonl``.  Each is two to four
sentences from English and Russian news/Telegram templates naming
settlements drawn from the shipped gazetteer (Kursk, Belgorod, Bryansk,
Sumy, Kharkiv and Chernihiv regions): Latin spellings as the gazetteer
romanises them, news variants (yo -> e, -iy -> -y, kh -> h, Ukrainian
-ivka for -ovka), and Cyrillic forms in the Russian templates.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import shutil
import sqlite3
import time
from pathlib import Path

from geokursk.batch import BatchSummary, batch_extract
from geokursk.gazetteer import default_gazetteer_path

OUT = Path(__file__).resolve().parent / "out"
REGIONS = {
    "Kursk Oblast": ("Kursk region", "Курской области", "RU"),
    "Belgorod Oblast": ("Belgorod region", "Белгородской области", "RU"),
    "Bryansk Oblast": ("Bryansk region", "Брянской области", "RU"),
    "Sumy Oblast": ("Sumy Oblast", "Сумской области", "UA"),
    "Kharkiv Oblast": ("Kharkiv Oblast", "Харьковской области", "UA"),
    "Chernihiv Oblast": ("Chernihiv Oblast", "Черниговской области", "UA"),
}
EN = [
    "{claimant} said on {weekday} that its forces repelled assaults near {a} and {b} in the "
    "{region}, killing up to {n} soldiers.",
    "Shelling was reported near the village of {a} in the {region}, the regional governor "
    "wrote on Telegram.",
    "{n} civilians were wounded when a drone hit a car outside {a}, the regional "
    "administration said.",
    "Fighting continued near {a}, {b} and {c}, {claimant} told reporters.",
    "The Kremlin declined to comment on the losses.",
]
RU = [
    "Минобороны России сообщило, что подразделения отразили атаки у населённых пунктов {ra} и "
    "{rb} {rregion}. Уничтожено до {n} военнослужащих.",
    "Губернатор сообщил в Telegram об обстреле села {ra} {rregion}.",
]
CLAIMANTS = ["Ukraine's General Staff", "Russia's Defence Ministry", "The regional governor"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def gazetteer_names(per_region: int = 400) -> dict[str, list[tuple[str, str]]]:
    """Return (Latin, Cyrillic) names of settlements per region, from the shipped gazetteer."""
    conn = sqlite3.connect(f"file:{default_gazetteer_path()}?mode=ro", uri=True)
    out: dict[str, list[tuple[str, str]]] = {}
    for admin1 in REGIONS:
        rows = conn.execute(
            "SELECT name_latin, name FROM places WHERE admin1 = ? AND feature_code LIKE 'PPL%' "
            "AND quality = 'ok' AND name_latin NOT LIKE '% %' ORDER BY id LIMIT ?",
            (admin1, per_region),
        ).fetchall()
        out[admin1] = [(str(lat), str(cyr)) for lat, cyr in rows]
    conn.close()
    return out


def news_spelling(name: str, rng: random.Random) -> str:
    """Return a spelling variant a news outlet might use (or the name itself)."""
    variants = [
        name,
        name.replace("yo", "e").replace("Yo", "E"),
        name.replace("iy", "y").replace("yy", "y"),
        name.replace("kh", "h").replace("Kh", "H"),
        name[:-4] + "ivka" if name.endswith("ovka") else name,
    ]
    return rng.choice(variants)


def make_corpus(path: Path, n: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    names = gazetteer_names()
    regions = [r for r in REGIONS if names[r]]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            admin1 = rng.choice(regions)
            region, rregion, _ = REGIONS[admin1]
            pick = rng.sample(names[admin1], 3)
            fields = {
                "a": news_spelling(pick[0][0], rng),
                "b": news_spelling(pick[1][0], rng),
                "c": news_spelling(pick[2][0], rng),
                "ra": pick[0][1],
                "rb": pick[1][1],
                "region": region,
                "rregion": rregion,
                "claimant": rng.choice(CLAIMANTS),
                "weekday": rng.choice(WEEKDAYS),
                "n": rng.randint(2, 150),
            }
            templates = RU if rng.random() < 0.3 else EN
            k = min(len(templates), rng.randint(2, 4))
            text = " ".join(t.format(**fields) for t in rng.sample(templates, k))
            day = 1 + i % 28
            record = {
                "id": f"art-{i:06d}",
                "text": text,
                "published": f"2024-12-{day:02d}",
                "outlet": rng.choice(["Wire", "Telegram", "Interfax"]),
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def same_files(a: Path, b: Path) -> bool:
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return fa == fb and all(filecmp.cmp(a / f, b / f, shallow=False) for f in fa)


def run_sync(corpus: Path, out: Path, partition_size: int) -> tuple[BatchSummary, float]:
    cpu = time.process_time()
    summary = batch_extract(corpus, out, scheduler="sync", partition_size=partition_size)
    return summary, time.process_time() - cpu


def run_on_cluster(
    corpus: Path, out: Path, n_workers: int, partition_size: int
) -> tuple[BatchSummary, float, float]:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    with (
        LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(n_workers)
        startup = time.perf_counter() - t0
        before = client.run(time.process_time)
        summary = batch_extract(corpus, out, scheduler=client, partition_size=partition_size)
        after = client.run(time.process_time)
    cpu = sum(after[w] - before[w] for w in after)
    return summary, startup, cpu


def bench_morphology(rounds: int = 5) -> None:
    """Print extraction speed of Cyrillic articles with and without pymorphy3."""
    import geokursk
    from geokursk.extract import morphology

    gold = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted(gold.glob("*.txt"))
        if p.name.startswith(("ru_", "uk_", "mod_"))
    ]
    gc = geokursk.Geocoder()
    gc.geocode("Суджа")
    t0 = time.perf_counter()
    morphology._analyzer("ru"), morphology._analyzer("uk")
    load = time.perf_counter() - t0

    cached = morphology._dictionary_forms

    def run() -> tuple[float, int]:
        t = time.perf_counter()
        found = 0
        for _ in range(rounds):
            cached.cache_clear()  # every round pays the dictionary lookups again
            for text in texts:
                found += len(geokursk.extract_article(text, geocoder=gc).places)
        return time.perf_counter() - t, found // rounds

    with_dicts, n_with = run()
    morphology._dictionary_forms = lambda name, language: ((), ())  # type: ignore[assignment]
    try:
        rules_only, n_rules = run()
    finally:
        morphology._dictionary_forms = cached
    n = len(texts) * rounds
    print(f"morphology: {len(texts)} Russian/Ukrainian articles x {rounds} rounds")
    print(f"  dictionary load (once per process): {load:.2f} s")
    print(f"  with pymorphy3 dictionaries: {n / with_dicts:6.1f} articles/s, {n_with} mentions")
    print(f"  suffix rules only:           {n / rules_only:6.1f} articles/s, {n_rules} mentions")
    print(f"  cost ratio (rules-only speed / dictionary speed): {with_dicts / rules_only:.2f}x")


def bench_lengths(kbs: list[int]) -> None:
    """Print extraction time of one text of each length, and its per-MB cost ratio."""
    from bench_scaling import _text, extraction_costs

    import geokursk

    gc = geokursk.Geocoder()
    geokursk.extract_article(_text(5), geocoder=gc)  # open and warm the stack
    print("extraction cost against article length (one text each, same content repeated):")
    base = None
    for kb, wall, cpu, mb, found in extraction_costs(gc, kbs):
        per_mb = cpu / mb
        base = base or per_mb
        print(
            f"  {kb:>6} kB  {wall:8.2f} s  {per_mb:7.2f} CPU s/MB  x{per_mb / base:5.2f} per MB "
            f"vs {kbs[0]} kB   {found} mentions"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--partition-size", type=int, default=100)
    parser.add_argument(
        "--morphology", action="store_true", help="only measure the cost of morphology"
    )
    parser.add_argument(
        "--lengths",
        type=int,
        nargs="*",
        default=[10, 100, 1000, 10000],
        help="article lengths in kB for the cost-against-length run (none: skip it)",
    )
    parser.add_argument("--lengths-only", action="store_true", help="only the length run")
    args = parser.parse_args()
    if args.morphology:
        bench_morphology()
        return
    if args.lengths_only:
        bench_lengths(args.lengths)
        return

    OUT.mkdir(exist_ok=True)
    corpus = OUT / "batch_corpus.jsonl"
    make_corpus(corpus, args.articles)
    size = corpus.stat().st_size
    print(
        f"corpus: {args.articles} articles, {size / 1e6:.1f} MB "
        f"({size / args.articles:.0f} bytes/article), partition size {args.partition_size}, "
        f"{os.cpu_count()} CPUs"
    )
    outs = {k: OUT / f"batch_{k}" for k in ("sync", "w1", "w2")}
    for p in outs.values():
        shutil.rmtree(p, ignore_errors=True)

    load_before = os.getloadavg()[0]
    sync, cpu0 = run_sync(corpus, outs["sync"], args.partition_size)
    w1, start1, cpu1 = run_on_cluster(corpus, outs["w1"], 1, args.partition_size)
    w2, start2, cpu2 = run_on_cluster(corpus, outs["w2"], 2, args.partition_size)
    load_after = os.getloadavg()[0]

    print(
        f"result: {sync.extracted} extracted, {sync.errors} errors, {sync.places} places "
        f"({sync.resolved_share:.1%} resolved), {sync.claims} claims"
    )
    print(
        f"{'run':<24}{'seconds':>9}{'articles/s':>12}{'vs single':>11}"
        f"{'worker CPU s':>14}{'articles/CPU-s':>16}"
    )
    base = sync.articles_per_second
    for label, s, cpu, extra in (
        ("single process (sync)", sync, cpu0, ""),
        ("dask, 1 worker", w1, cpu1, f"  (+{start1:.1f} s cluster start)"),
        ("dask, 2 workers", w2, cpu2, f"  (+{start2:.1f} s cluster start)"),
    ):
        print(
            f"{label:<24}{s.seconds:>9.1f}{s.articles_per_second:>12.1f}"
            f"{s.articles_per_second / base:>10.2f}x{cpu:>14.1f}{s.articles / cpu:>16.1f}{extra}"
        )
    efficiency = w2.articles_per_second / (2 * w1.articles_per_second)
    print(f"scaling efficiency throughput_2 / (2 * throughput_1): {efficiency:.2f}")
    print(f"per core: {w1.articles_per_second:.1f} articles/s (1 worker)")
    identical = same_files(outs["sync"], outs["w1"]) and same_files(outs["sync"], outs["w2"])
    print(f"byte-identical output across the three runs: {identical}")
    print(
        f"1-min load average before/after: {load_before:.1f} / {load_after:.1f} "
        f"(other processes share the {os.cpu_count()} CPUs when it exceeds the worker count)"
    )
    if args.lengths:
        bench_lengths(args.lengths)


if __name__ == "__main__":
    main()
