"""dbt-duckdb plugin: the file swap that makes a published read copy current.

The on-run-end hook publish_read_copy() (macros/publish.sql) writes the marts
into a new DuckDB file next to the read path with plain SQL (ATTACH + CREATE
TABLE AS, checkpoint, DETACH), then hands the file to this plugin through
adapter.store_relation(), dbt-duckdb's entry point for plugins that store
relations outside the database. store() renames the new file over the read
path (config["tmp"]), or first copies the current read copy to the new
file's path (config["copy_from"]) so the hook can bring it up to date
instead of writing every mart again: rename(2) is atomic, so a reader opens either the previous copy or the
new one, and a reader that has the previous copy open keeps reading it (its
inode lives until the reader closes it). DuckDB's Python UDFs would need
numpy, which the environment does not have; a plugin needs nothing.
"""

from __future__ import annotations

import glob
import os
import shutil

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


def copy_read_copy(final: str, tmp: str) -> None:
    """Copy the published read copy FINAL to TMP (a new file in the same
    directory), the start of a publish that updates only what changed.
    FINAL is checkpointed (publish_swap refuses one with a WAL), so its file
    alone is the whole database. Raises OSError when FINAL is missing, TMP
    exists (two publishes of one invocation) or the copy fails; a copy that
    fails half-way (a full disk) is deleted before the error propagates, so
    it does not hold the space the next publish needs (measured at 50M
    trips: 8.3 GB left behind, BENCHMARKS.md issue 16, sixth round)."""
    if os.path.exists(tmp):
        raise OSError(f"{tmp} exists: another publish of this invocation is under way")
    try:
        shutil.copyfile(final, tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class Plugin(BasePlugin):
    """store() publishes. location.path is the read path and config["tmp"]
    the finished copy to rename over it; or location.path is the new copy
    and config["copy_from"] the read copy to start it from."""

    def store(self, target_config: TargetConfig) -> None:
        config = target_config.config or {}
        if target_config.location is None or not ("tmp" in config or "copy_from" in config):
            raise ValueError("ridehail_publish.store needs a location path and config['tmp'] or config['copy_from']")
        if "copy_from" in config:
            copy_read_copy(config["copy_from"], target_config.location.path)
        else:
            publish_swap(config["tmp"], target_config.location.path)
