"""Open exported self-contained maps in headless chromium with the network blocked.

Claims are drawn on a canvas (no DOM element per marker), so features are
counted through the Leaflet layer objects: ``geokursk.counts()`` in the page
returns how many place markers, "?" markers, areas and uncertainty circles
exist and are shown, and with clustering how many layers the cluster group
holds (``geokursk.cluster.getLayers().length``). Screen positions come from
``map.latLngToContainerPoint``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from geokursk.claims import claim_places_frame, claims_frame, load_claims
from geokursk.mapexport import save_map
from geokursk.maps import claims_map

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE = Path(__file__).parent / "data" / "hostile_strings.txt"
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com", "server.arcgisonline.com")

if not CHROMIUM.exists():  # CI installs it through .ci/run
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


class Page:
    """A loaded map page and everything it tried to do."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []


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
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        loaded = Page(page)

        def route(r: Any) -> None:
            url = r.request.url
            loaded.requests.append(url)
            if url.startswith(("file:", "data:")):
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
        page.mouse.move(1, 1)
        page.wait_for_timeout(200)
        return loaded

    yield _open
    for context in contexts:
        context.close()


def _external(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("file:", "data:"))]


# Page coordinates of every shown marker ("m" places and "?" places).
_MARKERS_JS = """() => {
  const box = geokursk.map.getContainer().getBoundingClientRect();
  return geokursk.items.filter((it) => it.shown && it.f.k !== "a").map((it) => {
    const p = geokursk.containerPoint(it);
    return {c: it.claim, i: it.f.i, k: it.f.k, x: box.left + p.x, y: box.top + p.y};
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


def _in_view(point: dict[str, Any], size: tuple[int, int] = (1200, 800)) -> bool:
    return 0 < point["x"] < size[0] and 0 < point["y"] < size[1]


def _use_blank_background(page: Any) -> None:
    """Pick "No tiles" in the layer control, then leave it: it collapses again."""
    page.locator(".leaflet-control-layers").hover()  # the layer control opens on hover
    page.locator("label", has_text="No tiles").locator("input").check()
    page.mouse.move(1, 1)
    page.wait_for_timeout(300)
    assert page.locator(".leaflet-control-layers-expanded").count() == 0


@pytest.fixture
def sample_page(
    tmp_path: Path, sample_frames: Any, reference_frames: Any, open_map: Callable[..., Page]
) -> Page:
    claims_gdf, places_gdf = sample_frames
    admin1, borders = reference_frames
    m = claims_map(claims_gdf, places_gdf, admin1=admin1, borders=borders)
    path = save_map(m, tmp_path / "sample.html", self_contained=True)
    return open_map(path)


def test_self_contained_map_loads_without_errors_or_asset_requests(sample_page: Page) -> None:
    assert sample_page.errors == []
    assert sample_page.page.evaluate("typeof L") == "object"
    # The only network requests are map tiles, which the offline page may lack.
    others = [u for u in _external(sample_page.requests) if not any(h in u for h in TILE_HOSTS)]
    assert others == []


def test_markers_areas_and_unknown_places_are_all_drawn_on_a_canvas(sample_page: Page) -> None:
    page = sample_page.page
    counts = page.evaluate("geokursk.counts()")
    # sample_claims: 7 resolved places (5 of them settlements with an
    # uncertainty circle), 3 claim polygons, 1 unresolved place drawn at its
    # claim, 1 claim with no location (listed in the panel).
    assert counts["places"] == counts["shownPlaces"] == 7
    assert counts["areas"] == 3 and counts["unknown"] == 1 and counts["unlocated"] == 1
    assert counts["circles"] == 5
    assert counts["clustered"] is None  # a small map is not clustered
    # No DOM element per feature: claims are on the canvas, only the
    # reference outlines are SVG paths.
    assert page.locator(".leaflet-marker-icon").count() == 0
    assert page.locator(".leaflet-gk-claims-pane canvas").count() == 1
    assert page.locator("path.leaflet-interactive").count() == 0
    assert page.locator("path.gk-outline").count() >= 2
    assert page.locator("path.gk-border").count() >= 1
    assert page.locator("details.gk-unlocated-claim").count() == 1
    assert page.locator(".leaflet-control-layers-overlays label").count() == 2 + 6
    # The uncertainty circles on the map are the settlements' (2 km), nothing wider.
    radii = page.evaluate("geokursk.circleGroup.getLayers().map((c) => c.getRadius())")
    assert len(radii) == 5 and max(radii) <= 15_000


def test_controls_start_collapsed_and_cover_no_marker(sample_page: Page) -> None:
    page = sample_page.page
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    assert page.locator("details.gk-fold").count() == 2
    assert page.locator("details.gk-fold[open]").count() == 0
    markers = [p for p in page.evaluate(_MARKERS_JS) if _in_view(p)]
    assert len(markers) >= 6
    covered = [p for p in markers if not page.evaluate(_UNCOVERED_JS, [p["x"], p["y"]])]
    assert covered == []


def test_clicking_a_marker_opens_an_uncovered_popup_with_the_claims_figures(
    sample_page: Page,
) -> None:
    page = sample_page.page
    seen = []
    for n in range(len(page.evaluate(_MARKERS_JS))):
        # Positions are read again each time: opening a popup pans the map.
        point = page.evaluate(_MARKERS_JS)[n]
        if point["k"] != "m" or not _in_view(point):
            continue  # e.g. the marker in North Korea, outside the initial view
        page.mouse.click(point["x"], point["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        page.wait_for_timeout(350)  # the map pans the popup clear of the controls
        assert page.evaluate(_POPUP_CLEAR_JS), point
        seen.append(popup.inner_text())
        page.evaluate("geokursk.map.closePopup()")
        page.wait_for_function("!document.querySelector('.leaflet-popup')")
    assert len(seen) >= 5
    joined = "\n".join(seen)
    assert "at least 30 killed and wounded (North Korean soldiers)" in joined
    assert "about 200 captured (Russian soldiers)" in joined
    assert any("Plekhovo / Плёхово" in s and "Geocoding: resolved" in s for s in seen)
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
                    {"place": s, "name_ru": s, "lat": 51.0 + i * 0.01, "lon": 35.0, "reason": s},
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
            return out;
        }"""
    )
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__pwned === undefined && window.pwned === undefined")
    assert loaded.dialogs == []
    assert loaded.errors == []
    assert _external(loaded.requests) == [u for u in _external(loaded.requests) if "tile" in u]
    # Every hostile string shows up literally as text in some popup.
    joined = "\n".join(texts)
    for claim in claims:
        assert claim["paraphrase"].strip() in joined, claim["paraphrase"]
    # Layer names are text too.
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(claims[1]["claimant"].strip() in label for label in labels)


