// enterprise_day -> baseline -> score for one enterprise: its meter-days in, one score per day
// out. The backfill and the stream both score enterprises through this class, so the two paths
// do the same arithmetic in the same order and their index records are byte-identical.
#pragma once

#include <string_view>
#include <vector>

#include "engine/baseline/baseline_window.h"
#include "engine/config/engine_config.h"
#include "engine/meter_day/meter_day_energy.h"
#include "engine/model/enterprise.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/weather_table.h"
#include "engine/state/state_store.h"

namespace fugong {

// What the group sums need of one enterprise on one day.
struct ScoredDay {
  bool has_data = false;  // some meter has data for the day (decides the published range)
  bool eligible = false;
  bool resumed = false;
  double recovered_kwh = 0;
  double baseline_kwh = 0;

  bool operator==(const ScoredDay&) const = default;
};

// Counts for the summary, added up over the enterprises scored.
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

// Reads one enterprise's meter-day rows from an iterator over the meter_day store positioned at
// or before them (rows of enterprises that sort before `id` are skipped), in meter-id order.
Status ReadEnterpriseMeters(rocksdb::Iterator* it, std::string_view id, const EngineConfig& config,
                            std::vector<MeterSeries>* meters, ScoringCounts* counts);

class EnterpriseScoring {
 public:
  // Scores the days [from, to]. `config`, `calendar` and `weather` (which may be null) must
  // outlive this object; pointers, so that no temporary can bind to them.
  static Result<EnterpriseScoring> Create(Day from, Day to, const EngineConfig* config,
                                          const HolidayCalendar* calendar,
                                          const WeatherTable* weather);

  Day from() const { return from_; }
  Day to() const { return to_; }

  // Scores `enterprise` (whose meters are `meters`) on every day of [from, to] into `days`
  // (index day - from), and puts its enterprise-day energies and baseline models into `batch`
  // (when not null: the stream keeps scores in memory and skips these diagnostic rows).
  Status Score(const Enterprise& enterprise, const std::vector<MeterSeries>& meters,
               StateBatch* batch, std::vector<ScoredDay>* days, ScoringCounts* counts) const;

 private:
  EnterpriseScoring(Day from, Day to, const EngineConfig* config, const HolidayCalendar* calendar,
                    const WeatherTable* weather)
      : from_(from), to_(to), config_(config), calendar_(calendar), weather_(weather) {}

  Day from_, to_;
  const EngineConfig* config_;
  const HolidayCalendar* calendar_;
  const WeatherTable* weather_;
  std::vector<DayRange> windows_;  // the distinct baseline windows of the scored days
  std::vector<int> window_of_;     // by day - from
};

}  // namespace fugong
