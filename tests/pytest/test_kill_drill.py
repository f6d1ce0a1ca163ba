"""Kill drill: `kill -9` of a build or a load at its worst moment loses
nothing and doubles nothing, on DuckDB and PostgreSQL.

The build drill stages the shipped sample by load id: raw as `dbt seed`
writes it (DuckDB: copied from the session's build; PostgreSQL: seeded),
loads 4-6 set aside, a build of loads 1-3; then each of loads 4, 5 and 6 is
appended to raw (as the loader would) and a `dbt build` of every model and
snapshot is killed at one point:

1. a table rebuild: mart_city_daily, after its new table is built and swapped
   in, before the commit;
2. an incremental merge: fct_trips, after its pre-hook deleted the changed
   trips and the merge wrote them again, before the commit;
3. a snapshot: snap_drivers, after the new versions were inserted, before
   the commit.

tests/pytest/paused_run.py stops dbt just before that node's COMMIT (the
project runs unchanged); the test then kills it with SIGKILL. After each kill
the node's relation is exactly what it was before that build. Then the same
build, not killed, must give marts equal to a clean build of the same raw
data, the session's DuckDB build of the whole sample (`build_id`, which
build wrote a row, aside; test_postgres_parity holds PostgreSQL's equal), snapshots that kept every version they had with its original
dbt_valid_from and learned each new one once, and no relation left half-way
(`__dbt_tmp`, `__dbt_backup`).

The load drill kills scripts/load_raw.py inside an export's transaction
(the first export after 2 of its files, then, on a second run, the second
export after 3 of its files): the export being loaded is absent, the one
before it complete, and a re-run skips the first and loads the second once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import ROOT, Engine, Warehouse, duckdb_env, postgres_env, scratch_database
from marts_compare import differences, drop_column, duckdb_marts
from raw_contract import TABLES
from reference import read

PAUSED_RUN = Path(__file__).resolve().parent / "paused_run.py"
# every model and snapshot: raw is staged by hand (no seeds), and data tests
# only read
BUILD_MODELS = ["build", "--exclude", "resource_type:seed", "resource_type:test", "resource_type:unit_test"]
# (load appended to raw before the killed build, node paused before its COMMIT, relation it writes)
KILL_POINTS = [
    (4, "model.ridehail.mart_city_daily", "marts.mart_city_daily"),
    (5, "model.ridehail.fct_trips", "marts.fct_trips"),
    (6, "snapshot.ridehail.snap_drivers", "snapshots.snap_drivers"),
]
SNAPSHOTS = {"snap_drivers": "driver_version_key", "snap_riders": "rider_version_key"}


def kill_at_pause(tool_args: list[str], env: dict[str, str], pause: dict[str, str], workdir: Path,
                  timeout: float = 900) -> str:
    """Run paused_run.py with TOOL_ARGS under ENV plus PAUSE (its PAUSE_*
    settings), wait until it reports its pause point, then SIGKILL it.
    Returns the pause point it reported. Raises AssertionError when the
    process ends or TIMEOUT seconds pass before it pauses."""
    ready = workdir / f"ready-{time.monotonic_ns()}"
    log = workdir / f"{ready.name}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, str(PAUSED_RUN), *tool_args], cwd=ROOT,
                                env={**env, **pause, "PAUSE_READY": str(ready)}, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{tool_args} never reached {pause}:\n{log.read_text()[-4000:]}")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    return ready.read_text().strip()


def wait_for_no_sessions(engine: Engine, seconds: float = 30) -> None:
    """PostgreSQL notices the dead client and rolls its transaction back."""
    deadline = time.monotonic() + seconds
    while engine.sessions():
        assert time.monotonic() < deadline, "the killed build's server session is still there"
        time.sleep(0.1)


def build_drill(engine: Engine, reference: dict, workdir: Path) -> None:
    """Stage the sample (loads 1-3 built, loads 4-6 held back in schema
    kill_drill_hold), kill one build per KILL_POINTS, rebuild, and compare
    with REFERENCE (the marts of a clean build of the whole sample). Raises
    AssertionError at the first broken guarantee."""
    engine.execute("create schema kill_drill_hold", *[
        sql for table in TABLES for sql in (
            f"create table kill_drill_hold.{table} as select * from raw.{table} where _load_id >= 4",
            f"delete from raw.{table} where _load_id >= 4")])
    engine.dbt(*BUILD_MODELS)
    snapshots_before = {name: engine.table(f"snapshots.{name}") for name in SNAPSHOTS}
    assert all(snapshots_before.values())

    for load_id, node, relation in KILL_POINTS:
        engine.execute(*[f"insert into raw.{table} select * from kill_drill_hold.{table} where _load_id = {load_id}"
                         for table in TABLES])
        before = engine.table(relation)
        paused = kill_at_pause(["dbt", *BUILD_MODELS, *engine.extra, "--target-path", str(engine.target_dir)],
                               engine.env, {"PAUSE_NODE": node}, workdir)
        assert paused == f"COMMIT of {node}"
        wait_for_no_sessions(engine)
        assert engine.table(relation) == before, f"{relation} changed by a build killed before its commit"

    engine.execute("drop schema kill_drill_hold cascade")
    engine.dbt(*BUILD_MODELS)  # the next build, as after any failure
    assert engine.leftovers() == []
    assert differences(drop_column(engine.marts(), "build_id"), drop_column(reference, "build_id")) == []

    for name, key in SNAPSHOTS.items():
        after = engine.table(f"snapshots.{name}")
        kept = snapshots_before[name] - after
        assert not kept, f"{name} lost or changed {sum(kept.values())} versions, e.g. {next(iter(kept))}"
        keys = Counter(row[0] for row in engine.rows(f"select {key} from snapshots.{name}"))
        assert max(keys.values()) == 1, f"{name} holds a version twice"
        versions = {row[0] for row in engine.rows(f"select {key} from intermediate.int_{name[5:-1]}_versions")}
        assert set(keys) == versions, f"{name} does not hold every version exactly once"
        assert sum(after.values()) > sum(snapshots_before[name].values())


def test_kill_drill_build_on_duckdb(warehouse: Warehouse, tmp_path: Path) -> None:
    engine = Engine("duckdb", duckdb_env(tmp_path / "drill.duckdb"), tmp_path / "target")
    # the seeds as `dbt seed` writes them, copied from the session's build
    schemas = ("raw", "reference")
    tables = warehouse.query("select table_schema, table_name from information_schema.tables "
                             f"where table_schema in {schemas} and table_type = 'BASE TABLE'")
    engine.execute(f"attach '{warehouse.path}' as sample (read_only)", *[f"create schema {s}" for s in schemas],
                   *[f"create table {s}.{t} as select * from sample.{s}.{t}" for s, t in tables], "detach sample")
    build_drill(engine, duckdb_marts(warehouse.path), tmp_path)


def test_kill_drill_build_on_postgres(warehouse: Warehouse, postgres_server: dict[str, str],
                                      tmp_path: Path) -> None:
    # the reference is the DuckDB session build, which test_postgres_parity holds equal to
    # PostgreSQL's: the drill then needs no PostgreSQL build of its own and runs on any worker
    with scratch_database(postgres_server, f"ridehail_kill_{os.getpid()}") as name:
        engine = Engine("postgres", postgres_env(postgres_server, name), tmp_path / "target")
        engine.dbt("seed")
        build_drill(engine, duckdb_marts(warehouse.path), tmp_path)


def load_drill(engine: Engine, workdir: Path) -> None:
    exports = workdir / "exports"
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_raw.py"), str(exports), "--trips", "200",
                    "--batches", "2", "--days", "10", "--seed", "31"], check=True, capture_output=True)
    first, second = sorted(exports.iterdir())
    expected = {}
    for folder in (first, second):
        for path in folder.glob("*.csv"):
            expected[(folder.name, path.stem)] = len(read(path))  # CSV records: a blank last line is none

    def loaded() -> dict[tuple[str, str], int]:
        counts = {}
        for table in TABLES:
            for batch, n in engine.rows(f"select _batch, count(*) from raw.{table} group by _batch"):
                counts[(batch, table)] = n
        return counts

    paused = kill_at_pause(["load_raw", str(exports), "--quiet", "--target", engine.target], engine.env,
                           {"PAUSE_AFTER_FILES": "2"}, workdir)
    assert paused.startswith(f"{first.name}: 2 files")
    wait_for_no_sessions(engine)
    assert engine.rows("select count(*) from raw.load_log")[0][0] == 0
    assert all(n == 0 for n in loaded().values()), "a killed export left rows behind"

    paused = kill_at_pause(["load_raw", str(exports), "--quiet", "--target", engine.target], engine.env,
                           {"PAUSE_AFTER_FILES": "3", "PAUSE_EXPORT": second.name}, workdir)
    # the first export commits whole, then the loader dies inside the second
    assert paused.startswith(f"{second.name}: 3 files")
    wait_for_no_sessions(engine)
    assert {k: n for k, n in loaded().items() if n} == {k: n for k, n in expected.items() if k[0] == first.name and n}
    assert {row[0] for row in engine.rows("select export from raw.load_log")} == {first.name}

    proc = subprocess.run([sys.executable, str(ROOT / "scripts/load_raw.py"), str(exports), "--target",
                           engine.target], env=engine.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert f"{first.name}: already loaded (same content), skipped" in proc.stdout
    assert {k: n for k, n in loaded().items() if n} == {k: n for k, n in expected.items() if n}
    assert engine.rows("select count(distinct load_id) from raw.load_log")[0][0] == 2


def test_kill_drill_load_raw_on_duckdb(tmp_path: Path) -> None:
    load_drill(Engine("duckdb", duckdb_env(tmp_path / "load.duckdb"), tmp_path / "target"), tmp_path)


def test_kill_drill_load_raw_on_postgres(postgres_server: dict[str, str], tmp_path: Path) -> None:
    with scratch_database(postgres_server, f"ridehail_killload_{os.getpid()}") as name:
        load_drill(Engine("postgres", postgres_env(postgres_server, name), tmp_path / "target"), tmp_path)
