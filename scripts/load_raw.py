#!/usr/bin/env python3
"""Bulk-load raw exports into schema `raw` with the engine's native CSV path.

    python scripts/load_raw.py SOURCE_DIR [--target duckdb|postgres|spark] [--redeliver]

Loads every export folder under SOURCE_DIR in name order (or SOURCE_DIR itself
when it holds the CSV files), appending to raw.<table> with the export's name
(`_batch`), the physical line of its file where each row starts (`_line`),
the load time (`_loaded_at`) and the load's id (`_load_id`). DuckDB reads the
files with its own CSV reader, PostgreSQL with COPY into a text stage table;
both read every column as text, and a file means the same on both: the rules
(byte-order mark, line endings, CR and NUL bytes, empty fields, blank lines,
the exact spelling of typed values) are the table in raw_contract.py, and
they are enforced here, in scan_file (the bytes) and row_ok_sql (the values,
checked before any cast, so nothing is rounded or reinterpreted).

Each export is one transaction, logged in raw.load_log (load_id, export, file,
rows, bytes, sha256, loaded_at). Loads are serialised: on PostgreSQL each
export's transaction takes an advisory lock first, on DuckDB the file admits
one writer and a second loader waits for it. The load id is handed out inside
that lock, so ids grow in commit order whatever the clocks say: the
incremental models track load ids, never load times.

An export's identity is its content. An export whose name is in the log with
the same files (name, size, SHA-256) is skipped and says so; one whose content
differs stops with exit 1 naming the files that differ, unless --redeliver is
given: then it is appended as a new load (a correction) and latest-version-wins
does the rest.

A file that breaks the contract (missing, extra or renamed columns, invalid
UTF-8, a truncated line, a value of the wrong type in a typed column, an empty
file, a stray CR, a NUL byte, a blank line in the middle) stops the load with
`FILE:LINE: problem` (LINE: the physical line an editor shows) and exit code 1, and the
export it belongs to leaves no trace: earlier exports of the same run stay
loaded. The DuckDB file is WAREHOUSE_DUCKDB_PATH or warehouse.duckdb;
PostgreSQL is reached through the libpq variables (PGHOST, ...).

Spark (--target spark, run with .venv-spark/bin/python) reads the files with
Spark's CSV reader into the Iceberg raw tables of the session dbt's spark
target describes (scripts/spark_session.py, WAREHOUSE_SPARK_*). Iceberg has
no transaction across tables, so an export is all-or-nothing this way: every
file of the export is read and checked first (the same scan_file and
locate_problem rules, then the value patterns in Spark), then each raw table
gets one Iceberg commit holding the export's rows, and the load_log rows are
written last, in one commit. A failure after the first table's commit
deletes the export's rows again by their load id (one more commit per
table), so the export leaves no rows behind; a loader killed at that moment
leaves rows under a load id the log does not name, which the next load of
the export removes before it starts. Loaders on one machine queue on a lock
file (.spark/load_raw.lock); Spark has no lock across machines: run one
loader at a time.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from raw_contract import LINEAGE_COLUMNS, RANK_KEYS, TABLES, columns, export_dirs, value_patterns

ROOT = Path(__file__).resolve().parent.parent
LOG_COLUMNS = {"export": "varchar", "file": "varchar", "rows": "bigint", "loaded_at": "timestamp",
               "load_id": "bigint", "bytes": "bigint", "sha256": "varchar"}
# one key for every loader of every database: loads are serialised
LOCK_KEY = 7_402_190_561
# how long a DuckDB loader waits for another process to release the file
LOCK_WAIT_SECONDS = float(os.environ.get("LOAD_RAW_LOCK_WAIT", "600"))


class LoadError(Exception):
    """A contract violation, located in a file and line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        super().__init__(f"{path}:{line if line is not None else '?'}: {problem}")


def pg_type(raw_type: str) -> str:
    return {"varchar": "text", "timestamp": "timestamp"}.get(raw_type, raw_type)


