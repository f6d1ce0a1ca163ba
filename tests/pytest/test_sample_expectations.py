"""Marts against figures computed independently from the seed CSVs
(tests/pytest/reference.py), and the analyses' results."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

from conftest import Warehouse
from reference import Sample, cents


def analysis(warehouse: Warehouse, name: str) -> list[tuple]:
    sql = (warehouse.target_dir / "compiled" / "ridehail" / "analyses" / f"{name}.sql").read_text()
    return warehouse.query(sql)


def completed(sample: Sample) -> list[dict]:
    return [f for f in sample.trip_facts.values() if f["completed"]]


def test_trip_count(warehouse: Warehouse, sample: Sample) -> None:
    assert warehouse.query("select count(*) from marts.fct_trips")[0][0] == len(sample.trips.kept)
    assert len(sample.trips.kept) > 4000


def test_quarantine_counts_per_table_and_rule(warehouse: Warehouse, sample: Sample) -> None:
    found = {(t, r): n for t, r, n in warehouse.query(
        "select source_table, rule, count(*) from marts.dq_quarantine group by all")}
    assert found == sample.quarantine_counts()
    # every rule the sample is meant to exercise is there
    assert {"unparseable_timestamp", "invalid_measure", "impossible_time_order", "unknown_domain_value",
            "unknown_trip", "trip_quarantined"} <= {r for _, r in found}


def test_quarantine_keeps_the_raw_values(warehouse: Warehouse, sample: Sample) -> None:
    import json
    rows = warehouse.query("select source_table, batch, line, raw_values from marts.dq_quarantine")
    raw = {(t, r["_batch"], int(r["_line"])): r for t in sample.raw for r in sample.raw[t]}
    for table, batch, line, values in rows:
        original = raw[(table, batch, line)]
        parsed = json.loads(values)
        assert {k: (v or "") for k, v in parsed.items()} == \
            {k: v for k, v in original.items() if not k.startswith("_")}, (table, batch, line)


def test_completed_trips_and_avg_distance_per_city(warehouse: Warehouse, sample: Sample) -> None:
    per_city: dict[int, list[Decimal]] = defaultdict(list)
    for f in completed(sample):
        per_city[f["city_id"]].append(f["distance"])
    found = warehouse.query(
        "select city_key, count(*), avg(distance_km) from marts.fct_trips where is_completed group by city_key")
    assert {c: n for c, n, _ in found} == {c: len(d) for c, d in per_city.items()}
    for city, _, avg in found:
        expected = sum(per_city[city]) / len(per_city[city])
        assert abs(Decimal(str(avg)) - expected) < Decimal("0.0005"), city


def test_net_revenue_per_city_month(warehouse: Warehouse, sample: Sample) -> None:
    expected: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for f in sample.trip_facts.values():
        expected[(f["city_id"], sample.month(f["local_date"]))] += f["net_revenue_usd"]
    found = warehouse.query(
        "select city_key, strftime(local_date, '%Y-%m'), sum(net_revenue_usd) from marts.fct_trips group by all")
    assert {(c, m): v for c, m, v in found} == dict(expected)
    assert sum(expected.values()) > 0


def test_trips_per_local_day(warehouse: Warehouse, sample: Sample) -> None:
    expected = Counter(f["local_date"] for f in sample.trip_facts.values())
    found = dict(warehouse.query("select local_date, count(*) from marts.fct_trips group by local_date"))
    assert found == dict(expected)
    # the sample exercises rule 6: many trips fall on another local day than in UTC
    assert sum(1 for f in sample.trip_facts.values() if f["local_date"] != f["utc_date"]) > 100


def test_analysis_trips_per_driver(warehouse: Warehouse, sample: Sample) -> None:
    trips = Counter(f["driver_id"] for f in sample.trip_facts.values())
    done = Counter(f["driver_id"] for f in completed(sample))
    rows = analysis(warehouse, "trips_per_driver")
    assert {d: (t, c) for d, t, c in rows} == {d: (n, done[d]) for d, n in trips.items()}
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)


def test_analysis_top_5_new_york_drivers(warehouse: Warehouse, sample: Sample) -> None:
    ny = [cid for cid in sample.cities if sample.city_name(cid) == "New York"]
    counts = Counter(f["driver_id"] for f in completed(sample) if f["city_id"] in ny)
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    rows = analysis(warehouse, "top_5_new_york_drivers")
    assert [(r[0], r[3]) for r in rows] == expected


def test_analysis_avg_distance_per_city(warehouse: Warehouse, sample: Sample) -> None:
    per_city: dict[str, list[Decimal]] = defaultdict(list)
    for f in completed(sample):
        per_city[sample.city_name(f["city_id"]) or "Unknown"].append(f["distance"])
    rows = analysis(warehouse, "avg_distance_per_city")
    expected = {c: (len(d), (sum(d) / len(d)).quantize(Decimal("0.001"))) for c, d in per_city.items()}
    assert {c: (n, Decimal(str(a)).quantize(Decimal("0.001"))) for c, n, a in rows} == expected


def test_analysis_drivers_ranked_within_city(warehouse: Warehouse, sample: Sample) -> None:
    counts: Counter = Counter((sample.city_name(f["city_id"]) or "Unknown", f["driver_id"]) for f in completed(sample))
    rows = analysis(warehouse, "drivers_ranked_within_city")
    assert {(c, d): n for c, d, n, _ in rows} == dict(counts)
    for city, driver, n, rank in rows:
        better = {m for (c, _), m in counts.items() if c == city and m > n}
        assert rank == len(better) + 1, (city, driver)


def test_analysis_trips_per_day(warehouse: Warehouse, sample: Sample) -> None:
    total = Counter(f["local_date"] for f in sample.trip_facts.values())
    rows = analysis(warehouse, "trips_per_day")
    assert {d: t for d, t, _ in rows} == dict(total)
    assert [r[0] for r in rows] == sorted(total)


def test_analysis_revenue_per_region(warehouse: Warehouse, sample: Sample) -> None:
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for f in sample.trip_facts.values():
        city = sample.cities.get(f["city_id"])
        expected[sample.regions.get(city["country_code"].strip().upper(), "Unknown") if city else "Unknown"] += \
            f["net_revenue_usd"]
    rows = analysis(warehouse, "revenue_per_region")
    assert {r: v for r, v, _ in rows} == {r: cents(v) for r, v in expected.items()}


def test_analysis_trips_by_duration_bucket(warehouse: Warehouse, sample: Sample) -> None:
    def bucket(minutes: Decimal) -> str:
        for bound, label in ((10, "00-10 min"), (20, "10-20 min"), (30, "20-30 min"), (45, "30-45 min")):
            if minutes < bound:
                return label
        return "45+ min"
    # the mart rounds durations to 2 decimals before bucketing
    expected = Counter(bucket(cents(f["duration"])) for f in completed(sample))
    assert dict(analysis(warehouse, "trips_by_duration_bucket")) == dict(expected)


def test_every_raw_row_is_accounted_for(warehouse: Warehouse, sample: Sample) -> None:
    """Raw rows = in the marts + in quarantine + superseded, per table, with
    the superseded count computed from the CSVs."""
    q = dict(warehouse.query("select source_table, count(*) from marts.dq_quarantine group by 1"))
    in_marts = {
        "trips": warehouse.query("select count(*) from marts.fct_trips")[0][0],
        "payments": warehouse.query("select count(*) from marts.fct_payments")[0][0],
        "ratings": warehouse.query("select count(rider_stars) + count(driver_stars) from marts.fct_trips")[0][0],
    }
    superseded = {"trips": sample.trips.superseded, "payments": sample.payments[2], "ratings": sample.ratings[2]}
    for table in in_marts:
        assert len(sample.raw[table]) == in_marts[table] + q.get(table, 0) + superseded[table], table
    raw_in_db = dict(warehouse.query(
        "select 'trips', count(*) from raw.trips union all select 'payments', count(*) from raw.payments "
        "union all select 'ratings', count(*) from raw.ratings"))
    assert raw_in_db == {t: len(sample.raw[t]) for t in in_marts}
