"""A reader of the DuckDB read copy, run as its own process by test_read_path.py.

    python read_loop.py PATH STOP_FILE hold|reopen

Until STOP_FILE exists, queries PATH in a loop and records each distinct
state it sees: (build id, rows of marts.fct_trips, sum of trips in
marts.mart_city_daily). `hold` keeps one read-only connection open the whole
time; `reopen` opens a new one for every query. Prints the states and the
number of queries as JSON; exits 1 on any error (printed).
"""

from __future__ import annotations

import json
import os
import sys
import time

import duckdb

QUERY = """
select (select max(build_id) from ops.published),
       (select count(*) from marts.fct_trips),
       (select sum(trips) from marts.mart_city_daily)
"""


def main(path: str, stop: str, mode: str) -> int:
    states: list[list[int]] = []
    queries = 0
    held = duckdb.connect(path, read_only=True) if mode == "hold" else None
    try:
        while not os.path.exists(stop):
            con = held or duckdb.connect(path, read_only=True)
            try:
                state = [int(v) for v in con.execute(QUERY).fetchone()]
            finally:
                if con is not held:
                    con.close()
            queries += 1
            if not states or states[-1] != state:
                states.append(state)
            time.sleep(0.05)
    except duckdb.Error as exc:
        print(json.dumps({"error": str(exc), "states": states, "queries": queries}))
        return 1
    print(json.dumps({"states": states, "queries": queries}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
