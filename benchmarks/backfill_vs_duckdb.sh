#!/usr/bin/env bash
# `fugong backfill` against DuckDB computing the same index over the same CSV files (issue 2).
#
#   benchmarks/backfill_vs_duckdb.sh [ENTERPRISES=100000] [DAYS=30]
#
# Generates once (cached under $BENCH_DIR, default /tmp/fugong-bench) a province of ENTERPRISES
# enterprises over DAYS days from 2020-01-01, interval meters only, no faults, epoch timestamps,
# split into $SPLIT (4) files. Then, in one run and in this order:
#   (a) reference: `cat` of the readings files to /dev/null (the first, untimed, warms the page
#       cache; the second is timed) and `wc -l`: the raw read rate of this machine right now;
#       every run below is preceded by another untimed `cat` (back into the page cache);
#   (b) `fugong backfill` (method mean, window 2020-01-01..2020-01-14, county level, fresh
#       --state) under /usr/bin/time -v: wall time and peak RSS;
#   (c) DuckDB (npm @duckdb/node-api, benchmarks/duckdb/) computing the same index in SQL;
#       only the query (CSV read + compute) is timed, inside the node process;
# and compares the two indexes (benchmarks/duckdb/compare_index.mjs).
# Everything lands in $BENCH_DIR/runs/<UTC time>/ (results.json, the outputs, the time -v logs).
#
# Environment:
#   FUGONG           the binary (default: build/fugong of this repository)
#   BENCH_DIR        work directory (default /tmp/fugong-bench)
#   SPLIT            readings files (default 4)
#   SEED             generator seed (default 1)
#   REPEAT           times (b) and (c) are run, alternately (default 1); the best is reported
#   DUCKDB_VARIANTS  DuckDB runs, space-separated, each `plain` or `dedup`, optionally `@THREADS`
#                    (default "plain plain@1": the machine's threads, then one thread).
#                    `dedup` first collapses duplicate (meter, ts) lines, as SPEC requires of
#                    input that has them (this input has none).
#   KEEP_STATE=1     keep Fugong's RocksDB state after the run (default: removed)
#   PERF=1           also record `perf record -g` of one extra Fugong run (perf.data in the run dir)
set -euo pipefail

ENTERPRISES=${1:-100000}
DAYS=${2:-30}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
FUGONG=${FUGONG:-$repo/build/fugong}
BENCH_DIR=${BENCH_DIR:-/tmp/fugong-bench}
SPLIT=${SPLIT:-4}
SEED=${SEED:-1}
REPEAT=${REPEAT:-1}
DUCKDB_VARIANTS=${DUCKDB_VARIANTS:-"plain plain@1"}
FROM=2020-01-01
BASELINE_FROM=2020-01-01
BASELINE_TO=2020-01-14

