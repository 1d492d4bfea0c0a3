"""Cues around a capitalised name in a text.

Place words before it ("near", «в районе»), area words after it, lists, rivers, and
regions named through their authority ("Belgorod governor").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from geokursk.extract.areas import AUTHORITY_AFTER
from geokursk.extract.morphology import _lookup_forms
from geokursk.extract.text import (
    _POSSESSIVE,
    _STOP_WORDS,
    _TITLE_WORDS,
    _TOKEN,
)
from geokursk.extract.vocab import alternation, phrase_table, word_list, word_set
from geokursk.geocode import AreaMention, Geocoder
from geokursk.normalize import fold, has_cyrillic, is_river

# --- place words, area phrases --------------------------------------------------------

# Place words before a name -> relation, first match wins; strong ones make an unknown
# name a place too.
_STRONG_TRIGGERS: tuple[tuple[str, str], ...] = phrase_table("strong_triggers", "relation")
_WEAK_TRIGGERS: tuple[tuple[str, str], ...] = phrase_table("weak_triggers", "relation")
#: The strong triggers as the folded ending of the text before a name (" в районе").
_STRONG_ENDINGS = tuple((" " + fold(phrase), rel) for phrase, rel in _STRONG_TRIGGERS)


def _by_last_word(
    endings: Sequence[tuple[str, str, str]],
) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Group (ending, relation, phrase) rows by the ending's last word, keeping their order.

    A text can end with an ending only if it ends with that ending's last word, so only
    one group is tried per name, in the table's order: the same first match as a scan.
    """
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for row in endings:
        groups.setdefault(row[0].rsplit(" ", 1)[-1], []).append(row)
    return {word: tuple(rows) for word, rows in groups.items()}


_STRONG_BY_WORD = _by_last_word([(e, rel, e) for e, rel in _STRONG_ENDINGS])
#: One-word place words which may open a sentence before the name: «Севернее», «Біля»,
#: «Звільнили».  Not the settlement nouns (strong, "in"): «Хутор Михайловский» is a name.
_LEADING_TRIGGERS = frozenset(
    fold(phrase)
    for phrase, rel in (*_WEAK_TRIGGERS, *((s, r) for s, r in _STRONG_TRIGGERS if r != "in"))
    if " " not in phrase
)
# Folded like the text they are compared with («звільнили» folds to «звілнили»).
_WEAK_BY_WORD = _by_last_word([(" " + fold(phrase), rel, phrase) for phrase, rel in _WEAK_TRIGGERS])
# Military terms after a name ("Kharkiv direction"): the place is the name before them.
_GENERIC_TAIL = word_set("generic_tail")
# Words after a city's name that are not part of it unless the gazetteer says so: ISW's
# "Kharkiv City", but "Mexico City" is a name.
_CITY_TAIL = word_set("city_tail")
# Words after a name that make it a military direction («Покровському напрямку»).
_DIRECTION_WORDS = word_set("direction_words")
# What may stand between two listed places ("X, Y and Z").
_LIST_CONJUNCTIONS = alternation(word_list("list_conjunctions"))
# A list goes on after a comma or a conjunction, or with another name of the place before
# in brackets («Торецк (Дзержинск)»).
_LIST_GAP = re.compile(rf"^\s*(?:,|,?\s*(?:{_LIST_CONJUNCTIONS})|\()\s*$", re.IGNORECASE)
_AREA_AFTER = re.compile(
    r"^\s+(?:(?:border|frontier|southern|northern|western|eastern|neighbouring|neighboring)\s+)?"
    r"(region|oblast|district|raion|province)\b",
    re.IGNORECASE,
)
_AREA_LIST_AFTER = re.compile(
    r"^\s*(?:,|and|or)\s+[^\W\d_][\w'’-]*\s+(regions|oblasts|districts|provinces)\b",
    re.IGNORECASE,
)


def _area_ok(text: str, area: AreaMention) -> bool:
    """Keep an area phrase unless it is part of a longer capitalised name ("Ukraine Air")."""
    if not area.text[:1].isupper():
        return False  # "кроме того" is not Togo
    if _POSSESSIVE.search(area.text) and area.text[-1:] in "sS":
        return True  # "Russia's Kursk region"
    after = text[area.end : area.end + 40]
    nxt = re.match(r"\s([^\W\d_][\w-]*)", after)
    if area.level == "country" and nxt and nxt.group(1)[0].isupper():
        # "Ukraine Defence Ministry" is an organisation; "Ukraine Monday" is not a thing.
        return nxt.group(1).lower() in _STOP_WORDS
    return True


_AUTHORITY_REGION = re.compile(rf"([A-ZА-ЯЁІЇЄ][\w’'-]{{3,}})\s+{AUTHORITY_AFTER}")


