#!/usr/bin/env python3
"""Query the DuckDB warehouse read-only.

    python scripts/sql.py "select * from marts.mart_city_daily limit 5"
    python scripts/sql.py --csv "select ..." > out.csv
    python scripts/sql.py            # interactive prompt; end statements with ';'

The database is opened read-only, so a mistaken write (insert, drop, ...) is
refused by DuckDB and changes nothing. The file is the read copy that every
successful build publishes (README "Reading while a build runs"):
WAREHOUSE_READ_PATH, else warehouse_read.duckdb beside the build file
(WAREHOUSE_DUCKDB_PATH, default warehouse.duckdb), or --db. It never locks
the build file, so it works while dbt builds.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def read_path() -> Path:
    """The DuckDB read copy's path: $WAREHOUSE_READ_PATH, else the build file
    ($WAREHOUSE_DUCKDB_PATH, default warehouse.duckdb at the repository root)
    with "_read" before ".duckdb" (the rule of macros/publish.sql)."""
    if os.environ.get("WAREHOUSE_READ_PATH"):
        return Path(os.environ["WAREHOUSE_READ_PATH"])
    build = os.environ.get("WAREHOUSE_DUCKDB_PATH") or str(ROOT / "warehouse.duckdb")
    return Path(build.replace(".duckdb", "") + "_read.duckdb")


def render_table(columns: list[str], rows: list[tuple]) -> str:
    cells = [columns] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def run(con: duckdb.DuckDBPyConnection, query: str, as_csv: bool) -> None:
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


def prompt(con: duckdb.DuckDBPyConnection, as_csv: bool) -> None:
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
            except duckdb.Error as exc:
                print(f"error: {exc}", file=sys.stderr)
            buffer = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="?", help="SQL to run; without it, an interactive prompt opens")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    parser.add_argument("--print-path", action="store_true", help="print the read copy's path and exit")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: the read copy, see read_path())")
    args = parser.parse_args(argv)
    db = args.db or read_path()
    if args.print_path:
        print(db)
        return 0
    if not db.exists():
        print(f"error: no published warehouse at {db}; run `make build` (a successful dbt build publishes it)",
              file=sys.stderr)
        return 2
    with duckdb.connect(str(db), read_only=True) as con:
        if args.query is None:
            prompt(con, args.csv)
            return 0
        try:
            run(con, args.query, args.csv)
        except duckdb.Error as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
