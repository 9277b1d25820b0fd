# One entry point. Every target creates .venv first if it is missing, and reinstalls
# only when pyproject.toml changed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The first python3.12+ on PATH (newest first).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test test-fast lint audit lock format install migrate clean bench

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (none found on PATH)." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]" -c requirements.lock
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

run: migrate
	$(PY) manage.py load_question_bank
	@echo ""
	@echo "  interview_prep is running at http://$(HOST):$(PORT)/   (Ctrl-C to stop)"
	@echo ""
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "not browser"

lint: install audit
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Known vulnerabilities in the locked versions (PyPI's advisory data; needs the network).
# Where pip-audit cannot read PyPI's per-release data (a mirror serving only projects' pages,
# as in our sandbox), .ci/advisories.py reads the same advisories from the projects' pages.
audit: install
	@out=$$($(VENV)/bin/pip-audit -r requirements.lock --no-deps --disable-pip \
		--progress-spinner off 2>&1); status=$$?; \
	echo "$$out" | grep -viE "could not be audited|^Name +Skip Reason|^-+ -+$$" || true; \
	if [ $$status -ne 0 ] && grep -Eqi "found [0-9]+ known vulnerabilit" <<<"$$out"; then exit 1; fi; \
	missed=$$(grep -ci "could not be audited" <<<"$$out" || true); \
	if [ "$$missed" -gt 0 ]; then \
		echo "pip-audit could not read PyPI's data for $$missed packages; reading their projects' pages:"; \
		$(PY) .ci/advisories.py requirements.lock; \
	else exit $$status; fi

# Re-pin requirements.lock to what is installed (after changing pyproject.toml).
lock: install
	$(PY) -m pip list --format=freeze --exclude-editable \
		| grep -viE '^(pip|setuptools|wheel)==' > requirements.lock

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Load benchmark under gunicorn + wrk (docs/performance.md): SQLite, plus PostgreSQL when
# DATABASE_URL points at one. DB=postgres (or both) starts a throwaway PostgreSQL if it doesn't.
bench: install
	$(PY) bench/run.py $(if $(DB),--db $(DB)) $(if $(BENCH_DURATION),--duration $(BENCH_DURATION)) $(if $(BENCH_ONLY),--only "$(BENCH_ONLY)")

clean:
	rm -rf $(VENV) staticfiles