def table_ddl(table: str, postgres: bool) -> list[str]:
    """Create raw.TABLE, and add lineage columns a table of an older release lacks.

    On PostgreSQL also index what an incremental build filters raw on: _load_id
    (the rows of loads a base model has not seen) and the table's RANK_KEYS key
    (every row of those keys). DuckDB needs neither: its zone maps prune on
    _load_id, which grows with each load.
    """
    cols = {**TABLES[table], **LINEAGE_COLUMNS}
    body = ", ".join(f"{c} {pg_type(t) if postgres else t}" for c, t in cols.items())
    ddl = [f"create table if not exists raw.{table} ({body})"] + [
        f"alter table raw.{table} add column if not exists {c} {pg_type(t) if postgres else t}"
        for c, t in LINEAGE_COLUMNS.items()]
    if postgres:
        ddl += [f"create index if not exists {table}__{c}_idx on raw.{table} ({c})"
                for c in ("_load_id", RANK_KEYS[table])]
    return ddl


def log_ddl(postgres: bool) -> list[str]:
    body = ", ".join(f"{c} {pg_type(t) if postgres else t}" for c, t in LOG_COLUMNS.items())
    return [f"create table if not exists raw.load_log ({body})"] + [
        f"alter table raw.load_log add column if not exists {c} {pg_type(t) if postgres else t}"
        for c, t in LOG_COLUMNS.items()]


def count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def content_changes(logged: dict[str, tuple[int, str]], current: dict[str, tuple[int, str]]) -> list[str]:
    """How an export's files differ from what the log holds for its latest
    load: 'changed X', 'added X', 'removed X'; empty when byte-identical."""
    out = [f"changed {f}" for f in sorted(current) if f in logged and logged[f] != current[f]]
    out += [f"added {f}" for f in sorted(current) if f not in logged]
    out += [f"removed {f}" for f in sorted(logged) if f not in current]
    return out


BOM = b"\xef\xbb\xbf"
QUOTED_FIELD = re.compile(rb'(?<![^,\n])"[^"]*"(?=[,\r\n])')  # once doubled quotes are gone
TWO_LF = re.compile(rb"\n\n")  # a blank line; faster than `in` for a two-byte needle


@dataclass(frozen=True)
class FileScan:
    """What scan_file learned about one export file: its fingerprint, where
    the records lie (after a byte-order mark, before trailing blank lines)
    and whether a quoted field may hold a line break."""

    size: int
    sha256: str
    start: int  # first byte of the header (3 after a byte-order mark)
    end: int  # one past the last record's line break (trailing blank lines excluded)
    quoted: bool  # the file holds a double quote: records may span lines


def shown(value: str) -> str:
    """A value as a message quotes it: short, line breaks visible."""
    text = value if len(value) <= 40 else value[:37] + "..."
    return "'" + text.replace("\r", "\\r").replace("\n", "\\n") + "'"


