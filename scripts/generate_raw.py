#!/usr/bin/env python3
"""Write deterministic, deliberately dirty raw exports of the ride-hailing app.

    python scripts/generate_raw.py OUT_DIR --trips N --batches K --seed S

writes K export folders OUT_DIR/batch_000 ... each holding the contract's CSV
files (a file is left out when its table has no rows in that export). The
history spans --days days from --start; export k carries every row whose
`updated_at` falls in its slice of that span (export 0 also carries all rows
last changed before the span: the initial full export). The same arguments
always give byte-identical files.

Defects written on purpose, each at a low rate (see DEFECT_RATES): stray
whitespace and mixed case in city names and emails; rows re-sent unchanged;
later versions of trips, drivers, riders, cities and ratings; trips with a
missing or negative distance, ended before started, an unparseable timestamp
or an unknown product; trips whose driver or rider is missing from the
exports (never, or only days later) or whose city is unknown; trips that
arrive days late; payments for trips that do not exist; ratings out of 1-5.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from raw_contract import TABLES, columns

TS = "%Y-%m-%d %H:%M:%S"

# city_id, name, country, currency, timezone, launched_on, demand weight
CITIES = [
    (1, "New York", "US", "USD", "America/New_York", "2015-03-01", 10),
    (2, "Los Angeles", "US", "USD", "America/Los_Angeles", "2015-06-01", 6),
    (3, "Chicago", "US", "USD", "America/Chicago", "2016-02-01", 4),
    (4, "Toronto", "CA", "CAD", "America/Toronto", "2016-09-01", 3),
    (5, "Mexico City", "MX", "MXN", "America/Mexico_City", "2017-04-01", 4),
    (6, "Sao Paulo", "BR", "BRL", "America/Sao_Paulo", "2017-08-01", 4),
    (7, "Buenos Aires", "AR", "ARS", "America/Argentina/Buenos_Aires", "2018-05-01", 2),
    (8, "London", "GB", "GBP", "Europe/London", "2015-10-01", 6),
    (9, "Paris", "FR", "EUR", "Europe/Paris", "2016-03-01", 4),
    (10, "Berlin", "DE", "EUR", "Europe/Berlin", "2017-01-01", 3),
    (11, "Madrid", "ES", "EUR", "Europe/Madrid", "2017-06-01", 3),
    (12, "Amsterdam", "NL", "EUR", "Europe/Amsterdam", "2018-02-01", 2),
    (13, "Lagos", "NG", "NGN", "Africa/Lagos", "2019-03-01", 2),
    (14, "Nairobi", "KE", "KES", "Africa/Nairobi", "2019-07-01", 2),
    (15, "Cape Town", "ZA", "ZAR", "Africa/Johannesburg", "2018-11-01", 2),
    (16, "Dubai", "AE", "AED", "Asia/Dubai", "2018-01-01", 2),
    (17, "Mumbai", "IN", "INR", "Asia/Kolkata", "2018-08-01", 4),
    (18, "Singapore", "SG", "SGD", "Asia/Singapore", "2017-11-01", 3),
    (19, "Tokyo", "JP", "JPY", "Asia/Tokyo", "2019-01-01", 3),
    (20, "Sydney", "AU", "AUD", "Australia/Sydney", "2016-12-01", 3),
]
UNKNOWN_CITY_ID = 99

# Approximate USD per unit; the exchange-rate seed drifts around these.
USD_PER_UNIT = {
    "USD": 1.0, "CAD": 0.73, "MXN": 0.055, "BRL": 0.19, "ARS": 0.0011,
    "GBP": 1.27, "EUR": 1.08, "NGN": 0.00065, "KES": 0.0077, "ZAR": 0.054,
    "AED": 0.2723, "INR": 0.012, "SGD": 0.74, "JPY": 0.0067, "AUD": 0.66,
}

PRODUCTS = ["economy", "comfort", "xl"]
PRODUCT_WEIGHTS = [70, 20, 10]
VEHICLES = [("Toyota", "Prius"), ("Toyota", "Camry"), ("Honda", "Accord"),
            ("Hyundai", "Ioniq"), ("Tesla", "Model 3"), ("Kia", "Niro"),
            ("Ford", "Galaxy"), ("Volkswagen", "Passat"), ("Skoda", "Octavia")]
FIRST = ["Ana", "Ben", "Chen", "Dara", "Emre", "Fatima", "Gus", "Hana", "Ivan",
         "Jon", "Kemi", "Lara", "Mo", "Nia", "Omar", "Pia", "Raj", "Sara",
         "Tom", "Uma", "Vic", "Wei", "Yara", "Zoe"]
LAST = ["Smith", "Garcia", "Okafor", "Tanaka", "Muller", "Rossi", "Silva",
        "Khan", "Dubois", "Kim", "Novak", "Patel", "Cohen", "Mensah", "Ito"]
BAD_TIMESTAMPS = ["2025-02-30 25:61:00", "not a date", "2025/01/07 10:00",
                  "1700000000", "2025-13-01 00:00:00"]

# Probability of each defect per eligible row.
DEFECT_RATES = {
    "resend": 0.015,           # any row re-sent unchanged
    "trip_late": 0.02,         # trip first exported 2-6 days after it happened
    "trip_new_version": 0.03,  # trip corrected later (fare adjusted)
    "missing_distance": 0.005,
    "negative_distance": 0.003,
    "ended_before_started": 0.003,
    "bad_timestamp": 0.003,
    "unknown_product": 0.002,
    "orphan_driver": 0.004,    # driver id that no export ever carries
    "orphan_rider": 0.004,
    "unknown_city": 0.001,
    "late_driver": 0.15,       # new driver's row exported days after signup
    "orphan_payment": 0.003,   # payment for a trip id that does not exist
    "failed_payment": 0.03,
    "refund": 0.02,
    "rating_changed": 0.01,
    "bad_stars": 0.002,
    "messy_text": 0.05,        # whitespace / case noise in names and emails
}


@dataclass
class Person:
    pid: int
    city_id: int
    signed_up_at: datetime
    versions: list[dict[str, object]] = field(default_factory=list)

    def at(self, ts: datetime) -> dict[str, object]:
        """The version valid at `ts` (the first one if none yet)."""
        current = self.versions[0]
        for v in self.versions:
            if v["_valid_from"] <= ts:
                current = v
        return current


def fmt(ts: datetime) -> str:
    return ts.strftime(TS)


def messy(rng: random.Random, text: str) -> str:
    """Stray whitespace or odd case, as real exports have."""
    if rng.random() >= DEFECT_RATES["messy_text"]:
        return text
    return rng.choice([f"  {text}", f"{text} ", text.upper(), text.lower(), f" {text.upper()} "])


class Generator:
    def __init__(self, trips: int, batches: int, seed: int, start: date, days: int) -> None:
        self.rng = random.Random(seed)
        self.n_trips = trips
        self.batches = batches
        self.start = datetime.combine(start, datetime.min.time())
        self.days = days
        self.end = self.start + timedelta(days=days)
        self.slice = timedelta(days=days) / batches
        self.rows: dict[str, list[tuple[int, dict[str, object]]]] = {t: [] for t in TABLES}

    # -- helpers ---------------------------------------------------------
    def batch_of(self, ts: datetime) -> int:
        if ts < self.start:
            return 0
        return min(self.batches - 1, int((ts - self.start) / self.slice))

    def emit(self, table: str, row: dict[str, object], updated_at: datetime) -> None:
        batch = self.batch_of(updated_at)
        self.rows[table].append((batch, row))
        if self.rng.random() < DEFECT_RATES["resend"]:
            self.rows[table].append((min(self.batches - 1, batch + self.rng.randint(0, 1)), row))

    def in_window(self) -> datetime:
        return self.start + timedelta(seconds=self.rng.randrange(self.days * 86400))

    def before_window(self, max_days: int) -> datetime:
        return self.start - timedelta(seconds=self.rng.randrange(86400, max_days * 86400))

    # -- entities --------------------------------------------------------
    def cities(self) -> None:
        stamp = self.start - timedelta(days=30)
        for cid, name, cc, cur, tz, launched, _ in CITIES:
            row = {"city_id": cid, "city_name": messy(self.rng, name), "country_code": cc,
                   "currency": cur, "timezone": tz, "launched_on": launched,
                   "updated_at": fmt(stamp)}
            self.emit("cities", row, stamp)
        # Two cities are re-exported mid-span with a cleaned-up name.
        for cid in (1, 8):
            later = self.start + timedelta(days=self.days // 2, hours=cid)
            c = CITIES[cid - 1]
            row = {"city_id": cid, "city_name": f" {c[1].upper()}", "country_code": c[2],
                   "currency": c[3], "timezone": c[4], "launched_on": c[5],
                   "updated_at": fmt(later)}
            self.emit("cities", row, later)

    def people(self, kind: str, count: int, new_share: float) -> list[Person]:
        weights = [c[6] for c in CITIES]
        city_ids = [c[0] for c in CITIES]
        people: list[Person] = []
        for i in range(1, count + 1):
            city = city_ids[(i - 1) % len(CITIES)] if i <= 2 * len(CITIES) else \
                self.rng.choices(city_ids, weights)[0]
            # The first two per city signed up before the span so every city
            # always has someone to take its early trips.
            new = i > 2 * len(CITIES) and self.rng.random() < new_share
            signed = self.in_window() if new else self.before_window(720)
            people.append(Person(i, city, signed))
        for p in people:
            self.person_versions(kind, p)
        return people

    def person_versions(self, kind: str, p: Person) -> None:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}{p.pid}@example.com".lower()
        base: dict[str, object] = {"first_name": first, "last_name": last,
                                   "phone": f"+1555{p.pid:07d}"}
        if kind == "drivers":
            make, model = rng.choice(VEHICLES)
            base.update({"driver_id": p.pid, "city_id": p.city_id, "vehicle_make": make,
                         "vehicle_model": model, "vehicle_year": rng.randint(2012, 2024),
                         "product": rng.choices(PRODUCTS, PRODUCT_WEIGHTS)[0],
                         "status": "active"})
        else:
            base.update({"rider_id": p.pid, "home_city_id": p.city_id,
                         "is_business": "true" if rng.random() < 0.1 else "false"})
        first_update = p.signed_up_at
        if kind == "drivers" and p.signed_up_at >= self.start and rng.random() < DEFECT_RATES["late_driver"]:
            first_update = p.signed_up_at + timedelta(days=rng.randint(10, 20), minutes=rng.randint(0, 600))
        stamps = [first_update]
        n_changes = 0
        if rng.random() < (0.25 if kind == "drivers" else 0.1):
            n_changes = rng.randint(1, 2)
        for _ in range(n_changes):
            lo = max(stamps[-1], self.start)
            if lo >= self.end - timedelta(hours=1):
                break
            stamps.append(lo + timedelta(seconds=rng.randrange(3600, int((self.end - lo).total_seconds()))))
        current = dict(base)
        for n, stamp in enumerate(stamps):
            if n > 0:
                current = dict(current)
                self.change(kind, current)
            row = dict(current)
            row["email"] = messy(rng, email)
            row["signed_up_at"] = fmt(p.signed_up_at)
            row["updated_at"] = fmt(stamp)
            self.emit(kind, {c: row[c] for c in columns(kind)}, stamp)
            current["_valid_from"] = p.signed_up_at if n == 0 else stamp
            p.versions.append(current)

    def change(self, kind: str, row: dict[str, object]) -> None:
        rng = self.rng
        if kind == "drivers":
            what = rng.choice(["vehicle", "product", "status", "city"])
            if what == "vehicle":
                row["vehicle_make"], row["vehicle_model"] = rng.choice(VEHICLES)
                row["vehicle_year"] = rng.randint(2018, 2025)
            elif what == "product":
                row["product"] = rng.choice([p for p in PRODUCTS if p != row["product"]])
            elif what == "status":
                row["status"] = rng.choice(["suspended", "offboarded"]) \
                    if row["status"] == "active" else "active"
            else:
                row["city_id"] = rng.choice([c[0] for c in CITIES])
        else:
            if rng.random() < 0.5:
                row["is_business"] = "false" if row["is_business"] == "true" else "true"
            else:
                row["home_city_id"] = rng.choice([c[0] for c in CITIES])

    # -- facts -----------------------------------------------------------
    def trips(self, drivers: list[Person], riders: list[Person]) -> None:
        rng = self.rng
        weights = [c[6] for c in CITIES]
        by_city_d = {c[0]: [d for d in drivers if d.city_id == c[0]] for c in CITIES}
        by_city_r = {c[0]: [r for r in riders if r.city_id == c[0]] for c in CITIES}
        requested_list = sorted(self.in_window() for _ in range(self.n_trips))
        payment_id = 0
        for trip_id, requested in enumerate(requested_list, start=1):
            city = rng.choices(CITIES, weights)[0]
            cid, currency = city[0], city[3]
            driver = self.pick(by_city_d[cid], requested)
            rider = self.pick(by_city_r[cid] or riders, requested)
            driver_id, rider_id, city_id = driver.pid, rider.pid, cid
            if rng.random() < DEFECT_RATES["orphan_driver"]:
                driver_id = 900000 + trip_id
            if rng.random() < DEFECT_RATES["orphan_rider"]:
                rider_id = 800000 + trip_id
            if rng.random() < DEFECT_RATES["unknown_city"]:
                city_id = UNKNOWN_CITY_ID
            product = str(driver.at(requested)["product"])
            roll = rng.random()
            status = "completed" if roll < 0.9 else \
                "cancelled_by_rider" if roll < 0.96 else "cancelled_by_driver"
            surge = 1.0 if rng.random() < 0.8 else round(rng.uniform(1.1, 2.5), 1)
            rate = USD_PER_UNIT[currency]
            started = ended = None
            distance: float | None = None
            if status == "completed":
                started = requested + timedelta(seconds=rng.randint(60, 900))
                minutes = rng.randint(4, 60)
                ended = started + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
                distance = round(minutes * rng.uniform(0.25, 0.8), 3)
                mult = {"economy": 1.0, "comfort": 1.3, "xl": 1.6}[product]
                fare_usd = (2.5 + 1.1 * distance + 0.3 * minutes) * surge * mult
                updated = ended + timedelta(minutes=rng.randint(1, 10))
            else:
                fare_usd = 5.0 if rng.random() < 0.5 else 0.0
                updated = requested + timedelta(minutes=rng.randint(1, 5))
            fare = round(fare_usd / rate, 2)
            if rng.random() < DEFECT_RATES["trip_late"]:
                updated += timedelta(days=rng.randint(2, 6))
            row: dict[str, object] = {
                "trip_id": trip_id, "rider_id": rider_id, "driver_id": driver_id,
                "city_id": city_id, "product": product, "status": status,
                "requested_at": fmt(requested), "started_at": fmt(started) if started else "",
                "ended_at": fmt(ended) if ended else "",
                "distance_km": f"{distance:.3f}" if distance is not None else "",
                "surge_multiplier": f"{surge:.2f}", "fare_amount": f"{fare:.2f}",
                "currency": currency, "updated_at": fmt(updated)}
            self.dirty_trip(row)
            self.emit("trips", row, updated)
            if rng.random() < DEFECT_RATES["trip_new_version"] and fare > 0:
                fare = round(fare * 0.9, 2)
                updated = updated + timedelta(days=rng.randint(1, 3), minutes=rng.randint(0, 59))
                row = dict(row, fare_amount=f"{fare:.2f}", updated_at=fmt(updated))
                self.emit("trips", row, updated)
            payment_id = self.payments(payment_id, trip_id, status, requested, ended, fare, currency)
            if status == "completed" and ended is not None:
                self.ratings(trip_id, ended)
        for k in range(int(self.n_trips * DEFECT_RATES["orphan_payment"]) + 1):
            payment_id += 1
            created = self.in_window()
            self.emit("payments", {
                "payment_id": payment_id, "trip_id": 9_000_000 + k, "method": "card",
                "status": "captured", "amount": f"{rng.uniform(5, 40):.2f}", "tip_amount": "0.00",
                "currency": "USD", "created_at": fmt(created), "updated_at": fmt(created)}, created)

    def pick(self, pool: list[Person], ts: datetime) -> Person:
        """Someone from the pool who had signed up by `ts`."""
        for _ in range(5):
            p = self.rng.choice(pool)
            if p.signed_up_at <= ts:
                return p
        return min(pool, key=lambda p: p.signed_up_at)

    def dirty_trip(self, row: dict[str, object]) -> None:
        rng = self.rng
        completed = row["status"] == "completed"
        if completed and rng.random() < DEFECT_RATES["missing_distance"]:
            row["distance_km"] = ""
        elif completed and rng.random() < DEFECT_RATES["negative_distance"]:
            row["distance_km"] = f"-{row['distance_km']}"
        elif completed and rng.random() < DEFECT_RATES["ended_before_started"]:
            row["started_at"], row["ended_at"] = row["ended_at"], row["started_at"]
        elif rng.random() < DEFECT_RATES["bad_timestamp"]:
            col = "ended_at" if completed and rng.random() < 0.5 else "requested_at"
            row[col] = rng.choice(BAD_TIMESTAMPS)
        elif rng.random() < DEFECT_RATES["unknown_product"]:
            row["product"] = "scooter"
        if rng.random() < DEFECT_RATES["messy_text"]:
            row["product"] = str(row["product"]).upper()

    def payments(self, payment_id: int, trip_id: int, status: str, requested: datetime,
                 ended: datetime | None, fare: float, currency: str) -> int:
        rng = self.rng
        if fare <= 0:
            return payment_id
        created = (ended or requested) + timedelta(minutes=rng.randint(1, 5))
        method = rng.choices(["card", "cash", "wallet"], [65, 20, 15])[0]
        tip = 0.0
        if status == "completed" and method != "cash" and rng.random() < 0.4:
            tip = round(fare * rng.uniform(0.05, 0.2), 2)
        attempts = ["failed", "captured"] if rng.random() < DEFECT_RATES["failed_payment"] else ["captured"]
        for n, pay_status in enumerate(attempts):
            payment_id += 1
            at = created + timedelta(minutes=2 * n)
            self.emit("payments", {
                "payment_id": payment_id, "trip_id": trip_id, "method": method,
                "status": pay_status, "amount": f"{fare:.2f}", "tip_amount": f"{tip:.2f}",
                "currency": currency, "created_at": fmt(at), "updated_at": fmt(at)}, at)
        if status == "completed" and rng.random() < DEFECT_RATES["refund"]:
            payment_id += 1
            at = created + timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600))
            refund = round(fare * rng.choice([0.25, 0.5, 1.0]), 2)
            self.emit("payments", {
                "payment_id": payment_id, "trip_id": trip_id, "method": method,
                "status": "refunded", "amount": f"{refund:.2f}", "tip_amount": "0.00",
                "currency": currency, "created_at": fmt(at), "updated_at": fmt(at)}, at)
        return payment_id

    def ratings(self, trip_id: int, ended: datetime) -> None:
        rng = self.rng
        for side, share in (("rider", 0.7), ("driver", 0.5)):
            if rng.random() >= share:
                continue
            stars = rng.choices([5, 4, 3, 2, 1], [60, 25, 8, 4, 3])[0]
            if rng.random() < DEFECT_RATES["bad_stars"]:
                stars = rng.choice([0, 6])
            rated = ended + timedelta(minutes=rng.randint(1, 120))
            row = {"trip_id": trip_id, "rated_by": side, "stars": stars,
                   "rated_at": fmt(rated), "updated_at": fmt(rated)}
            self.emit("ratings", row, rated)
            if rng.random() < DEFECT_RATES["rating_changed"]:
                later = rated + timedelta(days=1)
                self.emit("ratings", dict(row, stars=max(1, stars - 1), updated_at=fmt(later)), later)

    # -- output ----------------------------------------------------------
    def run(self) -> None:
        self.cities()
        drivers = self.people("drivers", max(2 * len(CITIES), self.n_trips // 30), 0.2)
        riders = self.people("riders", max(2 * len(CITIES), self.n_trips // 8), 0.3)
        self.trips(drivers, riders)

    def write(self, out: Path) -> list[Path]:
        width = max(3, len(str(self.batches - 1)))
        folders = []
        for b in range(self.batches):
            folder = out / f"batch_{b:0{width}d}"
            folder.mkdir(parents=True, exist_ok=True)
            folders.append(folder)
        for table, rows in self.rows.items():
            cols = columns(table)
            per_batch: dict[int, list[dict[str, object]]] = {}
            for batch, row in rows:
                per_batch.setdefault(batch, []).append(row)
            for batch, batch_rows in per_batch.items():
                batch_rows.sort(key=lambda r: (str(r["updated_at"]), tuple(str(r[c]) for c in cols[:2])))
                with open(folders[batch] / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
                    writer = csv.writer(fh, lineterminator="\n")
                    writer.writerow(cols)
                    writer.writerows([r[c] for c in cols] for r in batch_rows)
        return folders


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, help="folder to write the export folders into")
    parser.add_argument("--trips", type=int, default=5000, help="number of distinct trips (default 5000)")
    parser.add_argument("--batches", type=int, default=6, help="number of daily export folders (default 6)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 1),
                        help="first day of the history, YYYY-MM-DD (default 2025-01-01)")
    parser.add_argument("--days", type=int, default=90, help="days of history (default 90)")
    args = parser.parse_args(argv)
    if args.trips < 1 or args.batches < 1 or args.days < 1:
        parser.error("--trips, --batches and --days must be positive")
    gen = Generator(args.trips, args.batches, args.seed, args.start, args.days)
    gen.run()
    folders = gen.write(args.out_dir)
    print(f"wrote {len(folders)} exports to {args.out_dir}")


if __name__ == "__main__":
    main()
