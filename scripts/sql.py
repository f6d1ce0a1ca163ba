#!/usr/bin/env python3
"""Query the warehouse read-only (DuckDB, or PostgreSQL with --target postgres).

    .venv/bin/python scripts/sql.py "select * from marts.mart_city_daily limit 5"
    .venv/bin/python scripts/sql.py --csv "select ..." > out.csv
    .venv/bin/python scripts/sql.py            # interactive prompt; end statements with ';'
    .venv/bin/python scripts/sql.py --target postgres "select ..."

The database is opened read-only, so a mistaken write (insert, drop, ...) is
refused and changes nothing. On DuckDB the file is warehouse.duckdb at the
repository root, or WAREHOUSE_DUCKDB_PATH, or --db. On PostgreSQL the
connection comes from PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE (`make sql
DBT_TARGET=postgres` fills them from `make postgres-up`'s .postgres/env), and
the session is read-only (default_transaction_read_only).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def render_table(columns: list[str], rows: list[tuple]) -> str:
    """COLUMNS and ROWS as an aligned text table with a row count line."""
    cells = [columns] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


class PostgresConnection:
    """A read-only psycopg2 session with DuckDB's `execute(sql) -> cursor` shape."""

    def __init__(self) -> None:
        import psycopg2

        self.con = psycopg2.connect("")  # every setting from the libpq PG* variables
        self.con.set_session(readonly=True, autocommit=True)

    def execute(self, query: str):
        cur = self.con.cursor()
        cur.execute(query)
        return cur

    def __enter__(self) -> "PostgresConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()


def engine_errors() -> tuple[type[Exception], ...]:
    """The exception types a query can raise on either engine."""
    errors: tuple[type[Exception], ...] = (duckdb.Error,)
    try:
        import psycopg2
        errors += (psycopg2.Error,)
    except ImportError:
        pass
    return errors


def run(con, query: str, as_csv: bool) -> None:
    """Run QUERY on CON (a DuckDB connection or PostgresConnection) and print
    its rows as a table or CSV; engine errors propagate."""
    cur = con.execute(query)
    if cur.description is None:
        return
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        print(render_table(columns, rows))


def prompt(con, as_csv: bool) -> None:
    """Interactive loop: read statements ending in ';' and run them until EOF."""
    print("Read-only SQL on the warehouse marts; end a statement with ';', quit with Ctrl-D.")
    buffer: list[str] = []
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except EOFError:
            print()
            return
        buffer.append(line)
        if line.rstrip().endswith(";"):
            try:
                run(con, "\n".join(buffer), as_csv)
            except engine_errors() as exc:
                print(f"error: {str(exc).strip()}", file=sys.stderr)
            buffer = []


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring); returns the exit code: 0, 1 on a
    query error, 2 when the warehouse or server cannot be reached."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="?", help="SQL to run; without it, an interactive prompt opens")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    parser.add_argument("--target", choices=["duckdb", "postgres"], default="duckdb",
                        help="engine (default duckdb; postgres reads the PG* variables)")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: $WAREHOUSE_DUCKDB_PATH or warehouse.duckdb)")
    args = parser.parse_args(argv)
    if args.target == "postgres":
        import psycopg2
        try:
            con = PostgresConnection()
        except psycopg2.OperationalError as exc:
            print(f"error: cannot connect to PostgreSQL ({str(exc).strip()}); "
                  "run `make postgres-up` or set PGHOST", file=sys.stderr)
            return 2
        return session(con, args)
    db = args.db or Path(os.environ.get("WAREHOUSE_DUCKDB_PATH", ROOT / "warehouse.duckdb"))
    if not db.exists():
        print(f"error: no warehouse at {db}; run `make build` first", file=sys.stderr)
        return 2
    return session(duckdb.connect(str(db), read_only=True), args)


def session(con, args: argparse.Namespace) -> int:
    """Answer args.query on CON (or open the prompt), close it; the exit code."""
    with con:
        if args.query is None:
            prompt(con, args.csv)
            return 0
        try:
            run(con, args.query, args.csv)
        except engine_errors() as exc:
            print(f"error: {str(exc).strip()}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