die() { echo "backfill_vs_duckdb: $*" >&2; exit 1; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

[[ $ENTERPRISES =~ ^[0-9]+$ && $ENTERPRISES -ge 1 ]] || die "ENTERPRISES must be a positive integer"
[[ $DAYS =~ ^[0-9]+$ && $DAYS -ge 14 ]] || die "DAYS must be >= 14 (the baseline window is $BASELINE_FROM..$BASELINE_TO)"
[[ -x $FUGONG ]] || die "no fugong binary at $FUGONG (build it, or set FUGONG=/path/to/fugong)"
command -v node >/dev/null || die "node is needed for the DuckDB side"
TO=$(date -u -d "$FROM + $((DAYS - 1)) days" +%F)

if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) == 0 ]]; then
    log "installing GNU time"
    apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
  fi
  [[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is needed: apt-get install time"
fi

# --- DuckDB client (pinned in benchmarks/duckdb/package.json and package-lock.json)
if [[ ! -d $here/duckdb/node_modules/@duckdb/node-api ]]; then
  log "npm ci in benchmarks/duckdb"
  (cd "$here/duckdb" && npm ci --no-audit --no-fund >/dev/null)
fi

# --- Data, generated once per (enterprises, days, split, seed)
data="$BENCH_DIR/data-e$ENTERPRISES-d$DAYS-s$SPLIT-seed$SEED"
mkdir -p "$BENCH_DIR"
if [[ ! -f $data/.complete ]]; then
  # ~1.5 meters per enterprise, 96 lines of ~44 bytes each per meter-day (epoch timestamps).
  need_kb=$((ENTERPRISES * 15 / 10 * DAYS * 96 * 44 / 1024 * 11 / 10))
  avail_kb=$(df -Pk "$BENCH_DIR" | awk 'NR == 2 { print $4 }')
  (( avail_kb > need_kb )) ||
    die "about $((need_kb / 1048576)) GiB needed in $BENCH_DIR, $((avail_kb / 1048576)) GiB free"
  rm -rf "$data"
  log "generating $ENTERPRISES enterprises x $DAYS days into $data (~$((need_kb / 1048576)) GiB)"
  gen_start=$(date +%s.%N)
  "$FUGONG" generate --out "$data" --seed "$SEED" --enterprises "$ENTERPRISES" --from "$FROM" \
    --to "$TO" --split "$SPLIT" --register-fraction 0 --epoch-ts --no-faults >"$BENCH_DIR/generate.log"
  gen_end=$(date +%s.%N)
  cat "$BENCH_DIR/generate.log" >&2
  awk -v s="$gen_start" -v e="$gen_end" 'BEGIN { printf "%.1f\n", e - s }' >"$data/.generate_seconds"
  touch "$data/.complete"
fi
readings=("$data"/readings-*.csv)
[[ -f ${readings[0]} ]] || die "no readings files in $data"
data_bytes=$(cat "${readings[@]}" | wc -c)

run="$BENCH_DIR/runs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
cat >"$run/config.yaml" <<EOF
baseline_method: mean
baseline_from: $BASELINE_FROM
baseline_to: $BASELINE_TO
levels: [county]
interval_minutes: 15
EOF
mem_avail_kb=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
if (( data_bytes / 1024 > mem_avail_kb * 8 / 10 )); then
  log "warning: $((data_bytes >> 30)) GiB of CSV vs $((mem_avail_kb >> 20)) GiB available memory:" \
      "the files will not all stay in the page cache, reads will partly hit the disk"
fi

now() { date +%s.%N; }
# The commit Fugong's sources are at, `-dirty` when tracked files differ from it (read-only git).
source_version() {
  local head
  head=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
  git -C "$repo" diff --quiet HEAD -- 2>/dev/null && echo "$head" || echo "$head-dirty"
}
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
# Field of `/usr/bin/time -v` output: wall seconds, peak RSS in KiB.
wall_of() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
    for (i = 1; i <= n; ++i) s = s * 60 + p[i]; printf "%.3f", s }' "$1"
}
rss_of() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

