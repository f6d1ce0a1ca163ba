"""Run `dbt` or `scripts/load_raw.py` in this process and stop it at a chosen
point inside a transaction, so a test can `kill -9` it there (the kill drill,
tests/pytest/test_kill_drill.py). Test scaffolding only: the project, its
macros and its scripts run unchanged; this wrapper only waits at one call.

    python paused_run.py dbt build ...           # PAUSE_NODE=model.ridehail.fct_trips
    python paused_run.py load_raw SOURCE ...     # PAUSE_AFTER_FILES=2

Environment:
- PAUSE_READY: a file path. When the pause point is reached the wrapper writes
  what it paused at into it (one line of text), then sleeps until killed.
- PAUSE_NODE (dbt): the unique id of a node (`model.ridehail.fct_trips`,
  `snapshot.ridehail.snap_drivers`). dbt pauses just before it sends that
  node's first COMMIT, i.e. after every statement of the node's transaction
  (pre-hooks, the build, the swap or merge, post-hooks inside the
  transaction) ran and none is committed: the worst moment to die.
- PAUSE_AFTER_FILES (load_raw): N. The loader pauses once N files of one
  export are copied into the raw tables, inside that export's transaction;
  PAUSE_EXPORT, when set, names the only export it may pause in.

Exit status is dbt's or the loader's when no pause point is reached."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pause(what: str) -> None:
    """Write WHAT to $PAUSE_READY and sleep until the process is killed.
    The file appears whole (written aside, then renamed): the test kills this
    process as soon as the file exists, so a plain write could be read empty."""
    ready = Path(os.environ["PAUSE_READY"])
    partial = ready.with_name(ready.name + ".partial")
    partial.write_text(what + "\n")
    os.replace(partial, ready)
    while True:
        time.sleep(3600)


def run_dbt(args: list[str]) -> int:
    """dbt's own command line with SQLConnectionManager.add_query patched to
    pause before the COMMIT of the node PAUSE_NODE names (dbt runs each node
    on a connection named after its unique id)."""
    from dbt.adapters.sql.connections import SQLConnectionManager

    node = os.environ["PAUSE_NODE"]
    original = SQLConnectionManager.add_query

    def add_query(self, sql, *args, **kwargs):
        if sql.strip().upper() == "COMMIT" and self.get_thread_connection().name == node:
            pause(f"COMMIT of {node}")
        return original(self, sql, *args, **kwargs)

    SQLConnectionManager.add_query = add_query
    from dbt.cli.main import cli
    try:
        cli.main(args=args, prog_name="dbt")
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def run_load_raw(args: list[str]) -> int:
    """scripts/load_raw.py with each engine's load() patched to pause after
    PAUSE_AFTER_FILES files of an export went into the raw tables."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import load_raw

    after = int(os.environ["PAUSE_AFTER_FILES"])
    only = os.environ.get("PAUSE_EXPORT")
    for target in (load_raw.DuckDBTarget, load_raw.PostgresTarget):
        original = target.load

        def load(self, path, table, scan, export, loaded_at, load_id, _original=original):
            rows = _original(self, path, table, scan, export, loaded_at, load_id)
            done = self.__dict__.setdefault("_files_loaded", {})
            done[export] = done.get(export, 0) + 1
            if done[export] == after and only in (None, export):
                pause(f"{export}: {after} files loaded, transaction open")
            return rows

        target.load = load
    return load_raw.main(args)


if __name__ == "__main__":
    tool, rest = sys.argv[1], sys.argv[2:]
    sys.exit(run_dbt(rest) if tool == "dbt" else run_load_raw(rest))