def scan_file(path: Path, table: str) -> FileScan:
    """The byte rules of the raw contract (raw_contract.py), checked once for
    both engines while the file is fingerprinted: size and SHA-256, the header,
    byte-order mark, NUL bytes, stray carriage returns, mixed line endings,
    blank lines and a cut-off last line. Raises LoadError at the physical line.

    One pass in 4 MB chunks looks for the bytes that need a closer look (NUL,
    CR, a quote, two line breaks in a row); only a file holding one of them
    is read again whole to find exactly where."""
    size = path.stat().st_size
    if size == 0:
        raise LoadError(path, 1, "empty file: no header row")
    digest = hashlib.sha256()
    nul = cr = quote = blank = False
    head, tail = b"", b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
            if not head:
                head = chunk[:1 << 16]
            nul = nul or b"\x00" in chunk
            cr = cr or b"\r" in chunk
            quote = quote or b'"' in chunk
            blank = blank or (tail == b"\n" and chunk[:1] == b"\n") or TWO_LF.search(chunk) is not None
            tail = chunk[-1:]
    start = len(BOM) if head.startswith(BOM) else 0
    header_end = head.find(b"\n", start)
    first = head[start:header_end + 1] if header_end >= 0 else head[start:]
    try:
        header = next(csv.reader(io.StringIO(first.decode("utf-8"), newline="")), [])
    except UnicodeDecodeError:
        raise LoadError(path, 1, "header is not valid UTF-8") from None
    except csv.Error as exc:
        raise LoadError(path, 1, f"header is not a CSV line ({exc})") from None
    expected = columns(table)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = "; ".join(filter(None, [
            f"missing {', '.join(missing)}" if missing else "",
            f"unexpected {', '.join(extra)}" if extra else "",
            "columns out of order" if not missing and not extra else ""]))
        if header and header[0].startswith("\ufeff"):
            detail = "more than one byte-order mark before the header"
        raise LoadError(path, 1, f"header does not match the {table} contract ({detail}); "
                                 f"expected: {','.join(expected)}")
    end = size
    if nul or cr or blank or quote:
        end = exact_checks(path, path.read_bytes(), start, quote, first.endswith(b"\r\n"))
    elif tail != b"\n":
        raise LoadError(path, count_lines(path) + 1, "truncated last line (the file does not end with a line break)")
    return FileScan(size, digest.hexdigest(), start, end, quote)


def exact_checks(path: Path, data: bytes, start: int, quoted: bool, crlf: bool) -> int:
    """scan_file's closer look at a file holding a NUL, a CR, a quote or two
    line breaks in a row: raise at the physical line, or return where the
    records end (before trailing blank lines)."""

    def line_at(pos: int) -> int:
        return data.count(b"\n", 0, pos) + 1

    def outside_quotes(pos: int) -> bool:  # an even number of quotes before POS
        return not quoted or data.count(b'"', 0, pos) % 2 == 0

    nul = data.find(b"\x00")
    if nul >= 0:
        raise LoadError(path, line_at(nul), "NUL byte (0x00) in the file: an export is text and holds none")
    for match in re.finditer(rb"\r(?!\n)", data):
        raise LoadError(path, line_at(match.start()), "stray carriage return (a CR byte not followed by a line "
                        "feed; lines end with LF or CRLF)")
    if quoted:
        # a quote either encloses a whole field or is doubled inside one: drop the doubled
        # quotes, then the enclosed fields; any quote left is where the engines part ways
        # (DuckDB keeps it as text, PostgreSQL opens a quoted section)
        body = data[start:].replace(b'""', b"")
        if b'"' in QUOTED_FIELD.sub(b"", body):
            body = QUOTED_FIELD.sub(lambda m: b"\n" * m.group().count(b"\n"), body)
            raise LoadError(path, body.count(b"\n", 0, body.find(b'"')) + 1, "stray double quote: a quote may only "
                            'enclose a whole field (a quote inside a quoted field is written "")')
    if b"\r" in data:
        for match in re.finditer(rb"(?<!\r)\n" if crlf else rb"\r\n", data):
            if outside_quotes(match.start()):
                raise LoadError(path, line_at(match.start()), "mixed line endings: this line ends with "
                                f"{'LF' if crlf else 'CRLF'}, the header with {'CRLF' if crlf else 'LF'}")
    if not data.endswith(b"\n"):
        raise LoadError(path, line_at(len(data)), "truncated last line (the file does not end with a line break)")
    eol = b"\r\n" if crlf else b"\n"
    end = len(data)
    while end - 2 * len(eol) >= start and data[end - 2 * len(eol):end] == eol + eol:
        end -= len(eol)  # blank lines at the end are ignored
    pos = data.find(eol + eol, start, end)
    while pos >= 0:
        if outside_quotes(pos + len(eol)):
            raise LoadError(path, line_at(pos) + 1, "blank line in the middle of the file (blank lines are "
                            "allowed only at the end)")
        pos = data.find(eol + eol, pos + len(eol), end)
    return end


