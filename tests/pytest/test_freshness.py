"""Source freshness on the raw tables' load time (`_loaded_at`): the shipped
sample (loaded in 2025) is stale, a table loaded just now is fresh, and the
sample is fresh as of its own newest load (`--vars '{freshness_as_of: ...}'`,
as the README shows) and stale days later."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb

from conftest import Warehouse, duckdb_env, run_dbt


def freshness(db: Path, target: Path, *args: str) -> dict[str, str]:
    proc = run_dbt(["source", "freshness", *args], duckdb_env(db), target, check=False)
    results = json.loads((target / "sources.json").read_text())["results"]
    return {r["unique_id"].split(".")[-1]: r["status"] for r in results} | {"_exit": str(proc.returncode)}


def test_freshness_uses_the_load_time(warehouse: Warehouse, tmp_path: Path) -> None:
    copy = tmp_path / "fresh.duckdb"
    shutil.copy(warehouse.path, copy)
    stale = freshness(copy, tmp_path / "t1")
    assert stale == {"drivers": "error", "riders": "error", "trips": "error", "payments": "error",
                     "ratings": "error", "_exit": "1"}
    with duckdb.connect(str(copy)) as con:
        for table in ("drivers", "riders", "trips", "payments"):
            con.execute(f"update raw.{table} set _loaded_at = (now() at time zone 'UTC') - interval 2 hour "
                        "where _line = 2")
        con.execute("update raw.ratings set _loaded_at = (now() at time zone 'UTC') - interval 30 hour where _line = 2")
    fresh = freshness(copy, tmp_path / "t2")
    assert fresh == {"drivers": "pass", "riders": "pass", "trips": "pass", "payments": "pass",
                     "ratings": "warn", "_exit": "0"}


def test_freshness_as_of_a_reference_time(warehouse: Warehouse, tmp_path: Path) -> None:
    [(newest,)] = warehouse.query("select max(_loaded_at) from raw.trips")
    copy = tmp_path / "sample.duckdb"
    shutil.copy(warehouse.path, copy)
    tables = ("drivers", "riders", "trips", "payments", "ratings")

    def as_of(moment) -> dict[str, str]:
        return freshness(copy, tmp_path / str(moment.timestamp()), "--vars",
                         f"{{freshness_as_of: '{moment:%Y-%m-%d %H:%M:%S}'}}")

    assert as_of(newest + timedelta(hours=2)) == dict.fromkeys(tables, "pass") | {"_exit": "0"}
    assert as_of(newest + timedelta(days=3)) == dict.fromkeys(tables, "error") | {"_exit": "1"}
