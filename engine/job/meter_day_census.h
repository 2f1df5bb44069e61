// Counts for the backfill's summary over every meter-day row of the registered enterprises:
// how many, estimated, missing, register rollovers, duplicates and corrections, and how many
// enterprises have readings. A pass of its own, in day chunks, since the closes only read the
// days they score.
#pragma once

#include <cstdint>

#include "engine/baseline/baseline_window.h"
#include "engine/job/day_scoring.h"

namespace fugong {

struct ScoringCounts {
  uint64_t meter_days = 0;
  uint64_t meter_days_estimated = 0;
  uint64_t meter_days_missing = 0;  // below min_coverage, or a register day without both ends
  uint64_t register_rollovers = 0;
  uint64_t duplicates = 0;
  uint64_t corrections = 0;
  uint64_t baselines_calendar = 0;
  uint64_t baselines_mean = 0;
  uint64_t baselines_invalid = 0;
};

// Adds the meter-day fields of `c` to `to`.
void AddMeterDayCounts(const ScoringCounts& c, ScoringCounts* to);

// Counts the rows of `rows` on the days [first, last] into `counts` (the meter-day fields);
// whether there was one.
bool CountMeterDayRows(const EnterpriseMeterRows& rows, Day first, Day last, ScoringCounts* counts);

// Counts the rows of the days `span` into `counts` (the meter-day fields) and the registered
// enterprises with rows into `enterprises_with_readings`, on `threads` threads.
Status CountMeterDays(const ScoringInputs& in, const DayRange& span, int threads,
                      ScoringCounts* counts, uint64_t* enterprises_with_readings);

}  // namespace fugong
