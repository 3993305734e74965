# Two commands for a newcomer: `make run` (the app on the embedded data) and `make test` (everything).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test lint bench db compile data geo-official clean

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

## Byte-compile the app's own modules. Python may be told not to write them (PYTHONDONTWRITEBYTECODE=1), and then
## every new server compiled its ~150 modules from source before the first page could show (bench/RESULTS.md).
compile: $(VENV)/.deps
	$(PY) -m compileall -q app.py lib ui pages bench deploy

## Start the dashboard (the city's official map ships in geo/; nothing is downloaded). The launcher opens the
## database before the server starts, so the server holds DuckDB's write lock from its first second.
run: db compile
	$(PY) -m ui.server --server.port $(PORT)

## Lint and type-check, then every test (unit, page smoke tests, real-browser tests).
test: $(VENV)/.dev-deps db compile
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest

## Benchmarks: tables of medians and p90s (figures, not pass/fail), recorded in bench/RESULTS.md.
bench: $(VENV)/.dev-deps db compile
	$(PY) bench/run_all.py

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .
	$(PY) -m mypy

## Install newer official stadsdel boundaries in data/official/ (download, or SRC=file); they replace the shipped map.
## Checked first, and installed only by an editor: make geo-official EDITOR_NAME=anna [SRC=file] (the password is
## asked for, or read from SAMMANHALLEN_PASSWORD). Not EDITOR: that usually names a text editor in the environment.
geo-official: $(VENV)/.deps
	$(PY) -m lib.cli fetch-boundaries $(SRC) $(if $(EDITOR_NAME),--editor "$(EDITOR_NAME)")

## Derive the real data files, then regenerate the synthetic values and the shipped maps, from ../shared (deterministic).
data: $(VENV)/.deps
	$(PY) -m lib.cli derive-real
	$(PY) -m lib.cli generate-data
	$(PY) -m lib.cli make-map

## Remove what can be rebuilt. The database (plans, scenarios, imports, audit), its backups and installed
## boundaries are users' work and stay; `python -m lib.cli backup` before deleting any of them by hand.
clean:
	rm -rf $(VENV) tests/artifacts data/*.duckdb.tmp*
