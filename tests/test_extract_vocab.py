"""Word lists of the extraction (geokursk/data/words/extract/*.csv, geokursk.extract.vocab)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from geokursk.claims import Qualifier, Relation, Side
from geokursk.extract import vocab
from geokursk.extract.vocab import WordListError
from geokursk.normalize import fold

WORDS = Path(str(vocab.words_dir()))
FILES = sorted(WORDS.glob("*.csv"))


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_every_file_has_a_loader_and_every_loader_a_file() -> None:
    assert {p.stem for p in FILES} == set(vocab.LISTS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_word_list_loads(path: Path) -> None:
    loaded = vocab.LISTS[path.stem](None)
    assert len(loaded) > 0  # type: ignore[arg-type]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_word_list_is_clean(path: Path) -> None:
    header, *rows = _rows(path)
    assert rows, f"{path.name} has no rows"
    assert len(set(header)) == len(header)
    if "language" in header:
        lang = header.index("language")
        assert {r[lang] for r in rows} <= vocab.LANGUAGES
    seen: dict[tuple[str, ...], int] = {}
    for line, row in enumerate(rows, start=2):
        assert len(row) == len(header), f"{path.name}, line {line}"
        assert row[0].strip(), f"{path.name}, line {line}: empty {header[0]}"
        assert all(c == c.strip() for c in row), f"{path.name}, line {line}: spaces"
        assert tuple(row) not in seen, f"{path.name}, line {line} repeats line {seen[tuple(row)]}"
        seen[tuple(row)] = line


@pytest.mark.parametrize("name", ["strong_triggers", "weak_triggers"])
def test_trigger_relations_are_claims_relations(name: str) -> None:
    table = vocab.phrase_table(name, "relation")
    assert table
    assert {rel for _, rel in table} <= {r.value for r in Relation}


def test_strong_trigger_is_not_shadowed_by_an_earlier_shorter_one() -> None:
    # The first phrase the text ends with wins: "the village of" must come before "village of".
    phrases = [fold(p) for p, _ in vocab.phrase_table("strong_triggers", "relation")]
    for i, later in enumerate(phrases):
        for earlier in phrases[:i]:
            assert not (" " + later).endswith(" " + earlier) or later == earlier, (later, earlier)


def test_qualifiers_and_sides_are_claims_values() -> None:
    qualifiers = {q.value for q in Qualifier}
    assert {q for _, q in vocab.phrase_table("qualifiers", "qualifier")} <= qualifiers
    assert {q for _, q in vocab.vague_quantities().values()} <= qualifiers
    assert set(vocab.country_sides().values()) <= {s.value for s in Side}


def test_enum_values_read_from_source_match_the_claims_module() -> None:
    assert vocab._claims_enum("Relation") == {r.value for r in Relation}
    assert vocab._claims_enum("Qualifier") == {q.value for q in Qualifier}
    assert vocab._claims_enum("Side") == {s.value for s in Side}


def test_tables_hold_what_the_extraction_expects() -> None:
    assert vocab.number_table("months", "month")["декабря"] == 12
    assert vocab.number_table("weekdays", "weekday")["sunday"] == 6
    assert vocab.number_table("relative_days", "days")["позавчера"] == -2
    assert vocab.number_table("multipliers", "value", language="en") == {
        "hundred": 100,
        "thousand": 1000,
        "million": 1_000_000,
    }
    assert vocab.vague_quantities()["several"] == (None, "unspecified")
    assert dict(vocab.case_endings())["ом"] == ("", "о")
    assert "the" in vocab.word_set("stop_words")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("phrase,language,relation\nnear,en,near\nbeside,en,beside\n", 3, "Relation"),
        ("phrase,language,relation\nnear,en,near\n,en,near\n", 3, "phrase is empty"),
        ("phrase,language,relation\nnear,en\n", 2, "2 field(s)"),
        ("phrase,language,relation\nnear,xx,near\n", 2, "unknown language"),
        ("phrase,language,relation\nnear,en,near\nclose to,en,near\nnear,en,near\n", 4, "repeats"),
        ("phrase,lang,relation\nnear,en,near\n", 1, "header"),
    ],
    ids=["relation", "empty", "fields", "language", "repeat", "header"],
)
def test_malformed_trigger_table_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(WordListError, match=re.escape(message)) as info:
        vocab.phrase_table("strong_triggers", "relation", path)
    assert f"{path}, line {line}" in str(info.value)


def test_malformed_number_table_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "word,language,value\none,en,1\ntwo,en,II\n")
    with pytest.raises(WordListError, match=r"line 3: the value 'II' is not a whole number"):
        vocab.number_table("units", "value", path)
    path = _write(tmp_path, "word,language,value\nдва,ru,2\nдва,uk,3\n")
    with pytest.raises(WordListError, match=r"line 3: 'два' has the value 3 here and 2 on line 2"):
        vocab.number_table("cyrillic_numbers", "value", path)


def test_missing_word_list_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(WordListError, match="not found") as info:
        vocab.word_list("stop_words", path)
    assert str(path) in str(info.value)
    with pytest.raises(WordListError, match=r"no_such_list\.csv"):
        vocab.word_list("no_such_list")


def test_word_list_not_utf8_or_empty(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("word,language\nпри,ru\n".encode("cp1251"))
    with pytest.raises(WordListError, match="not UTF-8") as info:
        vocab.word_list("stop_words", path)
    assert str(path) in str(info.value)
    with pytest.raises(WordListError, match="empty"):
        vocab.word_list("stop_words", _write(tmp_path, ""))


def test_word_list_of_a_good_file_keeps_file_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "word,language\nв,ru\nна,ru\nв,uk\n\nз,uk\n")
    assert vocab.word_list("stop_words", path) == ("в", "на", "з")


def test_claimant_side_patterns_are_checked_regular_expressions(tmp_path: Path) -> None:
    path = _write(tmp_path, "pattern,language,side\nkremlin,en,russia\n(unclosed,en,russia\n")
    with pytest.raises(WordListError, match=r"line 3: '\(unclosed' is not a regular expression"):
        vocab.side_patterns(path)
    path = _write(
        tmp_path, "pattern,language,side\nkremlin,en,russia\nkyiv,en,ukraine\nmoscow,en,russia\n"
    )
    assert vocab.side_patterns(path) == (("russia", "kremlin|moscow"), ("ukraine", "kyiv"))
