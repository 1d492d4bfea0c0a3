"""The HTML of popups, tooltips, list entries and panels, from Jinja templates.

Templates live in ``geokursk/maps/templates/`` and autoescape everything
they are given, so text from data never becomes markup. The HTML they
produce travels to the browser inside JSON (:func:`geokursk.maps.text.to_js`)
and is put into the page by the runtime (``static/geokursk.js``).

A place's section comes first in its popup: which place the name was taken
to be (Latin and Cyrillic), the precision, how it was resolved and why each
alternative lost; then the claim.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from geokursk.maps.text import json_list, number, partial_date, text

__all__ = [
    "STATUS_STYLE",
    "area_tooltip",
    "claim_html",
    "entry_html",
    "export_record",
    "layer_name",
    "place_html",
    "render",
    "side_label",
    "status_key",
    "status_label",
    "tooltip",
    "unlocated_html",
]

# Okabe–Ito colours (safe for colour-blind readers) and a dash pattern per
# status, so the status is readable without colour too.
STATUS_STYLE: dict[str, dict[str, Any]] = {
    "claimed": {"label": "claimed only", "color": "#0072B2", "dash": None},
    "corroborated": {"label": "corroborated", "color": "#009E73", "dash": None},
    "disputed": {"label": "disputed", "color": "#D55E00", "dash": "5 3"},
    "no_comment": {"label": "no comment from the other side", "color": "#6E6E6E", "dash": "1 3"},
    "other": {"label": "other status", "color": "#CC79A7", "dash": None},
}


@functools.cache
def _side_labels() -> dict[str, str]:
    """Display names of the sides of :class:`geokursk.claims.Side` (``data/words``)."""
    from geokursk.claims import Side

    source = resources.files("geokursk") / "data" / "words" / "side_labels.csv"
    rows = csv.DictReader(io.StringIO(source.read_text(encoding="utf-8")))
    labels = {row["side"]: row["label"] for row in rows}
    unknown = sorted(set(labels) - {s.value for s in Side})
    if unknown:
        raise ValueError(f"{source}: {unknown} are not sides of geokursk.claims.Side")
    return labels


_PRECISION_WORDS = {
    "settlement": "in the settlement",
    "near_settlement": "near the settlement",
    "district": "in the district",
    "region": "in the region",
    "country": "in the country",
}
_SHORT_LABEL = 70
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_INSIDE = re.compile(r"\binside ([^;()]+)")


def _no_braces(value: object) -> Markup:
    # Layer names go through branca's templates again: "{{" must not survive.
    escaped = Markup.escape(value)
    return Markup(str(escaped).replace("{", "&#123;").replace("}", "&#125;"))


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("geokursk.maps", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=False,
        auto_reload=False,  # package files: no stat() per render
    )
    env.filters["nobraces"] = _no_braces
    return env


def render(template: str, **values: Any) -> str:
    """Render one template of ``geokursk/maps/templates`` (values are autoescaped).

    Examples
    --------
    >>> render("unlocated.html", claimant="<script>", date="", summary="a & b")
    '<b>&lt;script&gt;</b>: a &amp; b'
    """
    return _template(template).render(**values).strip()


@functools.lru_cache(maxsize=32)
def _template(name: str) -> Any:
    return _environment().get_template(name)


def status_key(status: object) -> str:
    """Return the status itself if it has a style, else ``"other"``."""
    value = text(status)
    return value if value in STATUS_STYLE and value != "other" else "other"


def status_label(status: object) -> str:
    """Words for a claim status (``no_comment`` -> "no comment from the other side")."""
    key = status_key(status)
    return STATUS_STYLE[key]["label"] if key != "other" else text(status) or "unknown"


def side_label(side: object) -> str:
    """Display name of a side code."""
    value = text(side)
    return _side_labels().get(value, value.replace("_", " ")) or "unknown side"


def layer_name(side: str, claimant: str, n: int) -> str:
    """``"<side> — <claimant> (n)"``, escaped for the layer control."""
    return render("entry_name.txt", name=f"{side} — {claimant} ({n})")


def _short(value: str, limit: int = _SHORT_LABEL) -> str:
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0]
    return (cut or value[: limit - 1]) + "…"


def short_label(claim: Mapping[str, Any]) -> str:
    """Return what a claim says, in a few words: its first figure, or its paraphrase."""
    figures = _figures(claim)
    return _short(figures[0] if figures else text(claim.get("paraphrase")))


def cyrillic(place: Mapping[str, Any]) -> str:
    """Return the place's Cyrillic name, if any."""
    for column in ("name_ru", "name_uk", "name"):
        value = text(place.get(column))
        if value and _CYRILLIC.search(value):
            return value
    return ""


