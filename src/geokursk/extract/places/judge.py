"""Judging a capitalised run: whether it names a place the gazetteer knows.

Also which dictionary form of an inflected name to look up, and with which evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from geokursk.extract.dates import _MONTHS, _WEEKDAYS
from geokursk.extract.morphology import _lookup_forms, is_common_word, is_verb_form
from geokursk.extract.places.cues import (
    _CITY_TAIL,
    _DIRECTION_WORDS,
    _GENERIC_TAIL,
    _LIST_GAP,
    _area_query,
    _occurs_as_word,
    _opens_sentence,
    _relation,
    _river_phrase,
    _trigger,
)
from geokursk.extract.places.mention import PROMINENT_POPULATION, _Cand
from geokursk.extract.text import (
    _STOP_WORDS,
    _TITLE_WORDS,
    text_language,
)
from geokursk.geocode import Geocoder, GeocodeResult
from geokursk.normalize import has_cyrillic, latin_forms


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
