"""The folium elements of a claims map.

Each element hands a JSON spec to one function of the browser runtime
(``static/geokursk.js``, with ``static/geokursk.css``); the runtime and its
styles are package files inserted verbatim. Large specs and the runtime are
added as raw script text: branca would otherwise parse them again as Jinja
templates (slow for megabytes, and a ``{{`` from data would be evaluated).
"""

from __future__ import annotations

import base64
import functools
import gzip
from importlib import resources
from typing import Any

from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import MiniMap
from folium.template import Template

from geokursk.maps.text import to_js

__all__ = [
    "BlankBaseLayer",
    "ClaimsLayer",
    "ClusterAssets",
    "OfflineMiniMap",
    "ProvenanceData",
    "RawText",
    "ReferenceLayer",
    "Runtime",
    "RuntimeCall",
    "static_text",
]

# The version packaged by xstatic-leaflet-markercluster, which inlines it.
MARKERCLUSTER_CDN = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.4.1"


@functools.lru_cache(maxsize=8)
def static_text(name: str) -> str:
    """Return the text of a file of ``geokursk/maps/static`` (the runtime's JS and CSS)."""
    return (resources.files("geokursk.maps") / "static" / name).read_text(encoding="utf-8")


class RawText(Element):
    """Text inserted as is, without another Jinja pass."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs: Any) -> str:  # noqa: D102
        return str(self.text)


def _parent_name(element: Element) -> str:
    parent = element._parent
    if parent is None:
        raise ValueError(f"add the {type(element).__name__} to a folium.Map before rendering it")
    return str(parent.get_name())


def _figure(element: Element) -> Figure:
    figure = element.get_root()
    if not isinstance(figure, Figure) or element._parent is None:
        raise ValueError(f"add the {type(element).__name__} to a folium.Map before rendering it")
    return figure


class RuntimeCall(MacroElement):
    """Call ``geokursk.<function>(map, spec)`` of the runtime."""

    _template = Template("")

    def __init__(self, function: str, spec: object, *, name: str = "RuntimeCall") -> None:
        super().__init__()
        self._name = name
        self.function = function
        self.spec_js = to_js(spec)

    def render(self, **kwargs: Any) -> Any:  # noqa: D102
        figure = _figure(self)
        code = f"geokursk.{self.function}({_parent_name(self)}, {self.spec_js});"
        figure.script.add_child(RawText(code), name=self.get_name())
        super().render(**kwargs)


class Runtime(MacroElement):
    """The runtime (``static/geokursk.js``) and its styles, then ``geokursk.setup``."""

    _template = Template("")

    def __init__(self, spec: object) -> None:
        super().__init__()
        self._name = "GeokurskRuntime"
        self.spec_js = to_js(spec)

    def render(self, **kwargs: Any) -> Any:  # noqa: D102
        figure = _figure(self)
        figure.header.add_child(
            RawText(f"<style>{static_text('geokursk.css')}</style>"), name=self.get_name()
        )
        code = (
            f"{static_text('geokursk.js')}\ngeokursk.setup({_parent_name(self)}, {self.spec_js});"
        )
        figure.script.add_child(RawText(code), name=self.get_name())
        super().render(**kwargs)


class ProvenanceData(MacroElement):
    """The provenance as JSON in the page's head, for machines."""

    _template = Template("")

    def __init__(self, provenance: dict[str, Any]) -> None:
        super().__init__()
        self._name = "ProvenanceData"
        self.spec_js = to_js(provenance)

    def render(self, **kwargs: Any) -> Any:  # noqa: D102
        figure = _figure(self)
        tag = f'<script type="application/json" id="gk-provenance">{self.spec_js}</script>'
        figure.header.add_child(RawText(tag), name=self.get_name())
        super().render(**kwargs)


class ClusterAssets(JSCSSMixin, MacroElement):
    """Leaflet.markercluster; :mod:`geokursk.mapexport` inlines it from xstatic."""

    _template = Template("")

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClusterAssets"
        self.default_js = [("markerclusterjs", f"{MARKERCLUSTER_CDN}/leaflet.markercluster.js")]
        self.default_css = [
            ("markerclustercss", f"{MARKERCLUSTER_CDN}/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"{MARKERCLUSTER_CDN}/MarkerCluster.Default.css"),
        ]


class ClaimsLayer(Layer):
    """All claims of one claimant, drawn by the runtime from a JSON spec.

    Large specs are gzipped and base64-encoded; the runtime unpacks them with
    the browser's ``DecompressionStream``. Small ones stay readable JSON.
    """

    _template = Template("")

    def __init__(self, name_html: str, spec: dict[str, Any], *, compress: bool) -> None:
        # ``name_html`` is escaped: Leaflet's layer control shows names as HTML.
        super().__init__(name=name_html, overlay=True, control=True, show=True)
        self._name = "ClaimsLayer"
        self.spec = spec
        self.compress = compress

    def _payload(self) -> str:
        data = to_js(self.spec)
        if not self.compress:
            return data
        packed = base64.b64encode(
            gzip.compress(data.encode("utf-8"), compresslevel=3, mtime=0)
        ).decode("ascii")
        return to_js({"side": self.spec["side"], "claimant": self.spec["claimant"], "z": packed})

    def render(self, **kwargs: Any) -> Any:  # noqa: D102
        figure = _figure(self)
        code = (
            f"var {self.get_name()} = geokursk.claimsLayer("
            f"{_parent_name(self)}, {self._payload()});"
        )
        figure.script.add_child(RawText(code), name=self.get_name())
        return super().render(**kwargs)


class ReferenceLayer(Layer):
    """Background outlines, lines and labelled places, drawn on their own canvas."""

    _template = Template("")

    def __init__(self, name_html: str, spec: dict[str, Any]) -> None:
        super().__init__(name=name_html, overlay=True, control=True, show=True)
        self._name = "ReferenceLayer"
        self.spec = spec

    def render(self, **kwargs: Any) -> Any:  # noqa: D102
        figure = _figure(self)
        code = (
            f"var {self.get_name()} = geokursk.referenceLayer("
            f"{_parent_name(self)}, {to_js(self.spec)});"
        )
        figure.script.add_child(RawText(code), name=self.get_name())
        return super().render(**kwargs)


class BlankBaseLayer(Layer):
    """A base layer without tiles: the offline background (the default)."""

    _template = Template(
        "{% macro script(this, kwargs) %}var {{ this.get_name() }} = L.layerGroup();{% endmacro %}"
    )

    def __init__(self, name: str, *, show: bool = True) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankBaseLayer"


class OfflineMiniMap(MiniMap):
    """folium's MiniMap (Leaflet-MiniMap) showing our outlines instead of tiles."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = new L.Control.MiniMap(geokursk.miniLayer(), "
        "{{ this.options|tojavascript }});"
        "{{ this._parent.get_name() }}.addControl({{ this.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._name = "OfflineMiniMap"
