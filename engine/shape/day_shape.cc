#include "engine/shape/day_shape.h"

#include <algorithm>
#include <bit>

#include "engine/meter_day/meter_day_record.h"

namespace fugong {

int DayShape::present_count() const { return std::popcount(hours_present); }

DayShapeBuilder::DayShapeBuilder(const std::vector<uint8_t>* slot_hours, int interval_minutes)
    : slot_hours_(slot_hours),
      kw_per_micro_kwh_per_interval_(60.0 / interval_minutes /
                                     static_cast<double>(kMicroKwhPerKwh)) {}

void DayShapeBuilder::AddMeter(std::string_view meter_id, const MicroKwh* slots, int count) {
  MeterHours meter;
  meter.meter_id.assign(meter_id);
  bool any = false;
  const int n = std::min(count, static_cast<int>(slot_hours_->size()));
  for (int s = 0; s < n; ++s) {
    if (slots[s] == MeterDayRecord::kAbsent) continue;
    const int hour = (*slot_hours_)[s];
    meter.sum[hour] += slots[s];
    ++meter.count[hour];
    any = true;
  }
  if (any) meters_.push_back(std::move(meter));
}

std::optional<DayShape> DayShapeBuilder::Finish() {
  if (meters_.empty()) return std::nullopt;
  std::sort(meters_.begin(), meters_.end(),
            [](const MeterHours& a, const MeterHours& b) { return a.meter_id < b.meter_id; });
  DayShape shape;
  shape.hours_present = (1u << 24) - 1;
  for (const MeterHours& meter : meters_) {
    for (int h = 0; h < 24; ++h) {
      if (meter.count[h] == 0) {
        shape.hours_present &= ~(1u << h);
        continue;
      }
      shape.kw[h] +=
          static_cast<double>(meter.sum[h]) / meter.count[h] * kw_per_micro_kwh_per_interval_;
    }
  }
  for (int h = 0; h < 24; ++h) {
    if (!shape.Has(h)) shape.kw[h] = 0;
  }
  meters_.clear();
  return shape;
}

}  // namespace fugong
