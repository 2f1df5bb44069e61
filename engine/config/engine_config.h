// Every threshold and window of SPEC, with SPEC's defaults. One struct, passed in everywhere;
// never read from a global.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/common/time_zone.h"
#include "engine/shape/shape_rules.h"

namespace fugong {

enum class BaselineMethod { kCalendar, kMean };

struct EngineConfig {
  // --- Time ---
  // Local days are days in this zone (SPEC: Asia/Shanghai). The default is the fixed +08:00 that
  // Asia/Shanghai has kept since 1991, so it needs no zone files; `timezone: Europe/London`
  // loads the zone with its daylight-saving rules from tzdata.
  TimeZone time_zone = TimeZone::Fixed(8 * 3600, "Asia/Shanghai");
  // Length of one interval reading; must divide 1440.
  int interval_minutes = 15;
  // A reading time more than this far ahead of the clock is dead-lettered.
  int future_tolerance_seconds = 86400;
  // Meter-day rows and scores of days more than this many days before the newest day read are
  // dropped by RocksDB's compaction (engine/state/retention_filter.h); readings too old for what
  // remains are dead-lettered too_old. The default keeps the current and the previous season's
  // windows and every day scored against them (a season reaches ~190 days past its festival,
  // festivals are 354-384 days apart, a window ends 15 days before its festival).
  int retention_days = 800;

  // --- Meter-day ---
  double min_coverage = 0.75;
  double max_interval_kwh = 1e6;

  // --- Baseline ---
  BaselineMethod baseline_method = BaselineMethod::kCalendar;
  // An explicit window; when unset, the window of each season is derived from the Spring
  // Festival: `baseline_days` days ending `baseline_gap_days` days before it.
  std::optional<Day> baseline_from;
  std::optional<Day> baseline_to;
  int baseline_days = 42;
  int baseline_gap_days = 15;
  double min_baseline_kwh = 1.0;
  int min_valid_days = 14;    // fewer valid window days: fall back to `mean`
  int min_days_per_type = 2;  // fewer of any day type: fall back to `mean`
  double hdd_base_c = 18.0;
  double cdd_base_c = 26.0;
  int min_weather_nonzero_days = 5;

  // --- Scoring ---
  double r_max = 2.0;
  double resume_threshold = 0.30;
  double working_day_fraction = 0.1;  // B(e,d) >= this x Bbar(e): a day e normally works

  // --- Day shape (issue 14, docs/day-shape.md) ---
  // Read each enterprise's working hours against its base load, and count the active, the judged
  // and the suspects of idle running beside SPEC's figures. Only with interval readings of at
  // most an hour that divide it (ReadsDayShapes); records gain their fields only then.
  bool day_shape = true;
  ShapeRules shape;

  // --- Groups ---
  double composite_weight = 0.5;
  int min_group_size = 3;
  std::vector<std::string> levels = {"province",        "city",  "county", "industry",
                                     "county_industry", "scale", "tag"};

  // Intervals expected on a local day: 96 at 15 minutes, 92 or 100 on a daylight-saving change
  // day (the day's real length divided by the interval, rounded; at least 1).
  int IntervalsOn(Day day) const;
  // Interval slots a meter-day record holds: enough for the longest local day.
  int SlotsPerDay() const;

  // Whether days are judged by their shape: `day_shape` and intervals that divide an hour.
  bool ReadsDayShapes() const {
    return day_shape && interval_minutes <= 60 && 60 % interval_minutes == 0;
  }

  // Checks the values against their allowed ranges.
  Status Validate() const;
};

// Applies YAML text whose keys are the field names above (dates as YYYY-MM-DD, `timezone` as
// `+08:00` or an IANA zone name). Unknown keys are an error, so a typo is never silently ignored.
// Files, table paths and overrides are the app's business (app/run_config.h).
Status ApplyConfigYaml(const std::string& yaml_text, EngineConfig* config);

}  // namespace fugong
