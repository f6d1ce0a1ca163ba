"""What the README promises an analyst: the example queries run and answer
their question, the SQL access is read-only, and the lineage chart is current."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, Warehouse

README = (ROOT / "README.md").read_text()


def sql(warehouse: Warehouse, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts/sql.py"), *args], env=warehouse.env,
                          capture_output=True, text=True)


def guide_queries() -> list[str]:
    guide = README.split("## Analyst guide", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", guide, flags=re.S)


def test_the_guide_has_three_example_queries_that_run(warehouse: Warehouse) -> None:
    queries = guide_queries()
    assert len(queries) == 3
    for query in queries:
        proc = sql(warehouse, "--csv", query)
        assert proc.returncode == 0, proc.stderr
        assert len(proc.stdout.strip().splitlines()) >= 2, query


def test_guide_top_5_matches_the_analysis(warehouse: Warehouse) -> None:
    proc = sql(warehouse, "--csv", guide_queries()[0])
    rows = [line.split(",") for line in proc.stdout.strip().splitlines()[1:]]
    compiled = (warehouse.target_dir / "compiled/ridehail/analyses/top_5_new_york_drivers.sql").read_text()
    expected = [(str(r[0]), str(r[3])) for r in warehouse.query(compiled)]
    assert [(r[0], r[1]) for r in rows] == expected


def test_guide_monthly_city_figures_match_fct_trips(warehouse: Warehouse) -> None:
    proc = sql(warehouse, "--csv", guide_queries()[1])
    total = sum(int(line.split(",")[1]) for line in proc.stdout.strip().splitlines()[1:])
    assert total == warehouse.query("select count(*) from marts.fct_trips "
                                    "where local_date >= date '2025-02-01' and local_date < date '2025-03-01'")[0][0]


def test_sql_access_refuses_writes(warehouse: Warehouse) -> None:
    before = warehouse.query("select count(*) from marts.fct_trips")
    for statement in ("delete from marts.fct_trips", "drop table marts.fct_trips",
                      "create table marts.scratch as select 1 as x"):
        proc = sql(warehouse, statement)
        assert proc.returncode == 1 and "read-only" in proc.stderr, statement
    assert warehouse.query("select count(*) from marts.fct_trips") == before
    assert warehouse.query("select count(*) from information_schema.tables where table_name = 'scratch'") == [(0,)]


def test_sql_prints_a_table(warehouse: Warehouse) -> None:
    proc = sql(warehouse, "select city_id, city_name from marts.dim_cities where city_id = 1")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].split() == ["city_id", "|", "city_name"]
    assert "New York" in proc.stdout and "(1 row)" in proc.stdout


def test_readme_lineage_chart_is_current(warehouse: Warehouse) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import json

    from lineage_mermaid import END, START, mermaid
    manifest = json.loads((warehouse.target_dir / "manifest.json").read_text())
    current = README.split(START, 1)[1].split(END, 1)[0].strip()
    assert current == mermaid(manifest)
    assert "fct_trips --> mart_city_daily" in current
