# Two set-up commands: `make build` (environment + warehouse from the sample on
# DuckDB) and `make test` (environment + the whole test suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: install build build-postgres test docs-generate clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## build: install the pinned environment, seed the sample and build + test every model on DuckDB
build: install
	$(BIN)/dbt build

## build-postgres: the same build on the PostgreSQL server named by PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE
build-postgres: install
	$(BIN)/dbt build --target postgres

## test: install what is missing, then run the whole test suite
test: install
	$(BIN)/python -m pytest

## docs-generate: write the docs site (target/index.html, manifest, catalog)
docs-generate: install
	$(BIN)/dbt docs generate

clean:
	rm -rf target logs warehouse.duckdb
