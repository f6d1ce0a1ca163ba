"""Loads that never lose or double an export (spec: Fixed interfaces; the
incremental_builds doc block): a load that commits late is still built, a
lagging loader clock changes nothing, a re-delivered export is refused
unless asked for as a correction, and two loaders at once load every row
once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, duckdb_env, pg_connect, postgres_env, query_engine, run_dbt, scratch_database
from marts_compare import differences, drop_column, duckdb_marts, postgres_marts
from raw_contract import TABLES
from reference import read

CASES = ROOT / "tests" / "data" / "cases"
HOLD = Path(__file__).with_name("hold_load.py")


def loader(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "scripts/load_raw.py"), *args]


class Db:
    """One scratch warehouse on either engine: load, build, read."""

    def __init__(self, target: str, env: dict[str, str], target_dir: Path) -> None:
        self.target, self.env, self.target_dir = target, env, target_dir

    def load(self, source: Path, *flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(loader(str(source), "--target", self.target, *flags), env=self.env,
                              capture_output=True, text=True)

    def dbt(self, *args: str) -> None:
        run_dbt([*args, "--target", self.target], self.env, self.target_dir)

    def build(self, full_refresh: bool = False) -> None:
        self.dbt("seed")  # reference seeds; raw sample seeds are skipped after a bulk load
        self.dbt("run", *(["--full-refresh"] if full_refresh else []))

    def query(self, sql: str) -> list[tuple]:
        return query_engine(self.target, self.env, sql)

    def marts(self) -> dict:
        if self.target == "duckdb":
            return duckdb_marts(Path(self.env["WAREHOUSE_DUCKDB_PATH"]))
        return postgres_marts(pg_connect(self.env))


@pytest.fixture(params=["duckdb", "postgres"])
def make_db(request: pytest.FixtureRequest, tmp_path: Path):
    """A factory of scratch warehouses on the parametrised engine."""
    made: list = []

    def make(name: str) -> Db:
        if request.param == "duckdb":
            return Db("duckdb", duckdb_env(tmp_path / f"{name}.duckdb"), tmp_path / f"t_{name}")
        server = request.getfixturevalue("postgres_server")
        ctx = scratch_database(server, f"ridehail_{name}_{os.getpid()}")
        made.append(ctx)
        return Db("postgres", postgres_env(server, ctx.__enter__()), tmp_path / f"t_{name}")

    yield make
    for ctx in made:
        ctx.__exit__(None, None, None)


def same_marts(left: Db, right: Db, skip: tuple[str, ...] = ()) -> list[str]:
    def read(db: Db) -> dict:
        marts = drop_column(db.marts(), "build_id")
        return {t: v for t, v in marts.items() if t not in skip}
    return differences(read(left), read(right))


def test_late_commit_and_lagging_clock_are_still_built(postgres_server: dict[str, str], tmp_path: Path) -> None:
    """PostgreSQL: export b1's transaction stays open while b2 is started by
    a second loader (whose clock lags an hour) and a build runs; after both
    commit, the next build equals a full refresh of the same loads."""
    source = CASES / "late-commit-watermark"
    pid = os.getpid()
    with scratch_database(postgres_server, f"ridehail_late_{pid}") as inc_name, \
            scratch_database(postgres_server, f"ridehail_late_full_{pid}") as full_name:
        inc = Db("postgres", postgres_env(postgres_server, inc_name), tmp_path / "t_inc")
        full = Db("postgres", postgres_env(postgres_server, full_name), tmp_path / "t_full")
        assert inc.load(source / "b0").returncode == 0
        inc.build()
        holding, release = tmp_path / "holding", tmp_path / "release"
        slow = subprocess.Popen([sys.executable, str(HOLD), str(holding), str(release), "--",
                                 str(source / "b1"), "--target", "postgres"], env=inc.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120
            while not holding.exists():
                assert slow.poll() is None and time.monotonic() < deadline, slow.communicate()
                time.sleep(0.05)
            lagging = subprocess.Popen([sys.executable, str(HOLD), "-", "-", "--clock-offset-hours", "-1", "--",
                                        str(source / "b2"), "--target", "postgres"], env=inc.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.0)
            assert lagging.poll() is None, "the second loader did not wait for the first"
            inc.build()  # sees neither open load
        finally:
            release.write_text("go")
        assert slow.wait(timeout=120) == 0, slow.communicate()
        assert lagging.wait(timeout=120) == 0, lagging.communicate()
        inc.build()
        # b2's clock lags: its load time is earlier, its load id later
        (b1_at, b1_id), (b2_at, b2_id) = inc.query(
            "select min(loaded_at), min(load_id) from raw.load_log group by export order by export")[1:]
        assert b2_at < b1_at and b2_id > b1_id
        assert inc.query("select count(*) from marts.fct_trips where trip_id = 1004") == [(1,)]
        for export in ("b0", "b1", "b2"):
            assert full.load(source / export).returncode == 0
        full.build(full_refresh=True)
        assert same_marts(inc, full) == []


def test_redelivered_export_is_refused_then_loaded_as_a_correction(make_db, tmp_path: Path) -> None:
    source = CASES / "redelivered-export-same-name"
    db = make_db("redeliver")
    assert db.load(source / "b0").returncode == 0
    same = db.load(source / "b0")
    assert same.returncode == 0 and "2025-01-10: already loaded (same content), skipped" in same.stdout
    before = db.query("select count(*) from raw.load_log")
    refused = db.load(source / "b1")
    assert refused.returncode == 1
    message = refused.stderr.strip().splitlines()[-1]
    assert "export 2025-01-10 was already loaded with other content" in message, message
    assert "changed trips.csv" in message and "added payments.csv" in message and "--redeliver" in message
    assert "changed drivers.csv" not in message
    assert db.query("select count(*) from raw.load_log") == before
    assert db.query("select count(*) from raw.payments") == [(0,)]
    accepted = db.load(source / "b1", "--redeliver")
    assert accepted.returncode == 0 and "re-delivered, loaded as a correction as load 2" in accepted.stdout
    assert db.query("select count(*), max(_load_id) from raw.payments") == [(3, 2)]
    again = db.load(source / "b1", "--redeliver")
    assert again.returncode == 0 and "same content" in again.stdout
    db.build()
    assert [float(v) for (v,) in db.query("select fare_local from marts.fct_trips where trip_id = 1002")] == [31.5]
    assert db.query("select count(*) from marts.fct_payments") == [(3,)]
    corrected = make_db("corrected")
    assert corrected.load(source / "b1").returncode == 0
    corrected.build(full_refresh=True)
    # the first delivery's rows are superseded versions: only the DQ counts see them
    assert same_marts(db, corrected, skip=("dq_scores", "dq_scores_overall", "dq_quarantine", "dq_rule_summary")) == []


def test_two_loaders_at_once_load_every_row_once(make_db, tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_raw.py"), str(exports), "--trips", "200",
                    "--batches", "3", "--days", "20", "--seed", "5"], check=True, capture_output=True)
    # CSV records, not lines: the generator ends some files with a blank line
    expected = {t: sum(len(read(p)) for p in exports.glob(f"*/{t}.csv")) for t in TABLES}
    db = make_db("twice")
    env = dict(db.env, LOAD_RAW_LOCK_WAIT="300")
    for attempt in range(5):
        procs = [subprocess.Popen(loader(str(exports), "--target", db.target), env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
        assert [r[2] for r in results] == [0, 0], results
        counts = {t: db.query(f"select count(*) from raw.{t}")[0][0] for t in TABLES}
        assert counts == expected, (attempt, counts)
        assert db.query("select count(distinct export), count(distinct load_id) from raw.load_log") == [(3, 3)]
        assert "Traceback" not in "".join(r[1] for r in results)
