# The two commands of the README: `make serve` and `make test`.
# Everything they need is installed by these rules, on a fresh machine too.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
PYTEST_ARGS ?=

.PHONY: serve test test-sqlite test-postgresql lint translations system-deps clean

serve: $(VENV)/.installed
	$(BIN)/flask --app course init
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - \
		--access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss' "course:create_app()"

test: $(VENV)/.installed-test node_modules/.installed system-deps
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgresql

test-sqlite: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

# Every test that touches the database, again, on a throwaway PostgreSQL server.
test-postgresql: $(VENV)/.installed-test
	scripts/with-postgresql $(BIN)/pytest -m db $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check course tests

# Extract messages, merge them into every catalog, compile.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file \
		--project course --copyright-holder "Course contributors" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations --statistics

system-deps:
	scripts/install-system-deps

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules .pytest_cache