# --- (a) reference: raw read rate
log "warming the page cache ($((data_bytes >> 20)) MiB)"
cat "${readings[@]}" >/dev/null
t0=$(now); cat "${readings[@]}" >/dev/null; t1=$(now)
cat_seconds=$(elapsed "$t0" "$t1")
t0=$(now); lines_total=$(cat "${readings[@]}" | wc -l); t1=$(now)
wc_seconds=$(elapsed "$t0" "$t1")
readings_count=$((lines_total - ${#readings[@]}))  # minus one header per file
log "cat: ${cat_seconds}s, wc -l: ${wc_seconds}s, $readings_count readings"

# --- (b) Fugong and (c) DuckDB, alternately REPEAT times
# Before every measured run: the files back in the page cache (the run before may have pushed
# part of them out), untimed.
warm() { cat "${readings[@]}" >/dev/null; }
run_fugong() {  # $1: index of the repetition
  local dir="$run/fugong-$1"
  mkdir -p "$dir"
  rm -rf "$run/state"
  warm
  /usr/bin/time -v "$FUGONG" backfill --enterprises "$data/enterprises.csv" \
    --readings "${readings[@]}" --from "$FROM" --to "$TO" --config "$run/config.yaml" \
    --out "$dir/index.jsonl" --deadletter "$dir/dead.jsonl" --state "$run/state" \
    --summary "$dir/summary.json" >"$dir/stdout.txt" 2>"$dir/time.txt" ||
    { cat "$dir/time.txt" >&2; die "fugong backfill failed"; }
  [[ ${KEEP_STATE:-0} == 1 ]] || rm -rf "$run/state"
}
run_duckdb() {  # $1: index of the repetition, $2: variant
  local variant=$2 mode=${2%@*} threads=0
  [[ $variant == *@* ]] && threads=${variant#*@}
  local dir="$run/duckdb-$variant-$1"
  local flags=(--threads "$threads" --temp-dir "$run/duckdb.tmp")
  [[ $mode == dedup ]] && flags+=(--dedup)
  mkdir -p "$dir"
  warm
  /usr/bin/time -v node "$here/duckdb/index_mean_county.mjs" --enterprises "$data/enterprises.csv" \
    --readings "${readings[@]}" --calendar "$repo/schemas/calendar_cn.csv" --from "$FROM" --to "$TO" \
    --baseline-from "$BASELINE_FROM" --baseline-to "$BASELINE_TO" "${flags[@]}" \
    --out "$dir/county_days.jsonl" --timing "$dir/timing.json" >"$dir/stdout.txt" 2>"$dir/time.txt" ||
    { cat "$dir/time.txt" >&2; die "duckdb ($variant) failed"; }
  rm -rf "$run/duckdb.tmp"
}

for ((i = 1; i <= REPEAT; ++i)); do
  log "fugong backfill, run $i"
  run_fugong "$i"
  log "  $(wall_of "$run/fugong-$i/time.txt") s wall, $(rss_of "$run/fugong-$i/time.txt") KiB peak RSS"
  for v in $DUCKDB_VARIANTS; do
    log "duckdb $v, run $i"
    run_duckdb "$i" "$v"
    log "  $(cat "$run/duckdb-$v-$i/stdout.txt")"
  done
done

if [[ ${PERF:-0} == 1 ]] && command -v perf >/dev/null; then
  log "perf record of one more fugong backfill"
  rm -rf "$run/state"
  perf record -g -o "$run/perf.data" -- "$FUGONG" backfill --enterprises "$data/enterprises.csv" \
    --readings "${readings[@]}" --from "$FROM" --to "$TO" --config "$run/config.yaml" \
    --out "$run/perf-index.jsonl" --deadletter "$run/perf-dead.jsonl" --state "$run/state" \
    >/dev/null 2>"$run/perf.log" || log "perf record failed (see $run/perf.log)"
  perf report -i "$run/perf.data" --no-children --percent-limit 1 --stdio >"$run/perf-report.txt" 2>/dev/null || true
  rm -rf "$run/state"
fi

# --- Agreement: the first Fugong run against the first run of the first DuckDB variant.
first_variant=${DUCKDB_VARIANTS%% *}
compare_status=0
node "$here/duckdb/compare_index.mjs" "$run/fugong-1/index.jsonl" \
  "$run/duckdb-$first_variant-1/county_days.jsonl" --json "$run/compare.json" >/dev/null ||
  compare_status=$?

# --- Results
RUN="$run" DATA="$data" ENTERPRISES="$ENTERPRISES" DAYS="$DAYS" FROM="$FROM" TO="$TO" SPLIT="$SPLIT" \
CAT_SECONDS="$cat_seconds" WC_SECONDS="$wc_seconds" READINGS="$readings_count" \
DATA_BYTES="$data_bytes" FUGONG_BIN="$FUGONG" FUGONG_BUILT="$(date -u -r "$FUGONG" +%FT%TZ)" \
GIT_DESCRIBE="$(source_version)" REPEAT="$REPEAT" VARIANTS="$DUCKDB_VARIANTS" COMPARE_STATUS="$compare_status" \
node --input-type=module - <<'EOF'
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
const env = process.env;
const run = env.RUN;
const timeV = (path) => {
  const text = readFileSync(path, 'utf8');
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(text)[1]
    .split(':').reduce((s, p) => s * 60 + Number(p), 0);
  const rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(text)[1]);
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(text)[1]);
  const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(text)[1]);
  return { wall, rss_mib: rssKiB / 1024, cpu_seconds: user + sys };
};
const readings = Number(env.READINGS);
const catSeconds = Number(env.CAT_SECONDS);
const repeat = Number(env.REPEAT);
const fugongRuns = [];
for (let i = 1; i <= repeat; ++i) {
  const summary = JSON.parse(readFileSync(`${run}/fugong-${i}/summary.json`, 'utf8'));
  // `phases ingest 1.5 s, compute 0.4 s, publish 0.0 s` on stdout, where the binary prints it.
  const phases = /phases\s+ingest ([\d.]+) s, compute ([\d.]+) s, publish ([\d.]+) s/
    .exec(readFileSync(`${run}/fugong-${i}/stdout.txt`, 'utf8'));
  fugongRuns.push({ ...timeV(`${run}/fugong-${i}/time.txt`), summary_seconds: summary.seconds,
                    records: summary.readings.records, this_run: summary.readings_this_run,
                    phases: phases ? { ingest: Number(phases[1]), compute: Number(phases[2]),
                                       publish: Number(phases[3]) } : null });
}
const bestFugong = fugongRuns.reduce((a, b) => (b.wall < a.wall ? b : a));
const duck = {};
for (const v of env.VARIANTS.split(/\s+/).filter(Boolean)) {
  const runs = [];
  for (let i = 1; i <= repeat; ++i) {
    const t = JSON.parse(readFileSync(`${run}/duckdb-${v}-${i}/timing.json`, 'utf8'));
    runs.push({ ...timeV(`${run}/duckdb-${v}-${i}/time.txt`), query_seconds: t.seconds,
                threads: t.threads, version: t.duckdb_version });
  }
  const best = runs.reduce((a, b) => (b.query_seconds < a.query_seconds ? b : a));
  duck[v] = { runs, best };
}
const compare = existsSync(`${run}/compare.json`) ? JSON.parse(readFileSync(`${run}/compare.json`, 'utf8')) : null;
const results = {
  date_utc: new Date().toISOString(),
  fugong_binary: env.FUGONG_BIN,
  fugong_built: env.FUGONG_BUILT,   // the binary's mtime
  fugong_source: env.GIT_DESCRIBE,  // the repository's HEAD when the benchmark ran
  machine: { cpu: os.cpus()[0].model, cores: os.cpus().length,
             memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release() },
  province: { enterprises: Number(env.ENTERPRISES), days: Number(env.DAYS), from: env.FROM,
              to: env.TO, files: Number(env.SPLIT), readings, csv_bytes: Number(env.DATA_BYTES),
              data_dir: env.DATA },
  reference: { cat_seconds: catSeconds, cat_readings_per_s: readings / catSeconds,
               cat_mib_per_s: Number(env.DATA_BYTES) / 2 ** 20 / catSeconds,
               wc_l_seconds: Number(env.WC_SECONDS), wc_l_lines_per_s: readings / Number(env.WC_SECONDS) },
  fugong: { runs: fugongRuns, best: bestFugong, readings_per_s: readings / bestFugong.wall,
            peak_rss_mib: bestFugong.rss_mib },
  duckdb: Object.fromEntries(Object.entries(duck).map(([v, d]) => [v, {
    runs: d.runs, best: d.best, readings_per_s: readings / d.best.query_seconds,
    ratio_duckdb_over_fugong: d.best.query_seconds / bestFugong.wall,
    cpu_ratio_duckdb_over_fugong: d.best.cpu_seconds / bestFugong.cpu_seconds }])),
  agreement: compare,
};
writeFileSync(`${run}/results.json`, JSON.stringify(results, null, 2) + '\n');

const M = (x) => `${(x / 1e6).toFixed(2)} M/s`;
const out = [];
out.push(`province: ${env.ENTERPRISES} enterprises x ${env.DAYS} days, ${readings} readings, ` +
         `${(Number(env.DATA_BYTES) / 2 ** 30).toFixed(2)} GiB CSV in ${env.SPLIT} files`);
out.push(`machine:  ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memory_gib} GiB`);
out.push('');
out.push(`reference cat       ${catSeconds.toFixed(2).padStart(8)} s  ${M(readings / catSeconds).padStart(12)}  ` +
         `(${results.reference.cat_mib_per_s.toFixed(0)} MiB/s)`);
out.push(`reference wc -l     ${Number(env.WC_SECONDS).toFixed(2).padStart(8)} s  ${M(results.reference.wc_l_lines_per_s).padStart(12)}`);
out.push(`fugong backfill     ${bestFugong.wall.toFixed(2).padStart(8)} s  ${M(results.fugong.readings_per_s).padStart(12)}  ` +
         `peak RSS ${bestFugong.rss_mib.toFixed(0)} MiB, CPU ${bestFugong.cpu_seconds.toFixed(1)} s, ` +
         `cat/fugong time ${(catSeconds / bestFugong.wall).toFixed(3)}`);
if (bestFugong.phases) {
  const p = bestFugong.phases;
  out.push(`  fugong phases: ingest ${p.ingest} s (${M(readings / p.ingest)}), compute ${p.compute} s, ` +
           `publish ${p.publish} s`);
}
for (const [v, d] of Object.entries(results.duckdb)) {
  out.push(`duckdb ${v.padEnd(12)} ${d.best.query_seconds.toFixed(2).padStart(8)} s  ${M(d.readings_per_s).padStart(12)}  ` +
           `peak RSS ${d.best.rss_mib.toFixed(0)} MiB, CPU ${d.best.cpu_seconds.toFixed(1)} s, ` +
           `${d.best.threads} threads, duckdb/fugong time ${d.ratio_duckdb_over_fugong.toFixed(2)}, ` +
           `CPU ${d.cpu_ratio_duckdb_over_fugong.toFixed(2)}`);
}
if (compare) {
  const m = compare.max_abs_diff;
  out.push('');
  out.push(`agreement (${compare.compared} county-days): ${compare.agree ? 'AGREE' : 'DIFFER'}; max |diff| ` +
           `eligible ${m.eligible}, resumed ${m.resumed}, resumption_rate ${m.resumption_rate.toExponential(2)}, ` +
           `load_recovery ${m.load_recovery.toExponential(2)}, composite ${m.composite.toExponential(2)} ` +
           `(Fugong publishes 6 / 4 decimals); rounded mismatches ${JSON.stringify(compare.rounded_mismatches)}`);
}
out.push(`results: ${run}/results.json`);
console.log(out.join('\n'));
EOF
exit "$compare_status"
