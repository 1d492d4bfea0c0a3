"""The notebooks readers open: committed pairs, no outputs, run offline top to bottom.

Every notebook is a jupytext pair in ``notebooks/``: ``NAME.ipynb``, which
readers open in Jupyter and which git holds without outputs, and
``NAME.py`` (``py:percent``), which is what we review. The ``notebook_pair``
tests (also run first by ``make test`` through ``make notebooks-check``)
check that both exist, say the same, and carry no outputs.

The execution tests copy each ``.ipynb`` to a temporary directory and run it
with nbclient in the ``python3`` kernel, which jupyter_client starts with the
interpreter running the tests (the project venv), with the notebooks folder
as working directory so relative paths behave as in Jupyter. Executed copies,
outputs included, are saved under ``tests/artifacts/notebooks/``
(git-ignored) for a human to look at. No output may load a script or a
stylesheet from the network: an inline map that does is blank offline.
"""

from __future__ import annotations

import ast
import html
import json
import re
import shutil
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
ARTIFACTS = ROOT / "tests" / "artifacts" / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]-*.py"))
TIMEOUT_S = 120
SYNC_HINT = "run `make notebooks-sync` (jupytext --sync, then clear outputs) and commit both files"
CHROMIUM = Path("/usr/bin/chromium")

# What a reader must see in each executed notebook (substrings of its outputs).
EXPECTED_OUTPUTS = {
    "01-geocode-article-places": ["<table", "image/png", "Kurilovka", "ru-register", "chosen"],
    "02-claims-map": ["<table", "<iframe srcdoc=", "kursk_claims"],
    "03-reuse-the-geocoder": ["<table", "image/png", "ambiguous", "unresolved", "gn:"],
}

# A script, stylesheet or font fetched from another host: <script src>, <link href>,
# CSS @import and url(), and .js/.css URLs in JavaScript strings (loaders).
_REMOTE = r"(?:https?:)?//[^\s\"'<>)]+"
_NETWORK_LOAD = re.compile(
    rf"<script\b[^>]*?\bsrc\s*=\s*[\"']?\s*{_REMOTE}"
    rf"|<link\b[^>]*?\bhref\s*=\s*[\"']?\s*{_REMOTE}"
    rf"|@import\s+(?:url\(\s*)?[\"']?\s*{_REMOTE}"
    rf"|url\(\s*[\"']?\s*{_REMOTE}"
    r"|[\"'](?:https?:)?//[^\s\"'<>]+\.(?:m?js|css)(?:\?[^\s\"'<>]*)?[\"']",
    re.IGNORECASE,
)
# Output types Jupyter renders as markup or code (text/plain and bitmaps are inert).
_INERT = {"text/plain", "image/png", "image/jpeg", "image/gif"}


