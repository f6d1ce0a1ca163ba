"""One meaning for every byte on both engines (raw_contract.py, "How the
bytes of an export file read"; issue 13 items 1-2): the shipped dirty cases
of tests/data/cases and one input per rule of our own, each loaded by
scripts/load_raw.py on DuckDB and on PostgreSQL, with outcomes written by
hand: the same raw rows, or the same refusal at the same physical line
with the database left as it was."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, postgres_env, run_dbt, scratch_database
from raw_contract import TABLES
from test_load_raw import Engine, engine  # noqa: F401  (the both-engines fixture)

CASES = ROOT / "tests" / "data" / "cases"
# a clean export whose drivers.csv holds a quoted line break (driver 101, lines 2-3)
BASE = CASES / "quoted-newline-line-numbers" / "quarantine_line"


def raw_rows(eng: Engine, table: str, batch: str | None = None) -> list[tuple]:
    """Every contract column and _line of raw.TABLE (of export BATCH), in file order."""
    cols = ", ".join([*TABLES[table], "_line"])
    where = f"where _batch = '{batch}'" if batch else ""
    return eng.rows(f"select {cols} from raw.{table} {where} order by _batch, _line")


def refused(eng: Engine, tmp: Path, source: Path, where: str, *words: str) -> str:
    """Load a good export, then SOURCE: expect exit 1 with FILE:LINE WHERE
    and WORDS in the message, and the database exactly as after the first."""
    first = tmp / "first"
    if not first.exists():
        shutil.copytree(CASES / "trailing-blank-line-parity" / "b0", first)
        assert eng.load(first).returncode == 0
    before = eng.state()
    proc = eng.load(source)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    message = proc.stderr.strip().splitlines()[-1]
    assert f"{source}/{where}: " in message, message
    for word in words:
        assert word.lower() in message.lower(), message
    assert "Traceback" not in proc.stderr
    assert eng.state() == before
    return message


# ---------------------------------------------------------------- the shipped cases

def test_trailing_blank_line_is_ignored(engine: Engine) -> None:
    proc = engine.load(CASES / "trailing-blank-line-parity" / "b0")
    assert proc.returncode == 0, proc.stderr
    assert "17 rows" in proc.stdout
    assert [(t, l) for t, *_, l in raw_rows(engine, "trips")] == [(1001, 2), (1002, 3), (1003, 4)]
    assert sum(engine.state()[t][0] for t in TABLES) == 17


def test_byte_order_mark_is_accepted(engine: Engine) -> None:
    proc = engine.load(CASES / "bom-header" / "b0")
    assert proc.returncode == 0, proc.stderr
    assert "17 rows" in proc.stdout and "trips 3" in proc.stdout
    assert [r[0] for r in raw_rows(engine, "trips")] == [1001, 1002, 1003]


def test_fractional_stars_are_refused_never_rounded(engine: Engine, tmp_path: Path) -> None:
    source = CASES / "fractional-int-rounded" / "b0"
    message = refused(engine, tmp_path, source, "ratings.csv:2", "stars", "'4.5'", "whole number")
    assert "never rounded" in message
    assert engine.state()["ratings"][0] == 3  # the first export's


def test_quoted_line_break_keeps_physical_lines(engine: Engine, tmp_path: Path) -> None:
    refused(engine, tmp_path, CASES / "quoted-newline-line-numbers" / "loader_error_line", "drivers.csv:5",
            "vehicle_year", "'20x2'")
    proc = engine.load(CASES / "quoted-newline-line-numbers" / "quarantine_line")
    assert proc.returncode == 0, proc.stderr
    drivers = {r[0]: r for r in raw_rows(engine, "drivers", "quarantine_line")}
    assert drivers[101][7] == "Camry\nHybrid" and drivers[101][-1] == 2
    assert drivers[102][-1] == 4
    assert drivers[103][-1] == 5 and drivers[103][10] == "on_leave"


@pytest.fixture
def both(postgres_server: dict[str, str], tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    duck = Engine("duckdb", dict(os.environ, WAREHOUSE_DUCKDB_PATH=str(tmp_path / "both.duckdb")))
    with scratch_database(postgres_server, f"ridehail_both_{os.getpid()}") as name:
        yield duck, Engine("postgres", postgres_env(postgres_server, name))


def comparable(rows: list[tuple]) -> list[tuple]:
    return [tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in rows]


def test_quoted_empty_fields_are_null_on_both_engines(both: tuple[Engine, Engine]) -> None:
    tables = {}
    for eng in both:
        for folder in ("numeric_field", "text_field"):
            proc = eng.load(CASES / "quoted-empty-parity" / folder)
            assert proc.returncode == 0, (eng.name, proc.stderr)
        tables[eng.name] = {t: comparable(raw_rows(eng, t)) for t in TABLES}
    assert tables["duckdb"] == tables["postgres"]  # row for row, value for value
    raw = tables["duckdb"]
    # numeric_field: cancelled trip 1003 has "" for started_at, ended_at and distance_km
    trip = next(r for r in raw["trips"] if r[0] == 1003)
    assert trip[7:10] == (None, None, None) and trip[-1] == 4
    # text_field: city 20's currency "" and rider 201's email "" are NULL, not ''
    assert [r[3] for r in raw["cities"] if r[0] == 20] == [None]
    assert [r[3] for r in raw["riders"] if r[0] == 201] == ["dee.example@example.com", None]
    assert not any(v == "" for rows in raw.values() for row in rows for v in row)


# ---------------------------------------------------------------- our own inputs, one per rule

def export_with(tmp: Path, edits: dict[str, Callable[[bytes], bytes]], base: Path = BASE) -> Path:
    out = tmp / "export"
    shutil.copytree(base, out)
    for name, edit in edits.items():
        path = out / name
        path.write_bytes(edit(path.read_bytes()))
    return out


def on_line(n: int, old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    """Replace OLD by NEW on physical line N (1-based)."""
    def edit(data: bytes) -> bytes:
        lines = data.split(b"\n")
        assert old in lines[n - 1], (n, old, lines[n - 1])
        lines[n - 1] = lines[n - 1].replace(old, new, 1)
        return b"\n".join(lines)
    return edit


def crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


# (file edits, FILE:LINE, words the message must hold)
REFUSED = {
    "nan_in_a_measure": ({"trips.csv": on_line(3, b",12.000,", b",NaN,")}, "trips.csv:3", ["distance_km", "'NaN'"]),
    # (money amounts land as text and staging quarantines them: rule 5, excess_precision / invalid_measure)
    "infinity_in_a_measure": ({"trips.csv": on_line(2, b",8.500,", b",Infinity,")}, "trips.csv:2",
                              ["distance_km", "'Infinity'"]),
    "inf_in_a_multiplier": ({"trips.csv": on_line(4, b",1.00,", b",-inf,")}, "trips.csv:4",
                            ["surge_multiplier", "'-inf'"]),
    "more_decimals_than_the_column": ({"trips.csv": on_line(2, b",8.500,", b",8.5004,")}, "trips.csv:2",
                                      ["distance_km", "'8.5004'", "3 after"]),
    "exponent": ({"trips.csv": on_line(3, b",12.000,", b",1.2e1,")}, "trips.csv:3", ["distance_km", "'1.2e1'"]),
    "text_in_an_id": ({"ratings.csv": on_line(3, b"1001,driver", b"abc,driver")}, "ratings.csv:3",
                      ["trip_id", "'abc'"]),
    "padded_integer": ({"ratings.csv": on_line(3, b",4,", b", 4,")}, "ratings.csv:3", ["stars", "' 4'"]),
    "fraction_after_a_quoted_line_break": ({"drivers.csv": on_line(5, b",2022,", b",2022.0,")}, "drivers.csv:5",
                                           ["vehicle_year", "'2022.0'"]),
    "lone_carriage_return": ({"trips.csv": on_line(3, b"comfort", b"com\rfort")}, "trips.csv:3",
                             ["stray carriage return"]),
    "lone_carriage_return_at_a_line_end": ({"riders.csv": lambda d: d.replace(b"\n", b"\r", 2).replace(
        b"\r", b"\n", 1)}, "riders.csv:2", ["stray carriage return"]),
    "nul_byte": ({"riders.csv": on_line(3, b"eli.dummy", b"eli\x00dummy")}, "riders.csv:3", ["NUL byte"]),
    "blank_line_in_the_middle": ({"trips.csv": lambda d: d.replace(b"\n1002,", b"\n\n1002,")}, "trips.csv:3",
                                 ["blank line in the middle"]),
    "blank_line_after_a_quoted_line_break": ({"drivers.csv": lambda d: d.replace(b"\n102,", b"\n\n102,")},
                                             "drivers.csv:4", ["blank line in the middle"]),
    "mixed_line_endings": ({"trips.csv": lambda d: d.replace(b"\n", b"\r\n", 2)}, "trips.csv:3",
                           ["mixed line endings"]),
    "missing_field_after_a_quoted_line_break": ({"drivers.csv": on_line(5, b",economy,", b",")}, "drivers.csv:5",
                                                ["12 fields", "13"]),
    "unclosed_quote": ({"trips.csv": on_line(3, b",comfort,", b',"comfort,')}, "trips.csv:3", ["stray double quote"]),
    "quote_inside_an_unquoted_field": ({"riders.csv": on_line(3, b"Dummy", b'Dum"my')}, "riders.csv:3",
                                       ["stray double quote"]),
    "text_after_a_closing_quote": ({"drivers.csv": on_line(3, b'Hybrid"', b'Hybrid"X')}, "drivers.csv:2",
                                   ["stray double quote"]),
    "invalid_utf8_after_a_quoted_line_break": ({"drivers.csv": on_line(4, b"Renault", b"Ren\xe9ault")},
                                               "drivers.csv:4", ["UTF-8"]),
    "bom_twice": ({"cities.csv": lambda d: b"\xef\xbb\xbf\xef\xbb\xbf" + d}, "cities.csv:1", ["byte-order mark"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_contract_error_names_file_line_and_problem(engine: Engine, tmp_path: Path, case: str) -> None:
    edits, where, words = REFUSED[case]
    refused(engine, tmp_path, export_with(tmp_path, edits), where, *words)


EXPECTED_TRIPS = [(1001, Decimal("8.500"), 2), (1002, Decimal("12.000"), 3), (1003, None, 4)]


def trips_and_drivers(eng: Engine) -> tuple[list, list]:
    return ([(r[0], r[9], r[-1]) for r in raw_rows(eng, "trips")],
            [(r[0], r[7], r[-1]) for r in raw_rows(eng, "drivers")])


ACCEPTED = {
    # CRLF everywhere, a byte-order mark and blank CRLF lines at the end: the same rows and lines
    "crlf_bom_blank_tail": ({name: (lambda d: b"\xef\xbb\xbf" + crlf(d) + b"\r\n\r\n")
                             for name in ("trips.csv", "drivers.csv", "cities.csv")},
                            "Camry\r\nHybrid", 5),
    "several_blank_lines_at_the_end": ({"trips.csv": lambda d: d + b"\n\n\n", "drivers.csv": lambda d: d + b"\n"},
                                       "Camry\nHybrid", 5),
    "blank_line_inside_a_quoted_field": ({"drivers.csv": lambda d: d.replace(b"Camry\n", b"Camry\n\n")},
                                         "Camry\n\nHybrid", 6),
    "doubled_quotes_and_quoted_fields": ({"drivers.csv": lambda d: d.replace(b'"Camry\nHybrid"', b'"Camry\n""Hybrid"""')
                                           .replace(b",Zoe,", b',"Zoe",').replace(b",Nexon,", b',"Nexon",')},
                                          'Camry\n"Hybrid"', 5),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_accepted_spellings_load_the_same_rows(engine: Engine, tmp_path: Path, case: str) -> None:
    edits, model, line_103 = ACCEPTED[case]
    proc = engine.load(export_with(tmp_path, edits))
    assert proc.returncode == 0, proc.stderr
    trips, drivers = trips_and_drivers(engine)
    assert trips == EXPECTED_TRIPS
    assert drivers == [(101, model, 2), (102, "Zoe", 3 + model.count("\n")), (103, "Nexon", line_103)]


