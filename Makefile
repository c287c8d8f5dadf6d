# Two commands for a fresh machine: `make run` (the service on its embedded defaults, with demo data) and
# `make test` (lint, then the whole suite; on PostgreSQL when DATABASE_URL is set, on SQLite otherwise).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint system-packages messages

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.txt
	$(PIP) -r requirements-test.txt
	touch $@

run: export DEBUG ?= 1
run: export SITE_URL ?= http://localhost:$(PORT)
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py ensure_admin
	bin/serve $(HOST):$(PORT)

test: lint system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff's lint rules and format (pyproject.toml); `make test`, and so CI, fail on either.
lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

system-packages:
	bin/ensure-system-packages

# Refresh the translation catalogues after changing user-facing strings, then compile them.
# French is the language of the code, so its catalogue translates each string as itself.
messages: $(VENV)/.runtime
	$(PY) manage.py makemessages -l fr -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'tests/*'
	for lang in fr en; do msgattrib --clear-fuzzy --empty -o config/locale/$$lang/LC_MESSAGES/django.po config/locale/$$lang/LC_MESSAGES/django.po; done  # a fuzzy guess is no translation
	msgen -o config/locale/fr/LC_MESSAGES/django.po config/locale/fr/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore '.venv/*'
