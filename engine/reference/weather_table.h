// Daily mean temperature per county (optional input: `county_code, date, temp_mean_c`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/common/date.h"

namespace fugong {

class WeatherTable {
 public:
  // A later value for the same county and day replaces the earlier one.
  void Set(const std::string& county, Day day, double temp_mean_c);
  std::optional<double> TemperatureOf(std::string_view county, Day day) const;
  // Whether the county has a temperature on every day of [from, to].
  bool Covers(std::string_view county, Day from, Day to) const;
  bool empty() const { return by_county_.empty(); }

 private:
  std::map<std::string, std::map<Day, double>, std::less<>> by_county_;
};

}  // namespace fugong
