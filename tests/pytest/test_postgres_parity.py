"""PostgreSQL gives the same marts as DuckDB, row for row.

Agreed precision: numbers compare as decimals rounded to 6 places (the marts
hold at most 8 decimal places only in usd_per_unit, which both engines store
exactly); timestamps compare to the microsecond, as ISO text; dates as ISO
text; booleans and nulls as themselves."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from conftest import PgWarehouse, Warehouse

SIX_PLACES = Decimal("0.000001")


def normalise(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).quantize(SIX_PLACES)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def duckdb_marts(path: Path) -> dict[str, tuple[list[str], Counter]]:
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        for table in tables:
            cur = con.execute(f"select * from marts.{table}")
            cols = [d[0] for d in cur.description]
            out[table] = (cols, Counter(tuple(normalise(v) for v in row) for row in cur.fetchall()))
    return out


def postgres_marts(pg: PgWarehouse) -> dict[str, tuple[list[str], Counter]]:
    out = {}
    with pg.connect() as con, con.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
        for (table,) in cur.fetchall():
            cur.execute(f"select * from marts.{table}")
            cols = [d[0] for d in cur.description]
            out[table] = (cols, Counter(tuple(normalise(v) for v in row) for row in cur.fetchall()))
    con.close()
    return out


def differences(left: dict, right: dict) -> list[str]:
    """Every way the two engines' marts differ; empty when they are equal."""
    problems = []
    if set(left) != set(right):
        problems.append(f"marts differ: {sorted(set(left) ^ set(right))}")
    for table in sorted(set(left) & set(right)):
        (lcols, lrows), (rcols, rrows) = left[table], right[table]
        if lcols != rcols:
            problems.append(f"{table}: columns {lcols} != {rcols}")
            continue
        if sum(lrows.values()) != sum(rrows.values()):
            problems.append(f"{table}: {sum(lrows.values())} rows != {sum(rrows.values())}")
        only_left, only_right = lrows - rrows, rrows - lrows
        if only_left or only_right:
            problems.append(f"{table}: {sum(only_left.values())} rows only in the first, e.g. "
                            f"{next(iter(only_left), None)}; {sum(only_right.values())} only in the second, "
                            f"e.g. {next(iter(only_right), None)}")
    return problems


def test_postgres_build_has_no_errors(pg_warehouse: PgWarehouse) -> None:
    summary = [line for line in pg_warehouse.build_log.splitlines() if "Done. PASS=" in line][-1]
    assert "ERROR=0" in summary and "WARN=0" in summary and "SKIP=0" in summary, summary


def test_every_mart_is_identical_on_both_engines(warehouse: Warehouse, pg_warehouse: PgWarehouse) -> None:
    left, right = duckdb_marts(warehouse.path), postgres_marts(pg_warehouse)
    assert len(left) >= 7 and all(sum(rows.values()) > 0 for _, rows in left.values())
    assert differences(left, right) == []


def test_the_comparison_catches_a_single_changed_value(warehouse: Warehouse, pg_warehouse: PgWarehouse,
                                                       tmp_path: Path) -> None:
    copy = tmp_path / "changed.duckdb"
    shutil.copy(warehouse.path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update marts.fct_trips set fare_local = fare_local + 0.01 "
                    "where trip_id = (select min(trip_id) from marts.fct_trips)")
    found = differences(duckdb_marts(copy), postgres_marts(pg_warehouse))
    assert len(found) == 1 and found[0].startswith("fct_trips: 1 rows only in the first"), found
