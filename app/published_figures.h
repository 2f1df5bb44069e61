// What a map, a chart or a gauge reads off a published index record (SPEC "Output record").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/model/risk_level.h"

namespace fugong {

struct PublishedFigures {
  std::string date, level, code;
  std::string name;                           // the group's name as published
  std::optional<double> composite;            // none when suppressed
  int tier = 0;                               // 1 (T1) .. 5 (T5); 0 when suppressed
  std::optional<int64_t> eligible, resumed;   // none when suppressed
  std::optional<RiskLevel> risk;              // county records covered by a risk chart
  std::optional<double> last_year_composite;  // the same lunar day of the previous season's
  std::string last_year_date;                 // that day (YYYY-MM-DD); empty with no last_year
  std::optional<double> load_recovery;        // none when suppressed
  // The day-shape figures (docs/day-shape.md): none when suppressed or not read by the run.
  std::optional<int64_t> suspect_idle;
  std::optional<double> active_rate;  // also none when too few were judged
};

// False if `json` is not a record with a date, level and code.
bool ReadPublishedFigures(std::string_view json, PublishedFigures* out);

}  // namespace fugong
