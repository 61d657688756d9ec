# Textdesk: `make run` serves the desk on http://127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
FLASK := $(PY) -m flask --app app

.PHONY: run test test-sqlite test-postgres lint bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

install: $(STAMP) node_modules/.installed

run: install
	$(FLASK) init-db
	$(FLASK) seed-demo
	$(PY) app.py

# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set. CI=1: hypothesis and
# schemathesis replay their fixed examples, so the README's command is reproducible (plain pytest explores).
test: install
	CI=1 $(PY) -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the whole suite again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		CI=1 TEXTDESK_TEST_DB=postgresql $(PY) -m pytest; \
	else \
		echo "TEST_DATABASE_URL is not set: the PostgreSQL pass is skipped"; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/bench_bot.py
	$(PY) bench/bench_inbound.py
	$(PY) bench/bench_realtime.py
	$(PY) bench/bench_inbox_list.py
	$(PY) bench/bench_campaign.py
	$(PY) bench/bench_import.py

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
