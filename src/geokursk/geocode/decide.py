"""Deciding between scored candidates: resolved, ambiguous or unresolved, and why.

Exact names before approximate ones; flagged rows never answer; ties within
:data:`TIE_MARGIN` are ``ambiguous`` unless one place is prominent; a region
named for another place does not decide between namesakes on either side of a
border; below :data:`CONFIDENT_SCORE` the answer is ``ambiguous``.  Every
answer says why it won (:func:`_describe`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from geokursk.gazetteer import Place, haversine_km
from geokursk.geocode.candidates import EXACT_KINDS, FUZZY_ACCEPT, _Cand
from geokursk.geocode.context import NEIGHBOUR_KM, _attached, _km_to_areas
from geokursk.geocode.results import Alternative, AreaMention, GeocodeResult, Status
from geokursk.normalize import fold, latin_forms

__all__ = ["CONFIDENT_SCORE", "MAX_ALTERNATIVES", "TIE_MARGIN"]

TIE_MARGIN = 5.0

SAME_PLACE_KM = 5.0
SAME_NAME_KM = 15.0
PROMINENT_POPULATION = 10_000
PROMINENCE_RATIO = 3.0

#: Below this score a single best candidate is reported ``ambiguous``, not resolved.
#: Calibrated on ``tests/data/geocode_eval.csv`` (``benchmarks/eval_geocode.py``): every
#: resolved answer scoring 90 or more was within 5 km of the gold point.
CONFIDENT_SCORE = 90.0

MAX_ALTERNATIVES = 8
#: An alternate name this similar to the place's Latin main name is the same name in
#: another language (Volchansk / Vovchansk: 89), not another name (Pokrovsk / Engels).
EXONYM_SIMILARITY = 75.0


def _describe(c: _Cand) -> str:
    how = f"{c.how} '{c.key}'"
    if c.how == "former name":
        current = c.place.name_latin or c.place.name
        how = f"former name '{c.key}' of {current} (renamed)"
    bits = [f"{how} ({c.name_score:.0f})", *c.notes]
    bits.append(_point_note(c.place))
    if not c.place.ok:
        bits.append(f"flagged by gazetteer build: {c.place.quality}")
    elif c.place.flags:
        bits.append(f"note: {', '.join(c.place.flags)}")
    return "; ".join(b for b in bits if b)


def _point_note(p: Place) -> str:
    """Say where the point comes from and whether other sources agree (once per place)."""
    note: str | None = p.__dict__.get("_point_note")
    if note is None:
        # Places are immutable and shared: the note is kept with the place, as its cached
        # properties are (every answer describes up to nine candidates).
        note = p.__dict__["_point_note"] = _point_note_of(p)
    return note


def _point_note_of(p: Place) -> str:
    if not p.layer:
        return ""
    if not p.sources:
        return f"point from {p.layer} ({p.source})"
    others = [s for s in p.sources if not s.chosen]
    agree = [s for s in others if s.km <= 3.0]
    far = [s for s in others if s.km > 3.0]
    text = f"point from {p.layer} ({p.source})"
    if agree:
        text += f", confirmed by {', '.join(sorted({s.layer for s in agree}))} within 3 km"
    if far:
        text += "; " + ", ".join(f"{s.layer} puts it {s.km:.1f} km away" for s in far)
    return text


def _prominent(tied: Sequence[_Cand]) -> _Cand | None:
    """Return the one city that dwarfs its tied namesakes, if there is one.

    One rule for every name: a bare "Pokrovsk", "Lyman" or "Donetsk" in the news means
    the town, not a village or a small namesake elsewhere.  Among the tied candidates
    matched as strongly as the best (a main name beats an alternate name), one of at
    least :data:`PROMINENT_POPULATION` inhabitants, or a capital or a regional or
    district seat (feature PPLC, PPLA, PPLA2) of known population, with
    :data:`PROMINENCE_RATIO` times the population of every other tied place wins.  An
    unknown population counts as 0; villages never win this way, so homonymous villages
    stay ambiguous.
    """
    if any(c.in_context for c in tied):
        # A context area outweighs size: only candidates it supports compete.
        tied = [c for c in tied if c.in_context]
    best_name = max(c.name_score for c in tied)
    # Only namesakes matched as strongly compete on prominence: a town's *main* name beats
    # another town's alternate name whatever their sizes ("Suja" is not Shuya).
    weaker = [c for c in tied if c.name_score < best_name]
    tied = [c for c in tied if c.name_score >= best_name]
    ranked = sorted(tied, key=lambda c: -(c.place.population or 0))
    top = ranked[0]
    pop = top.place.population or 0
    # Administrative rank stands in for size: a capital or a regional or district seat
    # (Sudzha, 6,940 people) is the place news means, not a hamlet of 43.
    seat = top.place.feature_code in ("PPLC", "PPLA", "PPLA2")
    if (pop < PROMINENT_POPULATION and not (seat and pop > 0)) or top.raw < FUZZY_ACCEPT:
        return None
    others = [c for c in ranked[1:] if not _same_place(top, c)]
    if not all((c.place.population or 0) * PROMINENCE_RATIO <= pop for c in others):
        return None
    # ... but a bigger town tied under that name as its alternate name in another language
    # (the Russian name of a Ukrainian town: «Волчанск» is Vovchansk, 19,000 people, as
    # well as Volchansk of Sverdlovsk Oblast, 10,000) keeps the smaller one from winning
    # on size.  Not a former name unlike the current one (Pokrovsk, now Engels).
    if any(
        c.how == "exact alt"
        and (c.place.population or 0) > pop
        and fuzz.ratio(fold(c.place.name_latin), c.key) >= EXONYM_SIMILARITY
        and fold(c.place.name_latin) != fold(top.place.name_latin)  # not one town twice
        and not _same_place(top, c)
        for c in weaker
    ):
        return None
    return top


def _dwarfs(c: _Cand, population: int) -> bool:
    """Tell whether ``c`` is a town that dwarfs places of ``population`` inhabitants.

    At least :data:`PROMINENT_POPULATION` people, and :data:`PROMINENCE_RATIO` times
    ``population``.
    """
    pop = c.place.population or 0
    return pop >= PROMINENT_POPULATION and pop >= PROMINENCE_RATIO * population


def _same_place(a: _Cand, b: _Cand) -> bool:
    """Tell whether two candidates are one place recorded twice (by different sources).

    Points within 5 km are one place.  So are points up to 15 km apart that share the
    matched name and region: a town's post office and its GeoNames centre can be that
    far apart (L'gov: 6 km).
    """
    d = haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
    if d <= SAME_PLACE_KM:
        return True
    return (
        d <= SAME_NAME_KM
        and a.key == b.key
        and bool(a.place.admin1_code)
        and a.place.admin1_code == b.place.admin1_code
    )


def _decide(
    query: str,
    cands: list[_Cand],
    mentions: Sequence[AreaMention],
    context: str | None,
    warnings: tuple[str, ...] = (),
) -> GeocodeResult:
    ranked = sorted(cands, key=lambda c: (-c.total, -c.name_score, c.place.id))
    # Exact before approximate: when the query is the name of some place (exactly, or the
    # same name transliterated), a differently named place is never the answer, even when
    # the exact matches are flagged or outside the context.
    named = [
        c for c in ranked if c.how in EXACT_KINDS or (c.how == "spelling variant" and c.same_name)
    ]
    if named:
        named_ids = {id(c) for c in named}  # identity: dataclass equality is field-by-field
        for c in ranked[: MAX_ALTERNATIVES + 1]:  # only shown candidates need the note
            if id(c) not in named_ids and c.eligible and c.place.ok:
                c.notes.append("a different name; places named exactly so exist")
        pool = named
    else:
        pool = ranked
    eligible = [c for c in pool if c.eligible and c.place.ok]
    if named and mentions and not any(c.how in EXACT_KINDS for c in eligible):
        # The exact name just across the border beats the same name in another language
        # inside the context (Рижівка in Sumy Oblast, not Рыжевка of Kursk Oblast).
        # An alternate name next door does not beat the same name transliterated inside
        # the context: «Миролюбовка» with Donetsk Oblast is Donetsk's Myroliubivka, not
        # Kharkiv's, whose record alone lists the Russian form.
        same_inside = any(c.how == "spelling variant" and c.same_name for c in eligible)
        rescued = _neighbour(named, mentions, alternates=not same_inside)
        if rescued is not None:
            for c in eligible:
                c.notes.append("a transliteration; the place named exactly so is next door")
            eligible = [rescued]
    # A country named in passing ("Ukraine said ...") is weak evidence next to a region.
    countries_only = all(m.level == "country" for m in mentions if not m.origin)
    blocked = [
        c
        for c in named
        if c.how in EXACT_KINDS
        and (
            (c.eligible and not c.place.ok)
            or (countries_only and c.outside.startswith("outside context country"))
        )
    ]
    kinds = {c.how for c in eligible if c.how in EXACT_KINDS}
    if kinds == {"exact alt"}:
        # Inside the context the name is only an alternate name (sources list neighbours'
        # and historical names as alternates); a place that bears it as its main name
        # just across the context region's border is as likely.
        blocked += _main_names_next_door(named, mentions)
    if blocked and eligible and kinds <= {"exact alt"}:
        # The places named exactly so are flagged, or excluded only by a country named in
        # passing ("Ukraine said it hit ... near Bryansk"): a transliteration elsewhere is
        # not the same evidence, so the answer names both and does not choose.
        why = "; ".join(
            f"{c.place.name_latin} ({c.place.admin_path()}): "
            + (c.outside or f"flagged {c.place.quality}")
            for c in blocked[:3]
        )
        first = eligible[0]
        reason = (
            f"places named exactly {query!r} are not usable ({why}); "
            f"{first.place.name_latin} ({first.place.admin_path()}) is only a {first.how} "
            f"'{first.key}'; not choosing between them"
        )
        return GeocodeResult(
            query,
            "ambiguous",
            None,
            min(100.0, first.total),
            reason,
            tuple(
                Alternative(c.place, min(100.0, c.total), _describe(c))
                for c in ranked[:MAX_ALTERNATIVES]
            ),
            context,
            warnings,
        )
    main_kinds = EXACT_KINDS - {"former name", "exact alt"}
    if any(c.how in main_kinds for c in eligible):
        # Many former names are current names elsewhere (Свердловск, Кировск): a place that
        # carries the name today and fits the context wins over a renamed one -- unless the
        # renamed one is a town that dwarfs them (Krasnyi Lyman, now Lyman, 28,000 people,
        # and a village still called so, 600): then neither wins on the name alone.
        current = max(
            (c.place.population or 0 for c in eligible if c.how in main_kinds),
            default=0,
        )
        for c in eligible:
            if c.how == "former name" and not _dwarfs(c, current):
                c.notes.append("former name; a place currently so named fits the context")
        eligible = [c for c in eligible if c.how != "former name" or _dwarfs(c, current)]
    elif any(c.how == "former name" for c in eligible):
        # The exact former name beats another word that merely looks like it
        # (Krasnoarmeisk is Pokrovsk, not the village Krasnoarmiiske).
        for c in eligible:
            if c.how != "former name":
                c.notes.append("a different word; a place formerly named exactly so fits")
        eligible = [c for c in eligible if c.how == "former name"]

    def alts(exclude: str | None) -> tuple[Alternative, ...]:
        shown = [c for c in ranked if c.place.id != exclude][:MAX_ALTERNATIVES]
        return tuple(Alternative(c.place, min(100.0, c.total), _describe(c)) for c in shown)

    def result(status: Status, place: Place | None, score: float, reason: str) -> GeocodeResult:
        exclude = place.id if place is not None else None
        return GeocodeResult(query, status, place, score, reason, alts(exclude), context, warnings)

    if not eligible:
        if not ranked:
            reason = f"no gazetteer entry matches {query!r} or a close spelling"
        elif named:
            why = "; ".join(
                f"{c.place.name_latin} ({c.place.admin_path()}): "
                + (c.outside or (f"flagged {c.place.quality}" if not c.place.ok else "excluded"))
                for c in named[:4]
            )
            reason = f"{len(named)} place(s) named {query!r}, none usable: {why}" + (
                "; no other name is swapped in" if len(named) < len(ranked) else ""
            )
        elif mentions and not any(c.eligible for c in ranked if c.place.ok):
            areas = "; ".join(m.label for m in mentions)
            reason = (
                f"no candidate inside the context area ({areas}); "
                f"{len(ranked)} candidate(s) elsewhere"
            )
        else:
            reason = (
                f"only flagged or out-of-context entries match ({len(ranked)} candidate(s)); "
                "not confident"
            )
        return result("unresolved", None, 0.0, reason)
    best = eligible[0]
    rivals = [
        c for c in eligible[1:] if best.total - c.total < TIE_MARGIN and not _same_place(best, c)
    ]
    if best.how in EXACT_KINDS:
        # The same name in the other language nearby (Новобахмутовка here, Новобахмутівка
        # 12 km away, with no Russian name on record) is a namesake, not a worse match.
        rivals += [
            c
            for c in eligible[1:]
            if c not in rivals
            and c.how == "spelling variant"
            and c.same_name
            and c.raw >= FUZZY_ACCEPT
            and c.place.country_code == best.place.country_code
            and c.place.admin1_code == best.place.admin1_code
            and not _same_place(best, c)
            and haversine_km(best.place.lat, best.place.lon, c.place.lat, c.place.lon)
            <= NEIGHBOUR_KM
        ]
    prominent = _prominent([best, *rivals]) if rivals else None
    if prominent is not None:
        prominent.notes.append(
            f"most prominent of {len(rivals) + 1} close candidates "
            f"(population {prominent.place.population or 0:,})"
        )
        best, rivals = prominent, []
    if not rivals and best.raw < FUZZY_ACCEPT and not best.supported:
        # An approximate spelling alone is not enough for a confident answer ("Crimea" is
        # not Crema, Italy): it needs a context area or a co-mentioned place nearby.
        reason = (
            f"only an approximate spelling match ({best.how} {best.key!r}, similarity "
            f"{best.raw:.0f}) and nothing in the context supports it; add context"
        )
        return result("unresolved", None, 0.0, reason)
    if not rivals and best.total < CONFIDENT_SCORE:
        reason = (
            f"best candidate {best.place.name_latin} ({best.place.admin_path()}) scores "
            f"{best.total:.0f}, below the calibrated threshold {CONFIDENT_SCORE:.0f}: "
            f"{_describe(best)}"
        )
        return result("ambiguous", None, min(100.0, best.total), reason)
    if rivals:
        reason = (
            f"{len(rivals) + 1} candidates score within {TIE_MARGIN:.0f} points "
            f"({', '.join(c.place.admin_path() for c in [best, *rivals][:4])}); "
            "add context (region or district) to choose"
        )
        return result("ambiguous", None, min(100.0, best.total), reason)
    if context and mentions and not _attached(query, context, mentions):
        # The region is named in the sentence but for another place ("from Bilohorivka
        # towards Siversk, Donetsk region"): a place of this exact name just across the
        # region's border is as likely, so the answer names both and does not choose.
        next_door = _namesakes_next_door(best, named, mentions)
        if next_door:
            labels = ", ".join(
                f"{c.place.name_latin} ({c.place.admin_path()}, {d:.0f} km away)"
                for d, c in next_door[:3]
            )
            reason = (
                f"the context region is named for another place, not for {query!r}; "
                f"{best.place.admin_path()} fits it, but {labels} lies next door; "
                "add the region of this place to choose"
            )
            return result("ambiguous", None, min(100.0, best.total), reason)
    return result("resolved", best.place, min(100.0, best.total), _describe(best))


def _main_names_next_door(named: Sequence[_Cand], mentions: Sequence[AreaMention]) -> list[_Cand]:
    """Places bearing the name as main name, outside the context regions, within reach."""
    outside = [c for c in named if c.how == "exact name" and c.place.ok and c.outside]
    if not outside:
        return []
    areas = [
        a for m in mentions if not m.origin and m.level in ("admin1", "admin2") for a in m.places
    ]
    key = tuple(a.id for a in areas)
    out = []
    for c in outside:
        d = _km_to_areas(c.place.lat, c.place.lon, key, areas)
        if d is not None and d <= NEIGHBOUR_KM:
            out.append(c)
    return out


def _namesakes_next_door(
    best: _Cand, named: Sequence[_Cand], mentions: Sequence[AreaMention]
) -> list[tuple[float, _Cand]]:
    """Places named exactly as ``best`` was, outside the context region, near ``best``.

    Within :data:`NEIGHBOUR_KM` of it: two villages of one name on either side of a
    regional border, where a region named for another place cannot tell them apart.
    """
    if best.how not in EXACT_KINDS:
        return []
    outside = [
        c
        for c in named
        if c.how in EXACT_KINDS
        and c.place.ok
        and c.outside.startswith("outside context region")
        and c.name_score >= best.name_score - TIE_MARGIN
        and not _same_place(c, best)
    ]
    if not outside:
        return []
    b = best.place
    near = [(haversine_km(b.lat, b.lon, c.place.lat, c.place.lon), c) for c in outside]
    return sorted(((d, c) for d, c in near if d <= NEIGHBOUR_KM), key=lambda x: x[0])


def _neighbour(
    named: Sequence[_Cand], mentions: Sequence[AreaMention], *, alternates: bool = True
) -> _Cand | None:
    """Return the one place of this exact name just outside the context region, if any.

    Front-line places are reported from the other bank, across the border or from the
    regional capital: a place named exactly that lies within :data:`NEIGHBOUR_KM` of a
    region named in the context survives, when no other place of that name does.  With
    ``alternates=False`` only a place bearing the name as its main name does.
    """
    outside = [c for c in named if c.place.ok and c.outside and c.how in EXACT_KINDS]
    if not alternates:
        outside = [c for c in outside if c.how == "exact name"]
    elif any(c.how == "exact name" for c in named):
        # Places bear the name as their main name: one that lists it as an alternate is
        # "the place of this name" next door only when the alternate is its own name in
        # another language (Волчанск of Vovchansk), not a different one (Staroukrainka
        # lists «Вербовое»).
        outside = [c for c in outside if c.how == "exact name" or _own_name_alike(c)]
    if not outside:
        return None
    areas = [a for m in mentions for a in m.places]
    key = tuple(a.id for a in areas)
    near: list[tuple[float, _Cand]] = []
    for c in outside:
        d = _km_to_areas(c.place.lat, c.place.lon, key, areas)
        if d is None:  # no polygon for any of the areas
            return None
        if d <= NEIGHBOUR_KM:
            near.append((d, c))
    distinct = [
        c for i, (_d, c) in enumerate(near) if not any(_same_place(c, o) for _e, o in near[:i])
    ]
    if len(distinct) != 1:
        return None
    d, best = next((d, c) for d, c in near if c is distinct[0])
    best.notes = [n for n in best.notes if n != best.outside]
    best.notes.append(
        f"{best.outside}, but {d:.0f} km from it and the only place of this name near it"
    )
    best.total -= 5.0
    best.eligible = best.supported = True
    return best


#: How alike (rapidfuzz ratio) an alternate name must be to a place's main name to be
#: that name in another language: Volchansk ~ Vovchansk 89, Shebekine ~ Shebekino 89,
#: Verbovoe ~ Staroukrainka 19.
OWN_NAME_SIMILARITY = 75.0


def _own_name_alike(c: _Cand) -> bool:
    """Tell whether the alternate name a candidate matched spells its main name."""
    mains = latin_forms(c.place.name) | latin_forms(c.place.name_latin)
    return any(fuzz.ratio(c.key, k) >= OWN_NAME_SIMILARITY for k in mains)
