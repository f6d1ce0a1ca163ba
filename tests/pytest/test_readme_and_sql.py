"""What the README promises an analyst: the example queries run and answer
their question, the SQL access is read-only, and the lineage chart is current."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

from conftest import ROOT, Warehouse, build_summary

README = (ROOT / "README.md").read_text()


def sql(warehouse: Warehouse, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "scripts/sql.py"), *args], env=warehouse.env,
                          capture_output=True, text=True)


def guide_queries() -> list[str]:
    guide = README.split("## Asking questions", 1)[1].split("\n## ", 1)[0]
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


def readme_commands(prefix: str) -> list[str]:
    """Every line of the README's ```sh blocks that starts with PREFIX, comment stripped."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    lines = [re.sub(r"\s+#\s.*$", "", line).strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith(prefix)]


def test_quick_start_states_the_build_summary(warehouse: Warehouse) -> None:
    """The quick start shows the last line of `make build` (= `dbt build`) as it is."""
    done = build_summary(warehouse.build_log)
    summary = done[done.index("Done. PASS="):].strip()
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert f"\n{summary}\n" in quick_start, summary


def test_readme_dbt_show_and_ls_commands_run(warehouse: Warehouse, tmp_path) -> None:
    import shutil

    from conftest import duckdb_env, run_dbt
    copy = tmp_path / "copy.duckdb"
    shutil.copy(warehouse.path, copy)
    commands = readme_commands(".venv/bin/dbt show") + readme_commands(".venv/bin/dbt ls")
    assert len(commands) >= 5
    for command in commands:
        proc = run_dbt(shlex.split(command)[1:], duckdb_env(copy), tmp_path / "target")
        assert "Encountered an error" not in proc.stdout, command
        if " show " in command:
            assert "Previewing node" in proc.stdout, command
        else:
            assert len(proc.stdout.strip().splitlines()) >= 1, command
    show = run_dbt(["show", "--select", "mart_city_daily"], duckdb_env(copy), tmp_path / "target").stdout
    assert "|       -1 |" not in show  # the preview starts with real cities, the unknown member last
    marts = run_dbt(["ls", "--select", "tag:marts", "--resource-type", "model", "--output", "name"],
                    duckdb_env(copy), tmp_path / "target").stdout.split()
    assert {"fct_trips", "mart_city_daily", "dq_scores_overall"} <= set(marts) and "stg_rideshare__trips" not in marts


def test_readme_make_sql_commands_run(warehouse: Warehouse) -> None:
    commands = [c for c in readme_commands("make sql") if "QUERY=" in c and "DBT_TARGET" not in c]
    assert len(commands) >= 2
    for command in commands:
        proc = subprocess.run(["bash", "-c", command.replace("make sql", "make -s --no-print-directory sql", 1)],
                              cwd=ROOT, env=warehouse.env, capture_output=True, text=True)
        assert proc.returncode == 0, command + proc.stderr
        assert re.search(r"\(\d+ rows?\)", proc.stdout), command


def test_readme_freshness_commands(warehouse: Warehouse, tmp_path) -> None:
    """The README's freshness commands with a reference time: the sample is
    green as of its last day and red three days later, as the comments say."""
    import json
    import shutil

    from conftest import duckdb_env, run_dbt
    copy = tmp_path / "copy.duckdb"
    shutil.copy(warehouse.path, copy)
    commands = [c for c in readme_commands(".venv/bin/dbt source freshness") if "--vars" in c]
    assert len(commands) == 2
    for command, status in zip(commands, ("pass", "error")):
        target = tmp_path / status
        run_dbt(shlex.split(command)[1:], duckdb_env(copy), target, check=False)
        results = json.loads((target / "sources.json").read_text())["results"]
        assert {r["status"] for r in results} == {status}, command


def test_readme_links_stay_inside_the_repository() -> None:
    assert "../" not in README and "/work/" not in README
    for script in sorted(p.name for p in (ROOT / "scripts").glob("*.py")):
        assert f"scripts/{script}" in README, script
