"""Interactive claims maps built with folium.

:func:`claims_map` draws the two claims frames of :mod:`geokursk.claims`
(``claims_frame`` and ``claim_places_frame``) as a :class:`folium.Map`:

* one overlay per claimant (named ``"<side> — <claimant> (n)"``), plus a
  folding filter panel that switches whole sides on and off and limits the
  claims shown to a range of claim dates;
* a circle marker per resolved place, coloured and dashed by claim status;
  settlement- and district-level places get a circle of ``uncertainty_m``
  metres around them, region- and country-level places never do: their
  outline (the claim's polygon) is drawn, or, without one, the marker says
  "extent not drawn";
* the claim's own polygon for multi-place ("near A, B and C"), region- and
  country-level claims;
* a "?" marker for every place that did not resolve, drawn at the claim's
  area (or at the area of another claim of the same statement) and labelled
  "location unknown"; claims with no location at all are listed in a folding
  "Location unknown" panel, never dropped;
* Kursk and Sumy oblast outlines and the Russia–Ukraine border from
  :mod:`geokursk.boundaries`, a legend, three base layers from xyzservices
  and a blank one, a collapsed layer control, and fullscreen, minimap and
  measuring controls.

Claims are drawn on one canvas, with no DOM element per feature; tooltips and
popups are built on hover and click from the feature's data, and large maps
cluster their markers with Leaflet.markercluster. Every string that came
from data is HTML-escaped in Python before it is put into the page, and the
page's data is serialised with :func:`_to_js`, which makes it safe inside
``<script>``. The only external assets are Leaflet and, for clustered maps,
Leaflet.markercluster (see :mod:`geokursk.mapexport` for the self-contained
file). The function composes elements and returns the map; it does not save
or print anything.
"""

from __future__ import annotations

import base64
import functools
import gzip
import html
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
import xyzservices
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from geokursk.errors import ClaimsValidationError

__all__ = ["CLAIM_STATUSES", "claims_map"]

#: Claim statuses drawn with their own style, in legend order.
CLAIM_STATUSES: tuple[str, ...] = ("claimed", "corroborated", "disputed", "no_comment")

# Okabe–Ito colours (safe for colour-blind readers) and a dash pattern per
# status, so the status is readable without colour too.
_STATUS_STYLE: dict[str, dict[str, Any]] = {
    "claimed": {"label": "claimed only", "color": "#0072B2", "dash": None},
    "corroborated": {"label": "corroborated", "color": "#009E73", "dash": None},
    "disputed": {"label": "disputed", "color": "#D55E00", "dash": "5 3"},
    "no_comment": {"label": "no comment from the other side", "color": "#6E6E6E", "dash": "1 3"},
    "other": {"label": "other status", "color": "#CC79A7", "dash": None},
}

_REQUIRED_CLAIMS = ("claim_id", "claimant", "claim_status", "geometry")
_REQUIRED_PLACES = ("claim_id", "place", "geocode_status", "geometry")

# Uncertainty circles are drawn for places located to a settlement or district;
# region- and country-level places are drawn as their polygon instead.
_AREA_PRECISIONS = frozenset({"region", "country"})

_BASE_RADIUS_PX = 7
_RING_STEP_PX = 4
_MAX_RINGS = 6
_AUTO_CLUSTER_MARKERS = 1000
_CLUSTER_AREA_ZOOM = 10  # with clustering, multi-place areas are drawn from this zoom on
_AUTO_COMPRESS_FEATURES = 15_000
_COORD_DIGITS = 5
_SIMPLIFY_DEG = 0.002
_NEAR_DEG = 2.0  # claims this close to the reference outlines are in the first view

_DEFAULT_CENTER = (51.3, 35.2)  # between Kursk and Sumy; [lat, lon]
# The version packaged by xstatic-leaflet-markercluster, which inlines it.
_MARKERCLUSTER_CDN = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.4.1"

_ISO_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}")
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


# --- small value helpers ------------------------------------------------------


def _missing(value: object) -> bool:
    if value is None:
        return True
    kind = type(value)
    if kind is str:  # the common case first: this runs for every cell
        return False
    if kind is float:
        return math.isnan(value)  # type: ignore[arg-type]
    if isinstance(value, (list, tuple, dict, BaseGeometry)):
        return False
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _text(value: object) -> str:
    """Return ``value`` as stripped text, or ``""`` when it is missing."""
    if type(value) is str:
        return value.strip()
    if _missing(value):
        return ""
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return _date_text(value)
    return str(value).strip()


@functools.lru_cache(maxsize=1 << 16)  # names, outlets and labels repeat a lot
def _html(text: str) -> str:
    """Escape text for HTML text and attribute values.

    Braces become character references too: branca re-parses every rendered
    element as a Jinja template, so a ``{{`` from data would be evaluated.
    """
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _esc(value: object) -> str:
    """Escape a data value (any type; missing -> ``""``) for HTML."""
    return _html(_text(value))


