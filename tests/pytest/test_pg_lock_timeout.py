"""PostgreSQL: a build that meets a session holding a mart's lock waits at
most WAREHOUSE_PG_LOCK_TIMEOUT, fails with a clear message and changes
nothing; once the session ends the next build succeeds."""

from __future__ import annotations

import time

from conftest import PgWarehouse


def test_a_held_lock_fails_the_build_in_bounded_time(pg_warehouse: PgWarehouse) -> None:
    before = pg_warehouse.query("select count(*), sum(trips) from marts.mart_city_daily")
    analyst = pg_warehouse.connect()  # a long analyst read: ACCESS SHARE held in an open transaction
    try:
        with analyst.cursor() as cur:
            cur.execute("select count(*) from marts.mart_city_daily")
        env = dict(pg_warehouse.env, WAREHOUSE_PG_LOCK_TIMEOUT="3s")
        from conftest import run_dbt
        started = time.monotonic()
        proc = run_dbt(["run", "--select", "mart_city_daily", "--target", "postgres"], env,
                       pg_warehouse.target_dir, check=False)
        elapsed = time.monotonic() - started
        assert proc.returncode == 1, proc.stdout[-3000:]
        assert "canceling statement due to lock timeout" in proc.stdout
        assert "gave up after waiting WAREHOUSE_PG_LOCK_TIMEOUT (3s)" in proc.stdout
        assert "select count(*) from marts.mart_city_daily" in proc.stdout  # who holds the lock
        assert elapsed < 90, elapsed  # dbt's own start-up included; without the timeout it would hang
        with analyst.cursor() as cur:  # the analyst kept reading the same table all along
            cur.execute("select count(*), sum(trips) from marts.mart_city_daily")
            assert cur.fetchall() == before
    finally:
        analyst.rollback()
        analyst.close()
    pg_warehouse.dbt("run", "--select", "mart_city_daily")
    assert pg_warehouse.query("select count(*), sum(trips) from marts.mart_city_daily") == before
