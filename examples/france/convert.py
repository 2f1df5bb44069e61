#!/usr/bin/env python3
"""Converts the Enedis daily national consumption by customer segment into Fugong inputs.

France as one county with four "enterprises", one per Enedis customer segment, each tagged by its
segment, so that the index's tag level shows the segments side by side:

  hta  large businesses on medium voltage (HTA, all)      scale above
  pme  small and medium enterprises (PME-PMI, profiled)    scale below
  pro  small professionals (profiled)                      scale below
  res  households (residential, profiled)                  scale below

The source gives a day's mean power in W; a day's energy is W x 24 / 1000 kWh, computed in exact
decimals. The days are French local days, so each day becomes one 1440-minute interval reading
ending at the next day's local 00:00 in Europe/Paris, written with the offset in force then
(+01:00 in winter, +02:00 in summer), so the engine's `timezone: Europe/Paris` places it on
exactly that French day. Columns are found by name, not position: the header is long
French text whose order may change between exports.

Writes into the work dir: enterprises.csv, readings.csv, weather.csv (the smoothed realised
national temperature), regions.csv, calendar.csv (French public holidays 2016-2021) and
counts.json (lines written and cells skipped).

Usage: convert.py --data DIR --out WORKDIR
"""

import argparse
import csv
import datetime
import decimal
import json
import os
import sys
import unicodedata
import zoneinfo

SOURCE_FILE = "enedis_bilan_electrique_jour_2016-03-20_2021-03-19.csv"
ZONE = "Europe/Paris"
COUNTY = "ENEDIS"
REGIONS = [
    ("FR", "France", ""),
    ("FRMET", "Metropolitan France", "FR"),
    (COUNTY, "Enedis distribution network", "FRMET"),
]

# Segment tag -> (words that must all appear in the normalised column name, words that must not,
# scale). Enedis also publishes "HTA profilées" and "HTA télérelevées" (parts of "HTA totales").
SEGMENTS = {
    "hta": (["consommations", "hta", "totales"], ["profilees", "telerelevees"], "above"),
    "pme": (["consommations", "pme-pmi"], [], "below"),
    "pro": (["consommations", "professionnelles"], [], "below"),
    "res": (["consommations", "residentielles"], [], "below"),
}
TEMPERATURE = (["temperature", "realisee"], ["normale"])

# Easter Sundays (checked against the Gregorian computus); Easter Monday, Ascension and Whit
# Monday follow from them.
EASTER = ["2016-03-27", "2017-04-16", "2018-04-01", "2019-04-21", "2020-04-12", "2021-04-04"]
FIXED_HOLIDAYS = [
    "01-01",  # Jour de l'an
    "05-01",  # Fête du travail
    "05-08",  # Victoire 1945
    "07-14",  # Fête nationale
    "08-15",  # Assomption
    "11-01",  # Toussaint
    "11-11",  # Armistice
    "12-25",  # Noël
]
# Days after Easter Sunday: Lundi de Pâques, Ascension, Lundi de Pentecôte. Whit Monday is also
# the "journée de solidarité", worked in many firms, but it stays a public holiday in law.
EASTER_OFFSETS = [1, 39, 50]


def normalise(name):
    """Lower case, no accents, no BOM, single spaces: 'Résidentielles' -> 'residentielles'."""
    name = name.replace("\ufeff", "").strip()
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    return " ".join(name.lower().split())


def find_column(header, required, excluded, what):
    words = lambda col: set(normalise(col).replace("(", " ").replace(")", " ").split())
    matches = [col for col in header
               if all(r in words(col) for r in required)
               and not any(x in words(col) for x in excluded)]
    if len(matches) != 1:
        raise SystemExit(f"convert: expected one column for {what} ({' '.join(required)}), "
                         f"found {len(matches)}: {matches}")
    return matches[0]


def find_date_column(header, rows):
    named = [col for col in header if normalise(col) in ("jour", "date")]
    if len(named) == 1:
        return named[0]
    for col in header:  # else the first column whose values are all ISO dates
        try:
            for row in rows[:20]:
                datetime.date.fromisoformat(row[col].strip())
            return col
        except ValueError:
            continue
    raise SystemExit(f"convert: no date column (Jour) in {header}")


