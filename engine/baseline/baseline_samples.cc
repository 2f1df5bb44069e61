#include "engine/baseline/baseline_samples.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "engine/baseline/degree_days.h"

namespace fugong {

Result<BaselineSamples> BaselineSamples::Collect(
    const DayRange& window, std::vector<DayEnergy> observations, const WeatherTable* weather,
    std::string_view county, const HolidayCalendar& calendar, const EngineConfig& config) {
  std::sort(observations.begin(), observations.end(),
            [](const DayEnergy& a, const DayEnergy& b) { return a.day < b.day; });
  BaselineSamples s;
  s.weather_covers_window_ = weather != nullptr && weather->Covers(county, window.from, window.to);
  s.days_.reserve(observations.size());
  double sum = 0;
  for (size_t i = 0; i < observations.size(); ++i) {
    const DayEnergy& o = observations[i];
    // A repeated day would make the fit depend on which copy the sort put first.
    if (i > 0 && observations[i - 1].day == o.day) {
      return Status::InvalidArgument("baseline: energy of " + FormatDate(o.day) + " given twice");
    }
    if (!std::isfinite(o.kwh)) {
      return Status::InvalidArgument("baseline: energy of " + FormatDate(o.day) + " is not finite");
    }
    if (!window.Contains(o.day) || calendar.IsHoliday(o.day)) continue;
    BaselineSample sample{o.day, calendar.DayTypeOf(o.day), o.kwh, 0.0, 0.0};
    if (s.weather_covers_window_) {
      // Covers() guarantees the temperature is there.
      const double t = *weather->TemperatureOf(county, o.day);
      sample.hdd = HeatingDegreeDays(t, config.hdd_base_c);
      sample.cdd = CoolingDegreeDays(t, config.cdd_base_c);
      s.hdd_nonzero_days_ += sample.hdd != 0;
      s.cdd_nonzero_days_ += sample.cdd != 0;
    }
    sum += o.kwh;
    s.days_.push_back(sample);
  }
  s.mean_kwh_ = s.days_.empty() ? 0.0 : sum / static_cast<double>(s.days_.size());
  return s;
}

WeatherColumns BaselineSamples::ColumnsFor(bool scored_day_has_weather,
                                           const EngineConfig& config) const {
  if (!scored_day_has_weather || !weather_covers_window_) return {};
  return {hdd_nonzero_days_ >= config.min_weather_nonzero_days,
          cdd_nonzero_days_ >= config.min_weather_nonzero_days};
}

}  // namespace fugong
