"""Open exported self-contained maps in headless chromium with the network blocked.

Claims are drawn on a canvas (no DOM element per marker), so features are
counted through the Leaflet layer objects: ``geokursk.counts()`` in the page
returns how many place markers, "?" markers, areas and uncertainty circles
exist and are shown, and with clustering how many layers the cluster group
holds (``geokursk.cluster.getLayers().length``). Screen positions come from
``map.latLngToContainerPoint``. The real map is checked at a desktop window
(1400x900) and on a phone (390x844, touch).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from geokursk.claims import claim_places_frame, claims_frame, load_claims
from geokursk.mapexport import save_map
from geokursk.maps import claims_map, map_provenance

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE = Path(__file__).parent / "data" / "hostile_strings.txt"
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "server.arcgisonline.com")
DESKTOP, PHONE = (1400, 900), (390, 844)

if not CHROMIUM.exists():  # CI installs it through .ci/run
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


class Page:
    """A loaded map page and everything it tried to do."""

    def __init__(self, page: Any, size: tuple[int, int], touch: bool) -> None:
        self.page = page
        self.size = size
        self.touch = touch
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []

    def click(self, x: float, y: float) -> None:
        """Click (desktop) or tap (phone) at page coordinates."""
        if self.touch:
            # Two taps at one spot within a moment are a double tap (zoom in).
            self.page.wait_for_timeout(400)
            self.page.touchscreen.tap(x, y)
        else:
            self.page.mouse.click(x, y)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def open_map(browser: Any) -> Iterator[Callable[..., Page]]:
    contexts: list[Any] = []

    def _open(path: Path, viewport: tuple[int, int] = (1200, 800)) -> Page:
        touch = viewport[0] < 600
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            has_touch=touch,
            is_mobile=touch,
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        loaded = Page(page, viewport, touch)

        def route(r: Any) -> None:
            url = r.request.url
            loaded.requests.append(url)
            if url.startswith(("file:", "data:", "blob:")):
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: loaded.errors.append(f"pageerror: {exc}"))

        def console(msg: Any) -> None:
            if msg.type != "error":
                return
            # Blocked tile requests log "Failed to load resource"; anything
            # else logged as an error is a failure.
            if "Failed to load resource" in msg.text:
                return
            loaded.errors.append(f"console: {msg.text}")

        page.on("console", console)

        def dialog(d: Any) -> None:
            loaded.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.as_uri())
        page.wait_for_function("window.geokursk && window.geokursk.ready === true")
        if not touch:
            page.mouse.move(1, 1)
        page.wait_for_timeout(250)
        return loaded

    yield _open
    for context in contexts:
        context.close()


def _external(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]


# Page coordinates of every shown marker ("m" places and "?" places).
_MARKERS_JS = """() => {
  const box = geokursk.map.getContainer().getBoundingClientRect();
  return geokursk.items.filter((it) => it.shown && it.f.k !== "a").map((it) => {
    const p = geokursk.containerPoint(it);
    return {c: it.claim, i: it.f.i, k: it.f.k, l: it.f.l || "", x: box.left + p.x,
            y: box.top + p.y};
  });
}"""

# True when the point shows the claims canvas, not a control or panel above it.
_UNCOVERED_JS = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  return !!el && el.tagName === "CANVAS" && !!el.closest(".leaflet-gk-claims-pane");
}"""

# True when nothing covers the open popup (sampled on a grid inside it).
_POPUP_CLEAR_JS = """() => {
  const pop = document.querySelector(".leaflet-popup-content-wrapper");
  const r = pop.getBoundingClientRect();
  if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) { return false; }
  for (let fx = 0.05; fx < 1; fx += 0.15) {
    for (let fy = 0.05; fy < 1; fy += 0.15) {
      const el = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
      if (!el || !el.closest(".leaflet-popup")) { return false; }
    }
  }
  return true;
}"""

# Visible controls whose boxes overlap, or that leave the window.
_OVERLAPS_JS = """() => {
  const shown = Array.from(document.querySelectorAll(".leaflet-control")).filter((c) => {
    const r = c.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(c).visibility !== "hidden";
  });
  const out = [];
  const name = (c) => c.className.split(" ").filter((n) => n !== "leaflet-control").join(".");
  shown.forEach((a, i) => {
    const ra = a.getBoundingClientRect();
    if (ra.left < 0 || ra.top < 0 || ra.right > innerWidth + 0.5 || ra.bottom > innerHeight + 0.5) {
      out.push(["off-screen", name(a)]);
    }
    shown.slice(i + 1).forEach((b) => {
      if (a.contains(b) || b.contains(a)) { return; }
      const rb = b.getBoundingClientRect();
      if (ra.left < rb.right && ra.right > rb.left && ra.top < rb.bottom && ra.bottom > rb.top) {
        out.push([name(a), name(b)]);
      }
    });
  });
  return out;
}"""

