#!/usr/bin/env python3
"""Benchmark the warehouse at scale (not a test: it prints figures).

    python scripts/benchmark.py --trips 1000000 [--batches 100] [--target duckdb|postgres|spark]

Steps, each in its own process, timed with its peak memory (RSS of the
process tree, sampled every 0.1 s):
  1. generate N trips in K exports (scripts/generate_raw.py);
  2. load all exports but the last with scripts/load_raw.py;
  3. full `dbt build --full-refresh` on that (seeds of the sample are skipped:
     raw holds bulk-loaded exports);
  4. load the last export (~1/K of history);
  5. `dbt build` again (the incremental build);
then prints seconds, rows/s and peak memory per step and the ratio
incremental / full. Both builds run the production command (README "The
daily build"): `dbt build --exclude-resource-type unit_test`, unit tests
being checks of the code that CI runs (--with-unit-tests puts them back).
On DuckDB, the loader is compared with the engine's own reader: one
`read_csv` per table of every history file of that table, with the
contract's column types, into one table, in its own process and file (the
ratio load / read_csv is printed). --save FILE writes
the figures as JSON; --compare FILE (another run's JSON) prints this run's
incremental and full builds over that run's: a smaller history on the same
engine gives the cost of a tenfold history, the same exports on DuckDB the
PostgreSQL / DuckDB ratio. With --baseline, right after the full build the plain-SQL
baseline (scripts/baseline_pipeline.sql: the same work as one DuckDB script,
load included) runs over the same exports in its own process and fresh DuckDB
file, and the ratio project (load + full build) / baseline is printed.
Work files go to a temporary folder, deleted at the end;
on PostgreSQL the libpq variables name the server (scripts/with_postgres.py
provides an embedded one). On Spark, dbt and the loader run from .venv-spark
(make install-spark) in a local session (WAREHOUSE_SPARK_MASTER for another
master), with the metastore and the Iceberg tables in the temporary folder.
--markdown prints a table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPARK_BIN = ROOT / ".venv-spark" / "bin"


@dataclass
class Step:
    name: str
    seconds: float
    peak_mib: float
    rows: int | None = None
    cpu_seconds: float = 0.0  # user + system CPU of the process tree: steadier than wall time on a busy machine

    @property
    def rate(self) -> str:
        return f"{self.rows / self.seconds:,.0f}" if self.rows and self.seconds else "-"


def measure(name: str, cmd: list[str], env: dict[str, str], rows: int | None = None) -> Step:
    started = time.perf_counter()
    # children's CPU (RUSAGE_CHILDREN) counts a process once it is reaped, its own reaped children included
    cpu_before = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])
    # output goes to a file, read at the end: a pipe nobody reads while the step runs fills up and
    # blocks the step (DuckDB's progress bar alone fills one on a 10M build)
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = psutil.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        peak = 0
        while proc.poll() is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)
        log.seek(0)
        output = log.read()
    if proc.returncode != 0:
        sys.exit(f"{name} failed ({proc.returncode}):\n{output[-4000:]}")
    return Step(name, time.perf_counter() - started, peak / 2**20, rows,
                sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]) - cpu_before)


# Runs scripts/baseline_pipeline.sql on a fresh DuckDB file: argv = database
# path, folder of export folders, folder of the reference seeds.
BASELINE_RUNNER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("set variable exports = ?", [sys.argv[2]])
con.execute("set variable reference = ?", [sys.argv[3]])
con.execute(open(sys.argv[4], encoding="utf-8").read())
con.close()
"""


def baseline_command(database: Path, exports: Path) -> list[str]:
    """The command that runs the plain-SQL baseline over the export folders
    under EXPORTS into the new DuckDB file DATABASE (it must not exist: the
    script creates its tables). Exits non-zero with DuckDB's message when a
    value breaks the contract's types."""
    return [sys.executable, "-c", BASELINE_RUNNER, str(database), str(exports),
            str(ROOT / "seeds" / "reference"), str(ROOT / "scripts" / "baseline_pipeline.sql")]


# One read_csv per table over every export file of that table, into one
# DuckDB table: argv = database path, folder of export folders, scripts
# folder. The contract's columns and types (scripts/raw_contract.py), no
# sniffing: the engine's reader at full speed, with none of the loader's
# checks, lineage columns or per-export transactions.
READ_CSV_RUNNER = """
import sys, duckdb
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from raw_contract import TABLES
con = duckdb.connect(sys.argv[1])
for table, columns in TABLES.items():
    if not any(Path(sys.argv[2]).glob(f"*/{table}.csv")):  # an export holds only the tables it changed
        continue
    con.execute(f"create table {table} as select * from read_csv(?, header = true, auto_detect = false,"
                f" columns = {columns!r})", [str(Path(sys.argv[2]) / "*" / f"{table}.csv")])
con.close()
"""


