#!/usr/bin/env python3
"""Bulk-load raw exports into schema `raw` with the engine's native CSV path.

    python scripts/load_raw.py SOURCE_DIR [--target duckdb|postgres]

Loads every export folder under SOURCE_DIR in name order (or SOURCE_DIR itself
when it holds the CSV files), appending to raw.<table> with the export's name
(`_batch`), each row's line in its file (`_line`) and the load time
(`_loaded_at`). DuckDB reads the files with its own CSV reader, PostgreSQL
with COPY. Each export is one transaction, logged in raw.load_log (export,
file, rows, loaded_at); an export already in the log is skipped, so loading
it again changes nothing.

A file that breaks the contract (missing, extra or renamed columns, invalid
UTF-8, a truncated line, a value of the wrong type in a typed column, an empty
file) stops the load with `FILE:LINE: problem` and exit code 1, and the
export it belongs to leaves no trace: earlier exports of the same run stay
loaded. The DuckDB file is WAREHOUSE_DUCKDB_PATH or warehouse.duckdb;
PostgreSQL is reached through the libpq variables (PGHOST, ...).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from raw_contract import LINEAGE_COLUMNS, TABLES, columns, export_dirs

ROOT = Path(__file__).resolve().parent.parent
LOG_DDL = "create table if not exists raw.load_log (export varchar, file varchar, rows bigint, loaded_at timestamp)"


class LoadError(Exception):
    """A contract violation, located in a file and line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        super().__init__(f"{path}:{line if line is not None else '?'}: {problem}")


def pg_type(raw_type: str) -> str:
    return {"varchar": "text", "timestamp": "timestamp"}.get(raw_type, raw_type)


def table_ddl(table: str, postgres: bool) -> str:
    cols = {**TABLES[table], **LINEAGE_COLUMNS}
    body = ", ".join(f"{c} {pg_type(t) if postgres else t}" for c, t in cols.items())
    return f"create table if not exists raw.{table} ({body})"


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def check_file(path: Path, table: str) -> None:
    """What the engines do not say clearly: header, emptiness, a cut-off end."""
    if path.stat().st_size == 0:
        raise LoadError(path, 1, "empty file: no header row")
    with open(path, "rb") as fh:
        first = fh.readline()
        fh.seek(-1, os.SEEK_END)
        last_byte = fh.read(1)
    try:
        header = next(csv.reader(io.StringIO(first.decode("utf-8"))))
    except UnicodeDecodeError:
        raise LoadError(path, 1, "header is not valid UTF-8") from None
    expected = columns(table)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = "; ".join(filter(None, [
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
            "columns out of order" if not missing and not extra else ""]))
        raise LoadError(path, 1, f"header does not match the {table} contract ({detail}); "
                                 f"expected: {','.join(expected)}")
    if last_byte != b"\n":
        raise LoadError(path, count_lines(path) + 1, "truncated last line (the file does not end with a line break)")


def engine_error(path: Path, exc: Exception) -> LoadError:
    """Turn a DuckDB or PostgreSQL CSV error into FILE:LINE: problem."""
    text = str(exc)
    line = re.search(r"(?:CSV Error on Line: |COPY \w+, line )(\d+)", text)
    problem = text.strip().splitlines()[0]
    if "Original Line:" in text:  # DuckDB: the problem follows the echoed line
        after = text.split("Original Line:", 1)[1].splitlines()[1:]
        problem = next((ln.strip() for ln in after if ln.strip()), problem)
    problem = re.sub(r"^(Conversion|Invalid Input) Error: ", "", problem)
    return LoadError(path, int(line.group(1)) if line else None, problem)


class DuckDBTarget:
    def __init__(self) -> None:
        import duckdb

        self.duckdb = duckdb
        self.con = duckdb.connect(os.environ.get("WAREHOUSE_DUCKDB_PATH", str(ROOT / "warehouse.duckdb")))
        # a checkpoint per export would rewrite the growing tables each time;
        # commits stay durable through the WAL and one checkpoint ends the run
        self.con.execute("set checkpoint_threshold = '16GB'")
        self.con.execute("create schema if not exists raw")
        for table in TABLES:
            self.con.execute(table_ddl(table, postgres=False))
        self.con.execute(LOG_DDL)

    def loaded(self) -> set[str]:
        return {r[0] for r in self.con.execute("select distinct export from raw.load_log").fetchall()}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("begin")
        try:
            yield
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def load(self, path: Path, table: str, export: str, loaded_at: datetime) -> int:
        types = ", ".join(f"'{c}': '{t}'" for c, t in TABLES[table].items())
        sql = f"""
            insert into raw.{table}
            select *, ? as _batch, cast(row_number() over () + 1 as integer) as _line, ? as _loaded_at
            from read_csv(?, header = true, columns = {{{types}}}, auto_detect = false, delim = ',',
                          quote = '"', escape = '"', strict_mode = true, encoding = 'utf-8')"""
        try:
            return self.con.execute(sql, [export, loaded_at, str(path)]).fetchone()[0]
        except self.duckdb.Error as exc:
            raise engine_error(path, exc) from None

    def log(self, export: str, file: str, rows: int, loaded_at: datetime) -> None:
        self.con.execute("insert into raw.load_log values (?, ?, ?, ?)", [export, file, rows, loaded_at])