# Labels drawn on the map: text, box, and whether a visible control covers them.
_LABELS_JS = """() => {
  const controls = Array.from(document.querySelectorAll(".leaflet-control")).filter((c) =>
    getComputedStyle(c).visibility !== "hidden").map((c) => c.getBoundingClientRect());
  return Array.from(document.querySelectorAll(".gk-label")).map((el) => {
    const r = el.getBoundingClientRect();
    const covered = controls.some((c) =>
      r.left < c.right && r.right > c.left && r.top < c.bottom && r.bottom > c.top);
    const inView = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    return {text: el.textContent, kind: el.className, covered: covered, inView: inView};
  });
}"""


def _in_view(point: dict[str, Any], size: tuple[int, int] = (1200, 800)) -> bool:
    return 0 < point["x"] < size[0] and 0 < point["y"] < size[1]


# What covers the open popup, if anything (for failure messages).
_POPUP_COVER_JS = """() => {
  const pop = document.querySelector(".leaflet-popup-content-wrapper");
  if (!pop) { return "no popup"; }
  const r = pop.getBoundingClientRect();
  const out = [[r.left, r.top, r.right, r.bottom].map(Math.round).join(",")];
  for (let fx = 0.05; fx < 1; fx += 0.15) {
    for (let fy = 0.05; fy < 1; fy += 0.15) {
      const el = document.elementFromPoint(r.left + fx * r.width, r.top + fy * r.height);
      if (!el || !el.closest(".leaflet-popup")) { out.push(el ? el.className : "outside"); }
    }
  }
  return out.join(" | ");
}"""


def _wait_popup_clear(page: Any, what: object) -> None:
    """Wait until the map has panned the popup clear and panels it overlaps stepped aside."""
    try:
        page.wait_for_function(_POPUP_CLEAR_JS, timeout=3_000)
    except Exception as exc:  # playwright's TimeoutError
        raise AssertionError(f"{what}: popup covered: {page.evaluate(_POPUP_COVER_JS)}") from exc


def _close_popup(page: Any) -> None:
    page.evaluate("() => { geokursk.map.closePopup(); }")
    page.wait_for_function("!document.querySelector('.leaflet-popup')")


@pytest.fixture
def sample_page(
    tmp_path: Path, sample_frames: Any, reference_data: Any, open_map: Callable[..., Page]
) -> Page:
    m = claims_map(*sample_frames, reference_data=reference_data)
    path = save_map(m, tmp_path / "sample.html", self_contained=True)
    return open_map(path)


def test_self_contained_map_loads_without_errors_or_asset_requests(sample_page: Page) -> None:
    assert sample_page.errors == []
    assert sample_page.page.evaluate("typeof L") == "object"
    # No request at all: the offline background is the default base layer.
    assert _external(sample_page.requests) == []


def test_markers_areas_and_unknown_places_are_all_drawn_on_a_canvas(sample_page: Page) -> None:
    page = sample_page.page
    counts = page.evaluate("geokursk.counts()")
    # sample_claims: 6 resolved places drawn as points (5 of them settlements
    # with an uncertainty circle; North Korea is its outline), 3 claim
    # polygons, 1 unresolved place drawn at its claim, 1 claim with no location.
    assert counts["places"] == counts["shownPlaces"] == 6
    assert counts["areas"] == 3 and counts["unknown"] == 1 and counts["unlocated"] == 1
    assert counts["circles"] == 5
    assert counts["clustered"] is None  # a small map is not clustered
    # No DOM element per feature: claims and the background are on canvases.
    assert page.locator(".leaflet-marker-icon").count() == 0
    assert page.locator(".leaflet-gk-claims-pane canvas").count() == 1
    assert page.locator(".leaflet-gk-reference-pane canvas").count() == 1
    # (the overview map draws its frame as one SVG path of its own)
    assert (
        page.evaluate(
            "document.querySelectorAll('path').length"
            " - document.querySelectorAll('.leaflet-control path').length"
        )
        == 0
    )
    assert page.locator("details.gk-unlocated-claim").count() == 1
    assert page.locator(".leaflet-control-layers-overlays label").count() == 4 + 6
    radii = page.evaluate("geokursk.circleGroup.getLayers().map((c) => c.getRadius())")
    assert len(radii) == 5 and max(radii) <= 15_000


