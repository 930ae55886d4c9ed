# The two commands: `make run` serves the platform with demo data, `make test` runs the suite.
# Python 3.12 when the machine has it: under concurrent load 3.11.7 crashed server workers
# (bench/NOTES.md). Any Python 3.11+ works otherwise; `make PYTHON=python3.11 ...` chooses.
PYTHON ?= $(or $(shell for p in python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12; do \
	$$p -c "" >/dev/null 2>&1 && { echo $$p; break; }; done),python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
THREADS ?= 200
FLASK := $(BIN)/flask --app wsgi

.PHONY: translations run dev test test-unit test-scaleout test-browser test-postgres install install-dev db chromium lint format messages

$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed-run translations
install-dev: $(VENV)/.installed-dev translations

# The .mo files are built, never committed; a second's work, so it runs every time.
translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile -d livinglab/translations

db: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

run: db
	@echo
	@echo "  Culture and Heritage Living Lab: http://127.0.0.1:$(PORT)"
	@$(FLASK) demo-accounts | sed 's/^/  /'
	@echo
	$(BIN)/gunicorn --workers 1 --threads $(THREADS) --bind 127.0.0.1:$(PORT) wsgi:app

dev: db
	$(FLASK) run --debug --port $(PORT)

# The whole suite: everything on SQLite, the multi-process tests on PostgreSQL + Redis,
# then the browser tests in Debian's Chromium.
test: test-unit test-scaleout test-browser

test-unit: install-dev
	$(BIN)/pytest -m "not browser and not scaleout"

test-scaleout: install-dev
	$(BIN)/pytest -m scaleout

test-browser: install-dev chromium
	$(BIN)/pytest -m browser

test-postgres: install-dev
	LIVINGLAB_TEST_DATABASE_URL=$${LIVINGLAB_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -m "not browser and not scaleout"

chromium:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's Chromium for the browser tests (apt-get)..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract the marked strings and update every catalogue under livinglab/translations.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o livinglab/translations/messages.pot .
	@for lang in it fr pt ro de es fi; do \
		if [ -f livinglab/translations/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i livinglab/translations/messages.pot -d livinglab/translations -l $$lang; \
		else $(BIN)/pybabel init -i livinglab/translations/messages.pot -d livinglab/translations -l $$lang; fi; \
	done

# The page benchmark: generated data, the production server, closed-loop load (about 3 minutes).
bench: install-dev
	$(BIN)/python bench/pages.py

# The voting benchmark: 200 members voting and withdrawing at once, then an exactness check.
bench-votes: install-dev
	$(BIN)/python bench/votes.py

# The live fan-out benchmark: 50/200/500 watchers, one and two processes (about 2 minutes).
bench-fanout: install-dev
	$(BIN)/python bench/fanout.py
