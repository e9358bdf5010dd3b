# The two commands: `make run` (the whole platform on embedded defaults) and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast lint format migrate bench fuzz up down install system-deps

$(VENV)/.synced: pyproject.toml uv.lock
	@bash infra/scripts/bootstrap.sh
	@touch $@

install: $(VENV)/.synced

run: install
	@$(PY) infra/scripts/run_local.py

system-deps:
	@bash infra/scripts/system_deps.sh

test: install system-deps
	@$(PY) -m playwright --version >/dev/null
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not browser and not e2e"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: install
	$(VENV)/bin/alembic -c services/indicators/alembic.ini upgrade head

fuzz: install
	FUZZ_EXAMPLES=400 $(PY) -m pytest -q tests/integration/test_schemathesis.py

bench: install system-deps
	$(PY) tests/bench/run_all.py

up:
	docker compose up --build

down:
	docker compose down