def locate_problem(path: Path, table: str) -> LoadError | None:
    """The first record of a file that breaks the contract, located at its
    physical line: invalid UTF-8, a field count other than the header's,
    broken quoting, or a typed value that does not match its pattern. Runs
    after an engine refused a file (both engines refuse the same files), so
    the message is the same on both; None if nothing is found."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return LoadError(path, data.count(b"\n", 0, exc.start) + 1,
                         f"invalid UTF-8 (byte 0x{data[exc.start]:02x} is not UTF-8 text)")
    expected = columns(table)
    checks = [(expected.index(c), c, re.compile(rx), desc) for c, (rx, desc) in value_patterns(table).items()]
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    end = 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            if start == 1 or not record:
                continue
            if len(record) != len(expected):
                return LoadError(path, start, f"{len(record)} fields where the {table} contract has {len(expected)}")
            for i, col, rx, desc in checks:
                value = record[i]
                if value and not rx.fullmatch(value):
                    return LoadError(path, start, f"column {col} ({TABLES[table][col]}): {shown(value)} is not "
                                     f"{desc}; values are never rounded or changed")
    except csv.Error as exc:
        return LoadError(path, end + 1, f"broken quoting ({exc})")
    return None


def engine_error(path: Path, table: str, exc: Exception) -> LoadError:
    """An engine refused a file: say where and why at the physical line
    (locate_problem), else pass the engine's own words on."""
    located = locate_problem(path, table)
    if located is not None:
        return located
    text = str(exc)
    line = re.search(r"(?:CSV Error on Line: |COPY \w+, line )(\d+)", text)
    problem = text.strip().splitlines()[0]
    if "Original Line:" in text:  # DuckDB: the problem follows the echoed line
        after = text.split("Original Line:", 1)[1].splitlines()[1:]
        problem = next((ln.strip() for ln in after if ln.strip()), problem)
    problem = re.sub(r"^(Conversion|Invalid Input) Error: ", "", problem)
    return LoadError(path, int(line.group(1)) if line else None, problem)


def typed_select(table: str, postgres: bool) -> list[str]:
    """The contract columns of TABLE cast from text to their raw types; only
    rows that passed row_ok_sql are cast, so no engine rounds or reinterprets
    a value."""
    cast_type = pg_type if postgres else (lambda t: t)
    return [col if raw_type == "varchar" else f"cast({col} as {cast_type(raw_type)}) as {col}"
            for col, raw_type in TABLES[table].items()]


def row_ok_sql(table: str, postgres: bool) -> str:
    """SQL that is true when every typed value of a row is NULL or matches
    its pattern (raw_contract.value_pattern) as a whole: one regular
    expression per row over the typed values joined by commas (no pattern
    admits a comma, so a value cannot spill into its neighbour)."""
    patterns = value_patterns(table)
    if not patterns:
        return "true"
    joined = "concat(" + ", ',', ".join(f"coalesce({c}, '')" for c in patterns) + ")"
    pattern = ",".join(f"({rx})?" for rx, _ in patterns.values())
    if postgres:
        return f"({joined} ~ '^(?:{pattern})$')"
    return f"regexp_full_match({joined}, '{pattern}')"


def breaks_sql(table: str) -> str:
    """SQL for the number of line breaks held in a row's text fields."""
    return " + ".join(f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)"
                      for c, t in TABLES[table].items() if t == "varchar")


def line_sql(record: str, breaks: str | None) -> str:
    """The physical line where each record starts: the header is line 1,
    record n starts at line n + 1 plus the line breaks held in quoted fields
    of the records before it (BREAKS, per record; None when the file holds
    no quote, so no record spans lines)."""
    if breaks is None:
        return f"{record} + 1"
    return (f"{record} + 1 + coalesce(sum({breaks}) over (order by {record} rows between unbounded preceding "
            f"and 1 preceding), 0)")


class BodyReader:
    """A file object over the records of an export file: COPY reads it up
    to scan.end, so trailing blank lines never reach PostgreSQL."""

    def __init__(self, path: Path, scan: FileScan) -> None:
        self.fh = open(path, "rb")
        self.left = scan.end

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.left:
            size = self.left
        data = self.fh.read(size)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.fh.close()


