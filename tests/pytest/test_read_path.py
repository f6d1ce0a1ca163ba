"""The DuckDB read path (README "Reading while a build runs"): readers open
the published read copy, never the build file, so they neither block a
build nor see one half-done; a failed build publishes nothing."""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

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


def published_tables(path: Path, schemas: tuple[str, ...] = ("marts", "audit")) -> dict[str, list[tuple]]:
    """Every table of SCHEMAS in the DuckDB file PATH: name -> sorted rows."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema in ?"
            " and table_type = 'BASE TABLE' order by 1, 2", [list(schemas)]).fetchall()]
        return {name: sorted(con.execute(f"select * from {name}").fetchall(), key=repr) for name in names}


def test_a_publish_updates_the_previous_copy_with_what_changed(warehouse: Warehouse, tmp_path: Path) -> None:
    """After a build, the read copy starts from the previous one and gets the
    incremental marts' rows written since, keys that left included; the
    result is the build file's marts exactly. A full refresh copies whole."""
    build, read, env = scratch_copy(warehouse, tmp_path)
    # other tests on the session warehouse may have published already
    with duckdb.connect(str(read), read_only=True) as con:
        (start,) = con.execute("select delta_publishes from ops.published").fetchone()
    first = run_dbt(["run", "--select", "dim_cities"], env, tmp_path / "target")
    assert "brought up to date from build" in first.stdout and "copied whole" not in first.stdout, first.stdout[-3000:]
    with duckdb.connect(str(build)) as con:
        # keys gone from the build file since the last publish, as when every
        # version of a driver is quarantined: the copy must lose them too
        gone = con.execute("delete from marts.fct_trips where trip_id in"
                           " (select trip_id from marts.fct_trips order by trip_id limit 3) returning trip_id").fetchall()
        con.execute("delete from marts.ml_driver_daily_features where driver_id ="
                    " (select min(driver_id) from marts.ml_driver_daily_features)")
        # a rewritten key: stamped with a newer build, as every incremental write is
        con.execute("update marts.dim_drivers set last_name = 'Rewritten', build_id = build_id + 1000"
                    " where driver_id = (select max(driver_id) from marts.dim_drivers)")
    second = run_dbt(["run", "--select", "dim_cities"], env, tmp_path / "target")
    assert "fct_trips" in second.stdout.split("brought up to date", 1)[1].split(")")[0], second.stdout[-3000:]
    assert "copied whole" not in second.stdout
    published, built = published_tables(read), published_tables(build, ("marts",))
    assert {name: rows for name, rows in published.items() if name.startswith("marts.")} == built
    assert len(gone) == 3 and "audit.test_results" in published
    with duckdb.connect(str(read), read_only=True) as con:
        assert con.execute("select delta_publishes from ops.published").fetchone() == (start + 2,)
    # after publish_full_copy_every updates in a row, a whole copy (compacts the file)
    compacting = run_dbt(["run", "--select", "dim_cities", "--vars", "{publish_full_copy_every: 2}"], env,
                         tmp_path / "target")
    assert "brought up to date" not in compacting.stdout and "Published" in compacting.stdout
    with duckdb.connect(str(read), read_only=True) as con:
        assert con.execute("select delta_publishes from ops.published").fetchone() == (0,)
    third = run_dbt(["run", "--select", "dim_cities", "--full-refresh"], env, tmp_path / "target")
    assert "brought up to date" not in third.stdout and "Published" in third.stdout
    assert published_tables(read, ("marts",)) == published_tables(build, ("marts",))


def publish_plugin():
    """plugins/ridehail_publish.py as a module (dbt-duckdb loads it by path)."""
    spec = importlib.util.spec_from_file_location("ridehail_publish", ROOT / "plugins/ridehail_publish.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    return plugin


def test_a_publish_that_runs_out_of_disk_leaves_no_partial_copy(tmp_path: Path, monkeypatch) -> None:
    """The copy that starts an updating publish fails half-way (no space
    left, as at 50M trips on this machine): the error propagates, the read
    copy is untouched and the partial file is gone, so it does not hold the
    space the next publish needs."""
    plugin = publish_plugin()
    final, tmp = tmp_path / "warehouse_read.duckdb", tmp_path / "warehouse_read.duckdb.abc.tmp"
    final.write_bytes(b"published copy" * 1000)

    def copy_until_the_disk_is_full(src: str, dst: str) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device", dst)

    monkeypatch.setattr(plugin.shutil, "copyfile", copy_until_the_disk_is_full)
    with pytest.raises(OSError, match="No space left"):
        plugin.start_publish(str(final), str(tmp), copy=True)
    assert not tmp.exists()
    assert final.read_bytes() == b"published copy" * 1000


@pytest.mark.parametrize("copy", [True, False], ids=["updating", "whole"])
def test_a_publish_deletes_copies_of_failed_publishes_before_it_writes(tmp_path: Path, monkeypatch,
                                                                        copy: bool) -> None:
    """A publish that failed after its copy was made (during the update, the
    checkpoint or the rename) left FINAL.<invocation>.tmp and its WAL: the
    next publish deletes them before it copies or writes its own file, so
    two copies never need the disk at once. Files that are not a publish's
    copy (the read copy, the build file, other names) stay."""
    plugin = publish_plugin()
    final = tmp_path / "warehouse_read.duckdb"
    final.write_bytes(b"published copy")
    stale = [tmp_path / "warehouse_read.duckdb.old.tmp", tmp_path / "warehouse_read.duckdb.old.tmp.wal"]
    kept = [tmp_path / "warehouse.duckdb", tmp_path / "warehouse_read.duckdb.wal.bak", tmp_path / "notes.tmp"]
    for path in stale + kept:
        path.write_bytes(b"x")
    tmp = tmp_path / "warehouse_read.duckdb.new.tmp"
    present_at_copy = []

    def copy_and_look(src: str, dst: str) -> None:
        present_at_copy.extend(path for path in stale if path.exists())
        Path(dst).write_bytes(Path(src).read_bytes())

    monkeypatch.setattr(plugin.shutil, "copyfile", copy_and_look)
    plugin.start_publish(str(final), str(tmp), copy=copy)
    assert [path for path in stale if path.exists()] == [] and present_at_copy == []
    assert all(path.exists() for path in kept)
    assert tmp.exists() == copy and (not copy or tmp.read_bytes() == b"published copy")
    # a second start of the same invocation's publish is refused, its file kept
    tmp.write_bytes(b"being written")
    with pytest.raises(OSError, match="another publish"):
        plugin.start_publish(str(final), str(tmp), copy=copy)
    assert tmp.read_bytes() == b"being written"
