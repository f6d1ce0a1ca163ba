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


def read_marts(run) -> dict[str, tuple[list[str], Counter]]:
    """Every table of schema `marts`; RUN(sql) returns (column names, rows)."""
    _, tables = run("select table_name from information_schema.tables where table_schema = 'marts' order by 1")
    out = {}
    for (table,) in tables:
        cols, rows = run(f"select * from marts.{table}")
        out[table] = (cols, Counter(tuple(normalise(v) for v in row) for row in rows))
    return out


def duckdb_marts(path: Path) -> dict[str, tuple[list[str], Counter]]:
    with duckdb.connect(str(path), read_only=True) as con:
        def run(sql: str) -> tuple[list[str], list[tuple]]:
            cur = con.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()
        return read_marts(run)


def postgres_marts(con) -> dict[str, tuple[list[str], Counter]]:
    """Reads through CON (a psycopg2 connection) and closes it."""
    with con, con.cursor() as cur:
        def run(sql: str) -> tuple[list[str], list[tuple]]:
            cur.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()
        out = read_marts(run)
    con.close()
    return out


def differences(left: dict, right: dict) -> list[str]:
    """Every way two readings of the marts differ; empty when they are equal."""
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


def spark_marts(path: Path) -> dict[str, tuple[list[str], Counter]]:
    """The marts as `scripts/spark_session.py --dump-marts PATH` wrote them
    from Spark (a pickle of {table: (column names, rows)} holding plain Python
    values), normalised like the other engines' readings."""
    import pickle

    raw = pickle.loads(path.read_bytes())
    return {table: (list(cols), Counter(tuple(normalise(v) for v in row) for row in rows))
            for table, (cols, rows) in sorted(raw.items())}
