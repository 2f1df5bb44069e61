// What happened to the input records: every record is used, counted as skipped, or
// dead-lettered with a reason.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/model/dead_letter.h"
#include "engine/state/state_store.h"

namespace fugong {

struct IngestCounters {
  uint64_t records = 0;  // records read (lines after the header, messages)
  uint64_t used = 0;     // readings applied to a meter-day
  uint64_t blank = 0;    // empty lines: not records, counted so nothing is unaccounted
  // Records that repeat an earlier one exactly (an enterprise listed twice in a registry file
  // with the same fields): read, not used again, not dead-lettered.
  uint64_t duplicates = 0;
  std::array<uint64_t, kDeadLetterReasonCount> dead = {};

  uint64_t dead_total() const {
    uint64_t n = 0;
    for (uint64_t d : dead) n += d;
    return n;
  }
};

// One input's counters in the stats store, under `prefix` ("readings", "enterprises", ...):
// PREFIX.records, PREFIX.used, PREFIX.blank, PREFIX.duplicates and PREFIX.dead.<reason code>.
// Absent ones are 0.
void LoadIngestCounters(const StateStore& state, std::string_view prefix, IngestCounters* counters);
void PutIngestCounters(StateBatch* batch, std::string_view prefix, const IngestCounters& counters);

}  // namespace fugong
