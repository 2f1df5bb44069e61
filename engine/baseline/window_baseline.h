// What is kept of one enterprise's baseline for one window, once that window is closed: the meters
// it reported in the window (E(e,d) sums over them on every day scored against the window) and the
// fitted models. Fitted once, stored in the baseline store, read by every close that scores a day
// of its season, so that a close reads one day of readings, not the whole season.
//
// SPEC uses a weather column only when the weather covers the window *and the day scored*, so two
// models are kept: one for a scored day without weather and, when the window supports weather
// columns, one for a scored day with it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/baseline/baseline_estimate.h"
#include "engine/baseline/baseline_model.h"
#include "engine/baseline/baseline_window.h"
#include "engine/common/status.h"
#include "engine/config/engine_config.h"
#include "engine/meter_day/meter_day_energy.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/weather_table.h"
#include "engine/shape/day_shape.h"
#include "engine/shape/shape_baseline.h"

namespace fugong {

class WindowBaseline {
 public:
  WindowBaseline() = default;

  // Fits the baseline of an enterprise in `county` from its meters' rows (`meters`, in meter-id
  // order, with the rows of window.from .. window.to + 1: a register reading at the 00:00 that
  // closes the window reports on its last day) and its day shapes in the window (`shapes`, empty
  // when shapes are not read: then no shape baseline). `weather` may be null.
  static Result<WindowBaseline> Fit(const DayRange& window, const std::vector<std::string>& ids,
                                    const std::vector<MeterSeries>& meters,
                                    const std::vector<DatedShape>& shapes, std::string_view county,
                                    const WeatherTable* weather, const HolidayCalendar& calendar,
                                    const EngineConfig& config);

  // B(e,d), Bbar(e) and validity for `scored_day`, whose county temperature is `temperature`
  // (nullopt: no weather that day). Matches EnterpriseBaseline::At bit for bit.
  BaselineEstimate At(Day scored_day, std::optional<double> temperature,
                      const HolidayCalendar& calendar, const EngineConfig& config) const;
  // Whether the scored day's temperature can matter (the window supports weather columns).
  bool uses_weather() const { return weather_model_.has_value(); }

  // The meters reported in the window, sorted by id.
  const std::vector<std::string>& meters() const { return meters_; }
  const BaselineModel& plain_model() const { return plain_model_; }
  bool valid() const { return plain_model_.valid; }
  // The normal shape of its day (not judged when shapes were not read or were too few).
  const ShapeBaseline& shape() const { return shape_; }

  // A versioned binary form (doubles as their IEEE-754 bits: Decode(Encode(b)) is exact).
  std::string Encode() const;
  static Result<WindowBaseline> Decode(std::string_view bytes);
  // Decode into `out`, reusing its buffers (a close decodes one baseline per enterprise).
  static Status DecodeInto(std::string_view bytes, WindowBaseline* out);

 private:
  std::vector<std::string> meters_;
  BaselineModel plain_model_;
  ShapeBaseline shape_;
  std::optional<BaselineModel> weather_model_;
};

}  // namespace fugong
