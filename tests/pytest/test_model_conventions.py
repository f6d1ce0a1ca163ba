"""Conventions checked over the manifest of a plain `dbt parse` (no build):
every model has an owning group, an access level and a layer tag."""

from __future__ import annotations

import json

import pytest

from conftest import duckdb_env, run_dbt

LAYER_TAGS = {"staging", "intermediate", "marts"}
# *_key columns that are not dimension keys because the spec's fixed interface
# names them so: dq_quarantine.record_key is the rejected row's natural key
SPEC_NAMED_KEYS = {("dq_quarantine", "record_key")}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """manifest.json of `dbt parse --no-partial-parse` in a temporary target folder."""
    target = tmp_path_factory.mktemp("parse_target")
    run_dbt(["parse", "--no-partial-parse"], duckdb_env(target / "unused.duckdb"), target)
    return json.loads((target / "manifest.json").read_text())


def models(manifest: dict) -> list[dict]:
    """The manifest's model nodes."""
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


def column_tests(manifest: dict) -> list[dict]:
    """Generic tests on a column: {model, column, test, to, field} (to/field only for relationships).
    A model's `not_null_columns` test counts as a `not_null` test on each column it names."""
    found = []
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata")
        if node["resource_type"] != "test" or not meta or not node.get("attached_node"):
            continue
        kwargs = meta.get("kwargs", {})
        if meta["name"] == "not_null_columns":
            found += [{"model": node["attached_node"].split(".")[-1], "column": column, "test": "not_null",
                       "to": "", "field": None} for column in kwargs["column_names"]]
            continue
        if not node.get("column_name"):
            continue
        to = kwargs.get("to", "")
        found.append({"model": node["attached_node"].split(".")[-1], "column": node["column_name"],
                      "test": meta["name"], "to": to.split("'")[1] if "'" in to else to, "field": kwargs.get("field")})
    return found


def test_marts_name_dimension_keys_key_and_natural_keys_id(manifest: dict) -> None:
    """Kimball's convention (docs overview, 'Keys'): a column a mart joins a
    dimension on is `<name>_key` and has the dimension's key name; a natural
    key (as exported) is `<name>_id` and is never a dimension's join key.
    dim_dates is keyed by its date (`date_day`)."""
    marts = {n["name"]: n for n in models(manifest) if "marts" in n["tags"]}
    tests = column_tests(manifest)
    dims = {name for name in marts if name.startswith("dim_") and name != "dim_dates"}
    assert {"dim_cities", "dim_drivers", "dim_riders"} <= dims
    for dim in dims:
        keys = [c for c in marts[dim]["columns"] if c.endswith("_key")]
        assert len(keys) == 1, (dim, keys)
        assert {"unique", "not_null"} <= {t["test"] for t in tests if t["model"] == dim and t["column"] == keys[0]}

    dim_key = {dim: next(c for c in marts[dim]["columns"] if c.endswith("_key")) for dim in dims}
    for t in tests:
        if t["test"] != "relationships" or t["model"] not in marts or t["to"] not in dims:
            continue
        assert t["field"] == dim_key[t["to"]], t  # joins the dimension on its key ...
        assert t["column"] == t["field"], t  # ... under the same name

    joined = {(t["model"], t["column"]) for t in tests if t["test"] == "relationships" and t["to"] in dims}
    for name, node in marts.items():
        for column in node["columns"]:
            if column.endswith("_key") and name not in dims and (name, column) not in SPEC_NAMED_KEYS:
                assert (name, column) in joined, f"{name}.{column}: a *_key column must join a dimension"
            if column.endswith("_id"):
                assert column not in dim_key.values(), (name, column)