def read_csv_command(database: Path, exports: Path) -> list[str]:
    """The engine-reader reference for the load: one DuckDB read_csv per
    table of every file under EXPORTS/*/<table>.csv into the new file
    DATABASE, with the contract's columns and types (raw_contract.TABLES)
    and no checks. Exits non-zero with DuckDB's message on a file it cannot
    read."""
    return [sys.executable, "-c", READ_CSV_RUNNER, str(database), str(exports), str(ROOT / "scripts")]


def count_rows(folders: list[Path]) -> int:
    # non-blank lines less the header: the generator writes no quoted line break, and ends some files
    # with a blank line
    return sum(max(0, sum(1 for line in open(f) if line.strip()) - 1) for d in folders for f in d.glob("*.csv"))


def build_profile(target_dir: Path, n: int = 5) -> str:
    """The slowest models, then the summed node time per kind (threads overlap, so sums exceed wall time)."""
    results = json.loads((target_dir / "run_results.json").read_text())["results"]
    models = sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results
                     if r["unique_id"].startswith("model.")), key=lambda m: -m[1])
    kinds: dict[str, float] = {}
    for r in results:
        kinds[r["unique_id"].split(".")[0]] = kinds.get(r["unique_id"].split(".")[0], 0.0) + r["execution_time"]
    return (", ".join(f"{m} {t:.1f}s" for m, t in models[:n]) + "; node time by kind: "
            + ", ".join(f"{k} {t:.1f}s" for k, t in sorted(kinds.items(), key=lambda k: -k[1])))


