#!/usr/bin/env python3
"""Converts the Cambridge University Estates hourly building energy data into Fugong inputs.

The hourly companion of ../cambridge/convert.py (same buildings, county, regions, calendar and
weather), for reading the shape of a day (docs/day-shape.md): each building-hour becomes one
interval reading of 60 minutes. The source rows are labelled with the hour's start in UTC, so a
reading's ts is that label plus one hour (the interval ends at ts); config.yaml puts the days in
Europe/London, as the buildings' working hours are.

The archive stores a missing hour as 0, so an hour of exactly 0 is left out (no reading is not
zero), and counted; a day missing more than a quarter of its hours is then a missing meter-day by
SPEC's coverage rule. Empty cells are left out too.

Writes into the work dir: enterprises.csv, readings.csv, weather.csv, regions.csv, calendar.csv
and counts.json.

Usage: convert.py --data DIR --out WORKDIR
"""

import argparse
import csv
import datetime
import importlib.util
import json
import os
import sys

HOURLY_FILE = "cambridge_hourly_kwh_2019-12_2020-05.csv"


def load_daily_converter():
    """The daily example's converter, for what both share (registry, weather, regions, calendar)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cambridge", "convert.py")
    spec = importlib.util.spec_from_file_location("cambridge_daily", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="the realdata cambridge/ folder")
    parser.add_argument("--out", required=True, help="work dir to write the inputs into")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    daily = load_daily_converter()

    rows = daily.read_rows(os.path.join(args.data, HOURLY_FILE))
    buildings = [c for c in rows[0].keys() if c != "datetime_utc"]
    skipped = {"empty": 0, "zero_hours": 0}
    readings = 0
    with open(os.path.join(args.out, "readings.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["meter_id", "enterprise_id", "ts", "kwh", "kind"])
        for row in rows:
            start = datetime.datetime.fromisoformat(row["datetime_utc"])
            ts = (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            for b in buildings:
                kwh = row[b].strip()
                if not kwh:
                    skipped["empty"] += 1
                    continue
                if float(kwh) == 0:
                    skipped["zero_hours"] += 1
                    continue
                w.writerow([b, b, ts, kwh, "interval"])
                readings += 1

    weather = daily.write_shared_inputs(args.data, args.out, buildings)

    counts = {"readings": readings, "enterprises": len(buildings), "weather": weather,
              "skipped": skipped, "hours": len(rows)}
    with open(os.path.join(args.out, "counts.json"), "w") as f:
        json.dump(counts, f, indent=2)
        f.write("\n")
    print(f"convert: {len(buildings)} buildings, {len(rows)} hours -> {readings} readings; "
          f"skipped {skipped['zero_hours']} zero hours (missing, not zero), "
          f"{skipped['empty']} empty; {weather} days of Bedford temperature")
    return 0


if __name__ == "__main__":
    sys.exit(main())
