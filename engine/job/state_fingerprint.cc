#include "engine/job/state_fingerprint.h"

#include <string>

namespace fugong {

namespace {

std::string StateFingerprint(const EngineConfig& config) {
  // layout=2: day-major meter_day, enterprise_day and baseline keys (issue 10).
  return "layout=2 interval_minutes=" + std::to_string(config.interval_minutes) +
         " timezone=" + config.time_zone.name();
}

// Stores `wanted` under `key` if absent; an error naming both if another value is there.
Status CheckOrSet(StateStore* state, const std::string& key, const std::string& wanted,
                  const std::string& what) {
  std::string stored;
  Status st = state->Get(Store::kMeta, key, &stored);
  if (st.ok()) {
    if (stored == wanted) return Status::OK();
    return Status::InvalidArgument("the state was built " + what + stored + ", not " + wanted +
                                   "; use a new state directory");
  }
  if (st.code() != Status::Code::kNotFound) return st;
  StateBatch batch(state);
  batch.Put(Store::kMeta, key, wanted);
  return state->Write(&batch);
}

}  // namespace

Status CheckStateFits(const EngineConfig& config, std::string_view job, StateStore* state) {
  FUGONG_RETURN_IF_ERROR(CheckOrSet(state, "fingerprint", StateFingerprint(config), "with "));
  return CheckOrSet(state, "job", std::string(job), "by a ");
}

}  // namespace fugong
