"""Conventions checked over the manifest of a plain `dbt parse` (no build):
every model has an owning group, an access level and a layer tag."""

from __future__ import annotations

import json

import pytest

from conftest import duckdb_env, run_dbt

LAYER_TAGS = {"staging", "intermediate", "marts"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    target = tmp_path_factory.mktemp("parse_target")
    run_dbt(["parse", "--no-partial-parse"], duckdb_env(target / "unused.duckdb"), target)
    return json.loads((target / "manifest.json").read_text())


def models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def test_every_model_has_a_group_with_an_owner_and_a_layer_tag(manifest: dict) -> None:
    groups = {g["name"]: g for g in manifest["groups"].values()}
    assert all(g["owner"].get("email") and g["owner"].get("name") for g in groups.values())
    for node in models(manifest):
        assert node["group"] in groups, node["name"]
        layer = node["original_file_path"].split("/")[1]
        assert layer in LAYER_TAGS, node["name"]
        assert layer in node["tags"] and len(LAYER_TAGS & set(node["tags"])) == 1, (node["name"], node["tags"])


def test_marts_are_public_the_layers_below_are_not(manifest: dict) -> None:
    for node in models(manifest):
        expected = "public" if "marts" in node["tags"] else "protected"
        assert node["access"] == expected, node["name"]