class DuckDBTarget:
    """The DuckDB warehouse file. DuckDB admits one writing process per file,
    which serialises loads (and loads with builds); a loader that finds the
    file taken waits up to LOAD_RAW_LOCK_WAIT seconds, then stops with a
    message rather than a traceback."""

    def __init__(self) -> None:
        import duckdb

        self.duckdb = duckdb
        path = os.environ.get("WAREHOUSE_DUCKDB_PATH", str(ROOT / "warehouse.duckdb"))
        self.con = self.connect(path)
        # a checkpoint per export would rewrite the growing tables each time;
        # commits stay durable through the WAL and one checkpoint ends the run
        self.con.execute("set checkpoint_threshold = '16GB'")
        self.con.execute("create schema if not exists raw")
        for table in TABLES:
            for ddl in table_ddl(table, postgres=False):
                self.con.execute(ddl)
        for ddl in log_ddl(postgres=False):
            self.con.execute(ddl)

    def connect(self, path: str):
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        told = False
        while True:
            try:
                return self.duckdb.connect(path)
            except self.duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise LoadError(Path(path), None, str(exc).splitlines()[0]) from None
                if time.monotonic() >= deadline:
                    raise LoadError(Path(path), None, "another process (a load or a dbt build) holds the "
                                    f"warehouse file; gave up after {LOCK_WAIT_SECONDS:.0f}s") from None
                if not told:
                    print(f"load_raw: waiting for another process to release {path}", file=sys.stderr)
                    told = True
                time.sleep(0.5)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("begin")
        try:
            yield
        except BaseException:
            self.con.execute("rollback")
            raise
        self.con.execute("commit")

    def lock(self) -> None:
        """Nothing to take: this process is the file's only writer."""

    def load(self, path: Path, table: str, scan: FileScan, export: str, loaded_at: datetime, load_id: int) -> int:
        text = ", ".join(f"'{c}': 'varchar'" for c in TABLES[table])
        # checked and cast in the parallel scan; row_number() then numbers records in file order
        sql = f"""
            insert into raw.{table}
            select {', '.join(TABLES[table])}, ? as _batch,
                   cast({line_sql('_record', '_breaks' if scan.quoted else None)} as integer), ?, ?
            from (
                select *, row_number() over () as _record
                from (
                    select {', '.join(typed_select(table, postgres=False))}
                           {f', {breaks_sql(table)} as _breaks' if scan.quoted else ''}
                    from read_csv(?, header = true, columns = {{{text}}}, auto_detect = false, delim = ',',
                                  quote = '"', escape = '"', strict_mode = true, encoding = 'utf-8')
                    where case when {row_ok_sql(table, postgres=False)} then true
                               else error('a value does not match its type') end))"""
        try:
            return self.con.execute(sql, [export, loaded_at, load_id, str(path)]).fetchone()[0]
        except self.duckdb.Error as exc:
            raise engine_error(path, table, exc) from None


