"""The whole project builds and tests on a fresh DuckDB file from the sample."""

from conftest import Warehouse, build_summary

# the spec's fixed interface (shared/spec/warehouse.md, "columns that must exist")
MARTS = {
    "dim_cities": {"city_key", "city_id", "city_name", "country_code", "currency", "timezone"},
    "dim_drivers": {"driver_version_key", "driver_id", "city_id", "product", "status", "valid_from",
                    "valid_to", "is_current"},
    "dim_riders": {"rider_version_key", "rider_id", "home_city_id", "is_business", "valid_from", "valid_to",
                   "is_current"},
    "dim_dates": {"date_day", "year", "month", "day_of_week"},
    "fct_trips": {"trip_id", "driver_id", "rider_id", "city_id", "city_key", "driver_version_key", "rider_version_key",
                  "status", "requested_at", "started_at", "ended_at", "local_date", "local_hour", "distance_km",
                  "duration_min", "wait_min", "surge_multiplier", "fare_local", "currency", "net_revenue_local",
                  "net_revenue_usd", "tip_local", "tip_usd", "rider_stars", "driver_stars"},
    "fct_payments": {"payment_id", "trip_id", "method", "status", "amount_local", "tip_local", "currency",
                     "amount_usd", "tip_usd", "created_at"},
    "mart_city_daily": {"city_id", "local_date", "trips", "completed_trips", "distance_km", "net_revenue_usd",
                        "tips_usd"},
    "mart_driver_monthly": {"driver_id", "city_id", "month", "completed_trips", "net_revenue_usd", "rank_in_city"},
    "mart_rider_cohorts": {"cohort_month", "activity_month", "active_riders", "retention_pct"},
    "ml_driver_daily_features": {"driver_id", "feature_date"},
    "dq_quarantine": {"source_table", "record_key", "rule", "batch"},
    "dq_scores": {"source_table", "batch", "total_rows", "valid_rows", "score"},
}


def test_build_has_no_errors_or_warnings(warehouse: Warehouse) -> None:
    summary = build_summary(warehouse.build_log)
    assert "ERROR=0" in summary and "WARN=0" in summary and "SKIP=0" in summary, summary
    # the dbt unit tests ran as part of the build (their names read model::test)
    unit_lines = [line for line in warehouse.build_log.splitlines() if "::" in line and "PASS" in line]
    assert len(unit_lines) >= 10, unit_lines


def test_marts_have_the_spec_columns_in_schema_marts(warehouse: Warehouse) -> None:
    for table, required in MARTS.items():
        cols = {r[0] for r in warehouse.query(
            f"select column_name from information_schema.columns where table_schema = 'marts' and table_name = '{table}'")}
        assert required <= cols, f"{table} lacks {required - cols}"


def test_raw_tables_live_in_schema_raw_with_lineage_columns(warehouse: Warehouse) -> None:
    from raw_contract import LINEAGE_COLUMNS, TABLES
    for table, cols in TABLES.items():
        found = [r[0] for r in warehouse.query(
            "select column_name from information_schema.columns "
            f"where table_schema = 'raw' and table_name = '{table}' order by ordinal_position")]
        assert found == list(cols) + list(LINEAGE_COLUMNS)


def test_unknown_members_exist_with_fixed_keys(warehouse: Warehouse) -> None:
    assert warehouse.query("select city_name from marts.dim_cities where city_id = -1") == [("Unknown",)]
    assert warehouse.query("select driver_id from marts.dim_drivers where driver_version_key = '-1'") == [(-1,)]
    assert warehouse.query("select rider_id from marts.dim_riders where rider_version_key = '-1'") == [(-1,)]


def test_snapshots_record_every_version_once(warehouse: Warehouse) -> None:
    for snap, dim, key in (("snap_drivers", "dim_drivers", "driver_version_key"),
                           ("snap_riders", "dim_riders", "rider_version_key")):
        snapped = warehouse.query(f"select count(*), count(distinct {key}) from snapshots.{snap}")[0]
        versions = warehouse.query(f"select count(*) from marts.{dim} where {key} <> '-1'")[0][0]
        assert snapped == (versions, versions)


def test_snapshots_keep_first_seen_time_across_builds(warehouse: Warehouse) -> None:
    before = warehouse.query("select driver_version_key, dbt_valid_from from snapshots.snap_drivers order by 1")
    warehouse.dbt("snapshot")
    after = warehouse.query("select driver_version_key, dbt_valid_from from snapshots.snap_drivers order by 1")
    assert before == after and len(after) > 0
