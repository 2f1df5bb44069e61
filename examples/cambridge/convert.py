#!/usr/bin/env python3
"""Converts the Cambridge University Estates daily building energy data into Fugong inputs.

Each building is one enterprise (a University building is an "enterprise" of public services,
I15) in one county, Cambridge. The source days are UTC days, so a day's total becomes one
interval reading of 1440 minutes ending at the next day's 00:00+00:00.

The archive stores a missing hour as 0, so a day with more than 2 zero hours is missing, not a
day of zero consumption: it is left out (no reading is not zero), and counted. Empty cells (the
building has no data that year) are left out too.

Writes into the work dir: enterprises.csv, readings.csv, weather.csv, regions.csv, calendar.csv
and counts.json (lines written and cells skipped, so that a test can check that every line
written comes back as used or dead-lettered).

Usage: convert.py --data DIR --out WORKDIR
"""

import argparse
import csv
import datetime
import json
import os
import sys

KWH_FILE = "cambridge_daily_kwh_2018_2021.csv"
ZERO_HOURS_FILE = "cambridge_daily_zero_hours_2018_2021.csv"
TEMPERATURE_FILE = "bedford_daily_temp_2018_2021.csv"

COUNTY = "CAMB"
# Region codes may not contain | or : (they are parts of the index keys).
REGIONS = [
    ("UK", "United Kingdom", ""),
    ("CAMBS", "Cambridgeshire", "UK"),
    (COUNTY, "Cambridge", "CAMBS"),
]

# More zero hours than this in a day means the meter was not reporting (see the data README).
MAX_ZERO_HOURS = 2

# England and Wales bank holidays (gov.uk). Easter Sundays: 2018-04-01, 2019-04-21, 2020-04-12,
# 2021-04-04. Exceptions to the usual rules: in 2020 the early May holiday moved from Monday 4 May
# to Friday 8 May (75th anniversary of VE day); when Christmas or Boxing Day falls on a weekend
# the holiday is the next working day (2020-12-28, 2021-12-27 and 2021-12-28).
BANK_HOLIDAYS = {
    2018: ["01-01", "03-30", "04-02", "05-07", "05-28", "08-27", "12-25", "12-26"],
    2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
}


def read_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def end_of_day(date_text):
    """The instant that closes a UTC day: the next day's 00:00."""
    day = datetime.date.fromisoformat(date_text)
    return (day + datetime.timedelta(days=1)).isoformat() + "T00:00:00+00:00"


def write_shared_inputs(data_dir, out_dir, buildings):
    """enterprises.csv, weather.csv, regions.csv and calendar.csv, the same for the daily and the
    hourly example; returns the number of weather rows written."""
    with open(os.path.join(out_dir, "enterprises.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id", "county_code", "industry", "scale", "tags", "active_from",
                    "active_to"])
        for b in buildings:
            w.writerow([b, COUNTY, "I15", "above", "", "", ""])

    weather = 0
    with open(os.path.join(out_dir, "weather.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["county_code", "date", "temp_mean_c"])
        for row in read_rows(os.path.join(data_dir, TEMPERATURE_FILE)):
            if row["t_mean_degC"].strip():
                w.writerow([COUNTY, row["date"], row["t_mean_degC"].strip()])
                weather += 1

    with open(os.path.join(out_dir, "regions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "parent"])
        w.writerows(REGIONS)

    with open(os.path.join(out_dir, "calendar.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "type"])
        for year, days in sorted(BANK_HOLIDAYS.items()):
            for md in days:
                w.writerow([datetime.date.fromisoformat(f"{year}-{md}").isoformat(), "holiday"])
    return weather


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="the realdata cambridge/ folder")
    parser.add_argument("--out", required=True, help="work dir to write the inputs into")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    kwh_rows = read_rows(os.path.join(args.data, KWH_FILE))
    zero_rows = read_rows(os.path.join(args.data, ZERO_HOURS_FILE))
    zero_by_date = {row["date"]: row for row in zero_rows}
    buildings = [c for c in kwh_rows[0].keys() if c != "date"]

    skipped = {"empty": 0, "zero_hours": 0, "no_zero_hours_count": 0}
    readings = 0
    with open(os.path.join(args.out, "readings.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["meter_id", "enterprise_id", "ts", "kwh", "kind"])
        for row in kwh_rows:
            zeros = zero_by_date.get(row["date"], {})
            ts = end_of_day(row["date"])
            for b in buildings:
                kwh = row[b].strip()
                if not kwh:
                    skipped["empty"] += 1
                    continue
                zero_hours = (zeros.get(b) or "").strip()
                if not zero_hours:
                    # Without the count the day cannot be told from a gap filled with zeros.
                    skipped["no_zero_hours_count"] += 1
                    continue
                if float(zero_hours) > MAX_ZERO_HOURS:
                    skipped["zero_hours"] += 1
                    continue
                # One meter per building: the archive has the building's total.
                w.writerow([b, b, ts, kwh, "interval"])
                readings += 1

    weather = write_shared_inputs(args.data, args.out, buildings)

    counts = {"readings": readings, "enterprises": len(buildings), "weather": weather,
              "skipped": skipped, "days": len(kwh_rows)}
    with open(os.path.join(args.out, "counts.json"), "w") as f:
        json.dump(counts, f, indent=2)
        f.write("\n")
    print(f"convert: {len(buildings)} buildings, {len(kwh_rows)} days -> {readings} readings; "
          f"skipped {skipped['zero_hours']} building-days with > {MAX_ZERO_HOURS} zero hours "
          f"(missing, not zero), {skipped['empty']} empty, "
          f"{skipped['no_zero_hours_count']} without a zero-hours count; "
          f"{weather} days of Bedford temperature")
    return 0


if __name__ == "__main__":
    sys.exit(main())
