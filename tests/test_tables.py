"""geokursk.geocode_frame, the front door for tables: every input shape, per-row context."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geokursk
from geokursk import Geocoder, GeocodeResult, InvalidQueryError, UsageError, default_geocoder
from geokursk.tables import EMPTY_REASON, geocode_file, geocode_frame, join_input, read_table


@pytest.fixture(scope="module")
def gc() -> Geocoder:
    return default_geocoder()


class CountingGeocoder(Geocoder):
    """The default gazetteer, counting how often each (name, context) is resolved."""

    def __init__(self, base: Geocoder) -> None:
        super().__init__(base.gazetteer)
        self.calls: list[tuple[str, str | None]] = []

    def geocode(self, name: str, *, context: str | None = None) -> GeocodeResult:
        self.calls.append((name, context))
        return super().geocode(name, context=context)


# --- input shapes ----------------------------------------------------------------------------


def test_a_list_gives_one_row_per_name_in_order_with_a_range_index(gc: Geocoder) -> None:
    names = ["Суджа", "Kurilovka", "Pyongyang"]
    out = geocode_frame(names, context="Kursk region", geocoder=gc)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs.to_epsg() == 4326
    assert list(out.index) == [0, 1, 2]
    assert out["query"].tolist() == names
    assert out["context"].tolist() == ["Kursk region"] * 3
    assert out["status"].tolist()[0] == "resolved"
    assert out["status"].tolist()[2] == "unresolved"  # Pyongyang is not in the Kursk region
    assert out.geometry.iloc[0].x == pytest.approx(out["lon"].iloc[0])  # x is the longitude
    assert list(out.columns[:3]) == ["query", "context", "status"]


def test_a_series_keeps_its_non_default_index_and_order(gc: Geocoder) -> None:
    s = pd.Series(["Konotop", "Суджа", "Kharkiv"], index=["r9", "r2", "r5"], name="place")
    out = geocode_frame(s, geocoder=gc)
    assert list(out.index) == ["r9", "r2", "r5"]
    assert out.loc["r2", "name_latin"] == "Sudzha"
    assert out.loc["r9", "country_code"] == "UA"


def test_a_series_with_duplicate_labels_keeps_every_row(gc: Geocoder) -> None:
    s = pd.Series(["Sudzha", "Konotop"], index=[7, 7])
    out = geocode_frame(s, geocoder=gc)
    assert list(out.index) == [7, 7] and out["query"].tolist() == ["Sudzha", "Konotop"]


@pytest.mark.parametrize(
    "names",
    [
        np.array(["Sudzha", "Konotop"], dtype=object),
        pd.Index(["Sudzha", "Konotop"]),
        ("Sudzha", "Konotop"),
        (n for n in ["Sudzha", "Konotop"]),
    ],
    ids=["ndarray", "index", "tuple", "generator"],
)
def test_arrays_indexes_tuples_and_generators_are_accepted(
    gc: Geocoder, names: Iterable[str]
) -> None:
    out = geocode_frame(names, geocoder=gc)
    assert out["query"].tolist() == ["Sudzha", "Konotop"]
    assert out["status"].tolist() == ["resolved", "resolved"]


def test_empty_nan_and_none_cells_are_empty_rows_never_errors(gc: Geocoder) -> None:
    s = pd.Series(["Sudzha", None, math.nan, pd.NA, "", "   ", np.nan], index=list("abcdefg"))
    out = geocode_frame(s, geocoder=gc)
    assert out["status"].tolist() == ["resolved"] + ["empty"] * 6
    assert (out["reason"].iloc[1:] == EMPTY_REASON).all()
    assert out["query"].iloc[1:].isna().all()
    assert out.geometry.iloc[1:].isna().all() and out["lat"].iloc[1:].isna().all()
    assert list(out.index) == list("abcdefg")


def test_cells_without_letters_and_non_strings_are_unresolved_with_a_reason(gc: Geocoder) -> None:
    out = geocode_frame(["123", 42, "—"], geocoder=gc)
    assert out["status"].tolist() == ["unresolved"] * 3
    assert out["query"].tolist() == ["123", "42", "—"]
    assert out["reason"].iloc[1] == "'42' holds no letters: not a place name"


def test_cells_are_stripped_before_geocoding(gc: Geocoder) -> None:
    out = geocode_frame(["  Sudzha\t"], geocoder=gc)
    assert out["query"].tolist() == ["Sudzha"] and out["status"].tolist() == ["resolved"]


def test_an_empty_input_gives_an_empty_frame_with_the_columns(gc: Geocoder) -> None:
    out = geocode_frame([], geocoder=gc)
    assert len(out) == 0 and {"query", "context", "status", "geometry"} <= set(out.columns)
    assert out.crs.to_epsg() == 4326


# --- context per row ---------------------------------------------------------------------------


def test_each_row_carries_its_own_context(gc: Geocoder) -> None:
    # One context for every row leaves Kupiansk unresolved: it is not in the Kursk region.
    names = pd.Series(["Kupiansk", "Суджа"], index=[10, 20])
    one = geocode_frame(names, context="Kursk region", geocoder=gc)
    assert one["status"].tolist() == ["unresolved", "resolved"]
    per_row = pd.Series(["Kharkiv Oblast", "Kursk region"], index=[10, 20])
    out = geocode_frame(names, context=per_row, geocoder=gc)
    assert out["status"].tolist() == ["resolved", "resolved"]
    assert out.loc[10, "admin1"] == "Kharkiv Oblast"
    assert out["context"].tolist() == ["Kharkiv Oblast", "Kursk region"]


def test_a_context_series_is_aligned_by_label_not_position(gc: Geocoder) -> None:
    names = pd.Series(["Kupiansk", "Суджа"], index=["a", "b"])
    ctx = pd.Series(["Kursk region", "Kharkiv Oblast"], index=["b", "a"])
    out = geocode_frame(names, context=ctx, geocoder=gc)
    assert out["context"].tolist() == ["Kharkiv Oblast", "Kursk region"]
    assert out["status"].tolist() == ["resolved", "resolved"]


def test_a_context_list_and_blank_context_cells(gc: Geocoder) -> None:
    out = geocode_frame(["Kupiansk", "Pokrovsk"], context=["Kharkiv Oblast", None], geocoder=gc)
    assert out["status"].tolist() == ["resolved", "resolved"]  # a bare Pokrovsk: the town
    assert out["context"].tolist()[1] is None


def test_columns_of_one_dataframe_work_as_names_and_context(gc: Geocoder) -> None:
    df = pd.DataFrame(
        {"place": ["Kupiansk", None], "region": ["Kharkiv Oblast", "Sumy Oblast"]},
        index=[5, 3],
    )
    out = geokursk.geocode_frame(df["place"], context=df["region"], geocoder=gc)
    assert list(out.index) == [5, 3] and out["status"].tolist() == ["resolved", "empty"]


@pytest.mark.parametrize(
    ("context", "message"),
    [
        (["Kursk region"], r"context has 1 value\(s\) for 2 name\(s\)"),
        (pd.Series(["Kursk region"], index=["a"]), r"lacks 1 of the names' index labels.*'b'"),
        (pd.DataFrame({"c": ["x", "y"]}), r"not a DataFrame of columns \['c'\]"),
        ({"Kursk region"}, "not a set"),
        (np.array([["a", "b"]]), r"shape \(1, 2\)"),
    ],
)
def test_a_context_not_aligned_with_the_names_is_a_clear_error(
    gc: Geocoder, context: object, message: str
) -> None:
    names = pd.Series(["Sudzha", "Konotop"], index=["a", "b"])
    with pytest.raises(InvalidQueryError, match=message):
        geocode_frame(names, context=context, geocoder=gc)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("Sudzha", "not one string .*geokursk.geocode"),
        (pd.DataFrame({"place": ["Sudzha"]}), r"not a DataFrame of 1 column\(s\) \['place'\]"),
        ({"Sudzha", "Konotop"}, "a set has no order"),
        (np.array([["Sudzha"]]), r"shape \(1, 1\)"),
        (42, "got int"),
    ],
)
def test_names_in_a_wrong_shape_are_a_clear_error(
    gc: Geocoder, names: object, message: str
) -> None:
    with pytest.raises(InvalidQueryError, match=message):
        geocode_frame(names, geocoder=gc)  # type: ignore[arg-type]


# --- resolution ----------------------------------------------------------------------------------


def test_repeated_names_are_resolved_once(gc: Geocoder) -> None:
    counting = CountingGeocoder(gc)
    names = ["Sudzha", " Sudzha", "Konotop", "Sudzha", None, "Konotop"]
    out = geocode_frame(names, context="Kursk region", geocoder=counting)
    assert sorted(counting.calls) == [("Konotop", "Kursk region"), ("Sudzha", "Kursk region")]
    assert out["status"].tolist()[4] == "empty"
    assert out["id"].iloc[0] == out["id"].iloc[1] == out["id"].iloc[3]
    assert out["id"].iloc[2] == out["id"].iloc[5]
    # the same name under another context is another question
    geocode_frame(["Sudzha", "Sudzha"], context=["Kursk region", None], geocoder=counting)
    assert counting.calls[-2:] == [("Sudzha", "Kursk region"), ("Sudzha", None)]


def test_rows_are_independent_unless_together(gc: Geocoder) -> None:
    names = ["Martynovka", "Plekhovo", "Vorobzha"]
    alone = geocode_frame(names, geocoder=gc)
    assert alone["status"].tolist()[0] == "ambiguous"
    together = geocode_frame(names, together=True, geocoder=gc)
    assert together["status"].tolist()[0] == "resolved"
    assert together.loc[0, "admin2"] == "Sudzhansky District"


def test_results_show_the_cyrillic_name_next_to_the_latin_one(gc: Geocoder) -> None:
    out = geocode_frame(["Pokrovsk", "Kupiansk", "Washington"], geocoder=gc)
    assert out["name_latin"].tolist()[:2] == ["Pokrovsk", "Kupyansk"]
    assert out["name_cyrillic"].tolist() == ["Покровськ", "Куп'янськ", "Вашингтон"]
    r = gc.geocode("Pokrovsk")
    assert r.place is not None and r.place.label == "Pokrovsk (Покровськ)"
    assert "Pokrovsk (Покровськ)" in repr(r)


def test_the_geocoder_method_and_the_package_function_agree(gc: Geocoder) -> None:
    names = pd.Series(["Kupiansk", None], index=[4, 9])
    a = gc.geocode_frame(names, context="Kharkiv Oblast")
    b = geokursk.geocode_frame(names, context="Kharkiv Oblast")
    pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))


# --- tables and files ------------------------------------------------------------------------


def test_join_input_suffixes_clashing_columns(gc: Geocoder) -> None:
    table = pd.DataFrame({"name": ["Sudzha"], "status": ["to check"], "id": ["r1"]})
    out = join_input(table, geocode_frame(table["name"], geocoder=gc))
    assert out[["name_input", "status_input", "id_input"]].iloc[0].tolist() == [
        "Sudzha",
        "to check",
        "r1",
    ]
    assert out["status"].tolist() == ["resolved"]


def test_read_table_keeps_cells_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffid,place\n007,Суджа\n008,\n".encode())
    table = read_table(path)
    assert table["id"].tolist() == ["007", "008"]
    assert table["place"].tolist() == ["Суджа", ""]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.xlsx", b"x", "give a .csv or .tsv file"),
        ("t.csv", b"", "the file is empty"),
        ("t.csv", b"place\n\xff\xfe\n", "not UTF-8 text"),
        ("t.csv", b'place,id\na,1\nb,2,3\n"', "malformed table"),
    ],
)
def test_unreadable_tables_are_a_usage_error_naming_the_file(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UsageError, match=message) as info:
        read_table(path)
    assert name in str(info.value)


def test_geocode_file_names_the_missing_column(tmp_path: Path, gc: Geocoder) -> None:
    path = tmp_path / "t.csv"
    path.write_text("place\nSudzha\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"no name column 'name'; the columns are \['place'\]"):
        geocode_file(path, tmp_path / "o.csv", column="name", geocoder=gc)
    with pytest.raises(UsageError, match="not both"):
        geocode_file(
            path, tmp_path / "o.csv", column="place", context="x", context_column="y", geocoder=gc
        )
    assert not (tmp_path / "o.csv").exists()
