"""The suite's own distribution: under pytest-xdist (`-n 2 --dist loadgroup`,
pyproject.toml) the tests that share an expensive module or session fixture
(the Spark cluster build, the PostgreSQL build of the sample) must run on one
worker, or each worker builds its own copy. pytest-xdist marks a grouped test
by appending `@<group>` to its node id; with pytest 9.2 that silently stopped
happening (pytest-dev/pytest-xdist#1386) and both workers built the sample on
Spark and on PostgreSQL."""

from __future__ import annotations

import os

import pytest


def grouped(items: list[pytest.Item]) -> dict[str, list[str]]:
    """node ids of the items that must share a worker, by group name"""
    groups: dict[str, list[str]] = {"spark": [], "pg_warehouse": []}
    for item in items:
        if item.path.name == "test_spark.py":
            groups["spark"].append(item.nodeid)
        elif "pg_warehouse" in getattr(item, "fixturenames", ()):
            groups["pg_warehouse"].append(item.nodeid)
    return groups


def test_tests_sharing_a_costly_build_share_a_worker(request: pytest.FixtureRequest) -> None:
    groups = grouped(request.session.items)
    if "test_spark.py" in {item.path.name for item in request.session.items}:
        assert len(groups["spark"]) >= 3, groups
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # one process (-n 0): every test shares it
    assert request.config.option.loadgroup, "run the suite with --dist loadgroup (pyproject.toml addopts)"
    for name, nodeids in groups.items():
        ungrouped = [nodeid for nodeid in nodeids if not nodeid.endswith("@" + name)]
        assert ungrouped == [], f"{len(ungrouped)} of the {name} tests are not grouped: {ungrouped[:3]}"


def test_a_fresh_target_folder_starts_from_the_workers_parse(tmp_path) -> None:
    """parse_cache.py: a second warehouse file with the same profile and vars
    reuses the first one's parse (dbt reports no change to re-parse) and
    writes the same manifest; a file of another name (DuckDB's database is
    the file's name) gets a parse of its own, whose nodes name it."""
    import json

    from conftest import duckdb_env, run_dbt

    # vars of their own: a key no earlier test of this worker made
    probe = ["--vars", "{parse_cache_probe: %d}" % os.getpid()]
    runs = {}
    for folder, file in (("first", "warehouse"), ("second", "warehouse"), ("third", "other")):
        proc = run_dbt(["--debug", "ls", *probe, "--resource-type", "model"],
                       duckdb_env(tmp_path / folder / f"{file}.duckdb"), tmp_path / folder / "target")
        nodes = json.loads((tmp_path / folder / "target" / "manifest.json").read_text())["nodes"]
        runs[folder] = (proc.stdout, {k: (v.get("database"), v.get("relation_name"), v["checksum"])
                                      for k, v in nodes.items() if k.startswith("model.")})
    assert "Nothing changed, skipping partial parsing" in runs["second"][0], runs["second"][0][-3000:]
    assert "Nothing changed, skipping partial parsing" not in runs["third"][0]
    assert runs["first"][1] == runs["second"][1] and len(runs["first"][1]) > 40
    assert {database for database, _, _ in runs["third"][1].values()} == {"other"}
    assert all(relation.startswith('"other"') for _, relation, _ in runs["third"][1].values() if relation)


def test_dbt_through_the_zygote_is_the_dbt_command(tmp_path) -> None:
    """dbt_zygote.py (how run_dbt starts dbt): each command has its own
    environment (two commands, two warehouse files), and a failing command
    ends as the dbt executable does, with its return code and message."""
    import subprocess

    from conftest import DBT, ROOT, duckdb_env

    for name, other in (("one", "two"), ("two", "one")):
        proc = DBT.run(["debug"], cwd=ROOT, env=duckdb_env(tmp_path / f"{name}.duckdb"))
        assert proc.returncode == 0, proc.stdout[-3000:]
        assert f"path: {tmp_path / name}.duckdb" in proc.stdout and f"{other}.duckdb" not in proc.stdout
    args, env = ["ls", "--target", "no_such_target"], duckdb_env(tmp_path / "one.duckdb")
    forked = DBT.run(args, cwd=ROOT, env=env)
    plain = subprocess.run([str(DBT.dbt), *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert forked.returncode == plain.returncode == 2
    message = "does not have a target named 'no_such_target'"
    assert message in forked.stdout and message in plain.stdout


def test_a_zygote_interrupted_mid_command_answers_the_next_command_rightly(tmp_path) -> None:
    """dbt_zygote.py: a call interrupted between its request and dbt's reply
    (Ctrl-C) leaves no reply behind for the next call to read; a closed
    zygote leaves no temporary folder."""
    from conftest import DBT, ROOT, duckdb_env
    from dbt_zygote import Zygote

    class Interrupted:
        def readline(self) -> str:
            raise KeyboardInterrupt

    zygote, env = Zygote(DBT.dbt), duckdb_env(tmp_path / "one.duckdb")
    try:
        zygote._start().stdout = Interrupted()
        with pytest.raises(KeyboardInterrupt):
            zygote.run(["ls", "--target", "no_such_target"], cwd=ROOT, env=env)
        after = zygote.run(["--version"], cwd=ROOT, env=env)
        assert after.returncode == 0 and "Core:" in after.stdout, after.stdout[-2000:]
        folder = zygote.folder
    finally:
        zygote.close()
    assert folder is not None and not folder.exists()