def latin(place: Mapping[str, Any]) -> str:
    """Return the place's Latin name (the name as written when there is none)."""
    return text(place.get("name_latin")) or text(place.get("name")) or text(place.get("place"))


def _figures(claim: Mapping[str, Any]) -> list[str]:
    raw = text(claim.get("figures_text"))
    if raw:
        return [part.strip() for part in raw.split(";") if part.strip()]
    items = []
    for fig in json_list(claim.get("figures")):
        if isinstance(fig, dict):
            label = fig.get("text") or " ".join(
                text(fig.get(k))
                for k in ("qualifier", "value", "unit", "category", "who")
                if text(fig.get(k))
            )
            items.append(text(label))
        else:
            items.append(text(fig))
    return [i for i in items if i]


def _km(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"±{metres / 1000:.1f} km" if metres < 10_000 else f"±{metres / 1000:.0f} km"


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def _why_not(alt: Mapping[str, Any], place: Mapping[str, Any]) -> str:
    """Why an alternative lost: the geocoder's reason, else what the scores say."""
    reason = text(alt.get("reason"))
    if reason:
        return reason
    quality = text(alt.get("quality"))
    if quality and quality != "ok":
        return f"flagged by the gazetteer build ({quality}): never used as an answer"
    score, best = number(alt.get("score")), number(place.get("score"))
    if score is not None and best is not None and score < best - 0.5:
        return f"a weaker match ({score:.0f} against {best:.0f})"
    inside = _INSIDE.search(text(place.get("reason")))
    area = inside.group(1).strip() if inside else ""
    if area and text(alt.get("admin1")) != area:
        return f"it lies outside {area}, the area the claim's context names"
    if text(place.get("geocode_status")) == "resolved":
        return "as strong a match; the chosen place fits the context or the other places better"
    return "as strong a match as the others: nothing decides between them"


def _alternatives(place: Mapping[str, Any]) -> list[dict[str, Any]]:
    lat, lon = number(place.get("lat")), number(place.get("lon"))
    out: list[dict[str, Any]] = []
    for alt in json_list(place.get("alternatives")):
        if not isinstance(alt, dict):
            out.append({"name": text(alt), "why": "not given"})
            continue
        alat, alon = number(alt.get("lat")), number(alt.get("lon"))
        km = ""
        if None not in (lat, lon, alat, alon):
            km = f"{_distance_km(lat, lon, alat, alon):.0f}"  # type: ignore[arg-type]
        out.append(
            {
                "name": text(alt.get("name_latin")) or text(alt.get("name")),
                "where": text(alt.get("admin1")),
                "coords": f"{alat:.4f}, {alon:.4f}"
                if alat is not None and alon is not None
                else "",
                "km": km,
                "score": number(alt.get("score")),
                "why": _why_not(alt, place),
            }
        )
    return out


def place_html(place: Mapping[str, Any], *, drawn_at: str = "", note: str = "") -> str:
    """Popup section of one place of a claim (shown first when it is clicked)."""
    status = text(place.get("geocode_status")) or "unresolved"
    resolved = status == "resolved"
    written = text(place.get("place"))
    relation = text(place.get("relation"))
    name = latin(place)
    cyr = cyrillic(place)
    precision = text(place.get("precision"))
    where = ", ".join(x for x in (text(place.get("admin1")), text(place.get("country_code"))) if x)
    return render(
        "place.html",
        resolved=resolved,
        latin=name,
        cyrillic=cyr if cyr != name else "",
        written=written,
        status=status,
        quoted=f"{relation} {written}".strip(),
        where=where if resolved else "",
        note=note,
        drawn_at="" if resolved else drawn_at,
        precision=_PRECISION_WORDS.get(precision, precision.replace("_", " ")),
        uncertainty=_km(number(place.get("uncertainty_m"))) if resolved else "",
        status_word="located" if resolved else status,
        score=number(place.get("score")),
        reason=text(place.get("reason")),
        alternatives=_alternatives(place),
    )


def _link_items(ids: Sequence[Any], claims: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    items = []
    for raw in ids:
        cid = text(raw)
        if not cid:
            continue
        other = claims.get(cid)
        if other is None:
            items.append({"id": cid, "who": cid, "label": ""})
        else:
            items.append(
                {"id": cid, "who": text(other.get("claimant")) or cid, "label": short_label(other)}
            )
    return items


def claim_html(
    claim: Mapping[str, Any],
    places: Sequence[Mapping[str, Any]],
    claims: Mapping[str, Mapping[str, Any]],
) -> str:
    """Return the claim part of a popup: who, source, dates, what, figures, links, places."""
    source = " · ".join(x for x in (text(claim.get("outlet")), text(claim.get("channel"))) if x)
    start = partial_date(claim.get("event_start"), claim.get("event_start_precision"))
    end = partial_date(claim.get("event_end"), claim.get("event_end_precision"))
    published = partial_date(claim.get("published"))
    original = partial_date(claim.get("original_published"))
    if original and original != published:
        published += f" (first published {original})"
    rows = [
        ("Source", source),
        ("Claimed", partial_date(claim.get("claim_date"), claim.get("claim_date_precision"))),
        ("Event", start if not end or end == start else f"{start} – {end}"),
        ("Published", published),
    ]
    links = []
    for label, column in (
        ("Corroborated by", "corroborated_by"),
        ("Disputed by", "disputed_by"),
        ("Responses / no comment", "responses"),
    ):
        items = _link_items(json_list(claim.get(column)), claims)
        if items:
            links.append((label, items))
    return render(
        "claim.html",
        status=status_key(claim.get("claim_status")),
        status_label=status_label(claim.get("claim_status")),
        claimant=text(claim.get("claimant")),
        person=text(claim.get("claimant_person")),
        unreviewed=claim.get("reviewed") in (False, 0),
        side=side_label(claim.get("side")) if text(claim.get("side")) else "",
        rows=[(k, v) for k, v in rows if v],
        paraphrase=text(claim.get("paraphrase")),
        figures=_figures(claim),
        phrases=[p for p in (text(x) for x in json_list(claim.get("key_phrases"))) if p],
        links=links,
        places=[
            {"written": text(p.get("place")), "resolved": p.get("geocode_status") == "resolved"}
            for p in places
        ],
        claim_id=text(claim.get("claim_id")),
    )


def claim_date(claim: Mapping[str, Any]) -> str:
    """Return the claim's date as precisely as it is known ("16 Dec 2024", "Dec 2024")."""
    return partial_date(claim.get("claim_date"), claim.get("claim_date_precision"))


def entry_html(claim: Mapping[str, Any]) -> str:
    """One line of the list of claims at one spot: status, claimant, date, label."""
    return render(
        "entry.html",
        status=status_key(claim.get("claim_status")),
        status_label=status_label(claim.get("claim_status")),
        claimant=text(claim.get("claimant")) or "unknown claimant",
        date=claim_date(claim),
        label=short_label(claim),
    )


def tooltip(
    place: Mapping[str, Any], claim: Mapping[str, Any], n_here: int, *, note: str = ""
) -> str:
    """Tooltip of a place marker: its names, who claimed what, how many claims are there."""
    resolved = text(place.get("geocode_status")) == "resolved"
    name = latin(place)
    cyr = cyrillic(place)
    return render(
        "tooltip.html",
        resolved=resolved,
        latin=name,
        cyrillic=cyr if cyr != name else "",
        written=text(place.get("place")),
        claimant=text(claim.get("claimant")),
        status_label=status_label(claim.get("claim_status")),
        note=note,
        n_here=n_here,
    )


def area_tooltip(extent: str, names: str, claim: Mapping[str, Any]) -> str:
    """Tooltip of a claim's area, region or country outline."""
    return render(
        "area_tooltip.html",
        extent=extent,
        names=names,
        claimant=text(claim.get("claimant")),
        status_label=status_label(claim.get("claim_status")),
    )


def unlocated_html(claim: Mapping[str, Any]) -> str:
    """Return the line of a claim in the panel of claims without any place."""
    return render(
        "unlocated.html",
        claimant=text(claim.get("claimant")) or "unknown claimant",
        date=claim_date(claim),
        summary=_short(text(claim.get("paraphrase")), 90),
    )


def export_record(claim: Mapping[str, Any], places: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Plain values of a claim for the page's GeoJSON and CSV download.

    ``p`` holds one ``[place, name_latin, name_cyrillic, precision,
    geocode_status, lat, lon]`` list per place (lat/lon None unless resolved).
    """
    rows = []
    for place in places:
        resolved = text(place.get("geocode_status")) == "resolved"
        lat, lon = number(place.get("lat")), number(place.get("lon"))
        if resolved and place.get("_xy"):
            lon, lat = place["_xy"]
        rows.append(
            [
                text(place.get("place")),
                latin(place) if resolved else "",
                cyrillic(place) if resolved else "",
                text(place.get("precision")),
                text(place.get("geocode_status")) or "unresolved",
                round(lat, 5) if resolved and lat is not None else None,
                round(lon, 5) if resolved and lon is not None else None,
            ]
        )
    return {
        "w": text(claim.get("claimant")),
        "sd": text(claim.get("side")),
        "s": text(claim.get("claim_status")),
        "d": text(claim.get("claim_date")),
        "o": text(claim.get("outlet")),
        "f": "; ".join(_figures(claim)),
        "t": text(claim.get("paraphrase")),
        "p": rows,
    }
