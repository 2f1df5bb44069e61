// What happened to the input records: every record is used, counted as skipped, or
// dead-lettered with a reason.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "engine/model/dead_letter.h"

namespace fugong {

struct IngestCounters {
  uint64_t records = 0;  // records read (lines after the header, messages)
  uint64_t used = 0;     // readings applied to a meter-day
  uint64_t blank = 0;    // empty lines: not records, counted so nothing is unaccounted
  std::array<uint64_t, kDeadLetterReasonCount> dead = {};

  uint64_t dead_total() const {
    uint64_t n = 0;
    for (uint64_t d : dead) n += d;
    return n;
  }
};

}  // namespace fugong
