"""scripts/load_raw.py with a slow or skewed loader, for the load-order tests.

    python hold_load.py HOLDING RELEASE [--clock-offset-hours H] -- LOAD_RAW_ARGS...

After the first file of the first export is inserted (inside the export's
transaction, before commit), writes HOLDING and waits until RELEASE exists
(at most 300 s): a load whose transaction stays open, like a big export on a
slow network. --clock-offset-hours shifts the loader's clock (a lagging host).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import load_raw  # noqa: E402


def main(argv: list[str]) -> int:
    split = argv.index("--")
    own, rest = argv[:split], argv[split + 1:]
    holding, release = Path(own[0]), Path(own[1])
    offset = float(own[own.index("--clock-offset-hours") + 1]) if "--clock-offset-hours" in own else 0.0

    class SkewedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=offset)

    load_raw.datetime = SkewedClock
    for target in (load_raw.PostgresTarget, load_raw.DuckDBTarget):
        original = target.load

        def load(self, *args, _original=original, **kwargs):
            rows = _original(self, *args, **kwargs)
            if str(holding) != "-" and not holding.exists():
                holding.write_text("holding")
                deadline = time.monotonic() + 300
                while not release.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
            return rows

        target.load = load
    return load_raw.main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
