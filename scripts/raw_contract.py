"""The raw data contract: the six export files, their columns and raw types.

Shared by the generator, the sample builder and the bulk loader so that the
seeded and the bulk-loaded raw tables have exactly the same shape.
Timestamps stay text in raw: a value that does not parse must still land, so
that staging can quarantine it instead of the load failing. Money amounts
stay text too: an amount with more decimals than its currency's minor units
must land as written, so that staging quarantines it (rule 5) instead of an
engine rounding it silently on load.

How the bytes of an export file read (README "Reading an export file"). One
meaning on every engine: scripts/load_raw.py enforces these rules in one
place (`scan_file` for the bytes, `value_ok_sql`/`locate_problem` for the
values, from the patterns below), before and around each engine's own CSV
reader (DuckDB read_csv, PostgreSQL COPY into a text stage table), so both
engines land the same rows or refuse the same file with the same
`FILE:LINE: problem`.

| input | meaning |
|---|---|
| UTF-8 byte-order mark at the start | accepted and ignored (not part of the header) |
| CRLF line endings | accepted; one file uses one style: a file mixing LF and CRLF line ends is refused |
| a carriage return not followed by a line feed | refused: "stray carriage return" |
| a NUL byte anywhere | refused: "NUL byte" |
| an empty field, `,,` or `,"",` | NULL, in every column, on both engines (PostgreSQL: FORCE_NULL on every column) |
| blank lines at the end of the file | ignored |
| a blank line before the last record | refused: "blank line in the middle of the file" |
| a last line without a line break | refused: "truncated last line" |
| a quote that does not enclose a whole field (`ab"c`, `"ab"c`, an unclosed quote) | refused: "stray double quote" (DuckDB would keep it as text, PostgreSQL would open a quoted section) |
| a field count other than the header's, invalid UTF-8 | refused, naming the count or the byte |
| a value in a typed column that is not exactly its type's spelling (below) | refused, naming column and value: never rounded, never NaN/Infinity |
| text columns | landed exactly as written (whitespace, case and Unicode form are staging's business) |

Typed columns are read as text and cast only when the whole value matches
VALUE_PATTERNS: an integer is an optional sign and at most 9 digits (bigint
18), a decimal(p,s) an optional sign, at most p-s digits, and at most s
decimals after an optional point. So `4.5` in an integer column, `NaN`,
`Infinity`, `inf`, `1e3`, ` 5` (padded), `8.5001` in decimal(10,3) and `abc`
stop the load of that export. Every location is the physical line a person
sees in an editor (line 1 is the header; a quoted field holding a line break
does not shift later lines), and `_line` is the physical line where each
record starts.
"""

from __future__ import annotations

from pathlib import Path

# Lineage columns added to every raw table: the export folder a row came
# from, the physical line of that export's file where the row starts (header
# = line 1; what an editor shows, whatever quoted line breaks precede), when the
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

# The key each base model re-ranks a raw table by (raw_rows_to_rank in
# macros/incremental.sql): on PostgreSQL the loader indexes it and _load_id,
# which an incremental build filters raw on.
RANK_KEYS: dict[str, str] = {"cities": "city_id", "drivers": "driver_id", "riders": "rider_id",
                             "trips": "trip_id", "payments": "payment_id", "ratings": "trip_id"}


def value_pattern(raw_type: str) -> tuple[str, str] | None:
    """(regular expression a whole non-empty value must match, description)
    for a typed raw column, or None for text. The same pattern text is used
    by DuckDB (RE2), PostgreSQL (~) and Python (re.fullmatch)."""
    if raw_type == "bigint":
        return r"[+-]?[0-9]{1,18}", "a whole number of at most 18 digits"
    if raw_type == "integer":
        return r"[+-]?[0-9]{1,9}", "a whole number of at most 9 digits"
    if raw_type.startswith("decimal("):
        precision, scale = (int(x) for x in raw_type[len("decimal("):-1].split(","))
        whole = precision - scale
        return (rf"[+-]?([0-9]{{1,{whole}}}(\.[0-9]{{0,{scale}}})?|\.[0-9]{{1,{scale}}})",
                f"a decimal number with at most {whole} digits before the point and {scale} after it")
    return None


def value_patterns(table: str) -> dict[str, tuple[str, str]]:
    """Typed columns of TABLE with their value_pattern, in file order."""
    return {c: rule for c, t in TABLES[table].items() if (rule := value_pattern(t)) is not None}


def columns(table: str) -> list[str]:
    """Contract columns of one export file, in file order."""
    return list(TABLES[table])


def export_dirs(source: Path) -> list[Path]:
    """Export folders under SOURCE in name (= export) order, or SOURCE itself
    when it directly holds contract CSV files."""
    if any((source / f"{t}.csv").exists() for t in TABLES):
        return [source]
    return sorted(p for p in source.iterdir() if p.is_dir())
