"""The raw contract is written down once per consumer (Python loader and
generator, dbt macro, source docs, seed types); these must never drift."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from raw_contract import LINEAGE_COLUMNS, TABLES

ROOT = Path(__file__).resolve().parents[2]


def test_source_docs_match_the_contract() -> None:
    spec = yaml.safe_load((ROOT / "models/staging/rideshare/_rideshare__sources.yml").read_text())
    tables = {t["name"]: [c["name"] for c in t["columns"]] for t in spec["sources"][0]["tables"]}
    assert tables == {t: list(cols) + list(LINEAGE_COLUMNS) for t, cols in TABLES.items()}


def test_seed_column_types_match_the_contract() -> None:
    spec = yaml.safe_load((ROOT / "seeds/_seeds.yml").read_text())
    types = {s["name"]: s["config"]["column_types"] for s in spec["seeds"] if s["name"] in TABLES}
    assert types == {t: {**cols, **LINEAGE_COLUMNS} for t, cols in TABLES.items()}


def test_seed_headers_match_the_contract() -> None:
    for table, cols in TABLES.items():
        header = (ROOT / "seeds/raw" / f"{table}.csv").open(encoding="utf-8").readline().strip().split(",")
        assert header == list(cols) + list(LINEAGE_COLUMNS)


def test_dbt_macro_matches_the_contract() -> None:
    text = (ROOT / "macros/versioning.sql").read_text()
    for table, cols in TABLES.items():
        listed = re.search(rf"'{table}': \[([^\]]*)\]", text)
        assert listed, table
        assert re.findall(r"'([a-z_]+)'", listed.group(1)) == list(cols)