def test_controls_start_folded_and_cover_no_marker(sample_page: Page) -> None:
    page = sample_page.page
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    assert page.locator("details.gk-fold").count() == 3  # filter, no place, legend
    # On a wide window only the legend is open.
    assert page.locator("details.gk-fold[open]").count() == 1
    assert page.locator(".gk-legend details[open]").count() == 1
    markers = [p for p in page.evaluate(_MARKERS_JS) if _in_view(p)]
    assert len(markers) >= 5
    covered = [p for p in markers if not page.evaluate(_UNCOVERED_JS, [p["x"], p["y"]])]
    assert covered == []


def test_clicking_a_marker_opens_an_uncovered_popup_with_the_place_first(
    sample_page: Page,
) -> None:
    page = sample_page.page
    seen = []
    for n in range(len(page.evaluate(_MARKERS_JS))):
        # Opening a popup pans the map: back to the first view before each click.
        page.evaluate("() => { geokursk.fitView(); }")
        point = page.evaluate(_MARKERS_JS)[n]
        if point["k"] != "m" or not _in_view(point):
            continue
        page.mouse.click(point["x"], point["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        _wait_popup_clear(page, point)
        seen.append(popup.inner_text())
        _close_popup(page)
    assert len(seen) >= 4
    joined = "\n".join(seen)
    assert "at least 30 killed and wounded (North Korean soldiers)" in joined
    assert "about 200 captured (Russian soldiers)" in joined
    plekhovo = next(s for s in seen if "Plekhovo / Плёхово" in s)
    assert plekhovo.index("Plekhovo / Плёхово") < plekhovo.index("GUR")  # the place first
    assert "How it was found: located" in plekhovo
    assert sample_page.errors == []


def test_unknown_place_marker_says_location_unknown(sample_page: Page) -> None:
    page = sample_page.page
    (point,) = [p for p in page.evaluate(_MARKERS_JS) if p["k"] == "u"]
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert "location unknown" in tip.inner_text()
    page.mouse.click(point["x"], point["y"])
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "Kurilovka" in text
    assert "location unknown" in text
    assert "more than 500 killed (Ukrainian soldiers)" in text


def test_tooltips_are_readable_lines_not_a_word_per_line(sample_page: Page) -> None:
    page = sample_page.page
    point = next(p for p in page.evaluate(_MARKERS_JS) if p["l"] == "Martynovka")
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    box = tip.bounding_box()
    assert box is not None and box["width"] > 120 and box["height"] < 80


def test_date_filter_hides_claims_outside_the_range(sample_page: Page) -> None:
    page = sample_page.page
    before = page.evaluate("geokursk.counts().shownPlaces")
    page.locator(".gk-filter summary").click()
    # Move "to" to the earliest date: only claims made that day stay.
    page.evaluate(
        "() => { const to = document.querySelector('input.gk-to'); to.value = '0';"
        " to.dispatchEvent(new Event('input')); }"
    )
    after = page.evaluate("geokursk.counts().shownPlaces")
    assert 0 < after < before
    assert sample_page.errors == []


def test_side_toggle_removes_that_sides_layers(sample_page: Page) -> None:
    page = sample_page.page
    before = page.evaluate("geokursk.counts().shownPlaces")
    page.locator(".gk-filter summary").click()
    toggle = page.locator("label", has_text="Ukraine").locator("input.gk-side-toggle")
    toggle.uncheck()
    assert page.evaluate("geokursk.counts().shownPlaces") == before - 4  # GUR 3 + Zelensky 1
    toggle.check()
    assert page.evaluate("geokursk.counts().shownPlaces") == before


def _hostile_claims() -> list[dict[str, Any]]:
    strings = [s for s in HOSTILE.read_text(encoding="utf-8").split("\n") if s.strip()]
    claims = []
    for i, s in enumerate(strings):
        claims.append(
            {
                "claim_id": f"h{i}-{s[:20]}",
                "claimant": s,
                "side": s if i % 5 == 0 else "Ukraine",
                "outlet": s,
                "paraphrase": s,
                "key_phrases": [s],
                "figures": [f"at least {i} killed {s}"],
                "responses": [s],
                "places": [
                    {
                        "place": s,
                        "name_ru": s,
                        "lat": 51.0 + (i % 3) * 0.01,  # three claims share each point
                        "lon": 35.0 + (i // 3) * 0.01,
                        "reason": s,
                        "alternatives": [{"name": s, "admin1": s, "score": 50, "reason": s}],
                    },
                    {"place": s + " (unresolved)"},
                ],
            }
        )
    return claims


def test_hostile_strings_execute_nothing_and_render_as_text(
    tmp_path: Path, make_claim_frames: Any, open_map: Callable[..., Page]
) -> None:
    claims = _hostile_claims()
    claims_gdf, places_gdf = make_claim_frames(claims)
    m = claims_map(claims_gdf, places_gdf, reference=False, title=claims[0]["claimant"])
    path = save_map(m, tmp_path / "hostile.html", self_contained=True)
    loaded = open_map(path)
    page = loaded.page
    texts = page.evaluate(
        """() => {
            const out = [];
            geokursk.items.forEach((it) => {
                const el = geokursk.openItem(it).getElement();
                const c = el && el.querySelector('.leaflet-popup-content');
                out.push(c ? c.textContent : '');
                geokursk.map.openTooltip(geokursk.tip.setLatLng(
                    it.layer.getLatLng ? it.layer.getLatLng() : it.layer.getCenter()
                ).setContent(it.f.t));
            });
            const list = geokursk.openList(geokursk.items.slice(0, 9), geokursk.map.getCenter());
            out.push(list.getElement().textContent);
            document.querySelectorAll('details').forEach((d) => { d.open = true; });
            document.querySelectorAll('a[data-gk-item]').forEach((a) => a.click());
            out.push(geokursk.exportCSV(), geokursk.exportGeoJSON());
            return out;
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned === undefined && window.pwned === undefined")
    assert loaded.dialogs == []
    assert loaded.errors == []
    assert _external(loaded.requests) == []
    # Every hostile string shows up literally as text in some popup.
    joined = "\n".join(texts)
    for claim in claims:
        assert claim["paraphrase"].strip() in joined, claim["paraphrase"]
    # Layer names and the title are text too.
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(claims[1]["claimant"].strip() in label for label in labels)
    assert claims[0]["claimant"].strip() in (page.locator(".gk-title h1").text_content() or "")


def test_clustered_and_compressed_maps_draw_the_same_claims(
    tmp_path: Path, sample_frames: Any, reference_data: Any, open_map: Callable[..., Page]
) -> None:
    counts = []
    for compress in (False, True):
        m = claims_map(
            *sample_frames, reference_data=reference_data, compress=compress, cluster=True
        )
        loaded = open_map(save_map(m, tmp_path / f"c{compress}.html", self_contained=True))
        page = loaded.page
        assert loaded.errors == []
        counts.append(page.evaluate("geokursk.counts()"))
        # The cluster group holds every place and "?" marker (7) ...
        assert page.evaluate("geokursk.cluster.getLayers().length") == 7
        # ... and its DOM icons are clusters only, far fewer than the markers.
        assert page.locator(".marker-cluster").count() < 7
        assert page.evaluate("geokursk.openClaim('gur-losses')")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        assert "at least 30 killed and wounded" in popup.inner_text()
        assert _external(loaded.requests) == []
    assert counts[0] == counts[1]
    assert counts[0]["clustered"] == 7 and counts[0]["places"] == 6 and counts[0]["areas"] == 3


# --- the real map, at a desktop window and on a phone ------------------------------------


@pytest.fixture(scope="module")
def real_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    claims = load_claims(None)
    m = claims_map(
        claims_frame(claims),
        claim_places_frame(claims),
        title="North Korean troops in Kursk: who claimed what",
        provenance=map_provenance(None),
    )
    return save_map(m, tmp_path_factory.mktemp("real") / "real.html", self_contained=True)


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def real_page(
    request: pytest.FixtureRequest, real_map: Path, open_map: Callable[..., Page]
) -> Page:
    return open_map(real_map, request.param)


VILLAGES = ("Plekhovo", "Vorobzha", "Martynovka", "Kurilovka")


def test_real_map_opens_on_the_claims_with_their_villages_and_nearby_towns_labelled(
    real_page: Page,
) -> None:
    page, size = real_page.page, real_page.size
    assert real_page.errors == []
    assert _external(real_page.requests) == []
    assert page.locator("details.gk-fold[open]").count() == (0 if size == PHONE else 1)
    markers = page.evaluate(_MARKERS_JS)
    villages = [p for p in markers if p["c"] in ("gur-dprk-losses", "gur-dprk-missing")]
    assert sorted(p["l"] for p in villages) == sorted(VILLAGES)
    for point in villages:
        assert _in_view(point, size), point
        assert page.evaluate(_UNCOVERED_JS, [point["x"], point["y"]]), point
    # The first view fits the claims: the villages spread over the window, not in a corner.
    xs = [p["x"] for p in villages]
    assert max(xs) - min(xs) > 70
    labels = page.evaluate(_LABELS_JS)
    shown = {lab["text"] for lab in labels if lab["inView"] and not lab["covered"]}
    assert set(VILLAGES) <= shown, shown
    assert "Sudzha" in shown  # the town next to them
    towns = {
        lab["text"] for lab in labels if "gk-l-town" in lab["kind"] or "gk-l-city" in lab["kind"]
    }
    assert len(towns) >= 2, towns
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"real_map_{size[0]}x{size[1]}.png"))


def test_real_map_has_a_title_and_says_where_its_data_came_from(real_page: Page) -> None:
    page = real_page.page
    title = page.title()
    assert title.startswith("North Korean troops in Kursk: who claimed what — ")
    assert "kursk_dprk_2024-12.json (SHA-256 " in title and "geokursk " in title
    page.locator(".gk-about summary").click()
    about = page.locator(".gk-about-body").inner_text()
    assert "ru-register" in about and "GPL-3.0-or-later" in about and "geokursk 0.1.0" in about
    # The panel that opened pushes the controls aside on the next layout pass: on a loaded
    # machine that pass can come late, so the layout is given time to settle.
    with contextlib.suppress(sync_api.TimeoutError):
        page.wait_for_function(f"({_OVERLAPS_JS})().length === 0", timeout=3_000)
    assert page.evaluate(_OVERLAPS_JS) == []


def _open_each_panel(loaded: Page) -> Iterator[str]:
    """Open every folding panel and menu in turn; yield its name while it is open."""
    page = loaded.page
    for selector in (
        ".gk-about > summary",
        ".gk-filter .gk-fold > summary",
        ".gk-unlocated .gk-fold > summary",
        ".gk-legend .gk-fold > summary",
    ):
        page.locator(selector).click()
        page.wait_for_timeout(150)
        yield selector
        if page.locator(selector).is_visible():
            page.locator(selector).click()
            page.wait_for_timeout(100)
    layers = page.locator(".leaflet-control-layers")
    if loaded.touch:
        layers.locator(".leaflet-control-layers-toggle").tap()
    else:
        layers.hover()
    page.wait_for_timeout(200)
    assert page.locator(".leaflet-control-layers-expanded").count() == 1
    yield "layer control"
    page.mouse.click(loaded.size[0] // 2, loaded.size[1] - 120)  # on the map: it folds
    page.wait_for_timeout(150)
    page.locator(".gk-download-btn").click()
    yield "download menu"
    page.locator(".gk-download-btn").click()


def test_no_panel_covers_another_whichever_is_open(real_page: Page) -> None:
    page = real_page.page
    assert page.evaluate(_OVERLAPS_JS) == []
    for name in _open_each_panel(real_page):
        assert page.evaluate(_OVERLAPS_JS) == [], name
    page.wait_for_timeout(150)
    assert page.evaluate(_OVERLAPS_JS) == []
    assert real_page.errors == []


def _click_claim(loaded: Page, cid: str) -> str:
    """Open claim ``cid`` by clicking where it is drawn (choosing it from a list if
    several claims are there); return the popup's text."""
    page = loaded.page
    target = page.evaluate(
        """(cid) => {
          const map = geokursk.map;
          const it = geokursk.items.find((x) => x.claim === cid && x.shown && x.f.k !== "a")
                  || geokursk.items.find((x) => x.claim === cid && x.shown);
          if (!it) { return null; }
          const box = map.getContainer().getBoundingClientRect();
          if (it.f.k !== "a") {
            map.setView(it.layer.getLatLng(), Math.max(map.getZoom(), 10), {animate: false});
            const p = geokursk.containerPoint(it);
            return {x: box.left + p.x, y: box.top + p.y};
          }
          // An area: a point inside it where the map (not a panel) is, in the middle third.
          map.fitBounds(it.layer.getBounds(), {animate: false});
          const size = map.getSize();
          for (let fy = 0.35; fy <= 0.65; fy += 0.05) {
            for (let fx = 0.35; fx <= 0.65; fx += 0.05) {
              const cp = L.point(size.x * fx, size.y * fy);
              const el = document.elementFromPoint(box.left + cp.x, box.top + cp.y);
              if (it.layer._containsPoint(map.containerPointToLayerPoint(cp)) && el &&
                  el.closest(".leaflet-gk-claims-pane")) {
                return {x: box.left + cp.x, y: box.top + cp.y};
              }
            }
          }
          return null;
        }""",
        cid,
    )
    assert target is not None, f"{cid} is drawn nowhere that can be clicked"
    # The new view is drawn on the next frames; on a loaded machine they come late.
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    page.wait_for_timeout(100)
    loaded.click(target["x"], target["y"])
    page.locator(".leaflet-popup-content").wait_for(timeout=5_000)
    if page.locator(".gk-list").count():
        index = page.evaluate(
            "(cid) => geokursk.list.items.findIndex((it) => it.claim === cid)", cid
        )
        assert index >= 0, (
            cid,
            target,
            page.evaluate(
                "[geokursk.map.getZoom(), geokursk.list.items.map((it) => it.claim + '/' + it.f.k)]"
            ),
        )
        item = page.locator(f'a[data-gk-item="{index}"]')
        item.click()
        try:
            page.locator(".gk-back").wait_for(timeout=5_000)
        except sync_api.TimeoutError:  # a click lost while a loaded machine redrew the list
            item.click()
            page.locator(".gk-back").wait_for(timeout=10_000)
    _wait_popup_clear(page, cid)
    text = page.locator(".leaflet-popup-content").inner_text()
    _close_popup(page)
    return text


def test_every_claim_can_be_opened_by_clicking(real_page: Page) -> None:
    page = real_page.page
    ids = page.evaluate("Object.keys(geokursk.claims).sort()")
    assert len(ids) == 16
    unlocated = set(page.evaluate("geokursk.unlocated.map((u) => u.c)"))
    for cid in ids:
        if cid in unlocated:
            panel = page.locator(".gk-unlocated .gk-fold > summary")
            panel.click()
            row = page.locator(f'details[data-gk-unlocated="{cid}"]')
            row.locator("summary").click()
            row.locator(".gk-id").wait_for(timeout=5_000)
            assert f"claim {cid}" in row.inner_text()
            row.locator("summary").click()
            panel.click()
            continue
        text = _click_claim(real_page, cid)
        assert f"claim {cid}" in text, (cid, text[:200])
    assert real_page.errors == []


def test_three_claims_on_one_point_are_each_reachable_from_a_list(real_page: Page) -> None:
    page = real_page.page
    spot = [p for p in page.evaluate(_MARKERS_JS) if p["l"] == "Kursk Oblast"]
    assert len(spot) == 3  # three claims about the whole oblast share its point
    page.evaluate("() => { geokursk.map.setView([51.74, 36.29], 8, {animate: false}); }")
    point = next(p for p in page.evaluate(_MARKERS_JS) if p["l"] == "Kursk Oblast")
    real_page.click(point["x"], point["y"])
    page.locator(".gk-list").wait_for(timeout=5_000)
    entries = page.locator("a[data-gk-item]")
    assert entries.count() == 3
    assert "US Department of Defense (Pentagon)" in page.locator(".gk-list").inner_text()


def test_download_button_gives_the_claims_shown_as_geojson_and_csv(real_page: Page) -> None:
    page = real_page.page
    page.locator(".gk-download-btn").click()
    with page.expect_download() as info:
        page.locator(".gk-download-geojson").click()
    doc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    ids = {f["properties"]["claim_id"] for f in doc["features"]}
    assert len(ids) == 16
    plekhovo = next(f for f in doc["features"] if f["properties"]["place"] == "Plekhovo")
    lon, lat = plekhovo["geometry"]["coordinates"]
    assert abs(lat - 51.1) < 0.01 and abs(lon - 35.33) < 0.01  # GeoJSON order: lon, lat
    assert all(f["geometry"] is None or f["geometry"]["type"] == "Point" for f in doc["features"])
    # After switching a side off, the download holds the other sides only.
    page.locator(".gk-filter summary").click()
    page.locator("label", has_text="Ukraine").locator("input.gk-side-toggle").uncheck()
    page.locator(".gk-filter summary").click()
    page.locator(".gk-download-btn").click()
    with page.expect_download() as info:
        page.locator(".gk-download-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert rows and "ukraine" not in {r["side"] for r in rows}
    assert {"claim_id", "claimant", "lat", "lon", "place_name_cyrillic"} <= set(rows[0])
    assert real_page.errors == []