def _authority_regions(text: str, gc: Geocoder) -> list[str]:
    """Return regions named only through their authority, as area queries.

    "Харківській обласній військовій адміністрації", "Харківська ОВА", "Belgorod
    governor" place the article in a region although no "... область" is written.
    """
    out: list[str] = []
    for m in _AUTHORITY_REGION.finditer(text):
        for form in _lookup_forms(m.group(1)):
            query = f"{form} область"
            found = [a for a in gc.find_areas(query) if a.level == "admin1"]
            if found:
                out.append(query)
                break
    return list(dict.fromkeys(out))


def _theatre(areas: Sequence[AreaMention]) -> str | None:
    regional = [a for a in areas if a.level in ("admin1", "admin2")]
    chosen = regional or list(areas)
    labels = dict.fromkeys(_POSSESSIVE.sub("", a.text) for a in chosen)
    return "; ".join(labels) or None


def _opens_sentence(text: str, s_start: int, pos: int) -> bool:
    """Tell whether only quotes, brackets and spaces stand before ``pos`` in its sentence."""
    return not text[s_start:pos].strip(" \"“«‘'(")


def _capitalised_runs(text: str, s_start: int, s_end: int) -> list[list[tuple[str, int, int]]]:
    """Return runs of capitalised words separated by single spaces, minus leading stop words."""
    runs: list[list[tuple[str, int, int]]] = []
    cur: list[tuple[str, int, int]] = []
    for m in _TOKEN.finditer(text, s_start, s_end):
        word, start, end = m.group(0), m.start(), m.end()
        possessive = bool(re.search(r"[’']s$", word)) and not has_cyrillic(word)
        if possessive:
            word, end = word[:-2], end - 2
        gap = text[cur[-1][2] : start] if cur else ""
        if word[0].isupper() and (not cur or re.fullmatch(r"[ \t\n]", gap) is not None):
            cur.append((word, start, end))
        else:
            if cur:
                runs.append(cur)
            cur = [(word, start, end)] if word[0].isupper() else []
        if possessive and cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    out = []
    for run in runs:
        while run and (
            run[0][0].lower() in _STOP_WORDS
            or run[0][0].lower() in _TITLE_WORDS
            or (  # «Севернее Работино» opening a sentence
                fold(run[0][0]) in _LEADING_TRIGGERS
                and len(run) > 1
                and _opens_sentence(text, s_start, run[0][1])
            )
        ):
            run = run[1:]
        if run:
            out.append(run)
    return out


def _trigger(text: str, start: int, s_start: int) -> tuple[str | None, bool]:
    """Return the relation a place word before ``start`` gives, and whether it is strong."""
    before = " " + fold(text[max(s_start, start - 60) : start])
    last = before.rsplit(" ", 1)[-1]
    for ending, rel, _ in _STRONG_BY_WORD.get(last, ()):
        if before.endswith(ending):
            return rel, True
    for ending, rel, phrase in _WEAK_BY_WORD.get(last, ()):
        if before.endswith(ending):
            if phrase == "у" and not re.search("[іїєґ]", text[s_start : start + 200]):
                return "near", False  # Russian "у Мартыновки" is "near", Ukrainian "у" is "in"
            return rel, False
    return None, False


_RIVER_BEFORE = re.compile(r"(?i)(?:\briver|\bрек[аиеуой]\w*|\bрічк[аиіуою]\w*|\bр\.)\s*$")
_RIVER_AFTER = re.compile(r"(?i)^\s+river\b")


def _occurs_as_word(word: str, text: str) -> bool:
    """Tell whether ``word`` occurs in ``text`` as a whole word, exactly as given.

    The words of a text are collected once (a long article asks this for every
    sentence-initial name); a word with other characters than letters and digits is
    searched for instead.
    """
    if _WORD_CHARS.fullmatch(word):
        return word in _words_of(text)
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


_WORD_CHARS = re.compile(r"\w+")


@functools.lru_cache(maxsize=8)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(_WORD_CHARS.findall(text))


def _river_phrase(text: str, start: int, end: int) -> str | None:
    """Return the river phrase a name is part of ("the Dnipro river"), or None."""
    before = text[max(0, start - 12) : start]
    if _RIVER_AFTER.match(text[end : end + 8]):
        return f"{text[start:end]} river"
    if _RIVER_BEFORE.search(before):
        word = re.search(r"(\S+)\s*$", before)
        return f"{word.group(1) if word else 'river'} {text[start:end]}"
    if re.search(r"(?i)\bthe\s+$", before) and is_river(f"the {text[start:end]}"):
        return f"the {text[start:end]}"
    return None


def _relation(text: str, start: int, s_start: int) -> str:
    """Return the relation the place word before ``start`` gives, ``in`` by default."""
    return _trigger(text, start, s_start)[0] or "in"


def _area_query(text: str, mention: str, end: int) -> tuple[str, int] | None:
    """``Kursk border region`` -> ("Kursk region", end); ``Kursk and Belgorod regions`` too."""
    after = text[end : end + 60]
    m = _AREA_AFTER.match(after)
    if m:
        return f"{mention} {m.group(1)}", end + m.end()
    m = _AREA_LIST_AFTER.match(after)
    if m:
        word = m.group(1)[:-1]
        return f"{mention} {word}", end
    return None
