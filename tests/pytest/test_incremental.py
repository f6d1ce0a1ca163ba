"""Incremental facts: after any sequence of exports, loading and building
after each one gives the same marts as a full refresh of the same raw data,
on both engines; a build with nothing new changes nothing.

`build_id` (the build that last wrote each row) is the one column that
legitimately differs between the two histories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, duckdb_env, pg_connect, postgres_env, run_dbt, scratch_database
from marts_compare import differences, drop_column, duckdb_marts, postgres_marts

# (seed, exports, the order they are loaded in): seed 22's third export is
# loaded before its second, a late delivery
SEQUENCES = {"duckdb": [(21, 4, (0, 1, 2, 3)), (22, 3, (0, 2, 1))], "postgres": [(23, 3, (0, 1, 2))]}


def generate(out: Path, seed: int, batches: int) -> list[Path]:
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_raw.py"), str(out), "--trips", "500",
                    "--batches", str(batches), "--days", "40", "--seed", str(seed)], check=True, capture_output=True)
    return sorted(out.iterdir())


def load(source: Path, env: dict[str, str], target: str) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/load_raw.py"), str(source), "--quiet",
                           "--target", target], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


class Side:
    """One warehouse: a DuckDB file or a PostgreSQL database."""

    def __init__(self, target: str, env: dict[str, str], target_dir: Path) -> None:
        self.target, self.env, self.target_dir = target, env, target_dir

    def dbt(self, *args: str) -> None:
        extra = ["--target", "postgres"] if self.target == "postgres" else []
        run_dbt([*args, *extra], self.env, self.target_dir)

    def marts(self) -> dict:
        if self.target == "duckdb":
            return duckdb_marts(Path(self.env["WAREHOUSE_DUCKDB_PATH"]))
        return postgres_marts(pg_connect(self.env))


def check_sequence(exports: list[Path], incremental: Side, full: Side) -> None:
    for n, export in enumerate(exports):
        load(export, incremental.env, incremental.target)
        if n == 0:
            incremental.dbt("seed")  # reference seeds; the raw sample is skipped after a bulk load
        incremental.dbt("run")
        if incremental.target == "duckdb":  # the read copy, brought up to date, is the build file's marts
            build = Path(incremental.env["WAREHOUSE_DUCKDB_PATH"])
            assert differences(duckdb_marts(build.with_name(build.stem + "_read.duckdb")), duckdb_marts(build)) == []
    settled = incremental.marts()
    incremental.dbt("run")
    assert differences(incremental.marts(), settled) == [], "a build with no new export changed the marts"

    for export in exports:  # the same loads in the same order, then one full build
        load(export, full.env, full.target)
    full.dbt("seed")
    full.dbt("run", "--full-refresh")
    refreshed = full.marts()
    assert sum(sum(rows.values()) for _, rows in refreshed.values()) > 1000
    assert differences(drop_column(settled, "build_id"), drop_column(refreshed, "build_id")) == []


@pytest.mark.parametrize("seed,batches,order", SEQUENCES["duckdb"])
def test_incremental_equals_full_refresh_on_duckdb(tmp_path: Path, seed: int, batches: int,
                                                   order: tuple[int, ...]) -> None:
    generated = generate(tmp_path / "exports", seed, batches)
    exports = [generated[i] for i in order]
    check_sequence(exports,
                   Side("duckdb", duckdb_env(tmp_path / "inc.duckdb"), tmp_path / "t_inc"),
                   Side("duckdb", duckdb_env(tmp_path / "full.duckdb"), tmp_path / "t_full"))


@pytest.mark.parametrize("seed,batches,order", SEQUENCES["postgres"])
def test_incremental_equals_full_refresh_on_postgres(tmp_path: Path, postgres_server: dict[str, str],
                                                     seed: int, batches: int, order: tuple[int, ...]) -> None:
    generated = generate(tmp_path / "exports", seed, batches)
    exports = [generated[i] for i in order]
    pid = os.getpid()
    with scratch_database(postgres_server, f"ridehail_inc_{pid}") as inc, \
            scratch_database(postgres_server, f"ridehail_full_{pid}") as full:
        check_sequence(exports,
                       Side("postgres", postgres_env(postgres_server, inc), tmp_path / "t_inc"),
                       Side("postgres", postgres_env(postgres_server, full), tmp_path / "t_full"))
