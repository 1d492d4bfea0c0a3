"""Save folium maps as HTML files: reproducible, atomic and, on request, offline.

:func:`save_map` renders a map with stable element ids (folium names every
element with a random hex id, so two renders of the same map would differ),
and writes it through :mod:`geokursk.atomic`, so a failed export never
leaves a partial file behind.

With ``self_contained=True`` every ``<script src>`` and stylesheet
``<link href>`` that folium emits is replaced by the asset's text, taken
from installed XStatic packages (Leaflet, jQuery, Leaflet.markercluster,
Font Awesome) or from the copies of folium plugins' JavaScript that
geokursk vendors with their licences (``geokursk/maps/static/vendor/``:
Leaflet.fullscreen, Leaflet-MiniMap, leaflet-measure); images and fonts
those stylesheets refer to become ``data:`` URIs. Folium's Bootstrap,
glyphicons and awesome-markers assets are dropped when the page does not
use them (there is no installable copy of them). An asset that cannot be
found locally is an :class:`~geokursk.errors.ExportError`, never a silent
CDN link. Map tiles are still loaded from the network when
there is one; the map's vector layers do not need them.
"""

from __future__ import annotations

import base64
import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from geokursk.atomic import write_bytes_atomic
from geokursk.errors import ArgumentTypeError, ExportError

__all__ = ["inline_assets", "save_map", "stable_ids"]

_SCRIPT_TAG = re.compile(r'<script src="([^"]+)"></script>')
_CSS_TAG = re.compile(r'<link rel="stylesheet" href="([^"]+)"/>')
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.MULTILINE)
_CSS_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")

_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}


@dataclass(frozen=True)
class _Asset:
    package: str  # xstatic.pkg.<package>, or "geokursk.maps" for the vendored plugins
    path: str  # relative to the package's BASE_DIR (or to geokursk/maps/static/vendor)


_VENDOR = "geokursk.maps"


# (pattern on the URL's file name, pattern the full URL must contain, asset)
_ASSETS: tuple[tuple[re.Pattern[str], str, _Asset], ...] = (
    (re.compile(r"^leaflet(-src)?\.js$"), "leaflet", _Asset("leaflet", "leaflet.js")),
    (re.compile(r"^leaflet\.css$"), "leaflet", _Asset("leaflet", "leaflet.css")),
    (re.compile(r"^jquery(-[\d.]+)?(\.min)?\.js$"), "jquery", _Asset("jquery", "jquery.min.js")),
    (
        re.compile(r"^leaflet\.markercluster(-src)?\.js$"),
        "markercluster",
        _Asset("leaflet_markercluster", "leaflet.markercluster.js"),
    ),
    (
        re.compile(r"^markercluster\.css$", re.IGNORECASE),
        "markercluster",
        _Asset("leaflet_markercluster", "MarkerCluster.css"),
    ),
    (
        re.compile(r"^markercluster\.default\.css$", re.IGNORECASE),
        "markercluster",
        _Asset("leaflet_markercluster", "MarkerCluster.Default.css"),
    ),
    (
        re.compile(r"^all(\.min)?\.css$"),
        "fontawesome",
        _Asset("font_awesome", "css/all.min.css"),
    ),
    # folium.plugins used by geokursk.maps, vendored from npm with their licences.
    (
        re.compile(r"^Control\.FullScreen(\.min)?\.js$"),
        "fullscreen",
        _Asset(_VENDOR, "leaflet.fullscreen-3.0.0/Control.FullScreen.js"),
    ),
    (
        re.compile(r"^Control\.FullScreen(\.min)?\.css$"),
        "fullscreen",
        _Asset(_VENDOR, "leaflet.fullscreen-3.0.0/Control.FullScreen.css"),
    ),
    (
        re.compile(r"^Control\.MiniMap(\.min)?\.js$"),
        "minimap",
        _Asset(_VENDOR, "leaflet-minimap-3.6.1/Control.MiniMap.min.js"),
    ),
    (
        re.compile(r"^Control\.MiniMap(\.min)?\.css$"),
        "minimap",
        _Asset(_VENDOR, "leaflet-minimap-3.6.1/Control.MiniMap.min.css"),
    ),
    (
        re.compile(r"^leaflet-measure(\.min)?\.js$"),
        "leaflet-measure@2.1.7",
        _Asset(_VENDOR, "leaflet-measure-2.1.7/leaflet-measure.min.js"),
    ),
    (
        re.compile(r"^leaflet-measure(\.min)?\.css$"),
        "leaflet-measure@2.1.7",
        _Asset(_VENDOR, "leaflet-measure-2.1.7/leaflet-measure.css"),
    ),
)

