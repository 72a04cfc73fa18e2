# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app festival
HOST ?= 127.0.0.1
PORT ?= 5000

ICAL_CHECK_SRC ?= ../shared/tools/ical-check
ICAL_CHECK := .cache/ical-check/check_ics.py

.PHONY: run test fuzz bench install translations messages lint format db-upgrade demo clean ical-check

run: install translations db-upgrade  ## set everything up and serve on http://127.0.0.1:5000 (a background worker beside it)
	$(FLASK) demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT) with a background worker  (Ctrl+C stops both)"
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	FESTIVAL_SHOW_DEMO_LOGINS=true $(FLASK) run --host $(HOST) --port $(PORT)

test: install translations ical-check  ## run the whole test suite (SQLite; TEST_DATABASE_URL for PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

fuzz: install translations  ## Schemathesis against /api/v1/openapi.json (FUZZ_MAX_EXAMPLES=25 per operation)
	$(BIN)/pytest -q tests/fuzz

bench: install translations  ## time pages, feeds and an import at 100 and 10,000 programs; writes bench.json (DATABASE_URL for PostgreSQL)
	$(BIN)/python -m bench $(BENCH_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $@

# Mozilla's ical.js and other independent parsers, which the feed tests run on our feeds.
ical-check: install
	@if [ -f $(ICAL_CHECK) ]; then :; \
	elif [ -x $(ICAL_CHECK_SRC)/install.sh ] && command -v npm >/dev/null; then \
		$(ICAL_CHECK_SRC)/install.sh .cache/ical-check >/dev/null \
		&& $(BIN)/python -m pip install -q -r .cache/ical-check/requirements.txt; \
	else echo "ical-check not installed (needs $(ICAL_CHECK_SRC) and npm): feed tests will skip"; fi

CATALOGS := $(wildcard festival/translations/*/LC_MESSAGES/messages.po)

translations: install $(CATALOGS:.po=.mo)  ## compile the .po catalogs into .mo files

# Only when a catalog changed: CI runs two suites at once, and neither may read a .mo file
# while the other rewrites it.
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

messages: install  ## extract new strings and merge them into the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs='.* __pycache__' \
		--no-location --sort-output --project festival -o festival/translations/messages.pot .
	$(BIN)/pybabel update -i festival/translations/messages.pot -d festival/translations \
		--no-fuzzy-matching

db-upgrade: install
	$(FLASK) db upgrade

lint: install  ## ruff's checks and its formatting, as CI runs them
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install  ## format the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
