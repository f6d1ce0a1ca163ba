#!/usr/bin/env python3
"""Rebuild the shipped sample: the raw seeds under seeds/raw and the static
exchange-rate seed under seeds/reference.

The raw seeds are the generator's exports stacked into one file per table,
each row tagged with its export (`_batch`), the physical line where it starts
in that export's file (`_line`), the load time and the load id, exactly the
columns the bulk loader adds. Run it only to change the
sample on purpose; the tests recompute every expected figure from the files.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from generate_raw import CITIES, USD_PER_UNIT, generate
from raw_contract import LINEAGE_COLUMNS, TABLES, columns, export_dirs

ROOT = Path(__file__).resolve().parent.parent


def stack_exports(source: Path, seed_dir: Path, loaded_at: dict[str, str]) -> dict[str, int]:
    """One seed CSV per table from all export folders under SOURCE; LOADED_AT
    gives each export's (simulated) load time; exports get load ids 1, 2, ...
    in name order, as scripts/load_raw.py would hand them out."""
    seed_dir.mkdir(parents=True, exist_ok=True)
    load_id = {folder.name: n for n, folder in enumerate(export_dirs(source), start=1)}
    counts = {}
    for table in TABLES:
        header = columns(table) + list(LINEAGE_COLUMNS)
        n = 0
        with open(seed_dir / f"{table}.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            for folder in export_dirs(source):
                path = folder / f"{table}.csv"
                if not path.exists():
                    continue
                with open(path, newline="", encoding="utf-8") as fh:
                    reader = csv.reader(fh)
                    next(reader)
                    for row in reader:
                        if not row:
                            continue  # a blank last line (the loader ignores it too)
                        # the physical line where the record starts, as the loader's _line
                        line = reader.line_num - sum(v.count("\n") for v in row)
                        writer.writerow(row + [folder.name, line, loaded_at[folder.name], load_id[folder.name]])
                        n += 1
        counts[table] = n
    return counts


def write_exchange_rates(path: Path, first: date, months: int) -> None:
    """Monthly USD rates with a small deterministic drift per currency."""
    path.parent.mkdir(parents=True, exist_ok=True)
    currencies = sorted({c[3] for c in CITIES})
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["currency", "rate_month", "usd_per_unit"])
        for currency in currencies:
            for m in range(months):
                year, month = divmod(first.month - 1 + m, 12)
                month_start = date(first.year + year, month + 1, 1)
                drift = 1.0 if currency == "USD" else 1 + 0.01 * ((m * 7 + len(currency)) % 5 - 2)
                writer.writerow([currency, month_start.isoformat(), f"{USD_PER_UNIT[currency] * drift:.8f}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trips", type=int, default=5000)
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    start = datetime(2025, 1, 1)
    slice_ = timedelta(days=args.days) / args.batches
    with tempfile.TemporaryDirectory() as tmp:
        folders = generate(Path(tmp), args.trips, args.batches, args.seed, start.date(), args.days)
        # each sample export counts as loaded one hour after its slice closes
        loaded_at = {f.name: (start + slice_ * (n + 1) + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
                     for n, f in enumerate(folders)}
        counts = stack_exports(Path(tmp), ROOT / "seeds" / "raw", loaded_at)
    write_exchange_rates(ROOT / "seeds" / "reference" / "exchange_rates.csv", date(2024, 1, 1), 36)
    print(", ".join(f"{t}: {n}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
