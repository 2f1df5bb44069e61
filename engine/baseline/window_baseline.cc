#include "engine/baseline/window_baseline.h"

#include "engine/baseline/degree_days.h"
#include "engine/baseline/enterprise_baseline.h"
#include "engine/enterprise_day/enterprise_day_energy.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// Version 2 adds the shape baseline after the plain model; version 1 rows (written before day
// shapes) decode with no shape, so their enterprises are not judged until the window is refitted.
constexpr char kVersion = 2;
constexpr char kVersionWithoutShape = 1;

void AppendBytes(std::string_view bytes, std::string* out) {
  AppendFixed64(bytes.size(), out);
  out->append(bytes);
}

bool ReadBytes(std::string_view* in, std::string_view* bytes) {
  if (in->size() < 8) return false;
  const uint64_t n = ReadFixed64(in->data());
  if (n > in->size() - 8) return false;
  *bytes = in->substr(8, n);
  in->remove_prefix(8 + n);
  return true;
}

}  // namespace

Result<WindowBaseline> WindowBaseline::Fit(const DayRange& window,
                                           const std::vector<std::string>& ids,
                                           const std::vector<MeterSeries>& meters,
                                           const std::vector<DatedShape>& shapes,
                                           std::string_view county, const WeatherTable* weather,
                                           const HolidayCalendar& calendar,
                                           const EngineConfig& config) {
  WindowBaseline result;
  for (size_t m = 0; m < meters.size(); ++m) {
    if (meters[m].ReportedIn(window.from, window.to)) result.meters_.push_back(ids[m]);
  }
  EnterpriseDayEnergies energies(&meters);
  std::vector<DayEnergy> observations;
  for (Day d = window.from; d <= window.to; ++d) {
    const EnterpriseDayEnergy e = energies.EnergyOn(d, window.from, window.to);
    if (e.status != EnergyStatus::kMissing) observations.push_back({d, e.kwh});
  }
  Result<EnterpriseBaseline> baseline = EnterpriseBaseline::Create(
      window, std::move(observations), weather, std::string(county), &calendar, &config);
  if (!baseline.ok()) return baseline.status();
  result.plain_model_ = baseline->PlainModel();
  if (!shapes.empty()) {
    Result<ShapeBaseline> shape =
        ShapeBaseline::Fit(window.from, window.to, shapes, calendar, config.shape);
    if (!shape.ok()) return shape.status();
    result.shape_ = std::move(shape).value();
  }
  if (const BaselineModel* with_weather = baseline->WeatherModel()) {
    result.weather_model_ = *with_weather;
  }
  return result;
}

BaselineEstimate WindowBaseline::At(Day scored_day, std::optional<double> temperature,
                                    const HolidayCalendar& calendar,
                                    const EngineConfig& config) const {
  const bool weather = weather_model_ && temperature;
  const BaselineModel& model = weather ? *weather_model_ : plain_model_;
  const double hdd = weather ? HeatingDegreeDays(*temperature, config.hdd_base_c) : 0.0;
  const double cdd = weather ? CoolingDegreeDays(*temperature, config.cdd_base_c) : 0.0;
  BaselineEstimate estimate;
  estimate.valid = plain_model_.valid;
  estimate.expected_kwh = model.Predict(calendar.DayTypeOf(scored_day), hdd, cdd);
  estimate.mean_kwh = plain_model_.mean_kwh;
  estimate.method = model.method;
  return estimate;
}

std::string WindowBaseline::Encode() const {
  std::string out(1, kVersion);
  AppendFixed64(meters_.size(), &out);
  for (const std::string& meter : meters_) AppendBytes(meter, &out);
  AppendBytes(plain_model_.Encode(), &out);
  AppendBytes(shape_ == ShapeBaseline() ? std::string() : shape_.Encode(), &out);
  if (weather_model_) AppendBytes(weather_model_->Encode(), &out);
  return out;
}

Result<WindowBaseline> WindowBaseline::Decode(std::string_view bytes) {
  WindowBaseline result;
  FUGONG_RETURN_IF_ERROR(DecodeInto(bytes, &result));
  return result;
}

Status WindowBaseline::DecodeInto(std::string_view bytes, WindowBaseline* out) {
  const Status bad = Status::Corruption("baseline record: malformed");
  if (bytes.size() < 9 || (bytes[0] != kVersion && bytes[0] != kVersionWithoutShape)) return bad;
  const bool has_shape = bytes[0] == kVersion;
  bytes.remove_prefix(1);
  const uint64_t count = ReadFixed64(bytes.data());
  bytes.remove_prefix(8);
  if (count > bytes.size() / 8) return bad;
  // Assigned in place: the meter strings keep their buffers from the previous enterprise.
  out->meters_.resize(count);
  std::string_view part;
  for (uint64_t i = 0; i < count; ++i) {
    if (!ReadBytes(&bytes, &part)) return bad;
    out->meters_[i].assign(part);
  }
  if (!ReadBytes(&bytes, &part)) return bad;
  Result<BaselineModel> plain = BaselineModel::Decode(part);
  if (!plain.ok()) return plain.status();
  out->plain_model_ = std::move(plain).value();
  out->shape_ = ShapeBaseline();
  if (has_shape) {
    if (!ReadBytes(&bytes, &part)) return bad;
    if (!part.empty()) {
      std::optional<ShapeBaseline> shape = ShapeBaseline::Decode(part);
      if (!shape) return bad;
      out->shape_ = *shape;
    }
  }
  out->weather_model_.reset();
  if (!bytes.empty()) {
    if (!ReadBytes(&bytes, &part) || !bytes.empty()) return bad;
    Result<BaselineModel> weather = BaselineModel::Decode(part);
    if (!weather.ok()) return weather.status();
    out->weather_model_ = std::move(weather).value();
  }
  return Status::OK();
}

}  // namespace fugong
