# Quanyu — set-up, demo, tests. `make demo` and `make test` are the two commands in README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
QUANYU := $(VENV)/bin/quanyu
VENDOR := src/quanyu/web/vendor
PYTEST_ARGS ?=
# pytest-xdist workers: the suite has 1,200+ tests and the machines have 2 cores.
PYTEST_WORKERS ?= 2

.PHONY: setup assets demo demo-build serve test test-fast lint format migrate bench soak clean

setup: $(VENV)/.installed $(VENDOR)/.installed translations

# uv installs the same versions as pip resolves (compared with pip freeze) in a third of the time
# (11 s against 31 s from an empty cache), which is most of what a fresh clone's `make demo` waits for.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip install -q --python $(PY) -e '.[dev]'
	touch $@

# Front-end assets come from the npm registry and are copied into static; never committed.
$(VENDOR)/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/vendor/
# Alpine's CSP build: expressions are names of Alpine.data() members, never code (no unsafe-eval).
	cp node_modules/@alpinejs/csp/dist/cdn.min.js $(VENDOR)/vendor/alpine.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/vendor/
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/vendor/
	cp -r node_modules/leaflet/dist/images $(VENDOR)/vendor/images
	cp node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/vendor/
	touch $@

translations: $(VENV)/.installed
	QUANYU_TESTING=1 $(QUANYU) compile_translations

migrate: setup
	mkdir -p var
	DEBUG=1 $(QUANYU) migrate --noinput -v 0

# Builds the demo city once (printing its accounts), or lists the accounts of the one built before:
# the table is printed once either way. The system checks ran with the migrate just before.
demo-build: migrate
	if test -f var/demo-accounts.json; then DEBUG=1 $(QUANYU) demo accounts; else DEBUG=1 $(QUANYU) demo build --skip-checks; fi

demo: demo-build
	@echo "Quanyu demo on http://127.0.0.1:8000/  (accounts above, also in var/demo-accounts.json)"
	DEBUG=1 $(QUANYU) demo serve 127.0.0.1:8000

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

format: $(VENV)/.installed
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

test: setup lint
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: setup
	$(VENV)/bin/pytest -x -q -m "not e2e" $(PYTEST_ARGS)

bench: setup
	$(PY) bench/locate.py

# Several minutes of mixed load on the production shape with a Celery worker killed mid-sweep and a
# PostgreSQL restart (bench/README.md): needs PostgreSQL (root, for pg_ctlcluster) and Redis.
SOAK_MINUTES ?= 3
soak: setup
	$(PY) bench/soak.py --minutes $(SOAK_MINUTES)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
