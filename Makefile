# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
QUICK ?=
BENCH_ARGS ?=
CPU_ARGS ?=
CRASH_ARGS ?=

.PHONY: run test lint fuzz bench bench-cpu crash screenshots install install-test lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs are pinned twice: pyproject.toml pins what we depend on directly, and
# constraints.txt pins everything beneath it, so a fresh clone gets what CI tested.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test,bench,lint]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Serve the app with the seed data at http://$(HOST):$(PORT) (SQLite in ./data/ unless DATABASE_URL says otherwise).
run: $(VENV)/.installed
	$(BIN)/intercept-watch serve --host $(HOST) --port $(PORT)

## Run the whole test suite (PostgreSQL tests need TEST_DATABASE_URL; browser tests need Chromium).
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint: ruff (rules and format), mypy on app/, and the import contracts in pyproject.toml.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## schemathesis (every check, EXAMPLES per operation, signed out and as an editor) on SQLite, and on PostgreSQL
## when TEST_DATABASE_URL is set; then FORMS hypothesis-made posts of the statement form. Figures: build/fuzz.md.
EXAMPLES ?= 100
FORMS ?= 2000
fuzz: $(VENV)/.installed-test
	$(BIN)/python -m tools.fuzz --examples $(EXAMPLES)
	IW_FUZZ_FORMS=$(FORMS) $(BIN)/python -m pytest -p no:cacheprovider -q -s tests/statements/routes/test_editing.py -k fuzzed

## Benchmark at 1,000,000 statements (QUICK=1: 10,000; BENCH_ARGS for more options). See bench/README.md.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.run $(if $(QUICK),--quick,) $(BENCH_ARGS)

## CPU time per request of plaintext, F and some pages, side by side (CPU_ARGS for more). See bench/README.md.
bench-cpu: $(VENV)/.installed-test
	$(BIN)/python -m bench.cpu $(if $(QUICK),--quick,) $(CPU_ARGS)

## Kill -9 the server 50 times during API writes; check nothing acknowledged is lost (CRASH_ARGS: --kills N, --seed S).
crash: $(VENV)/.installed-test
	$(BIN)/python -m tools.crash $(CRASH_ARGS)

## Take the README's screenshots (docs/screenshots/) in Chromium, from the data `make run` serves.
screenshots: $(VENV)/.installed-test
	$(BIN)/python tools/screenshots.py

## Re-pin every dependency after changing pyproject.toml.
lock: | $(BIN)/python
	$(PIP) install --quiet -e '.[test,bench,lint]'
	$(PIP) freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache
