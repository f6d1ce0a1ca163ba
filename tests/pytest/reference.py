"""An independent, plain-Python reading of the business rules over the raw
seed CSVs. It shares no code with the dbt models: the tests compare its
figures with the marts, so a mistake in either shows up as a difference."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

Row = dict[str, str]

PRODUCTS = {"economy", "comfort", "xl"}
TRIP_STATUSES = {"completed", "cancelled_by_rider", "cancelled_by_driver"}


def ts(text: str | None) -> datetime | None:
    """Exactly YYYY-MM-DD HH:MM:SS, nothing around it, second 00-59 (strptime
    alone would take one-digit fields and second 60)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", text or "") \
            or int(text[17:19]) > 59:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def day(text: str | None) -> datetime | None:
    """Exactly YYYY-MM-DD, a calendar day."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text or ""):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return None


def dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def amount(text: str | None) -> Decimal | None:
    """A money amount as written: a plain number, no padding."""
    return Decimal(text) if re.fullmatch(r"[+-]?[0-9]{1,10}(\.[0-9]+)?", text or "") else None


def excess_decimals(text: str | None) -> bool:
    """Rule 5: a non-zero digit past the currency's 2 minor units."""
    value = amount(text)
    return value is not None and value != value.quantize(Decimal("0.01"))


def title(text: str) -> str:
    """NFC, whitespace runs as one space, lower case, then the first letter of
    every part between spaces and hyphens upper-cased."""
    words = unicodedata.normalize("NFC", text).lower().split()
    return " ".join("-".join(part[:1].upper() + part[1:] for part in w.split("-")) for w in words)


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def read(path: Path) -> list[Row]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def newest_first(rows: list[Row]) -> list[Row]:
    """Rule 1 ordering: updated_at desc (unparseable last), export, line."""
    return sorted(rows, key=lambda r: (ts(r["updated_at"]) is not None, ts(r["updated_at"]) or datetime.min,
                                       r["_batch"], int(r["_line"])), reverse=True)


def trip_rule(r: Row, launched: datetime | None = None) -> str | None:
    """The first row rule a trip breaks; LAUNCHED is its city's launch instant
    (rule 8), when known."""
    requested, started, ended = ts(r["requested_at"]), ts(r["started_at"]), ts(r["ended_at"])
    status = r["status"].strip().lower()
    distance, fare, surge = dec(r["distance_km"]), amount(r["fare_amount"]), dec(r["surge_multiplier"])
    if not r["trip_id"]:
        return "missing_key"
    if (ts(r["updated_at"]) is None or requested is None or (r["started_at"].strip() and started is None)
            or (r["ended_at"].strip() and ended is None)):
        return "unparseable_timestamp"
    if r["product"].strip().lower() not in PRODUCTS or status not in TRIP_STATUSES:
        return "unknown_domain_value"
    if status == "completed" and (started is None or ended is None):
        return "missing_timestamp"
    if excess_decimals(r["fare_amount"]):
        return "excess_precision"
    if ((distance is not None and distance < 0) or (status == "completed" and distance is None)
            or fare is None or fare < 0 or surge is None or surge < 1):
        return "invalid_measure"
    if (started and started < requested) or (started and ended and ended < started):
        return "impossible_time_order"
    updated = ts(r["updated_at"])
    if any(t is not None and t > updated for t in (requested, started, ended)):
        return "timestamp_after_update"
    if launched is not None and requested < launched:
        return "before_city_launch"
    return None


def payment_rule(r: Row) -> str | None:
    if not r["payment_id"]:
        return "missing_key"
    if ts(r["updated_at"]) is None or ts(r["created_at"]) is None:
        return "unparseable_timestamp"
    if r["method"].strip().lower() not in {"card", "cash", "wallet"} or \
            r["status"].strip().lower() not in {"captured", "failed", "refunded"}:
        return "unknown_domain_value"
    if excess_decimals(r["amount"]) or excess_decimals(r["tip_amount"]):
        return "excess_precision"
    value, tip = amount(r["amount"]), amount(r["tip_amount"]) or Decimal(0)
    if value is None or value < 0 or tip < 0 or (r["tip_amount"] and amount(r["tip_amount"]) is None):
        return "invalid_measure"
    if ts(r["created_at"]) > ts(r["updated_at"]):
        return "timestamp_after_update"
    return None


def rating_rule(r: Row) -> str | None:
    if not r["trip_id"] or not r["rated_by"]:
        return "missing_key"
    if ts(r["updated_at"]) is None or ts(r["rated_at"]) is None:
        return "unparseable_timestamp"
    if r["rated_by"].strip().lower() not in {"rider", "driver"}:
        return "unknown_domain_value"
    if r["stars"] == "" or not 1 <= int(r["stars"]) <= 5:
        return "invalid_measure"
    if ts(r["rated_at"]) > ts(r["updated_at"]):
        return "timestamp_after_update"
    return None


def driver_rule(r: Row) -> str | None:
    if not r["driver_id"]:
        return "missing_key"
    if ts(r["updated_at"]) is None or ts(r["signed_up_at"]) is None:
        return "unparseable_timestamp"
    if r["product"].strip().lower() not in PRODUCTS or \
            r["status"].strip().lower() not in {"active", "suspended", "offboarded"}:
        return "unknown_domain_value"
    return None


def rider_rule(r: Row) -> str | None:
    if not r["rider_id"]:
        return "missing_key"
    if ts(r["updated_at"]) is None or ts(r["signed_up_at"]) is None:
        return "unparseable_timestamp"
    if r["is_business"].strip().lower() not in {"true", "false"}:
        return "unknown_domain_value"
    return None


ROW_RULES = {"trips": trip_rule, "payments": payment_rule, "ratings": rating_rule,
             "drivers": driver_rule, "riders": rider_rule,
             "cities": lambda r: None if r["city_id"] and ts(r["updated_at"]) else "invalid"}


@dataclass
class Resolved:
    kept: dict[tuple[str, ...], Row]
    quarantined: list[tuple[Row, str]]
    superseded: int


def resolve(rows: list[Row], key: tuple[str, ...], rule) -> Resolved:
    """Rules 1 and 2 for one table: newest version per key, then its rule."""
    groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    quarantined: list[tuple[Row, str]] = []
    for r in rows:
        if any(not r[k] for k in key) or ts(r["updated_at"]) is None:
            quarantined.append((r, rule(r) or "unparseable_timestamp"))
        else:
            groups[tuple(r[k].strip().lower() for k in key)].append(r)
    kept: dict[tuple[str, ...], Row] = {}
    superseded = 0
    for k, versions in groups.items():
        newest = newest_first(versions)[0]
        superseded += len(versions) - 1
        broken = rule(newest)
        if broken:
            quarantined.append((newest, broken))
        else:
            kept[k] = newest
    return Resolved(kept, quarantined, superseded)


class Sample:
    """Expected figures of the shipped sample, computed from seeds/."""

    def __init__(self, seeds: Path) -> None:
        self.raw = {t: read(seeds / "raw" / f"{t}.csv")
                    for t in ("cities", "drivers", "riders", "trips", "payments", "ratings")}
        self.rates = {(r["currency"], r["rate_month"]): Decimal(r["usd_per_unit"])
                      for r in read(seeds / "reference" / "exchange_rates.csv")}
        self.regions = {r["country_code"]: r["region"] for r in read(seeds / "reference" / "country_regions.csv")}
        self.timezones = {r["timezone"] for r in read(seeds / "reference" / "timezones.csv")}

    @cached_property
    def trips(self) -> Resolved:
        return resolve(self.raw["trips"], ("trip_id",), self.trip_rule)

    def trip_rule(self, r: Row) -> str | None:
        """Rule 8 needs the city: a trip is not before its city's launch (the
        first launch of any city when its city is unknown)."""
        city = int(r["city_id"]) if r["city_id"].strip() else None
        launched = self.launches.get(city, min(self.launches.values(), default=None))
        return trip_rule(r, launched)

    @cached_property
    def launches(self) -> dict[int, datetime]:
        return {cid: d for cid, c in self.cities.items() if (d := day(c["launched_on"])) is not None}

    def trip_currency(self, trip: Row) -> str:
        city = self.cities.get(int(trip["city_id"])) if trip["city_id"].strip() else None
        return (city["currency"] if city else trip["currency"]).strip().upper()

    @cached_property
    def resolved_cities(self) -> Resolved:
        return resolve(self.raw["cities"], ("city_id",), self.city_rule)

    @cached_property
    def cities(self) -> dict[int, Row]:
        return {int(k[0]): r for k, r in self.resolved_cities.kept.items()}

    def city_rule(self, r: Row) -> str | None:
        if r["launched_on"] and day(r["launched_on"]) is None:
            return "unparseable_timestamp"
        if not title(r["city_name"]) or not r["timezone"].strip() or not r["currency"].strip():
            return "missing_value"
        if r["timezone"].strip() not in self.timezones:
            return "unknown_timezone"
        if r["currency"].strip().upper() not in {c for c, _ in self.rates}:
            return "unknown_currency"
        return None

    def city_name(self, city_id: int) -> str | None:
        row = self.cities.get(city_id)
        return title(row["city_name"]) if row else None

    def _check_trip(self, resolved: Resolved, table: str) -> tuple[list[Row], list[tuple[Row, str]]]:
        seen = {r["trip_id"] for r in self.raw["trips"] if r["trip_id"]}
        good, bad = [], list(resolved.quarantined)
        for r in resolved.kept.values():
            if r["trip_id"] not in seen:
                bad.append((r, "unknown_trip"))
            elif (r["trip_id"],) not in self.trips.kept:
                bad.append((r, "trip_quarantined"))
            else:
                good.append(r)
        return good, bad

    @cached_property
    def payments(self) -> tuple[list[Row], list[tuple[Row, str]], int]:
        res = resolve(self.raw["payments"], ("payment_id",), payment_rule)
        checked, bad = self._check_trip(res, "payments")
        # rules 8 and 5, first broken wins: time, exchange rate, currency
        valid = []
        for p in checked:
            trip = self.trips.kept[(p["trip_id"],)]
            created, currency = ts(p["created_at"]), p["currency"].strip().upper()
            if created < ts(trip["requested_at"]):
                bad.append((p, "before_trip_request"))
            elif (currency, created.strftime("%Y-%m-01")) not in self.rates:
                bad.append((p, "missing_exchange_rate"))
            elif currency != self.trip_currency(trip):
                bad.append((p, "currency_mismatch"))
            else:
                valid.append(p)
        # rule 5: per trip, refunds in (created_at, payment_id) order; one whose
        # running total (amount or tip) passes the captured total is quarantined
        by_trip: dict[str, list[Row]] = defaultdict(list)
        for p in valid:
            by_trip[p["trip_id"]].append(p)
        good = []
        for payments in by_trip.values():
            captured = [p for p in payments if p["status"].strip().lower() == "captured"]
            cap_amount = sum((Decimal(p["amount"]) for p in captured), Decimal(0))
            cap_tip = sum((dec(p["tip_amount"]) or Decimal(0) for p in captured), Decimal(0))
            refunded_amount = refunded_tip = Decimal(0)
            refunds = sorted((p for p in payments if p["status"].strip().lower() == "refunded"),
                             key=lambda p: (ts(p["created_at"]), int(p["payment_id"])))
            for p in refunds:
                refunded_amount += Decimal(p["amount"])
                refunded_tip += dec(p["tip_amount"]) or Decimal(0)
                if refunded_amount > cap_amount or refunded_tip > cap_tip:
                    bad.append((p, "refund_exceeds_capture"))
                else:
                    good.append(p)
            good += [p for p in payments if p["status"].strip().lower() != "refunded"]
        return good, bad, res.superseded

    @cached_property
    def ratings(self) -> tuple[list[Row], list[tuple[Row, str]], int]:
        res = resolve(self.raw["ratings"], ("trip_id", "rated_by"), rating_rule)
        checked, bad = self._check_trip(res, "ratings")
        good = []
        for r in checked:  # rule 8: only completed trips are rated, never before the request
            trip = self.trips.kept[(r["trip_id"],)]
            if trip["status"].strip().lower() != "completed":
                bad.append((r, "rating_for_cancelled_trip"))
            elif ts(r["rated_at"]) < ts(trip["requested_at"]):
                bad.append((r, "before_trip_request"))
            else:
                good.append(r)
        return good, bad, res.superseded

    def quarantine_counts(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for _, rule in self.trips.quarantined:
            counts[("trips", rule)] += 1
        for _, rule in self.resolved_cities.quarantined:
            counts[("cities", rule)] += 1
        for table in ("payments", "ratings"):
            for _, rule in getattr(self, table)[1]:
                counts[(table, rule)] += 1
        return dict(counts)

    def usd(self, amount: Decimal, currency: str, created: datetime) -> Decimal:
        return cents(amount * self.rates[(currency.strip().upper(), created.strftime("%Y-%m-01"))])

    @cached_property
    def trip_facts(self) -> dict[int, dict[str, object]]:
        """One dict per kept trip: city, local date, completion, distance, net revenue USD."""
        revenue: dict[str, Decimal] = defaultdict(Decimal)
        tips: dict[str, Decimal] = defaultdict(Decimal)
        for p in self.payments[0]:
            sign = {"captured": 1, "refunded": -1}.get(p["status"].strip().lower(), 0)
            created = ts(p["created_at"])
            revenue[p["trip_id"]] += sign * self.usd(Decimal(p["amount"]), p["currency"], created)
            tips[p["trip_id"]] += sign * self.usd(dec(p["tip_amount"]) or Decimal(0), p["currency"], created)
        facts = {}
        for (trip_id,), r in self.trips.kept.items():
            city = self.cities.get(int(r["city_id"]))
            tz = ZoneInfo(city["timezone"].strip()) if city else timezone.utc
            local = ts(r["requested_at"]).replace(tzinfo=timezone.utc).astimezone(tz)
            started, ended = ts(r["started_at"]), ts(r["ended_at"])
            facts[int(trip_id)] = {
                "driver_id": int(r["driver_id"]),
                "city_id": int(r["city_id"]) if city else -1,
                "local_date": local.date(),
                "utc_date": ts(r["requested_at"]).date(),
                "ended_date": ended.date() if ended else None,
                "status": r["status"].strip().lower(),
                "rider_id": int(r["rider_id"]),
                "completed": r["status"].strip().lower() == "completed",
                "distance": dec(r["distance_km"]),
                "duration": Decimal((ended - started).total_seconds()) / 60 if started and ended else None,
                "net_revenue_usd": revenue[trip_id],
                "tip_usd": tips[trip_id],
            }
        return facts

    @cached_property
    def rider_signups(self) -> dict[int, datetime]:
        """Signup time of each rider's newest valid version."""
        newest: dict[int, Row] = {}
        for r in newest_first([r for r in self.raw["riders"] if rider_rule(r) is None]):
            newest.setdefault(int(r["rider_id"]), r)
        return {rid: ts(r["signed_up_at"]) for rid, r in newest.items()}

    def invalid_rows(self) -> set[tuple[str, str, int]]:
        """(table, export, line) of every raw row that breaks a row rule or is quarantined."""
        rules = {**ROW_RULES, "trips": self.trip_rule,
                 "cities": lambda r: ROW_RULES["cities"](r) or self.city_rule(r)}
        bad = {(t, r["_batch"], int(r["_line"])) for t, rule in rules.items() for r in self.raw[t] if rule(r)}
        for t in ("payments", "ratings"):
            bad |= {(t, r["_batch"], int(r["_line"])) for r, _ in getattr(self, t)[1]}
        return bad

    def month(self, d: date) -> str:
        return d.strftime("%Y-%m")
