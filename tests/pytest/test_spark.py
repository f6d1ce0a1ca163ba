"""Spark with Iceberg (README "Engines: Spark"): the sample builds with no
error through a standalone cluster (master and worker on 127.0.0.1, the
seeds read by Spark's CSV reader), its marts equal DuckDB's row for row (the
precision rules of marts_compare.py, as for PostgreSQL), a second build
(seeds as literal rows, incremental models incrementally) keeps them equal,
and the loader lands what DuckDB's lands in a local session.

Runs in .venv-spark (`make install-spark`, a prerequisite of `make test`):
dbt and pyspark there, the comparison here. Every test of this module is in
one xdist group, so two Spark JVMs never run at once."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, Warehouse, build_summary
from marts_compare import differences, duckdb_marts, read_marts, spark_marts

pytestmark = pytest.mark.xdist_group("spark")

SPARK_BIN = ROOT / ".venv-spark" / "bin"
# the master of an in-process session (the profile's default)
LOCAL_MASTER = "local[2]"


@dataclass
class SparkWarehouse:
    home: Path
    env: dict[str, str]
    build_log: str = ""

    def dbt(self, *args: str) -> subprocess.CompletedProcess[str]:
        """dbt of .venv-spark on the spark target; raises AssertionError when it fails."""
        proc = subprocess.run([str(SPARK_BIN / "dbt"), *args, "--target", "spark",
                               "--target-path", str(self.home / "target")],
                              cwd=ROOT, env=self.env, capture_output=True, text=True)
        assert proc.returncode == 0, f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
        return proc

    def marts(self, name: str = "marts.pickle"):
        """Schema marts read through pyspark (scripts/spark_session.py), normalised.
        Read in a local session (same metastore and tables): what is checked
        is what the cluster wrote, and reading needs no executor of its own."""
        out = self.home / name
        proc = subprocess.run([str(SPARK_BIN / "python"), str(ROOT / "scripts/spark_session.py"),
                               "--dump-marts", str(out)], cwd=ROOT, env={**self.env, "WAREHOUSE_SPARK_MASTER": LOCAL_MASTER},
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return spark_marts(out)


def spark_env(home: Path, master: str = LOCAL_MASTER) -> dict[str, str]:
    """Environment for a Spark warehouse of its own under HOME: metastore,
    Iceberg tables and Derby log there, nothing in the repository's .spark/
    but the jars."""
    env = dict(os.environ)
    env.update({
        "DBT_PROFILES_DIR": str(ROOT / "profiles"),
        "PWD": str(ROOT),
        "WAREHOUSE_SPARK_MASTER": master,
        "WAREHOUSE_SPARK_WAREHOUSE": f"file://{home}/warehouse",
        "WAREHOUSE_SPARK_METASTORE": str(home / "metastore_db"),
        "WAREHOUSE_SPARK_DERBY_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
    })
    env.pop("DBT_TARGET", None)
    return env


# First in the module: it runs a local session before the cluster starts.
def test_load_raw_on_spark_lands_what_duckdb_lands(tmp_path: Path) -> None:
    """scripts/load_raw.py --target spark: the same raw rows as DuckDB's
    loader (load time aside), the same refusal of a bad export with nothing
    of it left behind, and an export loaded twice is skipped."""
    import duckdb

    exports = tmp_path / "exports"
    subprocess.run([str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/generate_raw.py"), str(exports),
                    "--trips", "120", "--batches", "2", "--seed", "3"], check=True, capture_output=True)
    bad = exports / "batch_002"
    shutil.copytree(exports / "batch_001", bad)
    # the bad row becomes the last record (after any blank last line the generator wrote)
    ratings = (bad / "ratings.csv").read_text(encoding="utf-8").rstrip("\n") + "\n"
    (bad / "ratings.csv").write_text(ratings + "999999,rider,4.5,2025-02-13 12:01:23,2025-02-13 12:01:23\n",
                                     encoding="utf-8")
    bad_line = sum(1 for _ in open(bad / "ratings.csv"))

    env = spark_env(tmp_path)
    env["LOAD_RAW_SPARK_LOCK"] = str(tmp_path / "load_raw.lock")

    def load(python: Path, target: str, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), str(ROOT / "scripts/load_raw.py"), str(exports), "--target", target],
                              cwd=ROOT, env={**env, **extra}, capture_output=True, text=True)

    duck_path = tmp_path / "loaded.duckdb"  # not raw.duckdb: its catalog would shadow schema raw
    duck = load(ROOT / ".venv/bin/python", "duckdb", {"WAREHOUSE_DUCKDB_PATH": str(duck_path)})
    spark = load(SPARK_BIN / "python", "spark", {})
    message = f"ratings.csv:{bad_line}: column stars (integer): '4.5' is not a whole number"
    for proc in (duck, spark):
        assert proc.returncode == 1 and message in proc.stderr, proc.stderr[-2000:]
        assert "batch_000: loaded as load 1" in proc.stdout and "batch_001: loaded as load 2" in proc.stdout
    again = subprocess.run([str(SPARK_BIN / "python"), str(ROOT / "scripts/load_raw.py"), str(exports / "batch_000"),
                            "--target", "spark"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "already loaded (same content), skipped" in again.stdout, again.stderr[-2000:]

    dump = tmp_path / "raw.pickle"
    proc = subprocess.run([str(SPARK_BIN / "python"), str(ROOT / "scripts/spark_session.py"), "--dump-marts", str(dump),
                           "--schema", "raw"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    right = spark_marts(dump)
    with duckdb.connect(str(duck_path), read_only=True) as con:
        def run(sql: str) -> tuple[list[str], list[tuple]]:
            cur = con.execute(sql.replace("'marts'", "'raw'").replace("marts.", "raw."))
            return [d[0] for d in cur.description], cur.fetchall()
        left = read_marts(run)
    assert set(left) == set(right)
    for table in left:  # load times differ; everything else is the same
        drop = "loaded_at" if table == "load_log" else "_loaded_at"
        assert differences(*(without(m, table, drop) for m in (left, right))) == [], table
    assert sum(right["load_log"][1].values()) == sum(left["load_log"][1].values()) > 0
    assert not any(row[0] == "batch_002" for row in right["load_log"][1])


def without(marts: dict, table: str, column: str) -> dict:
    """One table of a reading with one column left out."""
    cols, rows = marts[table]
    i = cols.index(column)
    kept = Counter()
    for row, n in rows.items():
        kept[row[:i] + row[i + 1:]] += n
    return {table: (cols[:i] + cols[i + 1:], kept)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"process exited with {proc.returncode}"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@dataclass
class SparkCluster:
    master: str  # spark://127.0.0.1:PORT
    worker_log: Path


@pytest.fixture(scope="module")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkCluster]:
    """A standalone master and one worker (2 cores, 2 GB) on 127.0.0.1, from
    pyspark's own bin/spark-class; both stopped (their process groups) at the
    end of the module."""
    assert (SPARK_BIN / "dbt").exists(), "no .venv-spark: run `make install-spark` (make test does)"
    home = tmp_path_factory.mktemp("spark_cluster")
    spark_home = next(SPARK_BIN.parent.glob("lib/python3*/site-packages/pyspark"))
    spark_class = spark_home / "bin" / "spark-class"
    master_port, worker_port = free_port(), free_port()
    env = dict(os.environ, SPARK_HOME=str(spark_home), SPARK_LOCAL_IP="127.0.0.1",
               SPARK_LOG_DIR=str(home / "logs"), SPARK_WORKER_DIR=str(home / "work"))
    logs = []
    procs: list[subprocess.Popen] = []
    try:
        master_log = open(home / "master.log", "w")
        logs.append(master_log)
        master = subprocess.Popen(["nice", "-n", "19", "bash", str(spark_class), "org.apache.spark.deploy.master.Master",
                                   "--host", "127.0.0.1", "--port", str(master_port), "--webui-port", "0"],
                                  env=env, stdout=master_log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(master)
        wait_for_port(master_port, master)
        worker_log = open(home / "worker.log", "w")
        logs.append(worker_log)
        worker = subprocess.Popen(["nice", "-n", "19", "bash", str(spark_class), "org.apache.spark.deploy.worker.Worker",
                                   "--host", "127.0.0.1", "--port", str(worker_port), "--webui-port", "0",
                                   "--cores", "2", "--memory", "2g", f"spark://127.0.0.1:{master_port}"],
                                  env=env, stdout=worker_log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(worker)
        wait_for_port(worker_port, worker)
        yield SparkCluster(f"spark://127.0.0.1:{master_port}", home / "worker.log")
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, 9)
                    proc.wait()
        for handle in logs:
            handle.close()
        shutil.rmtree(home / "work", ignore_errors=True)


@pytest.fixture(scope="module")
def spark_warehouse(tmp_path_factory: pytest.TempPathFactory, spark_cluster: SparkCluster) -> Iterator[SparkWarehouse]:
    """`dbt build --target spark` of the shipped sample, through the standalone
    cluster: the profile's only difference from a local session is the
    master, so one build covers both (the loader test runs local[2])."""
    home = tmp_path_factory.mktemp("spark")
    wh = SparkWarehouse(home, spark_env(home, spark_cluster.master))
    wh.env["WAREHOUSE_SPARK_EXECUTOR_MEMORY"] = "1g"
    wh.build_log = wh.dbt("build").stdout
    yield wh


def test_spark_build_has_no_errors(spark_warehouse: SparkWarehouse) -> None:
    line = build_summary(spark_warehouse.build_log)
    assert "ERROR=0" in line and "WARN=0" in line and "SKIP=0" in line, line
    # seeds, models, snapshots, unit tests and data tests all ran
    for kind in ("seed file", "incremental model", "snapshot", "unit_test", "PASS not_null_"):
        assert kind in spark_warehouse.build_log, kind
    # the seeds went through Spark's CSV reader (auto: the master is on this host)
    seed_sql = next((spark_warehouse.home / "target" / "run").rglob("trips.csv")).read_text()
    assert "using csv options" in seed_sql, seed_sql[:2000]


def test_every_mart_is_identical_on_spark_and_duckdb(warehouse: Warehouse,
                                                      spark_warehouse: SparkWarehouse) -> None:
    left, right = duckdb_marts(warehouse.path), spark_warehouse.marts()
    assert len(left) >= 7 and all(sum(rows.values()) > 0 for _, rows in left.values())
    assert differences(left, right) == []


# The second build through the cluster: the seeds dim_cities and dim_riders
# read, loaded again as literal rows (the seed path for executors that cannot
# read the driver's files; the big fact seeds are left out, ~30 s each that
# way), and what dim_cities and dim_riders need built again: the incremental
# models incrementally, the rider snapshot again.
# The data tests were run by the first build, and the second one's marts are
# compared with DuckDB's row for row: running them again cost ~45 s a build.
SECOND_BUILD = ["--select", "+dim_cities", "+dim_riders", "snap_riders",
                "--exclude", "resource_type:unit_test", "resource_type:test", "trips", "payments", "ratings"]


def test_the_cluster_ran_the_build_and_rebuilds_incrementally(warehouse: Warehouse, spark_cluster: SparkCluster,
                                                               spark_warehouse: SparkWarehouse) -> None:
    # the executors did the work: the worker ran this application's tasks
    worker_text = spark_cluster.worker_log.read_text()
    assert "Asked to launch executor" in worker_text, worker_text[-2000:]

    spark_warehouse.env["WAREHOUSE_SPARK_SEED_READER"] = "rows"
    try:
        second = spark_warehouse.dbt("build", *SECOND_BUILD).stdout
    finally:
        del spark_warehouse.env["WAREHOUSE_SPARK_SEED_READER"]
    done = build_summary(second)
    assert "ERROR=0" in done and "SKIP=0" in done, done
    assert "seed file" in second and "incremental model" in second and "snapshot" in second
    seed_sql = next((spark_warehouse.home / "target" / "run").rglob("riders.csv")).read_text()
    assert "using csv" not in seed_sql and "insert into" in seed_sql, seed_sql[:2000]

    left, right = duckdb_marts(warehouse.path), spark_warehouse.marts("marts_second.pickle")
    assert differences(left, right) == []
