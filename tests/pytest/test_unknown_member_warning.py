"""A trip whose driver has not arrived yet is normal (rule 3): on a small
incremental batch the unknown-member threshold warns over the whole table and
the marts are built (../shared/cases/unknown-member-threshold-small-batch)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import CASE_BUILD, ROOT, build_summary, duckdb_env, postgres_env, query_engine, run_dbt, scratch_database
from test_loads import loader

CASE = ROOT / "tests" / "data" / "cases" / "unknown-member-threshold-small-batch"


def small_batch_builds(target: str, env: dict[str, str], tmp_path: Path) -> None:
    args = ["--target", target]
    for n, export in enumerate(("b0", "b1")):
        proc = subprocess.run(loader(str(CASE / export), *args), env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        # every data test; the unit tests read no data (test_build runs them)
        build = run_dbt([*CASE_BUILD, *args], env, tmp_path / "target")  # exit 0, or run_dbt raises
        summary = build_summary(build.stdout)
        assert "ERROR=0" in summary and "SKIP=0" in summary, summary
    # the second build warned about the unknown driver (more than 2% of all trips), not stopped
    assert "WARN=1" in summary, summary
    assert "unknown_member_share_fct_trips_driver_version_key" in build.stdout
    assert query_engine(target, env, "select driver_id, driver_version_key from marts.fct_trips "
                                     "where trip_id = 1010") == [(104, "-1")]
    for mart in ("mart_city_daily", "mart_driver_monthly", "mart_rider_cohorts", "ml_driver_daily_features"):
        assert query_engine(target, env, f"select count(*) from marts.{mart}")[0][0] > 0, mart


def test_small_batch_with_an_unknown_driver_warns_on_duckdb(tmp_path: Path) -> None:
    small_batch_builds("duckdb", duckdb_env(tmp_path / "small.duckdb"), tmp_path)


def test_small_batch_with_an_unknown_driver_warns_on_postgres(tmp_path: Path, postgres_server: dict[str, str]) -> None:
    with scratch_database(postgres_server, f"ridehail_small_{os.getpid()}") as name:
        small_batch_builds("postgres", postgres_env(postgres_server, name), tmp_path)
