"""The generator is deterministic, writes the contract, and the shipped
sample carries every defect class of the spec."""

from __future__ import annotations

import csv
import filecmp
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from reference import Sample, trip_rule, ts

ROOT = Path(__file__).resolve().parents[2]


def generate(out: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts/generate_raw.py"), str(out), *args], check=True,
                   capture_output=True)


def assert_same_exports(left: Path, right: Path) -> None:
    """The same export folders, holding byte-identical files."""
    folders = sorted(p.name for p in left.iterdir())
    assert folders == sorted(p.name for p in right.iterdir())
    for folder in folders:
        cmp = filecmp.dircmp(left / folder, right / folder)
        assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
        _, mismatch, errors = filecmp.cmpfiles(left / folder, right / folder, cmp.common_files, shallow=False)
        assert not mismatch and not errors


def test_same_seed_gives_byte_identical_exports(tmp_path: Path) -> None:
    generate(tmp_path / "a", "--trips", "800", "--batches", "4", "--seed", "7")
    generate(tmp_path / "b", "--trips", "800", "--batches", "4", "--seed", "7")
    generate(tmp_path / "c", "--trips", "800", "--batches", "4", "--seed", "8")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["batch_000", "batch_001", "batch_002", "batch_003"]
    assert_same_exports(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a/batch_000/trips.csv").read_bytes() != (tmp_path / "c/batch_000/trips.csv").read_bytes()


def test_exports_sorted_in_groups_are_the_same_files(tmp_path: Path, monkeypatch) -> None:
    """At 50M trips the generator sorts its rows one group of exports at a
    time (export_groups); the files must not depend on the grouping."""
    import generate_raw

    generate(tmp_path / "one_sort", "--trips", "800", "--batches", "5", "--seed", "7")
    monkeypatch.setattr(generate_raw, "SORT_TRIPS", 300)
    assert [(g.start, g.stop) for g in generate_raw.export_groups(800, 5)] == [(0, 1), (1, 3), (3, 5)]
    generate_raw.main([str(tmp_path / "three_sorts"), "--trips", "800", "--batches", "5", "--seed", "7"])
    assert_same_exports(tmp_path / "one_sort", tmp_path / "three_sorts")


def test_generated_trip_count_and_headers(tmp_path: Path) -> None:
    from raw_contract import columns
    generate(tmp_path, "--trips", "500", "--batches", "3", "--seed", "1")
    ids = set()
    for folder in sorted(tmp_path.iterdir()):
        for path in folder.glob("*.csv"):
            with open(path, newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                assert next(reader) == columns(path.stem)
                if path.stem == "trips":
                    ids |= {row[0] for row in reader}
    assert len(ids) == 500


def test_generator_writes_the_dirty_kinds_of_issue_13(tmp_path: Path) -> None:
    """Near-miss timestamps, Unicode whitespace and decomposed accents in
    names and emails, quoted empty fields, blank last lines, cities the
    warehouse cannot use (and trips in them): each present, each rare. These
    are the sample's own arguments, so the shipped sample carries them too
    (its seeds lose only the byte-level kinds: quoted empties and blank
    lines); tests/pytest/test_dirty_corpus.py covers their rules."""
    generate(tmp_path, "--trips", "5000", "--batches", "6", "--seed", "42")
    rows = {t: [r for path in sorted(tmp_path.glob(f"*/{t}.csv"))
                for r in csv.DictReader(open(path, newline="", encoding="utf-8"))]
            for t in ("cities", "trips", "drivers")}
    near_misses = {"2025-01-13 24:00:00", "2025-01-16 10:59:60", "2025-1-15 9:00:00", "2025-01-17  10:05:00",
                   " 2025-01-10 14:00:00", "2025-01-10T14:00:00", "2025-02-29 10:00:00"}
    bad = Counter(r[c] for r in rows["trips"] for c in ("requested_at", "ended_at") if r[c] in near_misses)
    assert len(bad) >= 3 and sum(bad.values()) < 0.01 * len(rows["trips"]), bad
    unicode_spaces = ("\t", "\u00a0", "\u3000", "\u2003")
    odd_text = [v for r in rows["cities"] + rows["drivers"] for v in (r.get("city_name"), r.get("email"))
                if v and any(ch in v for ch in unicode_spaces)]
    assert 0 < len(odd_text) < 0.05 * len(rows["drivers"])
    assert {(c["city_id"], c["timezone"], c["currency"]) for c in rows["cities"] if c["city_id"] in ("21", "22")} \
        == {("21", "Atlantic/Atlantis", "EUR"), ("22", "America/Bogota", "XAU")}
    in_odd_cities = sum(r["city_id"] in ("21", "22") for r in rows["trips"])
    assert 0 < in_odd_cities < 0.005 * len(rows["trips"])
    # accented names both composed (NFC) and decomposed (NFD), the NFD ones rare
    names = [r[c] for r in rows["drivers"] for c in ("first_name", "last_name")]
    decomposed = [n for n in names if unicodedata.normalize("NFC", n) != n]
    assert decomposed and len(decomposed) < 0.02 * len(names)
    assert any(unicodedata.normalize("NFC", n) == n and n.strip() in ("José", "Müller", "Núñez", "Zoë") for n in names)
    # a quoted empty `""` beside plain empty fields, in the optional trip columns
    trip_bytes = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("*/trips.csv")))
    quoted, plain = trip_bytes.count(b',"",'), trip_bytes.count(b",,")
    assert 0 < quoted < plain
    # some files, not most, end in a blank line
    files = sorted(tmp_path.glob("*/*.csv"))
    blank_last = [p for p in files if p.read_bytes().endswith(b"\n\n")]
    assert 0 < len(blank_last) < 0.3 * len(files)
    # the shipped sample was regenerated with these kinds
    shipped = {r["city_id"] for r in csv.DictReader(open(ROOT / "seeds/raw/cities.csv", encoding="utf-8"))}
    assert {"21", "22"} <= shipped


