// Testing: FUGONG_TEST_STATE_WRITE_LIMIT=BYTES[:NAME_PART] makes `backfill` and `serve` keep
// their state on a file system that runs out of space after BYTES appended bytes (to every file,
// or only to files whose names contain NAME_PART, e.g. ".sst" for a failing background flush),
// so the behaviour on a full disk can be checked without root or a small file system. Not
// documented in --help: it exists for the tests (tests/state_write_failure_test.cc).
#pragma once

#include "engine/common/status.h"
#include "engine/state/state_store.h"

namespace fugong {

// The state options the environment asks for: the defaults when the variable is not set, an
// InvalidArgument when it is set to something that is not BYTES[:NAME_PART].
Result<StateStoreOptions> StateOptionsFromEnvironment();

}  // namespace fugong
