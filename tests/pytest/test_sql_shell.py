"""scripts/sql.py: every input gives a result or a one-line error (exit 1),
never a traceback; the plain prompt driven in a pseudo-terminal (history,
';', comment-only input, several statements, Ctrl-C)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, Warehouse

SQL = str(ROOT / "scripts" / "sql.py")


def sql(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, SQL, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("query,message", [
    (";", "no SQL statement"),
    ("-- only a comment", "no SQL statement"),
    ("/* a block comment */ ;", "no SQL statement"),
    ("selec 1", "syntax error"),
    ("select * from no_such_table", "no_such_table"),
    ("select 1; select * from no_such_table", "no_such_table"),
    ("delete from fct_trips", "read-only"),
])
def test_bad_input_gives_one_line_error(warehouse: Warehouse, query: str, message: str) -> None:
    proc = sql(warehouse.env, query)
    assert proc.returncode == 1, (query, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("error: ") and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_missing_warehouse_is_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, WAREHOUSE_DUCKDB_PATH=str(tmp_path / "none.duckdb"))
    env.pop("WAREHOUSE_READ_PATH", None)
    proc = sql(env, "select 1")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "no warehouse at" in proc.stderr


def test_each_statement_prints_its_result(warehouse: Warehouse) -> None:
    proc = sql(warehouse.env, "select 1 as a; select count(*) as n from dim_cities where city_id = 1; -- done")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("(1 row)") == 2 and proc.stdout.splitlines()[0].strip() == "a"
    proc = sql(warehouse.env, "--csv", "select 1 as a; select 2 as b")
    assert proc.stdout == "a\n1\n\nb\n2\n"


class Terminal:
    """A process on a pseudo-terminal: write keys, wait for text."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child: the pty is its controlling terminal, so Ctrl-C is SIGINT
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # not ignored, even if pytest runs in the background
            os.execve(argv[0], argv, env)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} not seen; got:\n{self.seen[-2000:]}")
            if select.select([self.fd], [], [], left)[0]:
                try:
                    self.seen += os.read(self.fd, 4096).decode(errors="replace")
                except OSError:  # the child exited
                    break
        if text not in self.seen:
            raise AssertionError(f"{text!r} not seen; got:\n{self.seen[-2000:]}")
        before, self.seen = self.seen.split(text, 1)
        return before

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self) -> int:
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def test_plain_prompt_in_a_terminal(warehouse: Warehouse, tmp_path: Path) -> None:
    history = tmp_path / "history"
    env = dict(warehouse.env, WAREHOUSE_SQL_HISTORY=str(history), TERM="dumb")
    term = Terminal([sys.executable, SQL, "--plain"], env)
    term.expect("sql> ")
    term.send("select 40 + 2 as answer;\r")
    assert "42" in term.expect("sql> ")
    term.send(";\r")  # a bare ';' runs nothing
    assert "error" not in term.expect("sql> ")
    term.send("-- just a comment\r")  # comment-only input needs no ';'
    assert "error" not in term.expect("sql> ")
    term.send("select 1 as x;select 2 as y;\r")  # both results
    out = term.expect("sql> ")
    assert out.count("(1 row)") == 2 and "y" in out.split("(1 row)")[1]
    term.send("select city_name\rfrom dim_cities where city_id = 1;\r")  # multi-line, default schema marts
    assert "New York" in term.expect("sql> ")
    term.send("\x1b[A\x1b[A\x1b[A\r")  # history: the third line back is "select 1 as x;select 2 as y;"
    term.expect("(1 row)")  # (readline redraws the prompt while recalling: wait for the results instead)
    assert "y" in term.expect("(1 row)")
    term.send("select\r")  # Ctrl-C drops the unfinished statement
    term.expect("...> ")
    # CPython's readline loses a SIGINT that lands between printing the prompt
    # and waiting for input (the wait is not interrupted): press again, as a
    # person would, until the fresh prompt shows that the line was dropped
    for _ in range(10):
        term.send("\x03")
        try:
            term.expect("sql> ", timeout=3)
            break
        except AssertionError:
            continue
    else:
        raise AssertionError("Ctrl-C never dropped the unfinished statement")
    term.send("select count(*) from range(1000000000000) as a(x) where x % 7 = 3;\r")  # Ctrl-C cancels a query
    time.sleep(1)
    term.send("\x03")
    assert "query cancelled" in term.expect("sql> ")
    term.send("select 'still here' as s;\r")
    assert "still here" in term.expect("sql> ")
    term.send("\x04")  # Ctrl-D quits
    assert term.wait() == 0
    assert "select 40 + 2 as answer;" in history.read_text()


def test_harlequin_opens_the_read_copy_read_only_on_marts(warehouse: Warehouse) -> None:
    """Harlequin's own DuckDB adapter, as `make sql` starts it (make sql-env installs it)."""
    python = ROOT / ".venv-sql" / "bin" / "python"
    assert python.exists(), "no .venv-sql: run `make sql-env` (make test does it first) to install Harlequin"
    read = subprocess.run([sys.executable, SQL, "--print-path"], env=warehouse.env, capture_output=True,
                          text=True).stdout.strip()
    check = f"""
from harlequin_duckdb.adapter import DuckDbAdapter
con = DuckDbAdapter(conn_str=({read!r},), read_only=True, init_path={str(ROOT / 'scripts/harlequin_init.sql')!r}).connect()
print(con.execute("select count(*) from fct_trips").fetchall()[0][0])
try:
    con.execute("delete from fct_trips").fetchall()
except Exception as exc:
    print("refused" if "read-only" in str(exc) else exc)
"""
    proc = subprocess.run([str(python), "-c", check], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    count, refused = proc.stdout.split()
    assert int(count) == warehouse.query("select count(*) from marts.fct_trips")[0][0] and refused == "refused"