class PostgresTarget:
    """A PostgreSQL database: each export's transaction first takes a
    transaction-level advisory lock, so concurrent loaders queue and each
    hands out its load id only once the previous load has committed."""

    def __init__(self) -> None:
        import psycopg2

        self.psycopg2 = psycopg2
        self.con = psycopg2.connect("")  # libpq reads PGHOST, PGPORT, ... itself
        with self.con, self.con.cursor() as cur:
            cur.execute("select pg_advisory_xact_lock(%s)", [LOCK_KEY])  # DDL races another loader's
            cur.execute("create schema if not exists raw")
            for table in TABLES:
                for ddl in table_ddl(table, postgres=True):
                    cur.execute(ddl)
            for ddl in log_ddl(postgres=True):
                cur.execute(ddl)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params or [])
            return cur.fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.con:  # commits on success, rolls back on any error
            yield

    def lock(self) -> None:
        self.query("select pg_advisory_xact_lock(?)", [LOCK_KEY])

    def load(self, path: Path, table: str, scan: FileScan, export: str, loaded_at: datetime, load_id: int) -> int:
        cols = TABLES[table]
        stage = f"stage_{table}"
        with self.con.cursor() as cur:
            cur.execute(f"create temp table {stage} "
                        f"({', '.join(f'{c} text' for c in cols)}, _record bigserial) on commit drop")
            body = BodyReader(path, scan)
            try:
                cur.copy_expert(f"copy {stage} ({', '.join(cols)}) from stdin with (format csv, header true, "
                                f"encoding 'UTF8', force_null ({', '.join(cols)}))", body)
            except self.psycopg2.Error as exc:
                raise engine_error(path, table, exc) from None
            finally:
                body.close()
            cur.execute(f"select exists (select from {stage} where not {row_ok_sql(table, postgres=True)})")
            if cur.fetchone()[0]:
                raise locate_problem(path, table) or LoadError(path, None, "a value does not match its type")
            cur.execute(f"insert into raw.{table} select {', '.join(typed_select(table, postgres=True))}, %s, "
                        f"cast({line_sql('_record', breaks_sql(table) if scan.quoted else None)} as integer), %s, %s "
                        f"from {stage} order by _record", [export, loaded_at, load_id])
            rows = cur.rowcount
            cur.execute(f"drop table {stage}")
            return rows


