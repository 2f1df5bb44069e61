// Testing: FUGONG_TEST_STATE_WRITE_LIMIT=BYTES[:NAME_PART] makes `backfill` and `serve` keep
// their state on a file system that runs out of space after BYTES appended bytes (to every file,
// or only to files whose names contain NAME_PART, e.g. ".sst" for a failing background flush),
// so the behaviour on a full disk can be checked without root or a small file system.
// FUGONG_TEST_STATE_WRITE_PAUSE=BYTES[:NAME_PART] makes the append that crosses BYTES write the
// bytes before that point, print "state write paused" on stdout and hang, so a test can kill the
// command mid-write (".log": mid-commit, in the write-ahead log). Not documented in --help: they
// exist for the tests (tests/state_write_failure_test.cc, tests/serve_cli_test.cc).
#pragma once

#include "engine/common/status.h"
#include "engine/state/state_store.h"

namespace fugong {

// The state options the environment asks for: the defaults when the variable is not set, an
// InvalidArgument when it is set to something that is not BYTES[:NAME_PART].
Result<StateStoreOptions> StateOptionsFromEnvironment();

}  // namespace fugong
