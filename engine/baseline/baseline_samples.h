// The valid days of one enterprise's baseline window, with the regressors the fit needs.
#pragma once

#include <string_view>
#include <vector>

#include "engine/baseline/baseline_window.h"
#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/config/engine_config.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/weather_table.h"

namespace fugong {

// E(e,d) of one day on which it is not missing.
struct DayEnergy {
  Day day;
  double kwh;
};

// One valid window day: E is not missing and the day is not a public holiday.
struct BaselineSample {
  Day day;
  int day_type;  // 0 = Monday .. 6 = Sunday; a make-up workday is a Wednesday (2)
  double kwh;
  double hdd;  // 0 when the weather does not cover the window
  double cdd;
};

// Which weather columns a calendar fit includes.
struct WeatherColumns {
  bool hdd = false;
  bool cdd = false;

  bool operator==(const WeatherColumns&) const = default;
};

class BaselineSamples {
 public:
  // Keeps the valid days of `window` among `observations` (E on the window days on which it is
  // not missing, in any order), sorted by day so that nothing downstream depends on input order.
  // Observations outside the window are ignored. `weather` may be null. InvalidArgument when a
  // day appears twice or an energy is not finite.
  static Result<BaselineSamples> Collect(const DayRange& window,
                                         std::vector<DayEnergy> observations,
                                         const WeatherTable* weather, std::string_view county,
                                         const HolidayCalendar& calendar,
                                         const EngineConfig& config);

  // SPEC's rule: a weather column is used only when the weather covers every day of the window and
  // the scored day, and the column is non-zero on at least `min_weather_nonzero_days` valid days.
  WeatherColumns ColumnsFor(bool scored_day_has_weather, const EngineConfig& config) const;

  const std::vector<BaselineSample>& days() const { return days_; }
  int size() const { return static_cast<int>(days_.size()); }
  // Bbar: the mean of E over the valid days, summed in day order; 0 when there are none.
  double mean_kwh() const { return mean_kwh_; }
  bool weather_covers_window() const { return weather_covers_window_; }
  int hdd_nonzero_days() const { return hdd_nonzero_days_; }
  int cdd_nonzero_days() const { return cdd_nonzero_days_; }

 private:
  std::vector<BaselineSample> days_;
  double mean_kwh_ = 0;
  bool weather_covers_window_ = false;
  int hdd_nonzero_days_ = 0;
  int cdd_nonzero_days_ = 0;
};

}  // namespace fugong
