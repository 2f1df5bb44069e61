// Daily mean temperature per county for the synthetic province (weather.csv), typical of
// Zhejiang: a seasonal curve with its minimum (~6 C) in mid-January and maximum (~28 C) in
// mid-July, warmer along the southern coast (Wenzhou, Taizhou) and cooler in the north-west,
// plus AR(1)-like weather anomalies shared by the province and by each city.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/common/date.h"
#include "engine/reference/region_table.h"

namespace fugong::synth {

class SyntheticWeather {
 public:
  // Temperatures for `counties` (codes of `regions`) on every day of [from, to].
  SyntheticWeather(uint64_t seed, const RegionTable& regions,
                   const std::vector<std::string>& counties, Day from, Day to);

  // In tenths of a degree, exactly as written to weather.csv; the load model heats with this
  // rounded value so that the engine sees the same temperature the load responded to.
  int TenthsOf(int county_index, Day day) const {
    return tenths_[static_cast<size_t>(county_index) * days_ + static_cast<size_t>(day - from_)];
  }
  double CelsiusOf(int county_index, Day day) const { return TenthsOf(county_index, day) / 10.0; }

  // `county_code,date,temp_mean_c` with a header, counties in the given order, days ascending.
  std::string ToCsv() const;

 private:
  std::vector<std::string> counties_;
  Day from_;
  size_t days_;
  std::vector<int> tenths_;
};

}  // namespace fugong::synth
