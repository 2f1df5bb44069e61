// enterprise_day -> baseline -> score -> groups -> publish, over everything in the meter-day
// store: the second half of a backfill.
//
// Enterprises are visited in id order (the meter-day store's key order, merged with the
// registry's), and each enterprise's scores are added into its groups' sums in that order, so
// the floating-point sums never depend on the order readings arrived in.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/job/engine_references.h"
#include "engine/job/enterprise_scoring.h"
#include "engine/job/sinks.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "engine/reference/weather_table.h"
#include "engine/state/state_store.h"

namespace fugong {

// The scoring counts of every enterprise, and what was published.
struct ComputationSummary : ScoringCounts {
  std::optional<Day> from, to;  // the published range (empty when there was nothing)
  uint64_t enterprises = 0;     // registered
  uint64_t enterprises_with_readings = 0;
  uint64_t records = 0;          // index records in the range
  uint64_t groups = 0;           // distinct groups among them
  uint64_t records_new = 0;      // first published now
  uint64_t records_revised = 0;  // published again with revision + 1
};

struct ComputationContext : EngineReferences {
  const EnterpriseRegistry* registry;
  const WeatherTable* weather;
  StateStore* state;
  EpochSeconds now;
};

class IndexComputation {
 public:
  explicit IndexComputation(const ComputationContext& context) : ctx_(context) {}

  // Recomputes every enterprise-day, baseline and group-day, publishes the days of
  // [from, to] (default: the first to the last day with readings; `reading_span` is the span
  // the ingest saw, a superset), and writes them to `sink` sorted by key.
  Result<ComputationSummary> Run(std::optional<Day> from, std::optional<Day> to,
                                 std::optional<std::pair<Day, Day>> reading_span, IndexSink* sink,
                                 ProgressListener* progress);

 private:
  ComputationContext ctx_;
};

}  // namespace fugong
