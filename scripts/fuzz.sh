#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ (clang, ASan + UBSan + libFuzzer, in build-fuzz/) and
# runs each for SECONDS (default 600) on its seed corpus fuzz/corpus/<name>/. New inputs go to a
# scratch directory, never into the repository: $FUGONG_FUZZ_WORK, or a fresh /tmp/fugong-fuzz.*.
# Fails if any harness crashes, leaks, times out (one input > 25 s) or runs out of memory; the
# crashing input is kept there as <name>-crash-* (etc.) and printed.
#
#   scripts/fuzz.sh [SECONDS] [NAME...]    e.g. scripts/fuzz.sh 60 csv_line tzdata
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
all=(csv_line json_message reference_table config tzdata http_request)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${all[@]}")

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DFUGONG_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzzers

work=${FUGONG_FUZZ_WORK:-$(mktemp -d /tmp/fugong-fuzz.XXXXXX)}
mkdir -p "$work"
echo "fuzz: ${seconds}s per harness; new inputs, logs and findings in $work"

# Leaks are findings; so is UB (the build does not recover from it).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for name in "${names[@]}"; do
  binary=build-fuzz/fuzz/${name}_fuzzer
  [ -x "$binary" ] || { echo "fuzz: no harness $name"; exit 2; }
  mkdir -p "$work/corpus/$name"
  log="$work/$name.log"
  start=$(date +%s)
  status=0
  "$binary" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/$name-" \
    "$work/corpus/$name" "fuzz/corpus/$name" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  # libFuzzer's last progress line (executions, coverage, features, corpus) and its final stats.
  done_line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  if [ "$status" -eq 0 ]; then
    echo "fuzz: $name ok in ${elapsed}s: ${execs:-?} executions (${rate:-?}/s), ${added:-?} new inputs, peak ${rss:-?} MB"
  else
    echo "fuzz: $name FAILED (exit $status) after ${elapsed}s: ${execs:-?} executions"
    grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written to|uncaught exception|terminate called' \
      "$log" | head -8 | sed 's/^/  /'
    failed+=("$name")
  fi
  echo "  $done_line"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (logs and inputs in $work)"
  exit 1
fi
echo "fuzz: all ${#names[@]} harnesses passed"
