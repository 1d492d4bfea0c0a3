"""Places: finding place mentions in an article and resolving them in the gazetteer.

1. **Area phrases** found by :meth:`Geocoder.find_areas` ("Kursk region", "в Курской
   области", "Russia") are kept unless part of a longer capitalised name; "Kursk
   border region" and "Kursk and Belgorod regions" are read as area phrases too, and
   a region named only through its authority ("Belgorod governor", "Харківська ОВА")
   places the article there.
2. **Candidate names** are runs of capitalised words minus leading stop words and
   titles; inflected Cyrillic names are looked up in their dictionary forms too
   (:mod:`geokursk.extract.morphology`).
3. A candidate is a **place mention** when its whole run matches the gazetteer and a
   place word stands before it (``strong_triggers.csv``, ``weak_triggers.csv``: phrase
   -> relation), it is listed with another place, it matches inside the article's
   regions, or it is prominent.  After a strong place pattern an unknown name is kept,
   ``unresolved``.
4. **Resolution** is joint per sentence and staged: with the sentence's areas, the
   article's, the places named elsewhere, then without context (prominent places
   only).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from geokursk.extract.areas import AUTHORITY_AFTER, find_area_phrases
from geokursk.extract.claimants import _CYR_SAY, _ORG_NOUNS, _RESPONSE_VERB, _SAY
from geokursk.extract.dates import _MONTHS, _WEEKDAYS
from geokursk.extract.morphology import _lookup_forms, is_common_word, is_verb_form
from geokursk.extract.text import (
    _POSSESSIVE,
    _STOP_WORDS,
    _TITLE_WORDS,
    _TOKEN,
    _sentence_of,
    text_language,
)
from geokursk.extract.vocab import alternation, phrase_table, word_list, word_set
from geokursk.gazetteer import haversine_km
from geokursk.geocode import COHESION_WINDOW, EXACT_KINDS, AreaMention, Geocoder, GeocodeResult
from geokursk.normalize import fold, has_cyrillic, is_river, latin_forms, split_area

__all__ = ["PROMINENT_POPULATION", "PlaceMention"]

#: A place resolved without any context must be at least this prominent.
PROMINENT_POPULATION = 100_000
_UPPER = "A-ZА-ЯЁІЇЄҐ"


@dataclass(frozen=True)
class PlaceMention:
    """A place named in the text, with its span and how it was resolved.

    Attributes
    ----------
    mention : str
        The text as written (``text[start:end]``), without a possessive ``'s``.
    start, end : int
        Character offsets in the article.
    query : str
        The name looked up (the dictionary form of an inflected Cyrillic name).
    sentence : int
        Index of the sentence holding the mention.
    relation : str
        Spatial relation the text uses (``near``, ``in``, ``in the area of``...).
    evidence : str
        Why the span was taken as a place name.
    result : GeocodeResult
        The geocoding result (``unresolved`` names are kept, never dropped).
    context : str or None
        The context the result was obtained with.
    kind : str
        What the mention names: ``settlement``, ``hromada``, ``raion``, ``oblast``,
        ``region`` (a colloquial region word: Донеччина, Нікопольщина, Donbas),
        ``country`` or ``river``.
    role : str
        ``event`` (where something happened, or what a claim is about), ``actor`` (a
        place standing for its government or an authority: "Kyiv said", "the Kremlin",
        «Сумська ОВА»), ``statement`` (where a statement was made: "told reporters in
        Washington") or ``dateline``.  Only ``event`` places become claim places.
    """

    mention: str
    start: int
    end: int
    query: str
    sentence: int
    relation: str
    evidence: str
    result: GeocodeResult
    context: str | None = None
    kind: str = "settlement"
    role: str = "event"

    @property
    def status(self) -> str:
        """Geocoding status: ``resolved``, ``ambiguous`` or ``unresolved``."""
        return self.result.status

    @property
    def is_area(self) -> bool:
        """True when the mention names a country or an administrative area."""
        p = self.result.place
        return p is not None and p.is_area

    @property
    def precision(self) -> str:
        """Location precision of a claim made at this place (ACLED/UCDP spirit)."""
        p = self.result.place
        if self.kind in ("hromada", "raion"):
            return "district"
        if self.kind in ("oblast", "region", "river"):
            return "region"
        if p is not None and p.is_area:
            if p.feature_code.startswith("PCL"):
                return "country"
            return "region" if p.feature_code == "ADM1" else "district"
        if self.relation in ("near", "in the area of", "around"):
            return "near_settlement"
        return "settlement"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of ``geokursk extract --json`` ``places``."""
        d = self.result.to_dict()
        return {
            "mention": self.mention,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "relation": self.relation,
            "evidence": self.evidence,
            "context": self.context,
            "kind": self.kind,
            "role": self.role,
            **d,
        }


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


# --- candidates and resolution --------------------------------------------------------


@dataclass
class _Cand:
    start: int
    end: int
    mention: str
    query: str
    sentence: int
    relation: str
    evidence: str
    strong: bool = False
    area: bool = False
    kind: str = ""  # "" = from the geocoding result
    role: str = "event"
    # The result when the mention was resolved while it was found (hromada centres).
    result: GeocodeResult | None = None


def _find_places(
    text: str,
    sentences: Sequence[tuple[int, int]],
    areas: Sequence[AreaMention],
    gc: Geocoder,
    implied: Sequence[str] = (),
) -> list[PlaceMention]:
    # A country that names who speaks ("Russia's defence ministry said ...") is not where
    # the article's places are: it must not exclude every place outside it.  A region
    # whose governor speaks stays: governors report on their own region.
    where = [a for a in areas if a.level != "country" or not _names_actor(text, a)]
    theatre = "; ".join(x for x in (_theatre(where), *implied) if x) or None
    cands: list[_Cand] = []
    taken = _Spans(len(text))
    starts = [s for s, _ in sentences]
    for ph in find_area_phrases(text, gc, theatre, text_language(text)):
        s_idx = _sentence_of(ph.start, sentences, starts)
        rel = _trigger(text, ph.start, sentences[s_idx][0])[0] or "in"
        found = _Cand(ph.start, ph.end, ph.mention, ph.query, s_idx, rel, ph.evidence)
        found.kind, found.role, found.result = ph.kind, ph.role, ph.result
        found.area = ph.kind in ("oblast", "region")
        cands.append(found)
        taken.add(ph.start, ph.end)
    for a in areas:
        if taken.overlaps(a.start, a.end):
            continue
        mention = _POSSESSIVE.sub("", a.text) if a.level == "country" else a.text
        s_idx = _sentence_of(a.start, sentences, starts)
        rel = _trigger(text, a.start, sentences[s_idx][0])[0] or "in"
        cands.append(
            _Cand(a.start, a.start + len(mention), mention, mention, s_idx, rel, "area phrase")
        )
        cands[-1].area = True
        taken.add(a.start, a.end)
    prev: _Cand | None = None
    for s_idx, (s_start, s_end) in enumerate(sentences):
        for whole in _capitalised_runs(text, s_start, s_end):
            run = [t for t in whole if not taken.overlaps(t[1], t[2])]
            if not run:
                continue
            if len(run) != len(whole):
                # Keep the words before an area phrase: "Воробжи [Курской области]".
                first_taken = next(i for i, t in enumerate(whole) if taken.overlaps(t[1], t[2]))
                run = whole[:first_taken]
                if not run:
                    continue
            cand = _judge_run(text, run, s_idx, s_start, theatre, gc, prev)
            if cand is not None:
                cands.append(cand)
                taken.add(cand.start, cand.end)
                prev = cand
    cands.sort(key=lambda c: c.start)
    return _resolve(cands, sentences, text, theatre, gc)


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


def _judge_run(
    text: str,
    run: Sequence[tuple[str, int, int]],
    s_idx: int,
    s_start: int,
    theatre: str | None,
    gc: Geocoder,
    prev: _Cand | None,
) -> _Cand | None:
    if (
        len(run) > 1
        and _opens_sentence(text, s_start, run[0][1])
        and is_verb_form(run[0][0], text_language(text))
    ):
        run = run[1:]  # «Постраждали Нікополь»: the sentence opens with a verb
    start, end = run[0][1], run[-1][2]
    mention = text[start:end]
    words = [w for w, _, _ in run]
    low = [w.lower() for w in words]
    if all(w in _STOP_WORDS or w in _MONTHS or w in _WEEKDAYS for w in low):
        return None
    if len(words) > 1 and (
        # "Kharkiv direction", "Zaporizhzhia front": the name without the military term;
        # "Kharkiv City" without "City" unless the gazetteer knows the whole ("Mexico City")
        low[-1] in _GENERIC_TAIL
        or (low[-1] in _CITY_TAIL and not _gazetteer_hits(gc, mention, text_language(text))[1])
    ):
        run = run[:-1]
        end = run[-1][2]
        mention, words, low = text[start:end], words[:-1], low[:-1]
    after = re.match(r"\s+([^\W\d_]+)", text[end : end + 30])
    if after is not None and after.group(1) in _DIRECTION_WORDS:
        # «на Покровському напрямку», "the Kharkiv axis": a military direction, not a place.
        return None
    acronym = len(words) == 1 and words[0].isupper() and len(words[0]) <= 4
    rel, strong = _trigger(text, start, s_start)
    listed = (
        prev is not None
        and prev.sentence == s_idx
        and _LIST_GAP.match(text[prev.end : start]) is not None
    )
    if listed and prev is not None and rel is None:
        rel, strong = prev.relation, prev.strong
    after_title = re.search(r"([\w-]+)\W*$", text[max(s_start, start - 30) : start])
    if after_title and after_title.group(1).lower() in _TITLE_WORDS:
        return None  # "President Vladimir Putin", "spokesperson Pat Ryder"
    area_q = _area_query(text, mention, end)
    if area_q is not None:
        found = gc.find_areas(area_q[0])
        if found:
            return _Cand(
                start,
                area_q[1],
                text[start : area_q[1]],
                area_q[0],
                s_idx,
                rel or "in",
                "area phrase",
                strong,
                area=True,
            )
    river = _river_phrase(text, start, end)
    if river is not None:
        # "the Dnipro river", «річка Сейм», «реки Сейм»: a river, never the city.
        return _Cand(start, end, mention, river, s_idx, _relation(text, start, s_start), "river")
    if text[start - 1 : start] in '«"“' and text[end : end + 1] in '»"”' and start > 0:
        return None  # «Север», «Восток»: names of army groups, not places
    language = text_language(text)
    sentence_initial = _opens_sentence(text, s_start, start)
    # A sentence's first word is too often an ordinary word whose dictionary form happens
    # to name a town («Бої», «Тем»): it keeps its own spelling.
    query, hits = _gazetteer_hits(
        gc, mention, language, prefer_prominent=not sentence_initial, theatre=theatre
    )
    if acronym and not any(h.kind == "name" and _prominent(h) for h in hits):
        return None  # acronyms (GUR, RT, US, ВСУ) unless a prominent name (KYIV in a dateline)
    common = sentence_initial and (low[0] in _STOP_WORDS or _occurs_as_word(low[0], text))
    if hits and rel is None and not listed:
        # Without a place word before it, only a primary name counts ("Al" is an
        # alternate name of Halle, "Part" of some town): and never a sentence's first word
        # when that word is also an ordinary word elsewhere.
        # A capital or big city also by its alternate name: «Вашингтон», «Пхеньян».
        # Only in Cyrillic: English alternate names are full of ordinary words ("Part").
        ordinary = not has_cyrillic(mention) or is_common_word(mention, language)
        hits = [h for h in hits if h.kind == "name" or (_prominent(h) and not ordinary)]
        if not hits:
            return None
    if hits:
        prominent = any(_prominent(h) for h in hits)
        in_theatre = theatre is not None and _in_theatre(gc, hits, theatre)
        reasons = []
        if rel is not None:
            reasons.append(f"place word before it ({rel})")
        if listed:
            reasons.append("listed with another place")
        if in_theatre:
            reasons.append("gazetteer match inside the article's regions")
        if prominent:
            reasons.append("prominent gazetteer match")
        if common and rel is None:
            return None
        if reasons:
            return _Cand(
                start,
                end,
                mention,
                query,
                s_idx,
                rel or "in",
                "gazetteer match; " + ", ".join(reasons),
                strong,
            )
        return None
    if common:
        return None
    if (rel is not None or listed) and theatre is not None and has_cyrillic(mention):
        read = _form_resolving_in(gc, mention, language, theatre, skip=mention, own_name=False)
        if read is not None:
            variant = read[0]
            return _Cand(
                start,
                end,
                mention,
                variant,
                s_idx,
                rel or "in",
                f"{f'place word before it ({rel})' if rel else 'listed with another place'}; "
                f"its dictionary form {variant!r} is a spelling variant of a place inside "
                "the article's regions",
                strong,
            )
    if strong or (listed and prev is not None and prev.strong):
        if (
            len(words) > 1
            and any(_gazetteer_hits(gc, w, language)[1] for w in words)
            and not strong
        ):
            return None
        near = _near_match(gc, query)
        how = "spelling variant in the gazetteer" if near else "not in the gazetteer"
        return _Cand(
            start,
            end,
            mention,
            query,
            s_idx,
            rel or "near",
            f"strong place pattern ({rel}); {how}",
            True,
        )
    return None


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


def _gazetteer_hits(
    gc: Geocoder,
    name: str,
    language: str = "ru",
    *,
    prefer_prominent: bool = False,
    theatre: str | None = None,
) -> tuple[str, list[Any]]:
    """Return the form of ``name`` to look up, and its gazetteer hits.

    The first form with hits, as written first (a village may be called what is an
    inflected form elsewhere), unless ``prefer_prominent`` and only a later dictionary
    form is the main name of a prominent place: «в Харькове», «в сторону Киева» are
    Kharkiv and Kyiv, not the small places that carry those very spellings; or a later
    form is some place's main name while the spelling is only ever an alternate name,
    or (given the article's regions, ``theatre``) a later form is the main name of a place
    inside them while the spelling names places only outside: «в Іванівці» in a report on
    Dnipropetrovsk Oblast is Іванівка there, not the villages called Іванівці elsewhere.
    """
    first: tuple[str, list[Any]] | None = None
    alternate_only = False  # the first form with hits is only ever an alternate name
    elsewhere = False  # the first form's places all lie outside the article's regions
    for form in _lookup_forms(name, language):
        hits = gc.gazetteer.by_keys(latin_forms(form))
        if not hits:
            continue
        if first is None:
            first = (form, hits)
            if not prefer_prominent or any(_prominent(h) for h in hits):
                return first
            alternate_only = all(h.kind != "name" for h in hits)
            elsewhere = theatre is not None and not _in_theatre(gc, hits, theatre)
        elif prefer_prominent and any(
            h.kind == "name" and (alternate_only or _prominent(h)) for h in hits
        ):
            # «біля Покровська»: the spelling is only an alternate name (of Pokrovsk in
            # Yakutia); its dictionary form Покровськ is places' main name.
            return form, hits
        elif elsewhere and _in_theatre(
            gc, [h for h in hits if h.kind == "name"], cast(str, theatre)
        ):
            # by its main name: an alternate name inside the regions is weaker evidence
            # than the spelling as written («Красноармейском» is no Chervonoarmiiske)
            return form, hits
    return first if first is not None else (name, [])


def _near_match(gc: Geocoder, name: str) -> bool:
    if not any(ch.isalpha() for ch in name):
        return False
    r = gc.geocode(name)
    return r.place is not None or bool(r.alternatives)


def _names_actor(text: str, c: _Cand | AreaMention) -> bool:
    """Return True when an area names who speaks, not where ("Russia's Defence Ministry").

    Such an area ("Минобороны России" too) must not steer where the sentence's
    villages are resolved.
    """
    end = c.end
    possessive = _POSSESSIVE.search(text[c.start : c.end])
    if possessive is not None:  # an area phrase found with its "'s"
        end = c.start + possessive.start()
    after = text[end : end + 40]
    before = text[max(0, c.start - 30) : c.start]
    # "Russia's Defence Ministry", "Russia's defence ministry", "Ukraine's military"
    owner = re.match(r"[’']s((?:\s+[^\W\d_][\w-]*){1,3})", after)
    if owner and _ORG_NOUNS.search(owner.group(1)):
        return True
    prev = re.search(r"([\w-]+)\s+$", before)
    return bool(prev and _ORG_NOUNS.match(prev.group(1)))


def _prominent(hit: Any) -> bool:
    p = hit.place
    if not p.ok:
        return False
    return (
        p.feature_code in ("PPLC", "PPLA", "ADM1")
        or p.feature_code.startswith("PCL")
        or (p.population or 0) >= PROMINENT_POPULATION
    )


def _in_theatre(gc: Geocoder, hits: Iterable[Any], theatre: str) -> bool:
    areas = gc.find_areas(theatre)
    codes = {p.admin1_code for a in areas if a.level != "country" for p in a.places}
    countries = {p.country_code for a in areas for p in a.places}
    for h in hits:
        if not h.place.ok:
            continue
        if codes and h.place.admin1_code in codes:
            return True
        if not codes and h.place.country_code in countries:
            return True
    return False


def _resolve(
    cands: Sequence[_Cand],
    sentences: Sequence[tuple[int, int]],
    text: str,
    theatre: str | None,
    gc: Geocoder,
) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    language = text_language(text)
    by_sentence: dict[int, list[_Cand]] = {}
    for c in cands:
        by_sentence.setdefault(c.sentence, []).append(c)
    placed = _by_sentence([c for c in cands if not c.area])
    for s_idx, group in sorted(by_sentence.items()):
        sentence_areas = [
            c.query
            for c in group
            if c.area and c.role == "event" and not _names_actor(text, c) and c.result is None
        ]
        chosen: dict[int, tuple[GeocodeResult, str | None]] = {}
        for i, c in enumerate(group):
            if c.result is not None:
                chosen[i] = (c.result, c.result.context)
            elif c.area:
                chosen[i] = _area_result(c, group, theatre, gc)
        pending = [i for i in range(len(group)) if i not in chosen]
        stages: list[tuple[str | None, str]] = []
        if sentence_areas:
            stages.append(("; ".join(sentence_areas), "sentence"))
        if theatre is not None:
            stages.append((theatre, "article"))
        stages.append((theatre, "co-mentions"))
        stages.append((None, "none"))
        first: dict[int, tuple[GeocodeResult, str | None]] = {}
        for ctx, stage in stages:
            if not pending:
                break
            queries = [group[i].query for i in pending]
            if stage == "co-mentions":
                # Places named elsewhere in the article support each other too: those of
                # the nearest sentences, as many as a joint call weighs (linear cost).
                others = _nearest_queries(placed, s_idx, set(queries), COHESION_WINDOW)
                results = gc.geocode_many([*queries, *others], context=ctx)[: len(queries)]
            else:
                results = gc.geocode_many(queries, context=ctx)
            still = []
            for i, r in zip(pending, results, strict=True):
                first.setdefault(i, (r, ctx))
                ok = r.status == "resolved" and r.place is not None
                if not ok and ctx is not None and stage in ("sentence", "article"):
                    # «в Никольском Белгородского района»: of an inflected name's
                    # dictionary forms, the one that resolves in the areas named
                    other = None
                    if not group[i].area:
                        other = _form_resolving_in(
                            gc, group[i].mention, language, ctx, skip=group[i].query, own_name=True
                        )
                    if other is not None:
                        group[i].query, r = other
                        ok = True
                if ok and stage == "none" and r.place is not None:
                    # A prominent place elsewhere stands in only when the regions named
                    # left no candidate open: never over namesakes tied inside them
                    # (Шевченко of the DNR is not a district of Poltava called so).
                    ok = _prominent_place(r.place) and first[i][0].status != "ambiguous"
                    if ok and theatre is not None:
                        r = replace(
                            r,
                            reason=r.reason + "; outside the article's regions, "
                            "accepted as a prominent place",
                        )
                if ok:
                    chosen[i] = (r, ctx)
                else:
                    still.append(i)
            pending = still
        for i in pending:
            chosen[i] = first[i]
        for i, c in enumerate(group):
            r, ctx = chosen[i]
            out.append(
                PlaceMention(
                    c.mention,
                    c.start,
                    c.end,
                    c.query,
                    c.sentence,
                    c.relation,
                    c.evidence,
                    r,
                    ctx,
                    c.kind or _kind_of(c, r),
                    _role(text, c, r),
                )
            )
    out.sort(key=lambda m: m.start)
    return _bracketed_aliases(out, text, gc)


#: Two names of one place, the second in brackets: «Торецк (Дзержинск)», "Pokrovsk
#: (Krasnoarmeysk)".
_OPEN_BRACKET = re.compile(r"\s*\(\s*$")
_CLOSE_BRACKET = re.compile(r"^\s*\)")
#: Records of one place lie this close (km).
_SAME_PLACE_KM = 5.0


def _bracketed_aliases(mentions: list[PlaceMention], text: str, gc: Geocoder) -> list[PlaceMention]:
    """Resolve a settlement named with another of its names in brackets to the one place.

    «В Торецке (Дзержинске)» is Toretsk, formerly Dzerzhynsk, which bears both names, not
    Dzerzhinsk of Nizhny Novgorod Oblast.  Only when exactly one place (its records
    within 5 km) answers to both names; both mentions then say why.  Otherwise, and for
    an area in brackets ("Kupiansk (Kharkiv region)"), the mentions stay as resolved.
    """
    out = list(mentions)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (
            a.kind != "settlement"
            or b.kind != "settlement"
            or not _OPEN_BRACKET.search(text[a.end : b.start])
            or not _CLOSE_BRACKET.match(text[b.end : b.end + 5])
        ):
            continue
        place = _one_place_named(gc, a, b)
        if place is None or (
            a.result.place is not None
            and a.result.place.id == place.id
            and b.result.place is not None
            and b.result.place.id == place.id
        ):
            continue
        for j, (m, other) in enumerate(((a, b), (b, a)), start=i):
            why = (
                f"{m.query!r} and {other.query!r} (one of them in brackets) both name "
                f"{place.name_latin} ({place.admin_path()}), the only place bearing both"
            )
            result = replace(m.result, status="resolved", place=place, score=100.0, reason=why)
            out[j] = replace(m, result=result)
    return out


def _one_place_named(gc: Geocoder, first: PlaceMention, second: PlaceMention) -> Any:
    """Return the one place (records within 5 km) that both mentions name, or None.

    A mention names the places it matches exactly in any of its dictionary forms
    (Торецке: Торецк).
    """
    found = [
        [
            c.place
            for form in dict.fromkeys(
                [m.query, *_lookup_forms(m.mention, text_language(m.mention))]
            )
            for c in gc._candidates(form)
            if c.how in EXACT_KINDS and c.place.ok
        ]
        for m in (first, second)
    ]
    both = [
        p
        for p in found[0]
        if any(
            p.id == o.id or haversine_km(p.lat, p.lon, o.lat, o.lon) <= _SAME_PLACE_KM
            for o in found[1]
        )
    ]
    if not both:
        return None
    anchor = both[0]
    if any(haversine_km(anchor.lat, anchor.lon, p.lat, p.lon) > _SAME_PLACE_KM for p in both):
        return None  # two places answer to both names: not decided here
    return max(both, key=lambda p: p.population or 0)


def _form_resolving_in(
    gc: Geocoder, name: str, language: str, context: str, *, skip: str, own_name: bool
) -> tuple[str, GeocodeResult] | None:
    """Return a dictionary form of a Cyrillic name that resolves inside ``context``'s regions.

    Two cases, one rule: the form's answer is a settlement inside the regions the context
    names (not one next door to them; a context of whole countries is too wide).

    * An inflected name that no gazetteer key spells (``own_name=False``): «у Новій
      Таволжанці» is Нова Таволжанка, the Ukrainian form of Новая Таволжанка, which
      only the geocoder's spelling variants reach.
    * A name whose form looked up (``skip``, the first with gazetteer hits: «Никольски»
      for «Никольском») stays open (``own_name=True``): a form that is a key and the
      own name of a settlement inside the regions (Никольское), not an alternate name.
    """
    areas = [a for a in gc.find_areas(context) if a.level != "country"]
    regions = {p.admin1_code for a in areas for p in a.places if p.admin1_code}
    if not regions or not has_cyrillic(name):
        return None
    for form in _lookup_forms(name, language):
        if form == skip or (own_name and not gc.gazetteer.by_keys(latin_forms(form))):
            continue
        r = gc.geocode(form, context=context)
        p = r.place
        if (
            r.status == "resolved"
            and p is not None
            and not p.is_area
            and p.admin1_code in regions
            and (not own_name or _named_so(p, form))
        ):
            return form, r
    return None


def _named_so(place: Any, form: str) -> bool:
    """Tell whether ``form`` spells one of the place's own names (not an alternate name)."""
    keys = latin_forms(form)
    names = (place.name, place.name_latin, place.name_ru, place.name_uk)
    return any(keys & latin_forms(n) for n in names if n)


def _area_result(
    c: _Cand, group: Sequence[_Cand], theatre: str | None, gc: Geocoder
) -> tuple[GeocodeResult, str | None]:
    """Geocode an area mention; a district that stays open is read in the regions named.

    «Кореневского района Курской области»: Korenevsky District of Kursk Oblast, not
    Korenovsky of Krasnodar Krai.  Regions are tried as context only when the area alone
    is not resolved, and their answer is kept only when it is a resolved district (a
    region given a neighbour region as context would be excluded by it).
    """
    alone = gc.geocode(c.query)
    if alone.status == "resolved":
        return alone, None
    others = [o.query for o in group if o.area and o is not c and o.query != c.query]
    for ctx in ("; ".join(others), theatre):
        if not ctx:
            continue
        r = gc.geocode(c.query, context=ctx)
        if r.status == "resolved" and r.place is not None and r.place.feature_code == "ADM2":
            return r, ctx
    return alone, None


class _Spans:
    """Character spans already taken by a mention.

    Marking and overlap tests cost the length of the span, not the number of spans
    (long articles hold thousands).
    """

    def __init__(self, size: int) -> None:
        self._busy = bytearray(size + 1)

    def add(self, start: int, end: int) -> None:
        self._busy[start:end] = b"\x01" * max(0, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._busy.find(1, start, end) != -1


def _by_sentence(cands: Sequence[_Cand]) -> tuple[list[int], dict[int, list[_Cand]]]:
    """Sentence indexes that hold candidates (sorted), and their candidates by start."""
    groups: dict[int, list[_Cand]] = {}
    for c in sorted(cands, key=lambda c: c.start):
        groups.setdefault(c.sentence, []).append(c)
    return sorted(groups), groups


def _nearest_queries(
    placed: tuple[list[int], dict[int, list[_Cand]]], s_idx: int, skip: set[str], limit: int
) -> list[str]:
    """Return up to ``limit`` distinct queries of the sentences nearest to ``s_idx``.

    Sentences are taken by distance (the earlier one first on a tie), candidates within
    a sentence in text order; the walk stops as soon as enough queries are found, so
    the cost does not grow with the article.
    """
    order, groups = placed
    right = bisect.bisect_right(order, s_idx)
    left = right - 1
    if left >= 0 and order[left] == s_idx:
        left -= 1
    out: dict[str, None] = {}
    while len(out) < limit and (left >= 0 or right < len(order)):
        take_left = right >= len(order) or (
            left >= 0 and s_idx - order[left] <= order[right] - s_idx
        )
        if take_left:
            sentence, left = order[left], left - 1
        else:
            sentence, right = order[right], right + 1
        for c in groups[sentence]:
            if c.query not in skip:
                out.setdefault(c.query, None)
    return list(out)[:limit]


def _kind_of(c: _Cand, r: GeocodeResult) -> str:
    """Return what a mention names, from how it was found and what it resolved to."""
    if is_river(c.query) or "names a river" in r.reason:
        return "river"
    region_word = r.reason.startswith("region word") or any(
        a.reason.startswith("region word") for a in r.alternatives
    )
    p = r.place if r.status == "resolved" else None
    if region_word and (p is None or p.is_area):
        return "region"
    if p is not None and p.is_area:
        if p.feature_code.startswith("PCL"):
            return "country"
        return "oblast" if p.feature_code == "ADM1" else "raion"
    if c.area:
        return "raion" if split_area(fold(c.query))[1] == "admin2" else "oblast"
    return "settlement"


_DATELINE_PLACE = re.compile(rf"(?m)^[ \t]*([{_UPPER}][{_UPPER}’' .-]+[{_UPPER}]),")
_STATEMENT_CUES = tuple(fold(p) for p in word_list("statement_cues", column="phrase"))


# A negated verb of confirming or answering after a place ("did not confirm", «не
# подтвердил»): the stems are in ``unconfirmed_stems.csv``.
_DENIES = re.compile(
    r"[\s,]*(?i:(?:did|does|do|has|have|had|would|could)\s+not|не|ні)\s+(?i:(?:yet\s+)?"
    rf"(?:{alternation(word_list('unconfirmed_stems', column='stem'))}))"
)


def _role(text: str, c: _Cand, r: GeocodeResult) -> str:
    """``event``, ``actor``, ``statement`` or ``dateline`` (see :class:`PlaceMention`)."""
    if c.role != "event":
        return c.role
    head = text[: min(len(text), 400)]
    for m in _DATELINE_PLACE.finditer(head):
        if m.start(1) <= c.start < m.end(1):
            return "dateline"
    before = " " + fold(text[max(0, c.start - 40) : c.start]).strip()
    if any(before.endswith(" " + cue) for cue in _STATEMENT_CUES):
        return "statement"
    if _names_actor(text, c):
        return "actor"
    p = r.place if r.status == "resolved" else None
    capital = p is not None and (p.feature_code in ("PPLC", "PCLI") or _prominent_place(p))
    after = text[c.end : c.end + 40]
    verb = re.match(
        r"[\s,]*(?:(?:earlier|also|has|have|had|ранее|раніше|уже|вже|также|також)\s+)?(\w+)",
        after,
    )
    if capital and verb is not None:
        word = verb.group(1)
        if _SAY.match(word) or _CYR_SAY.match(word) or _RESPONSE_VERB.match(word):
            return "actor"
        if re.match(r"(?i)(?:оценивал|оцінював|відправив|отправил|denied|said|warned)", word):
            return "actor"
        # "Kyiv did not confirm", "Moscow has not commented", «Киев не подтвердил», but not
        # «в Харькове не было света» or "Kharkiv has not had power"
        if _DENIES.match(after):
            return "actor"
    return "event"


def _prominent_place(p: Any) -> bool:
    return bool(
        p.ok
        and (
            p.is_area
            or p.feature_code in ("PPLC", "PPLA")
            or (p.population or 0) >= PROMINENT_POPULATION
        )
    )
