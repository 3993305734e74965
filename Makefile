# Two commands for a newcomer: `make run` (the app on the embedded data) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint bench db data geo-official clean

$(VENV)/.deps: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.deps
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Build the DuckDB file from data/*.csv when it is missing or out of date.
db: $(VENV)/.deps
	$(PY) -m lib.cli build-db

## Start the dashboard (the city's official map ships in geo/; nothing is downloaded).
run: db
	$(PY) -m streamlit run app.py --server.port $(PORT)

## Lint, then every test (unit, page smoke tests, real-browser tests).
test: $(VENV)/.dev-deps db
	$(PY) -m ruff check .
	$(PY) -m pytest

## Benchmarks: tables of medians and p90s (figures, not pass/fail), recorded in bench/RESULTS.md.
bench: $(VENV)/.dev-deps db
	$(PY) bench/run_all.py

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .

## Install newer official stadsdel boundaries in data/official/ (download, or SRC=file); they replace the shipped map.
geo-official: $(VENV)/.deps
	$(PY) -m lib.cli fetch-boundaries $(SRC)

## Derive the real data files, then regenerate the synthetic values and the shipped maps, from ../shared (deterministic).
data: $(VENV)/.deps
	$(PY) -m lib.cli derive-real
	$(PY) -m lib.cli generate-data
	$(PY) -m lib.cli make-map

clean:
	rm -rf $(VENV) data/*.duckdb data/official tests/artifacts
