# Two set-up commands: `make build` (environment + warehouse from the sample on
# DuckDB) and `make test` (environment + the whole test suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: install sql-env install-spark browser build build-postgres build-spark postgres-up postgres-down postgres-clean test lint docs sql metrics clean
# PostgreSQL commands run through this: PGHOST when set, else the server `make postgres-up` started
PG := $(BIN)/python scripts/postgres_server.py run --
# DBT_TARGET=postgres sends docs, sql and metrics to PostgreSQL
ON_PG := $(if $(filter postgres,$(DBT_TARGET)),$(PG))

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Harlequin (the SQL shell of `make sql`) lives in .venv-sql: its pins clash with sqlfluff's
SQL_VENV := .venv-sql
SQL_STAMP := $(SQL_VENV)/.installed-$(shell sha1sum requirements-sql.txt | cut -c1-12)

$(SQL_STAMP): requirements-sql.txt
	test -x $(SQL_VENV)/bin/python || $(PYTHON) -m venv $(SQL_VENV)
	$(SQL_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sql.txt
	rm -f $(SQL_VENV)/.installed-* && touch $(SQL_STAMP)

## sql-env: Harlequin in its own environment, .venv-sql (requirements-sql.txt)
sql-env: $(SQL_STAMP)

# Spark (README "Engines: Spark") lives in .venv-spark: pyspark is large, the default environment stays light
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed-$(shell sha1sum requirements-spark.txt scripts/install_spark.sh scripts/spark/ridehail/TextRules.java | sha1sum | cut -c1-12)

$(SPARK_STAMP): requirements-spark.txt scripts/install_spark.sh scripts/spark/ridehail/TextRules.java
	test -x $(SPARK_VENV)/bin/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	bash scripts/install_spark.sh $(SPARK_VENV)/bin/pip
	rm -f $(SPARK_VENV)/.installed-* && touch $(SPARK_STAMP)

## install-spark: .venv-spark (dbt-spark, pyspark), Java 17 (apt-get, when missing) and the Iceberg runtime in .spark/
install-spark: $(SPARK_STAMP)

## build-spark: the same build on Spark with Iceberg tables: a local session with its metastore and
## tables in .spark/, or the cluster and catalog the WAREHOUSE_SPARK_* variables name
build-spark: install-spark
	$(SPARK_VENV)/bin/dbt build --target spark $(DBT_ARGS)

## build: install the pinned environment, seed the sample and build + test every model on DuckDB
## (DBT_ARGS adds dbt options to the three builds, e.g. DBT_ARGS="--select +fct_trips")
build: install
	$(BIN)/dbt build $(DBT_ARGS)

## build-postgres: the same build on PostgreSQL: the server PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE name,
## else the one `make postgres-up` started (its .postgres/env)
build-postgres: install
	$(PG) $(BIN)/dbt build --target postgres $(DBT_ARGS)

## postgres-up: start an embedded PostgreSQL in .postgres/ (kept between commands) and print its `export PG...` lines
postgres-up: install
	@$(BIN)/python scripts/postgres_server.py up

## postgres-down: stop it (the data stays in .postgres/data); postgres-clean: stop it and delete .postgres/
postgres-down: install
	@$(BIN)/python scripts/postgres_server.py down

postgres-clean: install
	@$(BIN)/python scripts/postgres_server.py clean

## browser: Debian's chromium for the docs-site test (installed when missing)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

## test: install what is missing, then lint both dialects and run the whole test suite
test: install sql-env install-spark browser lint
	$(BIN)/python -m pytest

## docs: generate the docs site and serve it on http://127.0.0.1:8080: from the DuckDB read copy (works
## while a build runs; the warehouse is built first when missing), or DBT_TARGET=postgres for PostgreSQL
docs: install
	test "$${DBT_TARGET:-duckdb}" != duckdb || test -f $$($(BIN)/python scripts/sql.py --print-path) || $(BIN)/dbt build
	$(ON_PG) $(BIN)/dbt docs generate $(if $(ON_PG),,--target duckdb_read)
	$(ON_PG) $(BIN)/dbt docs serve --port $${DOCS_PORT:-8080} --host 127.0.0.1 --no-browser

## sql: Harlequin, read-only on the DuckDB read copy, schema marts by default (QUERY="select ..." prints
## the result instead); DBT_TARGET=postgres for the PostgreSQL marts (a plain prompt)
# (a one-off QUERY needs only .venv; the shell needs .venv-sql)
sql: install $(if $(QUERY),,sql-env)
	$(ON_PG) $(BIN)/python scripts/sql.py --target $${DBT_TARGET:-duckdb} $${QUERY:+"$$QUERY"}

## metrics: the semantic layer with MetricFlow's `mf`: list the saved queries, or answer one (SAVED_QUERY=name);
## DBT_TARGET=postgres for PostgreSQL (the DuckDB warehouse is built first when missing)
metrics: install
	test "$${DBT_TARGET:-duckdb}" != duckdb || test -f $${WAREHOUSE_DUCKDB_PATH:-warehouse.duckdb} || $(BIN)/dbt build
	$(ON_PG) $(BIN)/dbt parse --quiet
	$(ON_PG) $(BIN)/mf $(if $(SAVED_QUERY),query --saved-query $(SAVED_QUERY),list saved-queries)

clean:
	rm -rf target logs warehouse.duckdb warehouse_read.duckdb

## lint: sqlfluff on every model, snapshot, analysis and test, DuckDB dialect then PostgreSQL
# (against a scratch DuckDB file, so a built warehouse never changes what is linted; one sqlfluff
# process per core: half the time)
LINT = $(BIN)/sqlfluff lint models snapshots analyses tests --processes $(shell nproc)
lint: install
	WAREHOUSE_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(LINT)
	$(BIN)/python scripts/with_postgres.py -- $(LINT) --config .sqlfluff-postgres
