"""Screenshots of the claims map for the README, taken in a real browser, offline.

Usage::

    .venv/bin/python tools/screenshots.py [-o docs/img]

Draws the embedded Kursk dataset as ``geokursk map --self-contained`` does,
opens the file in Debian's chromium (playwright, network blocked, no tiles)
at a desktop window (1400x900) and on a phone (390x844, touch), and writes:

* ``map-desktop.png``: the first view;
* ``map-desktop-popup.png``: the popup of Plekhovo (the place first, then the claim);
* ``map-phone.png``: the first view on a phone;
* ``map-phone-list.png``: the three claims on the Kursk Oblast point, as a list.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from geokursk.claims import claim_places_frame, claims_frame, load_claims
from geokursk.mapexport import save_map
from geokursk.maps import claims_map, map_provenance

CHROMIUM = "/usr/bin/chromium"
TITLE = "North Korean troops in Kursk: who claimed what"
OUT = Path(__file__).resolve().parents[1] / "docs" / "img"

# Page coordinates of the shown place markers, by label.
MARKERS = """() => {
  const box = geokursk.map.getContainer().getBoundingClientRect();
  const out = {};
  geokursk.items.filter((it) => it.shown && it.f.k === "m").forEach((it) => {
    const p = geokursk.containerPoint(it);
    out[it.f.l] = [box.left + p.x, box.top + p.y];
  });
  return out;
}"""


def _open(browser: Any, path: Path, size: tuple[int, int]) -> Any:
    touch = size[0] < 600
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, has_touch=touch, is_mobile=touch
    )
    page = context.new_page()
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_function("window.geokursk && window.geokursk.ready === true")
    page.wait_for_timeout(300)
    return page


def _tap(page: Any, point: list[float], touch: bool) -> None:
    if touch:
        page.touchscreen.tap(*point)
    else:
        page.mouse.click(*point)
        page.mouse.move(1, 1)
    page.wait_for_timeout(700)  # the map pans the popup clear of the panels


def main(argv: list[str] | None = None) -> int:
    """Write the README screenshots; print their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    claims = load_claims(None)
    m = claims_map(
        claims_frame(claims),
        claim_places_frame(claims),
        title=TITLE,
        provenance=map_provenance(None),
    )
    args.output.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        path = save_map(m, Path(tmp) / "kursk_claims.html", self_contained=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = _open(browser, path, (1400, 900))
        written.append(args.output / "map-desktop.png")
        page.screenshot(path=str(written[-1]))
        _tap(page, page.evaluate(MARKERS)["Plekhovo"], False)
        written.append(args.output / "map-desktop-popup.png")
        page.screenshot(path=str(written[-1]))

        page = _open(browser, path, (390, 844))
        written.append(args.output / "map-phone.png")
        page.screenshot(path=str(written[-1]))
        page.evaluate("() => { geokursk.map.setView([51.6, 36.1], 8, {animate: false}); }")
        page.wait_for_timeout(300)
        _tap(page, page.evaluate(MARKERS)["Kursk Oblast"], True)
        written.append(args.output / "map-phone-list.png")
        page.screenshot(path=str(written[-1]))
        browser.close()
    for shot in written:
        print(f"wrote {shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