# Folium adds these to every map. No installable package carries them
# (xstatic-bootstrap does not build), so they are dropped; that is only safe
# when the page does not call into them, which `_check_droppable` verifies.
_DROPPABLE = (
    re.compile(r"bootstrap"),
    re.compile(r"awesome-markers|awesome\.rotate"),
)
_NEEDS_DROPPED = ("L.AwesomeMarkers", "bootstrap.", "$('[data-bs", "new bootstrap")


# --- stable ids -----------------------------------------------------------------


def _walk(element: Any) -> Iterator[Any]:
    seen: set[int] = set()
    stack = [element]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        children = list(getattr(node, "_children", {}).values())
        for extra in ("header", "html", "script"):
            child = getattr(node, extra, None)
            if child is not None and hasattr(child, "_children"):
                children.append(child)
        stack.extend(reversed(children))


def stable_ids(m: Any) -> None:
    """Give every element of a folium figure an id derived from its position.

    Folium and branca name elements ``<kind>_<random hex>``; this replaces
    the random part with a counter in depth-first creation order, so the same
    map always renders to the same text.

    Parameters
    ----------
    m : folium.Map or branca.element.Element
        Any element; the whole figure it belongs to is renumbered.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> stable_ids(m)
    >>> m.get_name()
    'map_1'
    """
    root = m.get_root() if hasattr(m, "get_root") else m
    for n, element in enumerate(_walk(root)):
        element._id = str(n)


# --- self-contained assets -------------------------------------------------------


def _asset_file(asset: _Asset) -> Path:
    if asset.package == _VENDOR:
        path = Path(str(resources.files(_VENDOR).joinpath("static", "vendor", asset.path)))
        if not path.is_file():
            raise ExportError(f"cannot inline {asset.path!r}: {str(path)!r} does not exist")
        return path
    try:
        module = importlib.import_module(f"xstatic.pkg.{asset.package}")
    except ImportError as exc:
        raise ExportError(
            f"cannot inline {asset.path!r}: the package providing xstatic.pkg.{asset.package} "
            f"is not installed; install geokursk's dependencies (pip install -e .)"
        ) from exc
    path = Path(module.BASE_DIR) / asset.path
    if not path.is_file():
        raise ExportError(f"cannot inline {asset.path!r}: {str(path)!r} does not exist")
    return path


def _lookup(url: str) -> _Asset | None:
    name = Path(urlsplit(url).path).name
    for pattern, marker, asset in _ASSETS:
        if pattern.match(name) and marker in url.lower():
            return asset
    return None


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower())
    if mime is None:
        raise ExportError(f"cannot inline {str(path)!r}: unknown file type {path.suffix!r}")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    text = _CSS_SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))

    def repl(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")):
            return match.group(0)
        target = (path.parent / urlsplit(ref).path).resolve()
        if not target.is_file():
            raise ExportError(f"cannot inline {ref!r} referenced by {str(path)!r}: file not found")
        return f'url("{_data_uri(target)}")'

    text = _CSS_URL.sub(repl, text)
    # Inside <style>, only "</style" could end the element early.
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE) + "</style>"


def _inline_js(path: Path) -> str:
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    # In script data these sequences could end the element or confuse the
    # parser; in minified JS they can only occur inside string literals,
    # where the escaped form means the same.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    text = text.replace("<!--", "<\\!--")
    return "<script>" + text + "</script>"


def _leaflet_icon_fix() -> str:
    # Leaflet finds its default marker images through a CSS url(); once that
    # is a data: URI its path detection breaks, so point it at data URIs.
    images = Path(_asset_file(_Asset("leaflet", "leaflet.css"))).parent / "images"
    opts = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    body = ",".join(f'{k}:"{v}"' for k, v in opts.items())
    return f"<script>L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{{body}}});</script>"


