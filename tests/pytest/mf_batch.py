#!/usr/bin/env python3
"""Run MetricFlow's `mf query --saved-query NAME --csv OUT_DIR/NAME.csv` for
several saved queries in one process (the CLI's own click command, one setup:
loading dbt and the adapter takes seconds, a query a fraction of one).

    python tests/pytest/mf_batch.py OUT_DIR NAME [NAME ...]

The environment says where: DBT_PROJECT_DIR (a folder whose target/ holds the
semantic_manifest.json of the build), DBT_PROFILES_DIR and DBT_TARGET. Exits 1
naming the first saved query that failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dbt_metricflow.cli.cli_configuration import CLIConfiguration
from dbt_metricflow.cli.main import cli


def main(argv: list[str]) -> int:
    out_dir, names = Path(argv[0]), argv[1:]
    cfg = CLIConfiguration()
    cfg.setup(configure_file_logging=False)
    for name in names:
        args = ["query", "--saved-query", name, "--csv", str(out_dir / f"{name}.csv"), "--quiet"]
        try:
            cli.main(args, obj=cfg, standalone_mode=False)
        except SystemExit as exc:  # the CLI's error handler exits on a failed query
            if exc.code:
                print(f"mf query --saved-query {name} failed", file=sys.stderr)
                return 1
        if not (out_dir / f"{name}.csv").exists():
            print(f"mf query --saved-query {name} wrote no CSV (empty result?)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
