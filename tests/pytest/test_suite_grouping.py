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
