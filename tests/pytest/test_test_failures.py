"""Failed data tests an analyst can look at: failing rows in schema audit,
each test's latest result in audit.test_results, read through scripts/sql.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import ROOT, Warehouse, duckdb_env, run_dbt


def sql(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts/sql.py"), "--csv", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_the_published_copy_has_test_results(warehouse: Warehouse) -> None:
    proc = sql(warehouse.env, "select count(*) as tests, count(*) filter (where status = 'pass') as passed,"
                              " count(failing_rows) as stored from audit.test_results")
    assert proc.returncode == 0, proc.stderr
    tests, passed, stored = map(int, proc.stdout.splitlines()[1].split(","))
    assert tests == passed > 100 and stored == tests


def test_a_failing_test_keeps_its_rows_in_audit(warehouse: Warehouse, tmp_path: Path) -> None:
    build = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse.path, build)
    shutil.copy(warehouse.path.with_name("warehouse_read.duckdb"), tmp_path / "warehouse_read.duckdb")
    # a second row for city id 1 breaks unique_dim_cities_city_id (under another city_key: the
    # primary key constraint refuses a second row for a key, README "The grain is enforced"); its
    # null region and timezone break not_null_dim_cities, which counts null values column by column
    with duckdb.connect(str(build)) as con:
        con.execute("insert into marts.dim_cities select * replace (999 as city_key, null as region,"
                    " null as timezone) from marts.dim_cities where city_id = 1")
    env = duckdb_env(build)
    proc = run_dbt(["test", "--select", "dim_cities"], env, tmp_path / "target", check=False)
    assert proc.returncode == 1 and "FAIL 1 unique_dim_cities_city_id" in proc.stdout
    assert "FAIL 2 not_null_dim_cities" in proc.stdout
    nulls = sql(env, "--build-file", "select * from audit.not_null_dim_cities order by column_name")
    assert nulls.stdout.splitlines() == ["column_name,null_rows", "region,1", "timezone,1"]
    results = sql(env, "--build-file", "select failing_rows, failures from audit.test_results"
                                       " where test_name = 'unique_dim_cities_city_id' and status = 'fail'")
    assert results.returncode == 0, results.stderr
    relation, failures = results.stdout.splitlines()[1].split(",")
    assert relation == "audit.unique_dim_cities_city_id" and failures == "1"
    rows = sql(env, "--build-file", f"select * from {relation}")
    assert rows.stdout.splitlines() == ["unique_field,n_records", "1,2"]
    # dbt test publishes nothing: readers keep the last complete build
    assert sql(env, "select count(*) from dim_cities where city_id = 1").stdout.splitlines()[1] == "1"
