#include "engine/baseline/enterprise_baseline.h"

#include <utility>

#include "engine/baseline/baseline_fitter.h"
#include "engine/baseline/degree_days.h"

namespace fugong {

Result<EnterpriseBaseline> EnterpriseBaseline::Create(
    const DayRange& window, std::vector<DayEnergy> observations, const WeatherTable* weather,
    std::string county, const HolidayCalendar* calendar, const EngineConfig* config) {
  Result<BaselineSamples> samples = BaselineSamples::Collect(window, std::move(observations),
                                                             weather, county, *calendar, *config);
  if (!samples.ok()) return samples.status();
  return EnterpriseBaseline(window, std::move(samples).value(), weather, std::move(county),
                            calendar, config);
}

EnterpriseBaseline::EnterpriseBaseline(const DayRange& window, BaselineSamples samples,
                                       const WeatherTable* weather, std::string county,
                                       const HolidayCalendar* calendar, const EngineConfig* config)
    : window_(window),
      weather_(weather),
      county_(std::move(county)),
      calendar_(calendar),
      config_(config),
      columns_with_weather_(samples.ColumnsFor(/*scored_day_has_weather=*/true, *config)),
      valid_days_(samples.size()),
      mean_kwh_(samples.mean_kwh()),
      valid_(samples.mean_kwh() >= config->min_baseline_kwh),
      samples_(std::move(samples)) {}

WeatherColumns EnterpriseBaseline::ColumnsAt(Day scored_day,
                                             std::optional<double>* temperature) const {
  // Without usable weather columns the scored day's temperature cannot matter: skip the lookup.
  if (columns_with_weather_ == WeatherColumns{}) return {};
  *temperature = weather_->TemperatureOf(county_, scored_day);
  return temperature->has_value() ? columns_with_weather_ : WeatherColumns{};
}

const BaselineModel& EnterpriseBaseline::Variant(WeatherColumns columns) const {
  std::unique_ptr<const BaselineModel>& slot = variants_[SlotOf(columns)];
  if (!slot) {
    slot = std::make_unique<const BaselineModel>(FitBaselineModel(*samples_, columns, *config_));
    if (variants_[SlotOf({})] && variants_[SlotOf(columns_with_weather_)]) samples_.reset();
  }
  return *slot;
}

const BaselineModel& EnterpriseBaseline::ModelAt(Day scored_day) const {
  std::optional<double> temperature;
  return Variant(ColumnsAt(scored_day, &temperature));
}

BaselineEstimate EnterpriseBaseline::At(Day scored_day) const {
  std::optional<double> temperature;
  const BaselineModel& model = Variant(ColumnsAt(scored_day, &temperature));
  const double hdd = temperature ? HeatingDegreeDays(*temperature, config_->hdd_base_c) : 0.0;
  const double cdd = temperature ? CoolingDegreeDays(*temperature, config_->cdd_base_c) : 0.0;
  BaselineEstimate estimate;
  estimate.valid = valid_;
  estimate.expected_kwh = model.Predict(calendar_->DayTypeOf(scored_day), hdd, cdd);
  estimate.mean_kwh = mean_kwh_;
  estimate.method = model.method;
  return estimate;
}

}  // namespace fugong
