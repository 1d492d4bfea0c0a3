"""Resolving an article's candidate mentions in the gazetteer.

Joint per sentence and staged: the sentence's areas, the article's, places named
elsewhere, then prominent places only; a second name of one place in brackets is
resolved with the first.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from geokursk.extract.areas import find_area_phrases
from geokursk.extract.morphology import _lookup_forms
from geokursk.extract.places.cues import _capitalised_runs, _theatre, _trigger
from geokursk.extract.places.judge import _form_resolving_in, _judge_run
from geokursk.extract.places.mention import PlaceMention, _Cand
from geokursk.extract.places.roles import (
    _kind_of,
    _names_actor,
    _names_neighbour,
    _prominent_place,
    _role,
)
from geokursk.extract.text import (
    _POSSESSIVE,
    _sentence_of,
    text_language,
)
from geokursk.gazetteer import haversine_km
from geokursk.geocode import COHESION_WINDOW, EXACT_KINDS, AreaMention, Geocoder, GeocodeResult


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
    where = [
        a
        for a in areas
        if (a.level != "country" or not _names_actor(text, a)) and not _names_neighbour(text, a)
    ]
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
            if c.area
            and c.role == "event"
            and not _names_actor(text, c)
            and not _names_neighbour(text, c)
            and c.result is None
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
