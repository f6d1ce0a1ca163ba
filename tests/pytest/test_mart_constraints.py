"""Marts that refuse bad rows: every mart's grain is a `primary_key` model
constraint and its columns `not_null` column constraints, in the enforced
contracts (models/marts/**/_*__models.yml), and both engines enforce them.

A breach is staged the way a bug upstream would cause it, in a copy of the
session's built warehouse: a row of a parent table is duplicated or given a
null key. The build then fails on the model, not on a data test afterwards,
and the previous mart stays in place, row for row:
- dim_cities (a table, rebuilt each time): a duplicated city, then a city
  whose id is null;
- fct_trips (incremental, delete+insert after a pre-hook that deletes the
  changed trips): a trip whose newest version appears twice. The failed
  merge rolls back the pre-hook's delete too.
Once the bad rows are gone, the next build succeeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from conftest import ROOT, Engine, PgWarehouse, Warehouse, duckdb_env, pg_connect, postgres_env

MARTS = ["dim_cities", "fct_trips"]
# a city that exists and a trip of it, both in the sample
CITY, TRIP = 1, "(select min(trip_id) from marts.fct_trips)"


def test_every_mart_declares_its_grain_as_primary_key_and_not_null() -> None:
    for path in sorted((ROOT / "models/marts").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            keys = [c for c in model.get("constraints", []) if c["type"] == "primary_key"]
            assert len(keys) == 1, f"{model['name']} has no primary_key constraint"
            not_null = {c["name"] for c in model["columns"]
                        if any(k["type"] == "not_null" for k in c.get("constraints", []))}
            assert set(keys[0]["columns"]) <= not_null, f"{model['name']}: grain columns without not_null"
            # the grain is the one the data tests check
            tested = [t["unique_combination"]["arguments"]["combination"] for t in model.get("data_tests", [])
                      if isinstance(t, dict) and "unique_combination" in t]
            unique = [c["name"] for c in model["columns"] if "unique" in c.get("data_tests", [])]
            assert keys[0]["columns"] in tested or keys[0]["columns"][0] in unique, model["name"]


def copy_row(engine: Engine, relation: str, where: str, overrides: dict[str, str]) -> None:
    """Insert into RELATION a copy of its rows matching WHERE, with the
    columns OVERRIDES names set to the given SQL expressions."""
    schema, table = relation.split(".")
    columns = [r[0] for r in engine.rows("select column_name from information_schema.columns "
                                         f"where table_schema = '{schema}' and table_name = '{table}' "
                                         "order by ordinal_position")]
    select = ", ".join(overrides.get(c, c) for c in columns)
    engine.execute(f"insert into {relation} ({', '.join(columns)}) select {select} from {relation} where {where}")


def breaches_fail_and_keep_the_previous_marts(engine: Engine, duplicate_key: str, null_key: str) -> None:
    """Stage the breaches in ENGINE's built warehouse and check each build
    fails with the engine's constraint message (DUPLICATE_KEY, NULL_KEY)
    and changes no mart. Raises AssertionError otherwise."""
    before = {mart: engine.table(f"marts.{mart}") for mart in MARTS}
    fct_build = engine.rows("select max(build_id) from marts.fct_trips")[0][0]
    # injected rows carry build_id -7, so they can be told apart and removed
    copy_row(engine, "staging.base_rideshare__cities", f"city_id = {CITY} and disposition = 'kept'",
             {"build_id": "-7"})
    copy_row(engine, "intermediate.int_trips_versioned", f"trip_id = {TRIP}", {"build_id": f"{fct_build} + 1"})

    failed = engine.dbt("run", "--select", *MARTS, check=False)
    assert failed.returncode != 0
    assert duplicate_key in failed.stdout and "ERROR=2" in failed.stdout, failed.stdout[-3000:]
    for mart in MARTS:
        assert engine.table(f"marts.{mart}") == before[mart], f"a failed build changed {mart}"

    engine.execute("delete from intermediate.int_trips_versioned "
                   f"where trip_id = {TRIP} and build_id > {fct_build}",
                   "delete from staging.base_rideshare__cities where build_id = -7")
    assert engine.rows(f"select count(*) from staging.base_rideshare__cities where city_id = {CITY}")[0][0] >= 1
    copy_row(engine, "staging.base_rideshare__cities", f"city_id = {CITY} and disposition = 'kept'",
             {"city_id": "null", "build_id": "-7"})
    failed = engine.dbt("run", "--select", "dim_cities", check=False)
    assert failed.returncode != 0 and null_key in failed.stdout, failed.stdout[-3000:]
    assert engine.table("marts.dim_cities") == before["dim_cities"]

    engine.execute("delete from staging.base_rideshare__cities where build_id = -7")
    engine.dbt("run", "--select", *MARTS)
    for mart in MARTS:
        assert sum(engine.table(f"marts.{mart}").values()) == sum(before[mart].values())


def test_constraint_breach_fails_and_keeps_the_mart_on_duckdb(warehouse: Warehouse, tmp_path: Path) -> None:
    shutil.copy(warehouse.path, tmp_path / "copy.duckdb")
    if Path(f"{warehouse.path}.wal").exists():
        shutil.copy(f"{warehouse.path}.wal", tmp_path / "copy.duckdb.wal")
    engine = Engine("duckdb", duckdb_env(tmp_path / "copy.duckdb"), tmp_path / "target")
    breaches_fail_and_keep_the_previous_marts(engine, "PRIMARY KEY or UNIQUE constraint violation: duplicate key",
                                              "NOT NULL constraint failed")


def test_constraint_breach_fails_and_keeps_the_mart_on_postgres(pg_warehouse: PgWarehouse,
                                                                tmp_path: Path) -> None:
    # a copy of the session's PostgreSQL build: CREATE DATABASE ... TEMPLATE
    name = f"ridehail_constraints_{os.getpid()}"
    admin = pg_connect({**pg_warehouse.env, "PGDATABASE": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"drop database if exists {name}")
        cur.execute(f"create database {name} template {pg_warehouse.env['PGDATABASE']}")
    try:
        engine = Engine("postgres", postgres_env(pg_warehouse.env, name), tmp_path / "target")
        # the primary key's index serves the merge's deletes by trip_id; no second index on it
        indexes = {row[0] for row in engine.rows("select indexname from pg_indexes where tablename = 'fct_trips'")}
        assert {"fct_trips_pkey", "fct_trips__build_id_idx"} <= indexes and "fct_trips__trip_id_idx" not in indexes
        breaches_fail_and_keep_the_previous_marts(engine, "violates unique constraint",
                                                  "violates not-null constraint")
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {name} with (force)")
        admin.close()
