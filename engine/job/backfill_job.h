// A backfill: enterprises, weather and readings from sources, through the whole dataflow, to the
// index and dead-letter sinks. Resumable: run it again with the same state after a crash and it
// continues where its last commit ended, with a result identical to an uninterrupted run.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "engine/common/clock.h"
#include "engine/config/engine_config.h"
#include "engine/job/index_computation.h"
#include "engine/job/ingest_counters.h"
#include "engine/job/record_source.h"
#include "engine/job/sinks.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "engine/reference/risk_chart.h"
#include "engine/state/state_store.h"

namespace fugong {

struct BackfillRequest {
  RecordSource* enterprises = nullptr;
  RecordSource* weather = nullptr;  // optional
  RecordSource* risk = nullptr;     // optional: the epidemic risk chart (county_code,date,level)
  std::vector<RecordSource*> readings;
  std::optional<Day> from, to;  // the days to publish
  // Testing and tuning: commit at least every this many readings.
  uint64_t commit_records = UINT64_MAX;
  // Testing: called after each ingest commit is written, with the number of commits so far.
  std::function<void(uint64_t)> after_commit;
  // Each commit is written while the next input is parsed (StateWriteBehind). Testing: false
  // writes each one before going on, the serial path the overlapped one must equal.
  bool write_behind = true;
  // On a state without meter_day rows, meter-days first written by this run are Puts rather than
  // Merges (MeterDayAccumulator::set_fresh_state). Testing: false merges every one, the ordinary
  // path the bulk load must equal.
  bool bulk_load = true;
};

struct BackfillSummary {
  IngestCounters readings;     // over all runs on this state
  IngestCounters enterprises;  // this run
  IngestCounters weather;      // this run
  IngestCounters risk;         // this run
  ComputationSummary computation;
  uint64_t dead_letters_written = 0;
  uint64_t readings_this_run = 0;
  uint64_t state_bytes = 0;
};

class BackfillJob {
 public:
  BackfillJob(const EngineConfig& config, const RegionTable& regions,
              const IndustryTable& industries, const HolidayCalendar& calendar, const Clock& clock,
              StateStore* state);

  Result<BackfillSummary> Run(const BackfillRequest& request, IndexSink* index,
                              DeadLetterSink* dead_letters, ProgressListener* progress);

 private:
  Status LoadEnterprises(RecordSource* source, EnterpriseRegistry* registry,
                         IngestCounters* counters);
  Status LoadWeather(RecordSource* source, WeatherTable* weather, IngestCounters* counters);
  Status LoadRisk(RecordSource* source, RiskChart* chart, IngestCounters* counters);
  // A county-day side input (weather, the risk chart): each line decoded by `Decoder` and
  // applied, or dead-lettered with its reason.
  template <typename Decoder, typename Apply>
  Status LoadCountyDayTable(RecordSource* source, IngestCounters* counters, const Apply& apply);
  Status IngestReadings(const BackfillRequest& request, const EnterpriseRegistry& registry,
                        ProgressListener* progress, BackfillSummary* summary,
                        std::optional<std::pair<Day, Day>>* span);

  const EngineConfig& config_;
  const RegionTable& regions_;
  const IndustryTable& industries_;
  const HolidayCalendar& calendar_;
  const Clock& clock_;
  StateStore* state_;
};

}  // namespace fugong