def keep_results(folder: Path | None, target_dir: Path, build: str) -> None:
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(target_dir / "run_results.json", folder / f"run_results_{build}.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trips", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=100, help="exports; the last is the incremental one")
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", choices=["duckdb", "postgres", "spark"], default="duckdb")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table as well")
    parser.add_argument("--keep-results", type=Path, metavar="DIR",
                        help="copy both builds' run_results.json (per-node timings) to DIR")
    parser.add_argument("--exports", type=Path,
                        help="reuse exports written earlier by generate_raw.py (kept; the generate step is skipped)")
    parser.add_argument("--vars", metavar="YAML",
                        help="dbt --vars for both builds, e.g. '{change_detection_indexes: false}'")
    parser.add_argument("--with-unit-tests", action="store_true",
                        help="run the unit tests in both builds too (the production command leaves them out)")
    parser.add_argument("--save", type=Path, metavar="JSON", help="write the figures to JSON")
    parser.add_argument("--compare", type=Path, metavar="JSON",
                        help="another run's --save output: print this run's builds over that run's")
    parser.add_argument("--baseline", action="store_true",
                        help="also time the plain-SQL baseline (DuckDB) on the same exports and print the ratio")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ridehail-bench-"))
    env = dict(os.environ, WAREHOUSE_DUCKDB_PATH=str(work / "bench.duckdb"), DBT_PROFILES_DIR=str(ROOT / "profiles"))
    dbt = [str(BIN / "dbt")]
    loader_python = sys.executable
    if args.target == "spark":
        if not (SPARK_BIN / "dbt").exists():
            sys.exit("no .venv-spark: run `make install-spark` first")
        dbt, loader_python = [str(SPARK_BIN / "dbt")], str(SPARK_BIN / "python")
        env.update(PWD=str(ROOT), WAREHOUSE_SPARK_WAREHOUSE=f"file://{work}/spark-warehouse",
                   WAREHOUSE_SPARK_METASTORE=str(work / "metastore_db"), WAREHOUSE_SPARK_DERBY_HOME=str(work),
                   LOAD_RAW_SPARK_LOCK=str(work / "load_raw.lock"))
    target = ["--target", args.target, "--target-path", str(work / "target"),
              *(["--vars", args.vars] if args.vars else []),
              *([] if args.with_unit_tests else ["--exclude-resource-type", "unit_test"])]
    try:
        history, last = work / "history", work / "last"
        history.mkdir()
        last.mkdir()
        steps = []
        if args.exports:
            exports = sorted(p.resolve() for p in args.exports.iterdir() if p.is_dir())
            for folder in exports[:-1]:
                (history / folder.name).symlink_to(folder)
            (last / exports[-1].name).symlink_to(exports[-1])
        else:
            steps.append(measure("generate", [sys.executable, "scripts/generate_raw.py", str(work / "exports"),
                                              "--trips", str(args.trips), "--batches", str(args.batches),
                                              "--days", str(args.days), "--seed", str(args.seed)], env))
            exports = sorted((work / "exports").iterdir())
            for folder in exports[:-1]:
                folder.rename(history / folder.name)
            exports[-1].rename(last / exports[-1].name)
        history_rows, last_rows = count_rows(sorted(history.iterdir())), count_rows([last / exports[-1].name])
        if steps:
            steps[0].rows = history_rows + last_rows
        steps.append(measure("load history", [loader_python, "scripts/load_raw.py", str(history), "--quiet",
                                              "--target", args.target], env, history_rows))
        reader = (measure("read_csv (reference)", read_csv_command(work / "read_csv.duckdb", history), env,
                          history_rows) if args.target == "duckdb" else None)
        steps.append(measure("full build", [*dbt, "build", "--full-refresh", *target], env, history_rows))
        slow = build_profile(work / "target")
        keep_results(args.keep_results, work / "target", "full")
        # side by side with the project's load + full build: the same exports, its own process and file
        baseline = (measure("baseline (plain SQL)", baseline_command(work / "baseline.duckdb", history), env,
                            history_rows) if args.baseline else None)
        steps.append(measure("load last export", [loader_python, "scripts/load_raw.py", str(last), "--quiet",
                                                  "--target", args.target], env, last_rows))
        steps.append(measure("incremental build", [*dbt, "build", *target], env, last_rows))
        slow_incremental = build_profile(work / "target")
        keep_results(args.keep_results, work / "target", "incremental")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    full, incremental = steps[-3], steps[-1]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}; "
          f"target {args.target}; {args.trips:,} trips in {args.batches} exports")
    print(f"{'step':<20}{'seconds':>10}{'rows':>14}{'rows/s':>14}{'peak MiB':>10}")
    for s in steps:
        print(f"{s.name:<20}{s.seconds:>10.1f}{(s.rows or 0):>14,}{s.rate:>14}{s.peak_mib:>10.0f}")
    if baseline:
        print(f"{baseline.name:<20}{baseline.seconds:>10.1f}{(baseline.rows or 0):>14,}{baseline.rate:>14}"
              f"{baseline.peak_mib:>10.0f}")
    if reader:
        print(f"{reader.name:<20}{reader.seconds:>10.1f}{(reader.rows or 0):>14,}{reader.rate:>14}{reader.peak_mib:>10.0f}")
    print(f"incremental / full build: {incremental.seconds / full.seconds:.2f}")
    load = next(s for s in steps if s.name == "load history")
    if reader:
        print(f"load history / read_csv of the same files: {load.seconds:.1f} s / {reader.seconds:.1f} s = "
              f"{load.seconds / reader.seconds:.2f}")
    if args.compare:
        other = json.loads(args.compare.read_text())
        for build in (incremental, full):
            print(f"{build.name} / the {build.name} of {other['trips']:,} trips on {other['target']}: "
                  f"{build.seconds:.1f} s / {other[build.name]:.1f} s = {build.seconds / other[build.name]:.2f}")
    if args.save:
        args.save.write_text(json.dumps({"trips": args.trips, "target": args.target,
                                         **{s.name: round(s.seconds, 2) for s in steps},
                                         **({reader.name: round(reader.seconds, 2)} if reader else {}),
                                         **({baseline.name: round(baseline.seconds, 2)} if baseline else {}),
                                         "peak MiB": round(max(s.peak_mib for s in steps))}, indent=1))
    if baseline:
        project, project_cpu = load.seconds + full.seconds, load.cpu_seconds + full.cpu_seconds
        print(f"project (load + full build) / baseline: {project:.1f} s / {baseline.seconds:.1f} s = "
              f"{project / baseline.seconds:.2f} (CPU time: {project_cpu:.1f} s / {baseline.cpu_seconds:.1f} s = "
              f"{project_cpu / max(baseline.cpu_seconds, 0.1):.2f})")
    print(f"slowest models in the full build: {slow}")
    print(f"slowest models in the incremental build: {slow_incremental}")
    if args.markdown:
        print("\n| step | seconds | rows | rows/s | peak MiB |\n|---|---:|---:|---:|---:|")
        for s in steps:
            print(f"| {s.name} | {s.seconds:.1f} | {s.rows or 0:,} | {s.rate} | {s.peak_mib:.0f} |")
        if reader:
            print(f"| {reader.name} | {reader.seconds:.1f} | {reader.rows or 0:,} | {reader.rate} | {reader.peak_mib:.0f} |")
        if baseline:
            print(f"| {baseline.name} | {baseline.seconds:.1f} | {baseline.rows or 0:,} | {baseline.rate} | "
                  f"{baseline.peak_mib:.0f} |")


if __name__ == "__main__":
    main()
