#!/usr/bin/env python3
"""Draw the project's lineage as a Mermaid flowchart from dbt's manifest.

    python scripts/lineage_mermaid.py                 # print it (reads target/manifest.json)
    python scripts/lineage_mermaid.py --write-readme  # refresh the chart in README.md

The raw tables and the staging models are drawn as one box each (every
staging model reads only raw, and only staging reads raw); intermediate
models, marts and exposures are drawn one by one with their real parents.
Seeds and tests are left out. Run `dbt parse` (or any dbt command) first so
the manifest is current.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- lineage:start -->", "<!-- lineage:end -->"
LAYERS = [("sources", "raw exports"), ("staging", "staging"), ("intermediate", "intermediate"),
          ("marts", "marts"), ("exposures", "exposures")]


def layer(node: dict) -> str | None:
    kind = node["resource_type"]
    if kind == "source":
        return "sources"
    if kind == "exposure":
        return "exposures"
    if kind == "model":
        return node["fqn"][1] if node["fqn"][1] in ("staging", "intermediate", "marts") else "marts"
    return None


COLLAPSED = {"sources": "raw", "staging": "staging"}


def mermaid(manifest: dict) -> str:
    nodes = {**manifest["nodes"], **manifest["sources"], **manifest["exposures"]}
    kept = {uid: n for uid, n in nodes.items() if layer(n)}
    names = {uid: COLLAPSED.get(layer(n), re.sub(r"\W", "_", uid.split(".", 2)[-1])) for uid, n in kept.items()}
    counts = {key: sum(1 for n in kept.values() if layer(n) == key) for key in COLLAPSED}
    lines = ["```mermaid", "flowchart LR"]
    for key, title in LAYERS:
        members = sorted(uid for uid, n in kept.items() if layer(n) == key)
        lines.append(f'  subgraph {key}["{title}"]')
        if key in COLLAPSED:
            what = "export tables" if key == "sources" else "base and stg models"
            lines.append(f'    {COLLAPSED[key]}["{counts[key]} {what}"]')
        else:
            lines += [f'    {names[uid]}["{kept[uid]["name"]}"]' for uid in members]
        lines.append("  end")
    edges = sorted({(names[p], names[uid]) for uid, n in kept.items()
                    for p in n.get("depends_on", {}).get("nodes", []) if p in kept and names[p] != names[uid]})
    lines += [f"  {a} --> {b}" for a, b in edges]
    lines.append("```")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", type=Path, default=ROOT / "target" / "manifest.json")
    parser.add_argument("--write-readme", action="store_true", help="replace the chart between the README markers")
    args = parser.parse_args()
    chart = mermaid(json.loads(args.manifest.read_text()))
    if not args.write_readme:
        print(chart)
        return
    readme = ROOT / "README.md"
    text = readme.read_text()
    head, rest = text.split(START, 1)
    readme.write_text(f"{head}{START}\n{chart}\n{END}{rest.split(END, 1)[1]}")


if __name__ == "__main__":
    main()
