"""Word lists and rule tables of the extraction, read from data files.

Every list is a UTF-8 CSV file ``data/words/extract/<name>.csv`` with a header
row and one entry a row.  Lists of words have the columns ``word`` (``phrase``
for multi-word entries, ``stem`` for word beginnings matched as prefixes) and
``language`` (``en``, ``ru`` or ``uk``); tables add a value column (``month``,
``relation``, ``qualifier``...).  A spelling shared by Russian and Ukrainian is
listed once per language.  Where order matters -- trigger phrases, qualifiers,
case endings: the first matching row wins -- it is the file order, and a word
listed for two languages keeps the place of its first row.

Values naming a vocabulary of the claims model are checked against it when a
file is read: ``relation`` against :class:`geokursk.claims.Relation`,
``qualifier`` against :class:`geokursk.claims.Qualifier`, ``side`` against
:class:`geokursk.claims.Side`, ``kind`` against :class:`geokursk.claims.FigureKind`.

The loaders are cached (:func:`functools.cache`).  Each takes an optional
``path`` that replaces the shipped file (for tests and experiments).  A missing
or malformed file raises :class:`WordListError`, naming the file and the line.
"""

from __future__ import annotations

import ast
import csv
import functools
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from geokursk.errors import GeokurskError

__all__ = [
    "LANGUAGES",
    "LISTS",
    "WordListError",
    "alternation",
    "case_endings",
    "country_sides",
    "number_table",
    "phrase_table",
    "side_patterns",
    "vague_quantities",
    "word_list",
    "word_set",
    "words_dir",
]

#: Language codes of the ``language`` column.
LANGUAGES = frozenset({"en", "ru", "uk"})

#: Value columns checked against an enum of :mod:`geokursk.claims` (column -> enum name).
_ENUM_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"relation": "Relation", "qualifier": "Qualifier", "side": "Side", "kind": "FigureKind"}
)

_V = TypeVar("_V")


class WordListError(GeokurskError, ValueError):
    """A word list of the extraction is missing or malformed."""


def words_dir() -> Traversable:
    """Return the folder of the shipped word lists, ``geokursk/data/words/extract``.

    Returns
    -------
    importlib.resources.abc.Traversable
        The folder inside the installed package.
    """
    return resources.files("geokursk") / "data" / "words" / "extract"