def french_holidays():
    days = []
    for easter_text in EASTER:
        easter = datetime.date.fromisoformat(easter_text)
        days += [datetime.date.fromisoformat(f"{easter.year}-{md}") for md in FIXED_HOLIDAYS]
        days += [easter + datetime.timedelta(days=n) for n in EASTER_OFFSETS]
    return sorted(days)


def local_midnight(day):
    """ISO-8601 of 00:00 on `day` (a date or YYYY-MM-DD text) in Europe/Paris, with its offset."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=zoneinfo.ZoneInfo(ZONE))
    return midnight.isoformat()


def kwh_per_day(mean_watts):
    """Exact decimal kWh of a day at `mean_watts`, as plain text (no exponent)."""
    value = decimal.Decimal(mean_watts) * 24 / 1000
    return format(value.normalize(), "f")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="the realdata enedis/ folder")
    parser.add_argument("--out", required=True, help="work dir to write the inputs into")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(args.data, SOURCE_FILE), newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f, delimiter=";")
        header = reader.fieldnames
        rows = list(reader)
    date_col = find_date_column(header, rows)
    columns = {tag: find_column(header, req, exc, tag) for tag, (req, exc, _) in
               SEGMENTS.items()}
    temperature_col = find_column(header, *TEMPERATURE, "temperature")

    # The export is not sorted; sorting makes the files (and a diff of two runs) readable.
    by_day = {}
    skipped = {"empty": 0, "duplicate_day": 0, "bad_value": 0}
    for row in rows:
        day = row[date_col].strip()
        if day in by_day:
            skipped["duplicate_day"] += 1
            continue
        by_day[day] = row
    readings = 0
    with open(os.path.join(args.out, "readings.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["meter_id", "enterprise_id", "ts", "kwh", "kind"])
        for day in sorted(by_day):
            end = (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()
            for tag, col in columns.items():
                text = by_day[day][col].strip()
                if not text:
                    skipped["empty"] += 1
                    continue
                try:
                    kwh = kwh_per_day(text)
                except decimal.InvalidOperation:
                    skipped["bad_value"] += 1
                    continue
                w.writerow([f"enedis-{tag}", f"enedis-{tag}", local_midnight(end), kwh,
                            "interval"])
                readings += 1

    with open(os.path.join(args.out, "enterprises.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id", "county_code", "industry", "scale", "tags", "active_from",
                    "active_to"])
        for tag, (_, _, scale) in SEGMENTS.items():
            # A segment mixes every industry; I15 (services) is a placeholder the example does
            # not aggregate on (its levels are county, scale and tag).
            w.writerow([f"enedis-{tag}", COUNTY, "I15", scale, tag, "", ""])

    weather = 0
    with open(os.path.join(args.out, "weather.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["county_code", "date", "temp_mean_c"])
        for day in sorted(by_day):
            t = by_day[day][temperature_col].strip()
            if t:
                w.writerow([COUNTY, day, t])
                weather += 1

    with open(os.path.join(args.out, "regions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "parent"])
        w.writerows(REGIONS)

    holidays = french_holidays()
    with open(os.path.join(args.out, "calendar.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "type"])
        for day in holidays:
            w.writerow([day.isoformat(), "holiday"])

    counts = {"readings": readings, "enterprises": len(SEGMENTS), "weather": weather,
              "skipped": skipped, "days": len(by_day), "first_day": min(by_day),
              "last_day": max(by_day), "holidays": len(holidays)}
    with open(os.path.join(args.out, "counts.json"), "w") as f:
        json.dump(counts, f, indent=2)
        f.write("\n")
    print(f"convert: {len(by_day)} days ({min(by_day)}..{max(by_day)}) x {len(columns)} segments "
          f"-> {readings} readings; skipped {skipped['empty']} empty, "
          f"{skipped['bad_value']} unreadable, {skipped['duplicate_day']} repeated days; "
          f"{weather} days of temperature, {len(holidays)} public holidays")
    return 0


if __name__ == "__main__":
    sys.exit(main())
