# The two commands of the README: `make serve` and `make test`.
# Everything they need is installed by these rules, on a fresh machine too.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
THREADS ?= 4
PYTEST_ARGS ?=

.PHONY: serve test test-sqlite test-postgresql lint translations system-deps ob2-validate bench clean

# scripts/serve is also what the crash, slow-client, fuzz and two-server tests start.
serve: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) THREADS=$(THREADS) VENV_BIN=$(BIN) scripts/serve

test: $(VENV)/.installed-test node_modules/.installed system-deps .venv-ob2/.installed
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgresql

test-sqlite: $(VENV)/.installed-test node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

# Every test that touches the database, again, on a throwaway PostgreSQL server.
test-postgresql: $(VENV)/.installed-test
	scripts/with-postgresql $(BIN)/pytest -m db $(PYTEST_ARGS)

# 1EdTech's Open Badges 2.0 validator, in a venv of its own (its pins clash with ours; the
# extra pins make version 1.1.2 import on Python 3.11). The suite runs it on our assertions.
.venv-ob2/.installed:
	test -x .venv-ob2/bin/python || $(PYTHON) -m venv .venv-ob2
	.venv-ob2/bin/python -m pip install --quiet openbadges==1.1.2
	.venv-ob2/bin/python -m pip install --quiet pycryptodome==3.23.0 'python-jose[pycryptodome]==3.1.0' 'pytz>=2023'
	touch $@

# Performance against baselines measured in the same run (not part of `make test`):
# bench/results.md, bench/results.json and the README's table. `make bench DB=postgresql`
# runs it on a throwaway PostgreSQL server.
bench: $(VENV)/.installed-bench
	scripts/install-system-deps --bench
ifeq ($(DB),postgresql)
	scripts/install-system-deps
	scripts/with-postgresql $(BIN)/python bench/run.py --postgresql
else
	$(BIN)/python bench/run.py
endif

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

# Only the checks that outside Open Badges tools make of our badges.
ob2-validate: $(VENV)/.installed-test .venv-ob2/.installed
	$(BIN)/pytest tests/test_ob2_validator.py tests/test_badges.py -k "validator or independent or schema"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check course tests bench
	$(BIN)/lint-imports --no-cache

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
	rm -rf $(VENV) .venv-ob2 node_modules .pytest_cache
