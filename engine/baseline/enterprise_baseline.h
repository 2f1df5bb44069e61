// The baseline of one enterprise for one window, asked day by day: B(e,d), Bbar(e), validity.
//
// Which weather columns the model has depends on the scored day (SPEC: a column is used only when
// the weather covers the window *and the day scored*), so the model is fitted per weather variant,
// lazily, and cached. Only two variants can ever be asked for — no columns (the day has no
// weather) and the columns the window supports (it has) — so at most two of the four slots fill,
// and once both are fitted the window's days are released.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/baseline/baseline_estimate.h"
#include "engine/baseline/baseline_model.h"
#include "engine/baseline/baseline_samples.h"
#include "engine/baseline/baseline_window.h"
#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/config/engine_config.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/weather_table.h"

namespace fugong {

class EnterpriseBaseline {
 public:
  // `observations`: E on the window days on which it is not missing, in any order (days outside
  // the window are ignored). `weather` may be null; `weather`, `calendar` and `config` must
  // outlive this object, which keeps them to fit lazily: they are pointers, not references, so
  // that a temporary (`EngineConfig{}`) cannot bind and dangle. InvalidArgument as
  // BaselineSamples::Collect.
  static Result<EnterpriseBaseline> Create(const DayRange& window,
                                           std::vector<DayEnergy> observations,
                                           const WeatherTable* weather, std::string county,
                                           const HolidayCalendar* calendar,
                                           const EngineConfig* config);

  EnterpriseBaseline(EnterpriseBaseline&&) = default;
  EnterpriseBaseline& operator=(EnterpriseBaseline&&) = default;

  // B(e,d) for `scored_day` (a holiday with its real weekday, a make-up workday as a Wednesday)
  // with Bbar(e) and validity. Fits the needed variant on first use, so although const this is
  // not safe to call concurrently on one object; distinct objects are independent.
  BaselineEstimate At(Day scored_day) const;
  // The model At() uses for `scored_day` (for the baseline store and diagnostics).
  const BaselineModel& ModelAt(Day scored_day) const;

  // The model of a scored day without weather, and the one of a scored day with weather (null
  // when the window does not support weather columns, so that weather can never matter).
  const BaselineModel& PlainModel() const { return Variant({}); }
  const BaselineModel* WeatherModel() const {
    return columns_with_weather_ == WeatherColumns{} ? nullptr : &Variant(columns_with_weather_);
  }

  const DayRange& window() const { return window_; }
  int valid_days() const { return valid_days_; }
  double mean_kwh() const { return mean_kwh_; }  // Bbar(e); the same for every variant
  bool valid() const { return valid_; }

 private:
  EnterpriseBaseline(const DayRange& window, BaselineSamples samples, const WeatherTable* weather,
                     std::string county, const HolidayCalendar* calendar,
                     const EngineConfig* config);

  // The weather columns for `scored_day`, and its temperature when those are not empty.
  WeatherColumns ColumnsAt(Day scored_day, std::optional<double>* temperature) const;
  const BaselineModel& Variant(WeatherColumns columns) const;
  static int SlotOf(WeatherColumns columns) {
    return (columns.hdd ? 1 : 0) + (columns.cdd ? 2 : 0);
  }

  DayRange window_;
  const WeatherTable* weather_;
  std::string county_;
  const HolidayCalendar* calendar_;
  const EngineConfig* config_;
  WeatherColumns columns_with_weather_;  // the columns for a scored day that has weather
  int valid_days_;
  double mean_kwh_;
  bool valid_;
  // Lazily filled fit cache; `samples_` is dropped once every reachable variant is fitted.
  mutable std::optional<BaselineSamples> samples_;
  mutable std::array<std::unique_ptr<const BaselineModel>, 4> variants_;
};

}  // namespace fugong
