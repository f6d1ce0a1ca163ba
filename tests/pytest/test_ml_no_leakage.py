"""ml_driver_daily_features leaks nothing: adding or changing rows dated on or
after day D leaves every feature for dates <= D unchanged (and does change
later ones, so the test can tell)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from conftest import Warehouse, duckdb_env, run_dbt

D = "2025-02-15"
# every feature column; build_id says which build wrote a row, and the rebuild is a new build
FEATURES = ("select * exclude (build_id) from marts.ml_driver_daily_features "
            "where feature_date {op} date '" + D + "' order by 1, 2")


def test_rows_dated_on_or_after_d_do_not_change_features_up_to_d(warehouse: Warehouse, tmp_path: Path) -> None:
    copy = tmp_path / "leak.duckdb"
    shutil.copy(warehouse.path, copy)
    with duckdb.connect(str(copy)) as con:
        before = con.execute(FEATURES.format(op="<=")).fetchall()
        after_d = con.execute(FEATURES.format(op=">")).fetchall()
        stamp = f"'{D} 00:00:00'"
        # change trips requested on/after D, and add new ones there
        con.execute(f"update raw.trips set status = 'cancelled_by_driver', started_at = null, ended_at = null, "
                    f"distance_km = null where requested_at >= {stamp} and requested_at like '2025-__-__ __:__:__'")
        con.execute(f"insert into raw.trips select trip_id + 5000000, rider_id, driver_id, city_id, product, "
                    f"'completed', '{D} 00:00:00', '{D} 00:05:00', '{D} 00:30:00', 9.5, 1.00, 20.00, currency, "
                    f"'{D} 00:31:00', _batch, _line + 100000, _loaded_at, _load_id from raw.trips where trip_id <= 300")
        # change payments created and ratings given on/after D
        con.execute(f"update raw.payments set amount = printf('%.2f', cast(amount as decimal(12, 2)) * 3) where created_at >= {stamp}")
        con.execute(f"update raw.ratings set stars = 1 where rated_at >= {stamp}")
        # change driver versions that start on/after D (later versions, and signups from D)
        con.execute(f"""
            update raw.drivers as d set product = 'xl', city_id = 3, status = 'suspended'
            where d.signed_up_at >= {stamp}
               or (d.updated_at >= {stamp} and exists (
                    select 1 from raw.drivers as e where e.driver_id = d.driver_id and e.updated_at < d.updated_at))""")
    # raw was edited in place (outside the append-only contract), so no new
    # load id appeared: only a full refresh sees the edits
    run_dbt(["run", "--full-refresh", "--select", "+ml_driver_daily_features"], duckdb_env(copy), tmp_path / "target")
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute(FEATURES.format(op="<=")).fetchall() == before
        assert con.execute(FEATURES.format(op=">")).fetchall() != after_d
    assert len(before) > 1000