def test_sample_shape() -> None:
    sample = Sample(ROOT / "seeds")
    trips = sample.raw["trips"]
    assert len({r["_batch"] for r in trips}) >= 3
    days = {ts(r["requested_at"]).date() for r in trips if ts(r["requested_at"])}
    assert (max(days) - min(days)).days >= 60
    assert len(sample.cities) >= 14 and any(sample.city_name(c) == "New York" for c in sample.cities)
    assert len({c["currency"] for c in sample.cities.values()}) >= 5
    assert len({c["timezone"] for c in sample.cities.values()}) >= 10


def defect_counts(sample: Sample) -> Counter:
    """How often each defect class of the spec occurs in the shipped sample."""
    raw = sample.raw
    counts: Counter = Counter()
    entity_key = {"cities": "city_id", "drivers": "driver_id", "riders": "rider_id", "trips": "trip_id",
                  "payments": "payment_id", "ratings": "trip_id"}  # ratings: one per side, not versions
    for table, rows in raw.items():
        contents = Counter(tuple(v for k, v in r.items() if not k.startswith("_")) for r in rows)
        counts["resent_row"] += sum(n - 1 for n in contents.values())
        # keys exported with more than one distinct content: changed later
        per_key = Counter(content[list(rows[0]).index(entity_key[table])] for content in contents)
        if table != "ratings":
            counts["newer_version"] += sum(1 for n in per_key.values() if n > 1)
    counts["messy_city_name"] = sum(1 for r in raw["cities"] if r["city_name"] != r["city_name"].strip().title())
    counts["messy_email"] = sum(1 for t in ("drivers", "riders") for r in raw[t] if r["email"] != r["email"].strip().lower())
    counts["missing_distance"] = sum(1 for r in raw["trips"] if r["status"].lower() == "completed" and not r["distance_km"])
    counts["negative_distance"] = sum(1 for r in raw["trips"] if r["distance_km"].startswith("-"))
    counts["ended_before_started"] = sum(1 for r in raw["trips"] if trip_rule(r) == "impossible_time_order")
    counts["unparseable_timestamp"] = sum(1 for r in raw["trips"] if trip_rule(r) == "unparseable_timestamp")
    driver_ids = {r["driver_id"] for r in raw["drivers"]}
    rider_ids = {r["rider_id"] for r in raw["riders"]}
    counts["trip_unknown_driver"] = sum(1 for r in raw["trips"] if r["driver_id"] not in driver_ids)
    counts["trip_unknown_rider"] = sum(1 for r in raw["trips"] if r["rider_id"] not in rider_ids)
    first_driver_batch = {}
    for r in raw["drivers"]:
        first_driver_batch.setdefault(r["driver_id"], r["_batch"])
    counts["trip_before_its_driver_exported"] = sum(
        1 for r in raw["trips"] if r["driver_id"] in first_driver_batch and r["_batch"] < first_driver_batch[r["driver_id"]])
    counts["late_arriving_trip"] = sum(
        1 for r in raw["trips"] if ts(r["requested_at"]) and ts(r["updated_at"])
        and (ts(r["updated_at"]) - ts(r["requested_at"])).days >= 2)
    trip_ids = {r["trip_id"] for r in raw["trips"]}
    counts["payment_unknown_trip"] = sum(1 for r in raw["payments"] if r["trip_id"] not in trip_ids)
    return counts


def test_sample_carries_every_defect_class_at_a_low_rate() -> None:
    sample = Sample(ROOT / "seeds")
    counts = defect_counts(sample)
    trips = len(sample.raw["trips"])
    for defect in ("resent_row", "newer_version", "messy_city_name", "messy_email", "missing_distance",
                   "negative_distance", "ended_before_started", "unparseable_timestamp", "trip_unknown_driver",
                   "trip_unknown_rider", "trip_before_its_driver_exported", "late_arriving_trip",
                   "payment_unknown_trip"):
        assert counts[defect] > 0, defect
    for defect in ("missing_distance", "negative_distance", "ended_before_started", "unparseable_timestamp",
                   "trip_unknown_driver", "trip_unknown_rider", "late_arriving_trip"):
        assert counts[defect] < 0.05 * trips, defect
    print(dict(counts))


def test_sample_carries_every_money_and_time_defect_at_a_low_rate() -> None:
    """Rules 5 and 8: the sample (and so the parity and incremental tests)
    sees every new rule break, each rarely (counted by the reference)."""
    sample = Sample(ROOT / "seeds")
    counts = sample.quarantine_counts()
    for table, rule in [("trips", "timestamp_after_update"), ("trips", "before_city_launch"),
                        ("payments", "timestamp_after_update"), ("payments", "before_trip_request"),
                        ("payments", "missing_exchange_rate"), ("payments", "currency_mismatch"),
                        ("payments", "refund_exceeds_capture"), ("ratings", "timestamp_after_update"),
                        ("ratings", "before_trip_request"), ("ratings", "rating_for_cancelled_trip"),
                        ("trips", "excess_precision"), ("payments", "excess_precision")]:
        assert 0 < counts.get((table, rule), 0) < 0.01 * len(sample.raw[table]), (table, rule)
