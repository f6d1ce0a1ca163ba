"""The aggregate, ML and data-quality marts against figures computed from the
seed CSVs by tests/pytest/reference.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

from conftest import Warehouse
from reference import Sample, cents


def month_start(d: date) -> date:
    return d.replace(day=1)


def test_city_daily_has_every_city_day_and_matches(warehouse: Warehouse, sample: Sample) -> None:
    facts = sample.trip_facts.values()
    first, last = min(f["local_date"] for f in facts), max(f["local_date"] for f in facts)
    expected: dict[tuple[int, date], list] = {}
    for city in [*sample.cities, -1]:
        d = first
        while d <= last:
            expected[(city, d)] = [0, 0, Decimal(0)]
            d += timedelta(days=1)
    for f in facts:
        cell = expected[(f["city_id"], f["local_date"])]
        cell[0] += 1
        cell[1] += f["completed"]
        cell[2] += f["net_revenue_usd"]
    rows = warehouse.query("select city_key, local_date, trips, completed_trips, net_revenue_usd from marts.mart_city_daily")
    assert {(c, d): [t, n, v] for c, d, t, n, v in rows} == expected
    assert any(t == 0 for _, _, t, _, _ in rows)  # zero days are rows, not gaps


def test_driver_monthly_counts_and_ranks(warehouse: Warehouse, sample: Sample) -> None:
    completed: Counter = Counter()
    cities: dict[tuple[int, date], Counter] = defaultdict(Counter)
    for f in sample.trip_facts.values():
        key = (f["driver_id"], month_start(f["local_date"]))
        completed[key] += f["completed"]
        cities[key][f["city_id"]] += 1
    main_city = {k: min(c, key=lambda city: (-c[city], city)) for k, c in cities.items()}
    rank = {}
    for (driver, month), city in main_city.items():
        peers = [completed[k] for k, c in main_city.items() if c == city and k[1] == month]
        rank[(driver, month)] = 1 + sum(1 for p in peers if p > completed[(driver, month)])
    rows = warehouse.query("select driver_id, month, city_key, completed_trips, rank_in_city from marts.mart_driver_monthly")
    assert {(d, m): (c, n, r) for d, m, c, n, r in rows} == \
        {k: (main_city[k], completed[k], rank[k]) for k in main_city}


def test_rider_cohorts_retention(warehouse: Warehouse, sample: Sample) -> None:
    signups = sample.rider_signups
    cohort_size = Counter(month_start(s.date()) for s in signups.values())
    activity_months = {month_start(f["local_date"]) for f in sample.trip_facts.values()}
    active: dict[tuple[date, date], set] = defaultdict(set)
    for f in sample.trip_facts.values():
        if f["completed"] and f["rider_id"] in signups:
            cohort = month_start(signups[f["rider_id"]].date())
            active[(cohort, max(cohort, month_start(f["local_date"])))].add(f["rider_id"])
    expected = {(c, a): (size, len(active[(c, a)]),
                         cents(Decimal(100) * len(active[(c, a)]) / size))
                for c, size in cohort_size.items() for a in activity_months if a >= c}
    rows = warehouse.query("select cohort_month, activity_month, cohort_riders, active_riders, retention_pct "
                           "from marts.mart_rider_cohorts")
    assert {(c, a): (n, act, pct) for c, a, n, act, pct in rows} == expected


def test_ml_completed_trip_windows(warehouse: Warehouse, sample: Sample) -> None:
    ended: dict[int, Counter] = defaultdict(Counter)
    for f in sample.trip_facts.values():
        if f["completed"]:
            ended[f["driver_id"]][f["ended_date"]] += 1
    rows = warehouse.query("select driver_id, feature_date, completed_trips_7d, completed_trips_28d, "
                           "completed_trips_lifetime from marts.ml_driver_daily_features")
    assert len(rows) > 1000
    for driver, day, c7, c28, life in rows:
        days = ended[driver]
        assert c7 == sum(n for d, n in days.items() if day - timedelta(days=7) <= d < day), (driver, day)
        assert c28 == sum(n for d, n in days.items() if day - timedelta(days=28) <= d < day), (driver, day)
        assert life == sum(n for d, n in days.items() if d < day), (driver, day)


def test_dq_scores(warehouse: Warehouse, sample: Sample) -> None:
    total: Counter = Counter()
    for table, rows in sample.raw.items():
        for r in rows:
            total[(table, r["_batch"])] += 1
            total[("all", r["_batch"])] += 1
    invalid: Counter = Counter()
    for table, batch, _ in sample.invalid_rows():
        invalid[(table, batch)] += 1
        invalid[("all", batch)] += 1
    expected = {k: (n, n - invalid[k], cents(Decimal(100) * (n - invalid[k]) / n))
                for k, n in total.items()}
    rows = warehouse.query("select source_table, batch, total_rows, valid_rows, score from marts.dq_scores")
    assert {(t, b): (n, v, s) for t, b, n, v, s in rows} == {k: v for k, v in expected.items() if k[0] != "all"}
    assert any(s < 100 for *_, s in rows)
    overall = warehouse.query("select batch, total_rows, valid_rows, score from marts.dq_scores_overall")
    assert {("all", b): (n, v, s) for b, n, v, s in overall} == {k: v for k, v in expected.items() if k[0] == "all"}


def test_dq_scores_grains(warehouse: Warehouse, sample: Sample) -> None:
    """One grain per table: dq_scores is (source_table, batch) with no roll-up
    rows, so its total_rows add up to the raw rows; dq_scores_overall is one row
    per export with the same total."""
    raw_rows = sum(len(rows) for rows in sample.raw.values())
    [(rows, keys, total)] = warehouse.query(
        "select count(*), count(distinct source_table || '/' || batch), sum(total_rows) from marts.dq_scores")
    assert rows == keys and total == raw_rows
    assert warehouse.query("select distinct source_table from marts.dq_scores where source_table = 'all'") == []
    assert warehouse.query("select count(*), count(distinct batch), sum(total_rows) from marts.dq_scores_overall") \
        == warehouse.query("select count(distinct batch), count(distinct batch), sum(total_rows) from marts.dq_scores")
    assert warehouse.query("select sum(total_rows) from marts.dq_scores_overall") == [(raw_rows,)]


def test_dq_rule_summary_matches_quarantine(warehouse: Warehouse, sample: Sample) -> None:
    rows = warehouse.query("select source_table, rule, quarantined_rows from marts.dq_rule_summary")
    assert {(t, r): n for t, r, n in rows} == sample.quarantine_counts()
