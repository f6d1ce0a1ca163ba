"""The plain-SQL baseline of issue 16 (scripts/baseline_pipeline.sql, run by
`scripts/benchmark.py --baseline`) reconciles with the warehouse.

The baseline runs over the shipped sample's exports, written again by the
generator with the sample's arguments (scripts/build_sample.py), into its
own DuckDB file; the session `warehouse` fixture is `dbt build` of the same
sample as seeds. Each side computes its figures with its own SQL, and the
test compares them: a benchmark ratio against a baseline that did less (or
other) work would mean nothing. The baseline itself takes about a second."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from benchmark import baseline_command
from conftest import ROOT, Warehouse
from raw_contract import TABLES

# the sample's generator arguments (scripts/build_sample.py)
SAMPLE_ARGS = ["--trips", "5000", "--batches", "6", "--seed", "42"]


class Baseline:
    """The baseline's DuckDB file, opened read-only per query."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's export folders (batch_000 ... batch_005), from the generator."""
    out = tmp_path_factory.mktemp("baseline_exports")
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_raw.py"), str(out), *SAMPLE_ARGS],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def baseline(exports: Path, tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    path = tmp_path_factory.mktemp("baseline") / "baseline.duckdb"
    proc = subprocess.run(baseline_command(path, exports), cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return Baseline(path)


def test_exports_are_the_shipped_sample(exports: Path) -> None:
    """The premise of every comparison below: the regenerated exports hold
    exactly the rows of the seeds the warehouse fixture builds from."""
    for table in TABLES:
        with open(ROOT / "seeds" / "raw" / f"{table}.csv", newline="", encoding="utf-8") as fh:
            seeded = Counter((r["_batch"], tuple(r[c] for c in TABLES[table])) for r in csv.DictReader(fh))
        exported: Counter = Counter()
        for folder in sorted(exports.iterdir()):
            if (folder / f"{table}.csv").exists():
                with open(folder / f"{table}.csv", newline="", encoding="utf-8") as fh:
                    exported.update((folder.name, tuple(r[c] for c in TABLES[table]))
                                    for r in csv.DictReader(fh) if any(r.values()))
        assert exported == seeded, table


def test_raw_rows_and_lineage(baseline: Baseline, warehouse: Warehouse) -> None:
    """Every raw row lands with the same export and physical line as the loader's."""
    for table in TABLES:
        ours = set(baseline.query(f"select _batch, _line from raw.{table}"))
        theirs = set(warehouse.query(f"select _batch, _line from raw.{table}"))
        assert len(ours) == len(baseline.query(f"select * from raw.{table}")), table
        assert ours == theirs, table


def test_trip_facts(baseline: Baseline, warehouse: Warehouse) -> None:
    figures = ("select count(*), sum(net_revenue_usd), sum(tip_usd), sum(net_revenue_local), "
               "sum(distance_km), sum(duration_min), count(rider_stars), count(driver_stars) from {}")
    ours = baseline.query(figures.format("fct_trips"))
    assert ours == warehouse.query(figures.format("marts.fct_trips"))
    assert ours[0][0] > 4000 and ours[0][1] > 0
    # point in time (rule 4) and local time (rule 6), trip by trip: the
    # version keys are md5(id|updated_at) on both sides
    per_trip = "select trip_id, driver_version_key, rider_version_key, city_key, local_date, local_hour from {}"
    assert set(baseline.query(per_trip.format("fct_trips"))) == set(warehouse.query(per_trip.format("marts.fct_trips")))
    assert baseline.query("select count(*) from fct_trips where driver_version_key = '-1'")[0][0] > 0


def test_payments_in_usd(baseline: Baseline, warehouse: Warehouse) -> None:
    figures = "select count(*), sum(amount_usd), sum(tip_usd), sum(net_amount_usd) from {}"
    assert baseline.query(figures.format("fct_payments")) == warehouse.query(figures.format("marts.fct_payments"))


