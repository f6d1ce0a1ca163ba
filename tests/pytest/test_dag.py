"""One honest DAG: only staging reads raw, every model's parents sit in its
own or the previous layer (deliberate exceptions listed with their reason),
selecting by source picks what really depends on it, and a fresh database
builds with many threads on both engines, nothing relying on timing."""

from __future__ import annotations

import json

import pytest

from conftest import PgWarehouse, Warehouse, build_summary

LAYERS = {"staging": 1, "intermediate": 2, "marts": 3}

# Model -> parent pairs that skip a layer on purpose, and why.
LAYER_EXCEPTIONS = {
    ("dq_quarantine", "base_rideshare__*"):
        "the quarantine is decided in staging, where base models judge every raw row; the DQ marts report it "
        "row by row and read the raw values back from the base_rideshare__*_raw views",
    ("dq_scores", "base_rideshare__*"):
        "a score counts every raw row of an export, which only the base models hold",
    ("dim_cities", "stg_rideshare__cities"): "a one-step dimension: no intermediate step to put between",
    ("dim_cities", "stg_reference__country_regions"): "the city's region, a static lookup joined as it is",
}

# Singular tests that read raw on purpose: reconciliations of raw against the warehouse.
SOURCE_TEST_EXCEPTIONS = {
    "assert_every_raw_row_accounted_for": "rule 2: every raw row is in the warehouse or in quarantine",
    "assert_dq_scores_reconcile": "dq_scores totals equal the raw row counts per export",
}


def layer(manifest: dict, unique_id: str) -> int:
    if unique_id.startswith("source.") or manifest["nodes"][unique_id]["resource_type"] == "seed":
        return 0
    path = "/" + manifest["nodes"][unique_id]["original_file_path"]
    return next(n for name, n in LAYERS.items() if f"/{name}/" in path)


def excepted(model: str, parent: str) -> bool:
    return any(model == m and (parent == p or (p.endswith("*") and parent.startswith(p[:-1])))
               for m, p in LAYER_EXCEPTIONS)


@pytest.fixture(scope="module")
def manifest(warehouse: Warehouse) -> dict:
    return json.loads((warehouse.target_dir / "manifest.json").read_text())


def test_only_staging_reads_raw(manifest: dict) -> None:
    readers = {n["name"]: n for n in manifest["nodes"].values()
               if any(d.startswith("source.") for d in n["depends_on"].get("nodes", []))}
    outside = sorted(name for name, n in readers.items()
                     if n["resource_type"] in ("model", "snapshot", "analysis")
                     and not n["original_file_path"].startswith("models/staging/"))
    assert outside == []
    singular = {name for name, n in readers.items()
                if n["resource_type"] == "test" and "test_metadata" not in n}
    assert singular == set(SOURCE_TEST_EXCEPTIONS)
    # the models that read raw are the base models (tables and raw-value views)
    models = {name for name, n in readers.items() if n["resource_type"] == "model"}
    assert models and all(name.startswith("base_rideshare__") for name in models), models


def test_every_model_reads_its_own_or_the_previous_layer(manifest: dict) -> None:
    skips = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        for parent in node["depends_on"]["nodes"]:
            if parent in manifest["nodes"] or parent.startswith("source."):
                if layer(manifest, parent) not in (layer(manifest, uid), layer(manifest, uid) - 1):
                    name = parent.split(".")[-1]
                    if not excepted(node["name"], name):
                        skips.append(f"{node['name']} <- {name}")
    assert skips == []
    # each listed exception is still real (a stale one would hide nothing)
    edges = {(n["name"], p.split(".")[-1]) for n in manifest["nodes"].values() if n["resource_type"] == "model"
             for p in n["depends_on"]["nodes"]}
    for model, parent in LAYER_EXCEPTIONS:
        assert any(m == model and excepted(m, p) for m, p in edges if p.startswith(parent.rstrip("*"))), model


def selected(warehouse: Warehouse, selector: str) -> set[str]:
    out = warehouse.dbt("ls", "--select", selector, "--resource-type", "model", "--output", "name", "-q").stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


def test_selecting_by_source_picks_what_depends_on_it(warehouse: Warehouse) -> None:
    cities = selected(warehouse, "source:rideshare.cities+")
    payments = selected(warehouse, "source:rideshare.payments+")
    drivers = selected(warehouse, "source:rideshare.drivers+")
    # cities reach the trips (launch date rule, timezone, currency) but not driver or rider history
    assert {"dim_cities", "base_rideshare__trips", "int_trips_versioned", "fct_trips", "mart_city_daily"} <= cities
    assert not cities & {"int_driver_versions", "dim_drivers", "int_rider_versions", "dim_riders"}
    # payments reach revenue but not the trips' own versions or the dimensions
    assert {"int_payments_checked", "fct_payments", "int_trip_revenue", "fct_trips"} <= payments
    assert not payments & {"base_rideshare__trips", "int_trips_versioned", "dim_drivers", "int_driver_versions",
                           "dim_riders", "dim_cities"}
    # drivers reach the trips' point-in-time versions, not payments or the trip change log
    assert {"int_driver_versions", "dim_drivers", "int_trips_versioned", "fct_trips",
            "ml_driver_daily_features"} <= drivers
    assert not drivers & {"int_trip_changes", "int_payments_checked", "fct_payments", "dim_riders", "dim_cities"}


def assert_clean_eight_thread_build(build_log: str) -> None:
    assert "Concurrency: 8 threads" in build_log, build_log[:3000]
    summary = build_summary(build_log)
    assert "ERROR=0" in summary and "SKIP=0" in summary, build_log[-4000:]


# The session's sample builds (conftest.FRESH_BUILD) are these fresh builds:
# every session runs one per engine and worker, so a race shows up across
# runs without a build of its own here.
def test_fresh_duckdb_builds_with_eight_threads(warehouse: Warehouse) -> None:
    assert_clean_eight_thread_build(warehouse.build_log)


def test_fresh_postgres_builds_with_eight_threads(pg_warehouse: PgWarehouse) -> None:
    assert_clean_eight_thread_build(pg_warehouse.build_log)
