# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# `make test` spreads the tests over one process per core (pytest-xdist); TEST_WORKERS=0 runs them in this one.
# Not --dist loadscope/loadfile/loadgroup: those key the work by node id, and schemathesis' 64 cases share one,
# so all but one case would silently not run.
TEST_WORKERS ?= auto

.PHONY: run test test-contract lint translations messages install install-dev bench-images bench-search bench-checkout bench-pages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d translations >/dev/null

# After changing user-facing text: refresh the catalogue, then translate the new entries in messages.po.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal

# Schemathesis over the whole API at 100 examples per operation with its coverage phase (make test runs the same
# tests at 25, without it); CI runs both.
test-contract: install-dev
	SCHEMATHESIS_EXAMPLES=100 SCHEMATHESIS_COVERAGE=1 $(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal tests/api/contract

lint: install-dev
	$(BIN)/ruff check .

bench-images: install-dev
	$(BIN)/python -m benchmarks.images

bench-search: install-dev
	$(BIN)/python -m benchmarks.search

bench-checkout: install-dev
	$(BIN)/python -m benchmarks.checkout

bench-pages: install-dev
	$(BIN)/python -m benchmarks.pages

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