class PostgresTarget:
    def __init__(self) -> None:
        import psycopg2

        self.psycopg2 = psycopg2
        self.con = psycopg2.connect("")  # libpq reads PGHOST, PGPORT, ... itself
        with self.con, self.con.cursor() as cur:
            cur.execute("create schema if not exists raw")
            for table in TABLES:
                cur.execute(table_ddl(table, postgres=True))
            cur.execute(LOG_DDL)

    def loaded(self) -> set[str]:
        with self.con, self.con.cursor() as cur:
            cur.execute("select distinct export from raw.load_log")
            return {r[0] for r in cur.fetchall()}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.con:  # commits on success, rolls back on any error
            yield

    def load(self, path: Path, table: str, export: str, loaded_at: datetime) -> int:
        cols = TABLES[table]
        stage = f"stage_{table}"
        with self.con.cursor() as cur:
            cur.execute(f"create temp table {stage} "
                        f"({', '.join(f'{c} {pg_type(t)}' for c, t in cols.items())}, _row bigserial) on commit drop")
            try:
                with open(path, "rb") as fh:
                    cur.copy_expert(f"copy {stage} ({', '.join(cols)}) from stdin "
                                    "with (format csv, header true, encoding 'UTF8')", fh)
            except self.psycopg2.Error as exc:
                raise engine_error(path, exc) from None
            cur.execute(f"insert into raw.{table} select {', '.join(cols)}, %s, cast(_row + 1 as integer), %s "
                        f"from {stage} order by _row", [export, loaded_at])
            rows = cur.rowcount
            cur.execute(f"drop table {stage}")
            return rows

    def log(self, export: str, file: str, rows: int, loaded_at: datetime) -> None:
        with self.con.cursor() as cur:
            cur.execute("insert into raw.load_log values (%s, %s, %s, %s)", [export, file, rows, loaded_at])


def load_all(source: Path, target: str, quiet: bool = False) -> dict[str, int]:
    """Load every export under SOURCE; returns rows loaded per table."""
    if not source.is_dir():
        raise LoadError(source, None, "export folder not found")
    exports = export_dirs(source)
    if not exports:
        raise LoadError(source, None, "no export folders and no CSV files")
    db = PostgresTarget() if target == "postgres" else DuckDBTarget()
    done = db.loaded()
    totals = dict.fromkeys(TABLES, 0)
    for folder in exports:
        if folder.name in done:
            if not quiet:
                print(f"{folder.name}: already loaded, skipped")
            continue
        files = [(folder / f"{t}.csv", t) for t in TABLES if (folder / f"{t}.csv").exists()]
        unknown = sorted(p.name for p in folder.glob("*.csv") if p.stem not in TABLES)
        if unknown:
            raise LoadError(folder / unknown[0], None, "not a file of the raw contract")
        for path, table in files:
            check_file(path, table)
        loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
        started = time.perf_counter()
        with db.transaction():
            counts = {}
            for path, table in files:
                counts[table] = db.load(path, table, folder.name, loaded_at)
                db.log(folder.name, path.name, counts[table], loaded_at)
        for table, n in counts.items():
            totals[table] += n
        if not quiet:
            print(f"{folder.name}: {sum(counts.values())} rows in {time.perf_counter() - started:.1f}s "
                  f"({', '.join(f'{t} {n}' for t, n in counts.items())})")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source_dir", type=Path, help="folder of export folders, or one export folder")
    parser.add_argument("--target", choices=["duckdb", "postgres"], default="duckdb")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    try:
        load_all(args.source_dir, args.target, args.quiet)
    except LoadError as exc:
        print(f"load_raw: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
