#include "engine/job/ingest_counters.h"

#include "engine/state/key_codec.h"

namespace fugong {

namespace {

std::string DeadName(std::string_view prefix, size_t reason) {
  return std::string(prefix) + ".dead." +
         std::string(ReasonCode(static_cast<DeadLetterReason>(reason)));
}

void PutCounter(StateBatch* batch, const std::string& name, uint64_t value) {
  std::string bytes;
  AppendFixed64(value, &bytes);
  batch->Put(Store::kStats, name, bytes);
}

}  // namespace

void LoadIngestCounters(const StateStore& state, std::string_view prefix, IngestCounters* c) {
  const std::string p(prefix);
  c->records = state.GetCounter(p + ".records");
  c->used = state.GetCounter(p + ".used");
  c->blank = state.GetCounter(p + ".blank");
  c->duplicates = state.GetCounter(p + ".duplicates");
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) c->dead[i] = state.GetCounter(DeadName(p, i));
}

void PutIngestCounters(StateBatch* batch, std::string_view prefix, const IngestCounters& c) {
  const std::string p(prefix);
  PutCounter(batch, p + ".records", c.records);
  PutCounter(batch, p + ".used", c.used);
  PutCounter(batch, p + ".blank", c.blank);
  PutCounter(batch, p + ".duplicates", c.duplicates);
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) PutCounter(batch, DeadName(p, i), c.dead[i]);
}

}  // namespace fugong
