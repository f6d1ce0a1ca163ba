"""Shared fixtures: a warehouse built from the shipped sample in a temporary
DuckDB file, and helpers to run dbt and query it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference import Sample  # noqa: E402


@dataclass
class Warehouse:
    path: Path
    target_dir: Path
    env: dict[str, str]

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_dbt(list(args), self.env, self.target_dir, check=check)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.sql(sql).fetchall()


def run_dbt(args: list[str], env: dict[str, str], target_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    proc = subprocess.run([dbt, *args, "--target-path", str(target_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


def duckdb_env(path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["WAREHOUSE_DUCKDB_PATH"] = str(path)
    env["DBT_PROFILES_DIR"] = str(ROOT / "profiles")
    env.pop("DBT_TARGET", None)
    return env


@pytest.fixture(scope="session")
def sample() -> Sample:
    return Sample(ROOT / "seeds")


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """`dbt build` of the shipped sample on a fresh DuckDB file, analyses compiled."""
    tmp = tmp_path_factory.mktemp("duckdb")
    wh = Warehouse(tmp / "warehouse.duckdb", tmp / "target", duckdb_env(tmp / "warehouse.duckdb"))
    wh.build_log = wh.dbt("build").stdout  # type: ignore[attr-defined]
    wh.dbt("compile", "--select", "resource_type:analysis")
    yield wh
