"""No secrets: no tracked file holds a password, token or private key, and
the PostgreSQL password reaches dbt only through the environment and never
lands in logs/ or target/."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, PgWarehouse, run_dbt

# What a leaked credential looks like. Each pattern is written so that this
# file's own source does not match it.
PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----"),
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret key": re.compile(r"aws_secret_access_key\s*[=:]\s*['\"]?[A-Za-z0-9/+]{40}"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:[^\s@/'\"{}$]+@"),
    "PGPASSWORD with a value": re.compile(r"PGPASSWORD\s*=\s*['\"]?[^\s'\"$)]"),
}
# a yml key that holds a secret must take its value from env_var(...)
YAML_SECRET = re.compile(r"^\s*(password|pass|passwd|token|secret|api_key|private_key)\s*:\s*(.*)$",
                         re.IGNORECASE | re.MULTILINE)


def findings(path: str, text: str) -> list[str]:
    """Descriptions of what in TEXT (the content of PATH) looks like a secret."""
    found = [f"{path}: {name}" for name, pattern in PATTERNS.items() if pattern.search(text)]
    if path.endswith((".yml", ".yaml")):
        for key, value in YAML_SECRET.findall(text):
            value = value.split(" #")[0].strip().strip("'\"")
            if value and "env_var(" not in value:
                found.append(f"{path}: {key} with a literal value")
    return found


def tracked_files() -> list[str]:
    return subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip("\0").split("\0")


def test_no_tracked_file_holds_a_secret() -> None:
    found = []
    for path in tracked_files():
        file = ROOT / path
        if file.is_file() and not file.is_symlink():
            found += findings(path, file.read_text(errors="replace"))
    assert found == []


@pytest.mark.parametrize("path,text", [
    ("k.pem", "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIB..."),
    ("k", "-----BEGIN OPENSSH " + "PRIVATE KEY-----"),
    ("a.env", "AKIA" + "ABCDEFGHIJKLMNOP"),
    ("a.cfg", "aws_secret_access_key = " + "a" * 40),
    ("t.txt", "token gh" + "p_" + "x" * 36),
    ("u.py", "postgresql://analyst:" + "hunter2@db:5432/warehouse"),
    ("Makefile", "PGPASSWORD" + "=hunter2 dbt build"),
    ("profiles.yml", "    password: " + "hunter2\n"),
    ("x.yaml", "token: 'abc'  # " + "temporary\n"),
])
def test_the_scan_finds_planted_secrets(path: str, text: str) -> None:
    assert findings(path, text)


@pytest.mark.parametrize("path,text", [
    ("profiles.yml", "      password: \"{{ env_var('DBT_ENV_SECRET_PGPASSWORD', '') }}\"\n"),
    ("a.yml", "password:\n"),
    ("with_postgres.py", 'env["PGPASSWORD"] = ""'),
])
def test_the_scan_lets_references_pass(path: str, text: str) -> None:
    assert findings(path, text) == []


def test_password_stays_out_of_logs_and_target(pg_warehouse: PgWarehouse, tmp_path: Path) -> None:
    secret = f"fake-pw-{uuid.uuid4().hex}"  # the test server trusts local connections and ignores it
    env = {**pg_warehouse.env, "DBT_ENV_SECRET_PGPASSWORD": secret}
    env.pop("PGPASSWORD", None)
    logs, target = tmp_path / "logs", tmp_path / "target"
    for args in (["run", "--select", "dim_cities"], ["test", "--select", "dim_cities"]):
        proc = run_dbt([*args, "--target", "postgres", "--log-path", str(logs), "--log-level-file", "debug"],
                       env, target)
        assert secret not in proc.stdout + proc.stderr
    written = [p for p in [*logs.rglob("*"), *target.rglob("*")] if p.is_file()]
    assert len(written) > 5
    assert [p for p in written if secret.encode() in p.read_bytes()] == []
