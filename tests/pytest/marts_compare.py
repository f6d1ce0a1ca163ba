"""Read every table of schema `marts` as a multiset of normalised rows, and
list how two such readings differ.

Agreed precision: numbers compare as decimals rounded to 6 places (the marts
hold more decimal places only in usd_per_unit, 8, which both engines store
exactly); timestamps compare to the microsecond, as ISO text; dates as ISO
text; booleans and nulls as themselves."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

SIX_PLACES = Decimal("0.000001")


def normalise(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).quantize(SIX_PLACES)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def duckdb_marts(path: Path) -> dict[str, tuple[list[str], Counter]]:
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        for table in tables:
            cur = con.execute(f"select * from marts.{table}")
            cols = [d[0] for d in cur.description]
            out[table] = (cols, Counter(tuple(normalise(v) for v in row) for row in cur.fetchall()))
    return out


def postgres_marts(con) -> dict[str, tuple[list[str], Counter]]:
    out = {}
    with con, con.cursor() as cur:
        cur.execute("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
        for (table,) in cur.fetchall():
            cur.execute(f"select * from marts.{table}")
            cols = [d[0] for d in cur.description]
            out[table] = (cols, Counter(tuple(normalise(v) for v in row) for row in cur.fetchall()))
    con.close()
    return out


def differences(left: dict, right: dict) -> list[str]:
    """Every way the two engines' marts differ; empty when they are equal."""
    problems = []
    if set(left) != set(right):
        problems.append(f"marts differ: {sorted(set(left) ^ set(right))}")
    for table in sorted(set(left) & set(right)):
        (lcols, lrows), (rcols, rrows) = left[table], right[table]
        if lcols != rcols:
            problems.append(f"{table}: columns {lcols} != {rcols}")
            continue
        if sum(lrows.values()) != sum(rrows.values()):
            problems.append(f"{table}: {sum(lrows.values())} rows != {sum(rrows.values())}")
        only_left, only_right = lrows - rrows, rrows - lrows
        if only_left or only_right:
            problems.append(f"{table}: {sum(only_left.values())} rows only in the first, e.g. "
                            f"{next(iter(only_left), None)}; {sum(only_right.values())} only in the second, "
                            f"e.g. {next(iter(only_right), None)}")
    return problems




def drop_column(marts: dict, column: str) -> dict:
    """The same reading without one column (where a table has it)."""
    out = {}
    for table, (cols, rows) in marts.items():
        if column not in cols:
            out[table] = (cols, rows)
            continue
        i = cols.index(column)
        out[table] = (cols[:i] + cols[i + 1:], Counter({r[:i] + r[i + 1:]: n for r, n in rows.items()}))
    return out
