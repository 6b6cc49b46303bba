# Funnels: `make run` serves the app, `make test` lints and runs the whole suite.
# Each target sets up its own virtualenv (.venv) with a Python 3.12+ found by scripts/find-python.

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

# `make test` fails when branch coverage falls below this (it was 93 % when the gate came in).
COVERAGE_MIN := 93

.PHONY: run test suite lint format bench bench-http check-python clean

$(PY):
	@PYTHON_BIN=$$(sh scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$PYTHON_BIN"; \
	"$$PYTHON_BIN" -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r . --severity-level medium --quiet
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

test: lint suite

# The whole suite alone, on every core (pytest-xdist; TEST_WORKERS=0 runs it in one process).
# CI runs it again with the clock moved: FUNNELS_TEST_NOW, see conftest.py.
TEST_WORKERS ?= auto
suite: $(VENV)/.installed-dev
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --cov-fail-under=$(COVERAGE_MIN) $(PYTEST_ARGS)

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmark keeps its own SQLite database in data/bench/ (or uses DATABASE_URL if set).
bench: export DATA_DIR ?= $(CURDIR)/data/bench
bench: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py bench

# Over HTTP: gunicorn + wrk on SQLite, then on PostgreSQL when DATABASE_URL is given.
bench-http: $(VENV)/.installed
	DATABASE_URL="$(DATABASE_URL)" PY=$(PY) sh scripts/bench-http $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