class SparkTarget:
    """Iceberg raw tables through a SparkSession configured like dbt's spark
    target (scripts/spark_session.py). See the module docstring for how an
    export stays all-or-nothing without a transaction."""

    def __init__(self) -> None:
        import fcntl

        from spark_session import session

        lock_path = Path(os.environ.get("LOAD_RAW_SPARK_LOCK", str(ROOT / ".spark" / "load_raw.lock")))
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_file = open(lock_path, "w")
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self.lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LoadError(lock_path, None, "another loader holds the lock; gave up after "
                                    f"{LOCK_WAIT_SECONDS:.0f}s") from None
                time.sleep(0.5)
        self.spark = session()
        self.spark.sql("create schema if not exists raw")
        for table in TABLES:
            cols = {**TABLES[table], **LINEAGE_COLUMNS}
            body = ", ".join(f"{c} {spark_type(t)}" for c, t in cols.items())
            self.spark.sql(f"create table if not exists raw.{table} ({body}) using iceberg")
        body = ", ".join(f"{c} {spark_type(t)}" for c, t in LOG_COLUMNS.items())
        self.spark.sql(f"create table if not exists raw.load_log ({body}) using iceberg")
        self.pending: list[tuple[str, object]] = []
        self.written: list[str] = []
        self.load_id: int | None = None

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        if sql.startswith("insert into raw.load_log"):
            # written last, in one commit, by transaction()
            self.load_id = params[0]
            self.pending.append(("load_log", tuple(params)))
            return []
        return [tuple(row) for row in self.spark.sql(sql, args=params or None).collect()]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.pending, self.written, self.load_id = [], [], None
        try:
            yield
            log_rows = [row for kind, row in self.pending if kind == "load_log"]
            if log_rows:
                # every table first, one commit each, then the log in one commit
                for table, frame in [(k, v) for k, v in self.pending if k != "load_log"]:
                    frame.writeTo(f"raw.{table}").append()
                    self.written.append(table)
                columns = ["load_id", "export", "file", "rows", "bytes", "sha256", "loaded_at"]
                self.spark.createDataFrame(log_rows, schema=", ".join(
                    f"{c} {spark_type(LOG_COLUMNS[c])}" for c in columns)).writeTo("raw.load_log").append()
        except BaseException:
            for table in self.written:
                self.spark.sql(f"delete from raw.{table} where _load_id = ?", args=[self.load_id])
            raise
        finally:
            for kind, frame in self.pending:
                if kind != "load_log":
                    frame.unpersist()
            self.pending = []

    def lock(self) -> None:
        """Taken for the whole run in __init__ (a lock file)."""

    def remove_unlogged(self, load_id: int) -> None:
        """Rows at or above LOAD_ID that no log row names: what a loader killed
        between its table commits and its log commit left behind."""
        for table in TABLES:
            self.spark.sql(f"delete from raw.{table} where _load_id >= ?", args=[load_id])

    def load(self, path: Path, table: str, scan: FileScan, export: str, loaded_at: datetime, load_id: int) -> int:
        """Read and check one file; its rows are appended by transaction()."""
        from pyspark.sql import functions as F
        from pyspark.sql.window import Window

        located = locate_problem(path, table)  # UTF-8, field counts, quoting, typed values
        if located is not None:
            raise located
        cols = TABLES[table]
        frame = (self.spark.read.schema(", ".join(f"{c} string" for c in cols))
                 .option("header", True).option("multiLine", True).option("quote", '"').option("escape", '"')
                 .option("mode", "FAILFAST").option("encoding", "UTF-8").csv(str(path)))
        # one partition (multiLine files are not split): the id follows file order
        frame = frame.select(*[F.expr(f"nullif({c}, '')").alias(c) for c in cols],
                             F.monotonically_increasing_id().alias("_record"))
        patterns = value_patterns(table)
        if patterns:
            joined = F.concat_ws(",", *[F.coalesce(F.col(c), F.lit("")) for c in patterns])
            pattern = "^(?:" + ",".join(f"({rx})?" for rx, _ in patterns.values()) + ")$"
            if frame.filter(~joined.rlike(pattern)).limit(1).count():
                raise locate_problem(path, table) or LoadError(path, None, "a value does not match its type")
        order = Window.orderBy("_record")
        if scan.quoted:
            breaks = sum(F.coalesce(F.length(c) - F.length(F.regexp_replace(c, "\n", "")), F.lit(0))
                         for c, t in cols.items() if t == "varchar")
            before = F.coalesce(F.sum(breaks).over(order.rowsBetween(Window.unboundedPreceding, -1)), F.lit(0))
        else:
            before = F.lit(0)
        line = F.row_number().over(order) + 1 + before
        typed = [F.col(c).cast(spark_type(t)).alias(c) for c, t in cols.items()]
        frame = frame.select(*typed, F.lit(export).alias("_batch"), line.cast("int").alias("_line"),
                             F.lit(loaded_at).cast("timestamp").alias("_loaded_at"),
                             F.lit(load_id).cast("bigint").alias("_load_id")).cache()
        rows = frame.count()
        self.pending.append((table, frame))
        return rows


def spark_type(raw_type: str) -> str:
    """A raw contract type as Spark spells it (varchar is string)."""
    return "string" if raw_type == "varchar" else raw_type


def logged_files(db: DuckDBTarget | PostgresTarget, export: str) -> dict[str, tuple[int, str]] | None:
    """Files of the newest load of EXPORT as the log records them, or None
    when the export was never loaded."""
    rows = db.query("select file, bytes, sha256 from raw.load_log where export = ? and load_id = "
                    "(select max(load_id) from raw.load_log where export = ?)", [export, export])
    if not rows:
        # a log written before load ids existed: the name alone identifies it
        legacy = db.query("select file from raw.load_log where export = ?", [export])
        return {f: (-1, "") for (f,) in legacy} if legacy else None
    return {f: (n, digest) for f, n, digest in rows}


def next_load_id(db: DuckDBTarget | PostgresTarget) -> int:
    """One more than any load id handed out, read under the loaders' lock. A
    database seeded with the sample has load ids in raw but none in the log."""
    (logged,) = db.query("select max(load_id) from raw.load_log")[0]
    if logged is None:
        seeded = " union all ".join(f"select max(_load_id) as id from raw.{t}" for t in TABLES)
        (logged,) = db.query(f"select coalesce(max(id), 0) from ({seeded}) as ids")[0]
    return int(logged) + 1


