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

.PHONY: help setup system quick test lint build book bench bench-page bench-book browser-all add-chapter mutate proptest clean
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: system $(STAMP) ## create .venv with the package and every dependency group

# scripts/install.sh is the one install definition, shared with .github/workflows/pages.yml.
# It also runs `npm ci` for the page's Python (Pyodide) and Graphviz (viz-js), pinned in
# package-lock.json; docs/hooks/page_runtime.py copies the files it needs into the site.
$(STAMP): pyproject.toml scripts/install.sh package-lock.json
	$(PYTHON) -m venv $(VENV)
	PYTHON=$(BIN)/python scripts/install.sh dev
	touch $(STAMP)

system: ## install Debian's graphviz and chromium when missing
	@scripts/ensure-system.sh

# The inner loop: no build, no browser, no second run of whole chapters. Tests that read a
# built site or drive Chromium mark themselves (tests/conftest.py); the ones that replay
# whole chapters (in a prompt, as files) carry @pytest.mark.replay. `make test` runs all.
QUICK := -m "not site and not browser and not slow and not replay" --ignore=tests/browser

quick: setup ## lint, unit tests, package and chapter doctests; no build, on every core
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n auto --dist loadfile $(QUICK)

lint: setup ## ruff check .
	$(BIN)/ruff check .

build: setup ## build the book into site/ (mkdocs build --strict)
	$(BIN)/mkdocs build --strict

# pytest runs on every core (pytest-xdist); --dist loadfile keeps each file on one worker, so
# a chapter's examples share their namespace and a session fixture that builds the site in
# a fresh environment (tests/test_workflow.py) is built once.
test: lint build ## every check: lint, strict build, pytest, mutation subset
	SCALARGRAD_REQUIRE_TORCH=1 $(BIN)/python -m pytest -n auto --dist loadfile
	$(BIN)/python scripts/mutate.py --subset

# What make book runs; benchmarks/book.py (make bench-book) runs the same, on a port of its own.
SERVE := $(BIN)/mkdocs serve

book: setup ## serve the book at http://127.0.0.1:8000/scalargrad/ with live reload
	$(SERVE) --dev-addr 127.0.0.1:8000

clean: ## remove built output, the build cache (.build-cache) and test caches
	rm -rf site .build-cache .pytest_cache .hypothesis

bench: build ## benchmarks against micrograd and PyTorch, and the page's runner in Chromium
	$(BIN)/python benchmarks/run.py

# Not a timed test: the figures depend on the machine; each is printed with the load beside it.
bench-page: build ## chapter 1 in Chromium: first output at once, after reading, warm; bytes
	$(BIN)/python benchmarks/browser.py --page

bench-book: setup ## the writer's loop: cold and warm builds, edit-to-visible in make book
	$(BIN)/python benchmarks/book.py --serve "$(SERVE)"

# Issue 27: a chapter inserted after the eighth, in a copy, by one file and one line; the
# copy builds strict and passes the quick tests. About 8 minutes; CI runs it after make test.
add-chapter: setup ## add a chapter in a copy of the tree: strict build and quick tests there
	SCALARGRAD_ADD_CHAPTER=1 $(BIN)/python -m pytest -q tests/test_add_chapter.py

browser-all: build ## every chapter's examples in the page, and the search's ranking (Chromium)
	SCALARGRAD_BROWSER_ALL=1 $(BIN)/python -m pytest tests/browser/test_runner.py tests/browser/test_search.py

mutate: setup ## the whole mutation check
	$(BIN)/python scripts/mutate.py

proptest: setup ## property tests with a larger example budget
	HYPOTHESIS_PROFILE=thorough SCALARGRAD_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests/test_properties.py