@dataclass(frozen=True)
class _Row:
    """One data row of a word-list file and the line it is on."""

    line: int
    cells: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def _read(
    name: str,
    path: Path | None,
    columns: Sequence[str],
    *,
    key: Sequence[str] | None = None,
    may_be_empty: Sequence[str] = (),
) -> tuple[str, list[_Row]]:
    """Return the label of a word-list file and its rows, checked against ``columns``.

    ``key`` (default: the first column, plus ``language`` when there is one) must not
    repeat; no cell may be empty except in ``may_be_empty``, none may have spaces
    around it, and ``language`` must be one of :data:`LANGUAGES`.
    """
    source: Traversable | Path = path if path is not None else words_dir() / f"{name}.csv"
    label = str(source)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WordListError(
            f"word list {name!r} not found: {label}; reinstall geokursk (its data files "
            "are incomplete) or give an existing file"
        ) from None
    except UnicodeDecodeError as exc:
        raise WordListError(
            f"word list {label} is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise WordListError(f"cannot read word list {label}: {exc.strerror or exc}") from None
    key = tuple(key) if key is not None else (columns[0], *(c for c in columns if c == "language"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        records = [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        raise WordListError(f"{label}, line {reader.line_num}: not valid CSV ({exc})") from None
    if header is None:
        raise WordListError(f"{label}: the file is empty; line 1 must name the columns")
    if header != list(columns):
        raise WordListError(
            f"{label}, line 1: the header is {','.join(header)!r}; expected {','.join(columns)!r}"
        )
    rows: list[_Row] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, cells in records:
        if not cells:
            continue  # blank line
        where = f"{label}, line {line}"
        if len(cells) != len(columns):
            raise WordListError(
                f"{where}: {len(cells)} field(s); expected {len(columns)} ({','.join(columns)})"
            )
        row = _Row(line, MappingProxyType(dict(zip(columns, cells, strict=True))))
        for column, cell in row.cells.items():
            if cell != cell.strip():
                raise WordListError(f"{where}: {column} {cell!r} has spaces around it")
            if not cell and column not in may_be_empty:
                raise WordListError(f"{where}: the {column} is empty")
        if "language" in row.cells and row["language"] not in LANGUAGES:
            raise WordListError(
                f"{where}: unknown language {row['language']!r}; "
                f"use one of {', '.join(sorted(LANGUAGES))}"
            )
        for column, enum in _ENUM_COLUMNS.items():
            if column in row.cells and row[column] not in _claims_enum(enum):
                raise WordListError(
                    f"{where}: {row[column]!r} is not a geokursk.claims.{enum} value; "
                    f"use one of {', '.join(sorted(_claims_enum(enum)))}"
                )
        k = tuple(row[c] for c in key)
        if k in seen:
            raise WordListError(f"{where}: repeats line {seen[k]} ({', '.join(k)})")
        seen[k] = line
        rows.append(row)
    return label, rows


def _int(label: str, row: _Row, column: str) -> int:
    try:
        return int(row[column])
    except ValueError:
        raise WordListError(
            f"{label}, line {row.line}: the {column} {row[column]!r} is not a whole number"
        ) from None


def _first_of_each(
    label: str, rows: Sequence[_Row], key: str, values: Sequence[_V]
) -> dict[str, _V]:
    """Map each key to its value, in file order; a repeated key must repeat its value."""
    first: dict[str, _V] = {}
    lines: dict[str, int] = {}
    for row, value in zip(rows, values, strict=True):
        word = row[key]
        if word not in first:
            first[word], lines[word] = value, row.line
        elif first[word] != value:
            raise WordListError(
                f"{label}, line {row.line}: {word!r} has the value {value!r} here and "
                f"{first[word]!r} on line {lines[word]}"
            )
    return first


@functools.cache
def _claims_source_enums() -> Mapping[str, frozenset[str]]:
    """Return the string values of each enum class in :mod:`geokursk.claims.vocabulary`."""
    try:
        path = resources.files("geokursk") / "claims" / "vocabulary.py"
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (OSError, SyntaxError):
        return MappingProxyType({})
    enums: dict[str, frozenset[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            values = frozenset(
                n.value.value
                for n in node.body
                if isinstance(n, ast.Assign)
                and isinstance(n.value, ast.Constant)
                and isinstance(n.value.value, str)
            )
            if values:
                enums[node.name] = values
    return MappingProxyType(enums)


@functools.cache
def _claims_enum(name: str) -> frozenset[str]:
    """Return the values of the string enum ``geokursk.claims.<name>``.

    :mod:`geokursk.claims` imports geopandas, shapely and pydantic, which the
    extraction does not need (``import geokursk`` and a first extraction load none of
    them), so the class body is read from the module's source; without the source the
    module is imported.
    """
    values = _claims_source_enums().get(name)
    if values is not None:
        return values
    from geokursk import claims

    return frozenset(str(member.value) for member in getattr(claims, name))


@functools.cache
def word_list(name: str, path: Path | None = None, *, column: str = "word") -> tuple[str, ...]:
    """Return the entries of a word list, in file order, each once.

    Parameters
    ----------
    name : str
        The list, ``data/words/extract/<name>.csv`` (columns ``<column>,language``).
    path : pathlib.Path, optional
        Read this file instead of the shipped one.
    column : str
        The entry column: ``word``, ``phrase`` or ``stem``.

    Returns
    -------
    tuple of str
        A word listed for several languages appears once, at its first row.

    Raises
    ------
    WordListError
        The file is missing or malformed (the message names file and line).
    """
    _, rows = _read(name, path, (column, "language"))
    return tuple(dict.fromkeys(row[column] for row in rows))


def word_set(name: str, path: Path | None = None, *, column: str = "word") -> frozenset[str]:
    """Return the entries of a word list as a set; see :func:`word_list`.

    Parameters
    ----------
    name : str
        The list, ``data/words/extract/<name>.csv``.
    path : pathlib.Path, optional
        Read this file instead of the shipped one.
    column : str
        The entry column: ``word``, ``phrase`` or ``stem``.

    Returns
    -------
    frozenset of str
    """
    return frozenset(word_list(name, path, column=column))


@functools.cache
def number_table(
    name: str, value: str, path: Path | None = None, *, language: str | None = None
) -> Mapping[str, int]:
    """Return a word -> whole number table (columns ``word,language,<value>``).

    Parameters
    ----------
    name : str
        The table, ``data/words/extract/<name>.csv``.
    value : str
        The number column (``value``, ``month``, ``weekday``, ``days``).
    path : pathlib.Path, optional
        Read this file instead of the shipped one.
    language : str, optional
        Only the rows of this language.

    Returns
    -------
    Mapping of str to int
        In file order; a word listed for several languages must have one value.

    Raises
    ------
    WordListError
        The file is missing or malformed (the message names file and line).
    """
    label, rows = _read(name, path, ("word", "language", value))
    rows = [row for row in rows if language is None or row["language"] == language]
    numbers = [_int(label, row, value) for row in rows]
    return MappingProxyType(_first_of_each(label, rows, "word", numbers))


@functools.cache
def side_patterns(path: Path | None = None) -> tuple[tuple[str, str], ...]:
    r"""Return the patterns naming each claimant side (``claimant_sides.csv``).

    The file has the columns ``pattern,language,side``: one regular-expression
    alternative a row (``\bGUR\b``, ``министерств\w* обороны``), matched without
    regard to case; ``side`` is a :class:`geokursk.claims.Side` value.

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of (str, str)
        ``(side, pattern)`` with the side's alternatives joined by ``|``, sides in the
        order of their first row.

    Raises
    ------
    WordListError
        The file is missing or malformed, a side is not a ``Side`` value, or a
        pattern is not a valid regular expression (the message names file and line).
    """
    label, rows = _read("claimant_sides", path, ("pattern", "language", "side"))
    return _by_side(label, rows)


@functools.cache
def speakers(path: Path | None = None) -> tuple[tuple[str, str], ...]:
    r"""Return the patterns of people who often speak for a side (``speakers.csv``).

    Governors, heads of military administrations, ministers and spokespeople whom
    reports name by surname alone ("Gladkov said", «Синєгубов»).  The file has the
    columns ``pattern,language,side,who``: one regular-expression alternative a row,
    matched without regard to case, a stem where the name is declined
    (``гладков``), and who the person is.

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of (str, str)
        ``(side, pattern)`` as :func:`side_patterns` returns them.

    Raises
    ------
    WordListError
        The file is missing or malformed, a side is not a ``Side`` value, or a
        pattern is not a valid regular expression (the message names file and line).
    """
    label, rows = _read("speakers", path, ("pattern", "language", "side", "who"))
    return _by_side(label, rows)


def _by_side(label: str, rows: Sequence[_Row]) -> tuple[tuple[str, str], ...]:
    """Group checked patterns by side, sides in the order of their first row."""
    by_side: dict[str, list[str]] = {}
    for row in rows:
        by_side.setdefault(row["side"], []).append(_pattern(label, row))
    return tuple((side, "|".join(patterns)) for side, patterns in by_side.items())


def _pattern(label: str, row: _Row) -> str:
    """Return the row's ``pattern`` once it compiles as a regular expression."""
    try:
        re.compile(row["pattern"])
    except re.error as exc:
        raise WordListError(
            f"{label}, line {row.line}: {row['pattern']!r} is not a regular expression ({exc})"
        ) from None
    return row["pattern"]


@functools.cache
def pattern_table(name: str, value: str, path: Path | None = None) -> tuple[tuple[str, str], ...]:
    r"""Return regular-expression alternatives grouped by value (``pattern,language,<value>``).

    Parameters
    ----------
    name : str
        The table, ``data/words/extract/<name>.csv``: one alternative a row
        (``kill(?:ed|ing|s)?\b``, ``погиб``).
    value : str
        The value column; ``kind`` values are checked against
        :class:`geokursk.claims.FigureKind`.
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of (str, str)
        ``(pattern, value)``: each value's alternatives joined by ``|``, values in the
        order of their first row.

    Raises
    ------
    WordListError
        The file is missing or malformed, a value is not in its vocabulary, or a
        pattern is not a valid regular expression (the message names file and line).
    """
    label, rows = _read(name, path, ("pattern", "language", value), key=("pattern",))
    by_value: dict[str, list[str]] = {}
    for row in rows:
        by_value.setdefault(row[value], []).append(_pattern(label, row))
    return tuple(("|".join(patterns), v) for v, patterns in by_value.items())


@functools.cache
def pattern_list(name: str, path: Path | None = None) -> tuple[str, ...]:
    r"""Return the regular-expression alternatives of a pattern list, in file order.

    The file has the columns ``pattern,language``: one alternative a row
    (``civilians?``, ``мирн\w* жител\w*``), each a valid regular expression.

    Parameters
    ----------
    name : str
        The list, ``data/words/extract/<name>.csv``.
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of str
        A pattern listed for several languages appears once, at its first row.

    Raises
    ------
    WordListError
        The file is missing or malformed, or a pattern is not a valid regular
        expression (the message names file and line).
    """
    label, rows = _read(name, path, ("pattern", "language"))
    return tuple(dict.fromkeys(_pattern(label, row) for row in rows))


@functools.cache
def phrase_table(name: str, value: str, path: Path | None = None) -> tuple[tuple[str, str], ...]:
    """Return an ordered phrase -> value table (columns ``phrase,language,<value>``).

    Parameters
    ----------
    name : str
        The table, ``data/words/extract/<name>.csv``.
    value : str
        The value column; ``relation`` and ``qualifier`` values are checked against
        :class:`geokursk.claims.Relation` and :class:`geokursk.claims.Qualifier`.
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of (str, str)
        ``(phrase, value)`` in file order, each phrase once.

    Raises
    ------
    WordListError
        The file is missing or malformed, or a value is not one of its enum
        (the message names file and line).
    """
    label, rows = _read(name, path, ("phrase", "language", value))
    values = [row[value] for row in rows]
    return tuple(_first_of_each(label, rows, "phrase", values).items())


@functools.cache
def vague_quantities(path: Path | None = None) -> Mapping[str, tuple[int | None, str]]:
    """Return vague quantities: phrase -> (lower bound or None, qualifier).

    Read from ``vague_quantities.csv`` (columns ``phrase,language,value,qualifier``;
    an empty ``value`` is no number, as in "several").

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    Mapping of str to (int or None, str)
        In file order.

    Raises
    ------
    WordListError
        The file is missing or malformed (the message names file and line).
    """
    label, rows = _read(
        "vague_quantities",
        path,
        ("phrase", "language", "value", "qualifier"),
        may_be_empty=["value"],
    )
    values: list[tuple[int | None, str]] = [
        (_int(label, row, "value") if row["value"] else None, row["qualifier"]) for row in rows
    ]
    return MappingProxyType(_first_of_each(label, rows, "phrase", values))


@functools.cache
def case_endings(path: Path | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the case endings of Cyrillic place names and their nominative endings.

    Read from ``case_endings.csv`` (columns ``ending,nominative``, one row per pair; an
    empty ``nominative`` drops the ending).  The first ending a word ends with is used;
    its nominatives are tried in file order.

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of (str, tuple of str)
        ``(ending, nominatives)`` in file order.

    Raises
    ------
    WordListError
        The file is missing or malformed (the message names file and line).
    """
    columns = ("ending", "nominative")
    _, rows = _read("case_endings", path, columns, key=columns, may_be_empty=["nominative"])
    table: dict[str, list[str]] = {}
    for row in rows:
        table.setdefault(row["ending"], []).append(row["nominative"])
    return tuple((ending, tuple(noms)) for ending, noms in table.items())


@functools.cache
def country_sides(path: Path | None = None) -> Mapping[str, str]:
    """Return the side a country's regional authorities speak for (``country_sides.csv``).

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    Mapping of str to str
        ISO country code -> :class:`geokursk.claims.Side` value.

    Raises
    ------
    WordListError
        The file is missing or malformed (the message names file and line).
    """
    _, rows = _read("country_sides", path, ("country_code", "side"))
    return MappingProxyType({row["country_code"]: row["side"] for row in rows})


@functools.cache
def installed_authorities(path: Path | None = None) -> Mapping[tuple[str, str], str]:
    """Return whose authorities govern a region, by language (``installed_authorities.csv``).

    Crimea's and Sevastopol's governors and heads are Russian-installed in any language;
    in Russian text a governor or head of Donetsk, Luhansk, Zaporizhzhia or Kherson
    Oblast is Russia's appointee too (Ukraine's officials there are heads of military
    administrations, ОВА).

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    Mapping of (str, str) to str
        ``(admin1 code, language)`` -> :class:`geokursk.claims.Side` value.

    Raises
    ------
    WordListError
        The file is missing or malformed, or a side is not a
        :class:`geokursk.claims.Side` value (the message names file and line).
    """
    columns = ("admin1_code", "region", "language", "side")
    _, rows = _read("installed_authorities", path, columns, key=("admin1_code", "language"))
    return MappingProxyType({(row["admin1_code"], row["language"]): row["side"] for row in rows})


@functools.cache
def document_voices(path: Path | None = None) -> tuple[tuple[str, str, str], ...]:
    """Return heading phrases that name whose voice a report is (``document_voices.csv``).

    A Russian MoD bulletin is headed «Сводка Министерства обороны Российской Федерации»,
    a Ukrainian General Staff summary «Оперативна інформація станом на ...»: sentences
    without a claimant of their own are that body's.

    Parameters
    ----------
    path : pathlib.Path, optional
        Read this file instead of the shipped one.

    Returns
    -------
    tuple of (str, str, str)
        ``(phrase, claimant, side)`` in file order.

    Raises
    ------
    WordListError
        The file is missing or malformed, or a side is not a
        :class:`geokursk.claims.Side` value (the message names file and line).
    """
    _, rows = _read("document_voices", path, ("phrase", "language", "claimant", "side"))
    return tuple((row["phrase"], row["claimant"], row["side"]) for row in rows)


def alternation(words: Iterable[str]) -> str:
    r"""Return a regular-expression alternation matching any of ``words`` literally.

    Parameters
    ----------
    words : iterable of str
        Words or phrases, tried in this order.

    Returns
    -------
    str
        ``"word1|word2|..."`` with regex metacharacters escaped.

    Examples
    --------
    >>> alternation(["today", "вчера", "e.g"])
    'today|вчера|e\\.g'
    """
    return "|".join(re.escape(w) for w in words)


# The shipped lists by shape: file name -> entry column (word lists) or value column.
_WORD_LISTS = {
    "abbreviations": "word",
    "anaphors": "word",
    "attribution_phrases": "phrase",
    "auxiliary_verbs": "word",
    "city_tail": "word",
    "direction_words": "word",
    "dispute_verbs": "stem",
    "generic_tail": "word",
    "list_conjunctions": "word",
    "not_subjects": "word",
    "organisation_stems": "stem",
    "pronouns": "word",
    "single_people": "word",
    "back_references": "phrase",
    "border_phrases": "phrase",
    "statement_cues": "phrase",
    "stop_words": "word",
    "support_verbs": "stem",
    "title_words": "word",
    "unconfirmed_stems": "stem",
}
_NUMBER_TABLES = {
    "cyrillic_numbers": "value",
    "months": "month",
    "multipliers": "value",
    "relative_days": "days",
    "tens": "value",
    "units": "value",
    "weekdays": "weekday",
}
_PHRASE_TABLES = {
    "metonyms": "place",
    "plural_casualty_verbs": "kind",
    "qualifiers": "qualifier",
    "single_casualty_verbs": "kind",
    "strong_triggers": "relation",
    "subject_sides": "class",
    "weak_triggers": "relation",
}

#: Every shipped list: file name (without ``.csv``) -> a loader taking an optional path.
LISTS: Mapping[str, Callable[[Path | None], object]] = MappingProxyType(
    {
        **{n: functools.partial(word_list, n, column=c) for n, c in _WORD_LISTS.items()},
        **{n: functools.partial(number_table, n, c) for n, c in _NUMBER_TABLES.items()},
        **{n: functools.partial(phrase_table, n, c) for n, c in _PHRASE_TABLES.items()},
        "case_endings": case_endings,
        "claimant_sides": side_patterns,
        "country_sides": country_sides,
        "document_voices": document_voices,
        "installed_authorities": installed_authorities,
        "speakers": speakers,
        "people_nouns": functools.partial(pattern_list, "people_nouns"),
        "figure_kind_words": functools.partial(pattern_table, "figure_kind_words", "kind"),
        "vague_quantities": vague_quantities,
    }
)
