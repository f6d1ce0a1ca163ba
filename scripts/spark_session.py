"""A SparkSession configured exactly as dbt's `spark` target, for the scripts
that talk to Spark without dbt (the loader, the marts dump of the tests, the
benchmark). Runs in .venv-spark (pyspark); `make install-spark` builds it.

The settings are read from the profile itself (profiles/profiles.yml, target
`spark`, its `server_side_parameters`), with its `env_var()` defaults, so the
WAREHOUSE_SPARK_* variables point these scripts at the same master, catalog
and warehouse as dbt.

    .venv-spark/bin/python scripts/spark_session.py --dump-marts OUT.pickle
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "profiles" / "profiles.yml"


def spark_settings() -> dict[str, str]:
    """The `spark` target's server_side_parameters, rendered: {setting: value}.

    Raises KeyError when the profile has no spark target."""
    import jinja2
    import yaml

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise KeyError(f"environment variable {name} is not set")
        return default

    env = jinja2.Environment()
    env.globals["env_var"] = env_var
    profile = yaml.safe_load(PROFILE.read_text())
    params = profile["ridehail"]["outputs"]["spark"]["server_side_parameters"]
    return {str(key): env.from_string(str(value)).render() for key, value in params.items()}


def session():
    """A SparkSession with the profile's settings (the same one dbt's session
    method builds; a second call in the process returns the same session).
    Timestamps come back to Python as naive UTC datetimes (TZ is set to UTC)."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings().items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def dump_marts(out: Path, schema: str = "marts") -> int:
    """Writes every table of SCHEMA as {table: (column names, rows)} to OUT
    (a pickle of plain Python values: int, Decimal, str, bool, date, naive UTC
    datetime, None), for marts_compare.py in the main environment. Returns the
    number of tables."""
    spark = session()
    tables = sorted(row.tableName for row in spark.sql(f"show tables in {schema}").collect()
                    if not row.isTemporary)
    marts = {}
    for table in tables:
        frame = spark.table(f"{schema}.{table}")
        marts[table] = (frame.columns, [tuple(row) for row in frame.collect()])
    out.write_bytes(pickle.dumps(marts))
    return len(tables)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump-marts", type=Path, metavar="OUT", help="write schema marts to OUT (pickle)")
    parser.add_argument("--schema", default="marts")
    parser.add_argument("--sql", help="run one statement and print its rows")
    args = parser.parse_args(argv)
    if args.dump_marts:
        print(f"{dump_marts(args.dump_marts, args.schema)} tables written to {args.dump_marts}")
    if args.sql:
        for row in session().sql(args.sql).collect():
            print(tuple(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
