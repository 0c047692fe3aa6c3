# Two commands: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CONSTRAINTS := requirements/constraints.txt
PYTEST_ARGS ?=
# Where `make run` serves; e-mailed links follow it unless SITE_URL is set.
ADDRPORT ?= 127.0.0.1:8000

.PHONY: run test test-fast test-postgres lint typecheck check-system translations demo-reset clean

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.in $(CONSTRAINTS) | $(PY)
	@echo "Installing the pinned dependencies into $(VENV) (about a minute the first time)…"
	$(PIP) install --quiet -r requirements/base.in -c $(CONSTRAINTS)
	touch $@

$(VENV)/.dev-installed: requirements/dev.in requirements/base.in $(CONSTRAINTS) | $(PY)
	@echo "Installing the pinned dependencies and test tools into $(VENV) (a minute or two the first time)…"
	$(PIP) install --quiet -r requirements/dev.in -c $(CONSTRAINTS)
	touch $(VENV)/.base-installed $@

check-system:
	@$(PY) -m kooperacja.core.system_check $(SYSTEM_CHECK_ARGS)

# The demo runs in development mode; tests set their own environment (kooperacja/testing.py).
run typecheck translations: export DEBUG ?= 1
run: export SITE_URL ?= http://$(ADDRPORT)
run: $(VENV)/.base-installed
	@$(MAKE) --no-print-directory check-system SYSTEM_CHECK_ARGS=
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@$(PY) manage.py demo_logins
	$(PY) manage.py serve_with_worker --addrport $(ADDRPORT)

test: $(VENV)/.dev-installed
	@$(MAKE) --no-print-directory check-system SYSTEM_CHECK_ARGS=--browser
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Everything but the browser, as CI runs it on PostgreSQL.
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

test-postgres: $(VENV)/.dev-installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(VENV)/bin/mypy kooperacja

translations: $(VENV)/.dev-installed
	$(PY) manage.py update_translations

clean:
	rm -rf var/static var/test-artifacts
