// E(e,d): an enterprise's energy on a day, summed over the meters it reported in the baseline
// window or on that day. If any of them is missing on the day, so is E; no reading is not zero.
#pragma once

#include <map>
#include <vector>

#include "engine/meter_day/meter_day_energy.h"

namespace fugong {

struct EnterpriseDayEnergy {
  EnergyStatus status = EnergyStatus::kMissing;
  double kwh = 0;
};

class EnterpriseDayEnergies {
 public:
  // `meters` in meter-id order (the order the sum is taken in); must outlive this object.
  explicit EnterpriseDayEnergies(const std::vector<MeterSeries>* meters) : meters_(meters) {}

  // E on `day`, with [window_from, window_to] the baseline window that applies to it.
  EnterpriseDayEnergy EnergyOn(Day day, Day window_from, Day window_to);

 private:
  const std::vector<uint8_t>& ReportedInWindow(Day from, Day to);

  const std::vector<MeterSeries>* meters_;
  std::map<std::pair<Day, Day>, std::vector<uint8_t>> reported_in_window_;
};

}  // namespace fugong
