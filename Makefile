# Cercle — the commands the README names. Needs Python 3.11+ and Node (npm); nothing else.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Test database for `CERCLE_TEST_POSTGRES=1 make test` (CI sets it up).
TEST_DATABASE_URL ?= postgres://cercle:cercle@localhost:5432/cercle
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint messages messages-check bench demo migrate install clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

install: $(BIN)/activate node_modules/.package-lock.json
	$(PY) scripts/i18n.py compile
	mkdir -p var/static

migrate: install
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(MANAGE) load_territories

demo: migrate
	$(MANAGE) load_demo

## make run: environment, migrations, demo network, tasks worker and server on SQLite.
run: demo
	@echo ""
	@echo "Cercle runs at http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@$(MANAGE) demo_logins
	@trap 'kill 0' EXIT INT TERM; \
	  $(MANAGE) db_worker & \
	  DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

## make test: the whole suite on SQLite; with CERCLE_TEST_POSTGRES=1, on PostgreSQL too.
test: install
	$(MAKE) test-sqlite
	@if [ "$$CERCLE_TEST_POSTGRES" = "1" ]; then $(MAKE) test-postgres; fi

test-sqlite:
	env -u DATABASE_URL $(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(MANAGE) makemigrations --check --dry-run

## make messages: refresh the catalogs from the code (needs GNU gettext), then check them.
messages: install
	cd src/cercle && ../../$(PY) ../../manage.py makemessages -l fr -l en --no-obsolete --no-location -i 'static/*'
	$(PY) scripts/i18n.py fill-en
	$(MAKE) messages-check

messages-check: install
	$(PY) scripts/i18n.py check
	$(PY) scripts/i18n.py compile

## make bench: the national-scale benchmark in its own PostgreSQL cluster (docs/performance.md);
## BENCH_ARGS passes options, e.g. BENCH_ARGS='--scales 0.01'.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var