def _execute(
    source: Path, tmp_path: Path, cwd: Path, *, artifact: str | None = None
) -> nbformat.NotebookNode:
    """Execute a notebook (.ipynb, or a py:percent file converted first) in cwd."""
    ipynb = tmp_path / f"{source.stem}.ipynb"
    if source.suffix == ".ipynb":
        shutil.copyfile(source, ipynb)
    else:
        jupytext.write(jupytext.read(source), ipynb)
    nb = nbformat.read(ipynb, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        client.execute()
    finally:
        # Keep the executed copy even on failure: the error output shows where.
        nbformat.write(nb, ARTIFACTS / (artifact or ipynb.name))
    return nb


@cache
def _executed(stem: str, tmp_dir: str) -> nbformat.NotebookNode:
    """Execute the committed notebooks/STEM.ipynb once per test process."""
    try:
        return _execute(NOTEBOOKS_DIR / f"{stem}.ipynb", Path(tmp_dir), NOTEBOOKS_DIR)
    except CellExecutionError as exc:
        pytest.fail(f"{stem}.ipynb failed (executed copy in {ARTIFACTS}):\n{exc}")


@pytest.fixture(scope="module")
def module_tmp(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("notebooks"))


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    return json.dumps([cell.get("outputs", []) for cell in nb.cells], ensure_ascii=False)


def _rendered(output: dict[str, Any]) -> list[str]:
    """The markup and code of one output that Jupyter renders or runs."""
    data = output.get("data", {})
    texts = []
    for mime, value in data.items():
        if mime not in _INERT:
            texts.append("".join(value) if isinstance(value, list) else str(value))
    return texts


def _network_loads(nb: nbformat.NotebookNode, name: str) -> list[str]:
    """Every script or stylesheet an output would fetch, as 'NAME cell N (...): URL'."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for text in _rendered(output):
                # An iframe's srcdoc is escaped once per level of nesting.
                versions = [text]
                while len(versions) < 5 and html.unescape(versions[-1]) != versions[-1]:
                    versions.append(html.unescape(versions[-1]))
                loads = sorted({m.group(0) for v in versions for m in _NETWORK_LOAD.finditer(v)})
                first_line = cell.source.splitlines()[0] if cell.source else ""
                found += [f"{name} cell {index} ({first_line!r}): {load}" for load in loads]
    return found


# --- the pairs, as committed ----------------------------------------------------------


def test_notebook_pair_exists_for_every_notebook() -> None:
    assert NOTEBOOKS, "no notebooks found"
    assert {p.stem for p in NOTEBOOKS} == set(EXPECTED_OUTPUTS)
    texts = {p.stem for p in NOTEBOOKS}
    notebooks = {p.stem for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb")}
    assert texts - notebooks == set(), f"no .ipynb for {sorted(texts - notebooks)}: {SYNC_HINT}"
    assert notebooks - texts == set(), f"no .py for {sorted(notebooks - texts)}: {SYNC_HINT}"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pair_is_in_sync(source: Path) -> None:
    ipynb = source.with_suffix(".ipynb")
    nb = jupytext.read(ipynb)
    assert nb.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent", (
        f"{ipynb.name} is not paired with its .py: {SYNC_HINT}"
    )
    as_text = jupytext.writes(nb, fmt="py:percent")
    assert as_text == source.read_text(encoding="utf-8"), (
        f"{ipynb.name} and {source.name} differ (see `jupytext --diff {source} {ipynb}`): "
        + SYNC_HINT
    )


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_pair_has_no_outputs(source: Path) -> None:
    ipynb = source.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    nbformat.validate(nb)
    with_outputs = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not with_outputs, f"{ipynb.name}: cells {with_outputs} have outputs: {SYNC_HINT}"


# --- running them ---------------------------------------------------------------------


def test_kernel_runs_in_the_interpreter_running_the_tests(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text("# %%\nimport sys\nprint(sys.prefix)\n", encoding="utf-8")
    nb = _execute(source, tmp_path, tmp_path, artifact="kernel-probe.ipynb")
    printed = nb.cells[0].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.prefix).resolve(), (
        f"kernel 'python3' runs in {printed}, not in {sys.prefix}: another python3 "
        "kernelspec shadows the venv's (see `jupyter kernelspec list`)"
    )
    (ARTIFACTS / "kernel-probe.ipynb").unlink()


def test_article_notebook_falls_back_to_the_retelling_without_shared(tmp_path: Path) -> None:
    # A clone without ../shared next to it: only the repository's notebooks and data.
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "data", clone / "data")
    shutil.copytree(NOTEBOOKS_DIR, clone / "notebooks", ignore=shutil.ignore_patterns(".*"))
    source = clone / "notebooks" / "01-geocode-article-places.ipynb"
    nb = _execute(source, tmp_path, source.parent, artifact="01-fallback-retelling.ipynb")
    text = _outputs_text(nb)
    assert "Using our re-telling" in text
    assert "Kurilovka" in text


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_and_shows_its_results(source: Path, module_tmp: str) -> None:
    nb = _executed(source.stem, module_tmp)
    text = _outputs_text(nb)
    assert '"output_type": "error"' not in text
    for expected in EXPECTED_OUTPUTS[source.stem]:
        assert expected in text, f"{source.name}: no output shows {expected!r}"
    loads = _network_loads(nb, source.with_suffix(".ipynb").name)
    assert not loads, "outputs load from the network (blank offline):\n" + "\n".join(loads)


def test_network_check_catches_folium_default_inline_map() -> None:
    # folium's own notebook repr: an iframe whose srcdoc loads Leaflet from a CDN.
    folium = pytest.importorskip("folium")
    shown = folium.Map(tiles=None)._repr_html_()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("m")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output("execute_result", {"text/html": shown}, execution_count=1)
    ]
    loads = _network_loads(nb, "probe.ipynb")
    assert any("cdn.jsdelivr.net" in load and "leaflet" in load for load in loads), loads
    assert all(load.startswith("probe.ipynb cell 0 ('m'): ") for load in loads)
    for markup in (
        '<link rel="stylesheet" href="https://example.org/a.css"/>',
        "<style>@import url('//example.org/b.css');</style>",
        '<script>s.src = "https://example.org/c.js";</script>',
    ):
        nb.cells[0].outputs[0]["data"] = {"text/html": markup}
        assert _network_loads(nb, "probe.ipynb"), markup
    nb.cells[0].outputs[0]["data"] = {
        "text/html": '<a href="https://example.org">a link</a> <img src="data:image/png;base64,">',
        "text/plain": '<script src="https://example.org/d.js"></script>',
    }
    assert _network_loads(nb, "probe.ipynb") == []


@pytest.mark.browser
def test_claims_map_notebook_draws_its_map_with_the_network_blocked(
    module_tmp: str, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():  # CI installs it through .ci/run
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    nb = _executed("02-claims-map", module_tmp)
    frames = [
        "".join(out["data"]["text/html"])
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "<iframe" in "".join(out.get("data", {}).get("text/html", ""))
    ]
    assert len(frames) == 1, f"expected one inline map, found {len(frames)}"
    # The output as Jupyter inserts it into the page.
    host = tmp_path / "notebook-output.html"
    host.write_text(f"<!DOCTYPE html><html><body>{frames[0]}</body></html>", encoding="utf-8")
    requests: list[tuple[str, str]] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def route(r: Any) -> None:
                requests.append((r.request.url, r.request.resource_type))
                if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(host.as_uri())
            frame = page.frame_locator("iframe")
            frame.locator(".folium-map").wait_for(timeout=15_000)
            drawn = frame.locator(".leaflet-overlay-pane path, .leaflet-pane canvas")
            drawn.first.wait_for(timeout=15_000)
            drawn_count = drawn.count()
            page.screenshot(path=str(ARTIFACTS / "02-inline-map-offline.png"))
        finally:
            browser.close()
    # The offline background is the default: nothing at all is fetched, not even a tile.
    external = [
        url for url, _ in requests if not url.startswith(("file:", "data:", "blob:", "about:"))
    ]
    assert external == [], f"the inline map requested {external}"
    assert errors == [], errors
    assert drawn_count > 0


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_defines_no_functions_or_classes(source: Path) -> None:
    nb = jupytext.read(source)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    definitions = [
        f"line {node.lineno}: {type(node).__name__}"
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
    ]
    assert not definitions, f"{source.name} defines logic; move it into geokursk: {definitions}"
