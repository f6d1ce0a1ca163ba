"""PostgreSQL gives the same marts as DuckDB, row for row (precision rules in
marts_compare.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from conftest import PgWarehouse, Warehouse, build_summary
from marts_compare import differences, duckdb_marts, postgres_marts


def test_postgres_build_has_no_errors(pg_warehouse: PgWarehouse) -> None:
    summary = build_summary(pg_warehouse.build_log)
    assert "ERROR=0" in summary and "WARN=0" in summary and "SKIP=0" in summary, summary


def test_every_mart_is_identical_on_both_engines(warehouse: Warehouse, pg_warehouse: PgWarehouse) -> None:
    left, right = duckdb_marts(warehouse.path), postgres_marts(pg_warehouse.connect())
    assert len(left) >= 7 and all(sum(rows.values()) > 0 for _, rows in left.values())
    assert differences(left, right) == []


def test_the_comparison_catches_a_single_changed_value(warehouse: Warehouse, pg_warehouse: PgWarehouse,
                                                       tmp_path: Path) -> None:
    copy = tmp_path / "changed.duckdb"
    shutil.copy(warehouse.path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.fct_trips set fare_local = fare_local + 0.01 "
                    "where trip_id = (select min(trip_id) from marts.fct_trips)")
    found = differences(duckdb_marts(copy), postgres_marts(pg_warehouse.connect()))
    assert len(found) == 1 and found[0].startswith("fct_trips: 1 rows only in the first"), found
