"""Source freshness on the raw tables' load time (`_loaded_at`): the shipped
sample (loaded in 2025) is stale, a table loaded just now is fresh."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from conftest import Warehouse, duckdb_env, run_dbt


def freshness(db: Path, target: Path) -> dict[str, str]:
    proc = run_dbt(["source", "freshness"], duckdb_env(db), target, check=False)
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
