"""The DuckDB read path (README "Reading while a build runs"): readers open
the published read copy, never the build file, so they neither block a
build nor see one half-done; a failed build publishes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from conftest import ROOT, Warehouse, duckdb_env, run_dbt

READER = str(Path(__file__).with_name("read_loop.py"))


def scratch_copy(warehouse: Warehouse, tmp: Path) -> tuple[Path, Path, dict[str, str]]:
    """The session warehouse's build file and read copy, copied to TMP."""
    build, read = tmp / "warehouse.duckdb", tmp / "warehouse_read.duckdb"
    shutil.copy(warehouse.path, build)
    shutil.copy(warehouse.path.with_name("warehouse_read.duckdb"), read)
    return build, read, duckdb_env(build)


def read_state(read: Path) -> tuple[int, int, int]:
    with duckdb.connect(str(read), read_only=True) as con:
        return con.execute("select (select max(build_id) from ops.published), (select count(*) from marts.fct_trips),"
                           " (select sum(trips) from marts.mart_city_daily)").fetchone()


def test_readers_see_whole_builds_while_dbt_builds(warehouse: Warehouse, tmp_path: Path) -> None:
    build, read, env = scratch_copy(warehouse, tmp_path)
    with duckdb.connect(str(build)) as con:  # 20 fewer trips, so the new build differs from the published one
        con.execute("""delete from raw.trips where trip_id in (
            select trip_id from raw.trips where status like 'cancelled%'
               and trip_id not in (select trip_id from raw.payments where trip_id is not null)
               and trip_id not in (select trip_id from raw.ratings where trip_id is not null)
            order by trip_id limit 20)""")
    before = read_state(read)
    stop = tmp_path / "stop"
    readers = {mode: subprocess.Popen([sys.executable, READER, str(read), str(stop), mode], stdout=subprocess.PIPE,
                                      text=True, cwd=ROOT) for mode in ("hold", "reopen")}
    time.sleep(1)  # both readers have the read copy open before dbt starts
    # a full refresh drops and re-creates every table of the build file: the
    # worst moment for a reader of that file. The sample seeds stay as edited;
    # unit tests, which read no table, are left out to keep the test short
    # (a partial selection would not do: its cross-mart tests would fail)
    build_proc = run_dbt(["build", "--full-refresh", "--exclude", "tag:raw_sample", "resource_type:unit_test"],
                         env, tmp_path / "target", check=False)
    time.sleep(1)
    stop.touch()
    seen = {mode: json.loads(proc.communicate(timeout=60)[0]) for mode, proc in readers.items()}
    assert build_proc.returncode == 0, build_proc.stdout[-4000:]
    assert "Published" in build_proc.stdout
    after = read_state(read)
    assert after[0] > before[0] and after[1] == before[1] - 20 == after[2]
    for mode, result in seen.items():
        assert "error" not in result, (mode, result)
        assert result["queries"] > 20, (mode, result)
        # every state is a whole build: the two marts agree
        assert all(fct == city for _, fct, city in result["states"]), (mode, result)
    # a held connection keeps reading the copy it opened; new connections move
    # from the previous build to the new one, nothing in between
    assert [tuple(s) for s in seen["hold"]["states"]] == [before]
    assert [tuple(s) for s in seen["reopen"]["states"]] == [before, after]


def test_a_failed_build_publishes_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    build, read, env = scratch_copy(warehouse, tmp_path)
    with duckdb.connect(str(build)) as con:  # fct_trips cannot build without its parent
        con.execute("drop table intermediate.int_trips_versioned")
    before, inode = read_state(read), os.stat(read).st_ino
    proc = run_dbt(["run", "--select", "fct_trips", "mart_city_daily"], env, tmp_path / "target", check=False)
    assert proc.returncode != 0
    assert "Read copy not published" in proc.stdout
    assert read_state(read) == before and os.stat(read).st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("warehouse_read")) == ["warehouse_read.duckdb"]
