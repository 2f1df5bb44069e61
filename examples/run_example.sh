#!/bin/sh
# Runs one real-data example: converts the source data, backfills the days asked, draws a chart.
#
#   examples/run_example.sh NAME DATA_SUBDIR FROM TO CHART_FILE [fugong chart options...]
#
# NAME is the example's folder (examples/NAME holds convert.py and config.yaml); DATA_SUBDIR the
# folder of the realdata it reads. Environment (all optional):
#   FUGONG_BINARY    the fugong binary          (default: <repo>/build/fugong)
#   FUGONG_REALDATA  the realdata folder        (default: <repo>/../shared/realdata)
#   FUGONG_WORKDIR   where inputs and outputs go (default: <repo>/build/examples/NAME)
set -eu

name=$1 data=$2 from=$3 to=$4 chart=$5
shift 5
here=$(cd "$(dirname "$0")/$name" && pwd)
repo=$(cd "$here/../.." && pwd)
binary=${FUGONG_BINARY:-$repo/build/fugong}
realdata=${FUGONG_REALDATA:-$repo/../shared/realdata}
work=${FUGONG_WORKDIR:-$repo/build/examples/$name}

if [ ! -x "$binary" ]; then
  echo "run.sh: no fugong binary at $binary (build it, or set FUGONG_BINARY)" >&2
  exit 1
fi
if [ ! -d "$realdata/$data" ]; then
  echo "run.sh: no $realdata/$data (set FUGONG_REALDATA)" >&2
  exit 1
fi

mkdir -p "$work"
python3 "$here/convert.py" --data "$realdata/$data" --out "$work"
# The config names regions.csv and calendar.csv relative to itself: keep it next to them.
cp "$here/config.yaml" "$work/config.yaml"

"$binary" backfill --config "$work/config.yaml" \
  --enterprises "$work/enterprises.csv" --readings "$work/readings.csv" \
  --weather "$work/weather.csv" --from "$from" --to "$to" \
  --out "$work/index.jsonl" --deadletter "$work/deadletter.jsonl" --summary "$work/summary.json"

"$binary" chart --index "$work/index.jsonl" --out "$work/$chart" "$@"
