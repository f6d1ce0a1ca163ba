"""PostgreSQL in one command, as the README promises: `make postgres-up`
starts an embedded server that outlives the command, `make build-postgres`
builds the sample on it, a second process queries the marts through the env
file, `make postgres-down` stops it with the data kept. The server lives in a
temporary POSTGRES_DIR (never the repository's .postgres/) and is deleted even
when the test fails."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, pg_connect

SERVER = [sys.executable, str(ROOT / "scripts/postgres_server.py")]


def make(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`make -s ARGS` at the repository root in ENV, output captured."""
    return subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def exports(text: str) -> dict[str, str]:
    """The variables of the `export A=1 B=2` lines in TEXT."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("export "):
            found.update(item.split("=", 1) for item in shlex.split(line[len("export "):]))
    return found


@pytest.fixture
def pg_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The user's environment without PG* variables, the server folder in tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k not in ("DBT_TARGET", "WAREHOUSE_DUCKDB_PATH")}
    env.update(POSTGRES_DIR=str(tmp_path / "pg"), DBT_TARGET_PATH=str(tmp_path / "target"),
               DBT_PROFILES_DIR=str(ROOT / "profiles"))
    try:
        yield env
    finally:
        subprocess.run([*SERVER, "clean"], env=env, capture_output=True)


def test_postgres_up_build_query_down(pg_env: dict[str, str]) -> None:
    no_server = make(pg_env, "build-postgres")
    assert no_server.returncode != 0 and "make postgres-up" in no_server.stderr

    up = make(pg_env, "postgres-up")
    assert up.returncode == 0, up.stderr
    conn = exports(up.stdout)
    assert set(conn) == {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE"} and conn["PGDATABASE"] == "ridehail"
    env_file = Path(pg_env["POSTGRES_DIR"]) / "env"
    assert exports(env_file.read_text()) == conn
    assert make(pg_env, "postgres-up").stdout == up.stdout  # a second up finds the running server

    # what the queries below read (the whole sample's build and its tests: pg_warehouse)
    build = make(pg_env, "build-postgres", "DBT_ARGS=--select +fct_trips +mart_city_daily "
                 "--exclude resource_type:test resource_type:unit_test")
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-2000:]
    assert "ERROR=0" in build.stdout and "model marts.mart_city_daily" in build.stdout
    assert "PASS not_null_" not in build.stdout  # DBT_ARGS reached dbt

    # a second process, started after the build, reads the marts through the env file
    query = make(pg_env, "sql", "DBT_TARGET=postgres", "QUERY=select count(*) as trips from marts.fct_trips")
    assert query.returncode == 0, query.stderr
    trips = int(query.stdout.splitlines()[2])
    assert trips > 1000
    shell = subprocess.run(["bash", "-c", f"source {env_file} && {sys.executable} {ROOT}/scripts/sql.py "
                            "--target postgres --csv 'select count(*) from marts.mart_city_daily'"],
                           env=pg_env, capture_output=True, text=True)
    assert shell.returncode == 0 and int(shell.stdout.splitlines()[1]) > 0, shell.stderr

    down = make(pg_env, "postgres-down")
    assert down.returncode == 0 and "stopped" in down.stderr
    assert not env_file.exists()
    assert subprocess.run([*SERVER, "status"], env=pg_env, capture_output=True).returncode == 1

    # data kept: up again, same trips, then down
    again = exports(make(pg_env, "postgres-up").stdout)
    con = pg_connect({**again, "PGPASSWORD": ""})
    with con.cursor() as cur:
        cur.execute("select count(*) from marts.fct_trips")
        assert cur.fetchone()[0] == trips
    con.close()
    assert make(pg_env, "postgres-down").returncode == 0


def test_a_users_pghost_wins(pg_env: dict[str, str]) -> None:
    env = dict(pg_env, PGHOST="db.example.internal")
    proc = subprocess.run([*SERVER, "run", "--", "sh", "-c", "echo $PGHOST"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "db.example.internal"
