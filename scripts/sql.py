#!/usr/bin/env python3
"""Query the warehouse read-only: DuckDB, or PostgreSQL with --target postgres.

    .venv/bin/python scripts/sql.py "select * from mart_city_daily limit 5"
    .venv/bin/python scripts/sql.py --csv "select ..." > out.csv
    .venv/bin/python scripts/sql.py            # interactive: Harlequin when installed (make sql), else a plain prompt
    .venv/bin/python scripts/sql.py --target postgres "select * from marts.fct_trips limit 5"

The database is opened read-only, so a mistaken write (insert, drop, ...) is
refused by DuckDB and changes nothing. The file is the read copy that every
successful build publishes (README "Reading while a build runs"):
WAREHOUSE_READ_PATH, else warehouse_read.duckdb beside the build file
(WAREHOUSE_DUCKDB_PATH, default warehouse.duckdb), or --db. It never locks
the build file, so it works while dbt builds. The default schema is marts
(`select * from fct_trips` works); other schemas need their name (audit.x).

On PostgreSQL the connection comes from PGHOST/PGPORT/PGUSER/PGPASSWORD/
PGDATABASE (`make sql DBT_TARGET=postgres` fills them from `make
postgres-up`'s .postgres/env), the session is read-only
(default_transaction_read_only) and its search_path starts with marts;
interactive use gets the plain prompt.

A query may hold several statements: each result is printed in turn. Any
problem (no file or server, a syntax error, an error from the engine, Ctrl-C)
prints one line starting with "error:" on stderr and exits 1; never a
traceback.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import threading
import time
from pathlib import Path

import duckdb
import psycopg2
import sqlparse

ROOT = Path(__file__).resolve().parent.parent
HARLEQUIN = ROOT / ".venv-sql" / "bin" / "harlequin"
HISTORY = Path(os.environ.get("WAREHOUSE_SQL_HISTORY", Path.home() / ".ridehail_sql_history"))


class SqlError(Exception):
    """A problem to report to the user in one line."""


def engine_errors() -> tuple[type[Exception], ...]:
    """The exception types a statement can raise on either engine."""
    return (duckdb.Error, psycopg2.Error)


class PostgresConnection:
    """A read-only psycopg2 session (libpq PG* variables) with the part of
    DuckDB's connection interface this script uses: execute(statement) ->
    cursor, extract_statements(text) -> statements, interrupt(). Statements
    are split by sqlparse (a maintained SQL splitter, rather than splitting on
    ';' by hand); comment-only pieces are dropped. Raises SqlError when the
    server cannot be reached."""

    def __init__(self) -> None:
        try:
            self.con = psycopg2.connect("")
        except psycopg2.OperationalError as exc:
            raise SqlError(f"cannot connect to PostgreSQL ({one_line(exc)}); "
                           "run `make postgres-up` or set PGHOST") from None
        self.con.set_session(readonly=True, autocommit=True)
        with self.con.cursor() as cur:
            cur.execute("set search_path to marts, public")

    def execute(self, statement: str):
        cur = self.con.cursor()
        cur.execute(statement)
        return cur

    def extract_statements(self, text: str) -> list[str]:
        pieces = (piece.strip() for piece in sqlparse.split(text))
        return [piece for piece in pieces if sqlparse.format(piece, strip_comments=True).strip(" ;\n\t")]

    def interrupt(self) -> None:
        self.con.cancel()

    def __enter__(self) -> "PostgresConnection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()


def read_path() -> Path:
    """The DuckDB read copy's path: $WAREHOUSE_READ_PATH, else the build file
    ($WAREHOUSE_DUCKDB_PATH, default warehouse.duckdb at the repository root)
    with "_read" before ".duckdb" (the rule of macros/publish.sql)."""
    if os.environ.get("WAREHOUSE_READ_PATH"):
        return Path(os.environ["WAREHOUSE_READ_PATH"])
    return Path(str(build_path()).replace(".duckdb", "") + "_read.duckdb")


def build_path() -> Path:
    """The DuckDB build file: $WAREHOUSE_DUCKDB_PATH, else warehouse.duckdb at
    the repository root."""
    return Path(os.environ.get("WAREHOUSE_DUCKDB_PATH") or ROOT / "warehouse.duckdb")


def one_line(exc: BaseException) -> str:
    """The first non-empty line of an exception's message (DuckDB adds a
    caret diagram and hints on further lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def connect(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to DB with schema marts as default. Raises
    SqlError when the file is missing or cannot be opened."""
    if not db.exists():
        raise SqlError(f"no warehouse at {db}; run `make build` (a successful dbt build publishes the read copy)")
    try:
        con = duckdb.connect(str(db), read_only=True)
        if con.execute("select count(*) from information_schema.schemata where schema_name = 'marts'").fetchone()[0]:
            con.execute("use marts")
        return con
    except duckdb.Error as exc:
        raise SqlError(one_line(exc)) from None


def render_table(columns: list[str], rows: list[tuple]) -> str:
    """COLUMNS and ROWS as an aligned text table with a row count."""
    cells = [columns] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def run(con: duckdb.DuckDBPyConnection | PostgresConnection, query: str, as_csv: bool) -> int:
    """Run every statement of QUERY, printing each result (a table, or CSV)
    separated by a blank line; return how many statements ran. Raises
    SqlError on a syntax error (then nothing runs) or on the first failing
    statement (results of earlier ones are printed)."""
    try:
        statements = con.extract_statements(query)
    except engine_errors() as exc:
        raise SqlError(one_line(exc)) from None
    for n, statement in enumerate(statements):
        try:
            cur = con.execute(statement)
            if cur.description is None:
                continue
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
        except engine_errors() as exc:
            raise SqlError(one_line(exc)) from None
        if n:
            print()
        if as_csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        else:
            print(render_table(columns, rows))
        sys.stdout.flush()
    return len(statements)


def run_cancellable(con: duckdb.DuckDBPyConnection | PostgresConnection, query: str, as_csv: bool) -> int:
    """run() in a worker thread, so that Ctrl-C (KeyboardInterrupt, which
    only reaches the main thread) can interrupt the engine mid-query. Returns
    run()'s count; raises SqlError("query cancelled") on Ctrl-C, else
    whatever SqlError run() raised.

    The main thread polls a flag the worker sets when it is done and sleeps in
    between, rather than Thread.join(): a KeyboardInterrupt that lands inside
    join() can leave the thread marked finished while it still runs (CPython
    gh-90882), and the next query then finds the connection busy."""
    outcome: dict[str, object] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["count"] = run(con, query, as_csv)
        except SqlError as exc:
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, daemon=True).start()
    try:
        while not done.is_set():
            time.sleep(0.05)
    except KeyboardInterrupt:
        # interrupt until the worker is done: an interrupt that lands before
        # the engine starts the query is ignored by it, and the connection
        # must be free when the prompt returns
        while not done.is_set():
            try:
                con.interrupt()
                time.sleep(0.1)
            except KeyboardInterrupt:
                continue
        raise SqlError("query cancelled") from None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["count"]  # type: ignore[return-value]

def prompt(con: duckdb.DuckDBPyConnection | PostgresConnection, as_csv: bool) -> None:
    """A plain interactive prompt (when Harlequin is not installed): readline
    editing and history (WAREHOUSE_SQL_HISTORY), statements end with ';',
    Ctrl-C drops the line being typed or cancels the running query, Ctrl-D
    quits."""
    try:
        import readline
        readline.set_history_length(1000)
        if HISTORY.exists():
            readline.read_history_file(HISTORY)
    except (ImportError, OSError):
        readline = None  # type: ignore[assignment]
    print("Read-only SQL on the warehouse (default schema marts); end a statement with ';', quit with Ctrl-D.")
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input("sql> " if not buffer else "...> ")
            except EOFError:
                print()
                return
            except KeyboardInterrupt:
                print("^C")
                buffer = []
                continue
            buffer.append(line)
            text = "\n".join(buffer)
            try:
                complete = line.rstrip().endswith(";") or not con.extract_statements(text)
            except engine_errors():
                complete = False  # an unfinished statement does not parse yet
            if not complete:
                continue
            buffer = []
            try:
                run_cancellable(con, text, as_csv)
            except SqlError as exc:
                print(f"error: {exc}", file=sys.stderr)
            except KeyboardInterrupt:  # Ctrl-C before the query reached the engine
                print("error: query cancelled", file=sys.stderr)
    finally:
        if readline is not None:
            try:
                readline.write_history_file(HISTORY)
            except OSError:
                pass


def harlequin(db: Path) -> int:
    """Replace this process with Harlequin, read-only on DB, schema marts
    as default (scripts/harlequin_init.sql)."""
    if not db.exists():
        raise SqlError(f"no warehouse at {db}; run `make build` (a successful dbt build publishes the read copy)")
    args = [str(HARLEQUIN), "--adapter", "duckdb", "--read-only",
            "--init-path", str(ROOT / "scripts" / "harlequin_init.sql"), str(db)]
    os.execv(args[0], args)
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code (0 ok, 1 error)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="?", help="SQL to run (one or more statements); without it, a prompt opens")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    parser.add_argument("--target", choices=["duckdb", "postgres"], default="duckdb",
                        help="engine (default duckdb; postgres reads the PG* variables)")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (default: the read copy, see read_path())")
    parser.add_argument("--build-file", action="store_true",
                        help="read the build file instead (WAREHOUSE_DUCKDB_PATH): the failures of a build that "
                             "failed are there, not in the read copy; fails while a dbt command runs")
    parser.add_argument("--print-path", action="store_true", help="print the read copy's path and exit")
    parser.add_argument("--plain", action="store_true", help="the plain prompt even when Harlequin is installed")
    args = parser.parse_args(argv)
    db = args.db or (build_path() if args.build_file else read_path())
    if args.print_path:
        print(db)
        return 0
    try:
        if args.target == "duckdb" and args.query is None and not args.plain and HARLEQUIN.exists() \
                and sys.stdin.isatty():
            return harlequin(db)
        with (PostgresConnection() if args.target == "postgres" else connect(db)) as con:
            if args.query is None:
                prompt(con, args.csv)
            elif run_cancellable(con, args.query, args.csv) == 0:
                raise SqlError("no SQL statement to run (only ';', blanks or comments)")
    except SqlError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `sql.py ... | head`
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    code = main()
    # Leave without the interpreter's shutdown: after a query cancelled with
    # Ctrl-C it could abort (SIGABRT) tearing down threads, once output and
    # connections are already done.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
