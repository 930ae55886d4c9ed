# The two commands: `make run` serves the platform with demo data, `make test` runs the suite.
# Both install exactly what requirements/*.txt lock (versions and hashes), so no upstream
# release can change them; `make lock` refreshes the lock on purpose.
#
# Python 3.12 or newer is required: under concurrent load 3.11.7 crashed server workers
# (bench/NOTES.md). The first of these that runs and is new enough is taken; a pyenv shim
# may exist without its version being active, so each is tried, not just looked up.
PYTHON_CANDIDATES := python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) python3
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	$$p -c "import sys; sys.exit(sys.version_info < (3, 12))" >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check
UV_VERSION := 0.13.9

# Debian's libraries WeasyPrint draws PDF reports with.
PDF_LIBS = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core

.PHONY: pdf-libs python-check lock translations run dev test test-unit test-scaleout test-faults test-browser test-postgres install install-dev db chromium nginx lint format messages

python-check:
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 12))" 2>/dev/null || { echo "The Living Lab needs Python 3.12 or newer (3.11.7 crashed server \
	workers under load, see bench/NOTES.md). Install one, or name it: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; }

# A venv made by an older Python is made again; the lock is installed with its hashes, then
# the project itself (its build backend, setuptools, comes from the lock too).
$(VENV)/.installed-run: requirements/run.txt pyproject.toml | python-check
	@if ! $(BIN)/python -c "import sys; sys.exit(sys.version_info < (3, 12))" 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(PIP_INSTALL) --require-hashes --no-deps -r requirements/run.txt
	$(PIP_INSTALL) --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-dev
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run requirements/dev.txt
	$(PIP_INSTALL) --require-hashes --no-deps -r requirements/dev.txt
	touch $@

# Refreshes the lock from pyproject.toml: a deliberate commit, never part of an install.
# uv resolves for every platform at once; it runs from a venv of its own, pinned too.
lock: python-check
	test -x .venv-tools/bin/uv || { $(PYTHON) -m venv .venv-tools && \
		.venv-tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	.venv-tools/bin/uv pip compile pyproject.toml requirements/build.in --universal \
		--python-version 3.12 --generate-hashes --custom-compile-command "make lock" \
		--upgrade -o requirements/run.txt
	.venv-tools/bin/uv pip compile pyproject.toml requirements/build.in --extra dev --universal \
		--python-version 3.12 --generate-hashes --custom-compile-command "make lock" \
		--upgrade -c requirements/run.txt -o requirements/dev.txt

install: $(VENV)/.installed-run translations pdf-libs
install-dev: $(VENV)/.installed-dev translations pdf-libs

# The .mo files are built, never committed; each again only when its catalogue changed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard livinglab/translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)
livinglab/translations/%/LC_MESSAGES/messages.mo: livinglab/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed-run
	@$(BIN)/pybabel compile -i $< -o $@ -l $* >/dev/null

db: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# One process (serve.py): it migrates, seeds an empty database with the demo, prints the
# demo accounts and where mail goes, then serves with gunicorn as gunicorn.conf.py says.
run: install
	LIVINGLAB_PUBLIC_URL=$${LIVINGLAB_PUBLIC_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python serve.py --port $(PORT)

dev: db
	$(FLASK) run --debug --port $(PORT)

# The whole suite: everything on SQLite, the multi-process tests on PostgreSQL + Redis,
# the fault suite (servers, Redis and databases killed on purpose), then the browser tests
# in Debian's Chromium.
test: test-unit test-scaleout test-faults test-browser

test-unit: install-dev
	$(BIN)/pytest -m "not browser and not scaleout and not faults"

test-scaleout: install-dev nginx
	$(BIN)/pytest -m scaleout

# kill -9 of a server under a stream of writes, Redis killed and restored, concurrent writers
# on SQLite, each on SQLite and PostgreSQL where it applies (needs both, and redis-server).
test-faults: install-dev
	$(BIN)/pytest -m faults

test-browser: install-dev chromium
	$(BIN)/pytest -m browser

test-postgres: install-dev
	LIVINGLAB_TEST_DATABASE_URL=$${LIVINGLAB_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -m "not browser and not scaleout and not faults"

chromium:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's Chromium for the browser tests (apt-get)..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset; } || { \
		echo "Installing the libraries of PDF reports (apt-get)..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(PDF_LIBS); \
		else sudo apt-get update -qq && sudo apt-get install -y -qq $(PDF_LIBS); fi; }

# The scale-out tests put Debian's nginx (with deploy/nginx/livinglab.conf) in front of the app.
nginx:
	@test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx for the scale-out tests (apt-get)..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq nginx; fi; }

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

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

# The live benchmark: 500/1,000/2,000 watchers per process, one and two processes, pages
# measured meanwhile (about 5 minutes).
bench-fanout: install-dev
	$(BIN)/python bench/fanout.py