def scan_export(folder: Path) -> tuple[list[tuple[Path, str]], dict[str, FileScan]]:
    """The contract files of one export folder and their scans (scan_file)."""
    files = [(folder / f"{t}.csv", t) for t in TABLES if (folder / f"{t}.csv").exists()]
    unknown = sorted(p.name for p in folder.glob("*.csv") if p.stem not in TABLES)
    if unknown:
        raise LoadError(folder / unknown[0], None, "not a file of the raw contract")
    return files, {path.name: scan_file(path, table) for path, table in files}


def load_all(source: Path, target: str, quiet: bool = False, redeliver: bool = False) -> dict[str, int]:
    """Load every export under SOURCE, each in its own transaction.

    Returns rows loaded per table (table name -> rows). Raises LoadError for a
    missing folder, a file outside the contract, a bad file (FILE:LINE), an
    export already loaded with other content (unless REDELIVER), or a
    DuckDB file another process keeps past LOAD_RAW_LOCK_WAIT."""
    if not source.is_dir():
        raise LoadError(source, None, "export folder not found")
    exports = export_dirs(source)
    if not exports:
        raise LoadError(source, None, "no export folders and no CSV files")
    db = {"postgres": PostgresTarget, "spark": SparkTarget}.get(target, DuckDBTarget)()
    totals = dict.fromkeys(TABLES, 0)
    # the next export's files are scanned while this one loads; a scan's error is
    # raised only when its export's turn comes, so earlier exports still load
    scanner = ThreadPoolExecutor(max_workers=1)
    pending = {folder: scanner.submit(scan_export, folder) for folder in exports[:2]}
    try:
        for i, folder in enumerate(exports):
            if i + 2 < len(exports):
                pending[exports[i + 2]] = scanner.submit(scan_export, exports[i + 2])
            files, scans = pending.pop(folder).result()
            prints = {name: (scan.size, scan.sha256) for name, scan in scans.items()}
            started = time.perf_counter()
            with db.transaction():
                db.lock()
                # decided under the lock: a concurrent loader may have just loaded it
                logged = logged_files(db, folder.name)
                if logged is not None:
                    changes = content_changes(logged, prints)
                    if not changes:
                        if not quiet:
                            print(f"{folder.name}: already loaded (same content), skipped")
                        continue
                    if not redeliver:
                        raise LoadError(folder, None, f"export {folder.name} was already loaded with other content "
                                        f"({'; '.join(changes)}); load it as a correction with --redeliver")
                load_id = next_load_id(db)
                if isinstance(db, SparkTarget):
                    db.remove_unlogged(load_id)
                loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
                counts = {}
                for path, table in files:
                    counts[table] = db.load(path, table, scans[path.name], folder.name, loaded_at, load_id)
                    size, digest = prints[path.name]
                    db.query("insert into raw.load_log (load_id, export, file, rows, bytes, sha256, loaded_at) "
                             "values (?, ?, ?, ?, ?, ?, ?) returning load_id",
                             [load_id, folder.name, path.name, counts[table], size, digest, loaded_at])
            for table, n in counts.items():
                totals[table] += n
            if not quiet:
                kind = "re-delivered, loaded as a correction" if logged is not None else "loaded"
                print(f"{folder.name}: {kind} as load {load_id}: {sum(counts.values())} rows in "
                      f"{time.perf_counter() - started:.1f}s ({', '.join(f'{t} {n}' for t, n in counts.items())})")
    finally:
        scanner.shutdown(wait=False, cancel_futures=True)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source_dir", type=Path, help="folder of export folders, or one export folder")
    parser.add_argument("--target", choices=["duckdb", "postgres", "spark"], default="duckdb",
                        help="spark: run with .venv-spark/bin/python (make install-spark)")
    parser.add_argument("--redeliver", action="store_true",
                        help="load an export whose name is already loaded but whose files differ, as a correction")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    try:
        load_all(args.source_dir, args.target, args.quiet, args.redeliver)
    except LoadError as exc:
        print(f"load_raw: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
