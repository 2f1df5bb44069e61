#!/usr/bin/env bash
# Builds Fugong with a sanitizer (g++) in its own build directory and runs the tests under it.
#
#   scripts/sanitize.sh address   AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/): the
#                                 whole ctest suite. UB is not recovered from, so it fails a test.
#   scripts/sanitize.sh thread    ThreadSanitizer (build-tsan/): the tests of the threaded parts
#                                 (parallel ingest, the HTTP server, the service loop, the stream
#                                 consumer). The prebuilt librdkafka and RocksDB are not
#                                 instrumented: scripts/tsan.supp silences reports inside them only.
#
# Extra arguments go to ctest (e.g. -R Baseline). Both take long: see README "Fuzzing and
# sanitizers" for measured times.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-address}
shift || true
common="-fno-omit-frame-pointer -g1"
case "$mode" in
  address)
    dir=build-asan
    flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined $common"
    # Leaks fail too; a child process that a test kills (-9) cannot report any.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    tests=()
    ;;
  thread)
    dir=build-tsan
    flags="-fsanitize=thread $common"
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp}
    # Threads: the ingest's worker pool (WorkerPool*), the backfill's parallel ingest and scoring
    # (GeneratedProvince*, BackfillJob*), the stream job's parallel ingest and closes (StreamJob*),
    # the HTTP server with its live feed and a throwing handler (HttpApi*, HttpGuard*), the
    # generator's ordered workers (Generator*), and concurrent time zone reads. Not the tests that
    # start Kafka clients or the mock cluster (KafkaStreamConsumer*, Serve*, KafkaProduce*,
    # BackfillPublish*, Demo*): librdkafka starts its threads with C11 thrd_create, which glibc
    # 2.36 runs without TSan's pthread_create hook, so TSan does not know those threads and crashes
    # in its allocator on their first malloc (seen: SEGV in
    # SizeClassAllocator64LocalCache::Allocate on thread "rdk:mock").
    tests=(-R 'WorkerPool|GeneratedProvince|BackfillJob|StreamJob|HttpApi|HttpGuard|GeneratorTest|ConcurrentReads')
    ;;
  *)
    echo "usage: $0 address|thread [ctest arguments]" >&2
    exit 2
    ;;
esac

start=$(date +%s)
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="${flags%% *}" \
  -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON >/dev/null
cmake --build "$dir" -j"$(nproc)"
built=$(date +%s)
echo "sanitize ($mode): built in $((built - start)) s"
status=0
ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" "${tests[@]}" "$@" || status=$?
echo "sanitize ($mode): build $((built - start)) s, tests $(($(date +%s) - built)) s, exit $status"
exit $status
