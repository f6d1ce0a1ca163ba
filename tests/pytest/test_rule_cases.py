"""The money and time rules (spec rules 5 and 8) on small hand-made exports,
each loaded with scripts/load_raw.py into a scratch DuckDB file and a scratch
PostgreSQL database, then `dbt build` (which must succeed).

Every case shares three valid trips: 1001 (New York, completed, 2025-01-10
14:00 UTC = 09:00 local, 8.5 km, captured 20.00 USD + 3.00 tip, rated 5 by the
rider and 4 by the driver), 1002 (Paris, completed, 2025-01-11 09:00 UTC =
10:00 local, 12 km, captured 30.00 EUR at 1.08 USD/EUR in 2025-01 = 32.40 USD,
rated 3 by the rider) and 1003 (New York, cancelled by the rider, 2025-01-12
18:00 UTC = 13:00 local, captured 5.00 USD fee), plus the one defect the case
is named after (see cases/<name>/README.txt, the report it came from). The
expected quarantine and mart values below are worked out by hand from those
CSV files, not read from the warehouse's own logic."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import (CASE_BUILD, duckdb_env, load_raw, pg_connect, postgres_env, query_engine, run_dbt,
                      scratch_database)

CASES_DIR = Path(__file__).resolve().parent / "cases"
D = Decimal


@dataclass
class Case:
    # (source_table, record_key, rule): exactly what dq_quarantine must hold
    quarantine: set[tuple[str, str, str]]
    # sql -> expected rows (lists of tuples, compared after normalising)
    checks: dict[str, list[tuple]] = field(default_factory=dict)


# the calendar of the three shared trips: whole months around 2025-01-10..12
CALENDAR_OF_SHARED_TRIPS = {
    "select count(*), min(date_day), max(date_day) from marts.dim_dates":
        [(90, date(2024, 12, 1), date(2025, 2, 28))],  # 31 + 31 + 28 days
    # four city members (1, 9, 17, unknown -1) x local days 2025-01-10..12
    "select count(*), min(local_date), max(local_date) from marts.mart_city_daily":
        [(12, date(2025, 1, 10), date(2025, 1, 12))],
    "select distinct month from marts.mart_driver_monthly": [(date(2025, 1, 1),)],
    # the last event (trip 1003 and its fee) is on 2025-01-12: features up to the 13th
    "select max(feature_date) from marts.ml_driver_daily_features": [(date(2025, 1, 13),)],
    "select trip_id from marts.fct_trips order by trip_id": [(1001,), (1002,), (1003,)],
}

SHARED_TRIP_FIGURES = {
    "select trip_id, net_revenue_local, net_revenue_usd, tip_usd, rider_stars, driver_stars "
    "from marts.fct_trips where trip_id in (1001, 1002, 1003) order by trip_id": [
        (1001, D("20.00"), D("20.00"), D("3.00"), 5, 4),
        (1002, D("30.00"), D("32.40"), D("0.00"), 3, None),
        (1003, D("5.00"), D("5.00"), D("0.00"), None, None),
    ],
}

CASES: dict[str, Case] = {
    # trip 1004: capture 10.00, refund 25.00 -> the refund passes the capture;
    # trip 1005: a refund of 12.00 and no capture at all
    "refund-exceeds-capture": Case(
        quarantine={("payments", "5005", "refund_exceeds_capture"),
                    ("payments", "5006", "refund_exceeds_capture")},
        checks={
            **SHARED_TRIP_FIGURES,
            "select trip_id, net_revenue_local, net_revenue_usd from marts.fct_trips "
            "where trip_id in (1004, 1005) order by trip_id": [
                (1004, D("10.00"), D("10.00")),
                (1005, D("0.00"), D("0.00")),
            ],
            "select payment_id from marts.fct_payments order by payment_id": [(5001,), (5002,), (5003,), (5004,)],
            # New York, local 2025-01-13 (14:00 and 15:00 UTC = 09:00 and 10:00 EST): 5 + 5 km, 10.00 + 0.00
            "select trips, completed_trips, distance_km, net_revenue_usd, tips_usd from marts.mart_city_daily "
            "where city_key = 1 and local_date = date '2025-01-13'": [(2, 2, D("10.000"), D("10.00"), D("0.00"))],
            # driver 101 in 2025-01: trips 1001, 1003, 1004, 1005; revenue 20 + 5 + 10 + 0
            "select trips, completed_trips, net_revenue_usd from marts.mart_driver_monthly "
            "where driver_id = 101 and month = date '2025-01-01'": [(4, 3, D("35.00"))],
            "select count(*) from marts.fct_trips where net_revenue_usd < 0": [(0,)],
        },
    ),
    # trip 1006 in Paris (EUR) paid 30.00 in USD
    "payment-currency-mismatch": Case(
        quarantine={("payments", "5007", "currency_mismatch")},
        checks={
            **SHARED_TRIP_FIGURES,
            "select currency, net_revenue_local, net_revenue_usd from marts.fct_trips where trip_id = 1006":
                [("EUR", D("0.00"), D("0.00"))],
            "select payment_id from marts.fct_payments order by payment_id": [(5001,), (5002,), (5003,)],
            # Paris, local 2025-01-13 (09:00 UTC = 10:00 CET): one completed 12 km trip, no valid revenue
            "select trips, completed_trips, distance_km, net_revenue_usd from marts.mart_city_daily "
            "where city_key = 9 and local_date = date '2025-01-13'": [(1, 1, D("12.000"), D("0.00"))],
        },
    ),
    # trip 1009 requested in 2030, last modified 2025-01-13
    "trip-requested-after-export": Case(
        quarantine={("trips", "1009", "timestamp_after_update")},
        checks={**SHARED_TRIP_FIGURES, **CALENDAR_OF_SHARED_TRIPS},
    ),
    # trip 1020 requested 9999-12-31, last modified 2025-01-13
    "requested-year-9999": Case(
        quarantine={("trips", "1020", "timestamp_after_update")},
        checks={**SHARED_TRIP_FIGURES, **CALENDAR_OF_SHARED_TRIPS},
    ),
    # trip 1022 requested 1900-01-01 in Mumbai, launched 2018-08-01
    "requested-year-1900": Case(
        quarantine={("trips", "1022", "before_city_launch")},
        checks={
            **SHARED_TRIP_FIGURES, **CALENDAR_OF_SHARED_TRIPS,
            "select count(*) from marts.fct_trips where driver_version_key = '-1' or rider_version_key = '-1'":
                [(0,)],
        },
    ),
    # the cancelled trip 1003 rated 1 star by its driver
    "rating-for-cancelled-trip": Case(
        quarantine={("ratings", "1003|driver", "rating_for_cancelled_trip")},
        checks={**SHARED_TRIP_FIGURES},
    ),
    # payment 5001 of 20.005 USD: a third decimal
    "amount-more-decimals": Case(
        quarantine={("payments", "5001", "excess_precision")},
        checks={
            "select amount from raw.payments where payment_id = 5001": [("20.005",)],
            "select trip_id, net_revenue_local, net_revenue_usd, tip_usd from marts.fct_trips order by trip_id": [
                (1001, D("0.00"), D("0.00"), D("0.00")),
                (1002, D("30.00"), D("32.40"), D("0.00")),
                (1003, D("5.00"), D("5.00"), D("0.00")),
            ],
            "select payment_id from marts.fct_payments order by payment_id": [(5002,), (5003,)],
        },
    ),
    # payment 5008 in CHF, which has no exchange rate, for Paris trip 1008
    "missing-fx-rate": Case(
        quarantine={("payments", "5008", "missing_exchange_rate")},
        checks={
            **SHARED_TRIP_FIGURES,
            "select currency, net_revenue_local, net_revenue_usd, tip_usd from marts.fct_trips where trip_id = 1008":
                [("EUR", D("0.00"), D("0.00"), D("0.00"))],
            "select payment_id from marts.fct_payments order by payment_id": [(5001,), (5002,), (5003,)],
            # Paris, local 2025-01-18 (10:00 UTC = 11:00 CET): the trip counts, its payment does not
            "select trips, completed_trips, distance_km, net_revenue_usd from marts.mart_city_daily "
            "where city_key = 9 and local_date = date '2025-01-18'": [(1, 1, D("9.000"), D("0.00"))],
        },
    ),
}

QUARANTINE_SQL = "select source_table, record_key, rule from marts.dq_quarantine"


def normalise(rows: list[tuple]) -> list[tuple]:
    def value(v: object) -> object:
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            return Decimal(str(v)).normalize()
        return v
    return [tuple(value(v) for v in row) for row in rows]


def check(case: str, query) -> None:
    expected = CASES[case]
    assert set(query(QUARANTINE_SQL)) == expected.quarantine
    for sql, rows in expected.checks.items():
        assert normalise(query(sql)) == normalise(rows), sql


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_case_on_duckdb(tmp_path: Path, case: str) -> None:
    env = duckdb_env(tmp_path / "case.duckdb")
    load_raw(CASES_DIR / case, env, "duckdb")
    run_dbt(CASE_BUILD, env, tmp_path / "target")
    with duckdb.connect(str(tmp_path / "case.duckdb"), read_only=True) as con:
        check(case, lambda sql: con.sql(sql).fetchall())


@pytest.mark.parametrize("case", sorted(CASES))
def test_rule_case_on_postgres(tmp_path: Path, postgres_server: dict[str, str], case: str) -> None:
    # one name per worker (cases run one at a time on it): the worker's parse
    # of this profile is then reused (parse_cache.py)
    with scratch_database(postgres_server, f"rule_case_{os.getpid()}") as name:
        env = postgres_env(postgres_server, name)
        load_raw(CASES_DIR / case, env, "postgres")
        run_dbt([*CASE_BUILD, "--target", "postgres"], env, tmp_path / "target")
        con = pg_connect(env)
        try:
            with con.cursor() as cur:
                def query(sql: str) -> list[tuple]:
                    cur.execute(sql)
                    return cur.fetchall()
                check(case, query)
        finally:
            con.close()


# Incremental builds: a refund's validity depends on every payment of its trip,
# so a new payment re-evaluates the others (cases/refund-across-exports/README.txt).
# After each export: (dq_quarantine rows, trip 1004's net revenue in USD).
ACROSS_EXPORTS = [
    ("b0", set(), D("4.00")),  # captured 10.00, refunded 6.00
    ("b1", {("payments", "5005", "refund_exceeds_capture")}, D("5.00")),  # refunds 5.00 then 6.00 > 10.00
    ("b2", set(), D("1.00")),  # captured 12.00, refunded 11.00
]


def check_across_exports(run, query, load_export) -> None:
    for n, (export, quarantine, net) in enumerate(ACROSS_EXPORTS):
        load_export(CASES_DIR / "refund-across-exports" / export)
        run(["seed"] if n == 0 else [])
        run(["run"])
        assert set(query(QUARANTINE_SQL)) == quarantine, export
        assert normalise(query("select net_revenue_usd from marts.fct_trips where trip_id = 1004")) == \
            normalise([(net,)]), export


def test_refund_validity_follows_new_payments_incrementally_on_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    env = duckdb_env(path)

    def query(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.sql(sql).fetchall()

    check_across_exports(lambda args: args and run_dbt(args, env, tmp_path / "target"), query,
                         lambda export: load_raw(export, env, "duckdb"))


def test_refund_validity_follows_new_payments_incrementally_on_postgres(
        tmp_path: Path, postgres_server: dict[str, str]) -> None:
    with scratch_database(postgres_server, f"rule_case_{os.getpid()}") as name:
        env = postgres_env(postgres_server, name)

        check_across_exports(lambda args: args and run_dbt([*args, "--target", "postgres"], env, tmp_path / "t"),
                             lambda sql: query_engine("postgres", env, sql),
                             lambda export: load_raw(export, env, "postgres"))
