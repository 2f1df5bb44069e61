// baseline -> score -> groups -> publish over the meter-day store: the second half of a backfill.
//
// It does what the stream does as days close, all at once: fits the baselines of every window the
// published days are scored against (engine/job/day_scoring.h), then scores each day and sums
// it in enterprise-id order (days in parallel), so the two paths give byte-identical records.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/job/engine_references.h"
#include "engine/job/meter_day_census.h"
#include "engine/job/sinks.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "engine/reference/risk_chart.h"
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
  int threads = 0;                  // 0: one per core
  const RiskChart* risk = nullptr;  // the epidemic chart, if any: county records gain `risk`
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
