// decode -> validate -> meter_day: turns raw reading records into meter-day rows, dead letters
// and counters, and commits them to state together with the input positions, in one batch.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/job/ingest_counters.h"
#include "engine/job/record_source.h"
#include "engine/meter_day/meter_day_accumulator.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/state/state_store.h"
#include "engine/validate/reading_validator.h"

namespace fugong {

class ReadingIngestor {
 public:
  // `registry` may be null: then readings of any enterprise are kept (streaming keeps them until
  // the registry knows the enterprise); otherwise unknown enterprises are dead-lettered.
  ReadingIngestor(const EngineConfig& config, const EnterpriseRegistry* registry, EpochSeconds now,
                  StateStore* state);

  // Restores the counters committed by earlier runs.
  void LoadCounters();

  void AddCsvBatch(const SourceBatch& batch, ReadingCsvDecoder* decoder, const std::string& source);

  // Whether enough is held in memory to be worth a commit.
  bool ShouldCommit() const;
  // Commit at least every `records` records (default: by memory held only).
  void set_commit_records(uint64_t records) { commit_records_ = records; }
  // Writes meter-days, dead letters, counters and `progress` (source name -> checkpoint)
  // atomically.
  Status Commit(const std::vector<std::pair<std::string, std::string>>& progress);

  const IngestCounters& counters() const { return counters_; }
  // The first and last local day any used reading was placed on (register readings count on
  // the day they open); empty before the first.
  std::optional<std::pair<Day, Day>> day_span() const;

 private:
  void DeadLetterRecord(DeadLetterReason reason, std::string detail, const std::string& source,
                        int64_t position, std::string_view raw);

  const EngineConfig& config_;
  const EnterpriseRegistry* registry_;
  StateStore* state_;
  ReadingValidator validator_;
  MeterDayAccumulator accumulator_;
  std::vector<uint8_t> meter_known_;  // by meter index: is its enterprise registered?
  std::vector<std::pair<std::string, std::string>> pending_dead_;  // key, json
  IngestCounters counters_;
  uint64_t commit_records_ = UINT64_MAX;
  uint64_t records_at_last_commit_ = 0;
  Day min_day_ = INT32_MAX;
  Day max_day_ = INT32_MIN;
};

// Names of the counters in the stats store.
std::string CounterName(DeadLetterReason reason);

}  // namespace fugong
