"""Documentation coverage: `dbt docs generate` succeeds, every model has a
description, every mart column is described and present in the catalog."""

from __future__ import annotations

import json

from conftest import Warehouse


def test_every_model_and_mart_column_is_documented(warehouse: Warehouse) -> None:
    warehouse.dbt("docs", "generate")
    manifest = json.loads((warehouse.target_dir / "manifest.json").read_text())
    catalog = json.loads((warehouse.target_dir / "catalog.json").read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 20
    assert [n["name"] for n in models if not n["description"].strip()] == []
    marts = [n for n in models if n["schema"] == "marts"]
    assert len(marts) >= 7
    for node in marts:
        assert node["config"]["contract"]["enforced"], node["name"]
        undocumented = [c for c, spec in node["columns"].items() if not spec["description"].strip()]
        assert undocumented == [], node["name"]
        built = {c.lower() for c in catalog["nodes"][node["unique_id"]]["columns"]}
        assert built == set(node["columns"]), node["name"]
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"analysis", "dashboard", "ml"} <= {e["type"] for e in exposures.values()}
    assert "model.ridehail.ml_driver_daily_features" in exposures["driver_churn_model"]["depends_on"]["nodes"]
    assert all(e["description"].strip() for e in exposures.values())
    assert "Ride-hailing warehouse" in manifest["docs"]["doc.ridehail.__overview__"]["block_contents"]
    for source in manifest["sources"].values():
        assert source["description"].strip(), source["name"]
        assert all(c["description"].strip() for c in source["columns"].values()), source["name"]
