# geokursk: `make map` and `make test` do everything on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP_FLAGS ?= -q --disable-pip-version-check

.PHONY: map test lint typecheck pytest install dev gazetteer bench clean lab notebooks-sync \
	notebooks-check

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
	$(VENV)/bin/pytest -n 2 tests src/geokursk

test: lint typecheck notebooks-check pytest

## Rebuild the shipped gazetteer and boundaries from geo/ (reproducible).
gazetteer: $(VENV)/.installed
	$(PY) scripts/build_gazetteer.py --report geo/build_report.json

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_geocode.py

## Open the notebooks in JupyterLab, in the project environment (Ctrl-C stops it).
lab: $(VENV)/.installed
	$(VENV)/bin/jupyter lab notebooks/

## Notebooks are pairs, both in git: NAME.ipynb (opened in Jupyter, no outputs) and
## NAME.py (py:percent, reviewed). Bring each pair in step (the newer file wins), then
## clear outputs, timings and language_info; run before committing notebooks.
notebooks-sync: $(VENV)/.installed
	$(VENV)/bin/jupytext --sync notebooks/[0-9][0-9]-*.py
	$(VENV)/bin/jupyter nbconvert --clear-output --inplace --log-level WARN \
		--ClearOutputPreprocessor.remove_metadata_fields='{"collapsed","scrolled","execution","ExecuteTime"}' \
		--ClearMetadataPreprocessor.enabled=True --ClearMetadataPreprocessor.clear_cell_metadata=False \
		--ClearMetadataPreprocessor.preserve_nb_metadata_mask='{"jupytext","kernelspec"}' \
		notebooks/[0-9][0-9]-*.ipynb

## Each pair exists, is in sync and carries no outputs (fast; part of `make test`).
notebooks-check: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/test_notebooks.py -k notebook_pair

clean:
	rm -rf $(VENV) maps .pytest_cache .mypy_cache .ruff_cache
