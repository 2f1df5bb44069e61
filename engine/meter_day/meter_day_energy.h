// The energy of one meter on one day (SPEC, "Per meter and enterprise, per day").
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/config/engine_config.h"
#include "engine/meter_day/meter_day_record.h"

namespace fugong {

enum class EnergyStatus : uint8_t { kComplete, kEstimated, kMissing };

// What a meter-day row says, reduced to what energy needs.
struct MeterDaySummary {
  Day day;
  int received = 0;  // distinct intervals
  MicroKwh interval_sum = 0;
  bool has_register = false;  // a register value at the 00:00 that opens the day
  MicroKwh register_start = 0;
  uint32_t corrections = 0;
  uint32_t duplicates = 0;

  // The summary of a stored meter-day record of `day`, read without materialising its slots;
  // false on bytes that are not a record.
  static bool Decode(Day day, std::string_view bytes, MeterDaySummary* out);
  // The same, of the row of the day after a scored day: only its 00:00 register reading and the
  // counts matter (no totals: `received` 0, `interval_sum` 0).
  static bool DecodeRegister(Day day, std::string_view bytes, MeterDaySummary* out);
  // The summary of a record decoded whole (for a reader that needs its slots too: the day
  // shape), the same as Decode gives of its bytes.
  static MeterDaySummary Of(Day day, const MeterDayRecord& record);
};

struct MeterEnergy {
  EnergyStatus status = EnergyStatus::kMissing;
  double kwh = 0;
  bool reported = false;  // the meter sent something for this day
  bool rollover = false;  // a negative register difference (counted as an anomaly)
};

// One meter's rows, sorted by day, turned into per-day energies.
class MeterSeries {
 public:
  // `config` must outlive the series.
  MeterSeries(std::vector<MeterDaySummary> rows, const EngineConfig& config);

  // Energy on `day`. Interval readings win when a meter has both kinds on one day.
  MeterEnergy EnergyOn(Day day) const;
  // Whether the meter has data for `day`: an interval reading of the day, or the register
  // readings at both of its ends (the rule for "days with readings").
  bool HasDataFor(Day day) const;
  // Whether the meter reported anything in [from, to] (the rule for which meters an
  // enterprise-day sums over).
  bool ReportedIn(Day from, Day to) const;

  const std::vector<MeterDaySummary>& rows() const { return rows_; }
  Day first_day() const { return rows_.front().day; }
  Day last_day() const { return rows_.back().day; }

 private:
  const MeterDaySummary* Find(Day day) const;
  std::vector<MeterDaySummary> rows_;
  const EngineConfig* config_;
};

}  // namespace fugong
