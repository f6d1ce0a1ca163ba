"""A dbt process that has already imported dbt, forked once per command.

Starting `dbt` costs about 3.5 s of CPU before it reads the project: Python
imports dbt-core, its adapters and their dependencies (`python -X importtime
-c "import dbt.cli.main"`: 2.9 s here). The suite runs dbt many
times, so the tests run it through this helper instead: a single-threaded
process (the zygote) imports dbt and its adapters once, then, for each
command, forks a child that is a fresh `dbt` process from that point on
(its own environment, working directory, arguments, stdout and stderr
files; its own threads, connections and exit). Nothing of a command outlives
its child, so one command never sees another's state, as with
`subprocess.run(["dbt", ...])`. One thing the commands of a zygote share:
Python's hash seed (a new process draws its own).

Protocol (stdin/stdout of the zygote, one JSON object per line):
request {"args": [...], "env": {...}, "cwd": "...", "stdout": path, "stderr": path},
reply {"returncode": int}. A negative return code is the signal that ended
the child, as subprocess reports it.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path


def preload() -> None:
    """Import what every dbt command imports (the CLI and the adapters the
    profiles name); threads started by a command start in its child."""
    import dbt.cli.main  # noqa: F401
    import dbt.adapters.duckdb  # noqa: F401
    import dbt.adapters.postgres  # noqa: F401
    import dbt.task.build  # noqa: F401
    import dbt.parser.manifest  # noqa: F401


def child(request: dict) -> None:
    """Become `dbt ARGS` with the request's environment, folder and output
    files; never returns (exits with dbt's exit code)."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()  # TZ as a new process reads it (test_snapshot_clock sets it)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(handle, fd)
        os.close(handle)
    sys.argv = ["dbt", *request["args"]]
    from dbt.cli.main import cli
    try:
        sys.exit(cli())  # the dbt executable's own last line
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def serve() -> None:
    """Read requests until stdin closes; fork one child per request and
    reply with its return code."""
    preload()
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, never into the replies
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()  # nothing buffered here may reach a child's output
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            replies.close()
            try:
                child(request)  # exits through SystemExit, as the dbt executable does
            except SystemExit:
                raise
            except BaseException:  # as Python ends on an uncaught exception
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        replies.write(json.dumps({"returncode": code}) + "\n")
        replies.flush()


class Zygote:
    """The client: `run` is `subprocess.run([dbt, *args], cwd=, env=,
    capture_output=True, text=True)` through one zygote per Python process
    (started on first use, stopped at exit with its temporary folder). A
    call made while another is under way (two threads) runs as a plain
    subprocess instead."""

    def __init__(self, dbt: Path) -> None:
        self.dbt = dbt
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.folder: Path | None = None

    def _start(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            if self.folder is None:
                self.folder = Path(tempfile.mkdtemp(prefix="dbt_zygote_"))
                atexit.register(self.close)
            with open(self.folder / "zygote.log", "a") as log:
                # -P: the zygote's folder (tests/pytest) is not put on dbt's sys.path
                self.proc = subprocess.Popen([str(self.dbt.with_name("python")), "-P", __file__],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        return self.proc

    def _scratch(self, prefix: str) -> Path:
        handle, path = tempfile.mkstemp(prefix=prefix, dir=self.folder)
        os.close(handle)
        return Path(path)

    def run(self, args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        """dbt ARGS in folder CWD with environment ENV; a CompletedProcess
        with dbt's return code, stdout and stderr. Raises RuntimeError when
        the zygote itself exited (its log is in the message)."""
        command = [str(self.dbt), *args]
        if not self.lock.acquire(blocking=False):
            return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        try:
            proc = self._start()
            # files of this command only: a process dbt started may outlive it
            # (multiprocessing's resource tracker) and write to them
            out, err = (self._scratch(name) for name in ("stdout", "stderr"))
            try:
                request = {"args": args, "env": env, "cwd": str(cwd), "stdout": str(out), "stderr": str(err)}
                proc.stdin.write(json.dumps(request) + "\n")
                proc.stdin.flush()
                reply = proc.stdout.readline()
                if not reply:
                    raise RuntimeError(f"the dbt zygote exited: {(self.folder / 'zygote.log').read_text()[-3000:]}")
                code = json.loads(reply)["returncode"]
                return subprocess.CompletedProcess(command, code, out.read_text(), err.read_text())
            except BaseException:
                # interrupted between a request and its reply: the next call
                # must not read this one's reply, so this zygote goes
                proc.kill()
                proc.wait()
                self.proc = None
                raise
            finally:
                out.unlink(missing_ok=True)
                err.unlink(missing_ok=True)
        finally:
            self.lock.release()

    def close(self) -> None:
        """Stop the zygote (end of its input) and delete its folder."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


if __name__ == "__main__":
    serve()