def _date_text(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _date_key(value: object) -> str:
    """Return a sortable ``YYYY-MM-DD`` prefix for the date filter, or ``""``."""
    text = _date_text(value)
    match = _ISO_DATE.match(text)
    return match.group(0) if match else ""


def _json_list(value: object) -> list[Any]:
    """Decode a JSON-string list column; tolerate real lists and plain text."""
    if _missing(value):
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    text = str(value).strip()
    if not text or text == "[]":  # the common case, without the JSON parser
        return []
    try:
        decoded = json.loads(text)
    except ValueError:
        return [text]
    if isinstance(decoded, list):
        return decoded
    return [decoded]


def _float(value: object) -> float | None:
    if _missing(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _to_js(value: object) -> str:
    r"""Serialise ``value`` as JSON that is safe inside an HTML ``<script>``.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes so that no data can
    close the script element or open a comment, and the two line separators
    that JavaScript (before ES2019) rejects in strings are escaped too.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # branca re-parses rendered output as a Jinja template; JSON never has
    # "{{", "{%" or "{#" outside strings, so escaping such a "{" inside
    # strings keeps Jinja from seeing a tag.
    text = _JINJA_OPEN.sub(r"\\u007b", text)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _status_key(status: object) -> str:
    text = _text(status)
    return text if text in _STATUS_STYLE and text != "other" else "other"


def _status_label(status: object) -> str:
    key = _status_key(status)
    return _STATUS_STYLE[key]["label"] if key != "other" else _text(status) or "unknown"


# --- geometry helpers (the only place where lon/lat become [lat, lon]) --------


def _latlng(lon: float, lat: float) -> list[float]:
    # GeoJSON / shapely order is (x=lon, y=lat); Leaflet wants [lat, lon].
    return [round(lat, _COORD_DIGITS), round(lon, _COORD_DIGITS)]


def _ring(ring: BaseGeometry) -> list[list[float]]:
    # (x=lon, y=lat) columns swapped into Leaflet's [lat, lon].
    xy = shapely.get_coordinates(ring).round(_COORD_DIGITS)
    result: list[list[float]] = xy[:, ::-1].tolist()
    return result


def _polygon_latlngs(geom: BaseGeometry, *, simplified: bool = False) -> list[Any] | None:
    """Leaflet latlngs of a (multi)polygon, simplified for display."""
    if not simplified:
        geom = geom.simplify(_SIMPLIFY_DEG, preserve_topology=True)
    polys = list(getattr(geom, "geoms", [geom]))
    out = []
    for poly in polys:
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        out.append([_ring(poly.exterior)] + [_ring(r) for r in poly.interiors])
    if not out:
        return None
    return out[0] if len(out) == 1 else out


def _line_latlngs(geom: BaseGeometry) -> list[Any] | None:
    geom = geom.simplify(_SIMPLIFY_DEG / 4, preserve_topology=True)
    lines = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString"]
    return [_ring(g) for g in lines if not g.is_empty] or None


def _anchor_point(geom: BaseGeometry | None) -> tuple[float, float] | None:
    """(lon, lat) where unresolved places of a claim are drawn."""
    if geom is None or geom.is_empty:
        return None
    point = geom if geom.geom_type == "Point" else geom.centroid
    if not geom.contains(point) and geom.geom_type != "Point":
        point = geom.representative_point()
    return _xy(point)


def _xy(point: BaseGeometry) -> tuple[float, float]:
    """(x=lon, y=lat) of a point geometry."""
    x, y = shapely.get_coordinates(point)[0].tolist()
    return x, y


def _geometry(value: object) -> BaseGeometry | None:
    if isinstance(value, BaseGeometry) and not value.is_empty:
        return value
    return None


# --- HTML builders (everything from data goes through _esc) --------------------


def _row(label: str, value_html: str) -> str:
    if not value_html:
        return ""
    return f'<tr><th scope="row">{label}</th><td>{value_html}</td></tr>'


def _claim_links(ids: list[Any]) -> str:
    links = [
        f'<a href="#" class="gk-claim-link" data-gk-claim="{_esc(i)}">{_esc(i)}</a>'
        for i in ids
        if _text(i)
    ]
    return ", ".join(links)


def _figures_html(claim: Mapping[str, Any]) -> str:
    items: list[str] = []
    text = _text(claim.get("figures_text"))
    if text:
        items = [part.strip() for part in text.split(";") if part.strip()]
    else:
        for fig in _json_list(claim.get("figures")):
            if isinstance(fig, dict):
                label = fig.get("text") or " ".join(
                    _text(fig.get(k))
                    for k in ("qualifier", "value", "unit", "category", "who")
                    if _text(fig.get(k))
                )
                items.append(_text(label))
            else:
                items.append(_text(fig))
    items = [i for i in items if i]
    if not items:
        return ""
    lis = "".join(f"<li>{_html(i)}</li>" for i in items)
    return f'<div class="gk-figures"><b>Figures</b><ul>{lis}</ul></div>'


def _dates_html(claim: Mapping[str, Any]) -> str:
    claim_date = _esc(claim.get("claim_date"))
    precision = _esc(claim.get("claim_date_precision"))
    if claim_date and precision and precision != "day":
        claim_date += f" <span class=gk-muted>({precision})</span>"
    start, end = _esc(claim.get("event_start")), _esc(claim.get("event_end"))
    event = start if not end or end == start else f"{start} – {end}"
    published = _esc(claim.get("published"))
    original = _esc(claim.get("original_published"))
    if original and original != published:
        published += f" <span class=gk-muted>(first published {original})</span>"
    return _row("Claimed", claim_date) + _row("Event", event) + _row("Published", published)


def _claim_html(claim: Mapping[str, Any], places: Sequence[Mapping[str, Any]]) -> str:
    status = _status_key(claim.get("claim_status"))
    person = _esc(claim.get("claimant_person"))
    head = (
        f'<div class="gk-head"><span class="gk-badge gk-s-{status}">'
        f"{_html(_status_label(claim.get('claim_status')))}</span> "
        f"<b>{_esc(claim.get('claimant'))}</b>"
        + (f" <span class=gk-muted>({person})</span>" if person else "")
        + (
            ' <span class="gk-unreviewed" title="found by geokursk extract; nobody has checked '
            'it against the article yet">machine-extracted, unreviewed</span>'
            if claim.get("reviewed") in (False, 0)
            else ""
        )
        + (
            f' <span class="gk-side">{_html(_side_label(claim.get("side")))}</span>'
            if _text(claim.get("side"))
            else ""
        )
        + "</div>"
    )
    source = " · ".join(x for x in (_esc(claim.get("outlet")), _esc(claim.get("channel"))) if x)
    table = _row("Source", source) + _dates_html(claim)
    parts = [head, f'<table class="gk-meta">{table}</table>' if table else ""]
    paraphrase = _esc(claim.get("paraphrase"))
    if paraphrase:
        parts.append(f'<p class="gk-paraphrase">{paraphrase}</p>')
    parts.append(_figures_html(claim))
    phrases = [p for p in (_text(x) for x in _json_list(claim.get("key_phrases"))) if p]
    if phrases:
        quoted = ", ".join(f"<q>{_html(p)}</q>" for p in phrases)
        parts.append(f'<div class="gk-phrases"><b>Key phrases</b> {quoted}</div>')
    links = ""
    for label, column in (
        ("Corroborated by", "corroborated_by"),
        ("Disputed by", "disputed_by"),
        ("Responses / no comment", "responses"),
    ):
        ids = _json_list(claim.get(column))
        if ids:
            links += _row(label, _claim_links(ids))
    if links:
        parts.append(f'<table class="gk-links">{links}</table>')
    if places:
        names = ", ".join(_place_label(p) for p in places)
        parts.append(f'<div class="gk-places"><b>Places</b> {names}</div>')
    parts.append(f'<div class="gk-id">claim {_esc(claim.get("claim_id"))}</div>')
    return "".join(p for p in parts if p)


def _place_label(place: Mapping[str, Any]) -> str:
    written = _esc(place.get("place"))
    status = _text(place.get("geocode_status"))
    if status == "resolved":
        return written
    return f'{written} <span class="gk-unknown-text">(location unknown)</span>'


def _cyrillic(place: Mapping[str, Any]) -> str:
    for column in ("name_ru", "name_uk", "name"):
        text = _text(place.get(column))
        if text and re.search("[\u0400-\u04ff]", text):
            return text
    return ""


def _place_names(place: Mapping[str, Any]) -> str:
    """``Latin / Cyrillic`` display name of a place, escaped."""
    latin = _text(place.get("name_latin")) or _text(place.get("name")) or _text(place.get("place"))
    cyr = _cyrillic(place)
    if cyr and cyr != latin:
        return f"{_html(latin)} / {_html(cyr)}"
    return _html(latin)


def _km(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"±{metres / 1000:.1f} km" if metres < 10_000 else f"±{metres / 1000:.0f} km"


def _alternatives_html(place: Mapping[str, Any]) -> str:
    raw = place.get("alternatives")
    if type(raw) is str:  # the JSON column: the same place repeats across claims
        return _alternatives_html_cached(raw)
    return _alternatives_items_html(_json_list(raw))


@functools.lru_cache(maxsize=1 << 14)
def _alternatives_html_cached(raw: str) -> str:
    return _alternatives_items_html(_json_list(raw))


def _alternatives_items_html(alternatives: list[Any]) -> str:
    items = []
    for alt in alternatives:
        if not isinstance(alt, dict):
            items.append(f"<li>{_esc(alt)}</li>")
            continue
        where = ", ".join(x for x in (_esc(alt.get("admin1")),) if x)
        lat, lon = _float(alt.get("lat")), _float(alt.get("lon"))
        coords = f" {lat:.4f}, {lon:.4f}" if lat is not None and lon is not None else ""
        score = _float(alt.get("score"))
        items.append(
            f"<li>{_esc(alt.get('name'))}"
            + (f" ({where})" if where else "")
            + (f"<span class=gk-muted>{coords}</span>" if coords else "")
            + (f" score {score:.0f}" if score is not None else "")
            + "</li>"
        )
    if not items:
        return ""
    return f'<div class="gk-alts">Alternatives considered<ol>{"".join(items)}</ol></div>'


def _place_html(place: Mapping[str, Any], *, drawn_at: str = "", note: str = "") -> str:
    """Popup section of one place; ``drawn_at`` and ``note`` are constant text."""
    status = _text(place.get("geocode_status")) or "unresolved"
    resolved = status == "resolved"
    relation = _esc(place.get("relation"))
    written = _esc(place.get("place"))
    title = f"{relation} {written}".strip() if relation else written
    lines = [f'<div class="gk-place"><b>Place:</b> {title}']
    if resolved:
        where = ", ".join(
            x for x in (_esc(place.get("admin1")), _esc(place.get("country_code"))) if x
        )
        lines.append(f" → {_place_names(place)}" + (f" ({where})" if where else ""))
        if note:
            lines.append(f'<div class="gk-note">{_html(note)}</div>')
    else:
        lines.append(f' <span class="gk-unknown-text">location unknown ({_html(status)})</span>')
        if drawn_at:
            lines.append(f'<div class="gk-muted">{drawn_at}</div>')
    precision = _esc(place.get("precision"))
    uncertainty = _km(_float(place.get("uncertainty_m"))) if resolved else ""
    if precision or uncertainty:
        lines.append(
            '<div class="gk-muted">'
            + ", ".join(
                x for x in (f"precision {precision}" if precision else "", uncertainty) if x
            )
            + "</div>"
        )
    score = _float(place.get("score"))
    reason = _esc(place.get("reason"))
    lines.append(
        f'<div class="gk-reason">Geocoding: {_html(status)}'
        + (f", score {score:.0f}" if score is not None else "")
        + (f" — {reason}" if reason else "")
        + "</div>"
    )
    lines.append(_alternatives_html(place))
    lines.append("</div>")
    return "".join(lines)


def _tooltip(
    place: Mapping[str, Any], claim: Mapping[str, Any], n_here: int, *, note: str = ""
) -> str:
    status = _text(place.get("geocode_status"))
    who = _esc(claim.get("claimant"))
    label = _html(_status_label(claim.get("claim_status")))
    if status == "resolved":
        name = _place_names(place)
    else:
        name = f"{_esc(place.get('place'))} — <i>location unknown</i>"
    tip = f"{name}<br><span class=gk-muted>{who}: {label}</span>"
    if note:
        tip += f"<br><i>{_html(note)}</i>"
    if n_here > 1:
        tip += f"<br><span class=gk-muted>{n_here} claims at this place</span>"
    return tip


# --- folium elements ----------------------------------------------------------


class _RuntimeCall(MacroElement):
    """Call one function of the ``geokursk`` JS runtime with a JSON spec."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "geokursk.{{ this.function }}({{ this._parent.get_name() }}, {{ this.spec_js }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, spec: object, *, name: str = "RuntimeCall") -> None:
        super().__init__()
        self._name = name
        self.function = function
        self.spec_js = _to_js(spec)


class _Runtime(MacroElement):
    """The CSS and JavaScript shared by all geokursk layers and controls."""

    _template = Template(
        "{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.js }}\n"
        "geokursk.setup({{ this._parent.get_name() }}, {{ this.spec_js }});"
        "{% endmacro %}"
    )

    def __init__(self, spec: object) -> None:
        super().__init__()
        self._name = "GeokurskRuntime"
        self.css = _RUNTIME_CSS
        self.js = _RUNTIME_JS
        self.spec_js = _to_js(spec)


class _ClusterAssets(JSCSSMixin, MacroElement):
    """Leaflet.markercluster; :mod:`geokursk.mapexport` inlines it from xstatic."""

    _template = Template("")

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClusterAssets"
        self.default_js = [("markerclusterjs", f"{_MARKERCLUSTER_CDN}/leaflet.markercluster.js")]
        self.default_css = [
            ("markerclustercss", f"{_MARKERCLUSTER_CDN}/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"{_MARKERCLUSTER_CDN}/MarkerCluster.Default.css"),
        ]


class _RawScript(Element):
    """Script text that is inserted as is, without another Jinja pass.

    branca turns every rendered macro into a new Template, which costs seconds
    for megabytes of data (and would evaluate "{{" in it).
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return str(self.text)


class _ClaimsLayer(Layer):
    """All claims of one claimant, drawn by the JS runtime from a JSON spec.

    Large specs are gzipped and base64-encoded; the runtime unpacks them with
    the browser's ``DecompressionStream``, which keeps big maps small and fast
    to load. Small ones stay readable JSON.
    """

    _template = Template("")

    def __init__(self, name_html: str, spec: dict[str, Any], *, compress: bool) -> None:
        # ``name_html`` is already escaped: Leaflet's layer control shows
        # layer names with innerHTML.
        super().__init__(name=name_html, overlay=True, control=True, show=True)
        self._name = "ClaimsLayer"
        self.spec = spec
        self.compress = compress

    def _payload(self) -> str:
        data = _to_js(self.spec)
        if not self.compress:
            return data
        packed = base64.b64encode(
            gzip.compress(data.encode("utf-8"), compresslevel=3, mtime=0)
        ).decode("ascii")
        return _to_js({"side": self.spec["side"], "claimant": self.spec["claimant"], "z": packed})

    def render(self, **kwargs: Any) -> Any:
        figure = self.get_root()
        if not isinstance(figure, Figure) or self._parent is None:
            raise ValueError("add the claims layer to a folium.Map before rendering it")
        code = (
            f"var {self.get_name()} = geokursk.claimsLayer("
            f"{self._parent.get_name()}, {self._payload()});"
        )
        figure.script.add_child(_RawScript(code), name=self.get_name())
        return super().render(**kwargs)


class _ReferenceLayer(Layer):
    """Non-interactive outlines (oblasts) or lines (borders)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = geokursk.referenceLayer("
        "{{ this._parent.get_name() }}, {{ this.spec_js }});"
        "{% endmacro %}"
    )

    def __init__(self, name_html: str, spec: dict[str, Any]) -> None:
        super().__init__(name=name_html, overlay=True, control=True, show=True)
        self._name = "ReferenceLayer"
        self.spec = spec
        self.spec_js = _to_js(spec)


class _BlankBaseLayer(Layer):
    """A base layer without tiles: a plain background that works offline."""

    _template = Template(
        "{% macro script(this, kwargs) %}var {{ this.get_name() }} = L.layerGroup();{% endmacro %}"
    )

    def __init__(self, name: str, *, show: bool = False) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankBaseLayer"


class _Legend(MacroElement):
    """Legend control: claim statuses, resolution, areas and reference lines."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "geokursk.addLegend({{ this._parent.get_name() }}, {{ this.spec_js }});"
        "{% endmacro %}"
    )

    def __init__(self, counts: Mapping[str, int], *, cluster: bool = False) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = _legend_html(counts, cluster=cluster)
        self.spec_js = _to_js({"html": self.html, "position": "bottomright"})


def _swatch(color: str, dash: str | None, *, hollow: bool = False) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    fill = "none" if hollow else color
    return (
        '<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">'
        f'<circle cx="9" cy="9" r="6" stroke="{color}" stroke-width="2.5"{dash_attr} '
        f'fill="{fill}" fill-opacity="0.45"/></svg>'
    )


def _legend_html(counts: Mapping[str, int], *, cluster: bool = False) -> str:
    rows = []
    for key in (*CLAIM_STATUSES, "other"):
        if key == "other" and not counts.get(key):
            continue
        style = _STATUS_STYLE[key]
        n = counts.get(key, 0)
        rows.append(
            f'<div class="gk-lrow">{_swatch(style["color"], style["dash"])} '
            f"{_html(style['label'])} <span class=gk-muted>({n})</span></div>"
        )
    rows.append(
        '<div class="gk-lrow"><svg width="18" height="18" aria-hidden="true"><circle cx="9" '
        'cy="9" r="7" fill="#fff" stroke="#555" stroke-width="2" stroke-dasharray="3 2"/>'
        '<text x="9" y="13" text-anchor="middle" fill="#555" '
        'font-weight="bold" font-size="11">?</text></svg> '
        "location unknown: a place that did not resolve, drawn at its claim's area</div>"
    )
    rows.append(
        '<div class="gk-lrow"><svg width="18" height="18" aria-hidden="true"><circle cx="9" '
        'cy="9" r="7.5" fill="#555" fill-opacity="0.08" stroke="#555" stroke-dasharray="2 3"/>'
        "</svg> uncertainty of a settlement or district (radius from its precision)</div>"
    )
    rows.append(
        '<div class="gk-lrow"><svg width="18" height="18" aria-hidden="true"><circle cx="9" '
        'cy="9" r="6" fill="#555" fill-opacity="0.1" stroke="#555" stroke-width="2.5" '
        'stroke-dasharray="2 3"/></svg> region or country without an outline: extent not '
        "drawn</div>"
    )
    rows.append(
        '<div class="gk-lrow"><svg width="18" height="14" aria-hidden="true"><rect x="1" y="1" '
        'width="16" height="12" fill="#555" fill-opacity="0.15" stroke="#555" '
        'stroke-dasharray="4 2"/></svg> area of a multi-place claim; outline of a region or '
        "country</div>"
    )
    rows.append(
        '<div class="gk-lrow"><svg width="18" height="14" aria-hidden="true"><rect x="1" y="1" '
        'width="16" height="12" fill="none" stroke="#6a3d9a" stroke-width="2"/></svg> '
        "Kursk and Sumy oblasts</div>"
    )
    rows.append(
        '<div class="gk-lrow"><svg width="18" height="14" aria-hidden="true"><line x1="1" y1="7" '
        'x2="17" y2="7" stroke="#111" stroke-width="3" stroke-dasharray="6 2 1 2"/></svg> '
        "Russia–Ukraine border</div>"
    )
    if cluster:
        rows.append(
            '<div class="gk-lrow"><span class="gk-cluster-icon" aria-hidden="true">12</span> '
            "cluster of places: click or zoom in; areas of multi-place claims appear from "
            f"zoom {_CLUSTER_AREA_ZOOM}</div>"
        )
    return '<div class="gk-legend-title">Claims by status</div>' + "".join(rows)


# --- building the layer specs ---------------------------------------------------


def _check_columns(frame: pd.DataFrame, required: Sequence[str], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ClaimsValidationError(
            None,
            None,
            missing[0],
            f"{what} lacks column(s) {missing!r}; build it with geokursk.claims."
            f"{'claims_frame' if what == 'claims_gdf' else 'claim_places_frame'}() "
            f"(it has {sorted(map(str, frame.columns))!r})",
        )


def _to_wgs84(frame: pd.DataFrame) -> pd.DataFrame:
    crs = getattr(frame, "crs", None)
    if isinstance(frame, gpd.GeoDataFrame) and crs is not None and not crs.equals("EPSG:4326"):
        return frame.to_crs("EPSG:4326")
    return frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    # Column lists zipped into dicts: several times faster than to_dict("records").
    columns = [str(c) for c in frame.columns]
    values = [frame.iloc[:, i].tolist() for i in range(len(columns))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


# Display names for the side codes of geokursk.claims.Side; others are shown
# with "_" as spaces.
_SIDE_LABELS = {
    "ukraine": "Ukraine",
    "russia": "Russia",
    "dprk": "North Korea",
    "usa": "United States",
    "south_korea": "South Korea",
    "nepal": "Nepal",
}


def _side_label(side: object) -> str:
    text = _text(side)
    return _SIDE_LABELS.get(text, text.replace("_", " ")) or "unknown side"


def _layer_key(claim: Mapping[str, Any]) -> tuple[str, str]:
    return (_side_label(claim.get("side")), _text(claim.get("claimant")) or "unknown")


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Return the (multi)polygon part of a claim geometry, or ``None``.

    Country-level claims come as GeometryCollections of country polygons (and
    sometimes a stray line); their polygons are the claim's honest extent.
    """
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if parts:
            return parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return None


def _statement_key(claim: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """Claims with the same claimant, outlet and claim date come from one statement."""
    who, day = _text(claim.get("claimant")), _date_key(claim.get("claim_date"))
    if not who or not day:
        return None
    return (who, _text(claim.get("outlet")), day)


def _statement_areas(
    claims: Sequence[Mapping[str, Any]],
) -> dict[tuple[str, str, str], list[tuple[str, BaseGeometry]]]:
    """Located claims by statement: where a sibling claim without a location is drawn."""
    out: dict[tuple[str, str, str], list[tuple[str, BaseGeometry]]] = defaultdict(list)
    for claim in claims:
        key = _statement_key(claim)
        geom = _geometry(claim.get("geometry"))
        # Region- and country-wide claims say nothing about where in them.
        if key and geom is not None and _text(claim.get("extent")) not in _AREA_PRECISIONS:
            out[key].append((_text(claim.get("claim_id")), geom))
    return out


def _build_layers(
    claims: list[dict[str, Any]], places: list[dict[str, Any]]
) -> tuple[dict[tuple[str, str], dict[str, Any]], list[dict[str, Any]], list[BaseGeometry]]:
    """Group drawable features by (side, claimant); collect unlocated claims.

    Features are compact dicts read by the JS runtime: ``k`` kind (``m``
    marker of a resolved place, ``u`` place of unknown location, ``a`` claim
    area), ``ll`` Leaflet latlngs, ``s`` status, ``c`` claim id, ``i`` place
    index (-1: the whole claim), ``t`` tooltip HTML, ``d`` date key, and on
    markers ``r`` radius in px, ``e`` uncertainty radius in metres (drawn as a
    circle) or ``n`` (1: a region/country place whose extent is not drawn).
    """
    by_claim: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for place in places:
        by_claim[_text(place.get("claim_id"))].append(place)
    known = {_text(c.get("claim_id")) for c in claims}
    # Place rows whose claim is missing from the claims frame are still drawn,
    # with the claim fields the places frame carries.
    for cid, rows in by_claim.items():
        if cid not in known:
            claims.append(
                {k: rows[0].get(k) for k in ("claim_id", "claimant", "side", "claim_status")}
            )
    statements = _statement_areas(claims)

    # Markers at the same spot become concentric rings so each stays clickable.
    spots: Counter[tuple[float, float]] = Counter()
    for place in places:
        lat, lon = _float(place.get("lat")), _float(place.get("lon"))
        geom = _geometry(place.get("geometry"))
        if _text(place.get("geocode_status")) == "resolved" and (geom or lat is not None):
            spots[_spot(place, geom)] += 1
    seen: Counter[tuple[float, float]] = Counter()
    filled_areas: set[bytes] = {b""}
    anchors: dict[str, tuple[float, float] | None] = {}

    layers: dict[tuple[str, str], dict[str, Any]] = {}
    unlocated: list[dict[str, Any]] = []
    view: list[BaseGeometry] = []
    view_xy: list[tuple[float, float]] = []  # (x=lon, y=lat); made points at once below
    ordered = sorted(
        claims,
        key=lambda c: (*_layer_key(c), _date_key(c.get("claim_date")), _text(c.get("claim_id"))),
    )
    for claim in ordered:
        cid = _text(claim.get("claim_id"))
        rows = by_claim.get(cid, [])
        key = _layer_key(claim)
        layer = layers.setdefault(
            key, {"side": key[0], "claimant": key[1], "claims": {}, "features": [], "n": 0}
        )
        status = _status_key(claim.get("claim_status"))
        day = _date_key(claim.get("claim_date")) or _date_key(claim.get("published"))
        claim_geom = _geometry(claim.get("geometry"))
        claim_area = _polygonal(claim_geom)
        place_html = []
        features: list[dict[str, Any]] = []
        drawn_places: list[tuple[float, float]] = []
        unresolved: list[int] = []
        for i, place in enumerate(rows):
            geom = _geometry(place.get("geometry"))
            resolved = _text(place.get("geocode_status")) == "resolved"
            lat, lon = _float(place.get("lat")), _float(place.get("lon"))
            if resolved and place.get("_xy"):
                lon, lat = place["_xy"]
            if not resolved or lat is None or lon is None:
                unresolved.append(i)
                place_html.append("")
                continue
            spot = _spot(place, geom)
            n_here = spots[spot]
            ring = max(0, min(n_here, _MAX_RINGS) - 1 - min(seen[spot], _MAX_RINGS - 1))
            seen[spot] += 1
            drawn_places.append((lon, lat))
            precision = _text(place.get("precision"))
            radius_m = _float(place.get("uncertainty_m"))
            marker: dict[str, Any] = {
                "k": "m",
                "ll": _latlng(lon, lat),
                "r": _BASE_RADIUS_PX + _RING_STEP_PX * ring,
                "s": status,
                "c": cid,
                "i": i,
                "d": day,
            }
            extent_note = ""
            if precision in _AREA_PRECISIONS:
                # A region or country is drawn as its polygon (the claim's
                # area), never as a circle hundreds of km wide; without a
                # polygon around it, its extent is not drawn at all.
                if claim_area is None or not claim_area.intersects(shapely.Point(lon, lat)):
                    marker["n"] = 1
                    extent_note = f"extent not drawn: {precision}-level place without an outline"
            else:
                if radius_m and radius_m > 0:
                    marker["e"] = round(radius_m)
                view_xy.append((lon, lat))
            marker["t"] = _tooltip(place, claim, n_here, note=extent_note)
            place_html.append(_place_html(place, note=extent_note))
            features.append(marker)
        if claim_area is not None:
            latlngs = _polygon_latlngs(claim_area, simplified=True)
            if latlngs is not None:
                extent = _text(claim.get("extent")) or "area"
                # Many claims name the same region: fill its outline once, or
                # a hundred translucent fills stack up to an opaque one.
                wkb = claim_area.wkb if extent in _AREA_PRECISIONS else b""
                filled = wkb not in filled_areas
                filled_areas.add(wkb)
                names = ", ".join(_esc(p.get("place")) for p in rows) or _esc(claim.get("extent"))
                features.insert(
                    0,
                    {
                        "k": "a",
                        "ll": latlngs,
                        "s": status,
                        "c": cid,
                        "i": -1,
                        "x": "gk-region" if extent in ("region", "country") else "gk-area",
                        **({} if filled else {"o": 1}),
                        "t": f"{_html(extent)}: {names}<br><span class=gk-muted>"
                        f"{_esc(claim.get('claimant'))}: "
                        f"{_html(_status_label(claim.get('claim_status')))}</span>",
                        "d": day,
                    },
                )
                if extent not in ("region", "country"):
                    view.append(claim_area)
        anchor = _anchor_point(claim_area if claim_area is not None else claim_geom)
        drawn_at = "Drawn at the centre of the claim's area."
        if anchor is None and drawn_places:
            anchor = _anchor_point(shapely.MultiPoint(drawn_places))
            drawn_at = "Drawn at the centre of the claim's resolved places."
        statement = _statement_key(claim) if anchor is None and unresolved else None
        if statement is not None and statements.get(statement):
            # This claim has no location (so it is not among the located ones).
            sibling, area = statements[statement][0]
            anchor = anchors.get(sibling) or anchors.setdefault(sibling, _anchor_point(area))
            drawn_at = (
                f"Drawn at the area of claim {_html(sibling)} of the same statement "
                "(same claimant, outlet and date)."
            )
        for i in unresolved:
            place_html[i] = _place_html(rows[i], drawn_at=drawn_at if anchor else "")
            if anchor is not None:
                features.append(
                    {
                        "k": "u",
                        "ll": _latlng(*anchor),
                        "s": status,
                        "c": cid,
                        "i": i,
                        "t": _tooltip(rows[i], claim, 1),
                        "d": day,
                    }
                )
        layer["claims"][cid] = {"h": _claim_html(claim, rows), "p": place_html}
        layer["n"] += 1
        if features:
            layer["features"].extend(features)
        else:
            summary = _text(claim.get("paraphrase"))
            if len(summary) > 90:
                summary = summary[:89] + "…"
            unlocated.append(
                {
                    "c": cid,
                    "d": day,
                    "s": status,
                    "l": f"<b>{_esc(claim.get('claimant'))}</b>"
                    + (f": {_html(summary)}" if summary else ""),
                }
            )
    if view_xy:
        view.extend(shapely.points(view_xy).tolist())
    return layers, unlocated, view


def _spot(place: Mapping[str, Any], geom: BaseGeometry | None) -> tuple[float, float]:
    xy = place.get("_xy")
    if xy is None and geom is not None and geom.geom_type == "Point":
        xy = _xy(geom)
    if xy is not None:
        lon, lat = xy
        return (round(lat, 4), round(lon, 4))
    return (round(_float(place.get("lat")) or 0.0, 4), round(_float(place.get("lon")) or 0.0, 4))


# --- reference layers -------------------------------------------------------------


_OUTLINE_ISO = ("RU-KRS", "UA-59")


def _is_ru_ua(pair: object) -> bool:
    text = _text(pair).upper()
    parts = set(re.split(r"[^A-Z]+", text))
    return {"RU", "UA"} <= parts or {"RUSSIA", "UKRAINE"} <= parts


def _reference_specs(
    admin1: gpd.GeoDataFrame | None, borders: gpd.GeoDataFrame | None
) -> tuple[list[tuple[str, dict[str, Any]]], list[BaseGeometry]]:
    specs: list[tuple[str, dict[str, Any]]] = []
    view: list[BaseGeometry] = []
    if admin1 is not None and len(admin1):
        admin1 = _to_wgs84(admin1)
        rows = admin1[admin1["iso_3166_2"].isin(_OUTLINE_ISO)] if "iso_3166_2" in admin1 else admin1
        shapes = []
        for row in _records(rows):
            geom = _geometry(row.get("geometry"))
            latlngs = _polygon_latlngs(geom) if geom is not None else None
            if latlngs is None or geom is None:
                continue
            view.append(geom)
            label = _esc(row.get("name_en")) or _esc(row.get("iso_3166_2"))
            if _text(row.get("name_ru")):
                label += f" / {_esc(row.get('name_ru'))}"
            shapes.append({"ll": latlngs, "t": label})
        if shapes:
            specs.append(
                (
                    "Kursk and Sumy oblasts",
                    {"kind": "polygon", "shapes": shapes, "style": "outline"},
                )
            )
    if borders is not None and len(borders):
        borders = _to_wgs84(borders)
        if "pair" in borders:
            borders = borders[borders["pair"].map(_is_ru_ua)]
        if "segment" in borders:
            # Only the internationally recognised land border: Natural Earth's
            # de-facto lines (e.g. around Crimea) are not "the border".
            borders = borders[borders["segment"].map(lambda s: _text(s) in ("", "land border"))]
        shapes = []
        for row in _records(borders):
            geom = _geometry(row.get("geometry"))
            latlngs = _line_latlngs(geom) if geom is not None else None
            if latlngs is not None:
                shapes.append({"ll": latlngs, "t": "Russia–Ukraine border"})
        if shapes:
            specs.append(
                ("Russia–Ukraine border", {"kind": "line", "shapes": shapes, "style": "border"})
            )
    return specs, view


def _default_reference() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    from geokursk import boundaries  # imported lazily: it loads the shipped geodata

    return boundaries.admin1_frame(), boundaries.border_lines_frame()


# --- the public function ----------------------------------------------------------


def _default_tiles(carto_api_key: str | None) -> list[xyzservices.TileProvider]:
    providers = xyzservices.providers
    tiles = [providers.OpenStreetMap.Mapnik]
    positron = providers.CartoDB.Positron
    if carto_api_key:
        tiles.append(positron(apikey=carto_api_key))
    elif not positron.requires_token():
        tiles.append(positron)
    # else: recent xyzservices marks CARTO as needing a key; a layer whose URL
    # says "<insert your API key here>" would only show broken tiles.
    tiles.append(providers.Esri.WorldImagery)
    return tiles


def claims_map(
    claims_gdf: gpd.GeoDataFrame,
    places_gdf: gpd.GeoDataFrame,
    *,
    reference: bool = True,
    admin1: gpd.GeoDataFrame | None = None,
    borders: gpd.GeoDataFrame | None = None,
    tiles: Sequence[xyzservices.TileProvider] | None = None,
    carto_api_key: str | None = None,
    cluster: bool | None = None,
    compress: bool | None = None,
    title: str | None = None,
) -> folium.Map:
    """Draw claims and their places as an interactive folium map.

    Parameters
    ----------
    claims_gdf : geopandas.GeoDataFrame
        One row per claim, as built by ``geokursk.claims.claims_frame``. Only
        ``claim_id``, ``claimant``, ``claim_status`` and ``geometry`` are
        required; every other column of that frame is shown when present.
    places_gdf : geopandas.GeoDataFrame
        One row per claim-place link, as built by
        ``geokursk.claims.claim_places_frame``; ``claim_id``, ``place``,
        ``geocode_status`` and ``geometry`` are required.
    reference : bool, default True
        Draw the Kursk and Sumy oblast outlines and the Russia–Ukraine border.
    admin1, borders : geopandas.GeoDataFrame, optional
        Reference frames shaped like :func:`geokursk.boundaries.admin1_frame`
        and :func:`geokursk.boundaries.border_lines_frame`; those functions
        are used when not given.
    tiles : sequence of xyzservices.TileProvider, optional
        Base layers; the first is shown. Defaults to OpenStreetMap, CartoDB
        Positron and Esri WorldImagery. A blank base layer (for offline use)
        is always added last.
    carto_api_key : str, optional
        CARTO now asks for a key; without one (and with an xyzservices that
        says the key is required) the default tiles leave Positron out.
    cluster : bool, optional
        Group nearby markers into clusters (Leaflet.markercluster) that split
        up as the reader zooms in; from zoom 11 every place is drawn on its
        own. ``None`` (default) clusters when more than 1,000 places are
        drawn, so the handful of villages of a small map stay visible.
    compress : bool, optional
        Embed the claims data gzipped (unpacked by the browser's
        ``DecompressionStream``: Chrome 80, Firefox 113, Safari 16.4). ``None``
        (default) compresses when more than 15,000 features are drawn; a
        10,000-claim map shrinks about tenfold and loads several times faster.
    title : str, optional
        A title shown in the top-right corner (escaped).

    Returns
    -------
    folium.Map
        The map; save it with :func:`geokursk.mapexport.save_map`.

    Raises
    ------
    geokursk.errors.ClaimsValidationError
        If a frame lacks a required column.

    Notes
    -----
    Nothing is dropped: a place that did not resolve becomes a "?" marker at
    its claim's area (or, for a claim without any location, at the area of
    the other claims of the same statement: same claimant, outlet and date),
    and a claim with no location at all is listed in the "Location unknown"
    panel. Markers of several claims at one spot are drawn as concentric
    rings so each can be clicked. Region- and country-level places are drawn
    as their outline, never as an uncertainty circle hundreds of kilometres
    wide; one without an outline is a marker whose extent is not drawn.

    All claims are drawn on one canvas, without a DOM element per feature;
    tooltips and popups are built from the feature's data on hover and
    click.

    Examples
    --------
    >>> from geokursk.claims import load_claims, claims_frame, claim_places_frame
    >>> claims = load_claims(None)                          # doctest: +SKIP
    >>> m = claims_map(claims_frame(claims), claim_places_frame(claims))  # doctest: +SKIP
    >>> empty = claims_map(claims_frame([]), claim_places_frame([]))      # doctest: +SKIP
    """
    _check_columns(claims_gdf, _REQUIRED_CLAIMS, "claims_gdf")
    _check_columns(places_gdf, _REQUIRED_PLACES, "places_gdf")
    claims_gdf = _to_wgs84(claims_gdf)
    claims = _records(claims_gdf)
    # Simplify all claim polygons at once (vectorised); points are unchanged.
    simplified = shapely.simplify(
        [_geometry(c.get("geometry")) for c in claims], _SIMPLIFY_DEG, preserve_topology=True
    )
    for claim, geom in zip(claims, simplified, strict=True):
        claim["geometry"] = geom
    places_gdf = _to_wgs84(places_gdf)
    places = _records(places_gdf)
    # Point coordinates for all places at once (vectorised): (x=lon, y=lat).
    geoms = [_geometry(g) for g in places_gdf.geometry]
    is_point = [g is not None and g.geom_type == "Point" for g in geoms]
    xs = shapely.get_x([g if ok else None for g, ok in zip(geoms, is_point, strict=True)])
    ys = shapely.get_y([g if ok else None for g, ok in zip(geoms, is_point, strict=True)])
    for place, ok, x, y in zip(places, is_point, xs.tolist(), ys.tolist(), strict=True):
        place["_xy"] = (x, y) if ok else None
    layers, unlocated, view = _build_layers(claims, places)

    ref_specs: list[tuple[str, dict[str, Any]]] = []
    ref_view: list[BaseGeometry] = []
    if reference:
        if admin1 is None or borders is None:
            default_admin1, default_borders = _default_reference()
            admin1 = default_admin1 if admin1 is None else admin1
            borders = default_borders if borders is None else borders
        ref_specs, ref_view = _reference_specs(admin1, borders)

    n_features = sum(len(spec["features"]) for spec in layers.values())
    n_markers = sum(f["k"] != "a" for spec in layers.values() for f in spec["features"])
    if cluster is None:
        cluster = n_markers > _AUTO_CLUSTER_MARKERS
    m = folium.Map(
        location=list(_DEFAULT_CENTER),
        zoom_start=7,
        tiles=None,
        control_scale=True,
    )
    # Only Leaflet is needed: markers are CircleMarkers and DivIcons and the
    # controls are written below, so folium's Bootstrap, jQuery and
    # awesome-markers assets are left out (they cannot be inlined offline).
    m.default_js = [pair for pair in m.default_js if pair[0] == "leaflet"]
    m.default_css = [pair for pair in m.default_css if pair[0] == "leaflet_css"]

    for i, provider in enumerate(tiles if tiles is not None else _default_tiles(carto_api_key)):
        folium.TileLayer(provider, name=_html(provider.name), show=i == 0).add_to(m)
    _BlankBaseLayer("No tiles (plain background)", show=tiles is not None and not tiles).add_to(m)

    statuses = Counter(_status_key(c.get("claim_status")) for c in claims)
    if cluster:
        _ClusterAssets().add_to(m)
    _Runtime(
        {
            "styles": {
                k: {"color": v["color"], "dash": v["dash"]} for k, v in _STATUS_STYLE.items()
            },
            "cluster": bool(cluster),
            "areaZoom": _CLUSTER_AREA_ZOOM,
        }
    ).add_to(m)
    for name_html, spec in ref_specs:
        _ReferenceLayer(_html(name_html), spec).add_to(m)
    if compress is None:
        compress = n_features > _AUTO_COMPRESS_FEATURES
    for (side, claimant), spec in sorted(layers.items()):
        name = f"{_html(side)} — {_html(claimant)} ({spec['n']})"
        _ClaimsLayer(name, spec, compress=compress).add_to(m)

    _RuntimeCall("addFullscreenControl", {}, name="FullscreenControl").add_to(m)
    _RuntimeCall("addMeasureControl", {}, name="MeasureControl").add_to(m)
    _RuntimeCall("addMiniMap", {}, name="MiniMap").add_to(m)
    if unlocated:  # before the filter, which also filters this list by date
        _RuntimeCall("addUnlocatedPanel", {"entries": unlocated}, name="UnlocatedPanel").add_to(m)
    _RuntimeCall("addFilterControl", {}, name="FilterControl").add_to(m)
    if title:
        _RuntimeCall("addTitle", {"html": _html(title)}, name="Title").add_to(m)
    _Legend(statuses, cluster=cluster).add_to(m)

    if ref_view:
        # Open on Kursk and Sumy and the claims near them; far-away places
        # (Pyongyang, Kathmandu) are drawn too but reached by zooming out.
        near = shapely.box(*shapely.total_bounds(ref_view)).buffer(_NEAR_DEG)
        view = [g for g, ok in zip(view, shapely.intersects(view, near), strict=True) if ok]
    bounds = _bounds(view + ref_view) or _bounds(list(_all_geoms(claims)))
    if bounds is not None:
        m.location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
        m.fit_bounds(bounds)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)  # always last
    return m


def _all_geoms(claims: Iterable[Mapping[str, Any]]) -> Iterable[BaseGeometry]:
    for claim in claims:
        geom = _geometry(claim.get("geometry"))
        if geom is not None:
            yield geom


def _bounds(geoms: Sequence[BaseGeometry]) -> list[list[float]] | None:
    if not geoms:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(list(geoms))
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return None
    # Leaflet bounds are [[south, west], [north, east]], i.e. [lat, lon] pairs.
    return [_latlng(float(minx), float(miny)), _latlng(float(maxx), float(maxy))]


# --- the JS runtime ----------------------------------------------------------------
#
# Fullscreen, minimap and measuring are small controls written here instead of
# folium's plugins: their JavaScript (Leaflet.fullscreen, leaflet-minimap,
# leaflet-measure) is not in any installed PyPI package, and a self-contained
# map must not fetch it from a CDN. The runtime never puts data into innerHTML
# except strings that Python already escaped (popups, tooltips, names);
# labels it builds itself use textContent.

_RUNTIME_CSS = """
.gk-popup{font:13px/1.35 system-ui,sans-serif;max-width:360px}
.gk-popup table{border-collapse:collapse;margin:4px 0}
.gk-popup th{text-align:left;padding:0 6px 0 0;font-weight:600;vertical-align:top;color:#444}
.gk-popup ul,.gk-popup ol{margin:2px 0 4px 18px;padding:0}
.gk-paraphrase{margin:4px 0}
.gk-unreviewed{color:#8a4b00;font-size:12px;border:1px dashed #d55e00;padding:0 3px}
.gk-muted{color:#666}
.gk-side{color:#444;font-size:12px;border:1px solid #bbb;border-radius:3px;padding:0 3px}
.gk-badge{color:#fff;border-radius:3px;padding:0 4px;font-size:12px}
.gk-s-claimed{background:#0072B2}.gk-s-corroborated{background:#009E73}
.gk-s-disputed{background:#D55E00}.gk-s-no_comment{background:#6E6E6E}
.gk-s-other{background:#CC79A7}
.gk-place{border-top:1px solid #ddd;margin-top:4px;padding-top:4px}
.gk-place.gk-this{background:#fffbe6}
.gk-unknown-text{color:#b00;font-weight:600}
.gk-id{color:#888;font-size:11px;margin-top:4px}
.gk-note{color:#7a4a00;font-style:italic}
.gk-panel{background:#fff;padding:4px 8px;border-radius:4px;font:12px/1.35 system-ui,sans-serif;
 box-shadow:0 1px 5px rgba(0,0,0,.4);max-width:280px}
.gk-legend{font-size:11px;max-width:250px}
.gk-legend-title,.gk-panel-title{font-weight:600;margin-bottom:2px}
.gk-fold>summary{cursor:pointer;margin:0}
.gk-fold[open]>summary{margin-bottom:4px}
.gk-fold-body{max-height:50vh;overflow:auto}
.gk-lrow{display:flex;align-items:center;gap:5px;margin:1px 0}
.gk-lrow svg{flex:none}
.gk-unlocated details{border-top:1px solid #ddd;padding:2px 0}
.gk-filter input[type=range]{width:130px;vertical-align:middle}
.gk-filter label{display:block;white-space:nowrap}
.gk-tip{max-width:320px;white-space:normal}
.gk-cluster-icon{flex:none;width:18px;height:18px;border-radius:50%;background:#6ecc39;
 font:bold 9px/18px sans-serif;text-align:center;color:#000}
.gk-btn{display:flex;align-items:center;justify-content:center;width:30px;height:30px;
 font:bold 16px/30px sans-serif;background:#fff;color:#000;cursor:pointer;border:none;padding:0}
.gk-btn.gk-on{background:#ffd76e}
.gk-minimap{width:150px;height:150px;border:2px solid rgba(0,0,0,.3);border-radius:4px}
.gk-measure-label{font:12px sans-serif;font-weight:600}
.gk-pseudo-fullscreen{position:fixed!important;inset:0!important;width:100%!important;
 height:100%!important;z-index:10000}
"""

_RUNTIME_JS = r"""
(function (global) {
  "use strict";
  if (global.geokursk) { return; }
  var gk = {overlays: [], items: [], claims: {}, reference: [], unlocated: [], styles: {},
            map: null, filters: [], pending: [], ready: false, built: false, hold: 0,
            cluster: null, markerGroup: null, areaGroup: null, circleGroup: null,
            popup: null, tip: null};
  global.geokursk = gk;

  function el(tag, cls, parent) {
    var node = L.DomUtil.create(tag, cls || "", parent);
    return node;
  }

  gk.setup = function (map, spec) {
    gk.map = map;
    gk.styles = spec.styles;
    [["gk-reference", 330], ["gk-uncertainty", 340], ["gk-claims", 450]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = String(p[1]);
    });
    map.getPane("gk-reference").style.pointerEvents = "none";
    map.getPane("gk-uncertainty").style.pointerEvents = "none";
    // Areas and markers share one canvas: no DOM element per feature, and a
    // canvas in a higher pane would swallow the clicks meant for one below.
    gk.canvas = L.canvas({pane: "gk-claims", padding: 0.2, tolerance: 3});
    gk.circleCanvas = L.canvas({pane: "gk-uncertainty", padding: 0.2});
    gk.areaGroup = L.featureGroup().addTo(map);
    gk.circleGroup = L.layerGroup().addTo(map);
    gk.clusterOffZoom = 11;
    if (spec.cluster) {
      // Clusters are the only DOM markers; a place shown on its own is drawn
      // on the canvas. No animation: it would move canvas markers as icons.
      gk.cluster = L.markerClusterGroup({animate: false, showCoverageOnHover: false,
        spiderfyOnMaxZoom: false, disableClusteringAtZoom: gk.clusterOffZoom,
        maxClusterRadius: 40,
        removeOutsideVisibleBounds: true});
      gk.markerGroup = gk.cluster;
    } else {
      gk.markerGroup = L.featureGroup();
    }
    gk.markerGroup.addTo(map);
    gk.areaZoom = spec.cluster ? spec.areaZoom : 0;
    if (gk.areaZoom) { map.on("zoomend", function () { gk.sync(); }); }
    // One tooltip and one popup for all features, filled from the feature's
    // data when needed: nothing is created per feature in advance.
    gk.tip = L.tooltip({direction: "top", offset: [0, -6], className: "gk-tip"});
    [gk.areaGroup, gk.markerGroup].forEach(function (group) {
      group.on("click", onClick).on("mouseover", onOver).on("mouseout", onOut);
    });
    gk.areaGroup.on("mousemove", function (ev) {
      if (itemOf(ev) && map.hasLayer(gk.tip)) { gk.tip.setLatLng(ev.latlng); }
    });
    // Links between claims inside popups: <a data-gk-claim="id">.
    document.addEventListener("click", function (ev) {
      var a = ev.target && ev.target.closest ? ev.target.closest("a[data-gk-claim]") : null;
      if (!a) { return; }
      ev.preventDefault();
      gk.openClaim(a.getAttribute("data-gk-claim"));
    }, true);
  };

  function style(status) { return gk.styles[status] || gk.styles.other; }

  function itemOf(ev) { return ev.layer && ev.layer.gkItem; }

  function anchorOf(it) {
    return it.layer.getLatLng ? it.layer.getLatLng() : it.layer.getCenter();
  }

  function onClick(ev) {
    var it = itemOf(ev);
    if (it) { gk.openItem(it, it.f.k === "a" ? ev.latlng : null); }
  }

  function onOver(ev) {
    var it = itemOf(ev);
    if (!it || !it.f.t) { return; }
    // The tooltip text was escaped in Python.
    gk.tip.setLatLng(it.f.k === "a" ? ev.latlng : anchorOf(it)).setContent(it.f.t);
    gk.map.openTooltip(gk.tip);
  }

  function onOut(ev) {
    if (itemOf(ev)) { gk.map.closeTooltip(gk.tip); }
  }

  // Where a feature is drawn, in container pixels (for tests and tools).
  gk.containerPoint = function (it) {
    var p = gk.map.latLngToContainerPoint(anchorOf(it));
    return it.f.k === "u" ? p.add(UNKNOWN_OFFSET) : p;
  };

  gk.popupHtml = function (cid, index) {
    var c = gk.claims[cid];
    if (!c) { return ""; }
    var places = "";
    for (var i = 0; i < c.p.length; i++) {
      if (index < 0 || i === index) {
        places += index === i ? c.p[i].replace('class="gk-place"', 'class="gk-place gk-this"')
                              : c.p[i];
      }
    }
    return '<div class="gk-popup">' + c.h + places + "</div>";  // escaped in Python
  };

  // Keep popups clear of the controls: pan so that they open between the
  // left and the right control columns.
  function popupPadding() {
    var container = gk.map.getContainer(), box = container.getBoundingClientRect();
    var left = 0, right = 0, cap = box.width * 0.3;
    container.querySelectorAll(".leaflet-control").forEach(function (c) {
      var r = c.getBoundingClientRect();
      if (!r.width || !r.height) { return; }
      if (c.closest(".leaflet-left")) { left = Math.max(left, r.right - box.left); }
      else { right = Math.max(right, box.right - r.left); }
    });
    return [[Math.min(left, cap) + 10, 10], [Math.min(right, cap) + 10, 10]];
  }

  gk.openItem = function (it, latlng) {
    var pad = popupPadding();
    gk.map.closeTooltip(gk.tip);
    gk.popup = L.popup({maxWidth: 380, minWidth: 240, maxHeight: 360,
      autoPanPaddingTopLeft: pad[0], autoPanPaddingBottomRight: pad[1]})
      .setLatLng(latlng || anchorOf(it))
      .setContent(gk.popupHtml(it.f.c, it.f.i))
      .openOn(gk.map);
    gk.popupItem = it;
    return gk.popup;
  };

  // A place marker draws its uncertainty circle only while it is on the map
  // on its own (not inside a cluster, not filtered out).
  var Place = L.CircleMarker.extend({
    onAdd: function (map) {
      L.CircleMarker.prototype.onAdd.call(this, map);
      var it = this.gkItem, st;
      if (it.f.e) {
        if (!it.circle) {
          st = style(it.f.s);
          it.circle = L.circle(it.f.ll, {radius: it.f.e, renderer: gk.circleCanvas,
            interactive: false, color: st.color, weight: 1, dashArray: "2 4",
            fillOpacity: 0.05});
        }
        gk.circleGroup.addLayer(it.circle);
      }
    },
    onRemove: function (map) {
      if (this.gkItem.circle) { gk.circleGroup.removeLayer(this.gkItem.circle); }
      L.CircleMarker.prototype.onRemove.call(this, map);
    }
  });

  // A place of unknown location: a white disc with a "?" drawn on the canvas,
  // a little up and right of its anchor so it never hides a place marker there.
  var UNKNOWN_OFFSET = L.point(11, -11);
  var Unknown = Place.extend({
    _project: function () {
      this._point = this._map.latLngToLayerPoint(this._latlng).add(UNKNOWN_OFFSET);
      this._updateBounds();
    },
    _updatePath: function () {
      L.CircleMarker.prototype._updatePath.call(this);
      var r = this._renderer, ctx = r._ctx, p = this._point;
      if (!r._drawing || !ctx || this._empty()) { return; }
      ctx.save();
      ctx.fillStyle = this.options.color;
      ctx.font = "bold 13px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("?", p.x, p.y + 1);
      ctx.restore();
    }
  });

  var Overlay = L.Layer.extend({
    initialize: function (side, claimant) {
      this.side = side;
      this.claimant = claimant;
      this.active = false;
      this.items = [];
    },
    onAdd: function () { this.active = true; gk.sync(); },
    onRemove: function () { this.active = false; gk.sync(); }
  });

  function unpack(b64) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the map data " +
        "(DecompressionStream is missing); use a current Chrome, Firefox or Safari"));
    }
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Response(bytes).body.pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  gk.claimsLayer = function (map, spec) {
    var overlay = new Overlay(spec.side, spec.claimant);
    gk.overlays.push(overlay);
    gk.pending.push(spec.z !== undefined
      ? unpack(spec.z).then(function (data) { return [overlay, data]; })
      : Promise.resolve([overlay, spec]));
    return overlay;
  };

  gk.whenReady = function (fn) {
    Promise.all(gk.pending).then(function (unpacked) {
      unpacked.forEach(function (pair) { build(pair[0], pair[1]); });
      gk.pending = [];
      gk.built = true;
      gk.sync();
      fn();
    }).catch(function (err) {
      gk.error = String(err && err.message || err);
      var c = L.control({position: "topright"});
      c.onAdd = function () {
        var div = el("div", "gk-panel gk-error");
        div.textContent = "Claims could not be drawn: " + gk.error;
        return div;
      };
      c.addTo(gk.map);
      throw err;
    });
  };

  function build(overlay, spec) {
    Object.keys(spec.claims).forEach(function (cid) { gk.claims[cid] = spec.claims[cid]; });
    spec.features.forEach(function (f) {
      var st = style(f.s), layer;
      if (f.k === "m") {
        layer = new Place(f.ll, {renderer: gk.canvas, radius: f.r, color: st.color,
          weight: 2.5, dashArray: f.n ? "2 3" : st.dash, fillColor: st.color,
          fillOpacity: f.n ? 0.1 : 0.45});
      } else if (f.k === "u") {
        layer = new Unknown(f.ll, {renderer: gk.canvas, radius: 9, color: st.color,
          weight: 2, dashArray: "3 2", fillColor: "#fff", fillOpacity: 1});
      } else if (f.k === "a") {
        layer = L.polygon(f.ll, {renderer: gk.canvas, color: st.color, weight: 1.5,
          dashArray: st.dash, fillColor: st.color,
          fillOpacity: f.o ? 0 : f.x === "gk-region" ? 0.06 : 0.15});
      } else {
        return;
      }
      var it = {layer: layer, f: f, overlay: overlay, date: f.d || "", claim: f.c,
                shown: false, circle: null};
      layer.gkItem = it;
      overlay.items.push(it);
      gk.items.push(it);
    });
  }

  gk.dateOk = function () { return true; };

  // With clustering, the areas of multi-place claims appear from this zoom
  // on: thousands of overlapping outlines say nothing at overview zoom and
  // cost seconds to paint. Region and country outlines are always drawn.
  function zoomOk(it) {
    return !gk.areaZoom || it.f.x !== "gk-area" || gk.map.getZoom() >= gk.areaZoom;
  }

  // Show exactly the items whose overlay is on and whose date passes the
  // filter; markers are added and removed in bulk (fast with clustering).
  gk.sync = function () {
    if (!gk.built || gk.hold) { return; }
    var add = [], remove = [], areas = [], first = !gk.synced;
    gk.items.forEach(function (it) {
      var want = it.overlay.active && gk.dateOk(it.date) && zoomOk(it);
      if (want === it.shown) { return; }
      it.shown = want;
      if (it.f.k === "a") {
        if (want) { gk.areaGroup.addLayer(it.layer); areas.push(it.layer); }
        else { gk.areaGroup.removeLayer(it.layer); }
      } else {
        (want ? add : remove).push(it.layer);
      }
    });
    if (gk.cluster) {
      if (remove.length) { gk.cluster.removeLayers(remove); }
      if (add.length) { gk.cluster.addLayers(add); }
    } else {
      remove.forEach(function (l) { gk.markerGroup.removeLayer(l); });
      add.forEach(function (l) { gk.markerGroup.addLayer(l); });
    }
    // Areas are drawn under the markers that share their canvas.
    if (!first) { areas.forEach(function (l) { l.bringToBack(); }); }
    gk.synced = true;
    if (gk.popupItem && !gk.popupItem.shown) { gk.map.closePopup(); }
  };

  gk.batch = function (fn) {
    gk.hold++;
    try { fn(); } finally { gk.hold--; }
    gk.sync();
  };

  // Counts of the Leaflet layer objects, for tests and the filter panel.
  gk.counts = function () {
    var kinds = {m: "places", u: "unknown", a: "areas"};
    var c = {places: 0, unknown: 0, areas: 0, circles: 0, noExtent: 0, shown: 0,
             shownPlaces: 0, unlocated: gk.unlocated.length, clustered: null};
    gk.items.forEach(function (it) {
      c[kinds[it.f.k]]++;
      if (it.f.e) { c.circles++; }
      if (it.f.n) { c.noExtent++; }
      if (it.shown) { c.shown++; if (it.f.k === "m") { c.shownPlaces++; } }
    });
    c.circlesDrawn = gk.circleGroup ? gk.circleGroup.getLayers().length : 0;
    if (gk.cluster) { c.clustered = gk.cluster.getLayers().length; }
    return c;
  };

  gk.openClaim = function (cid) {
    var best = null;
    for (var i = 0; i < gk.items.length; i++) {
      var it = gk.items[i];
      if (it.claim === cid && it.shown && (!best || best.f.k === "a")) { best = it; }
    }
    if (best) {
      if (gk.cluster && best.f.k !== "a" && !gk.map.hasLayer(best.layer)) {
        // Inside a cluster: zoom in to where no marker is clustered.
        // (markercluster's zoomToShowLayer waits for a DOM icon a canvas
        // marker never has.)
        gk.map.setView(anchorOf(best), Math.max(gk.map.getZoom(), gk.clusterOffZoom),
                       {animate: false});
        gk.openItem(best);
      } else {
        gk.map.panTo(anchorOf(best), {animate: false});
        gk.openItem(best);
      }
      return true;
    }
    var row = document.querySelector('[data-gk-unlocated="' + CSS.escape(cid) + '"]');
    if (row) {
      var panel = row.closest("details.gk-fold");
      if (panel) { panel.open = true; }
      row.open = true;
      row.scrollIntoView();
      return true;
    }
    return false;
  };

  gk.referenceLayer = function (map, spec) {
    var group = L.featureGroup();
    spec.shapes.forEach(function (s) {
      var layer;
      if (spec.kind === "line") {
        layer = L.polyline(s.ll, {pane: "gk-reference", interactive: false, color: "#111",
          weight: 3, opacity: 0.85, dashArray: "10 4 2 4", className: "gk-border"});
      } else {
        layer = L.polygon(s.ll, {pane: "gk-reference", interactive: false, color: "#6a3d9a",
          weight: 2, fill: false, className: "gk-outline"});
      }
      group.addLayer(layer);
    });
    gk.reference.push(spec);
    return group;
  };

  function control(position, build) {
    var c = L.control({position: position});
    c.onAdd = function (map) {
      var div = el("div", "leaflet-bar gk-control");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      build(div, map);
      return div;
    };
    return c;
  }

  gk.addFullscreenControl = function (map) {
    var container = map.getContainer();
    control("topleft", function (div) {
      var b = el("button", "gk-btn gk-fullscreen", div);
      b.type = "button";
      b.title = "Full screen";
      b.setAttribute("aria-label", "Full screen");
      // Constant markup (no data): four corner brackets, no icon font needed.
      b.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" ' +
        'stroke="#333" stroke-width="2" aria-hidden="true"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5' +
        'M6 15H1v-5"/></svg>';
      b.addEventListener("click", function () {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else if (container.requestFullscreen &&
                   !L.DomUtil.hasClass(container, "gk-pseudo-fullscreen")) {
          container.requestFullscreen().catch(function () {
            L.DomUtil.addClass(container, "gk-pseudo-fullscreen");
            map.invalidateSize();
          });
        } else {
          L.DomUtil[L.DomUtil.hasClass(container, "gk-pseudo-fullscreen") ? "removeClass"
                    : "addClass"](container, "gk-pseudo-fullscreen");
          map.invalidateSize();
        }
      });
    }).addTo(map);
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
  };

  function fmtDistance(m) {
    return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(m < 10000 ? 2 : 1) + " km";
  }

  gk.addMeasureControl = function (map) {
    var state = {on: false, points: [], line: null, group: L.layerGroup(), label: null};
    var button;
    function reset() {
      state.points = [];
      state.group.clearLayers();
      state.line = null;
      state.label = null;
    }
    function add(ev) {
      if (!state.on) { return; }
      state.points.push(ev.latlng);
      if (!state.line) {
        state.line = L.polyline([], {color: "#000", weight: 2, dashArray: "4 4",
          interactive: false}).addTo(state.group);
      }
      state.line.setLatLngs(state.points);
      L.circleMarker(ev.latlng, {radius: 3, color: "#000", fillOpacity: 1, interactive: false})
        .addTo(state.group);
      var total = 0;
      for (var i = 1; i < state.points.length; i++) {
        total += map.distance(state.points[i - 1], state.points[i]);
      }
      if (state.label) { state.group.removeLayer(state.label); }
      state.label = L.tooltip({permanent: true, direction: "right",
        className: "gk-measure-label"}).setLatLng(ev.latlng).setContent(fmtDistance(total));
      state.group.addLayer(state.label);
      button.title = "Distance: " + fmtDistance(total) + " (click to stop)";
    }
    function toggle(on) {
      state.on = on;
      L.DomUtil[on ? "addClass" : "removeClass"](button, "gk-on");
      map.getContainer().style.cursor = on ? "crosshair" : "";
      if (on) {
        map.doubleClickZoom.disable();
        state.group.addTo(map);
        button.title = "Click the map to measure; click here or press Esc to stop";
      } else {
        map.doubleClickZoom.enable();
        reset();
        map.removeLayer(state.group);
        button.title = "Measure distance";
      }
    }
    control("topleft", function (div) {
      button = el("button", "gk-btn gk-measure", div);
      button.type = "button";
      button.title = "Measure distance";
      button.setAttribute("aria-label", "Measure distance");
      button.textContent = "\u2194";
      button.addEventListener("click", function () { toggle(!state.on); });
    }).addTo(map);
    map.on("click", add);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && state.on) { toggle(false); }
    });
  };

  function currentTiles(map) {
    var found = null;
    map.eachLayer(function (layer) {
      if (!found && layer instanceof L.TileLayer) { found = layer; }
    });
    return found;
  }

  gk.addMiniMap = function (map) {
    var box;
    control("bottomright", function (div) {
      box = el("div", "gk-minimap", div);
      box.setAttribute("aria-label", "Overview map");
    }).addTo(map);
    var mini = L.map(box, {attributionControl: false, zoomControl: false, dragging: false,
      scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false,
      touchZoom: false, inertia: false});
    var tiles = null;
    function setTiles(base) {
      if (tiles) { mini.removeLayer(tiles); tiles = null; }
      if (base && base._url) {
        tiles = L.tileLayer(base._url, L.extend({}, base.options, {attribution: ""})).addTo(mini);
      }
    }
    gk.reference.forEach(function (spec) {
      spec.shapes.forEach(function (s) {
        (spec.kind === "line" ? L.polyline : L.polygon)(s.ll, {interactive: false, weight: 1,
          color: spec.kind === "line" ? "#111" : "#6a3d9a", fill: false}).addTo(mini);
      });
    });
    var view = L.rectangle(map.getBounds(), {color: "#d00", weight: 1, interactive: false,
      fillOpacity: 0.1}).addTo(mini);
    function sync() {
      mini.setView(map.getCenter(), Math.max(map.getZoom() - 4, 0), {animate: false});
      view.setBounds(map.getBounds());
    }
    setTiles(currentTiles(map));
    map.on("baselayerchange", function (ev) { setTiles(ev.layer); });
    map.on("moveend zoomend resize", sync);
    mini.on("click", function (ev) { map.panTo(ev.latlng); });
    map.whenReady(sync);
    gk.minimap = mini;
  };

  gk.addFilterControl = function (map) {
    // Compressed layers are unpacked asynchronously; the dates exist after that.
    gk.whenReady(function () {
      buildFilterControl(map);
      gk.ready = true;
    });
  };

  // A panel that folds into one line ("<details>"), so that it never hides
  // the map until the reader opens it.
  function foldingPanel(position, cls, title, build) {
    return control(position, function (div, map) {
      L.DomUtil.addClass(div, "gk-panel " + cls);
      var fold = el("details", "gk-fold", div);
      var summary = el("summary", "gk-panel-title", fold);
      summary.textContent = title;
      build(el("div", "gk-fold-body", fold), map, summary);
    });
  }

  function buildFilterControl(map) {
    var seen = {}, dates = [];
    gk.items.forEach(function (it) {
      if (it.date && !seen[it.date]) { seen[it.date] = true; dates.push(it.date); }
    });
    gk.unlocated.forEach(function (u) {
      if (u.d && !seen[u.d]) { seen[u.d] = true; dates.push(u.d); }
    });
    dates.sort();
    var ui = {};
    function apply() {
      var a = +ui.from.value, b = +ui.to.value;
      var lo = dates[Math.min(a, b)], hi = dates[Math.max(a, b)];
      var undated = ui.undated.checked;
      function visible(d) { return d ? (d >= lo && d <= hi) : undated; }
      ui.fromLabel.textContent = lo || "";
      ui.toLabel.textContent = hi || "";
      gk.dateOk = visible;
      gk.sync();
      var shown = 0;
      gk.items.forEach(function (it) { if (visible(it.date)) { shown++; } });
      gk.unlocated.forEach(function (u) { u.row.style.display = visible(u.d) ? "" : "none"; });
      ui.count.textContent = shown + " of " + gk.items.length + " map features in range";
      ui.summary.textContent = "Filter: dates and sides" +
        (shown < gk.items.length ? " (" + shown + "/" + gk.items.length + ")" : "");
    }
    foldingPanel("topleft", "gk-filter", "Filter: dates and sides", function (div, map, summary) {
      ui.summary = summary;
      el("div", "gk-panel-title", div).textContent = "Claim dates";
      function slider(labelText, value) {
        var label = el("label", "", div);
        label.appendChild(document.createTextNode(labelText + " "));
        var input = el("input", "", label);
        input.type = "range"; input.min = "0"; input.max = String(Math.max(dates.length - 1, 0));
        input.value = String(value); input.step = "1";
        input.disabled = dates.length < 2;
        var out = el("span", "gk-date", label);
        input.addEventListener("input", apply);
        return [input, out];
      }
      var f = slider("from", 0), t = slider("to", Math.max(dates.length - 1, 0));
      ui.from = f[0]; ui.fromLabel = f[1]; ui.to = t[0]; ui.toLabel = t[1];
      ui.from.className = "gk-from"; ui.to.className = "gk-to";
      var ul = el("label", "", div);
      ui.undated = el("input", "gk-undated", ul);
      ui.undated.type = "checkbox"; ui.undated.checked = true;
      ul.appendChild(document.createTextNode(" claims without a date"));
      ui.undated.addEventListener("change", apply);
      ui.count = el("div", "gk-muted gk-count", div);
      var sides = {};
      gk.overlays.forEach(function (o) { (sides[o.side] = sides[o.side] || []).push(o); });
      var names = Object.keys(sides).sort();
      if (names.length) { el("div", "gk-panel-title", div).textContent = "Sides"; }
      var boxes = [];
      names.forEach(function (side) {
        var label = el("label", "", div);
        var box = el("input", "gk-side-toggle", label);
        box.type = "checkbox"; box.checked = true;
        label.appendChild(document.createTextNode(" " + side));
        box.addEventListener("change", function () {
          var on = box.checked;
          gk.batch(function () {
            sides[side].forEach(function (layer) {
              if (on) { map.addLayer(layer); } else { map.removeLayer(layer); }
            });
          });
          sync();
        });
        boxes.push([box, sides[side]]);
      });
      function sync() {
        boxes.forEach(function (pair) {
          pair[0].checked = pair[1].some(function (layer) { return layer.active; });
        });
      }
      map.on("overlayadd overlayremove", sync);
    }).addTo(map);
    gk.filters.push(apply);
    apply();
  }

  gk.addUnlocatedPanel = function (map, spec) {
    var n = spec.entries.length;
    var title = "Location unknown (" + n + (n === 1 ? " claim)" : " claims)");
    foldingPanel("topleft", "gk-unlocated", title, function (div) {
      spec.entries.forEach(function (u) {
        var row = el("details", "gk-unlocated-claim gk-s-" + u.s + "-row", div);
        row.setAttribute("data-gk-unlocated", u.c);
        var summary = el("summary", "", row);
        summary.innerHTML = u.l;  // escaped in Python
        var body = el("div", "", row);
        row.addEventListener("toggle", function () {
          if (row.open && !body.firstChild) { body.innerHTML = gk.popupHtml(u.c, -1); }
        });
        gk.unlocated.push({row: row, d: u.d});
      });
    }).addTo(map);
    gk.filters.forEach(function (apply) { apply(); });
  };

  gk.addTitle = function (map, spec) {
    control("topright", function (div) {
      L.DomUtil.addClass(div, "gk-panel gk-title");
      div.innerHTML = spec.html;  // escaped in Python
    }).addTo(map);
  };

  gk.addLegend = function (map, spec) {
    control(spec.position, function (div) {
      L.DomUtil.addClass(div, "gk-panel gk-legend");
      div.innerHTML = spec.html;  // built in Python from constants
    }).addTo(map);
  };
})(window);
"""
