#!/bin/sh
# The France example in one command: converts the Enedis data, backfills March-November 2020
# and draws the load recovery of the four customer segments (tags hta, pme, pro, res).
#
#   examples/france/run.sh
#
# Environment (all optional):
#   FUGONG_BINARY    the fugong binary          (default: <repo>/build/fugong)
#   FUGONG_REALDATA  the realdata folder        (default: <repo>/../shared/realdata)
#   FUGONG_WORKDIR   where inputs and outputs go (default: <repo>/build/examples/france)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${FUGONG_BINARY:-$repo/build/fugong}
realdata=${FUGONG_REALDATA:-$repo/../shared/realdata}
work=${FUGONG_WORKDIR:-$repo/build/examples/france}

if [ ! -x "$binary" ]; then
  echo "run.sh: no fugong binary at $binary (build it, or set FUGONG_BINARY)" >&2
  exit 1
fi
if [ ! -d "$realdata/enedis" ]; then
  echo "run.sh: no $realdata/enedis (set FUGONG_REALDATA)" >&2
  exit 1
fi

mkdir -p "$work"
python3 "$here/convert.py" --data "$realdata/enedis" --out "$work"
# The config names regions.csv and calendar.csv relative to itself: keep it next to them.
cp "$here/config.yaml" "$work/config.yaml"

"$binary" backfill --config "$work/config.yaml" \
  --enterprises "$work/enterprises.csv" --readings "$work/readings.csv" \
  --weather "$work/weather.csv" --from 2020-03-01 --to 2020-11-30 \
  --out "$work/index.jsonl" --deadletter "$work/deadletter.jsonl" --summary "$work/summary.json"

"$binary" chart --index "$work/index.jsonl" --level tag --codes hta,pme,pro,res \
  --field load_recovery \
  --title "France by Enedis segment, 2020: lockdowns 17 Mar-11 May and from 30 Oct" \
  --out "$work/load_recovery.svg"
