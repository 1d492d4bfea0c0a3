"""Open exported self-contained maps in headless chromium with the network blocked."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

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
def open_map(browser: Any) -> Iterator[Callable[[Path], Page]]:
    contexts: list[Any] = []

    def _open(path: Path) -> Page:
        context = browser.new_context(viewport={"width": 1200, "height": 800})
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
        page.wait_for_timeout(300)
        return loaded

    yield _open
    for context in contexts:
        context.close()


def _external(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("file:", "data:"))]


@pytest.fixture
def sample_page(
    tmp_path: Path, sample_frames: Any, reference_frames: Any, open_map: Callable[[Path], Page]
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


def test_markers_areas_and_unknown_badges_are_all_drawn(sample_page: Page) -> None:
    page = sample_page.page
    # sample_claims: 7 resolved places, 3 claim polygons, 1 unresolved place
    # drawn at its claim, 1 claim with no location (listed in the panel).
    assert page.locator("path.leaflet-interactive.gk-place").count() == 7
    assert page.locator("path.leaflet-interactive.gk-area").count() == 1
    assert page.locator("path.leaflet-interactive.gk-region").count() == 2
    assert page.locator("path.leaflet-interactive").count() == 10
    assert page.locator(".leaflet-marker-icon.gk-unknown").count() == 1
    assert page.locator("path.gk-uncertainty").count() == 5  # 3 + 1 + 1 settlement places
    assert page.locator("path.gk-outline").count() >= 2
    assert page.locator("path.gk-border").count() >= 1
    assert page.locator("details.gk-unlocated-claim").count() == 1
    assert page.locator(".leaflet-control-layers-overlays label").count() == 2 + 6


def test_clicking_a_marker_opens_a_popup_with_the_claims_figures(sample_page: Page) -> None:
    page = sample_page.page
    seen = []
    markers = page.locator("path.gk-place")
    clicked = 0
    for i in range(markers.count()):
        box = markers.nth(i).bounding_box()
        if box is None or not (0 < box["x"] < 1200 and 0 < box["y"] < 800):
            continue  # e.g. the marker in North Korea, outside the initial view
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        seen.append(popup.inner_text())
        page.evaluate("geokursk.map.closePopup()")
        page.wait_for_function("!document.querySelector('.leaflet-popup')")
        clicked += 1
    assert clicked >= 5
    joined = "\n".join(seen)
    assert "at least 30 killed and wounded (North Korean soldiers)" in joined
    assert "about 200 captured (Russian soldiers)" in joined
    assert any("Plekhovo / Плёхово" in s and "Geocoding: resolved" in s for s in seen)
    assert sample_page.errors == []


def test_unknown_place_badge_says_location_unknown(sample_page: Page) -> None:
    page = sample_page.page
    page.locator(".gk-unknown").first.click()
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "Kurilovka" in text
    assert "location unknown" in text
    assert "more than 500 killed (Ukrainian soldiers)" in text


def test_date_filter_hides_claims_outside_the_range(sample_page: Page) -> None:
    page = sample_page.page
    before = page.locator("path.gk-place").count()
    # Move "to" to the earliest date: only claims made that day stay.
    page.evaluate(
        "() => { const to = document.querySelector('input.gk-to'); to.value = '0';"
        " to.dispatchEvent(new Event('input')); }"
    )
    after = page.locator("path.gk-place").count()
    assert 0 < after < before
    assert sample_page.errors == []


def test_side_toggle_removes_that_sides_layers(sample_page: Page) -> None:
    page = sample_page.page
    before = page.locator("path.gk-place").count()
    toggle = page.locator("label", has_text="Ukraine").locator("input.gk-side-toggle")
    toggle.uncheck()
    assert page.locator("path.gk-place").count() == before - 4  # GUR 3 + Zelensky 1
    toggle.check()
    assert page.locator("path.gk-place").count() == before


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
    tmp_path: Path, make_claim_frames: Any, open_map: Callable[[Path], Page]
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
                if (!it.claim) { return; }
                it.layer.openPopup();
                const el = it.layer.getPopup().getElement();
                const c = el && el.querySelector('.leaflet-popup-content');
                out.push(c ? c.textContent : '');
                const t = it.layer.getTooltip && it.layer.getTooltip();
                if (t) { it.layer.openTooltip(); }
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


def test_screenshot_shows_vector_layers_on_a_plain_background(
    sample_page: Page, reference_frames: Any
) -> None:
    page = sample_page.page
    page.locator(".leaflet-control-layers").hover()  # the layer control opens on hover
    page.locator("label", has_text="No tiles").locator("input").check()
    page.mouse.move(600, 700)
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "kursk_claims_offline.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    # The map's SVG paths have a non-empty on-screen size.
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('path.leaflet-interactive')]"
        ".map((p) => { const b = p.getBoundingClientRect(); return b.width * b.height; })"
    )
    # (paths outside the view, like the one in North Korea, are clipped to nothing)
    assert sum(s > 0 for s in sizes) >= 8, json.dumps(sizes)


def test_compressed_canvas_map_draws_the_same_claims(
    tmp_path: Path, sample_frames: Any, reference_frames: Any, open_map: Callable[[Path], Page]
) -> None:
    admin1, borders = reference_frames
    counts = []
    for compress in (False, True):
        m = claims_map(
            *sample_frames, admin1=admin1, borders=borders, compress=compress, prefer_canvas=True
        )
        loaded = open_map(save_map(m, tmp_path / f"c{compress}.html", self_contained=True))
        assert loaded.errors == []
        counts.append(
            loaded.page.evaluate("[geokursk.items.length, Object.keys(geokursk.claims).length]")
        )
        assert loaded.page.evaluate("geokursk.openClaim('gur-losses')")
        text = loaded.page.locator(".leaflet-popup-content").inner_text()
        assert "at least 30 killed and wounded" in text
    assert counts[0] == counts[1] == [16, 6]  # 7 + 3 + 1 + 5 features; 6 claims
