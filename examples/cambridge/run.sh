#!/bin/sh
# The Cambridge example in one command: converts the real data, backfills March-May 2020 and
# draws the county's composite and load recovery.
#
#   examples/cambridge/run.sh
#
# Environment (all optional):
#   FUGONG_BINARY    the fugong binary          (default: <repo>/build/fugong)
#   FUGONG_REALDATA  the realdata folder        (default: <repo>/../shared/realdata)
#   FUGONG_WORKDIR   where inputs and outputs go (default: <repo>/build/examples/cambridge)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${FUGONG_BINARY:-$repo/build/fugong}
realdata=${FUGONG_REALDATA:-$repo/../shared/realdata}
work=${FUGONG_WORKDIR:-$repo/build/examples/cambridge}

if [ ! -x "$binary" ]; then
  echo "run.sh: no fugong binary at $binary (build it, or set FUGONG_BINARY)" >&2
  exit 1
fi
if [ ! -d "$realdata/cambridge" ]; then
  echo "run.sh: no $realdata/cambridge (set FUGONG_REALDATA)" >&2
  exit 1
fi

mkdir -p "$work"
python3 "$here/convert.py" --data "$realdata/cambridge" --out "$work"
# The config names regions.csv and calendar.csv relative to itself: keep it next to them.
cp "$here/config.yaml" "$work/config.yaml"

"$binary" backfill --config "$work/config.yaml" \
  --enterprises "$work/enterprises.csv" --readings "$work/readings.csv" \
  --weather "$work/weather.csv" --from 2020-03-01 --to 2020-05-31 \
  --out "$work/index.jsonl" --deadletter "$work/deadletter.jsonl" --summary "$work/summary.json"

"$binary" chart --index "$work/index.jsonl" --level county --codes CAMB \
  --field composite,load_recovery \
  --title "Cambridge University buildings, spring 2020 (UK lockdown from 23 March)" \
  --out "$work/composite_load_recovery.svg"
