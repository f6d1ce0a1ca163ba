"""dbt-duckdb plugin: the file swap that makes a published read copy current.

The on-run-end hook publish_read_copy() (macros/publish.sql) writes the marts
into a new DuckDB file next to the read path with plain SQL (ATTACH + CREATE
TABLE AS, checkpoint, DETACH), then hands the file to this plugin through
adapter.store_relation(), dbt-duckdb's entry point for plugins that store
relations outside the database. store() renames the new file over the read
path: rename(2) is atomic, so a reader opens either the previous copy or the
new one, and a reader that has the previous copy open keeps reading it (its
inode lives until the reader closes it). DuckDB's Python UDFs would need
numpy, which the environment does not have; a plugin needs nothing.
"""

from __future__ import annotations

import glob
import os

from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.duckdb.utils import TargetConfig


def publish_swap(tmp: str, final: str) -> None:
    """Make the finished DuckDB file TMP the read copy FINAL (same directory),
    then delete copies left by publishes that died half-way. Raises OSError
    when TMP is missing or still has a WAL (not checkpointed: publishing it
    would lose data)."""
    if os.path.exists(tmp + ".wal"):
        raise OSError(f"{tmp}.wal exists: the published copy was not checkpointed")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    directory = os.open(os.path.dirname(os.path.abspath(final)), os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    for stale in glob.glob(glob.escape(final) + ".*.tmp") + glob.glob(glob.escape(final) + ".*.tmp.wal"):
        os.remove(stale)


class Plugin(BasePlugin):
    """store() publishes: location.path is the read path, config["tmp"] the
    finished copy to rename over it."""

    def store(self, target_config: TargetConfig) -> None:
        if target_config.location is None or "tmp" not in (target_config.config or {}):
            raise ValueError("ridehail_publish.store needs a location path and config['tmp']")
        publish_swap(target_config.config["tmp"], target_config.location.path)
