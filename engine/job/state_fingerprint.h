// A state directory remembers the settings that decide how readings are stored, and which kind
// of job built it; continuing it with other settings, or a backfill's state as a stream's, would
// mix incompatible rows, so it is refused with a clear error.
#pragma once

#include <string_view>

#include "engine/config/engine_config.h"
#include "engine/state/state_store.h"

namespace fugong {

// `job` is "backfill" or "stream".
Status CheckStateFits(const EngineConfig& config, std::string_view job, StateStore* state);

}  // namespace fugong
