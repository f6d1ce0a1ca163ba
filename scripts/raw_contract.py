"""The raw data contract: the six export files, their columns and raw types.

Shared by the generator, the sample builder and the bulk loader so that the
seeded and the bulk-loaded raw tables have exactly the same shape.
Timestamps stay text in raw: a value that does not parse must still land, so
that staging can quarantine it instead of the load failing. Money amounts
stay text too: an amount with more decimals than its currency's minor units
must land as written, so that staging quarantines it (rule 5) instead of an
engine rounding it silently on load.
"""

from __future__ import annotations

from pathlib import Path

# Lineage columns added to every raw table: the export folder a row came
# from, its line number in that export's file (header = line 1), when the
# export was loaded (UTC; what source freshness measures) and the load's id
# (raw.load_log.load_id: handed out under the loaders' lock inside the load's
# own transaction, so ids grow in commit order; what change detection uses).
LINEAGE_COLUMNS: dict[str, str] = {"_batch": "varchar", "_line": "integer", "_loaded_at": "timestamp",
                                   "_load_id": "bigint"}

TABLES: dict[str, dict[str, str]] = {
    "cities": {
        "city_id": "bigint",
        "city_name": "varchar",
        "country_code": "varchar",
        "currency": "varchar",
        "timezone": "varchar",
        "launched_on": "varchar",
        "updated_at": "varchar",
    },
    "drivers": {
        "driver_id": "bigint",
        "first_name": "varchar",
        "last_name": "varchar",
        "email": "varchar",
        "phone": "varchar",
        "city_id": "bigint",
        "vehicle_make": "varchar",
        "vehicle_model": "varchar",
        "vehicle_year": "integer",
        "product": "varchar",
        "status": "varchar",
        "signed_up_at": "varchar",
        "updated_at": "varchar",
    },
    "riders": {
        "rider_id": "bigint",
        "first_name": "varchar",
        "last_name": "varchar",
        "email": "varchar",
        "phone": "varchar",
        "home_city_id": "bigint",
        "is_business": "varchar",
        "signed_up_at": "varchar",
        "updated_at": "varchar",
    },
    "trips": {
        "trip_id": "bigint",
        "rider_id": "bigint",
        "driver_id": "bigint",
        "city_id": "bigint",
        "product": "varchar",
        "status": "varchar",
        "requested_at": "varchar",
        "started_at": "varchar",
        "ended_at": "varchar",
        "distance_km": "decimal(10,3)",
        "surge_multiplier": "decimal(4,2)",
        "fare_amount": "varchar",
        "currency": "varchar",
        "updated_at": "varchar",
    },
    "payments": {
        "payment_id": "bigint",
        "trip_id": "bigint",
        "method": "varchar",
        "status": "varchar",
        "amount": "varchar",
        "tip_amount": "varchar",
        "currency": "varchar",
        "created_at": "varchar",
        "updated_at": "varchar",
    },
    "ratings": {
        "trip_id": "bigint",
        "rated_by": "varchar",
        "stars": "integer",
        "rated_at": "varchar",
        "updated_at": "varchar",
    },
}


def columns(table: str) -> list[str]:
    """Contract columns of one export file, in file order."""
    return list(TABLES[table])


def export_dirs(source: Path) -> list[Path]:
    """Export folders under SOURCE in name (= export) order, or SOURCE itself
    when it directly holds contract CSV files."""
    if any((source / f"{t}.csv").exists() for t in TABLES):
        return [source]
    return sorted(p for p in source.iterdir() if p.is_dir())
