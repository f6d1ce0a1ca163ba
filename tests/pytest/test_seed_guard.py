"""The shipped sample never overwrites bulk-loaded exports (spec: Fixed
interfaces): once raw.load_log records a load, `dbt seed` and `dbt build`
leave the raw tables as they are."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import ROOT, duckdb_env, run_dbt


def test_seed_skips_raw_tables_after_a_bulk_load(tmp_path: Path) -> None:
    db = tmp_path / "guard.duckdb"
    env, target = duckdb_env(db), tmp_path / "target"
    run_dbt(["seed", "--select", "trips", "exchange_rates"], env, target)
    sample_rows = sum(1 for _ in (ROOT / "seeds/raw/trips.csv").open()) - 1
    with duckdb.connect(str(db)) as con:
        assert con.execute("select count(*) from raw.trips").fetchone()[0] == sample_rows
        # what scripts/load_raw.py leaves behind: a logged export and its rows
        con.execute("create table raw.load_log (export varchar, file varchar, rows bigint, loaded_at timestamp)")
        con.execute("insert into raw.load_log values ('batch_900', 'trips.csv', 1, now())")
        con.execute("insert into raw.trips (trip_id, status, _batch, _line) values (123456789, 'completed', 'batch_900', 2)")
    out = run_dbt(["seed", "--select", "trips", "exchange_rates", "--full-refresh"], env, target).stdout
    assert "raw holds bulk-loaded exports" in out
    with duckdb.connect(str(db)) as con:
        assert con.execute("select count(*) from raw.trips").fetchone()[0] == sample_rows + 1
        assert con.execute("select count(*) from raw.trips where _batch = 'batch_900'").fetchone()[0] == 1
        # reference seeds are not raw exports: they still load
        assert con.execute("select count(*) from reference.exchange_rates").fetchone()[0] > 0
