# scalargrad: `make test` sets everything up on a fresh clone and runs every check;
# `make book` serves the book at http://127.0.0.1:8000 (the site lives under /scalargrad/,
# as on GitHub Pages; the root redirects there) with live reload.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1
# Dates in the sitemap and gzip headers come from the last commit, so builds are byte-identical.
export SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null)

.PHONY: setup system test lint build book bench mutate proptest clean browser-all

# The page's Python (Pyodide) and Graphviz (viz-js), pinned in package-lock.json;
# docs/hooks/runtime.py copies the files it needs from node_modules into the site.
NPM_STAMP := node_modules/.package-lock.json

setup: $(STAMP) system $(NPM_STAMP)

$(NPM_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

system:
	@scripts/ensure-system.sh

lint: setup
	$(BIN)/ruff check .

build: setup
	$(BIN)/mkdocs build --strict

test: lint build
	SCALARGRAD_REQUIRE_TORCH=1 $(BIN)/python -m pytest
	$(BIN)/python scripts/mutate.py --subset

book: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

clean:
	rm -rf site .pytest_cache .hypothesis

bench: build
	$(BIN)/python benchmarks/run.py

# Every chapter's examples run in the page (Pyodide in headless Chromium); make test runs a subset.
browser-all: build
	SCALARGRAD_BROWSER_ALL=1 $(BIN)/python -m pytest tests/browser/test_runner.py

mutate: setup
	$(BIN)/python scripts/mutate.py

proptest: setup
	HYPOTHESIS_PROFILE=thorough SCALARGRAD_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests/test_properties.py