def test_screenshot_shows_vector_layers_on_a_plain_background(sample_page: Page) -> None:
    page = sample_page.page
    _use_blank_background(page)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "kursk_claims_offline.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    # The canvas holds drawn pixels where the markers are.
    painted = page.evaluate(
        """() => {
            const canvas = document.querySelector('.leaflet-gk-claims-pane canvas');
            const ctx = canvas.getContext('2d');
            const box = canvas.getBoundingClientRect();
            const sx = canvas.width / box.width, sy = canvas.height / box.height;
            return geokursk.items.filter((it) => it.f.k === 'm').map((it) => {
                const p = geokursk.map.latLngToContainerPoint(it.layer.getLatLng());
                const mb = geokursk.map.getContainer().getBoundingClientRect();
                const x = (mb.left + p.x - box.left) * sx, y = (mb.top + p.y - box.top) * sy;
                if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) { return 0; }
                return ctx.getImageData(x, y, 1, 1).data[3];
            });
        }"""
    )
    assert sum(alpha > 0 for alpha in painted) >= 6, painted


def test_clustered_and_compressed_maps_draw_the_same_claims(
    tmp_path: Path, sample_frames: Any, reference_frames: Any, open_map: Callable[..., Page]
) -> None:
    admin1, borders = reference_frames
    counts = []
    for compress in (False, True):
        m = claims_map(
            *sample_frames, admin1=admin1, borders=borders, compress=compress, cluster=True
        )
        loaded = open_map(save_map(m, tmp_path / f"c{compress}.html", self_contained=True))
        page = loaded.page
        assert loaded.errors == []
        counts.append(page.evaluate("geokursk.counts()"))
        # The cluster group holds every place and "?" marker (8) ...
        assert page.evaluate("geokursk.cluster.getLayers().length") == 8
        # ... and its DOM icons are clusters only, far fewer than the markers.
        assert page.locator(".marker-cluster").count() < 8
        assert page.evaluate("geokursk.openClaim('gur-losses')")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        assert "at least 30 killed and wounded" in popup.inner_text()
        _external_ok = [
            u for u in _external(loaded.requests) if not any(h in u for h in TILE_HOSTS)
        ]
        assert _external_ok == []
    assert counts[0] == counts[1]
    assert counts[0]["clustered"] == 8 and counts[0]["places"] == 7 and counts[0]["areas"] == 3


def test_real_map_shows_the_kursk_claims_unobstructed(
    tmp_path: Path, open_map: Callable[..., Page]
) -> None:
    """The shipped claims at 1400x900: what a reader sees first (screenshots in artifacts)."""
    claims = load_claims(None)
    m = claims_map(claims_frame(claims), claim_places_frame(claims))
    size = (1400, 900)
    loaded = open_map(save_map(m, tmp_path / "real.html", self_contained=True), size)
    page = loaded.page
    assert loaded.errors == []
    _use_blank_background(page)
    assert page.locator("details.gk-fold[open]").count() == 0
    markers = page.evaluate(_MARKERS_JS)
    villages = [p for p in markers if p["c"] == "gur-dprk-losses"]
    (kurilovka,) = [p for p in markers if p["c"] == "gur-dprk-missing"]
    assert len(villages) == 3
    for point in [*villages, kurilovka]:
        assert _in_view(point, size), point
        assert page.evaluate(_UNCOVERED_JS, [point["x"], point["y"]]), point
    # "Kurilovka (location unknown)" is drawn among the three villages of its statement.
    xs, ys = [p["x"] for p in villages], [p["y"] for p in villages]
    assert min(xs) - 40 < kurilovka["x"] < max(xs) + 40
    assert min(ys) - 40 < kurilovka["y"] < max(ys) + 40
    # No circle the size of a region or country.
    radii = page.evaluate("geokursk.circleGroup.getLayers().map((c) => c.getRadius())")
    assert radii and max(radii) <= 15_000
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "real_map.png"))

    plekhovo = villages[0]
    page.mouse.click(plekhovo["x"], plekhovo["y"])
    page.locator(".leaflet-popup-content").wait_for()
    page.wait_for_timeout(400)  # autopan
    assert page.evaluate(_POPUP_CLEAR_JS)
    assert "at least 30" in page.locator(".leaflet-popup-content").inner_text()
    page.screenshot(path=str(ARTIFACTS / "real_popup.png"))
    assert loaded.errors == []
