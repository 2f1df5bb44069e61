#include "engine/enterprise_day/enterprise_day_energy.h"

namespace fugong {

const std::vector<uint8_t>& EnterpriseDayEnergies::ReportedInWindow(Day from, Day to) {
  auto [it, inserted] = reported_in_window_.try_emplace({from, to});
  if (inserted) {
    for (const MeterSeries& meter : *meters_) it->second.push_back(meter.ReportedIn(from, to));
  }
  return it->second;
}

EnterpriseDayEnergy EnterpriseDayEnergies::EnergyOn(Day day, Day window_from, Day window_to) {
  const std::vector<uint8_t>& in_window = ReportedInWindow(window_from, window_to);
  EnterpriseDayEnergy result;
  bool any_meter = false;
  bool estimated = false;
  double kwh = 0;
  for (size_t m = 0; m < meters_->size(); ++m) {
    const MeterEnergy e = (*meters_)[m].EnergyOn(day);
    if (!in_window[m] && !e.reported) continue;  // not one of this day's meters
    any_meter = true;
    if (e.status == EnergyStatus::kMissing) return result;
    estimated = estimated || e.status == EnergyStatus::kEstimated;
    kwh += e.kwh;
  }
  if (!any_meter) return result;
  result.status = estimated ? EnergyStatus::kEstimated : EnergyStatus::kComplete;
  result.kwh = kwh;
  return result;
}

}  // namespace fugong