def test_scd2_dimensions(baseline: Baseline, warehouse: Warehouse) -> None:
    for dim, key in (("dim_drivers", "driver_version_key"), ("dim_riders", "rider_version_key")):
        rows = f"select {key}, version_number, valid_from, valid_to, is_current from {{}}"
        ours = set(baseline.query(rows.format(dim)))
        assert ours == set(warehouse.query(rows.format("marts." + dim))), dim
        assert len(ours) > 200
    cities = "select city_id, city_name, region, timezone from {}"
    assert set(baseline.query(cities.format("dim_cities"))) == set(warehouse.query(cities.format("marts.dim_cities")))


def test_quarantine_per_rule(baseline: Baseline, warehouse: Warehouse) -> None:
    per_rule = "select source_table, rule, count(*) from {} group by all"
    ours = dict(((t, r), n) for t, r, n in baseline.query(per_rule.format("dq_quarantine")))
    assert ours == dict(((t, r), n) for t, r, n in warehouse.query(per_rule.format("marts.dq_quarantine")))
    assert {"unknown_timezone", "refund_exceeds_capture", "trip_quarantined", "before_city_launch"} <= {
        r for _, r in ours}
    # the same rows: located by export and physical line
    located = "select source_table, record_key, rule, batch, line from {}"
    assert set(baseline.query(located.format("dq_quarantine"))) == set(
        warehouse.query(located.format("marts.dq_quarantine")))
    # Deliberate difference: the baseline writes the raw row with DuckDB's
    # to_json (typed values, lineage columns included) where the project
    # builds a text-only JSON both engines spell alike; the values are the same.
    for source_table, raw_values in baseline.query("select source_table, raw_values from dq_quarantine"):
        values = json.loads(raw_values)
        assert set(TABLES[source_table]) <= set(values)


def test_dq_scores(baseline: Baseline, warehouse: Warehouse) -> None:
    scores = "select source_table, batch, total_rows, valid_rows, score from {}"
    assert set(baseline.query(scores.format("dq_scores"))) == set(warehouse.query(scores.format("marts.dq_scores")))


def test_analytics_marts(baseline: Baseline, warehouse: Warehouse) -> None:
    queries = {
        "mart_city_daily": "select city_id, local_date, trips, completed_trips, distance_km, net_revenue_usd, "
                           "tips_usd from {}",
        "mart_driver_monthly": "select driver_id, city_id, month, completed_trips, net_revenue_usd, rank_in_city "
                               "from {}",
        "mart_rider_cohorts": "select cohort_month, activity_month, active_riders, retention_pct from {}",
        "dim_dates": "select date_day, day_of_week from {}",
    }
    for mart, sql in queries.items():
        ours = baseline.query(sql.format(mart))
        assert len(ours) > 100, mart
        assert set(ours) == set(warehouse.query(sql.format("marts." + mart))), mart


def test_ml_feature_grid(baseline: Baseline, warehouse: Warehouse) -> None:
    features = ("select driver_id, feature_date, product_as_of, status_as_of, completed_trips_7d, "
                "completed_trips_28d, cancellation_rate_28d, avg_rider_stars_28d, net_revenue_usd_28d, "
                "completed_trips_lifetime, net_revenue_usd_lifetime from {}")
    ours = set(baseline.query(features.format("ml_driver_daily_features")))
    assert len(ours) > 10_000
    assert ours == set(warehouse.query(features.format("marts.ml_driver_daily_features")))


def test_checks_and_unknown_members(baseline: Baseline, warehouse: Warehouse) -> None:
    """The baseline's own checks ran and passed (a failure stops the script),
    and its rule-3 report counts the trips the warehouse points at unknown members."""
    checks = baseline.query("select check_name, failures from checks")
    assert len(checks) == 10 and all(failures == 0 for _, failures in checks)
    unknown = ("select count(*) filter (where driver_version_key = '-1'), "
               "count(*) filter (where rider_version_key = '-1'), count(*) filter (where city_key = -1) from {}")
    assert baseline.query("select * from unknown_members") == warehouse.query(unknown.format("marts.fct_trips"))
    summary = "select source_table, rule, quarantined_rows, exports, first_batch, last_batch from {}"
    assert set(baseline.query(summary.format("dq_rule_summary"))) == set(
        warehouse.query(summary.format("marts.dq_rule_summary")))
    overall = "select batch, total_rows, valid_rows, score from {}"
    assert set(baseline.query(overall.format("dq_scores_overall"))) == set(
        warehouse.query(overall.format("marts.dq_scores_overall")))
