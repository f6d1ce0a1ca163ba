"""dbt-duckdb plugin: the file swap that makes a published read copy current.

The on-run-end hook publish_read_copy() (macros/publish.sql) writes the marts
into a new DuckDB file next to the read path with plain SQL (ATTACH + CREATE
TABLE AS, checkpoint, DETACH), then hands the file to this plugin through
adapter.store_relation(), dbt-duckdb's entry point for plugins that store
relations outside the database. store() renames the new file over the read
path (config["tmp"]). Before the hook writes the new file, store() starts
the publish (config["start_from"], the read path): it deletes copies left
by earlier publishes that failed, and when config["copy"] is true copies the
current read copy to the new file's path so the hook can bring it up to
date instead of writing every mart again: rename(2) is atomic, so a reader opens either the previous copy or the
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
    """Make the finished DuckDB file TMP the read copy FINAL (same
    directory). Raises OSError when TMP is missing or still has a WAL (not
    checkpointed: publishing it would lose data). Copies left by publishes
    that died half-way are deleted when the next publish starts
    (start_publish), before it needs the disk."""
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


def remove_stale_copies(final: str) -> list[str]:
    """Delete the files FINAL.<invocation>.tmp (and their .wal) beside the
    read path FINAL: new copies of publishes that failed after writing them
    (during the update, the checkpoint or the rename). Only the dbt process
    that holds the build file writes them, and it publishes once per
    invocation, so none belongs to a publish still under way. Returns the
    paths deleted. A failed publish's copy is as large as the read copy
    (9.7 GB at 50M trips, BENCHMARKS.md issue 16, sixth round), so the next
    publish deletes it before it writes its own."""
    stale = glob.glob(glob.escape(final) + ".*.tmp") + glob.glob(glob.escape(final) + ".*.tmp.wal")
    for path in stale:
        os.remove(path)
    return stale


def start_publish(final: str, tmp: str, copy: bool) -> None:
    """Start the publish that will rename TMP (a new file in the directory
    of the read path FINAL) over FINAL: delete stale copies
    (remove_stale_copies), then, when COPY, copy FINAL to TMP, the start of
    a publish that updates only what changed. FINAL is checkpointed
    (publish_swap refuses one with a WAL), so its file alone is the whole
    database. Raises OSError when TMP exists (two publishes of one
    invocation), or when COPY and FINAL is missing or the copy fails; a
    copy that fails half-way (a full disk) is deleted before the error
    propagates, so it does not hold the space the next publish needs
    (measured at 50M trips: 8.3 GB left behind, BENCHMARKS.md issue 16,
    sixth round)."""
    if os.path.exists(tmp):
        raise OSError(f"{tmp} exists: another publish of this invocation is under way")
    remove_stale_copies(final)
    if not copy:
        return
    try:
        shutil.copyfile(final, tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


class Plugin(BasePlugin):
    """store() publishes. location.path is the new copy and
    config["start_from"] the read path: start_publish (config["copy"]: start
    from a copy of the read copy); or location.path is the read path and
    config["tmp"] the finished copy to rename over it."""

    def store(self, target_config: TargetConfig) -> None:
        config = target_config.config or {}
        if target_config.location is None or not ("tmp" in config or "start_from" in config):
            raise ValueError("ridehail_publish.store needs a location path and config['tmp'] or config['start_from']")
        if "start_from" in config:
            start_publish(config["start_from"], target_config.location.path, bool(config.get("copy")))
        else:
            publish_swap(config["tmp"], target_config.location.path)
