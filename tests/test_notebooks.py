"""Run every notebook top to bottom, offline, as a reader would in Jupyter.

The jupytext ``py:percent`` files in ``notebooks/`` are the source of truth
(outputs stay out of git). Each is converted to ``.ipynb`` in a temporary
directory and executed with nbclient in the ``python3`` kernel, which
jupyter_client starts with the interpreter running the tests (the project
venv), with the notebooks folder as working directory so relative paths
behave as in Jupyter. Executed copies, outputs included, are saved under
``tests/artifacts/notebooks/`` (git-ignored) for a human to look at.
"""

from __future__ import annotations

import ast
import json
import shutil
import sys
from pathlib import Path

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

# What a reader must see in each executed notebook (substrings of its outputs).
EXPECTED_OUTPUTS = {
    "01-geocode-article-places": ["<table", "image/png", "Kurilovka", "ru-register", "chosen"],
    "02-claims-map": ["<table", "<iframe", "kursk_claims"],
    "03-reuse-the-geocoder": ["<table", "image/png", "ambiguous", "unresolved", "gn:"],
}


def _execute(
    source: Path, tmp_path: Path, cwd: Path, *, artifact: str | None = None
) -> nbformat.NotebookNode:
    """Convert a py:percent file to a notebook in tmp_path and execute it in cwd."""
    ipynb = tmp_path / f"{source.stem}.ipynb"
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


def _outputs_text(nb: nbformat.NotebookNode) -> str:
    return json.dumps([cell.get("outputs", []) for cell in nb.cells], ensure_ascii=False)


def test_every_notebook_has_expectations() -> None:
    assert NOTEBOOKS, "no notebooks found"
    assert {p.stem for p in NOTEBOOKS} == set(EXPECTED_OUTPUTS)


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
    shutil.copytree(NOTEBOOKS_DIR, clone / "notebooks", ignore=shutil.ignore_patterns("*.ipynb"))
    source = clone / "notebooks" / "01-geocode-article-places.py"
    nb = _execute(source, tmp_path, source.parent, artifact="01-fallback-retelling.ipynb")
    text = _outputs_text(nb)
    assert "Using our re-telling" in text
    assert "Kurilovka" in text


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_and_shows_its_results(source: Path, tmp_path: Path) -> None:
    try:
        nb = _execute(source, tmp_path, NOTEBOOKS_DIR)
    except CellExecutionError as exc:
        pytest.fail(f"{source.name} failed (executed copy in {ARTIFACTS}):\n{exc}")
    text = _outputs_text(nb)
    assert '"output_type": "error"' not in text
    for expected in EXPECTED_OUTPUTS[source.stem]:
        assert expected in text, f"{source.name}: no output shows {expected!r}"


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
