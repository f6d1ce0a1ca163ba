"""scripts/load_raw.py on both engines: appends with lineage, logs, skips an
export already loaded, and rejects each kind of bad file with FILE:LINE:
problem, leaving the database exactly as before that export."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, postgres_env, query_engine, scratch_database
from raw_contract import TABLES


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports")
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_raw.py"), str(out), "--trips", "400",
                    "--batches", "2", "--seed", "11"], check=True, capture_output=True)
    return out


class Engine:
    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name, self.env = name, env

    def load(self, source: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "scripts/load_raw.py"), str(source), "--target", self.name],
                              env=self.env, capture_output=True, text=True)

    def rows(self, sql: str) -> list[tuple]:
        return query_engine(self.name, self.env, sql)

    def state(self) -> dict[str, object]:
        """Row count and lineage fingerprint of every raw table, and the load log."""
        queries = {t: f"select count(*), count(distinct _batch), coalesce(sum(_line), 0) from raw.{t}" for t in TABLES}
        queries["load_log"] = "select count(*), count(distinct export), coalesce(sum(rows), 0) from raw.load_log"
        return {k: tuple(int(v) for v in self.rows(q)[0]) for k, q in queries.items()}


@pytest.fixture(params=["duckdb", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "duckdb":
        env = dict(os.environ, WAREHOUSE_DUCKDB_PATH=str(tmp_path / "load.duckdb"))
        yield Engine("duckdb", env)
        return
    server = request.getfixturevalue("postgres_server")
    with scratch_database(server, f"ridehail_load_{os.getpid()}") as name:
        yield Engine("postgres", postgres_env(server, name))


def test_loads_every_export_with_lineage_and_skips_reloads(engine: Engine, exports: Path) -> None:
    proc = engine.load(exports)
    assert proc.returncode == 0, proc.stderr
    state = engine.state()
    expected_trips = sum(sum(1 for _ in open(p)) - 1 for p in exports.glob("*/trips.csv"))
    assert state["trips"][0] == expected_trips > 0 and state["trips"][1] == 2
    # _line is each row's line in its file: lines 2..n+1 of every export's file
    per_file = [sum(1 for _ in open(p)) - 1 for p in exports.glob("*/trips.csv")]
    assert state["trips"][2] == sum(n * (n + 3) // 2 for n in per_file)
    assert state["load_log"][1] == 2
    again = engine.load(exports)
    assert again.returncode == 0 and "already loaded" in again.stdout
    assert engine.state() == state


def corrupt(exports: Path, tmp: Path, table: str, edit) -> Path:
    """A copy of the exports whose second export has one broken file."""
    copy = tmp / "src"
    shutil.copytree(exports, copy)
    path = copy / "batch_001" / f"{table}.csv"
    path.write_bytes(edit(path.read_bytes()))
    return copy


def replace_line(n: int, new: bytes):
    def edit(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[n - 1] = new(lines[n - 1])
        return b"\n".join(lines)
    return edit


BAD_FILES = {
    "missing_column": ("trips", replace_line(1, lambda l: l.replace(b",currency", b"")), 1, "missing currency"),
    "extra_column": ("payments", replace_line(1, lambda l: l + b",note"), 1, "unexpected note"),
    "renamed_column": ("ratings", replace_line(1, lambda l: l.replace(b"stars", b"score")), 1, "missing stars"),
    "truncated_last_line": ("trips", lambda d: d[: d.rstrip(b"\n").rfind(b",")], None, "truncated last line"),
    "invalid_utf8": ("riders", replace_line(4, lambda l: l.replace(b"example", b"ex\xff\xfeample")), 4, "utf"),
    "wrong_type": ("trips", replace_line(5, lambda l: b"abc" + l[l.find(b","):]), 5, "abc"),
    "empty_file": ("ratings", lambda d: b"", 1, "empty file"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_and_leaves_the_database_as_before(engine: Engine, exports: Path, tmp_path: Path,
                                                               case: str) -> None:
    table, edit, line, words = BAD_FILES[case]
    source = corrupt(exports, tmp_path, table, edit)
    first = engine.load(source / "batch_000")
    assert first.returncode == 0, first.stderr
    before = engine.state()
    proc = engine.load(source)
    assert proc.returncode == 1
    message = proc.stderr.strip().splitlines()[-1]
    path = str(source / "batch_001" / f"{table}.csv")
    assert f"{path}:" in message, message
    if line is None:  # the cut-off line is the file's last
        line = (source / "batch_001" / f"{table}.csv").read_bytes().count(b"\n") + 1
    assert f"{path}:{line}:" in message, message
    assert words.lower() in message.lower(), message
    assert engine.state() == before


def test_missing_export_folder_is_an_error(engine: Engine, tmp_path: Path) -> None:
    proc = engine.load(tmp_path / "no_such_exports")
    assert proc.returncode == 1
    assert "no_such_exports" in proc.stderr and "not found" in proc.stderr
