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
