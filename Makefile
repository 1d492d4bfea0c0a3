# geokursk: `make map` and `make test` do everything on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP_FLAGS ?= -q --disable-pip-version-check

.PHONY: map test lint typecheck pytest install dev gazetteer bench clean notebooks-sync

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install $(PIP_FLAGS) -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

## Main job: the claims map of the embedded dataset, self-contained HTML.
map: $(VENV)/.installed
	$(VENV)/bin/geokursk map --self-contained -o maps/kursk_claims.html

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check src tests benchmarks scripts notebooks
	$(VENV)/bin/ruff format --check src tests benchmarks scripts notebooks

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

pytest: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -n 2 tests

test: lint typecheck pytest

## Rebuild the shipped gazetteer and boundaries from geo/ (reproducible).
gazetteer: $(VENV)/.installed
	$(PY) scripts/build_gazetteer.py --report geo/build_report.json

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_geocode.py

## Pair notebooks/*.py (py:percent, in git) with .ipynb (outputs, git-ignored) for Jupyter.
notebooks-sync: $(VENV)/.installed-dev
	$(VENV)/bin/jupytext --sync notebooks/[0-9][0-9]-*.py

clean:
	rm -rf $(VENV) maps .pytest_cache .mypy_cache .ruff_cache
