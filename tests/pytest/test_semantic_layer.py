"""The semantic layer: `dbt parse` validates it with no error and no
deprecation, and MetricFlow's `mf query --saved-query` answers every saved
query on DuckDB and on PostgreSQL with the figures of the SQL in `analyses/`
or of the mart the query mirrors, computed on the same engine."""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import DBT, ROOT, PgWarehouse, Warehouse, duckdb_env, run_dbt

Row = tuple
Query = Callable[[str], list[tuple]]
README = (ROOT / "README.md").read_text()


# --- running mf -------------------------------------------------------------------------------

def project_view(target_dir: Path, where: Path) -> Path:
    """A folder that is the project for `mf`: the repository's files, with
    target/ pointing at TARGET_DIR (mf reads <project>/target/semantic_manifest.json)."""
    where.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name not in {"target", "logs", ".git", ".venv"}:
            (where / entry.name).symlink_to(entry)
    (where / "target").symlink_to(target_dir)
    return where


def mf_env(base: dict[str, str], project: Path, target: str) -> dict[str, str]:
    env = dict(base)
    env.update(DBT_PROJECT_DIR=str(project), DBT_PROFILES_DIR=str(ROOT / "profiles"), DBT_TARGET=target)
    return env


def run_saved_queries(env: dict[str, str], out_dir: Path, names: list[str]) -> dict[str, list[dict[str, str]]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("mf_batch.py")), str(out_dir), *names],
                          cwd=env["DBT_PROJECT_DIR"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    results = {}
    for name in names:
        with open(out_dir / f"{name}.csv", newline="") as fp:
            results[name] = list(csv.DictReader(fp))
    return results


# --- normalising values ---------------------------------------------------------------------

def num(value: object) -> Decimal:
    """Numbers as Decimal whatever the engine wrote (`14`, `14.0`, `14.00`); null as 0."""
    return Decimal("0") if value in (None, "") else Decimal(str(value))


def day(value: object) -> str:
    return str(value)[:10]


def close(a: object, b: object, tolerance: str) -> bool:
    return abs(num(a) - num(b)) <= Decimal(tolerance)


# --- what each saved query must equal --------------------------------------------------------

def analysis_sql(target_dir: Path, name: str) -> str:
    return (target_dir / f"compiled/ridehail/analyses/{name}.sql").read_text()


def check_trips_per_driver(mf: list[dict], sql: Query, target_dir: Path) -> None:
    got = [(int(r["driver"]), num(r["trips"]), num(r["completed_trips"])) for r in mf]
    want = [(int(d), num(t), num(c)) for d, t, c in sql(analysis_sql(target_dir, "trips_per_driver"))]
    assert got == want


def check_top_5_new_york_drivers(mf: list[dict], sql: Query, target_dir: Path) -> None:
    got = [(int(r["driver"]), num(r["completed_trips"])) for r in mf]
    want = [(int(r[0]), num(r[3])) for r in sql(analysis_sql(target_dir, "top_5_new_york_drivers"))]
    assert len(got) == 5 and got == want


def check_avg_distance_per_city(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = sql(analysis_sql(target_dir, "avg_distance_per_city"))
    assert [(r["city__city_name"], num(r["completed_trips"])) for r in mf] == [(c, num(n)) for c, n, _ in want]
    # the analysis rounds to 3 decimals; MetricFlow gives the full average
    for got, (_, _, avg) in zip(mf, want, strict=True):
        assert close(got["avg_distance_km"], avg, "0.0005"), (got, avg)


def check_completed_trips_per_city_and_driver(mf: list[dict], sql: Query, target_dir: Path) -> None:
    # the analysis ranks drivers within each city (dense rank); rank MetricFlow's counts the same way
    by_city: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in mf:
        by_city[r["city__city_name"]].append((int(r["driver"]), int(num(r["completed_trips"]))))
    got = []
    for city, drivers in by_city.items():
        counts = sorted({n for _, n in drivers}, reverse=True)
        got += [(city, d, n, counts.index(n) + 1) for d, n in drivers]
    want = [(c, int(d), int(n), int(rank)) for c, d, n, rank in sql(analysis_sql(target_dir, "drivers_ranked_within_city"))]
    assert sorted(got) == sorted(want)


def check_trips_per_day(mf: list[dict], sql: Query, target_dir: Path) -> None:
    got = [(day(r["metric_time__day"]), num(r["trips"]), num(r["completed_trips"])) for r in mf]
    want = [(day(d), num(t), num(c)) for d, t, c in sql(analysis_sql(target_dir, "trips_per_day"))]
    assert got == want


def check_revenue_per_region(mf: list[dict], sql: Query, target_dir: Path) -> None:
    got = [(r["city__region"], num(r["net_revenue_usd"]), num(r["tips_usd"])) for r in mf]
    want = [(g, num(n), num(t)) for g, n, t in sql(analysis_sql(target_dir, "revenue_per_region"))]
    assert got == want


def check_trips_by_duration_bucket(mf: list[dict], sql: Query, target_dir: Path) -> None:
    got = [(r["trip__duration_bucket"], num(r["completed_trips"])) for r in mf]
    want = [(b, num(n)) for b, n in sql(analysis_sql(target_dir, "trips_by_duration_bucket"))]
    assert got == want


def check_city_monthly(mf: list[dict], sql: Query, target_dir: Path) -> None:
    # the README's second guide query, from mart_city_daily, for every month with trips
    want = sql("""
        select cities.city_name, cast(date_trunc('month', daily.local_date) as date) as month,
               sum(daily.trips), sum(daily.completed_trips), sum(daily.net_revenue_usd)
        from marts.mart_city_daily as daily
        inner join marts.dim_cities as cities on daily.city_key = cities.city_key
        group by cities.city_name, cast(date_trunc('month', daily.local_date) as date)
        having sum(daily.trips) > 0""")
    got = [(r["city__city_name"], day(r["metric_time__month"]), num(r["trips"]), num(r["completed_trips"]),
            num(r["net_revenue_usd"])) for r in mf]
    assert sorted(got) == sorted((c, day(m), num(t), num(k), num(n)) for c, m, t, k, n in want)
    months = [g[1] for g in got]
    assert months == sorted(months)


def check_city_daily(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = sql("""
        select city_key, local_date, trips, completed_trips, distance_km, net_revenue_usd, tips_usd
        from marts.mart_city_daily where trips > 0""")
    got = [(int(r["city"]), day(r["metric_time__day"]), num(r["trips"]), num(r["completed_trips"]),
            num(r["distance_km"]), num(r["net_revenue_usd"]), num(r["tips_usd"])) for r in mf]
    assert sorted(got) == sorted((int(c), day(d), *(num(v) for v in rest)) for c, d, *rest in want)


def check_driver_monthly(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = {(int(d), day(m)): (num(t), num(c), num(rate), num(rev)) for d, m, t, c, rate, rev in sql("""
        select driver_id, month, trips, completed_trips, cancellation_rate, net_revenue_usd
        from marts.mart_driver_monthly""")}
    got = {(int(r["driver"]), day(r["metric_time__month"])): r for r in mf}
    assert set(got) == set(want)
    for key, r in got.items():
        trips, completed, rate, revenue = want[key]
        assert (num(r["trips"]), num(r["completed_trips"]), num(r["net_revenue_usd"])) == (trips, completed, revenue)
        assert close(r["driver_cancellation_rate"], rate, "0.00005"), (key, r, rate)  # the mart keeps 4 decimals


def check_trip_rates_per_product(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = sql("""
        select product, count(*),
               sum(case when is_completed then 1 else 0 end),
               sum(case when status in ('cancelled_by_rider', 'cancelled_by_driver') then 1 else 0 end),
               sum(distance_km), avg(case when is_completed then duration_min end)
        from marts.fct_trips group by product order by product""")
    assert [r["trip__product"] for r in mf] == [w[0] for w in want]
    for r, (_, trips, completed, cancelled, distance, duration) in zip(mf, want, strict=True):
        assert num(r["trips"]) == num(trips) and num(r["distance_km"]) == num(distance)
        assert close(r["completion_rate"], num(completed) / num(trips), "1e-9")
        assert close(r["cancellation_rate"], num(cancelled) / num(trips), "1e-9")
        assert close(r["avg_duration_min"], duration, "1e-6")


def check_active_riders_per_month(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = sql("""
        select cast(date_trunc('month', local_date) as date) as month,
               count(distinct case when is_completed then rider_id end),
               count(distinct case when is_completed then driver_id end),
               sum(case when is_completed then 1 else 0 end)
        from marts.fct_trips
        group by cast(date_trunc('month', local_date) as date)
        order by month""")
    got = [(day(r["metric_time__month"]), num(r["active_riders"]), num(r["active_drivers"]),
            num(r["completed_trips"])) for r in mf]
    assert got == [(day(m), num(a), num(d), num(c)) for m, a, d, c in want]


def check_rider_retention(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = sql("""
        select cohort_month, activity_month, cohort_riders, active_riders, retention_pct
        from marts.mart_rider_cohorts order by cohort_month, activity_month""")
    got = [(day(r["rider_cohort__cohort_month__month"]), day(r["metric_time__month"]), num(r["cohort_riders"]),
            num(r["cohort_active_riders"])) for r in mf]
    assert got == [(day(c), day(a), num(n), num(k)) for c, a, n, k, _ in want]
    for r, w in zip(mf, want, strict=True):
        assert close(r["retention_pct"], w[4], "0.005"), (r, w)  # the mart rounds to 2 decimals


def check_payments_per_method(mf: list[dict], sql: Query, target_dir: Path) -> None:
    want = sql("""
        select method, count(*), sum(case when status = 'failed' then 1 else 0 end)
        from marts.fct_payments group by method order by method""")
    got = [(r["payment__method"], num(r["payments"]), num(r["failed_payments"])) for r in mf]
    assert got == [(m, num(p), num(f)) for m, p, f in want]
    for r in mf:
        assert close(r["payment_failure_rate"], num(r["failed_payments"]) / num(r["payments"]), "1e-9")


CHECKS = {name.removeprefix("check_"): fn for name, fn in globals().items() if name.startswith("check_")}


# --- fixtures: one batch of mf queries per engine ------------------------------------------------

@pytest.fixture(scope="module")
def duckdb_answers(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("mf_duckdb")
    env = mf_env(warehouse.env, project_view(warehouse.target_dir, tmp / "project"), "duckdb")
    return run_saved_queries(env, tmp / "out", sorted(CHECKS))


@pytest.fixture(scope="module")
def postgres_answers(pg_warehouse: PgWarehouse, tmp_path_factory: pytest.TempPathFactory) -> dict:
    pg_warehouse.dbt("compile", "--select", "resource_type:analysis")
    tmp = tmp_path_factory.mktemp("mf_postgres")
    env = mf_env(pg_warehouse.env, project_view(pg_warehouse.target_dir, tmp / "project"), "postgres")
    return run_saved_queries(env, tmp / "out", sorted(CHECKS))


# --- tests ----------------------------------------------------------------------------------

def test_every_saved_query_is_checked(warehouse: Warehouse) -> None:
    manifest = json.loads((warehouse.target_dir / "semantic_manifest.json").read_text())
    assert sorted(q["name"] for q in manifest["saved_queries"]) == sorted(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_saved_query_on_duckdb(name: str, duckdb_answers: dict, warehouse: Warehouse) -> None:
    assert duckdb_answers[name], name
    CHECKS[name](duckdb_answers[name], warehouse.query, warehouse.target_dir)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_saved_query_on_postgres(name: str, postgres_answers: dict, pg_warehouse: PgWarehouse) -> None:
    assert postgres_answers[name], name
    CHECKS[name](postgres_answers[name], pg_warehouse.query, pg_warehouse.target_dir)


def test_both_engines_give_the_same_answers(duckdb_answers: dict, postgres_answers: dict) -> None:
    def normal(rows: list[dict]) -> list[tuple]:
        out = []
        for r in rows:
            values = []
            for v in r.values():
                try:
                    values.append(round(num(v), 6))
                except ArithmeticError:
                    values.append(day(v) if v[:4].isdigit() and v[4:5] == "-" else v)
            out.append(tuple(values))
        return out

    for name in CHECKS:
        assert list(duckdb_answers[name][0]) == list(postgres_answers[name][0]), name  # same columns
        # row order can differ only where the engines' string collations do
        assert sorted(normal(duckdb_answers[name]), key=str) == sorted(normal(postgres_answers[name]), key=str), name


def parse(project: Path, target_dir: Path) -> subprocess.CompletedProcess[str]:
    env = duckdb_env(target_dir / "unused.duckdb")
    return DBT.run(["parse", "--no-partial-parse", "--show-all-deprecations", "--project-dir", str(project),
                    "--target-path", str(target_dir)], cwd=project, env=env)


def test_dbt_parse_validates_the_semantic_manifest_without_deprecations(tmp_path: Path) -> None:
    proc = parse(ROOT, tmp_path / "target")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "deprecat" not in proc.stdout.lower(), proc.stdout[-4000:]
    assert "[WARNING]" not in proc.stdout and "semantic" not in proc.stdout.lower(), proc.stdout[-4000:]
    manifest = json.loads((tmp_path / "target/semantic_manifest.json").read_text())
    assert {"trips", "payments", "cities", "driver_versions", "rider_versions", "rider_cohorts"} == {
        m["name"] for m in manifest["semantic_models"]}
    metrics = {m["name"] for m in manifest["metrics"]}
    assert {"trips", "completed_trips", "completion_rate", "cancellation_rate", "distance_km", "net_revenue_usd",
            "tips_usd", "active_riders", "retention_pct"} <= metrics
    spines = manifest["project_configuration"]["time_spines"]
    assert [(s["node_relation"]["alias"], s["primary_column"]["name"], s["primary_column"]["time_granularity"])
            for s in spines] == [("time_spine_daily", "date_day", "day")]


def test_dbt_parse_rejects_an_invalid_semantic_manifest(tmp_path: Path) -> None:
    """The validation is real: a saved query naming a metric that does not
    exist fails `dbt parse`."""
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".git", ".venv", ".postgres", "target", "logs", "*.duckdb*"))
    saved = project / "models/marts/semantic/_semantic__saved_queries.yml"
    saved.write_text(saved.read_text().replace("metrics: [trips, completed_trips]", "metrics: [trips, no_such_metric]", 1))
    proc = parse(project, tmp_path / "target")
    assert proc.returncode != 0
    assert "no_such_metric" in proc.stdout


# --- the README's analyst guide ---------------------------------------------------------------

def guide() -> str:
    return README.split("## Asking questions", 1)[1].split("\n## ", 1)[0]


def guide_commands(prefix: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", guide(), flags=re.S)
    lines = [re.sub(r"\s+#.*$", "", line).strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith(prefix)]


def guide_sql(index: int) -> str:
    return re.findall(r"```sql\n(.*?)```", guide(), flags=re.S)[index]


def csv_rows(path: Path) -> list[tuple]:
    with open(path, newline="") as fp:
        return [tuple(row) for row in list(csv.reader(fp))[1:]]


def same_rows(got: list[tuple], want: list[tuple]) -> bool:
    def normal(row: tuple) -> tuple:
        out = []
        for value in row:
            try:
                out.append(round(num(value), 2))
            except ArithmeticError:
                out.append(str(value))
        return tuple(out)
    return [normal(r) for r in got] == [normal(r) for r in want]


def test_guide_mf_commands_run_on_duckdb(warehouse: Warehouse, tmp_path: Path) -> None:
    """Every `mf` command of the analyst guide runs on the DuckDB warehouse; the
    two marked "= the first/second SQL example" give that example's rows."""
    project = project_view(warehouse.target_dir, tmp_path / "project")
    env = mf_env(warehouse.env, project, "duckdb")
    commands = guide_commands("mf ")
    assert len(commands) >= 6
    bin_dir = Path(sys.executable).parent
    compared = 0
    for command in commands:
        args = shlex.split(command)
        marker = README.split(command, 1)[1].split("\n", 1)[0]
        example = 0 if "= the first" in marker else 1 if "= the second" in marker else None
        if example is not None:
            args += ["--csv", str(tmp_path / "example.csv")]
        proc = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=project, env=env, capture_output=True, text=True)
        assert proc.returncode == 0 and "ERROR" not in proc.stdout, command + "\n" + proc.stdout[-3000:] + proc.stderr[-3000:]
        if example is not None:
            assert same_rows(csv_rows(tmp_path / "example.csv"), warehouse.query(guide_sql(example))), command
            compared += 1
        elif "--csv" not in args:
            assert proc.stdout.strip(), command
    assert compared == 2
    assert (project / "trips_per_day.csv").stat().st_size > 1000


def test_guide_make_metrics(warehouse: Warehouse) -> None:
    assert "make metrics" in guide_commands("make metrics")
    proc = subprocess.run(["make", "--no-print-directory", "metrics", "SAVED_QUERY=top_5_new_york_drivers"],
                          cwd=ROOT, env={**warehouse.env, "DBT_TARGET": "duckdb"}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    expected = warehouse.query(analysis_sql(warehouse.target_dir, "top_5_new_york_drivers"))
    assert all(str(row[0]) in proc.stdout for row in expected)


def test_guide_postgres_command(pg_warehouse: PgWarehouse, tmp_path: Path) -> None:
    [command] = guide_commands("DBT_TARGET=postgres")
    target = tmp_path / "target"
    target.mkdir()
    project = project_view(target, tmp_path / "project")
    env = {**pg_warehouse.env, "DBT_PROFILES_DIR": str(ROOT / "profiles"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    regions = [r[0] for r in pg_warehouse.query("select distinct region from marts.dim_cities")]
    assert all(region in proc.stdout for region in regions)
