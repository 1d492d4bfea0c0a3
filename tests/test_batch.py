"""Batch geoparsing (geokursk.batch) on one process and on a real two-worker Dask cluster.

The corpus is generated from templates: 30 articles in English and Russian naming Kursk,
Sumy and Belgorod border places in several spellings (Plekhovo / Plyokhovo / Плёхово,
Sudzha / Sudja / Суджа...), plus one empty, one binary, one latin-1 and one oversized file.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import MultiPoint, Point

import geokursk.batch
from geokursk.batch import (
    CLAIM_COLUMNS,
    ERROR_COLUMNS,
    PLACE_COLUMNS,
    ArticleRef,
    BatchClusterError,
    BatchInputError,
    batch_extract,
    find_articles,
)
from geokursk.cli import main
from geokursk.errors import GazetteerNotFoundError, GeokurskError

MAX_BYTES = 20_000  # the oversized article is just over this; keeps the test fast

# (spelling as written, is it expected to resolve) -- the resolution itself is
# geokursk.extract's business; here it checks that the rows carry it faithfully.
_KURSK_EN = ["Plekhovo", "Plyokhovo", "Vorobzha", "Martynovka", "Sudja", "Tyotkino", "Glushkovo"]
_KURSK_RU = ["Плёхово", "Коренево", "Суджа", "Глушково", "Тёткино"]
_TEMPLATES = [
    "KYIV, Dec {day} (Wire) - Ukraine's military intelligence said on Monday that North Korean "
    "units lost at least {n} soldiers near {a} and {b} in Russia's Kursk region. "
    "The Kremlin declined to comment.",
    "The Defence Ministry said its forces repelled assaults near {a} and {b} in the Kursk "
    "region and killed up to {n} Ukrainian servicemen.",
    "Минобороны России сообщило, что подразделения отразили атаки у населённых пунктов {ra} и "
    "{rb} Курской области. Уничтожено до {n} военнослужащих.",
    "Ukraine's General Staff said fighting continued near {a} in Russia's Kursk region. "
    "Shelling was reported near the village of Kurilovka, the governor wrote on Telegram.",
    "Russian forces shelled the village of Yunakivka in Ukraine's Sumy Oblast, killing {n} "
    "civilians, the regional administration said.",
    "In the Belgorod region, the governor said {n} people were wounded when a drone hit a car "
    "outside Shebekino.",
]


def _article(i: int) -> str:
    a = _KURSK_EN[i % len(_KURSK_EN)]
    b = _KURSK_EN[(i + 3) % len(_KURSK_EN)]
    ra = _KURSK_RU[i % len(_KURSK_RU)]
    rb = _KURSK_RU[(i + 2) % len(_KURSK_RU)]
    template = _TEMPLATES[i % len(_TEMPLATES)]
    return template.format(day=10 + i % 18, n=3 + i, a=a, b=b, ra=ra, rb=rb)


def _make_corpus(root: Path, n: int = 30) -> Path:
    """Write n articles (some in a subfolder) and four bad files; return the folder."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        folder = root / ("telegram" if i % 4 == 0 else "")
        folder.mkdir(exist_ok=True)
        (folder / f"article-{i:02d}.txt").write_text(_article(i), encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    (root / "latin1.txt").write_bytes("Combats près de Soudja, région de Koursk.".encode("latin-1"))
    big = (_article(1) + "\n") * (MAX_BYTES // len(_article(1)) + 1)
    assert len(big.encode("utf-8")) > MAX_BYTES
    (root / "oversized.txt").write_text(big, encoding="utf-8")
    (root / ".hidden").write_text("not an article", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_corpus(tmp_path_factory.mktemp("batch") / "corpus")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The single-process run every other run is compared with."""
    out = tmp_path_factory.mktemp("reference") / "out"
    summary = batch_extract(corpus, out, scheduler="sync", partition_size=7, max_bytes=MAX_BYTES)
    return out, summary


@pytest.fixture(scope="module")
def dask_client() -> Any:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def _assert_same_output(a: Path, b: Path) -> None:
    assert _files(a) == _files(b)
    for name in _files(a):
        assert filecmp.cmp(a / name, b / name, shallow=False), f"{name} differs"


def _places(out: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(out / "places")


def _claims(out: Path) -> gpd.GeoDataFrame:
    return gpd.read_parquet(out / "claims")


def _errors(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "errors.parquet")


# --- the single-process reference -------------------------------------------------------


def test_reference_writes_partitioned_geoparquet_tables(reference: tuple[Path, Any]) -> None:
    out, summary = reference
    # 30 good articles + 4 bad ones, 7 per partition; the hidden file is ignored
    assert summary.articles == 34 and summary.partitions == 5
    assert _files(out) == [
        *(f"claims/part-{i:05d}.parquet" for i in range(5)),
        "errors.parquet",
        *(f"places/part-{i:05d}.parquet" for i in range(5)),
        "summary.json",
    ]
    places, claims = _places(out), _claims(out)
    assert list(places.columns) == [*PLACE_COLUMNS, "geometry"]
    assert list(claims.columns) == [*CLAIM_COLUMNS, "geometry"]
    assert places.crs == claims.crs == "EPSG:4326"
    assert len(places) == summary.places and len(claims) == summary.claims
    assert (places["status"] == "resolved").sum() == summary.resolved
    assert 0.5 < summary.resolved_share < 1.0  # a Vorobzha of two districts stays ambiguous


def test_every_article_is_extracted_or_listed_as_an_error(
    reference: tuple[Path, Any], corpus: Path
) -> None:
    out, summary = reference
    errors = _errors(out)
    assert list(errors.columns) == list(ERROR_COLUMNS)
    assert dict(zip(errors["article_id"], errors["error_type"], strict=True)) == {
        "empty.txt": "empty",
        "latin1.txt": "encoding",
        "oversized.txt": "too_large",
        "photo.jpg": "binary",
    }
    assert errors["message"].str.contains(str(MAX_BYTES)).sum() == 1
    assert summary.extracted == 30 and summary.errors == 4
    assert summary.error_types == {"binary": 1, "empty": 1, "encoding": 1, "too_large": 1}
    # every good article named a place, so each appears in the places table
    assert set(_places(out)["article_id"]) == {
        p.relative_to(corpus).as_posix() for p in corpus.rglob("article-*.txt")
    }


def test_place_rows_carry_spans_status_and_points(
    reference: tuple[Path, Any], corpus: Path
) -> None:
    places = _places(reference[0])
    for row in places.itertuples():
        text = (corpus / row.article_id).read_text(encoding="utf-8")
        assert text[row.start : row.end] == row.mention
        if row.status == "resolved":
            # Point(x=lon, y=lat)
            assert row.geometry == Point(row.lon, row.lat)
            assert row.place_id and row.country_code
        else:
            assert row.geometry is None and pd.isna(row.lat) and pd.isna(row.place_id)
    by_mention = places.drop_duplicates("mention").set_index("mention")
    assert by_mention.loc["Kurilovka", "status"] == "resolved"
    for spelling in ("Plekhovo", "Plyokhovo", "Плёхово"):
        assert by_mention.loc[spelling, "name"] == "Плёхово"
        assert by_mention.loc[spelling, "admin1"] == "Kursk Oblast"
    # rows are sorted by article, then position in the text
    keys = list(zip(places["article_id"], places["start"], strict=True))
    assert keys == sorted(keys)


def test_claim_rows_have_json_figures_and_settlement_geometry(
    reference: tuple[Path, Any],
) -> None:
    claims = _claims(reference[0])
    gur = claims[claims["article_id"] == "article-06.txt"].iloc[0]  # template 0, i = 6
    figures = json.loads(gur["figures"])
    assert (figures[0]["qualifier"], figures[0]["value"]) == ("at_least", 9)
    places = {p["name"]: p for p in json.loads(gur["places"])}
    assert {"Glushkovo", "Vorobzha", "Russia", "Kursk region"} <= set(places)
    assert gur["n_places"] == len(places)
    # the geometry holds the settlements, not the label points of Russia or the region
    settlements = [
        p
        for p in places.values()
        if p["precision"] in ("settlement", "near_settlement") and p["lat"] is not None
    ]
    assert settlements  # Glushkovo; Vorobzha has two namesakes in Kursk Oblast
    assert gur.geometry.equals(MultiPoint([(p["lon"], p["lat"]) for p in settlements]))
    assert not gur.geometry.intersects(Point(places["Russia"]["lon"], places["Russia"]["lat"]))
    kremlin = claims[claims["article_id"] == "article-06.txt"].iloc[1]
    assert kremlin["claim_status"] == "no_comment" and kremlin.geometry is None


# --- the Dask cluster -------------------------------------------------------------------


@pytest.mark.slow
def test_two_process_cluster_writes_the_same_files_as_one_process(
    dask_client: Any, corpus: Path, reference: tuple[Path, Any], tmp_path: Path
) -> None:
    summary = batch_extract(
        corpus, tmp_path / "out", scheduler=dask_client, partition_size=7, max_bytes=MAX_BYTES
    )
    assert summary.workers == 2
    _assert_same_output(reference[0], tmp_path / "out")
    pd.testing.assert_frame_equal(_places(tmp_path / "out"), _places(reference[0]))
    ref_summary = reference[1]
    assert (summary.places, summary.resolved, summary.claims, summary.errors) == (
        ref_summary.places,
        ref_summary.resolved,
        ref_summary.claims,
        ref_summary.errors,
    )
    # each worker process opened the gazetteer once, for all its partitions
    loads = dask_client.run(lambda: dict(geokursk.batch.task._GAZETTEER_LOADS))
    assert loads and all(v == {"": 1} for v in loads.values())


@pytest.mark.slow
def test_default_local_cluster_writes_the_same_files(
    corpus: Path, reference: tuple[Path, Any], tmp_path: Path
) -> None:
    # what `geokursk batch` does without --scheduler: its own LocalCluster, closed afterwards
    summary = batch_extract(
        corpus, tmp_path / "out", workers=2, partition_size=7, max_bytes=MAX_BYTES
    )
    assert summary.workers == 2
    _assert_same_output(reference[0], tmp_path / "out")


@pytest.mark.slow
def test_cli_runs_on_an_existing_scheduler(
    dask_client: Any,
    corpus: Path,
    reference: tuple[Path, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["batch", str(corpus), "-o", str(tmp_path / "out"), "--partition-size", "7"]
    args += ["--max-bytes", str(MAX_BYTES), "--no-progress"]
    # Exit 1: written, but some articles went to the errors table.
    assert main([*args, "--scheduler", dask_client.scheduler.address]) == 1
    out, err = capsys.readouterr()
    assert "articles   34 (30 extracted, 4 errors" in out and "2 worker(s)" in out
    assert "4 article(s) could not be processed" in err
    _assert_same_output(reference[0], tmp_path / "out")


# --- inputs -----------------------------------------------------------------------------


def test_jsonl_input_reads_metadata_and_reports_bad_lines(tmp_path: Path) -> None:
    good = {
        "id": "tg-1",
        "text": "The Defence Ministry said on Monday its forces repelled assaults near "
        "Tyotkino in the Kursk region and killed up to 40 Ukrainian servicemen.",
        "published": "2024-12-17T09:30:00+03:00",
        "outlet": "Interfax",
    }
    lines = [
        json.dumps({"id": 7, "text": _article(2)}, ensure_ascii=False),
        "",
        json.dumps(good),
        "{not json",
        json.dumps({"text": "no id"}),
        json.dumps({"id": "tg-1", "text": _article(3)}),  # duplicate id
        json.dumps({"id": "tg-3", "text": 42}),
        json.dumps({"id": "tg-4", "text": "  "}),
        json.dumps({"id": "tg-5", "text": _article(4), "published": "17/12/2024"}),
        json.dumps({"id": "tg-6", "text": "x" * (MAX_BYTES + 10)}),
        json.dumps({"id": "tg-7", "text": _article(5)}),
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = batch_extract(feed, tmp_path / "out", scheduler="sync", max_bytes=MAX_BYTES)
    errors = _errors(tmp_path / "out")
    rows = {
        (r.source.rsplit(":", 1)[1], r.error_type, None if pd.isna(r.article_id) else r.article_id)
        for r in errors.itertuples()
    }
    assert rows == {
        ("4", "invalid_json", None),
        ("5", "invalid_field", None),
        ("6", "duplicate_id", "tg-1"),
        ("7", "invalid_field", "tg-3"),
        ("8", "empty", "tg-4"),
        ("9", "invalid_field", "tg-5"),
        ("10", "too_large", None),
    }
    assert (summary.articles, summary.extracted, summary.errors) == (10, 3, 7)
    claims = _claims(tmp_path / "out")
    assert sorted(set(claims["article_id"])) == ["7", "tg-1", "tg-7"]
    mod = claims[claims["article_id"] == "tg-1"].iloc[0]
    assert mod["claim_date"] == "2024-12-16"  # "on Monday" before the published date


def test_glob_input_ids_are_relative_to_the_glob_base(corpus: Path, tmp_path: Path) -> None:
    refs, problems = find_articles(str(corpus / "**" / "article-0*.txt"))
    assert problems == []
    assert [r.id for r in refs] == sorted(
        p.relative_to(corpus).as_posix() for p in corpus.rglob("article-0*.txt")
    )
    assert "telegram/article-00.txt" in [r.id for r in refs]
    summary = batch_extract(
        str(corpus / "*.txt"), tmp_path / "out", scheduler="sync", max_bytes=MAX_BYTES
    )
    # top-level .txt files only: article-01.. (not the telegram/ ones), empty, latin1, oversized
    assert summary.articles == 22 + 3


def test_same_input_twice_gives_byte_identical_files(corpus: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        batch_extract(corpus, tmp_path / name, workers=0, partition_size=10, max_bytes=MAX_BYTES)
    _assert_same_output(tmp_path / "a", tmp_path / "b")
    summary = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert summary["articles"] == 34 and "seconds" not in summary


def test_rerun_with_fewer_partitions_removes_stale_parts(corpus: Path, tmp_path: Path) -> None:
    batch_extract(corpus, tmp_path / "out", scheduler="sync", partition_size=5, max_bytes=MAX_BYTES)
    assert len(list((tmp_path / "out" / "places").glob("part-*.parquet"))) == 7
    batch_extract(
        corpus, tmp_path / "out", scheduler="sync", partition_size=100, max_bytes=MAX_BYTES
    )
    assert [p.name for p in (tmp_path / "out" / "places").iterdir()] == ["part-00000.parquet"]


def test_duplicate_file_ids_from_two_inputs_are_reported(corpus: Path, tmp_path: Path) -> None:
    one = corpus / "article-01.txt"
    refs, problems = find_articles([one, one])
    assert [r.id for r in refs] == ["article-01.txt"]
    assert [p["error_type"] for p in problems] == ["duplicate_id"]


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"partition_size": 0}, "partition_size must be a positive integer, got 0"),
        ({"max_bytes": -1}, "max_bytes must be a positive integer"),
        ({"workers": -2}, "workers must be 0 or more"),
    ],
)
def test_bad_options_raise_input_error(
    corpus: Path, tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(BatchInputError, match=message):
        batch_extract(corpus, tmp_path / "out", scheduler="sync", **kwargs)


def test_bad_inputs_and_output_raise_input_error(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="'nowhere' does not exist"):
        find_articles("nowhere")
    with pytest.raises(BatchInputError, match="matches no files"):
        find_articles(str(tmp_path / "*.txt"))
    (tmp_path / "void").mkdir()
    with pytest.raises(BatchInputError, match="no articles found"):
        find_articles(tmp_path / "void")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(BatchInputError, match="is a file; give a folder"):
        batch_extract(corpus, tmp_path / "file", scheduler="sync")
    assert issubclass(BatchInputError, GeokurskError) and issubclass(BatchInputError, ValueError)


def test_missing_gazetteer_fails_before_any_work(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(GazetteerNotFoundError, match=r"no-such\.sqlite"):
        batch_extract(corpus, tmp_path / "out", scheduler="sync", gazetteer="no-such.sqlite")


def test_unreachable_scheduler_raises_cluster_error(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(geokursk.batch.run, "_CONNECT_TIMEOUT", 1)
    with pytest.raises(BatchClusterError, match="cannot connect to the Dask scheduler"):
        batch_extract(corpus, tmp_path / "out", scheduler="tcp://127.0.0.1:9")


def test_a_lost_task_lists_its_articles_as_worker_failed() -> None:
    class LostFuture:
        def result(self) -> None:
            raise RuntimeError("KilledWorker: worker died 3 times")

    part = [ArticleRef("a", "in/a.txt", "/in/a.txt"), ArticleRef("b", "in/b.txt", "/in/b.txt")]
    result = geokursk.batch.run._collect(LostFuture(), 3, part, None)
    assert [(e.article_id, e.error_type) for e in result.errors] == [
        ("a", "worker_failed"),
        ("b", "worker_failed"),
    ]
    assert "KilledWorker" in result.errors[0].message


def test_cli_single_process_and_bad_input(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["batch", str(corpus / "article-01.txt"), "-o", str(tmp_path / "out")]
    assert main([*args, "--workers", "0", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert "articles   1 (1 extracted, 0 errors)" in out and "single process" in out
    assert err == ""
    assert main(["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        main([*args, "--workers", "-1"])


class _RecordingBar:
    """Stands in for the tqdm bar: records every update."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.updates: list[int] = []
        self.total = kwargs.get("total", 0)

    def __enter__(self) -> _RecordingBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        self.updates.append(n)


def _recording_bars(monkeypatch: pytest.MonkeyPatch) -> list[_RecordingBar]:
    bars: list[_RecordingBar] = []

    def bar(total: int, enabled: bool) -> _RecordingBar:
        bars.append(_RecordingBar(total=total))
        return bars[-1]

    monkeypatch.setattr(geokursk.batch.run, "_progress_bar", bar)
    return bars


def test_progress_advances_per_article_in_one_process(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars = _recording_bars(monkeypatch)
    out = tmp_path / "out"
    batch_extract(
        corpus, out, scheduler="sync", partition_size=7, max_bytes=MAX_BYTES, progress=True
    )
    # one step per article (unreadable ones too), never a whole partition at once
    assert bars[0].total > 7
    assert bars[0].updates == [1] * bars[0].total


def test_worker_progress_events_count_every_article_once() -> None:
    bar = _RecordingBar(total=10)
    counts = geokursk.batch.run._PartitionCounts(bar)
    counts.event((0.0, (0, 3)))  # partition 0 reports three articles done so far
    counts.event((0.0, (1, 2)))
    counts.event((0.0, (1, 1)))  # a retried task starts again: nothing new to show
    counts.event((0.0, (1, 3)))  # ... until it goes beyond what was shown
    counts.finished(0, 6)  # partition 0 finishes: the three not yet reported are added
    counts.event((0.0, (0, 3)))  # a late event of a finished partition is ignored
    counts.finished(1, 4)
    assert bar.updates == [3, 2, 1, 3, 1]
    assert sum(bar.updates) == 10


def test_workers_report_articles_before_their_partition_ends(
    dask_client: Any, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars = _recording_bars(monkeypatch)
    batch_extract(
        corpus,
        tmp_path / "out",
        scheduler=dask_client,
        partition_size=7,
        max_bytes=MAX_BYTES,
        progress=True,
    )
    assert sum(bars[0].updates) == bars[0].total
    topics = [t for t in dask_client.get_events() if str(t).startswith("geokursk-progress-")]
    assert topics, "the workers sent no progress events"
    # each partition's first article is reported at once, as it is done
    events = dask_client.get_events(topics[-1])
    partitions = -(-bars[0].total // 7)
    assert sorted({index for _, (index, _n) in events}) == list(range(partitions))
