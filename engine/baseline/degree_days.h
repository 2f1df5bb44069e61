// Heating and cooling degree-days of one day, the weather regressors of the calendar baseline.
#pragma once

#include <algorithm>

namespace fugong {

// HDD = max(0, base - T): how far a cold day's mean temperature is below the heating base.
inline double HeatingDegreeDays(double temp_mean_c, double hdd_base_c) {
  return std::max(0.0, hdd_base_c - temp_mean_c);
}

// CDD = max(0, T - base): how far a hot day's mean temperature is above the cooling base.
inline double CoolingDegreeDays(double temp_mean_c, double cdd_base_c) {
  return std::max(0.0, temp_mean_c - cdd_base_c);
}

}  // namespace fugong
