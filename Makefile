# fleetops: `make run` sets everything up and serves the demo dashboard; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A pyenv-run parent leaks PYENV_VERSION (and its bin/ on PATH); ignore it so that
# .python-version decides which interpreter builds the virtual environment.
unexport PYENV_VERSION

PYTHON_VERSION := $(shell cat .python-version)
PYTHON_MINOR := $(basename $(PYTHON_VERSION))
VENV := .venv
PY := $(VENV)/bin/python
BASE_PYTHON := $(shell \
	p="$$(pyenv root 2>/dev/null)/versions/$(PYTHON_VERSION)/bin/python$(PYTHON_MINOR)"; \
	if [ -x "$$p" ]; then echo "$$p"; else command -v python$(PYTHON_MINOR); fi)
STAMP := $(VENV)/.installed-$(PYTHON_VERSION)
CHROMIUM := /usr/bin/chromium

.PHONY: help run test venv lint fmt worker beat requirements browser clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(STAMP): requirements-dev.txt .python-version
	@if [ -z "$(BASE_PYTHON)" ]; then echo "Python $(PYTHON_MINOR) not found (pyenv install $(PYTHON_VERSION))" >&2; exit 1; fi
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(PYTHON_MINOR)".split("."))))'; then \
		echo "$(VENV) has another Python; recreating it"; rm -rf $(VENV); fi
	@[ -x $(PY) ] || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)  ## create .venv with the pinned dependencies

run: venv  ## migrate, load the demo organisation, serve http://127.0.0.1:8000 (SQLite, Celery eager)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: venv browser  ## run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL say so)
	$(PY) -m pytest

browser:  # Debian's Chromium for the Playwright tests; nothing downloads a browser
	@[ -x $(CHROMIUM) ] || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: $(CHROMIUM) missing; install Debian's chromium for the browser tests" >&2; }

lint: venv  ## ruff check and format check, import contracts, module and function size limits
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -q -p no:cacheprovider tests/architecture

fmt: venv  ## ruff fix and format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: venv  ## a Celery worker (needs REDIS_URL)
	$(VENV)/bin/celery -A fleetops worker --loglevel=info

beat: venv  ## Celery beat (needs REDIS_URL)
	$(VENV)/bin/celery -A fleetops beat --loglevel=info

requirements: venv  ## re-lock requirements*.txt (hashed) from the pins in pyproject.toml
	$(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile --quiet --python-version $(PYTHON_MINOR) --generate-hashes --no-header pyproject.toml -o requirements.txt
	$(PY) -m uv pip compile --quiet --python-version $(PYTHON_MINOR) --generate-hashes --no-header --group dev pyproject.toml -o requirements-dev.txt

clean:  ## remove the virtual environment and the development database
	rm -rf $(VENV) db.sqlite3 staticfiles
