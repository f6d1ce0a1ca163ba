"""dbt parses the project once per test worker and profile, not once per test.

Most tests run dbt in a fresh target folder on a warehouse file or database
of their own, so every one of them paid for a full parse of the project
(about 6 s of CPU of the 10 s a `dbt parse` takes here). dbt's partial parsing
reuses `partial_parse.msgpack` when the project's files, the vars, the target
and the profile's connection settings are unchanged, and re-reads only the
files that changed (dbt docs, "Partial parsing").

What differs between two tests is the DuckDB file's path: it is one of the
connection settings dbt hashes (`state_check.profile_hash`), yet nothing the
parse produces depends on it (node databases come from the `database`
setting, which DuckDB takes from the file's name and which stays in the
key). So the first run of a key keeps its parse file as the template, and a
fresh target folder of the same key gets a copy whose profile hash is that of
its own connection settings, computed with dbt's own profile loader. dbt
checks everything else itself (file hashes, vars, project env vars) and
parses again whatever differs. Any error here means a full parse, never a
wrong one: the copy is only made when the key is known.
"""

from __future__ import annotations

import pprint
from argparse import Namespace
from pathlib import Path

import msgpack  # dbt's own format for partial_parse.msgpack, installed with dbt

PARSE_FILE = "partial_parse.msgpack"


def unpack(data: bytes) -> dict:
    """A partial_parse.msgpack file's bytes as the dict dbt wrote (maps with
    non-string keys included). Raises msgpack's errors on a damaged file."""
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


# commands that never read a manifest or must parse from scratch
NO_SEED = {"deps", "clean", "debug", "init", "--version"}


def _option(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


class ParseCache:
    """Templates of dbt's parse file, keyed by everything the parse reads
    from the command line and the profile except the DuckDB path."""

    def __init__(self, project_root: Path) -> None:
        self.root = project_root
        self.templates: dict[tuple, bytes] = {}

    def _connection(self, args: list[str], env: dict[str, str]) -> tuple[tuple, str]:
        """(key, profile hash) of a dbt command ARGS run with ENV."""
        import yaml
        from dbt.config.runtime import load_profile
        from dbt.contracts.files import FileHash
        from dbt.flags import set_from_args
        from dbt_common.context import set_invocation_context

        target, vars_text, profile = (_option(args, o) for o in ("--target", "--vars", "--profile"))
        set_invocation_context(env)
        set_from_args(Namespace(profiles_dir=env.get("DBT_PROFILES_DIR", str(self.root))), None)
        cli_vars = yaml.safe_load(vars_text) if vars_text else {}
        loaded = load_profile(str(self.root), cli_vars or {}, profile, target, None)
        # dbt's own recipe (ManifestLoader.build_manifest_state_check)
        keys = sorted(loaded.credentials.connection_info())
        profile_hash = FileHash.from_contents(pprint.pformat(keys)).checksum
        key = (target, vars_text, profile, loaded.target_name, loaded.credentials.type,
               pprint.pformat([kv for kv in keys if kv[0] != "path"]))
        return key, profile_hash

    def before(self, args: list[str], env: dict[str, str], target_dir: Path) -> tuple | None:
        """Copy the template of this command's key into TARGET_DIR when it is
        fresh; return (key, profile hash), or None when the run is not to be
        cached."""
        if not args or NO_SEED & set(args) or "--no-partial-parse" in args or (target_dir / PARSE_FILE).exists():
            return None
        try:
            key, profile_hash = self._connection(args, env)
            template = self.templates.get(key)
            if template is not None:
                manifest = unpack(template)
                manifest["state_check"]["profile_hash"]["checksum"] = profile_hash
                target_dir.mkdir(parents=True, exist_ok=True)
                (target_dir / PARSE_FILE).write_bytes(msgpack.packb(manifest, use_bin_type=True))
        except Exception:  # an unreadable profile or template: dbt parses in full, and says why
            return None
        return key, profile_hash

    def after(self, seeded: tuple | None, target_dir: Path) -> None:
        """Keep TARGET_DIR's parse file as the template of its key, if the key
        has none and the file is what this cache expects: readable, and made
        with the profile hash computed here (so dbt read the same profile,
        whatever --profiles-dir or --project-dir said)."""
        parsed = target_dir / PARSE_FILE
        if seeded is None or seeded[0] in self.templates or not parsed.exists():
            return
        key, profile_hash = seeded
        try:
            data = parsed.read_bytes()
            manifest = unpack(data)
            if manifest["state_check"]["profile_hash"]["checksum"] == profile_hash:
                self.templates[key] = data
        except Exception:  # a file cut short by a killed dbt: no template
            return