def inline_assets(page: str) -> str:
    """Replace external script and stylesheet links of a rendered page by their text.

    Parameters
    ----------
    page : str
        HTML rendered by folium / branca.

    Returns
    -------
    str
        The page with every ``<script src>`` and stylesheet ``<link>`` inlined
        from installed packages, or dropped when it is an unused folium
        default (Bootstrap, awesome-markers).

    Raises
    ------
    geokursk.errors.ExportError
        If an asset has no local copy, or a dropped asset is used by the page.

    Examples
    --------
    >>> inline_assets("<p>no assets</p>")
    '<p>no assets</p>'
    """
    missing: list[str] = []
    dropped: list[str] = []
    cache: dict[str, str] = {}

    def replace(match: re.Match[str], kind: str) -> str:
        url = match.group(1)
        if url in cache:
            return ""  # the same asset linked twice is inlined once
        asset = _lookup(url)
        if asset is None:
            if any(p.search(url.lower()) for p in _DROPPABLE):
                dropped.append(url)
                cache[url] = ""
                return ""
            missing.append(url)
            return match.group(0)
        path = _asset_file(asset)
        text = _inline_js(path) if kind == "js" else _inline_css(path)
        if asset.path == "leaflet.js":
            text += _leaflet_icon_fix()
        cache[url] = text
        return text

    page = _SCRIPT_TAG.sub(lambda mt: replace(mt, "js"), page)
    page = _CSS_TAG.sub(lambda mt: replace(mt, "css"), page)
    if missing:
        raise ExportError(
            "cannot make the map self-contained: no local copy of "
            + ", ".join(repr(u) for u in missing)
            + "; use geokursk.maps.claims_map's built-in controls instead of folium plugins "
            "that load assets from a CDN, or save with self_contained=False"
        )
    if dropped:
        used = [needle for needle in _NEEDS_DROPPED if needle in page]
        if used:
            raise ExportError(
                f"cannot make the map self-contained: it uses {used[0]!r}, whose assets "
                f"({', '.join(repr(u) for u in dropped)}) have no local copy; draw markers "
                "with CircleMarker or DivIcon instead of folium.Icon"
            )
    leftover = re.search(r"<(script|link)\b[^>]*\b(src|href)=\"(https?:)?//", page)
    if leftover:
        raise ExportError(
            f"cannot make the map self-contained: unexpected external asset near "
            f"{page[leftover.start() : leftover.start() + 120]!r}"
        )
    return page


# --- writing --------------------------------------------------------------------


def save_map(m: Any, path: str | os.PathLike[str], *, self_contained: bool = False) -> Path:
    """Render a folium map to an HTML file, atomically and reproducibly.

    Parameters
    ----------
    m : folium.Map
        The map, e.g. from :func:`geokursk.maps.claims_map`. Its element ids
        are renumbered (see :func:`stable_ids`).
    path : str or os.PathLike
        Output file; missing parent directories are created.
    self_contained : bool, default False
        Inline every JavaScript and CSS asset from installed packages so the
        file works without network (see :func:`inline_assets`).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    geokursk.errors.ExportError
        If an asset cannot be inlined or the file cannot be written; no
        partial file is left behind either way.

    Examples
    --------
    >>> import folium
    >>> save_map(folium.Map(tiles=None), "/tmp/empty_map.html")  # doctest: +SKIP
    PosixPath('/tmp/empty_map.html')
    """
    if not hasattr(m, "get_root"):
        raise ArgumentTypeError("save_map", "m", "a folium map (geokursk.claims_map)", m)
    if not isinstance(path, str | os.PathLike):
        raise ArgumentTypeError("save_map", "path", "a str or Path", path)
    target = Path(path)
    stable_ids(m)
    page = m.get_root().render()
    if self_contained:
        page = inline_assets(page)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(page.encode("utf-8"), target)
    except (OSError, ExportError) as exc:
        cause = exc.__cause__ if isinstance(exc, ExportError) and exc.__cause__ else exc
        reason = getattr(cause, "strerror", None) or cause
        raise ExportError(
            f"could not write the map to {str(target)!r}: {reason}; "
            "check that the directory exists or can be created and is writable"
        ) from exc
    return target
