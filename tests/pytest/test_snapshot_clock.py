"""Snapshots stamp when the warehouse learned a version in UTC, whatever the
session's time zone (../shared/cases/snapshot-session-timezone): never
earlier than the load that carried the version."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from conftest import ROOT, duckdb_env, postgres_env, query_engine, run_dbt, scratch_database
from test_loads import loader

CASE = ROOT / "tests" / "data" / "cases" / "snapshot-session-timezone" / "b0"


def learned_in_utc(target: str, env: dict[str, str], tmp_path: Path) -> None:
    assert subprocess.run(loader(str(CASE), "--target", target), env=env, capture_output=True).returncode == 0
    args = ["--target", target]
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    run_dbt(["seed", *args], env, tmp_path / "target")
    run_dbt(["run", "--select", "+int_driver_versions", "+int_rider_versions", *args], env, tmp_path / "target")
    run_dbt(["snapshot", *args], env, tmp_path / "target")
    after = datetime.now(timezone.utc).replace(tzinfo=None)
    (loaded,) = query_engine(target, env, "select max(_loaded_at) from raw.drivers")[0]
    stamps = query_engine(target, env, "select min(dbt_valid_from), max(dbt_valid_from), count(*) "
                                       "from snapshots.snap_drivers")[0]
    first, last, versions = stamps
    assert versions > 0
    # a local wall-clock stamp would be 5 h early (New York) or 9 h late (Tokyo)
    assert before - timedelta(seconds=5) <= first <= last <= after + timedelta(seconds=5), (before, stamps, after)
    assert first >= loaded


def test_duckdb_snapshot_clock_is_utc_under_new_york_time(tmp_path: Path) -> None:
    env = dict(duckdb_env(tmp_path / "tz.duckdb"), TZ="America/New_York")
    learned_in_utc("duckdb", env, tmp_path)


def test_postgres_snapshot_clock_is_utc_under_tokyo_time(tmp_path: Path, postgres_server: dict[str, str]) -> None:
    with scratch_database(postgres_server, f"ridehail_tz_{os.getpid()}") as name:
        env = dict(postgres_env(postgres_server, name), PGTZ="Asia/Tokyo")
        learned_in_utc("postgres", env, tmp_path)