def test_quarantine_names_the_physical_line(engine: Engine, tmp_path: Path) -> None:
    """dq_quarantine.line is the editor's line: driver 103 (status on_leave)
    starts on line 5 of drivers.csv, after a record that takes lines 2-3."""
    proc = engine.load(CASES / "quoted-newline-line-numbers" / "quarantine_line")
    assert proc.returncode == 0, proc.stderr
    env = dict(engine.env, DBT_PROFILES_DIR=str(ROOT / "profiles"))
    target = [] if engine.name == "duckdb" else ["--target", "postgres"]
    run_dbt(["seed", *target], env, tmp_path / "target")
    run_dbt(["run", "--select", "+dq_quarantine", *target], env, tmp_path / "target")
    rows = engine.rows("select record_key, rule, line from marts.dq_quarantine where source_table = 'drivers'")
    assert rows == [("103", "unknown_domain_value", 5)]


def test_text_lands_as_written_on_both_engines(both: tuple[Engine, Engine], tmp_path: Path) -> None:
    """Odd text is data, not markup: padding, tabs, no-break spaces, `NULL`,
    `\\N`, backslashes and decomposed accents land byte for byte on both."""
    odd = ['  Eli ', '\tTab', 'NULL', '\\N', 'back\\slash', 'Zoe\u0308', 'no\u00a0break', '" quoted  "']
    header, *lines = (BASE / "riders.csv").read_text().splitlines()
    rows = [f"{300 + i},{name},Odd,odd{i}@example.com,+1555,1,false,2024-05-01 09:00:00,2024-05-01 09:00:00"
            for i, name in enumerate(odd)]
    source = export_with(tmp_path, {"riders.csv": lambda d: "\n".join([header, *lines, *rows, ""]).encode()})
    seen = {}
    for eng in both:
        assert eng.load(source).returncode == 0
        seen[eng.name] = comparable(raw_rows(eng, "riders"))
    assert seen["duckdb"] == seen["postgres"]
    names = [r[1] for r in seen["duckdb"] if r[0] >= 300]
    assert names == [*odd[:-1], " quoted  "]
